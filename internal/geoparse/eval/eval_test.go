package eval

import (
	"os"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/geoparse/internal/cputime"
)

// TestDevFloors keeps the geoparser from slipping on the team's dev set
// (the test set stays aside: `vigil eval geoparse --set test`).
func TestDevFloors(t *testing.T) {
	f, err := os.Open("../../../testdata/geoparse/dev.jsonl")
	if err != nil {
		t.Skipf("dev set absent: %v", err)
	}
	defer f.Close()
	golds, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(golds) < 90 {
		t.Fatalf("dev set has %d texts", len(golds))
	}
	g, err := geoparse.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := Run(geoparse.NewParser(g), golds)
	exact, within := r.Accuracy()
	if exact < 0.88 || within < 0.93 || r.F1() < 0.95 {
		var b strings.Builder
		r.Print(&b, 5)
		t.Errorf("below the floors (exact 0.88, within 161 km 0.93, F1 0.95):\n%s", b.String())
	}
}

func TestReadRejectsBadSpan(t *testing.T) {
	_, err := Read(strings.NewReader(`{"id":"x","text":"in Gao","places":[{"start":3,"end":5,"text":"Gao"}]}`))
	if err == nil {
		t.Error("Read accepted a span that does not match its text")
	}
}

func BenchmarkParseNews(b *testing.B) {
	f, err := os.Open("../../../testdata/geoparse/dev.jsonl")
	if err != nil {
		b.Skip(err)
	}
	golds, err := Read(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	// News articles of a few kilobytes: the dev texts, eight to a story.
	var docs []string
	var sb strings.Builder
	size := 0
	for i, g := range golds {
		sb.WriteString(g.Text)
		sb.WriteString("\n\n")
		if i%8 == 7 || i == len(golds)-1 {
			docs = append(docs, sb.String())
			size += sb.Len()
			sb.Reset()
		}
	}
	g, err := geoparse.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	p := geoparse.NewParser(g)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	cpu, _ := cputime.Now()
	for b.Loop() {
		for _, d := range docs {
			p.Parse(d)
		}
	}
	cputime.Report(b, cpu, int64(size))
}
