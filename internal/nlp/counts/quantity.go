// Package counts finds reported numbers of people and structures in English
// and French news text and links them to what happened to them (killed,
// injured, abducted, displaced, structures destroyed), following ACLED's
// conventions: the lowest credible figure is the best estimate, and vague
// words take the codebook's values (several → 10, dozens → 12, hundreds →
// 100, thousands → 1000...).
package counts

import (
	"slices"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
)

// Quantity is a count as the text gives it. Best is nil when words qualify
// things without a number ("multiple villages"); Low and High are set for
// bounds ("at least 12": Best 12, Low 12) and ranges ("between 20 and 30":
// Best 20, Low 20, High 30). Vague is set when the value is a codebook
// convention for a word ("dozens") rather than a written number.
type Quantity struct {
	Span  model.Span
	Text  string
	Best  *int
	Low   *int
	High  *int
	Vague bool
}

// starters are the words a quantity can start with, besides numbers;
// cueStarts indexes cueWords by first word.
var (
	starters  = map[string]bool{}
	cueStarts = map[string][]int{}
	cueNouns  = map[string]bool{}
)

func init() {
	slices.SortStableFunc(vaguePhrases, func(a, b vaguePhrase) int { return len(b.words) - len(a.words) })
	slices.SortStableFunc(modifiers, func(a, b modifier) int { return len(b.words) - len(a.words) })
	slices.SortStableFunc(cueWords, func(a, b cue) int { return len(b.words) - len(a.words) })
	for _, p := range vaguePhrases {
		starters[p.words[0]] = true
	}
	for _, m := range modifiers {
		starters[m.words[0]] = true
	}
	for w := range numberWords {
		starters[w] = true
	}
	for w := range multipliers {
		starters[w] = true
	}
	for _, w := range []string{"between", "entre", "from", "de", "a", "an", "d'une"} {
		starters[w] = true
	}
	for i, c := range cueWords {
		cueStarts[c.words[0]] = append(cueStarts[c.words[0]], i)
		if c.noun && len(c.words) == 1 {
			cueNouns[c.words[0]] = true
		}
	}
}

type tok struct {
	nlp.Token
	low string // folded; punctuation as written
}

func tokens(text string) []tok {
	toks := nlp.Tokenize(text)
	ts := make([]tok, len(toks))
	for i, t := range toks {
		low := t.Text
		if t.Kind != nlp.Punct {
			low = nlp.Fold(t.Text)
		}
		ts[i] = tok{t, low}
	}
	return ts
}

// qty is a Quantity with its token range [i, j).
type qty struct {
	Quantity
	i, j int
}

// scanner matches quantities over a token slice.
type scanner struct {
	text string
	lang string
	ts   []tok
}

func (s *scanner) low(i int) string {
	if i < 0 || i >= len(s.ts) {
		return ""
	}
	return s.ts[i].low
}

func (s *scanner) langOK(l string) bool { return l == "" || s.lang == "" || s.lang == l }

func (s *scanner) seq(i int, words []string) (int, bool) {
	for _, w := range words {
		if s.low(i) != w {
			return i, false
		}
		i++
	}
	return i, true
}

func (s *scanner) span(i, j int) model.Span {
	return model.Span{Start: s.ts[i].Start, End: s.ts[j-1].End}
}

func ptr(v int) *int { return &v }

// FindQuantities returns the counts in text, in order: numerals ("12",
// "1,200", "1 200", "twenty-three", "quatre-vingt-dix", "cent cinquante"),
// bounds ("at least 12", "plus de 20", "nearly 30"), approximations ("some
// 30", "une trentaine"), ranges ("between 20 and 30", "20 to 30", "entre 20
// et 30"), and vague words ("several", "dozens", "des centaines", "une
// dizaine", "multiple"). Years, dates, times of day, ordinals, decimals,
// ages and sums of money are not counts. lang is "en", "fr" or "" (both).
func FindQuantities(text, lang string) []Quantity {
	s := &scanner{text: text, lang: lang, ts: tokens(text)}
	var out []Quantity
	for _, q := range s.all() {
		out = append(out, q.Quantity)
	}
	return out
}

// all returns the quantities of the scanner's tokens.
func (s *scanner) all() []qty {
	var out []qty
	for i := 0; i < len(s.ts); {
		q, ok := s.at(i)
		if !ok {
			i++
			continue
		}
		q.Span = s.span(q.i, q.j)
		q.Text = s.text[q.Span.Start:q.Span.End]
		out = append(out, q)
		i = q.j
	}
	return out
}

