package nlp

import (
	"strings"
	"testing"
)

// benchText is about 4 KB of English and French news-like prose written for
// these benchmarks.
var benchText = strings.Repeat(`Gunmen on motorcycles attacked the village of Diallassagou on Tuesday, killing at least 12 civilians and wounding 4 others, local officials said. Mr. Traoré, the mayor, said 1,200 residents had fled towards Bankass. The U.N. mission condemned the attack.
Des hommes armés ont attaqué le village mardi, tuant au moins douze civils. Selon M. Diallo, une vingtaine de maisons ont été incendiées et des centaines d'habitants ont fui vers Mopti. « Nous avons tout perdu », a déclaré une habitante.
`, 8)

func BenchmarkTokenize(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Tokenize(benchText)
	}
}

func BenchmarkSentences(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Sentences(benchText)
	}
}

func BenchmarkDetectLanguage(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		DetectLanguage(benchText)
	}
}

func BenchmarkFoldMap(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		FoldMap(benchText)
	}
}

func BenchmarkRuneIndex(b *testing.B) {
	ri := NewRuneIndex(benchText)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ri.Rune(i % len(benchText))
	}
}
