package nlp

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folded is a folded text with the way back to the original.
//
// Map[i] is the byte offset in the original of the rune that produced folded
// byte i, and Map[len(Text)] is the length of the original, so a match
// [a, b) in Text covers exactly original[Map[a]:Map[b]]: it starts at the
// first rune folded into Text[a] and ends where the rune after the match
// starts (including any combining marks or collapsed spaces between them).
// Only a match that ends inside the expansion of one rune ("o" of the "oe"
// that "œ" becomes) loses that rune.
type Folded struct {
	Text string
	Map  []int
}

// Fold lower-cases s, strips diacritics (é→e, ç→c, œ→oe, æ→ae, ß→ss),
// turns typographic apostrophes into ', dashes and hyphens into spaces, any
// whitespace into a space, and collapses runs of spaces into one. It returns
// s itself, without allocating, when nothing changes.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	return string(fold(s, nil))
}

// FoldMap folds s like Fold and records where each folded byte came from.
func FoldMap(s string) Folded {
	m := make([]int, 0, len(s)+1)
	b := fold(s, &m)
	m = append(m, len(s))
	return Folded{Text: string(b), Map: m}
}

// isFolded reports whether folding s would leave it unchanged.
func isFolded(s string) bool {
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z', c == '-', c == '\t', c == '\n', c == '\r', c == '\v', c == '\f':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		default:
			prevSpace = false
		}
	}
	return true
}

// fold appends the folded form of s to a new buffer; when m is non-nil it
// receives the source offset of each output byte.
func fold(s string, m *[]int) []byte {
	out := make([]byte, 0, len(s)+8)
	emit := func(off int, bs ...byte) {
		for _, c := range bs {
			if c == ' ' && len(out) > 0 && out[len(out)-1] == ' ' {
				continue
			}
			out = append(out, c)
			if m != nil {
				*m = append(*m, off)
			}
		}
	}
	var rb [utf8.UTFMax]byte
	emitRune := func(off int, r rune) {
		if r < utf8.RuneSelf {
			emit(off, byte(r))
			return
		}
		n := utf8.EncodeRune(rb[:], r)
		emit(off, rb[:n]...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			case c == '-', c == '\t', c == '\n', c == '\r', c == '\v', c == '\f':
				c = ' '
			}
			emit(i, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			emit(i, s[i])
		case isApostrophe(r) || r == '\u2032' || r == '\u00b4':
			emit(i, '\'')
		case isDash(r) || unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			emit(i, ' ')
		case unicode.Is(unicode.Mn, r):
			// A combining mark: dropped.
		default:
			if lig, ok := ligatures[r]; ok {
				emit(i, lig...)
				break
			}
			p := norm.NFD.PropertiesString(s[i:])
			d := p.Decomposition()
			if d == nil {
				emitRune(i, unicode.ToLower(r))
				break
			}
			for len(d) > 0 {
				dr, dn := utf8.DecodeRune(d)
				d = d[dn:]
				if !unicode.Is(unicode.Mn, dr) {
					emitRune(i, unicode.ToLower(dr))
				}
			}
		}
		i += size
	}
	return out
}

func isDash(r rune) bool {
	return r >= '\u2010' && r <= '\u2015' || r == '\u2212' || r == '\ufe58' || r == '\ufe63' || r == '\uff0d'
}

// ligatures are letters that do not decompose but fold to ASCII.
var ligatures = map[rune][]byte{
	'œ': []byte("oe"), 'Œ': []byte("oe"), 'æ': []byte("ae"), 'Æ': []byte("ae"),
	'ß': []byte("ss"), 'ø': []byte("o"), 'Ø': []byte("o"), 'đ': []byte("d"),
	'Đ': []byte("d"), 'ł': []byte("l"), 'Ł': []byte("l"), 'ı': []byte("i"),
	'þ': []byte("th"), 'Þ': []byte("th"), 'ð': []byte("d"), 'Ð': []byte("d"),
	'ŋ': []byte("n"), 'Ŋ': []byte("n"), 'ɛ': []byte("e"), 'Ɛ': []byte("e"),
	'ɔ': []byte("o"), 'Ɔ': []byte("o"), 'ɲ': []byte("ny"), 'Ɲ': []byte("ny"),
}