// at matches a quantity starting at token i.
func (s *scanner) at(i int) (qty, bool) {
	if t := s.ts[i]; t.Kind == nlp.Punct || t.Kind == nlp.Word && !starters[firstWord(t.low)] {
		return qty{}, false
	}
	if q, ok := s.rangeAt(i); ok {
		return q, true
	}
	for _, m := range modifiers {
		if !s.langOK(m.lang) {
			continue
		}
		j, ok := s.seq(i, m.words)
		if !ok {
			continue
		}
		if s.low(j) == "d'" || (m.lang == "en" && s.low(j) == "the") {
			continue
		}
		v, k, vague, ok := s.value(j)
		if !ok {
			continue
		}
		q := qty{Quantity: Quantity{Best: ptr(v), Vague: vague}, i: i, j: k}
		switch m.b {
		case lower:
			q.Low = ptr(v)
		case upper:
			q.High = ptr(v)
		}
		return q, true
	}
	if v, k, vague, ok := s.value(i); ok {
		q := qty{Quantity: Quantity{Best: ptr(v), Vague: vague}, i: i, j: k}
		return q, true
	}
	for _, p := range vaguePhrases {
		if !s.langOK(p.lang) {
			continue
		}
		j, ok := s.seq(i, p.words)
		if !ok {
			continue
		}
		if p.v >= 0 {
			return qty{Quantity: Quantity{Best: ptr(p.v), Vague: true}, i: i, j: j}, true
		}
		// No number: the quantity covers the things it qualifies.
		if j < len(s.ts) && s.ts[j].Kind == nlp.Word {
			j++
		}
		return qty{Quantity: Quantity{Vague: true}, i: i, j: j}, true
	}
	return qty{}, false
}

// rangeAt matches "between 20 and 30", "entre 20 et 30", "from 20 to 30",
// "de 20 à 30", "20 to 30", "20-30".
func (s *scanner) rangeAt(i int) (qty, bool) {
	j := i
	opened := false
	switch s.low(j) {
	case "between", "entre", "from", "de":
		opened = true
		j++
	}
	lo, k, _, ok := s.number(j)
	if !ok {
		return qty{}, false
	}
	switch s.low(k) {
	case "and", "et":
		if !opened {
			return qty{}, false
		}
	case "to", "a", "-", "–", "or", "ou":
		if s.low(k) == "-" && (k == 0 || s.ts[k].Start != s.ts[k-1].End) {
			return qty{}, false
		}
	default:
		return qty{}, false
	}
	hi, k2, _, ok := s.number(k + 1)
	if !ok || hi <= lo {
		return qty{}, false
	}
	if (s.low(i) == "de" || s.low(i) == "from") && !slices.Contains([]string{"to", "a", "-", "–"}, s.low(k)) {
		return qty{}, false
	}
	return qty{Quantity: Quantity{Best: ptr(lo), Low: ptr(lo), High: ptr(hi)}, i: i, j: k2}, true
}

// value reads a numeral or an approximate noun ("une vingtaine") at i.
func (s *scanner) value(i int) (v, next int, vague, ok bool) {
	// "une vingtaine", "un millier", "a dozen" handled by vaguePhrases.
	if w := s.low(i); w == "une" || w == "un" || w == "d'une" {
		if a, found := approxNouns[s.low(i+1)]; found && s.langOK("fr") {
			return a.v, i + 2, a.vague, true
		}
	}
	n, j, _, ok := s.number(i)
	return n, j, false, ok
}

// number reads a numeral in digits or words at i, rejecting those that are
// not counts (years, dates, times, ordinals, money, ages).
func (s *scanner) number(i int) (v, next int, words, ok bool) {
	if i >= len(s.ts) {
		return 0, i, false, false
	}
	t := s.ts[i]
	if t.Kind == nlp.Number {
		n, ok := parseDigits(t.Text)
		if !ok || s.notCount(i, i+1, n, t.Text) {
			return 0, i, false, false
		}
		return n, i + 1, false, true
	}
	if t.Kind != nlp.Word {
		return 0, i, false, false
	}
	n, j, ok := s.numberWords(i)
	if !ok || s.notCount(i, j, n, "") {
		return 0, i, false, false
	}
	return n, j, true, true
}

// parseDigits parses "12", "1,200", "1 200", "1.200" (thousands grouping);
// decimals and ordinals are refused.
func parseDigits(s string) (int, bool) {
	n, digits := 0, 0
	group := -1 // digits since the last separator; -1 before any
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
			digits++
			if group >= 0 {
				group++
			}
		case r == ',' || r == '.' || r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009':
			if group >= 0 && group != 3 {
				return 0, false
			}
			group = 0
		default:
			return 0, false // an ordinal suffix
		}
		if digits > 9 {
			return 0, false
		}
	}
	if group >= 0 && group != 3 || digits == 0 {
		return 0, false
	}
	return n, true
}

