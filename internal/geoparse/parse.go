package geoparse

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
	"github.com/vigil-hr/vigil/internal/model"
)

// Parser finds and resolves place names in text. It is safe for concurrent
// use.
type Parser struct {
	g *Gazetteer
}

// NewParser returns a parser over g.
func NewParser(g *Gazetteer) *Parser { return &Parser{g: g} }

// mention is one stretch of text taken for a place name.
type mention struct {
	i, j       int // token range, inclusive
	start, end int // byte range in the text
	key        string
	cands      []*Entry
	main       []bool    // main[c]: key is cands[c]'s own name, not an alternate one
	raw        []float64 // raw[c]: cands[c]'s score from the text's context (resolve)
	cue        cueKind   // strongest cue around the name
	recog      float64   // how sure we are that these words name a place
	explicit   bool      // a span the caller gave
	demonym    bool      // a nationality word standing for its country
	surface    string    // the words as written
	kid        int       // same number for mentions of the same folded name
	para       int       // paragraph (line) number
}

// scratch is the working memory of one Parse or ResolveSpans call. A pool
// recycles it, so that parsing a text allocates little more than its
// result: the tokens, mentions, candidates and scores of every call live
// in the same few slices.
type scratch struct {
	f        folded
	buf      []byte // the folded text, before it is copied into f.folded
	ms       []mention
	doubtful []mention
	demo     []ref
	cands    []*Entry  // the mentions' candidates, end to end
	main     []bool    // isMainName of each of cands
	raw      []float64 // the candidates' scores, end to end
	work     []float64 // one mention's scores in the second pass
	first    []anchor  // each mention's choice in the first pass
	places   places    // the populated places of first, indexed
	kids     map[string]int
	ctx      context
	why      []byte // the explanations, end to end
	whyEnd   []int  // where each place's explanation ends in why
}

var scratchPool = sync.Pool{New: func() any { return &scratch{kids: map[string]int{}} }}

// maxPooledTokens bounds the scratch kept for the next call: a huge text
// should not pin its working memory for good.
const maxPooledTokens = 1 << 16

// getScratch takes a scratch from the pool, with text tokenized into it.
func getScratch(text string) *scratch {
	s := scratchPool.Get().(*scratch)
	s.buf = tokenize(&s.f, text, s.buf)
	return s
}

// putScratch empties s and returns it to the pool.
func putScratch(s *scratch) {
	if cap(s.f.tok) > maxPooledTokens {
		return
	}
	// Drop what points into the caller's text before the next call.
	clear(s.ms)
	clear(s.doubtful)
	clear(s.demo)
	clear(s.kids)
	s.ctx.reset()
	s.f = folded{tok: s.f.tok[:0]}
	s.ms, s.doubtful, s.demo = s.ms[:0], s.doubtful[:0], s.demo[:0]
	s.cands, s.main, s.raw, s.first = s.cands[:0], s.main[:0], s.raw[:0], s.first[:0]
	scratchPool.Put(s)
}

// Parse finds the place names in text and resolves each one. Start and End
// of the returned places are byte offsets; places come in text order.
// Nationality words ("Malian") are not places; they only inform
// disambiguation (see DemonymCountry).
func (p *Parser) Parse(text string) []model.Place {
	s := getScratch(text)
	defer putScratch(s)
	p.find(s)
	return p.resolve(s, false)
}

// ResolveSpans resolves exactly the given spans of text (byte offsets) and
// returns one place per span, in the spans' order. A span whose words match
// no gazetteer name, or that lies outside text, comes back with nil
// Latitude/Longitude. The rest of the text still serves as context.
func (p *Parser) ResolveSpans(text string, spans []model.Span) []model.Place {
	s := getScratch(text)
	defer putScratch(s)
	p.find(s)
	found := s.ms
	ms := s.doubtful[:0] // free once find is done
	for _, m := range found {
		overlaps := false
		for _, sp := range spans {
			if m.start < sp.End && sp.Start < m.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			ms = append(ms, m)
		}
	}
	for _, sp := range spans {
		ms = append(ms, p.spanMention(s, sp))
	}
	s.ms, s.doubtful = ms, found
	return p.resolve(s, true)
}

// spanMention builds the mention for one caller-given span.
func (p *Parser) spanMention(s *scratch, sp model.Span) mention {
	m := p.spanCands(&s.f, sp)
	s.setMain(&m)
	return m
}

