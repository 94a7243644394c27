package actors

import (
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/vigil-hr/vigil/internal/model"
)

// The matcher works on words. A text is cut into tokens (runs of letters,
// digits and combining marks); each token is folded (lower case, diacritics
// removed) and looked up in the vocabulary of alias tokens. Aliases live in
// a trie whose edges are (node, token id) pairs, so a match can only start
// and end on word boundaries: "FAMa" never matches inside "FAMALE".
//
// Between two tokens of one alias the text may have spaces, hyphens,
// apostrophes or commas ("l'armée", "CSP-PSD", "Jama'at"), but not a hard
// break: sentence punctuation, brackets, quotes or a new line. A full stop
// is a hard break except after a one-letter token, so "U.N. peacekeepers"
// holds together while "in Mali. Soldiers" does not.

type token struct {
	start, end int   // byte offsets in the text
	id         int32 // vocabulary id; -1 when no alias uses the token
	hard       bool  // a hard break precedes the token
}

// ref points at one alias of one actor.
type ref struct {
	actor, alias int32
}

type matcher struct {
	vocab map[string]int32 // folded token → id
	root  []int32          // token id → child of the root, 0 if none
	edges map[uint64]int32 // node<<32 | token id → child node, below the root
	terms [][]ref          // node → aliases ending there
	exact [][][]string     // [actor][alias] → exact tokens of a case-sensitive alias, else nil
}

func edgeKey(node, tok int32) uint64 { return uint64(uint32(node))<<32 | uint64(uint32(tok)) }

// build indexes every alias of acts. An alias that folds to the same tokens
// as another actor's alias is an error, and so are two aliases of one actor
// that fold alike unless both are case-sensitive spellings ("FAMa", "FAMA").
func (m *matcher) build(acts []Actor) error {
	m.vocab = make(map[string]int32)
	m.edges = make(map[uint64]int32)
	m.terms = [][]ref{nil}
	m.exact = make([][][]string, len(acts))
	var buf []byte
	for ai := range acts {
		a := &acts[ai]
		m.exact[ai] = make([][]string, len(a.Aliases))
		for li, al := range a.Aliases {
			toks, b := tokenize(al.Text, nil, buf[:0], nil)
			buf = b
			if len(toks) == 0 {
				return fmt.Errorf("%s: alias %q has no word", a.ID, al.Text)
			}
			if al.CaseSensitive {
				for _, r := range al.Text {
					if r >= utf8.RuneSelf {
						return fmt.Errorf("%s: case-sensitive alias %q is not ASCII", a.ID, al.Text)
					}
				}
				for _, t := range toks {
					m.exact[ai][li] = append(m.exact[ai][li], al.Text[t.start:t.end])
				}
			}
			node := int32(0)
			for k, t := range toks {
				if k > 0 && t.hard {
					return fmt.Errorf("%s: alias %q spans a hard break", a.ID, al.Text)
				}
				w := foldString(al.Text[t.start:t.end])
				id, ok := m.vocab[w]
				if !ok {
					id = int32(len(m.vocab))
					m.vocab[w] = id
				}
				node = m.child(node, id, true)
			}
			for _, r := range m.terms[node] {
				other := &acts[r.actor]
				prev := other.Aliases[r.alias]
				if int(r.actor) != ai {
					return fmt.Errorf("alias %q of %s collides with %q of %s", al.Text, a.ID, prev.Text, other.ID)
				}
				if !al.CaseSensitive || !prev.CaseSensitive || al.Text == prev.Text {
					return fmt.Errorf("%s: aliases %q and %q fold alike", a.ID, prev.Text, al.Text)
				}
			}
			m.terms[node] = append(m.terms[node], ref{int32(ai), int32(li)})
		}
	}
	return nil
}

// child returns node's child along token id, 0 when there is none. With
// add, a missing child is created.
func (m *matcher) child(node, id int32, add bool) int32 {
	if node == 0 {
		if int(id) < len(m.root) && m.root[id] != 0 {
			return m.root[id]
		}
	} else if next, ok := m.edges[edgeKey(node, id)]; ok {
		return next
	}
	if !add {
		return 0
	}
	next := int32(len(m.terms))
	m.terms = append(m.terms, nil)
	if node == 0 {
		for int(id) >= len(m.root) {
			m.root = append(m.root, 0)
		}
		m.root[id] = next
	} else {
		m.edges[edgeKey(node, id)] = next
	}
	return next
}

