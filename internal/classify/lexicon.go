package classify

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
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

type pattern struct {
	sub    string
	weight float64
	toks   []string // a token ending in '*' is a prefix
	text   string
}

// Lexicon is a compiled trigger lexicon.
type Lexicon struct {
	exact  map[string][]*pattern // by first token, when it is not a prefix
	prefix []*pattern            // patterns whose first token is a prefix
}

// ParseLexicon compiles a lexicon in the TSV form of lexicon.tsv.
func ParseLexicon(src string) (*Lexicon, error) {
	lx := &Lexicon{exact: map[string][]*pattern{}}
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
		p := &pattern{sub: f[0], weight: w, text: f[2]}
		for _, field := range strings.Fields(f[2]) {
			prefix := strings.HasSuffix(field, "*")
			sub := splitFolded(nlp.Fold(strings.TrimSuffix(field, "*")))
			for k, t := range sub {
				if prefix && k == len(sub)-1 {
					t.s += "*"
				}
				p.toks = append(p.toks, t.s)
			}
		}
		if len(p.toks) == 0 {
			return nil, fmt.Errorf("lexicon line %d: empty pattern", line)
		}
		if strings.HasSuffix(p.toks[0], "*") {
			lx.prefix = append(lx.prefix, p)
		} else {
			lx.exact[p.toks[0]] = append(lx.exact[p.toks[0]], p)
		}
	}
	return lx, sc.Err()
}

// Default returns the embedded lexicon.
var Default = sync.OnceValue(func() *Lexicon {
	lx, err := ParseLexicon(lexiconTSV)
	if err != nil {
		panic("classify: embedded lexicon: " + err.Error())
	}
	return lx
})

type ftok struct {
	s          string
	start, end int // byte offsets in the folded text
}

// splitFolded splits folded text into runs of letters and digits.
func splitFolded(s string) []ftok {
	var out []ftok
	start := -1
	for i, r := range s {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if alnum && start < 0 {
			start = i
		} else if !alnum && start >= 0 {
			out = append(out, ftok{s[start:i], start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, ftok{s[start:], start, len(s)})
	}
	return out
}

func tokMatch(pat, tok string) bool {
	if n := len(pat) - 1; n >= 0 && pat[n] == '*' {
		return strings.HasPrefix(tok, pat[:n])
	}
	return pat == tok
}

func (p *pattern) matchAt(toks []ftok, i int) bool {
	if i+len(p.toks) > len(toks) {
		return false
	}
	for k, pt := range p.toks {
		if !tokMatch(pt, toks[i+k].s) {
			return false
		}
	}
	return true
}

// Match finds the lexicon's triggers in text. At each position only the
// longest matching patterns are kept, and a hit inside a longer hit of the
// same sub-event type is dropped, so "setting homes ablaze" counts once.
func (lx *Lexicon) Match(text string) []Hit {
	f := nlp.FoldMap(text)
	toks := splitFolded(f.Text)
	var hits []Hit
	var cand []*pattern
	for i := range toks {
		cand = cand[:0]
		best := 0
		consider := func(p *pattern) {
			if !p.matchAt(toks, i) {
				return
			}
			switch n := len(p.toks); {
			case n > best:
				best = n
				cand = append(cand[:0], p)
			case n == best:
				cand = append(cand, p)
			}
		}
		for _, p := range lx.exact[toks[i].s] {
			consider(p)
		}
		for _, p := range lx.prefix {
			consider(p)
		}
		for _, p := range cand {
			last := toks[i+len(p.toks)-1]
			sp := model.Span{Start: f.Map[toks[i].start], End: f.Map[last.end]}
			if covered(hits, p.sub, sp) {
				continue
			}
			hits = append(hits, Hit{Sub: p.sub, Weight: p.weight, Span: sp, Pattern: p.text})
		}
	}
	return hits
}

func covered(hits []Hit, sub string, sp model.Span) bool {
	// Hits are in start order and patterns are at most a few tokens long,
	// so only the last few hits can contain sp.
	for j := len(hits) - 1; j >= 0 && j >= len(hits)-16; j-- {
		h := hits[j]
		if h.Sub == sub && h.Span.Start <= sp.Start && sp.End <= h.Span.End {
			return true
		}
	}
	return false
}
