// Package phrase finds many short phrases at once in a text, whole word by
// whole word, over folded tokens (lower case, no diacritics, apostrophes and
// hyphens as separators), and maps every hit back to the original bytes.
//
// A pattern is a sequence of tokens separated by spaces. A token ending in
// '*' matches any token with that prefix ("incendi*" matches "incendié",
// "incendiaires"); a token starting with '=' matches only that exact,
// case-sensitive spelling in the original text ("=NAN" does not match "nan").
// At each position only the longest matching patterns are kept, and a hit
// inside a longer hit with the same key is dropped.
package phrase

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
)

// Entry is one pattern and what it stands for.
type Entry struct {
	Key     string  // what the pattern signals (a sub-event type, a cue kind, a source name)
	Weight  float64 // free for the caller's use
	Pattern string
}

// Hit is one pattern found in a text.
type Hit struct {
	Key     string
	Weight  float64
	Span    model.Span // byte offsets in the original text
	Pattern string
}

type token struct {
	s     string // folded, or original when exact
	exact bool
	pre   bool
}

type pattern struct {
	Entry
	toks []token
}

// Set is a compiled set of patterns; it is safe for concurrent use.
//
// By default patterns of all keys compete: at a position only the longest
// match stands, so "attacked a military post" (one key) hides "attack*"
// (another). A Set made with CompileIndependent keeps the longest match of
// each key instead, for keys that are independent signals.
type Set struct {
	independent bool
	first       map[string][]*pattern // by first folded token
	prefix      map[string][]*pattern // first token is a prefix: by its first prefixKey bytes
	exact       map[string][]*pattern // first token is exact (original spelling)
	n           int
}

// Compile builds a Set. A pattern with no word in it is an error.
func Compile(entries []Entry) (*Set, error) {
	s := &Set{first: map[string][]*pattern{}, prefix: map[string][]*pattern{}, exact: map[string][]*pattern{}}
	for i, e := range entries {
		p := &pattern{Entry: e}
		for _, field := range strings.Fields(e.Pattern) {
			if rest, ok := strings.CutPrefix(field, "="); ok && rest != "" {
				p.toks = append(p.toks, token{s: rest, exact: true})
				continue
			}
			pre := strings.HasSuffix(field, "*")
			sub := split(nlp.Fold(strings.TrimSuffix(field, "*")))
			for k, t := range sub {
				p.toks = append(p.toks, token{s: t.s, pre: pre && k == len(sub)-1})
			}
		}
		if len(p.toks) == 0 {
			return nil, fmt.Errorf("pattern %d (%q): no word in it", i+1, e.Pattern)
		}
		switch t := p.toks[0]; {
		case t.exact:
			s.exact[t.s] = append(s.exact[t.s], p)
		case t.pre:
			k := t.s[:min(prefixKey, len(t.s))]
			s.prefix[k] = append(s.prefix[k], p)
		default:
			s.first[t.s] = append(s.first[t.s], p)
		}
		s.n++
	}
	return s, nil
}

// CompileIndependent builds a Set whose keys do not compete.
func CompileIndependent(entries []Entry) (*Set, error) {
	s, err := Compile(entries)
	if err == nil {
		s.independent = true
	}
	return s, err
}

// MustCompile is Compile for patterns fixed in the program.
func MustCompile(entries []Entry) *Set {
	s, err := Compile(entries)
	if err != nil {
		panic("phrase: " + err.Error())
	}
	return s
}

// prefixKey is how many leading bytes of a prefix pattern index it: a token
// can only match prefixes filed under its own first 1, 2 or 3 bytes.
const prefixKey = 3

// Len returns the number of patterns.
func (s *Set) Len() int { return s.n }

type ftok struct {
	s          string
	start, end int
}