// spanCands finds the candidates and cues of a caller-given span.
func (p *Parser) spanCands(f *folded, sp model.Span) mention {
	m := mention{i: -1, j: -1, start: sp.Start, end: sp.End, explicit: true, recog: 1}
	if sp.Start < 0 || sp.End > len(f.text) || sp.Start >= sp.End {
		return m
	}
	m.para = strings.Count(f.text[:sp.Start], "\n")
	m.surface = f.text[sp.Start:sp.End]
	m.key = fold.String(f.text[sp.Start:sp.End])
	if c := p.g.cands(m.key); len(c) > 0 {
		m.cands = c
	} else {
		for _, v := range variants(m.key) {
			if c := p.g.cands(v); len(c) > 0 {
				m.cands = c
				break
			}
		}
	}
	// Words of the span, to read cues and to fall back on a name inside it
	// ("the Ségou region" → "Ségou" with a region cue).
	i0, j0 := -1, -1
	for k := range f.tok {
		if t := &f.tok[k]; t.start >= sp.Start && t.end <= sp.End {
			if i0 < 0 {
				i0 = k
			}
			j0 = k
		}
	}
	if i0 < 0 {
		return m
	}
	m.i, m.j = i0, j0
	if m.cands != nil {
		m.cue = max(p.cueBefore(f, i0), p.cueAfter(f, j0))
		return m
	}
	// A nationality word the caller marked stands for its country.
	if cc, ok := demonyms[m.key]; ok {
		if e := p.g.country(cc); e != nil {
			m.cands, m.demonym = []*Entry{e}, true
			return m
		}
	}
	best := mention{}
	for i := i0; i <= j0; i++ {
		j := p.longest(f, i, j0)
		if j < 0 || (best.cands != nil && j-i <= best.j-best.i) {
			continue
		}
		best = mention{i: i, j: j, key: f.key(i, j)}
		best.cands = p.g.cands(best.key)
	}
	if best.cands != nil {
		m.cands, m.key = best.cands, best.key
		m.cue = max(p.cueBefore(f, best.i), p.cueAfter(f, best.j))
	}
	return m
}

// setMain fills m.main: whether m's key is each candidate's own name.
func (s *scratch) setMain(m *mention) {
	off := len(s.main)
	for _, e := range m.cands {
		s.main = append(s.main, isMainName(e, m.key))
	}
	m.main = s.main[off:len(s.main):len(s.main)]
}

// longest returns the last token of the longest gazetteer name that starts
// at token i and ends at or before token limit, or -1.
func (p *Parser) longest(f *folded, i, limit int) int {
	best := -1
	h := hashKey(f.key(i, i))
	for j := i; j <= limit && j-i < p.g.maxWords; j++ {
		if j > i {
			if f.tok[j].hardBefore {
				break
			}
			h = hashMore(h, f.folded[f.tok[j-1].fend:f.tok[j].fend])
		}
		name, more := p.g.lookupKey(f.key(i, j), h)
		if name {
			best = j
		}
		if !more {
			break
		}
	}
	return best
}

// find recognises place names in the text (into s.ms), and the countries
// named by nationality words (into s.demo), for context.
func (p *Parser) find(s *scratch) {
	f := &s.f
	n := len(f.tok)
	for i := 0; i < n; i++ {
		t := &f.tok[i]
		if w := f.key(i, i); mayBeDemonym(w) {
			if cc, ok := demonyms[w]; ok {
				s.demo = append(s.demo, ref{k: -1, para: t.para, key: cc})
				continue
			}
		}
		if !t.upper && !t.capsLine {
			continue
		}
		if t.acronym && !t.capsLine && !(t.sentStart && i+1 < n && f.tok[i+1].hardBefore) {
			continue // an acronym (FAMa, JNIM), unless a dateline ("GAO, 3 May")
		}
		j := p.longest(f, i, n-1)
		if j < 0 {
			continue
		}
		if t.hyphenBefore && !p.prominentWord(f, i-1) || j+1 < n && f.tok[j+1].hyphenBefore && !p.prominentWord(f, j+1) {
			// Part of a hyphenated name ("Hama" in "Tin-Hama"), unless both
			// sides are known towns: a road ("l'axe Mopti-Gao").
			continue
		}
		m := mention{i: i, j: j, start: t.start, end: f.tok[j].end, key: f.key(i, j), para: t.para}
		if len(m.key) < 3 {
			continue
		}
		m.cue = max(p.cueBefore(f, i), p.cueAfter(f, j))
		admin := m.cue == cueRegion || m.cue == cueAdmin2
		if weakWords[m.key] {
			if !admin {
				continue
			}
		} else if stopWords[m.key] {
			continue
		}
		if i > 0 && !t.hardBefore && orgWords[f.key(i-1, i-1)] {
			continue // "Katiba Macina", "Radio Kledu"
		}
		off, offMain := len(s.cands), len(s.main)
		s.cands, s.main = p.g.appendCandsMain(s.cands, s.main, m.key)
		m.cands = s.cands[off:len(s.cands):len(s.cands)]
		m.main = s.main[offMain:len(s.main):len(s.main)]
		if minorOnly(m.cands) && m.cue < cuePlace {
			// Only small places far from the Sahel answer to this
			// name: without "in", "near", "à"... it is more likely a
			// word or a person than a village of 600 people.
			s.cands, s.main = s.cands[:off], s.main[:offMain]
			continue
		}
		// Prominent: some candidate bearing this very name (not as an
		// alternate) is a country, region or sizeable town.
		prominent, regional := false, false
		for c, e := range m.cands {
			if m.main[c] && isProminent(e) {
				prominent = true
				regional = regional || focus(e.Country) > 0 || e.Code == "PCLI"
			}
		}
		if !regional && m.cue < cueLocal && p.inName(f, i, j) {
			s.cands, s.main = s.cands[:off], s.main[:offMain]
			continue // part of a person's or an organisation's name
		}
		m.surface = f.text[m.start:m.end]
		m.recog = 0.6
		switch m.cue {
		case cuePlace:
			m.recog += 0.2
		case cueLocal, cueRegion, cueAdmin2:
			m.recog += 0.3
		}
		if prominent {
			m.recog += 0.15
		}
		if j > i {
			m.recog += 0.05
		}
		if t.sentStart && !t.capsLine && m.cue == cueNone {
			m.recog -= 0.2
			if !prominent {
				s.doubtful = append(s.doubtful, m)
				i = j
				continue
			}
		}
		m.recog = min(m.recog, 1)
		s.ms = append(s.ms, m)
		i = j
	}
	// A sentence-initial small place counts when the text names it again
	// where capitals mean something.
	if len(s.doubtful) > 0 {
		n := len(s.ms)
		for _, d := range s.doubtful {
			for _, m := range s.ms[:n] {
				if m.key == d.key {
					s.ms = append(s.ms, d)
					break
				}
			}
		}
		if len(s.ms) > n {
			slices.SortFunc(s.ms, func(a, b mention) int { return cmp.Compare(a.start, b.start) })
		}
	}
}

