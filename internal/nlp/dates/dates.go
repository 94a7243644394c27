// Package dates finds and resolves the dates a news report gives for what
// it describes, in English and French: absolute ("13 March 2025", "le 13
// mars"), relative to the publication date ("yesterday", "mardi dernier",
// "last week"), month periods ("in March", "fin mars") and ranges ("du 10
// au 12 mars").
//
// Conventions:
//   - Date is the first day a mention denotes; End is set (to the last day)
//     whenever it denotes more than one day: ranges, weeks, weekends, months
//     and parts of months.
//   - Precision follows ACLED's time_precision: model.PrecisionDay for one
//     day (also "dans la nuit de samedi à dimanche", dated to its first day),
//     model.PrecisionWeek for weeks, weekends and explicit ranges of at most
//     seven days, model.PrecisionMonth for months, ranges longer than a week
//     and the parts of a month ("early March", "mi-mars", "fin mars": ten
//     days or so, more than ACLED's week).
//   - A date written without a year gets the year that makes it the latest
//     such date not later than two days after the anchor (news reports the
//     past) and YearInferred is true. Without an anchor, time.Now() stands in
//     for it; relative mentions need the anchor and are dropped without one.
package dates

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
)

// Mention is one date expression found in a text.
type Mention struct {
	Span         model.Span
	Text         string
	Date         time.Time // first day, midnight UTC
	Precision    int       // model.PrecisionDay, PrecisionWeek or PrecisionMonth
	YearInferred bool      // the year was not written
	Relative     bool      // resolved against the anchor
	End          time.Time // last day, for mentions of more than one day
}

// now is time.Now, replaced in tests.
var now = time.Now

// triggers are the words a mention can start with, besides numbers and
// "mid-March"-like tokens; other tokens are skipped at once.
var triggers = map[string]bool{}

func init() {
	initWords()
	slices.SortStableFunc(relPhrases, func(a, b relPhrase) int { return len(b.words) - len(a.words) })
	slices.SortStableFunc(monthPrefixes, func(a, b monthPrefix) int { return len(b.words) - len(a.words) })
	for _, p := range relPhrases {
		triggers[p.words[0]] = true
	}
	for _, p := range monthPrefixes {
		triggers[p.words[0]] = true
	}
	for w := range months {
		triggers[w] = true
	}
	for w := range weekdays {
		triggers[w] = true
	}
	for _, w := range []string{"on", "le", "the", "between", "from", "du", "entre", "dans",
		"durant", "pendant", "in", "during", "la", "nuit", "night", "last", "past", "this", "ce"} {
		triggers[w] = true
	}
}

type tok struct {
	nlp.Token
	low string // folded text
}

// finder holds the state of one Find call.
type finder struct {
	text   string
	lang   string
	anchor time.Time // zero when unknown
	ref    time.Time // anchor, or now
	ts     []tok
}

