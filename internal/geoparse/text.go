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

// Classes of ASCII bytes, for the tokenizer's fast path (the same answers
// fold.IsWord, fold.IsSoft and the unicode package give).
const (
	aWord   = 1 << iota // letter or digit
	aLetter             // letter
	aUpper              // upper-case letter
	aLower              // lower-case letter
	aLine               // '\n'
	aStop               // . ! ? : ; (end of a sentence or clause)
	aHyphen             // '-'
	aSoft               // space, tab, apostrophe: words of one name
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		switch {
		case 'a' <= c && c <= 'z':
			t[c] = aWord | aLetter | aLower
		case 'A' <= c && c <= 'Z':
			t[c] = aWord | aLetter | aUpper
		case '0' <= c && c <= '9':
			t[c] = aWord
		case c == '\n':
			t[c] = aLine
		case c == '.' || c == '!' || c == '?' || c == ':' || c == ';':
			t[c] = aStop
		case c == '-':
			t[c] = aHyphen
		case fold.IsSoft(rune(c)):
			t[c] = aSoft
		}
	}
	return t
}()

// tokenize cuts text into words and folds them into f, reusing f's token
// slice and buf (the folded text is built there, then copied once).
func tokenize(f *folded, text string, buf []byte) []byte {
	buf = buf[:0]
	toks := f.tok[:0]
	hard, sent, hyphen := true, true, false
	para := 0
	lineStart := 0 // index in toks of the current line's first token
	lineLower := false
	for i := 0; i < len(text); {
		// Between words.
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			cl := asciiClass[c]
			if cl&aWord == 0 {
				switch {
				case cl&aLine != 0:
					markCaps(toks[lineStart:], !lineLower)
					lineStart, lineLower = len(toks), false
					hard, sent = true, true
					para++
				case cl&aStop != 0:
					hard, sent = true, true
				case cl&aHyphen != 0:
					hyphen = true
				case cl&aSoft != 0:
					hyphen = false
				default:
					hard = true
				}
				i++
				continue
			}
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !fold.IsWord(r) {
				switch {
				case r == '…':
					hard, sent = true, true
				case r == '‐' || r == '‑':
					hyphen = true
				case fold.IsSoft(r):
					hyphen = false
				default:
					hard = true
				}
				i += size
				continue
			}
		}
		// A word.
		toks = append(toks, token{start: i, para: para, hardBefore: hard, sentStart: sent, upper: unicode.IsUpper(r)})
		t := &toks[len(toks)-1]
		t.hyphenBefore = hyphen && !hard && len(toks) > 1 && toks[len(toks)-2].end == i-size0(text, i)
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		t.fstart = len(buf)
		letters, leadUpper := 0, 0
		for i < len(text) {
			// A run of lower-case ASCII letters, the bulk of any text.
			if j := lowerRun(text, i); j > i {
				buf = append(buf, text[i:j]...)
				letters += j - i
				lineLower = true
				i = j
				if i == len(text) {
					break
				}
			}
			if c := text[i]; c < utf8.RuneSelf {
				cl := asciiClass[c]
				if cl&aWord == 0 {
					break
				}
				if cl&aLetter != 0 {
					letters++
					if cl&aUpper != 0 && leadUpper == letters-1 {
						leadUpper++
					} else if cl&aLower != 0 {
						lineLower = true
					}
				}
				if cl&aUpper != 0 {
					c += 'a' - 'A'
				}
				buf = append(buf, c)
				i++
				continue
			}
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
		hard, sent, hyphen = false, false, false
	}
	markCaps(toks[lineStart:], !lineLower)
	f.text, f.folded, f.tok = text, string(buf), toks
	return buf
}

// markCaps sets capsLine on the tokens of one line.
func markCaps(toks []token, caps bool) {
	for k := range toks {
		toks[k].capsLine = caps
	}
}

// lowerRun returns the end of the run of ASCII a–z that starts at i.
func lowerRun(text string, i int) int {
	for i < len(text) && text[i]-'a' < 26 {
		i++
	}
	return i
}

// key returns the folded form of words i..j (inclusive).
func (f *folded) key(i, j int) string { return f.folded[f.tok[i].fstart:f.tok[j].fend] }

// size0 returns the byte length of the rune that ends just before i.
func size0(text string, i int) int {
	_, n := utf8.DecodeLastRuneInString(text[:i])
	return n
}