// minorOnly reports whether every candidate is a small populated place
// outside the Sahel focus countries.
func minorOnly(cands []*Entry) bool {
	for _, e := range cands {
		if e.Class != "P" || e.Population >= 15000 || focus(e.Country) > 0 || isProminent(e) {
			return false
		}
	}
	return true
}

// prominentWord reports whether token k alone names a country or a
// prominent place of Mali and its neighbours.
func (p *Parser) prominentWord(f *folded, k int) bool {
	ov, post, _ := p.g.postings(f.key(k, k))
	for _, e := range ov {
		if prominentHere(e) {
			return true
		}
	}
	for _, i := range post {
		if prominentHere(&p.g.entries[i]) {
			return true
		}
	}
	return false
}

// prominentHere reports whether e is a country, a sizeable city or a
// prominent place of the Sahel focus countries.
func prominentHere(e *Entry) bool {
	return isProminent(e) && (focus(e.Country) > 0 || e.Code == "PCLI" || e.Population >= 100000)
}

// inName reports whether words i..j sit among other capitalised words that
// are neither cues nor common words: "Bamba" in "Ali Bamba Traoré".
func (p *Parser) inName(f *folded, i, j int) bool {
	capWord := func(k int) bool {
		t := f.tok[k]
		if !t.upper || t.capsLine || p.prominentWord(f, k) {
			return false
		}
		w := f.key(k, k)
		_, cue := cuesBefore[w]
		_, cue2 := cuesAfter[w]
		return !cue && !cue2 && !stopWords[w] && demonyms[w] == ""
	}
	if i > 0 && !f.tok[i].hardBefore && !f.tok[i-1].sentStart && capWord(i-1) {
		return true
	}
	if i > 0 && !f.tok[i].hardBefore && f.tok[i-1].sentStart && capWord(i-1) && !f.tok[i].capsLine {
		return true
	}
	return j+1 < len(f.tok) && !f.tok[j+1].hardBefore && capWord(j+1)
}

// cueBefore reads the words before token i ("village de", "près de", "in
// the").
func (p *Parser) cueBefore(f *folded, i int) cueKind {
	if i == 0 || f.tok[i].hardBefore {
		return cueNone
	}
	{
		prev := f.text[f.tok[i-1].start:f.tok[i-1].end]
		if prev == "à" || prev == "À" {
			return cuePlace
		}
		if w := f.key(i-1, i-1); i > 1 && (w == "the" || w == "la" || w == "le" || w == "l") {
			i-- // "in the Ségou region", "près de la Kossi"
		}
	}
	if !cueEnds[f.key(i-1, i-1)] {
		return cueNone // no cue ends with this word
	}
	best := cueNone
	for w := 1; w <= maxCueWords && i-w >= 0; w++ {
		if f.tok[i-w+1].hardBefore {
			break
		}
		if c, ok := cuesBefore[f.key(i-w, i-1)]; ok {
			best = max(best, c)
		}
	}
	return best
}

// cueAfter reads the word after token j ("Mopti region").
func (p *Parser) cueAfter(f *folded, j int) cueKind {
	if j+1 >= len(f.tok) || f.tok[j+1].hardBefore {
		return cueNone
	}
	return cuesAfter[f.key(j+1, j+1)]
}

// isProminent reports whether e is a country, region, district or sizeable
// town, the kind of place a reader knows without a cue.
func isProminent(e *Entry) bool {
	switch e.Code {
	case "PCLI", "ADM1", "ADM2", "PPLC", "PPLA", "PPLA2", "CONT", "RGN", "SEA", "OCN", "LK", "DSRT", "GULF":
		return true
	}
	return e.Population >= 10000
}

// focus returns the preference for a country when the text says nothing
// about the country: Vigil reads Sahel reports, Mali first.
func focus(cc string) float64 {
	switch cc {
	case "ML":
		return 0.6
	case "BF", "NE":
		return 0.35
	case "MR":
		return 0.3
	case "SN", "GN", "CI", "DZ":
		return 0.2
	}
	return 0
}

// codePrior scores feature codes: countries, continents and regions
// before capitals, capitals before villages. (A switch: scoring runs it
// for every candidate, and it beats a map lookup severalfold.)
func codePrior(code string) float64 {
	switch code {
	case "PCLI":
		return 5
	case "CONT":
		return 4
	case "RGN":
		return 3.2
	case "SEA", "OCN":
		return 2.5
	case "ADM1":
		return 2.3
	case "PPLC", "DSRT", "GULF":
		return 2
	case "PPLA", "LK":
		return 1.5
	case "PPLA2":
		return 1.1
	case "ADM2":
		return 1
	case "PPLA3":
		return 0.8
	case "PPLA4", "ADM3":
		return 0.6
	case "PPL":
		return 0.5
	}
	return 0
}

