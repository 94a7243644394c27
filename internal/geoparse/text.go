package geoparse

import (
	"unicode"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
)

// token is one word of the input text.
type token struct {
	start, end   int  // byte range in the original text
	fstart, fend int  // byte range in the folded text
	para         int  // line number
	hardBefore   bool // punctuation (not a space, hyphen or apostrophe) precedes it
	hyphenBefore bool // joined to the previous word by a hyphen alone ("Tin-Hama")
	sentStart    bool // first word of a sentence, line or text
	upper        bool // starts with an upper-case letter
	acronym      bool // its first two letters are upper case (FAMa, JNIM, GAO)
	capsLine     bool // its line has no lower-case letter (a headline)
}

// folded is a text cut into words, with the words' folded forms joined by
// single spaces, so that words i..j fold to folded[tok[i].fstart:tok[j].fend].
type folded struct {
	text   string
	folded string
	tok    []token
}

func tokenize(text string) *folded {
	buf := make([]byte, 0, len(text)+8)
	toks := make([]token, 0, len(text)/6+1)
	hard, sent, hyphen := true, true, false
	para := 0
	lineStart := 0 // index in toks of the current line's first token
	lineLower := false
	endLine := func() {
		for k := lineStart; k < len(toks); k++ {
			toks[k].capsLine = !lineLower
		}
		lineStart, lineLower = len(toks), false
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !fold.IsWord(r) {
			switch {
			case r == '\n':
				endLine()
				hard, sent = true, true
				para++
			case r == '.' || r == '!' || r == '?' || r == ':' || r == ';' || r == '…':
				hard, sent = true, true
			case r == '-' || r == '‐' || r == '‑':
				hyphen = true
			case fold.IsSoft(r):
				hyphen = false
			default:
				hard = true
			}
			i += size
			continue
		}
		t := token{start: i, para: para, hardBefore: hard, sentStart: sent, upper: unicode.IsUpper(r)}
		t.hyphenBefore = hyphen && !hard && len(toks) > 0 && toks[len(toks)-1].end == i-size0(text, i)
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		t.fstart = len(buf)
		letters, leadUpper := 0, 0
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !fold.IsWord(r) {
				break
			}
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) && leadUpper == letters-1 {
					leadUpper++
				} else if unicode.IsLower(r) {
					lineLower = true
				}
			}
			buf = fold.Rune(buf, r)
			i += size
		}
		t.end, t.fend = i, len(buf)
		t.acronym = leadUpper >= 2
		toks = append(toks, t)
		hard, sent, hyphen = false, false, false
	}
	endLine()
	return &folded{text: text, folded: string(buf), tok: toks}
}

// key returns the folded form of words i..j (inclusive).
func (f *folded) key(i, j int) string { return f.folded[f.tok[i].fstart:f.tok[j].fend] }

// size0 returns the byte length of the rune that ends just before i.
func size0(text string, i int) int {
	_, n := utf8.DecodeLastRuneInString(text[:i])
	return n
}
