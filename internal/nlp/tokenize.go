// Package nlp is Vigil's language layer: tokens, sentences, folding for
// accent- and case-insensitive matching, language identification (English or
// French) and byte-to-code-point offset conversion.
//
// Every offset in this package is a byte offset into the original UTF-8
// string, like model.Span.
package nlp

import (
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	Word   Kind = iota // letters, possibly with internal apostrophes or hyphens
	Number             // digits, with thousands separators or decimals; ordinals like "13th", "1er"
	Punct              // any other single non-space rune
)

func (k Kind) String() string {
	switch k {
	case Word:
		return "word"
	case Number:
		return "number"
	case Punct:
		return "punct"
	}
	return "kind?"
}

// Token is a word, number or punctuation mark; Text equals the original
// text[Start:End].
type Token struct {
	Start, End int
	Text       string
	Kind       Kind
}

// Tokenize splits text into tokens. Spaces (including no-break spaces) are
// dropped. Words keep internal hyphens ("Ségou-based", "vingt-trois",
// "avant-hier") and apostrophes ("aujourd'hui", "don't"), except that French
// elided articles and pronouns are split off with their apostrophe
// ("l'armée" → "l'" + "armée", "qu'il" → "qu'" + "il") and the English
// possessive is its own token ("Mali's" → "Mali" + "'s"). Numbers keep
// thousands separators ("1,200", "1 200", "1.200") and decimals ("12.5",
// "12,5"); digits followed by letters form one token ("13th", "1er", "10h30"),
// a Number when the letters are an ordinal suffix, a Word otherwise.
func Tokenize(text string) []Token {
	toks := make([]Token, 0, len(text)/5+8)
	i := 0
	for i < len(text) {
		r, size := decodeAt(text, i)
		switch {
		case isSpace(r):
			i += size
		case isDigit(r):
			end, kind := scanNumber(text, i)
			toks = append(toks, Token{i, end, text[i:end], kind})
			i = end
		case isLetter(r):
			end := scanWord(text, i)
			toks = append(toks, Token{i, end, text[i:end], Word})
			i = end
		case isApostrophe(r) && possessiveAt(text, i+size):
			end := i + size + 1
			toks = append(toks, Token{i, end, text[i:end], Word})
			i = end
		default:
			toks = append(toks, Token{i, i + size, text[i : i+size], Punct})
			i += size
		}
	}
	return toks
}

func decodeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
	}
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// isApostrophe reports whether r is an apostrophe: ASCII, typographic or
// modifier letter.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u02bc' || r == '\u2018'
}

// isHyphen reports whether r joins the parts of a compound word.
func isHyphen(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011'
}

// possessiveAt reports whether text[i:] starts with an "s" that ends a word
// (the "s" of an English possessive "'s").
func possessiveAt(text string, i int) bool {
	if i >= len(text) || (text[i] != 's' && text[i] != 'S') {
		return false
	}
	if i+1 == len(text) {
		return true
	}
	r, _ := decodeAt(text, i+1)
	return !isLetter(r) && !isDigit(r)
}

// elisions are the French words that drop their vowel before an apostrophe.
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true,
	"c": true, "qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true,
}

func isElision(w string) bool {
	if len(w) > 6 {
		return false
	}
	var buf [6]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return elisions[string(buf[:len(w)])]
}

// scanWord returns the end of the word starting at i.
func scanWord(text string, i int) int {
	j := i
	for j < len(text) {
		r, size := decodeAt(text, j)
		if isLetter(r) || isDigit(r) {
			j += size
			continue
		}
		if j == i || j+size >= len(text) {
			break
		}
		next, _ := decodeAt(text, j+size)
		if isApostrophe(r) && isLetter(next) {
			if isElision(text[i:j]) {
				return j + size // "l'", "qu'": the elided word ends here
			}
			if possessiveAt(text, j+size) {
				return j // "Mali's": "'s" is its own token
			}
			j += size
			continue
		}
		if isHyphen(r) && (isLetter(next) || isDigit(next)) {
			j += size
			continue
		}
		break
	}
	return j
}

// scanNumber returns the end and kind of the number starting at i.
func scanNumber(text string, i int) (int, Kind) {
	j := digitsEnd(text, i)
	first := j - i
	grouped := false
	for j < len(text) {
		c := text[j]
		if (c == ',' || c == '.') && j+1 < len(text) && isDigit(rune(text[j+1])) {
			j = digitsEnd(text, j+1)
			continue
		}
		// "1 200": a space (or no-break space) before a group of exactly
		// three digits, after a first group of at most three.
		if first <= 3 || grouped {
			if n := groupSpace(text, j); n > 0 {
				k := j + n
				e := digitsEnd(text, k)
				if e-k == 3 && (e == len(text) || !isLetterAt(text, e)) {
					j, grouped = e, true
					continue
				}
			}
		}
		break
	}
	// Letters glued to the digits: ordinal suffix or a word like "10h30".
	if j < len(text) && isLetterAt(text, j) {
		k := j
		for k < len(text) {
			r, size := decodeAt(text, k)
			if !isLetter(r) && !isDigit(r) {
				break
			}
			k += size
		}
		if isOrdinalSuffix(text[j:k]) {
			return k, Number
		}
		return k, Word
	}
	return j, Number
}

func digitsEnd(text string, i int) int {
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	return i
}

// groupSpace returns the byte length of a thousands-separating space at
// text[i:] (space, no-break space, narrow no-break space), or 0.
func groupSpace(text string, i int) int {
	if i >= len(text) {
		return 0
	}
	if text[i] == ' ' {
		return 1
	}
	r, size := decodeAt(text, i)
	if r == '\u00a0' || r == '\u202f' || r == '\u2009' {
		return size
	}
	return 0
}

func isLetterAt(text string, i int) bool {
	r, _ := decodeAt(text, i)
	return isLetter(r)
}

func isOrdinalSuffix(s string) bool {
	switch s {
	case "st", "nd", "rd", "th", "er", "re", "e", "ème", "eme", "ère", "è", "ER", "TH", "e.":
		return true
	}
	return false
}