// ref points at a word of the text that gives context: a mention (k ≥ 0)
// or a nationality word (k = -1, key = ISO2).
type ref struct {
	k    int
	para int
	key  string
	kid  int
}

// What the text names, for context: countries (by ISO2), regions (by
// country and admin1 code), regional capitals (by their region) and
// districts (by country, admin1 code and admin2 name).
const (
	ctxCountry = iota
	ctxAdmin1
	ctxAdmin1Cap
	ctxAdmin2
	ctxKinds
)

// ctxItem is one mention (or nationality word) naming a unit.
type ctxItem struct {
	cc, a1, a2 string // the unit: ISO2, admin1 code, admin2 name
	h          uint32 // unitHash of the unit
	r          ref
	next       int32 // 1 + the index of the next item in the same bucket; 0 ends
}

// otherCountry is the country index of codes that are not two capital
// letters (none in the gazetteer, but an analyst's place could have one).
const otherCountry = 26 * 26

// countryIndex numbers an ISO2 code: "AA" is 0, "ZZ" 675.
func countryIndex(cc string) int {
	if len(cc) == 2 && 'A' <= cc[0] && cc[0] <= 'Z' && 'A' <= cc[1] && cc[1] <= 'Z' {
		return int(cc[0]-'A')*26 + int(cc[1]-'A')
	}
	return otherCountry
}

// ctxBuckets is the number of hash buckets of each kind of unit (more than
// the country indices).
const ctxBuckets = 1024

// context is what the whole text says about where it happens. A text
// names a handful of units, while scoring asks about every candidate: each
// kind keeps its items chained in hash buckets (countries by their index),
// so that a question costs a hash and a look at the items naming that very
// unit.
type context struct {
	items [ctxKinds][]ctxItem
	head  [ctxKinds][ctxBuckets]int32 // 1 + the index of the bucket's first item; 0: none
	// The country support of the mention being scored, by country
	// index: valid where ccStamp is stamp (see begin). A mention's
	// candidates share a few countries.
	stamp   uint32
	ccStamp [otherCountry]uint32
	ccW     [otherCountry]float64
}

// begin starts scoring a(nother) mention: the country memo is forgotten.
func (c *context) begin() {
	if c.stamp++; c.stamp == 0 {
		clear(c.ccStamp[:])
		c.stamp = 1
	}
}

// countrySupport is support(ctxCountry, cc, "", "", m) for the mention
// scored since the last begin, remembered by country.
func (c *context) countrySupport(cc string, m *mention) float64 {
	if len(c.items[ctxCountry]) == 0 {
		return 0
	}
	ci := countryIndex(cc)
	if ci == otherCountry {
		return c.supportHash(ctxCountry, uint32(ci), cc, "", "", m)
	}
	if c.ccStamp[ci] == c.stamp {
		return c.ccW[ci]
	}
	w := c.supportHash(ctxCountry, uint32(ci), cc, "", "", m)
	c.ccStamp[ci], c.ccW[ci] = c.stamp, w
	return w
}

// unitHash hashes a unit: a country by its index, an admin unit by FNV-1a.
func unitHash(cc, a1, a2 string) uint32 {
	if a1 == "" && a2 == "" {
		return uint32(countryIndex(cc))
	}
	h := hashMore(14695981039346656037, cc)
	h = hashMore(h^0xff, a1)
	h = hashMore(h^0xfe, a2)
	return uint32(h ^ h>>32)
}

// reset empties the context for the next text.
func (c *context) reset() {
	for k := range c.items {
		for _, it := range c.items[k] {
			c.head[k][it.h%ctxBuckets] = 0
		}
		clear(c.items[k])
		c.items[k] = c.items[k][:0]
	}
}

// add records that r names a unit of the given kind.
func (c *context) add(kind int, cc, a1, a2 string, r ref) {
	h := unitHash(cc, a1, a2)
	c.items[kind] = append(c.items[kind], ctxItem{cc: cc, a1: a1, a2: a2, h: h, r: r, next: c.head[kind][h%ctxBuckets]})
	c.head[kind][h%ctxBuckets] = int32(len(c.items[kind]))
}

// support weighs the context the text gives mention m for a unit: 1 when
// a mention naming it is in m's paragraph, 0.3 when only elsewhere, 0 when
// none. Mentions of the same name as m do not count (a name cannot vouch
// for itself).
func (c *context) support(kind int, cc, a1, a2 string, m *mention) float64 {
	if len(c.items[kind]) == 0 {
		return 0
	}
	return c.supportHash(kind, unitHash(cc, a1, a2), cc, a1, a2, m)
}

// supportHash is support for a unit whose unitHash is h.
func (c *context) supportHash(kind int, h uint32, cc, a1, a2 string, m *mention) float64 {
	w := 0.0
	for i := c.head[kind][h%ctxBuckets]; i != 0; {
		it := &c.items[kind][i-1]
		i = it.next
		if it.h != h || it.r.k >= 0 && it.r.kid == m.kid || it.cc != cc || it.a1 != a1 || it.a2 != a2 {
			continue
		}
		if it.r.para == m.para {
			return 1
		}
		w = 0.3
	}
	return w
}

