package classify

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp/phrase"
)

//go:embed lexicon.tsv
var lexiconTSV string

// Hit is one trigger found in a text.
type Hit struct {
	Sub     string     // ACLED sub-event type the trigger signals
	Weight  float64    // lexicon weight
	Span    model.Span // byte offsets in the original text
	Pattern string     // the lexicon pattern that matched
}

// Lexicon is a compiled trigger lexicon.
type Lexicon struct{ set *phrase.Set }

// ParseLexicon compiles a lexicon in the TSV form of lexicon.tsv: sub-event
// type, weight and a phrase pattern (see package phrase) per line.
func ParseLexicon(src string) (*Lexicon, error) {
	var entries []phrase.Entry
	sc := bufio.NewScanner(strings.NewReader(src))
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("lexicon line %d: want 3 tab-separated fields, got %d", line, len(f))
		}
		if _, ok := LabelOf(f[0]); !ok {
			return nil, fmt.Errorf("lexicon line %d: unknown sub-event type %q", line, f[0])
		}
		w, err := strconv.ParseFloat(f[1], 64)
		if err != nil || w <= 0 {
			return nil, fmt.Errorf("lexicon line %d: bad weight %q", line, f[1])
		}
		if _, err := phrase.Compile([]phrase.Entry{{Pattern: f[2]}}); err != nil {
			return nil, fmt.Errorf("lexicon line %d: empty pattern %q", line, f[2])
		}
		entries = append(entries, phrase.Entry{Key: f[0], Weight: w, Pattern: f[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	set, err := phrase.Compile(entries)
	if err != nil {
		return nil, err
	}
	return &Lexicon{set: set}, nil
}

// Default returns the embedded lexicon.
var Default = sync.OnceValue(func() *Lexicon {
	lx, err := ParseLexicon(lexiconTSV)
	if err != nil {
		panic("classify: embedded lexicon: " + err.Error())
	}
	return lx
})

// Match finds the lexicon's triggers in text.
func (lx *Lexicon) Match(text string) []Hit { return lx.MatchDoc(phrase.Prepare(text)) }

// MatchDoc finds the lexicon's triggers in a prepared text. At each position
// only the longest matching patterns are kept, and a hit inside a longer hit
// of the same sub-event type is dropped, so "setting homes ablaze" counts once.
func (lx *Lexicon) MatchDoc(d *phrase.Doc) []Hit {
	ph := lx.set.Find(d)
	hits := make([]Hit, len(ph))
	for i, h := range ph {
		hits[i] = Hit{Sub: h.Key, Weight: h.Weight, Span: h.Span, Pattern: h.Pattern}
	}
	return hits
}