// split cuts folded text into runs of letters and digits.
func split(s string) []ftok {
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

// Doc is a text prepared once for matching by any number of Sets.
type Doc struct {
	text   string
	folded nlp.Folded
	toks   []ftok
	orig   []string // each token's original spelling
}

// Prepare folds and tokenises text.
func Prepare(text string) *Doc {
	d := &Doc{text: text, folded: nlp.FoldMap(text)}
	d.toks = split(d.folded.Text)
	d.orig = make([]string, len(d.toks))
	for i, t := range d.toks {
		d.orig[i] = text[d.folded.Map[t.start]:d.folded.Map[t.end]]
	}
	return d
}

// Text returns the original text.
func (d *Doc) Text() string { return d.text }

// Sub returns the part of d whose tokens lie within sp (byte offsets of the
// original text), sharing d's memory: matching a sentence of a prepared
// report without folding it again. Hits keep offsets into the whole text.
func (d *Doc) Sub(sp model.Span) *Doc {
	i := sort.Search(len(d.toks), func(i int) bool { return d.folded.Map[d.toks[i].start] >= sp.Start })
	j := sort.Search(len(d.toks), func(j int) bool { return d.folded.Map[d.toks[j].end] > sp.End })
	if j < i {
		j = i
	}
	return &Doc{text: d.text, folded: d.folded, toks: d.toks[i:j], orig: d.orig[i:j]}
}

// Words returns the folded tokens (runs of letters and digits) in order;
// the strings share the Doc's memory.
func (d *Doc) Words() []string {
	out := make([]string, len(d.toks))
	for i, t := range d.toks {
		out[i] = t.s
	}
	return out
}

func (p *pattern) matchAt(d *Doc, i int) bool {
	if i+len(p.toks) > len(d.toks) {
		return false
	}
	for k, t := range p.toks {
		switch {
		case t.exact:
			if d.orig[i+k] != t.s {
				return false
			}
		case t.pre:
			if !strings.HasPrefix(d.toks[i+k].s, t.s) {
				return false
			}
		default:
			if d.toks[i+k].s != t.s {
				return false
			}
		}
	}
	return true
}

// Find returns the hits of s in d, in text order.
func (s *Set) Find(d *Doc) []Hit {
	var hits []Hit
	var cand []*pattern
	for i := range d.toks {
		cand = cand[:0]
		best := 0
		consider := func(ps []*pattern) {
			for _, p := range ps {
				if !p.matchAt(d, i) {
					continue
				}
				if s.independent {
					cand = keepLongestOfKey(cand, p)
					continue
				}
				switch n := len(p.toks); {
				case n > best:
					best = n
					cand = append(cand[:0], p)
				case n == best:
					cand = append(cand, p)
				}
			}
		}
		tok := d.toks[i].s
		consider(s.first[tok])
		consider(s.exact[d.orig[i]])
		for k := 1; k <= prefixKey && k <= len(tok); k++ {
			consider(s.prefix[tok[:k]])
		}
		for _, p := range cand {
			last := d.toks[i+len(p.toks)-1]
			sp := model.Span{Start: d.folded.Map[d.toks[i].start], End: d.folded.Map[last.end]}
			if covered(hits, p.Key, sp) {
				continue
			}
			hits = append(hits, Hit{Key: p.Key, Weight: p.Weight, Span: sp, Pattern: p.Pattern})
		}
	}
	return hits
}

// keepLongestOfKey adds p to cand unless a longer match of its key is
// there, and drops shorter ones of its key.
func keepLongestOfKey(cand []*pattern, p *pattern) []*pattern {
	for i, q := range cand {
		if q.Key != p.Key {
			continue
		}
		if len(q.toks) >= len(p.toks) {
			return cand
		}
		cand[i] = p
		return cand
	}
	return append(cand, p)
}

// FindString prepares text and finds the hits of s in it.
func (s *Set) FindString(text string) []Hit { return s.Find(Prepare(text)) }

func covered(hits []Hit, key string, sp model.Span) bool {
	// Hits are in start order and patterns are a few tokens long, so only
	// the last few hits can contain sp.
	for j := len(hits) - 1; j >= 0 && j >= len(hits)-16; j-- {
		h := hits[j]
		if h.Key == key && h.Span.Start <= sp.Start && sp.End <= h.Span.End {
			return true
		}
	}
	return false
}

// Words builds entries with one key from a list of patterns.
func Words(key string, patterns ...string) []Entry {
	out := make([]Entry, len(patterns))
	for i, p := range patterns {
		out[i] = Entry{Key: key, Weight: 1, Pattern: p}
	}
	return out
}