// build fills the context from the nationality words and from every
// candidate of every mention that is a country, region, regional capital
// or district.
func (c *context) build(ms []mention, demo []ref) {
	for _, d := range demo {
		c.add(ctxCountry, d.key, "", "", d)
	}
	for k, m := range ms {
		r := ref{k: k, para: m.para, key: m.key, kid: m.kid}
		for _, e := range m.cands {
			switch {
			case e.Code == "PCLI":
				c.add(ctxCountry, e.Country, "", "", r)
			case e.Code == "ADM1" && e.Admin1Code != "":
				c.add(ctxAdmin1, e.Country, e.Admin1Code, "", r)
			case e.Code == "PPLA" && e.Admin1Code != "":
				c.add(ctxAdmin1Cap, e.Country, e.Admin1Code, "", r)
			case e.Code == "ADM2" && e.Admin2 != "":
				c.add(ctxAdmin2, e.Country, e.Admin1Code, e.Admin2, r)
			}
		}
	}
}

// isMainName reports whether folded key k is e's own name (not an
// alternate one).
func isMainName(e *Entry, k string) bool {
	return k != "" && (fold.Equal(e.Name, k) || e.ASCII != e.Name && fold.Equal(e.ASCII, k))
}

// scored is a candidate with its score and, when explain is set, the
// reasons behind it.
type scored struct {
	e       *Entry
	raw     float64
	explain bool
	n       int       // reasons kept
	reasons [8]reason // a candidate has at most six
}

// reason is one thing that raised a candidate's score. It is put in words
// only for the winner: format takes arg (a name) and km.
type reason struct {
	w      float64
	format string
	arg    string
	km     float64
}

// appendText appends the reason in words: format with "%.0f" replaced by
// km and "%s" by arg.
func (r *reason) appendText(b []byte) []byte {
	f := r.format
	for {
		i := strings.IndexByte(f, '%')
		if i < 0 {
			return append(b, f...)
		}
		b = append(b, f[:i]...)
		switch {
		case strings.HasPrefix(f[i:], "%.0f"):
			b = strconv.AppendFloat(b, r.km, 'f', 0, 64)
			f = f[i+4:]
		case strings.HasPrefix(f[i:], "%s"):
			b = append(b, r.arg...)
			f = f[i+2:]
		default:
			b = append(b, '%')
			f = f[i+1:]
		}
	}
}

func (s *scored) add(w float64, format, arg string) {
	s.raw += w
	if s.explain && s.n < len(s.reasons) {
		s.reasons[s.n] = reason{w: w, format: format, arg: arg}
		s.n++
	}
}

// score rates candidate c of mention m from the text's context into s
// (whose explain says whether to keep the reasons).
func score(m *mention, c int, ctx *context, s *scored) {
	e := m.cands[c]
	main := m.main[c]
	s.e, s.raw, s.n = e, e.prior, 0
	if s.raw == 0 { // an entry made outside the gazetteer
		s.raw = basePrior(e)
	}
	if e.Population >= 1_000_000 && e.Class == "P" && main {
		s.raw += 0.8 // a city everyone knows: "New York" is the city before the state
	}
	if m.key != "" && !main && e.Class == "P" && focus(e.Country) == 0 {
		// A foreign city's name in another language ("Kita" for Quito)
		// is a weaker claim than a Sahel town's own name.
		s.raw -= 0.5
	}
	if main {
		s.raw += 0.8 // the main name, not an alternate one
		if e.Name != e.ASCII && m.surface == e.Name {
			s.add(0.3, "spelled exactly as the gazetteer spells it", "")
		}
	}
	if e.Code != "PCLI" {
		if w := ctx.countrySupport(e.Country, m); w > 0 {
			s.add(w, "%s named in the text", e.Country)
		} else if focus(e.Country) > 0 {
			s.add(focus(e.Country), "%s preferred for Sahel reports", e.Country)
		}
	}
	if e.Code != "ADM1" && e.Code != "PCLI" && e.Admin1Code != "" &&
		len(ctx.items[ctxAdmin1])+len(ctx.items[ctxAdmin1Cap]) > 0 {
		h := unitHash(e.Country, e.Admin1Code, "")
		if w := ctx.supportHash(ctxAdmin1, h, e.Country, e.Admin1Code, "", m); w > 0 {
			s.add(1.2*w, "in %s, named in the text", e.Admin1)
		} else if w := ctx.supportHash(ctxAdmin1Cap, h, e.Country, e.Admin1Code, "", m); w > 0 {
			s.add(0.6*w, "in %s region, whose capital is named in the text", e.Admin1)
		}
	}
	if e.Code != "ADM2" && e.Admin2 != "" {
		if w := ctx.support(ctxAdmin2, e.Country, e.Admin1Code, e.Admin2, m); w > 0 {
			s.add(0.8*w, "in %s, named in the text", e.Admin2)
		}
	}
	switch m.cue {
	case cueRegion:
		if e.Code == "ADM1" {
			s.add(3, "called a region or state in the text", "")
		} else if e.Code == "ADM2" {
			s.add(1.5, "called a region in the text", "")
		} else if e.Class == "P" {
			s.raw--
		}
	case cueAdmin2:
		if e.Code == "ADM2" {
			s.add(3, "called a cercle/province/LGA in the text", "")
		} else if e.Code == "ADM1" {
			s.add(2, "called a province in the text", "")
		} else if e.Class == "P" {
			s.raw--
		}
	case cueLocal:
		if e.Class == "P" {
			s.add(0.5, "called a village or town in the text", "")
		}
	}
}

