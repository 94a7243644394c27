// Package fold reduces names and text to the comparison form the gazetteer
// uses: lower case, no diacritics, typographic apostrophes made plain, and
// hyphens, apostrophes and runs of spaces turned into single spaces.
//
// It is shared by the gazetteer generator (devtools/gengazetteer) and the
// geoparser, so that names folded at build time and text folded at run time
// agree byte for byte.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// table maps the runes of Latin-1 Supplement, Latin Extended-A/B and IPA
// Extensions (U+0080–U+02AF) to their folded form; "" means the rune falls
// back to unicode.ToLower.
var table [0x2B0]string

func init() {
	special := map[rune]string{
		'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
		'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'ı': "i", 'ð': "d", 'Ð': "d",
		'þ': "th", 'Þ': "th", 'ŋ': "n", 'Ŋ': "n", 'ɓ': "b", 'Ɓ': "b", 'ɗ': "d",
		'Ɗ': "d", 'ƙ': "k", 'Ƙ': "k", 'ƴ': "y", 'Ƴ': "y", 'ɛ': "e", 'Ɛ': "e",
		'ɔ': "o", 'Ɔ': "o", 'ɲ': "n", 'Ɲ': "n", 'ʋ': "v", 'Ʋ': "v",
	}
	for r := rune(0x80); r < rune(len(table)); r++ {
		if s, ok := special[r]; ok {
			table[r] = s
			continue
		}
		if !unicode.IsLetter(r) {
			continue
		}
		var b strings.Builder
		for _, d := range norm.NFD.String(string(r)) {
			if unicode.Is(unicode.Mn, d) {
				continue
			}
			if s, ok := special[d]; ok { // ǣ → æ + macron → ae
				b.WriteString(s)
				continue
			}
			b.WriteRune(unicode.ToLower(d))
		}
		table[r] = b.String()
	}
}

// IsSoft reports whether r separates words inside one name: space, hyphen,
// apostrophe (plain or typographic).
func IsSoft(r rune) bool {
	switch r {
	case ' ', '\t', '-', '\'', '’', '‘', 'ʼ', '‐', '‑', '\u00a0':
		return true
	}
	return false
}

// IsWord reports whether r belongs to a word: a letter, a digit or a
// combining mark.
func IsWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Rune appends the folded form of a word rune r to dst.
func Rune(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if r < rune(len(table)) && table[r] != "" {
		return append(dst, table[r]...)
	}
	if unicode.Is(unicode.Mn, r) {
		return dst
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// String folds a name: words folded and joined by single spaces; any other
// punctuation (periods, commas, parentheses) is dropped.
func String(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch {
		case IsWord(r):
			n0 := len(b)
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			n1 := len(b)
			if b = Rune(b, r); len(b) == n1 {
				b = b[:n0] // a lone combining mark folds to nothing
				continue
			}
			space = false
		case IsSoft(r):
			space = true
		default:
			// Periods and other marks vanish inside a name ("St. Louis"
			// folds to "st louis"; "Ti.n" would fold to "tin").
			if r != '.' {
				space = true
			}
		}
	}
	return string(b)
}
