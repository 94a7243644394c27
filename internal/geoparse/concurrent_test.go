package geoparse

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/vigil-hr/vigil/internal/model"
)

// TestParseConcurrent checks that parses running at once, on texts of all
// sizes and in both modes, give what they give alone: the pooled working
// memory and the gazetteer's memo must not leak from one call into
// another.
func TestParseConcurrent(t *testing.T) {
	p := parser(t)
	bench, err := os.ReadFile("testdata/bench_en_fr.txt")
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		string(bench),
		"Gunmen attacked Boni, near Hombori, in the Mopti region.",
		"Des hommes armés à Nampala, cercle de Niono, région de Ségou.",
		"TOMBOUCTOU: DEUX MORTS",
		"Malian soldiers reached Djibo; Nigerien troops stayed in Niamey.",
		"",
		string(bench[:700]),
	}
	spans := []model.Span{{Start: 0, End: 9}, {Start: 17, End: 21}}
	show := func(text string, places []model.Place) string {
		var b bytes.Buffer
		writePlaces(&b, "", text, places)
		return b.String()
	}
	want := make([]string, len(texts))
	wantSpans := make([]string, len(texts))
	for i, s := range texts {
		want[i] = show(s, p.Parse(s))
		wantSpans[i] = show(s, p.ResolveSpans(s, spans))
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for r := range 40 {
				i := (w + r) % len(texts)
				if got := show(texts[i], p.Parse(texts[i])); got != want[i] {
					t.Errorf("worker %d: Parse(text %d) = %s, want %s", w, i, got, want[i])
					return
				}
				if got := show(texts[i], p.ResolveSpans(texts[i], spans)); got != wantSpans[i] {
					t.Errorf("worker %d: ResolveSpans(text %d) = %s, want %s", w, i, got, wantSpans[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