// resolve scores every mention's candidates (twice: the second pass adds
// closeness to the places chosen in the first) and builds the places.
func (p *Parser) resolve(s *scratch, onlyExplicit bool) []model.Place {
	f, ms := &s.f, s.ms
	for k := range ms {
		id, ok := s.kids[ms[k].key]
		if !ok {
			id = len(s.kids)
			s.kids[ms[k].key] = id
		}
		ms[k].kid = id
	}
	ctx := &s.ctx
	ctx.build(ms, s.demo)
	// First pass: every candidate's score from the context, which the
	// second pass starts from.
	var sc scored
	for k := range ms {
		m := &ms[k]
		off := len(s.raw)
		ctx.begin()
		for c := range m.cands {
			score(m, c, ctx, &sc)
			s.raw = append(s.raw, sc.raw)
		}
		m.raw = s.raw[off:len(s.raw):len(s.raw)]
		a := anchor{kid: m.kid, para: m.para}
		if b := argmax(m.raw); b >= 0 {
			e := m.cands[b]
			a.e, a.lat, a.lon, a.cos = e, e.Lat, e.Lon, math.Cos(e.Lat*(math.Pi/180))
			a.place, a.capital = e.Class == "P", e.Code == "PPLC" || e.Code == "PPLA"
			a.ci = countryIndex(e.Country)
		}
		s.first = append(s.first, a)
	}
	s.places.build(s.first)
	n := 0
	for k := range ms {
		if !onlyExplicit || ms[k].explicit {
			n++
		}
	}
	out := make([]model.Place, n)
	coords := make([]float64, 2*n) // one allocation for every Latitude and Longitude
	// The explanations are written end to end, then cut from one string.
	whyEnd := s.whyEnd[:0]
	b := s.why[:0]
	o := 0
	for k := range ms {
		m := &ms[k]
		if onlyExplicit && !m.explicit {
			continue
		}
		pl := &out[o]
		o++
		pl.Start, pl.End = m.start, m.end
		if m.start >= 0 && m.end <= len(f.text) && m.start < m.end {
			pl.Text = f.text[m.start:m.end]
		}
		if best, margin := pick(s, k, &sc); best != nil {
			e := best.e
			lat, lon := &coords[2*o-2], &coords[2*o-1]
			*lat, *lon = e.Lat, e.Lon
			pl.Name, pl.GeonameID = e.Name, e.ID
			pl.Latitude, pl.Longitude = lat, lon
			pl.CountryCode, pl.Admin1, pl.Admin2 = e.Country, e.Admin1, e.Admin2
			pl.FeatureClass, pl.FeatureCode, pl.Population = e.Class, e.Code, e.Population
			pl.Score = math.Round(min(1, max(0, m.recog*(0.5+0.5*margin)))*100) / 100
			if m.demonym {
				b = append(b, "nationality word for "...)
				b = append(b, e.Name...)
				b = append(b, "; "...)
			}
			b = appendWhy(b, best, len(m.cands))
		}
		whyEnd = append(whyEnd, len(b))
	}
	whys, start := string(b), 0
	for i, end := range whyEnd {
		out[i].Why = whys[start:end]
		start = end
	}
	s.why, s.whyEnd = b, whyEnd
	return out
}

// argmax returns the index of the first highest of raw, or -1 when empty.
func argmax(raw []float64) int {
	b := -1
	for i, r := range raw {
		if b < 0 || r > raw[b] {
			b = i
		}
	}
	return b
}

// pick returns mention k's best candidate (scored into sc, with its
// reasons) and its margin over the runner-up (best/(best+second), 1 when
// alone), adding closeness to the places chosen for the other mentions in
// the first pass.
func pick(s *scratch, k int, sc *scored) (*scored, float64) {
	ms, anchors := s.ms, s.first
	m := &ms[k]
	if len(m.cands) == 0 {
		return nil, 0
	}
	raw := m.raw
	if len(raw) > 1 {
		// Closeness to the other places adds at most 1: only the
		// candidates within 1 of the best can gain from it.
		top := math.Inf(-1)
		for _, r := range raw {
			top = max(top, r)
		}
		s.work = append(s.work[:0], raw...)
		raw = s.work
		for i, e := range m.cands {
			if raw[i] > top-1.2 {
				ns := scored{e: e, raw: raw[i]}
				near(&ns, ms, k, anchors, &s.places)
				raw[i] = ns.raw
			}
		}
	}
	b, second := -1, math.Inf(-1)
	for i, r := range raw {
		if b < 0 || r > raw[b] {
			if b >= 0 {
				second = raw[b]
			}
			b = i
		} else if r > second {
			second = r
		}
	}
	sc.explain = true
	s.ctx.begin()
	score(m, b, &s.ctx, sc)
	if len(raw) > 1 {
		near(sc, ms, k, anchors, &s.places)
	}
	sc.explain = false
	switch {
	case len(raw) == 1 || second <= 0:
		return sc, 1
	case sc.raw <= 0:
		return sc, 0.5
	}
	return sc, sc.raw / (sc.raw + second)
}

// anchor is the place the first pass chose for a mention (e nil when
// none), with what near and contains ask about it at hand.
type anchor struct {
	e              *Entry
	lat, lon       float64
	cos            float64 // of lat
	ci             int     // countryIndex of the entry's country
	kid, para      int
	place, capital bool // a populated place; a capital (PPLC, PPLA)
}

// places indexes the anchors that are populated places, for near: by
// latitude, and by paragraph (then text order).
type places struct {
	byLat, byPara []int32
}