// Find returns the date mentions of text in order. lang is "en", "fr" or ""
// (both); anchor is the publication date, or the zero time when unknown.
func Find(text, lang string, anchor time.Time) []Mention {
	f := &finder{text: text, lang: lang}
	if !anchor.IsZero() {
		f.anchor = day(anchor.Year(), anchor.Month(), anchor.Day())
		f.ref = f.anchor
	} else {
		n := now()
		f.ref = day(n.Year(), n.Month(), n.Day())
	}
	toks := nlp.Tokenize(text)
	f.ts = make([]tok, len(toks))
	for i, t := range toks {
		low := t.Text
		if t.Kind != nlp.Punct {
			low = nlp.Fold(t.Text)
		}
		f.ts[i] = tok{t, low}
	}
	var out []Mention
	for i := 0; i < len(f.ts); {
		m, next, ok := f.at(i)
		if !ok {
			i++
			continue
		}
		i = next
		m.Text = text[m.Span.Start:m.Span.End]
		out = append(out, m)
	}
	return out
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// at tries every pattern at token i and returns the mention and the index
// of the token after it.
func (f *finder) at(i int) (Mention, int, bool) {
	if t := f.ts[i]; t.Kind == nlp.Punct || t.Kind == nlp.Word && !triggers[t.low] &&
		!strings.HasPrefix(t.low, "mid ") && !strings.HasPrefix(t.low, "mi ") {
		return Mention{}, i, false
	}
	for _, try := range []func(int) (Mention, int, bool){f.numeric, f.night, f.explicit, f.relative, f.weekday, f.monthPeriod} {
		if m, next, ok := try(i); ok {
			return m, next, true
		}
	}
	return Mention{}, i, false
}

func (f *finder) langOK(l string) bool { return f.lang == "" || f.lang == l }

func (f *finder) low(i int) string {
	if i < 0 || i >= len(f.ts) {
		return ""
	}
	return f.ts[i].low
}

// seq reports whether tokens from i match words, returning the index after.
func (f *finder) seq(i int, words []string) (int, bool) {
	for _, w := range words {
		if f.low(i) != w {
			return i, false
		}
		i++
	}
	return i, true
}

func (f *finder) span(i, j int) model.Span {
	return model.Span{Start: f.ts[i].Start, End: f.ts[j-1].End}
}

// --- tokens -------------------------------------------------------------

// dayNum reads a day of the month at i ("13", "13th", "1er").
func (f *finder) dayNum(i int) (int, int, bool) {
	if i >= len(f.ts) || f.ts[i].Kind != nlp.Number {
		return 0, i, false
	}
	s := f.ts[i].Text
	k := 0
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == 0 || k > 2 {
		return 0, i, false
	}
	d, _ := strconv.Atoi(s[:k])
	if d < 1 || d > 31 {
		return 0, i, false
	}
	return d, i + 1, true
}

// month reads a month name at i (an abbreviation may take a full stop).
func (f *finder) month(i int) (time.Month, int, bool) {
	if i >= len(f.ts) {
		return 0, i, false
	}
	mw, ok := months[f.ts[i].low]
	if !ok || !f.langOK(mw.lang) {
		return 0, i, false
	}
	if mw.lang == "en" && !startsUpper(f.ts[i].Text) {
		return 0, i, false // "they march", "it may"
	}
	if mw.abbr && f.low(i+1) == "." {
		return mw.month, i + 2, true
	}
	return mw.month, i + 1, true
}

// year reads a year (1900–2100) at i, after an optional comma.
func (f *finder) year(i int) (int, int, bool) {
	j := i
	if f.low(j) == "," {
		j++
	}
	if j >= len(f.ts) || f.ts[j].Kind != nlp.Number || len(f.ts[j].Text) != 4 {
		return 0, i, false
	}
	y, err := strconv.Atoi(f.ts[j].Text)
	if err != nil || y < 1900 || y > 2100 {
		return 0, i, false
	}
	return y, j + 1, true
}

func (f *finder) weekdayAt(i int) (time.Weekday, int, bool) {
	if i >= len(f.ts) {
		return 0, i, false
	}
	w, ok := weekdays[f.ts[i].low]
	if !ok || !f.langOK(w.lang) || f.low(i+1) == "gras" {
		return 0, i, false
	}
	return w.day, i + 1, true
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// --- resolution ---------------------------------------------------------

// resolve dates day/month, inferring the year when y is 0. wd, when not
// negative, is the weekday the text gives, which helps choose the year.
func (f *finder) resolve(y int, m time.Month, d int, wd time.Weekday) (time.Time, bool, bool) {
	valid := func(t time.Time) bool { return t.Month() == m && t.Day() == d }
	if y != 0 {
		t := day(y, m, d)
		return t, false, valid(t)
	}
	limit := f.ref.AddDate(0, 0, 2)
	y = f.ref.Year()
	if wd >= 0 {
		for k := 0; k < 7; k++ {
			t := day(y-k, m, d)
			if valid(t) && !t.After(limit) && t.Weekday() == wd {
				return t, true, true
			}
		}
	}
	t := day(y, m, d)
	if t.After(limit) {
		t = day(y-1, m, d)
	}
	if !valid(t) { // 29 February
		for k := 1; k < 8 && !valid(t); k++ {
			t = day(t.Year()-1, m, d)
		}
	}
	return t, true, valid(t)
}

// monthStart returns the first of month m, inferring the year when y is 0.
func (f *finder) monthStart(y int, m time.Month) (time.Time, bool) {
	if y != 0 {
		return day(y, m, 1), false
	}
	t := day(f.ref.Year(), m, 1)
	if t.After(f.ref.AddDate(0, 0, 2)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t, true
}

func lastOfMonth(t time.Time) time.Time { return day(t.Year(), t.Month()+1, 0) }

// weekStart returns the Monday of t's week.
func weekStart(t time.Time) time.Time {
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back)
}

func rangePrecision(a, b time.Time) int {
	if b.Sub(a) <= 6*24*time.Hour {
		return model.PrecisionWeek
	}
	return model.PrecisionMonth
}

// --- patterns -----------------------------------------------------------

// relative matches "yesterday", "la semaine dernière"...
func (f *finder) relative(i int) (Mention, int, bool) {
	if f.anchor.IsZero() {
		return Mention{}, i, false
	}
	for _, p := range relPhrases {
		if !f.langOK(p.lang) {
			continue
		}
		j, ok := f.seq(i, p.words)
		if !ok {
			continue
		}
		a := f.anchor
		m := Mention{Relative: true, Precision: model.PrecisionDay}
		switch p.kind {
		case relDay:
			m.Date = a.AddDate(0, 0, p.days)
			if p.words[len(p.words)-1] == "yesterday" || p.words[len(p.words)-1] == "hier" {
				if dayParts[f.low(j)] {
					j++
				}
			}
		case relThisWeek:
			m.Date, m.End, m.Precision = weekStart(a), a, model.PrecisionWeek
		case relLastWeek:
			s := weekStart(a).AddDate(0, 0, -7)
			m.Date, m.End, m.Precision = s, s.AddDate(0, 0, 6), model.PrecisionWeek
		case relWeekend:
			back := (int(a.Weekday()) + 1) % 7 // days since Saturday
			if back == 0 && p.words[0] == "last" {
				back = 7
			}
			s := a.AddDate(0, 0, -back)
			m.Date, m.End, m.Precision = s, s.AddDate(0, 0, 1), model.PrecisionWeek
		case relThisMonth:
			m.Date, m.End, m.Precision = day(a.Year(), a.Month(), 1), a, model.PrecisionMonth
		case relLastMonth:
			s := day(a.Year(), a.Month()-1, 1)
			m.Date, m.End, m.Precision = s, lastOfMonth(s), model.PrecisionMonth
		}
		if m.End.Equal(m.Date) {
			m.End = time.Time{}
		}
		m.Span = f.span(i, j)
		return m, j, true
	}
	return Mention{}, i, false
}

// weekday matches "on Tuesday", "last Tuesday", "mardi dernier", "Sunday
// night", "ce mardi".
func (f *finder) weekday(i int) (Mention, int, bool) {
	if f.anchor.IsZero() {
		return Mention{}, i, false
	}
	j := i
	last := false
	switch f.low(j) {
	case "on", "le", "ce":
		j++
	case "last", "past":
		last = true
		j++
	case "this":
		j++
		if f.low(j) == "past" {
			last = true
			j++
		}
	}
	wd, k, ok := f.weekdayAt(j)
	if !ok {
		return Mention{}, i, false
	}
	if w := f.low(k); w == "dernier" || w == "passe" || w == "last" {
		last = true
		k++
	}
	if dayParts[f.low(k)] {
		k++
		if w := f.low(k); w == "dernier" || w == "derniere" || w == "passe" {
			last = true
			k++
		}
	}
	back := (int(f.anchor.Weekday()) - int(wd) + 7) % 7
	if last && back == 0 {
		back = 7
	}
	return Mention{
		Span:      f.span(i, k),
		Date:      f.anchor.AddDate(0, 0, -back),
		Precision: model.PrecisionDay,
		Relative:  true,
	}, k, true
}

// dayMonth reads "13 March", "13th of March", "March 13", "March 13th" at
// i, without year. It returns the index after.
func (f *finder) dayMonth(i int) (d int, m time.Month, next int, ok bool) {
	if d, j, ok := f.dayNum(i); ok {
		if f.low(j) == "of" {
			j++
		}
		if m, k, ok := f.month(j); ok {
			return d, m, k, true
		}
		return 0, 0, i, false
	}
	if m, j, ok := f.month(i); ok {
		if d, k, ok := f.dayNum(j); ok {
			return d, m, k, true
		}
	}
	return 0, 0, i, false
}

// explicit matches a day date or range, optionally after a weekday and a
// preposition: "on March 13, 2025", "le mercredi 12 mars", "the 13th of
// March", "between 10 and 12 March", "du 10 au 12 mars", "March 10-12".
func (f *finder) explicit(i int) (Mention, int, bool) {
	j := i
	rangeStart := false // a prefix that opens a range
	switch f.low(j) {
	case "on", "le", "the":
		j++
		if f.low(j) == "the" {
			j++
		}
	case "between", "from", "du", "entre":
		rangeStart = true
		j++
		if f.low(j) == "the" || f.low(j) == "le" {
			j++
		}
	}
	afterPrefix := j
	wd := time.Weekday(-1)
	if w, k, ok := f.weekdayAt(j); ok {
		wd, j = w, k
		if f.low(j) == "," {
			j++
		}
		if f.low(j) == "the" {
			j++
		}
	}
	start := j
	// Day first: "10 au 12 mars", "10 mars au 12 avril", "13 mars 2025".
	if d1, k, ok := f.dayNum(j); ok {
		if d2, k2, ok := f.rangeTail(k, rangeStart); ok {
			if m, k3, ok := f.month(k2); ok {
				y, k4, _ := f.year(k3)
				return f.rangeMention(i, k4, y, m, d1, m, d2)
			}
		}
	}
	d, m, k, ok := f.dayMonth(j)
	if !ok {
		return Mention{}, i, false
	}
	// Month first range: "March 10-12", "March 10 to 12".
	if k > start && f.ts[start].Kind != nlp.Number {
		if d2, k2, ok := f.rangeTail(k, rangeStart); ok {
			y, k3, _ := f.year(k2)
			return f.rangeMention(i, k3, y, m, d, m, d2)
		}
	}
	// Across months: "28 February to 2 March", "du 28 février au 2 mars".
	if sep := f.low(k); isRangeSep(sep, rangeStart) {
		if d2, m2, k2, ok := f.dayMonth(k + 1); ok {
			y, k3, _ := f.year(k2)
			return f.rangeMention(i, k3, y, m, d, m2, d2)
		}
	}
	y, k2, _ := f.year(k)
	t, inferred, ok := f.resolve(y, m, d, wd)
	if !ok {
		return Mention{}, i, false
	}
	if rangeStart {
		i = afterPrefix // "from March 13" alone: the date is March 13
	}
	if dayParts[f.low(k2)] { // "March 13 morning"
		k2++
	}
	return Mention{Span: f.span(i, k2), Date: t, Precision: model.PrecisionDay, YearInferred: inferred}, k2, true
}

func isRangeSep(w string, opened bool) bool {
	switch w {
	case "-", "–", "—", "to", "au", "through", "until":
		return true
	case "and", "et", "a":
		return opened
	}
	return false
}

// rangeTail reads "- 12", "to 12", "au 12", "and 12" (the latter after
// "between") at i.
func (f *finder) rangeTail(i int, opened bool) (int, int, bool) {
	if !isRangeSep(f.low(i), opened) {
		return 0, i, false
	}
	j := i + 1
	if f.low(j) == "the" || f.low(j) == "le" {
		j++
	}
	d, k, ok := f.dayNum(j)
	return d, k, ok
}

func (f *finder) rangeMention(i, j, y int, m1 time.Month, d1 int, m2 time.Month, d2 int) (Mention, int, bool) {
	b, inferred, ok := f.resolve(y, m2, d2, -1)
	if !ok {
		return Mention{}, i, false
	}
	a := day(b.Year(), m1, d1)
	if a.Month() != m1 || a.Day() != d1 {
		return Mention{}, i, false
	}
	if a.After(b) {
		a = a.AddDate(-1, 0, 0)
	}
	if b.Sub(a) > 62*24*time.Hour {
		return Mention{}, i, false
	}
	return Mention{Span: f.span(i, j), Date: a, End: b, Precision: rangePrecision(a, b), YearInferred: inferred}, j, true
}

// night matches "dans la nuit de samedi à dimanche", "in the night of
// Saturday to Sunday", "dans la nuit du 12 au 13 mars": the first day.
func (f *finder) night(i int) (Mention, int, bool) {
	j := i
	switch f.low(j) {
	case "dans", "durant", "pendant", "in", "on", "during":
		j++
	}
	if f.low(j) == "la" || f.low(j) == "the" {
		j++
	}
	if f.low(j) != "nuit" && f.low(j) != "night" {
		return Mention{}, i, false
	}
	j++
	switch f.low(j) {
	case "de", "du", "of", "from", "between":
		j++
	default:
		return Mention{}, i, false
	}
	if wd1, k, ok := f.weekdayAt(j); ok && !f.anchor.IsZero() {
		if isRangeSep(f.low(k), true) {
			if _, k2, ok := f.weekdayAt(k + 1); ok {
				back := (int(f.anchor.Weekday()) - int(wd1) + 7) % 7
				return Mention{Span: f.span(i, k2), Date: f.anchor.AddDate(0, 0, -back),
					Precision: model.PrecisionDay, Relative: true}, k2, true
			}
		}
	}
	// "du 12 au 13 mars", "of March 12 to 13", "of 12 March": the first day.
	var d1 int
	var m time.Month
	end := j
	if d, k, ok := f.dayNum(j); ok {
		if _, k2, ok := f.rangeTail(k, true); ok {
			if mm, k3, ok := f.month(k2); ok {
				d1, m, end = d, mm, k3
			}
		}
	}
	if end == j {
		d, mm, k, ok := f.dayMonth(j)
		if !ok {
			return Mention{}, i, false
		}
		d1, m, end = d, mm, k
		if _, k2, ok := f.rangeTail(k, true); ok {
			end = k2
		}
	}
	y, k, _ := f.year(end)
	t, inferred, ok := f.resolve(y, m, d1, -1)
	if !ok {
		return Mention{}, i, false
	}
	return Mention{Span: f.span(i, k), Date: t, Precision: model.PrecisionDay, YearInferred: inferred}, k, true
}

// monthPeriod matches "in March", "en mars 2024", "early March",
// "mid-March", "fin mars", "à la mi-mars", "March 2025".
func (f *finder) monthPeriod(i int) (Mention, int, bool) {
	part, j, prefixed := wholeMonth, i, false
	for _, p := range monthPrefixes {
		if !f.langOK(p.lang) {
			continue
		}
		if k, ok := f.seq(i, p.words); ok {
			part, j, prefixed = p.part, k, true
			break
		}
	}
	var m time.Month
	var k int
	ok := false
	if j < len(f.ts) {
		// "mid-March", "mi-mars": one token.
		lw := f.ts[j].low
		for _, pre := range []string{"mid ", "mi "} {
			if rest, found := strings.CutPrefix(lw, pre); found {
				if mw, isMonth := months[rest]; isMonth && f.langOK(mw.lang) {
					m, k, ok, part, prefixed = mw.month, j+1, true, midMonth, true
				}
			}
		}
	}
	if !ok {
		m, k, ok = f.month(j)
	}
	if !ok {
		return Mention{}, i, false
	}
	if _, _, isDay := f.dayNum(k); isDay {
		return Mention{}, i, false // "since March 13": a day date
	}
	y, k2, hasYear := f.year(k)
	if !prefixed && !hasYear {
		return Mention{}, i, false
	}
	first, inferred := f.monthStart(y, m)
	a, b := first, lastOfMonth(first)
	switch part {
	case earlyMonth:
		b = first.AddDate(0, 0, 9)
	case midMonth:
		a, b = first.AddDate(0, 0, 10), first.AddDate(0, 0, 19)
	case lateMonth:
		a = first.AddDate(0, 0, 20)
	}
	if i < j && (f.low(i) == "since" || f.low(i) == "depuis" || f.low(i) == "until" || f.low(i) == "jusqu'") {
		// The prefix changes the meaning; the month alone is the mention.
		i = j
		if f.low(i) == "en" {
			i++
		}
	}
	return Mention{Span: f.span(i, k2), Date: a, End: b, Precision: model.PrecisionMonth, YearInferred: inferred}, k2, true
}

// --- numeric dates --------------------------------------------------------

// numeric matches "2025-03-13" and day-first "13/03/2025", "13.03.2025",
// "13-03-2025", written without spaces.
func (f *finder) numeric(i int) (Mention, int, bool) {
	t := f.ts[i]
	if t.Kind != nlp.Number {
		return Mention{}, i, false
	}
	var parts []string
	j := i + 1
	if strings.Count(t.Text, ".") == 2 {
		parts = strings.Split(t.Text, ".") // one token: "13.03.2025"
	} else {
		parts = []string{t.Text}
		for len(parts) < 3 && j+1 < len(f.ts) {
			sep, num := f.ts[j], f.ts[j+1]
			if sep.Start != f.ts[j-1].End || num.Start != sep.End || num.Kind != nlp.Number ||
				(sep.Text != "-" && sep.Text != "/") || (len(parts) == 2 && sep.Text != f.ts[j-2].Text) {
				break
			}
			parts = append(parts, num.Text)
			j += 2
		}
	}
	if len(parts) != 3 {
		return Mention{}, i, false
	}
	// Not part of a longer numeric expression.
	if j < len(f.ts) && f.ts[j].Start == f.ts[j-1].End && f.ts[j].Kind != nlp.Word {
		if c := f.ts[j].Text; c == "-" || c == "/" || c == "." && j+1 < len(f.ts) && f.ts[j+1].Start == f.ts[j].End {
			return Mention{}, i, false
		}
	}
	if i > 0 && f.ts[i-1].End == t.Start && (f.ts[i-1].Text == "-" || f.ts[i-1].Text == "/") {
		return Mention{}, i, false
	}
	var y, m, d string
	switch {
	case len(parts[0]) == 4 && len(parts[1]) == 2 && len(parts[2]) == 2 && !strings.Contains(t.Text, "."):
		y, m, d = parts[0], parts[1], parts[2]
	case len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4:
		d, m, y = parts[0], parts[1], parts[2]
	default:
		return Mention{}, i, false
	}
	yi, e1 := strconv.Atoi(y)
	mi, e2 := strconv.Atoi(m)
	di, e3 := strconv.Atoi(d)
	if e1 != nil || e2 != nil || e3 != nil || yi < 1900 || yi > 2100 || mi < 1 || mi > 12 || di < 1 {
		return Mention{}, i, false
	}
	date := day(yi, time.Month(mi), di)
	if date.Day() != di {
		return Mention{}, i, false
	}
	return Mention{Span: f.span(i, j), Date: date, Precision: model.PrecisionDay}, j, true
}