// notCount reports whether the numeral at tokens [i, j) is not a count of
// anything: a year, part of a date or time, money, an age.
func (s *scanner) notCount(i, j, n int, digits string) bool {
	prev, next := s.low(i-1), s.low(j)
	if len(digits) == 4 && n >= 1900 && n <= 2100 && !personNouns[next] {
		return true // a year
	}
	if isMonth(prev) || isMonth(next) || (next == "of" && isMonth(s.low(j+1))) {
		return true // "March 13", "13 mars", "13 of March"
	}
	switch next {
	case ":", "h", "pm", "am", "gmt", "heures", "heure", "hours", "o'clock", "%", "percent", "pour", "°", "/":
		return true
	}
	switch prev {
	case "$", "€", "£", ":", "aged", "age", "ages", "agee", "ages.", "no", "n°", "number", "numero", "/", "resolution", "article", "km", "route", "rn":
		return true
	case "de":
		if a := s.low(i - 2); a == "age" || a == "agee" || a == "agees" || a == "ages" {
			return true // "âgé de 12 ans"
		}
	}
	return false
}

var monthNames = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true,
	"december": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"janvier": true, "fevrier": true, "mars": true, "avril": true, "mai": true, "juin": true,
	"juillet": true, "aout": true, "septembre": true, "octobre": true, "novembre": true,
	"decembre": true,
}

func isMonth(w string) bool { return monthNames[w] }

// numberWords reads a number in words at i: "twelve", "twenty-three", "one
// hundred and fifty", "vingt et un", "quatre-vingt-dix", "deux cents". A
// lone "un"/"une"/"a"/"an" counts only before a person or harm noun ("un
// civil", "a soldier").
func (s *scanner) numberWords(i int) (int, int, bool) {
	var words []string
	j := i
	lastWord := func() string {
		if len(words) == 0 {
			return ""
		}
		return words[len(words)-1]
	}
	for j < len(s.ts) && s.ts[j].Kind == nlp.Word {
		w := s.low(j)
		parts := strings.Fields(w)
		all := len(parts) > 0
		for _, p := range parts {
			if !s.isNumberWord(p) {
				all = false
				break
			}
		}
		if all {
			words = append(words, parts...)
			j++
			continue
		}
		// Connectors: "one hundred and fifty", "vingt et un".
		if len(words) > 0 && j+1 < len(s.ts) {
			nw := s.low(j + 1)
			if w == "and" && (lastWord() == "hundred" || lastWord() == "thousand") && s.isNumberWord(strings.Fields(nw + " x")[0]) {
				j++
				continue
			}
			if w == "et" && (nw == "un" || nw == "une" || nw == "onze") && isTens(lastWord()) {
				j++
				continue
			}
		}
		// "a hundred", "a thousand".
		if len(words) == 0 && (w == "a" || w == "an") && s.langOK("en") {
			if nw := s.low(j + 1); nw == "hundred" || nw == "thousand" {
				words = append(words, "one")
				j++
				continue
			}
		}
		break
	}
	if len(words) == 0 {
		return s.article(i)
	}
	if len(words) == 1 && (words[0] == "un" || words[0] == "une") {
		return s.article(i)
	}
	if s.low(i-1) == "pour" && words[0] == "cent" {
		return 0, i, false // "pour cent"
	}
	n, ok := wordsValue(words)
	return n, j, ok
}

// article reads "un civil", "une femme", "a soldier" as one.
func (s *scanner) article(i int) (int, int, bool) {
	w := s.low(i)
	en := (w == "a" || w == "an" || w == "one") && s.langOK("en")
	fr := (w == "un" || w == "une") && s.langOK("fr")
	if !en && !fr {
		return 0, i, false
	}
	next := s.low(i + 1)
	if personNouns[next] && !strings.HasSuffix(next, "s") || singularHarm[next] {
		return 1, i + 1, true
	}
	return 0, i, false
}

// singularHarm are harm nouns a lone article counts: "un mort", "un blessé".
var singularHarm = set("mort", "blesse", "tue", "otage", "deplace", "dead", "casualty")

func (s *scanner) isNumberWord(w string) bool {
	if n, ok := numberWords[w]; ok {
		return s.langOK(n.lang)
	}
	if m, ok := multipliers[w]; ok {
		return s.langOK(m.lang)
	}
	return false
}

func isTens(w string) bool {
	switch w {
	case "vingt", "trente", "quarante", "cinquante", "soixante":
		return true
	}
	return false
}

// wordsValue computes the value of number words.
func wordsValue(words []string) (int, bool) {
	total, cur := 0, 0
	for k, w := range words {
		if n, ok := numberWords[w]; ok {
			if (w == "vingt" || w == "vingts") && k > 0 && words[k-1] == "quatre" {
				cur += 76 // quatre-vingt: 4 becomes 80
				continue
			}
			cur += n.v
			continue
		}
		m := multipliers[w].v
		switch {
		case m == 100:
			cur = max(cur, 1) * 100
		case m >= 1000:
			total += max(cur, 1) * m
			cur = 0
		default:
			return 0, false
		}
	}
	return total + cur, true
}

// firstWord returns w up to its first space ("vingt trois" → "vingt").
func firstWord(w string) string {
	if k := strings.IndexByte(w, ' '); k >= 0 {
		return w[:k]
	}
	return w
}