// build indexes the populated places of anchors.
func (ix *places) build(anchors []anchor) {
	ix.byLat, ix.byPara = ix.byLat[:0], ix.byPara[:0]
	for a := range anchors {
		if anchors[a].place {
			ix.byLat = append(ix.byLat, int32(a))
			ix.byPara = append(ix.byPara, int32(a))
		}
	}
	slices.SortFunc(ix.byLat, func(a, b int32) int {
		x, y := &anchors[a], &anchors[b]
		return cmp.Or(cmp.Compare(x.lat, y.lat), cmp.Compare(x.lon, y.lon), cmp.Compare(a, b))
	})
	slices.SortFunc(ix.byPara, func(a, b int32) int {
		return cmp.Or(cmp.Compare(anchors[a].para, anchors[b].para), cmp.Compare(a, b))
	})
}

// nearScan looks for the anchor that gives a candidate at lat, lon the
// most weight: the strongest, and of equals the first named, whatever the
// order the anchors are looked at in.
type nearScan struct {
	anchors          []anchor
	lat, lon, cosLat float64
	kid, para        int
	best             float64
	bestA            int32 // -1: none
	prevLat, prevLon float64
	prevD            float64
}

// window is how far in latitude near looks: a little more than the test
// in look, which decides.
const window = 2.3 + 1e-9

// look weighs anchor a.
func (n *nearScan) look(a int32) {
	x := &n.anchors[a]
	if x.kid == n.kid {
		return // the same name (and the mention itself)
	}
	// The most this anchor can give: skip it when that cannot beat the
	// best so far.
	wmax := 1.0
	if x.para != n.para {
		wmax *= 0.3
	}
	if x.capital {
		wmax /= 2
	}
	if wmax < n.best || wmax == n.best && a > n.bestA {
		return
	}
	if math.Abs(n.lat-x.lat) > 2.3 || math.Abs(n.lon-x.lon) > 2.6 {
		return // surely beyond 250 km in the Sahel's latitudes
	}
	band := distanceBand(n.lat, n.lon, n.cosLat, x)
	if band < 0 {
		d := n.prevD
		if x.lat != n.prevLat || x.lon != n.prevLon { // places named twice sit together
			d = distanceKm(n.lat, n.lon, x.lat, x.lon)
			n.prevLat, n.prevLon, n.prevD = x.lat, x.lon, d
		}
		band = bandOf(d)
	}
	w := bandWeight[band]
	if x.para != n.para {
		w *= 0.3
	}
	if x.capital {
		// Being in a capital's hinterland is weak evidence: the region
		// bonus already speaks for it.
		w /= 2
	}
	if w > n.best || w == n.best && w > 0 && a < n.bestA {
		n.best, n.bestA = w, a
	}
}

// near rewards a candidate close to places chosen for other names. It
// looks at the places of the candidate's paragraph first; those of other
// paragraphs weigh 0.3 at most, and are looked at (within 2.3° of
// latitude) only when that could matter.
func near(s *scored, ms []mention, k int, anchors []anchor, ix *places) {
	if s.e.Class != "P" {
		contains(s, ms, k, anchors)
		return
	}
	n := nearScan{
		anchors: anchors, lat: s.e.Lat, lon: s.e.Lon, kid: ms[k].kid, para: ms[k].para,
		bestA: -1, prevLat: math.NaN(), prevLon: math.NaN(),
	}
	n.cosLat = math.Cos(n.lat * (math.Pi / 180))
	same, _ := slices.BinarySearchFunc(ix.byPara, n.para, func(a int32, p int) int { return cmp.Compare(anchors[a].para, p) })
	for _, a := range ix.byPara[same:] {
		if anchors[a].para != n.para {
			break
		}
		n.look(a)
	}
	if n.best <= 0.3 {
		lo, _ := slices.BinarySearchFunc(ix.byLat, n.lat-window, func(a int32, t float64) int { return cmp.Compare(anchors[a].lat, t) })
		for _, a := range ix.byLat[lo:] {
			if anchors[a].lat > n.lat+window {
				break
			}
			if anchors[a].para != n.para {
				n.look(a)
			}
		}
	}
	if n.best > 0 {
		x := &anchors[n.bestA]
		s.add(n.best, "%.0f km from %s, named in the text", x.e.Name)
		if s.explain && s.n > 0 {
			s.reasons[s.n-1].km = distanceKm(n.lat, n.lon, x.lat, x.lon)
		}
	}
}

// contains rewards an area (region, district) that holds places chosen
// for other names: "Bamenda ... le Nord-Ouest".
func contains(s *scored, ms []mention, k int, anchors []anchor) {
	e := s.e
	if e.Code != "ADM1" && e.Code != "ADM2" || e.Country == "" {
		return
	}
	kid, ci := ms[k].kid, countryIndex(e.Country)
	for a := range anchors {
		x := anchors[a].e
		if a == k || x == nil || x == e || anchors[a].kid == kid || anchors[a].ci != ci ||
			ci == otherCountry && x.Country != e.Country {
			continue
		}
		switch {
		case e.Code == "ADM1" && x.Admin1Code == e.Admin1Code && x.Code != "ADM1",
			e.Code == "ADM2" && x.Admin2 != "" && x.Admin2 == e.Admin2 && x.Code != "ADM2":
			s.add(1.2, "contains %s, named in the text", x.Name)
			return
		}
	}
}

