package nlp

import (
	"sort"
	"unicode/utf8"
)

// RuneIndex converts byte offsets of one text into code point offsets. It
// records where multi-byte runes start, so a conversion is a binary search
// over them (and O(1) for ASCII text).
type RuneIndex struct {
	n     int     // length of the text in bytes
	start []int32 // byte offset of each multi-byte rune
	extra []int32 // extra bytes (size-1) of runes up to and including start[i]
}

// NewRuneIndex indexes text. Invalid UTF-8 bytes count as one code point
// each, as utf8.RuneCountInString counts them.
func NewRuneIndex(text string) *RuneIndex {
	ri := &RuneIndex{n: len(text)}
	extra := int32(0)
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		if size > 1 {
			extra += int32(size - 1)
			ri.start = append(ri.start, int32(i))
			ri.extra = append(ri.extra, extra)
		}
		i += size
	}
	return ri
}

// Rune returns the number of code points before byteOff, which should be
// on a rune boundary; offsets outside [0, len(text)] are clamped.
func (ri *RuneIndex) Rune(byteOff int) int {
	if byteOff <= 0 {
		return 0
	}
	if byteOff > ri.n {
		byteOff = ri.n
	}
	// k = number of multi-byte runes starting before byteOff.
	k := sort.Search(len(ri.start), func(i int) bool { return int(ri.start[i]) >= byteOff })
	if k == 0 {
		return byteOff
	}
	return byteOff - int(ri.extra[k-1])
}
