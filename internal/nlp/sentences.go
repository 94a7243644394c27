package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
)

// Sentences splits text into sentences and returns their spans, trimmed of
// surrounding spaces.
//
// A sentence ends at '.', '!', '?' or '…' (plus any closing quotes or
// brackets) followed by a space and a word that does not start in lower case,
// except after abbreviations (titles such as "Mr.", "Gen.", "Mme.", single
// initials such as "M." or "J.", "e.g.", "No. 5") and dotted acronyms
// ("U.N.") unless a typical sentence opener follows. A blank line always ends
// a sentence, and so does a single line break, so that headlines, bylines
// and paragraphs without a final full stop stand alone; only when the text
// looks hard-wrapped (many lines of similar width) does a single line break
// inside a long line count as a space.
func Sentences(text string) []model.Span {
	var out []model.Span
	add := func(a, b int) {
		for a < b {
			r, size := decodeAt(text, a)
			if !isSpace(r) {
				break
			}
			a += size
		}
		for b > a {
			r, size := utf8.DecodeLastRuneInString(text[:b])
			if !isSpace(r) {
				break
			}
			b -= size
		}
		if a < b {
			out = append(out, model.Span{Start: a, End: b})
		}
	}
	wrapped := hardWrapped(text)
	start := 0
	lineStart := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\n' {
			if lineBreakEnds(text, lineStart, i, wrapped) {
				add(start, i)
				start = i + 1
			}
			i++
			lineStart = i
			continue
		}
		if c != '.' && c != '!' && c != '?' && !strings.HasPrefix(text[i:], "…") {
			i++
			continue
		}
		end, ok := sentenceEnd(text, i)
		if ok {
			add(start, end)
			start = end
		}
		if end <= i {
			end = i + 1
		}
		i = end
	}
	add(start, len(text))
	return out
}

// sentenceEnd examines the terminal punctuation at text[i] and returns the
// end of the punctuation run (with closing quotes) and whether it ends a
// sentence.
func sentenceEnd(text string, i int) (int, bool) {
	j := i
	dots := 0
	for j < len(text) {
		switch {
		case text[j] == '.':
			dots++
			j++
		case text[j] == '!' || text[j] == '?':
			dots += 2
			j++
		case strings.HasPrefix(text[j:], "…"):
			dots += 3
			j += len("…")
		default:
			goto closers
		}
	}
closers:
	for j < len(text) {
		r, size := decodeAt(text, j)
		if isCloser(r) {
			j += size
			continue
		}
		// French: « Fin. » with a space before the closing guillemet.
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			if j+size < len(text) {
				if r2, s2 := decodeAt(text, j+size); r2 == '»' || r2 == '”' {
					j += size + s2
					continue
				}
			}
		}
		break
	}
	if j == len(text) {
		return j, true
	}
	r, _ := decodeAt(text, j)
	if !isSpace(r) {
		return j, false // "12.5", "U.S.-backed", "example.com"
	}
	next, nextWord := nextWord(text, j)
	if next == 0 {
		return j, true
	}
	if unicode.IsLower(next) {
		return j, false
	}
	if dots != 1 || text[i] != '.' {
		return j, true
	}
	return j, !abbreviationBefore(text, i, next, nextWord)
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', ')', ']', '›':
		return true
	}
	return false
}

// nextWord returns the first letter or digit after position j (skipping
// spaces and opening quotes or brackets) and the word it starts.
func nextWord(text string, j int) (rune, string) {
	for j < len(text) {
		r, size := decodeAt(text, j)
		if isLetter(r) || isDigit(r) {
			k := j
			for k < len(text) {
				r2, s2 := decodeAt(text, k)
				if !isLetter(r2) && !isDigit(r2) {
					break
				}
				k += s2
			}
			return r, text[j:k]
		}
		if r == '\n' && j+1 < len(text) && text[j+1] == '\n' {
			return 0, "" // paragraph break
		}
		j += size
	}
	return 0, ""
}

