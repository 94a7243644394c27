package classify

import (
	"strings"
	"unicode"

	"github.com/vigil-hr/vigil/internal/nlp"
	"github.com/vigil-hr/vigil/internal/nlp/phrase"
)

// Feature is one input to the linear model: a name (kept so decisions can be
// explained) and a value.
type Feature struct {
	Name  string
	Value float32
}

// Featurize turns a text into the model's features: folded words and word
// pairs, character n-grams of words (robust to French inflection and
// spelling variants), and the trigger lexicon's hits per sub-event type.
func Featurize(text string) []Feature {
	return FeaturizeDoc(phrase.Prepare(text), Default())
}

// FeaturizeDoc is Featurize on a prepared text, with a given lexicon.
func FeaturizeDoc(d *phrase.Doc, lx *Lexicon) []Feature {
	words := strings.FieldsFunc(nlp.Fold(d.Text()), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := make([]Feature, 0, len(words)*6+16)
	prev := "<s>"
	for _, w := range words {
		w = normDigits(w)
		out = append(out, Feature{"w:" + w, 1}, Feature{"b:" + prev + "_" + w, 1})
		prev = w
		if len(w) >= 4 {
			g := "<" + w + ">"
			for n := 3; n <= 5; n++ {
				for i := 0; i+n <= len(g); i++ {
					out = append(out, Feature{"c:" + g[i:i+n], 0.25})
				}
			}
		}
	}
	if len(words) > 0 {
		out = append(out, Feature{"b:" + prev + "_</s>", 1})
	}
	// Lexicon features in the order their sub-event types first appear, so
	// that sums (and so training) are the same on every run.
	lex := map[string]float32{}
	var order []string
	for _, h := range lx.MatchDoc(d) {
		if _, ok := lex[h.Sub]; !ok {
			order = append(order, h.Sub)
		}
		lex[h.Sub] += float32(h.Weight)
	}
	for _, sub := range order {
		out = append(out, Feature{"lex:" + sub, min(lex[sub], 9) / 3})
	}
	return out
}

// normDigits maps every digit to 0, so "12" and "37" look alike.
func normDigits(w string) string {
	if strings.IndexFunc(w, unicode.IsDigit) < 0 {
		return w
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '0'
		}
		return r
	}, w)
}

// bucket hashes a feature name into one of n buckets (FNV-1a, 32 bits).
func bucket(name string, n int) int {
	return int(fnvAdd(fnvOffset32, name) % uint32(n))
}