// Find returns the actor mentions in text, sorted by Span.Start and never
// overlapping. At each word the longest alias wins; matching ignores case
// (except for case-sensitive aliases), diacritics and the apostrophe's
// shape (’ or ').
func (d *Dictionary) Find(text string) []Mention {
	sc := scratchPool.Get().(*scratch)
	defer func() {
		if cap(sc.toks) <= maxPooledTokens {
			scratchPool.Put(sc)
		}
	}()
	sc.toks, sc.buf = tokenize(text, d.m.vocab, sc.buf[:0], sc.toks[:0])
	toks := sc.toks
	var out []Mention
	for i := 0; i < len(toks); {
		end, r, ok := d.m.longest(text, toks, i)
		if !ok {
			i++
			continue
		}
		a := &d.actors[r.actor]
		sp := model.Span{Start: toks[i].start, End: toks[end-1].end}
		if n := len(out); a.Generic && n > 0 && armed(a.Type) && armed(out[n-1].Type) && isBlank(text[out[n-1].Span.End:sp.Start]) {
			// "JNIM fighters", "Islamic State militants", "army soldiers": the
			// generic noun is the head word of the actor just named, not a
			// second actor.
			i = end
			continue
		}
		out = append(out, Mention{
			ActorID: a.ID,
			Name:    a.Name,
			Type:    a.Type,
			Country: a.Country,
			Span:    sp,
			Text:    text[sp.Start:sp.End],
			Generic: a.Generic,
			Weak:    a.Aliases[r.alias].Weak,
		})
		i = end
	}
	return out
}

// armed reports whether an actor type takes part in violence as an
// organised force.
func armed(t string) bool {
	switch t {
	case TypeState, TypeRebel, TypePolitical, TypeIdentity, TypeExternal:
		return true
	}
	return false
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\u00a0' {
			return false
		}
	}
	return true
}

// scratch is Find's reusable working memory.
type scratch struct {
	toks []token
	buf  []byte
}

// maxPooledTokens keeps the scratch of one huge text out of the pool.
const maxPooledTokens = 1 << 16

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// longest returns the end (exclusive token index) and alias of the longest
// alias starting at token i.
func (m *matcher) longest(text string, toks []token, i int) (end int, best ref, ok bool) {
	node := int32(0)
	for j := i; j < len(toks); j++ {
		t := toks[j]
		if t.id < 0 || (j > i && t.hard) {
			break
		}
		node = m.child(node, t.id, false)
		if node == 0 {
			break
		}
		for _, r := range m.terms[node] {
			if m.caseOK(text, toks[i:j+1], r) {
				end, best, ok = j+1, r, true
				break
			}
		}
	}
	return end, best, ok
}

// caseOK checks a case-sensitive alias against the exact tokens of the text.
func (m *matcher) caseOK(text string, toks []token, r ref) bool {
	want := m.exact[r.actor][r.alias]
	if want == nil {
		return true
	}
	for k, w := range want {
		if w != text[toks[k].start:toks[k].end] {
			return false
		}
	}
	return true
}

// tokenize cuts s into tokens. With a vocabulary it sets each token's id
// (-1 when absent); without one ids are 0. buf is scratch space for folding
// and is returned for reuse.
func tokenize(s string, vocab map[string]int32, buf []byte, toks []token) ([]token, []byte) {
	hard := false
	prevShort := false // the previous token is a single rune (an initial)
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if !isWordRune(r) {
			if isHardBreak(r) && !(r == '.' && prevShort) {
				hard = true
			}
			i += w
			continue
		}
		start := i
		runes := 0
		buf = buf[:0]
		for i < len(s) {
			r, w = rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, w = utf8.DecodeRuneInString(s[i:])
			}
			if !isWordRune(r) {
				break
			}
			buf = appendFold(buf, r)
			runes++
			i += w
		}
		t := token{start: start, end: i, hard: hard}
		if vocab != nil {
			id, ok := vocab[string(buf)]
			if !ok {
				id = -1
			}
			t.id = id
		}
		toks = append(toks, t)
		hard = false
		prevShort = runes == 1
	}
	return toks, buf
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

func isHardBreak(r rune) bool {
	switch r {
	case '.', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '"', '\n', '\r', '|', '/', '\\',
		'“', '”', '«', '»', '„', '…', '•', '·':
		return true
	}
	return false
}

// foldTab maps runes below foldTabLen to their folded form: lower case,
// without diacritics ("É" → "e", "œ" → "oe").
const foldTabLen = 0x250

var foldTab = func() (t [foldTabLen]string) {
	special := map[rune]string{'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ø': "o", 'Ø': "o",
		'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ı': "i", 'ŉ': "n"}
	for r := rune(0); r < foldTabLen; r++ {
		if s, ok := special[r]; ok {
			t[r] = s
			continue
		}
		var b []rune
		for _, c := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, c) {
				b = append(b, unicode.ToLower(c))
			}
		}
		t[r] = string(b)
	}
	return t
}()

// appendFold appends the folded form of r to b.
func appendFold(b []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	case r < foldTabLen:
		return append(b, foldTab[r]...)
	case unicode.Is(unicode.Mn, r):
		return b
	}
	return utf8.AppendRune(b, unicode.ToLower(r))
}

// foldString folds a whole word.
func foldString(s string) string {
	var b []byte
	for _, r := range s {
		b = appendFold(b, r)
	}
	return string(b)
}
