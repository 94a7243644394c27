package nlp

import "unicode/utf8"

// functionWords weighs frequent words that tell English (positive) from
// French (negative). Words common to both ("a", "on", "son", "plus") are left
// out.
var functionWords = map[string]float64{
	"the": 3, "of": 1.5, "and": 2, "to": 1.5, "in": 1.5, "is": 1.5, "was": 2, "were": 2,
	"that": 1.5, "for": 1.5, "with": 2, "by": 1.5, "from": 2, "at": 1, "have": 2, "has": 2,
	"had": 2, "it": 1.5, "this": 2, "which": 2, "said": 2, "are": 1.5, "be": 1.5, "they": 2,
	"their": 2, "after": 1.5, "who": 2, "been": 2, "an": 1, "not": 1.5, "will": 1.5,
	"would": 2, "his": 1.5, "her": 1.5, "its": 1.5, "we": 1.5, "our": 1.5, "into": 2,
	"when": 1.5, "people": 1, "killed": 1, "about": 1.5, "than": 1.5, "near": 1.5, "says": 1.5,
	"against": 2, "during": 1.5, "between": 1.5, "since": 1.5, "more": 1, "least": 1.5,
	"where": 2, "there": 2, "what": 2, "or": 1, "but": 1.5, "these": 2, "those": 2, "them": 2,
	"he": 1, "she": 2, "him": 2, "attacked": 1, "town": 1, "army": 1,

	"le": -2, "la": -2, "les": -2.5, "de": -1.5, "des": -2, "du": -2, "et": -2, "à": -2,
	"un": -1.5, "une": -2, "est": -1.5, "sont": -2, "été": -2.5, "dans": -2.5, "par": -1,
	"pour": -1.5, "sur": -2, "que": -2, "qui": -2, "au": -2, "aux": -2, "avec": -2.5,
	"ont": -2, "il": -1.5, "ils": -2, "elle": -1.5, "selon": -2.5, "ce": -1.5, "cette": -2,
	"pas": -1.5, "ne": -1.5, "se": -1.5, "sa": -1, "ses": -2, "leur": -2, "leurs": -2,
	"ou": -1, "mais": -1.5, "après": -2, "contre": -1.5, "lors": -2, "depuis": -2,
	"été.": 0, "personnes": -1, "l": -1.5, "d": -1.5, "qu": -2, "n": -1, "c": -1, "s": -1,
	"j": -1, "y": -1, "nous": -1.5, "vous": -1.5, "entre": -1, "aussi": -1.5, "très": -2,
	"près": -2, "vers": -1.5, "chez": -2, "sans": -2, "sous": -2, "où": -2, "lui": -1.5, "ces": -2,
	"armée": -1.5, "attaque": -1.5,
}

// DetectLanguage tells English ("en") from French ("fr") by the frequency of
// function words, helped by French diacritics and a few letter pairs
// typical of each language (and English "-ed"/"-ing" endings). It returns
// "" with confidence 0 when the text has fewer than three words or too
// little evidence either way. Confidence
// is the winning share of the evidence, between 0.5 and 1. Only the first
// 8 KiB are read.
func DetectLanguage(text string) (lang string, confidence float64) {
	if len(text) > 8<<10 {
		text = text[:8<<10]
	}
	var en, fr float64
	words, hits := 0, 0
	var buf [16]byte
	n := 0 // length of the current word in buf; -1 when too long
	inWord := false
	var prev byte
	flush := func() {
		if inWord {
			words++
			if n > 3 && buf[n-2] == 'e' && buf[n-1] == 'd' || n > 4 && buf[n-3] == 'i' && buf[n-2] == 'n' && buf[n-1] == 'g' {
				en += 0.5 // "attacked", "killing"
			}
			if n > 0 {
				if w, ok := functionWords[string(buf[:n])]; ok && w != 0 {
					hits++
					if w > 0 {
						en += w
					} else {
						fr -= w
					}
				}
			}
		}
		inWord, n = false, 0
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			lc := c
			if c >= 'A' && c <= 'Z' {
				lc = c + 'a' - 'A'
			}
			if lc >= 'a' && lc <= 'z' {
				inWord = true
				if n >= 0 && n < len(buf) {
					buf[n] = lc
					n++
				} else {
					n = -1
				}
				switch {
				case prev == 't' && lc == 'h', prev == 'w' && lc == 'h', prev == 'g' && lc == 'h', prev == 's' && lc == 'h':
					en += 0.25
				case prev == 'q' && lc == 'u', prev == 'e' && lc == 'u', prev == 'o' && lc == 'i', prev == 'a' && lc == 'u':
					fr += 0.25
				}
				prev = lc
			} else {
				flush()
				prev = 0
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case 'é', 'è', 'ê', 'à', 'ç', 'ù', 'â', 'î', 'ô', 'û', 'œ', 'ë', 'ï', 'É', 'È', 'À', 'Ç':
			fr += 0.75
			inWord = true
			if n >= 0 && n+size <= len(buf) {
				copy(buf[n:], text[i:i+size])
				n += size
			} else {
				n = -1
			}
		case '’':
			flush()
		default:
			if isLetter(r) {
				inWord = true
				n = -1
			} else {
				flush()
			}
		}
		prev = 0
		i += size
	}
	flush()
	total := en + fr
	if words < 3 || hits < 1 || total < 2.5 {
		return "", 0
	}
	if en >= fr {
		return "en", en / total
	}
	return "fr", fr / total
}