// The distances near tells apart: under 30 km, 100 km, 250 km, beyond.
var (
	bandLimit  = [3]float64{30, 100, 250}
	bandWeight = [4]float64{1, 0.7, 0.3, 0}
)

// bandOf returns the band of distance d: 0 under 30 km ... 3 from 250 km.
func bandOf(d float64) int {
	for i, l := range bandLimit {
		if d < l {
			return i
		}
	}
	return len(bandLimit)
}

// distanceBand returns the band of distanceKm(lat, lon, x.lat, x.lon)
// when bounds on the cosine of the mean latitude (which lies between the
// two latitudes) settle it, without a cosine or a square root; -1 when the
// distance is too close to a limit to tell. cosLat is the cosine of lat.
func distanceBand(lat, lon, cosLat float64, x *anchor) int {
	const r, rad = 6371.0, math.Pi / 180
	const slack = 1e-9 // far above the rounding of either computation
	y := (x.lat - lat) * rad
	dx := (x.lon - lon) * rad
	cmin, cmax := min(cosLat, x.cos), max(cosLat, x.cos)
	if lat < 0 != (x.lat < 0) {
		cmax = 1 // the mean latitude may be the equator
	}
	lo := r * r * (dx*dx*cmin*cmin + y*y) * (1 - slack)
	hi := r * r * (dx*dx*cmax*cmax + y*y) * (1 + slack)
	b := 0
	for b < len(bandLimit) && lo >= bandLimit[b]*bandLimit[b] {
		b++
	}
	if b < len(bandLimit) && hi >= bandLimit[b]*bandLimit[b] {
		return -1
	}
	return b
}

// distanceKm approximates the distance between two nearby points
// (equirectangular projection: within 1% under 300 km).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r, rad = 6371.0, math.Pi / 180
	x := (lon2 - lon1) * rad * math.Cos((lat1+lat2)/2*rad)
	y := (lat2 - lat1) * rad
	return r * math.Hypot(x, y)
}

// appendWhy explains a choice in words: how many candidates, then the
// strongest reasons (the kind of place when none is strong).
func appendWhy(b []byte, s *scored, n int) []byte {
	if n == 1 {
		b = append(b, "only candidate"...)
	} else {
		b = append(b, "best of "...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " candidates"...)
	}
	var buf [len(s.reasons)]reason
	rs := buf[:0]
	for _, r := range s.reasons[:s.n] {
		if r.arg != "" && strings.HasPrefix(r.format, "%s") {
			r.arg = countryName(r.arg) // country reasons carry the ISO2 code
		}
		dup := false
		for _, o := range rs {
			dup = dup || o.format == r.format && o.arg == r.arg
		}
		if !dup {
			rs = append(rs, r)
		}
	}
	// Strongest first; equal weights keep their order.
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].w > rs[j-1].w; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
	for i := range rs {
		if i == 3 {
			break
		}
		if i == 0 {
			b = append(b, ": "...)
		} else {
			b = append(b, "; "...)
		}
		b = rs[i].appendText(b)
	}
	if len(rs) == 0 || rs[0].w < 1 {
		if len(rs) == 0 {
			b = append(b, ": "...)
		} else {
			b = append(b, "; "...)
		}
		b = appendDescription(b, s.e)
	}
	return b
}

// appendDescription appends the kind of place an entry is, and its
// population when known.
func appendDescription(b []byte, e *Entry) []byte {
	if kind := kindOf(e.Code); kind != "" {
		b = append(b, kind...)
	} else {
		b = append(b, "populated place ("...)
		b = append(b, e.Code...)
		b = append(b, ')')
	}
	if e.Population > 0 {
		b = append(b, ", population "...)
		b = strconv.AppendInt(b, e.Population, 10)
	}
	return b
}

// kindOf names the kinds of place that have a name of their own.
func kindOf(code string) string {
	switch code {
	case "PCLI":
		return "country"
	case "PPLC":
		return "capital"
	case "CONT":
		return "continent"
	case "RGN":
		return "region"
	case "SEA":
		return "sea"
	case "OCN":
		return "ocean"
	case "ADM1":
		return "region (ADM1)"
	case "ADM2":
		return "district (ADM2)"
	case "PPLA":
		return "regional capital (PPLA)"
	case "PPLA2":
		return "district seat (PPLA2)"
	case "PPLA3":
		return "commune seat (PPLA3)"
	}
	return ""
}

// spellings lists French/English transcription pairs of Sahel place names
// ("Diabaly"/"Diabali", "Djenné"/"Jenne").
var spellings = [][2]string{
	{"y", "i"}, {"i", "y"}, {"dj", "j"}, {"j", "dj"}, {"ou", "u"}, {"u", "ou"},
	{"ss", "s"}, {"s", "ss"}, {"tch", "ch"}, {"ch", "tch"}, {"k", "c"}, {"c", "k"},
}

// variants returns spellings of a folded name that differ by one common
// transcription change in its last word's ending or anywhere once, for
// names the caller marked as places but the gazetteer spells otherwise.
func variants(key string) []string {
	var out []string
	for _, sp := range spellings {
		for i := 0; ; {
			k := strings.Index(key[i:], sp[0])
			if k < 0 {
				break
			}
			k += i
			out = append(out, key[:k]+sp[1]+key[k+len(sp[0]):])
			i = k + len(sp[0])
		}
	}
	return out
}
