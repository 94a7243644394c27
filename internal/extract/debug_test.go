package extract

import (
	"os"
	"testing"
	"time"
)

// TestDebugSentences prints what the pipeline sees in each sentence of the
// file named by VIGIL_DEBUG_FILE (published VIGIL_DEBUG_PUBLISHED). It is a
// tool for working on the extractor, skipped in normal runs.
func TestDebugSentences(t *testing.T) {
	path := os.Getenv("VIGIL_DEBUG_FILE")
	if path == "" {
		t.Skip("set VIGIL_DEBUG_FILE to print the pipeline's view of a report")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := time.Parse(time.DateOnly, os.Getenv("VIGIL_DEBUG_PUBLISHED"))
	x := newExtractor(t)
	text := string(b)
	sents, _ := x.analyse(text, "", pub, pub.Year())
	for _, s := range sents {
		t.Logf("#%d score=%.0f bg=%v %s | %.80q", s.index, s.score, s.background, s.why, text[s.span.Start:s.span.End])
		for _, h := range s.hits {
			t.Logf("    hit %s %q", h.Sub, text[h.Span.Start:h.Span.End])
		}
		for _, d := range s.dates {
			t.Logf("    date %s p%d %q", d.Date.Format(time.DateOnly), d.Precision, d.Text)
		}
		for _, a := range s.actors {
			t.Logf("    actor %s (%s) %q generic=%v weak=%v", a.Name, a.Type, a.Text, a.Generic, a.Weak)
		}
		for _, h := range s.harms {
			t.Logf("    harm %s %q best=%v neg=%v", h.Kind, text[h.Span.Start:h.Span.End], h.Quantity.Best, h.Negated)
		}
		for _, p := range s.places {
			t.Logf("    place %q -> %s %s", p.Text, p.Name, p.FeatureCode)
		}
	}
}
