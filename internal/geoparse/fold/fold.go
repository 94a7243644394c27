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
	lr := unicode.ToLower(r)
	if lr < rune(len(table)) && table[lr] != "" { // "ẞ" → "ß" → "ss"
		return append(dst, table[lr]...)
	}
	return utf8.AppendRune(dst, lr)
}

// String folds a name: words folded and joined by single spaces; any other
// punctuation (periods, commas, parentheses) is dropped.
func String(s string) string { return string(Append(make([]byte, 0, len(s)), s)) }

// Append appends the folded form of s (as String makes it) to dst.
func Append(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	for _, r := range s {
		switch {
		case IsWord(r):
			n0 := len(dst)
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			n1 := len(dst)
			if dst = Rune(dst, r); len(dst) == n1 {
				dst = dst[:n0]
				continue
			}
			space = false
		case IsSoft(r):
			space = true
		default:
			if r != '.' {
				space = true
			}
		}
	}
	return dst
}

// Equal reports whether s folds to key (String(s) == key). It folds s a
// rune at a time against key, stopping at the first difference, and
// allocates nothing: scoring calls it for every candidate of every name.
func Equal(s, key string) bool {
	pos := 0 // bytes of key matched
	space := false
	var tmp [16]byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z':
				if space && pos > 0 {
					if pos >= len(key) || key[pos] != ' ' {
						return false
					}
					pos++
				}
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				if pos >= len(key) || key[pos] != c {
					return false
				}
				pos++
				space = false
			case c != '.': // soft separators and punctuation alike
				space = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case IsWord(r):
			f := Rune(tmp[:0], r)
			if len(f) == 0 {
				continue // a combining mark: no letter, no space
			}
			if space && pos > 0 {
				if pos >= len(key) || key[pos] != ' ' {
					return false
				}
				pos++
			}
			if len(key)-pos < len(f) || key[pos:pos+len(f)] != string(f) {
				return false
			}
			pos += len(f)
			space = false
		default:
			space = true
		}
	}
	return pos == len(key)
}
