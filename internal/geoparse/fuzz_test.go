package geoparse

import (
	"os"
	"testing"

	"github.com/vigil-hr/vigil/internal/geoparse/internal/cputime"
	"github.com/vigil-hr/vigil/internal/model"
)

// checkPlaces verifies what every result must satisfy, whatever the text.
func checkPlaces(t *testing.T, text string, places []model.Place, ordered bool) {
	t.Helper()
	prevEnd := 0
	for _, pl := range places {
		if pl.Latitude != nil {
			if pl.Start < 0 || pl.End > len(text) || pl.Start >= pl.End {
				t.Fatalf("resolved place with bad offsets %d:%d (len %d)", pl.Start, pl.End, len(text))
			}
			if text[pl.Start:pl.End] != pl.Text {
				t.Fatalf("Text %q != text[%d:%d] %q", pl.Text, pl.Start, pl.End, text[pl.Start:pl.End])
			}
			if *pl.Latitude < -90 || *pl.Latitude > 90 || *pl.Longitude < -180 || *pl.Longitude > 180 {
				t.Fatalf("bad coordinates %v,%v", *pl.Latitude, *pl.Longitude)
			}
			if pl.Score < 0 || pl.Score > 1 || pl.Why == "" || pl.GeonameID == 0 {
				t.Fatalf("bad place %+v", pl)
			}
		}
		if ordered {
			if pl.Start < prevEnd {
				t.Fatalf("places overlap or are out of order at %d", pl.Start)
			}
			prevEnd = pl.End
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Gunmen attacked Boni, near Hombori, in the Mopti region.",
		"Des hommes armés à Nampala, cercle de Niono, région de Ségou.",
		"TOMBOUCTOU: DEUX MORTS",
		"l'axe Mopti-Gao, Tin-Hama, d’Ansongo",
		"Ségou\n\nSegou. Malian, maliennes",
		"\xff\xfeÉ",
	} {
		f.Add(s, 3, 9)
	}
	if b, err := os.ReadFile("testdata/bench_en_fr.txt"); err == nil {
		f.Add(string(b[:400]), 0, 40)
	}
	p := parser(f)
	f.Fuzz(func(t *testing.T, text string, a, b int) {
		checkPlaces(t, text, p.Parse(text), true)
		spans := []model.Span{{Start: a, End: b}, {Start: 0, End: len(text)}}
		got := p.ResolveSpans(text, spans)
		if len(got) != len(spans) {
			t.Fatalf("ResolveSpans: %d places for %d spans", len(got), len(spans))
		}
		checkPlaces(t, text, got, false)
	})
}

func BenchmarkParse(b *testing.B) {
	text, err := os.ReadFile("testdata/bench_en_fr.txt")
	if err != nil {
		b.Fatal(err)
	}
	p := parser(b)
	s := string(text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	n := 0
	cpu, _ := cputime.Now()
	for b.Loop() {
		n = len(p.Parse(s))
	}
	cputime.Report(b, cpu, int64(len(text)))
	b.ReportMetric(float64(n), "places/op")
}

// BenchmarkDefault measures loading the embedded gazetteer (what the first
// Default call costs) and the heap it keeps.
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	var g *Gazetteer
	cpu, _ := cputime.Now()
	for b.Loop() {
		var err error
		if g, err = load(gazetteerIndex); err != nil {
			b.Fatal(err)
		}
	}
	cputime.Report(b, cpu, 0)
	b.ReportMetric(float64(g.Len()), "entries")
	b.ReportMetric(float64(heapOf(func() any { g, _ := load(gazetteerIndex); return g }))/(1<<20), "heap-MB")
}