// abbreviationBefore reports whether the full stop at text[dot] closes an
// abbreviation rather than a sentence.
func abbreviationBefore(text string, dot int, next rune, nextWord string) bool {
	k := dot
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:k])
		if !isLetter(r) && r != '.' {
			break
		}
		k -= size
	}
	w := text[k:dot]
	if w == "" {
		return false
	}
	if strings.Contains(w, ".") { // "U.N", "e.g", "J.-P"
		lw := strings.ToLower(w)
		if lw == "e.g" || lw == "i.e" || lw == "p.ex" {
			return true
		}
		return !sentenceOpeners[strings.ToLower(nextWord)]
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r) // an initial: "M. Diallo", "J. Smith"
	}
	lw := strings.ToLower(w)
	if titles[lw] {
		return true
	}
	if numberAbbrevs[lw] {
		return isDigit(next)
	}
	if lw == "etc" {
		return !sentenceOpeners[strings.ToLower(nextWord)]
	}
	return false
}

// titles never end a sentence when followed by a full stop.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "lt": true, "col": true,
	"capt": true, "cpt": true, "sgt": true, "st": true, "ste": true, "mme": true, "mlle": true,
	"mmes": true, "mgr": true, "prof": true, "pr": true, "rev": true, "gov": true, "sen": true,
	"rep": true, "maj": true, "cpl": true, "pte": true, "pvt": true, "adm": true, "brig": true,
	"cmdr": true, "insp": true, "supt": true, "hon": true, "messrs": true, "lieut": true,
	"vs": true, "cf": true, "approx": true, "ca": true, "env": true, "av": true, "bd": true,
	"gén": true, "cne": true, "cdt": true, "adj": true, "sgts": true,
}

// numberAbbrevs do not end a sentence when a number follows ("No. 5",
// "Jan. 13", "p. 12").
var numberAbbrevs = map[string]bool{
	"no": true, "nos": true, "n": true, "nr": true, "p": true, "pp": true, "vol": true,
	"art": true, "fig": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"janv": true, "févr": true, "fevr": true, "avr": true, "juil": true, "déc": true,
}

// sentenceOpeners are words that usually start a sentence; after an
// ambiguous abbreviation ("U.N.", "etc.") they signal a boundary.
var sentenceOpeners = map[string]bool{
	"the": true, "a": true, "an": true, "he": true, "she": true, "it": true, "they": true,
	"we": true, "i": true, "in": true, "on": true, "but": true, "this": true, "that": true,
	"there": true, "according": true, "its": true, "their": true, "his": true, "her": true,
	"le": true, "la": true, "les": true, "l": true, "il": true, "elle": true, "ils": true,
	"elles": true, "un": true, "une": true, "des": true, "mais": true, "selon": true,
	"ce": true, "cette": true, "en": true, "depuis": true, "nous": true,
}

// lineBreakEnds reports whether the line break at text[nl] (the line being
// text[lineStart:nl]) ends a sentence.
func lineBreakEnds(text string, lineStart, nl int, wrapped bool) bool {
	if !wrapped {
		return true
	}
	// Blank line next, or this line is blank: paragraph break.
	if nl+1 < len(text) && (text[nl+1] == '\n' || text[nl+1] == '\r') {
		return true
	}
	line := strings.TrimSpace(text[lineStart:nl])
	if line == "" {
		return true
	}
	// In hard-wrapped text a short line ends a paragraph or is a heading.
	return utf8.RuneCountInString(line) < 40
}

// hardWrapped reports whether text looks wrapped at a fixed width: at least
// four lines followed by another non-blank line, most of them between 40
// and 100 code points long.
func hardWrapped(text string) bool {
	lines := strings.Split(text, "\n")
	n, fit := 0, 0
	for i := 0; i+1 < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.TrimSpace(lines[i+1]) == "" {
			continue
		}
		n++
		c := utf8.RuneCountInString(l)
		if c > 120 {
			return false
		}
		if c >= 40 {
			fit++
		}
	}
	return n >= 4 && fit*4 >= n*3
}
