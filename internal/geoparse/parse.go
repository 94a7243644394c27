package geoparse

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

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
	cue        cueKind // strongest cue around the name
	recog      float64 // how sure we are that these words name a place
	explicit   bool    // a span the caller gave
	demonym    bool    // a nationality word standing for its country
	surface    string  // the words as written
	kid        int     // same number for mentions of the same folded name
	para       int     // paragraph (line) number
}

// Parse finds the place names in text and resolves each one. Start and End
// of the returned places are byte offsets; places come in text order.
// Nationality words ("Malian") are not places; they only inform
// disambiguation (see DemonymCountry).
func (p *Parser) Parse(text string) []model.Place {
	f := tokenize(text)
	ms, demo := p.find(f)
	return p.resolve(f, ms, demo, false)
}

// ResolveSpans resolves exactly the given spans of text (byte offsets) and
// returns one place per span, in the spans' order. A span whose words match
// no gazetteer name, or that lies outside text, comes back with nil
// Latitude/Longitude. The rest of the text still serves as context.
func (p *Parser) ResolveSpans(text string, spans []model.Span) []model.Place {
	f := tokenize(text)
	found, demo := p.find(f)
	var ms []mention
	for _, m := range found {
		overlaps := false
		for _, s := range spans {
			if m.start < s.End && s.Start < m.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			ms = append(ms, m)
		}
	}
	for _, s := range spans {
		ms = append(ms, p.spanMention(f, s))
	}
	return p.resolve(f, ms, demo, true)
}

// spanMention builds the mention for one caller-given span.
func (p *Parser) spanMention(f *folded, s model.Span) mention {
	m := mention{i: -1, j: -1, start: s.Start, end: s.End, explicit: true, recog: 1}
	if s.Start < 0 || s.End > len(f.text) || s.Start >= s.End {
		return m
	}
	m.para = strings.Count(f.text[:s.Start], "\n")
	m.surface = f.text[s.Start:s.End]
	m.key = fold.String(f.text[s.Start:s.End])
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
	for k, t := range f.tok {
		if t.start >= s.Start && t.end <= s.End {
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

// longest returns the last token of the longest gazetteer name that starts
// at token i and ends at or before token limit, or -1.
func (p *Parser) longest(f *folded, i, limit int) int {
	best := -1
	for j := i; j <= limit && j-i < p.g.maxWords; j++ {
		if j > i && f.tok[j].hardBefore {
			break
		}
		name, more := p.g.lookupKey(f.key(i, j))
		if name {
			best = j
		}
		if !more {
			break
		}
	}
	return best
}

// find recognises place names in the text. It also returns the countries
// named by nationality words, for context.
func (p *Parser) find(f *folded) ([]mention, []ref) {
	var ms, doubtful []mention
	var demo []ref
	n := len(f.tok)
	for i := 0; i < n; i++ {
		t := f.tok[i]
		if cc, ok := demonyms[f.key(i, i)]; ok {
			demo = append(demo, ref{k: -1, para: t.para, key: cc})
			continue
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
		m.surface = f.text[m.start:m.end]
		m.cands = p.g.cands(m.key)
		before, after := p.cueBefore(f, i), p.cueAfter(f, j)
		m.cue = max(before, after)
		admin := m.cue == cueRegion || m.cue == cueAdmin2
		switch {
		case len(m.key) < 3:
			continue
		case weakWords[m.key]:
			if !admin {
				continue
			}
		case stopWords[m.key]:
			continue
		}
		// Prominent: some candidate bearing this very name (not as an
		// alternate) is a country, region or sizeable town.
		prominent, regional := false, false
		for _, c := range m.cands {
			if isProminent(c) && isMainName(c, m.key) {
				prominent = true
				regional = regional || focus(c.Country) > 0 || c.Code == "PCLI"
			}
		}
		if minorOnly(m.cands) && m.cue < cuePlace {
			// Only small places far from the Sahel answer to this
			// name: without "in", "near", "à"... it is more likely a
			// word or a person than a village of 600 people.
			continue
		}
		if i > 0 && !t.hardBefore && orgWords[f.key(i-1, i-1)] {
			continue // "Katiba Macina", "Radio Kledu"
		}
		if !regional && m.cue < cueLocal && p.inName(f, i, j) {
			continue // part of a person's or an organisation's name
		}
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
				doubtful = append(doubtful, m)
				i = j
				continue
			}
		}
		m.recog = min(m.recog, 1)
		ms = append(ms, m)
		i = j
	}
	// A sentence-initial small place counts when the text names it again
	// where capitals mean something.
	if len(doubtful) > 0 {
		seen := map[string]bool{}
		for _, m := range ms {
			seen[m.key] = true
		}
		for _, m := range doubtful {
			if seen[m.key] {
				ms = append(ms, m)
			}
		}
		sort.Slice(ms, func(a, b int) bool { return ms[a].start < ms[b].start })
	}
	return ms, demo
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
	for _, e := range p.g.cands(f.key(k, k)) {
		if isProminent(e) && (focus(e.Country) > 0 || e.Code == "PCLI" || e.Population >= 100000) {
			return true
		}
	}
	return false
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

// context is what the whole text says about where it happens.
type context struct {
	countries map[string][]ref   // ISO2 → mentions naming the country, demonyms
	admin1    map[adminKey][]ref // admin1 → mentions naming the region
	admin1Cap map[adminKey][]ref // admin1 → mentions naming its capital
	admin2    map[adminKey][]ref // admin2 → mentions naming the cercle/province
}

// support weighs the context refs give mention m: 1 when one of them is in
// m's paragraph, 0.3 when only elsewhere, 0 when none. Mentions of the same
// name as m do not count (a name cannot vouch for itself).
func support(refs []ref, m *mention) float64 {
	w := 0.0
	for _, r := range refs {
		if r.k >= 0 && r.kid == m.kid {
			continue
		}
		if r.para == m.para {
			return 1
		}
		w = 0.3
	}
	return w
}

func buildContext(ms []mention, demo []ref) *context {
	c := &context{
		countries: map[string][]ref{}, admin1: map[adminKey][]ref{},
		admin1Cap: map[adminKey][]ref{}, admin2: map[adminKey][]ref{},
	}
	for _, d := range demo {
		c.countries[d.key] = append(c.countries[d.key], d)
	}
	for k, m := range ms {
		r := ref{k: k, para: m.para, key: m.key, kid: m.kid}
		for _, e := range m.cands {
			switch {
			case e.Code == "PCLI":
				c.countries[e.Country] = append(c.countries[e.Country], r)
			case e.Code == "ADM1" && e.Admin1Code != "":
				c.admin1[a1Key(e)] = append(c.admin1[a1Key(e)], r)
			case e.Code == "PPLA" && e.Admin1Code != "":
				c.admin1Cap[a1Key(e)] = append(c.admin1Cap[a1Key(e)], r)
			case e.Code == "ADM2" && e.Admin2 != "":
				c.admin2[a2Key(e)] = append(c.admin2[a2Key(e)], r)
			}
		}
	}
	return c
}

// adminKey names an administrative unit: country and admin1 code, or
// country, admin1 code and admin2 name.
type adminKey struct{ cc, a1, a2 string }

func a1Key(e *Entry) adminKey { return adminKey{e.Country, e.Admin1Code, ""} }
func a2Key(e *Entry) adminKey { return adminKey{e.Country, e.Admin1Code, e.Admin2} }

// isMainName reports whether folded key k is e's own name (not an
// alternate one).
func isMainName(e *Entry, k string) bool {
	return k != "" && (fold.Equal(e.Name, k) || e.ASCII != e.Name && fold.Equal(e.ASCII, k))
}

// scored is a candidate with its score and the reasons behind it.
type scored struct {
	e       *Entry
	raw     float64
	reasons []reason // kept only when explain is set
	explain bool
}

// reason is one thing that raised a candidate's score. It is put in words
// only for the winner: format takes arg (a name) and km.
type reason struct {
	w      float64
	format string
	arg    string
	km     float64
}

func (r reason) String() string {
	if strings.Contains(r.format, "%.0f") {
		return fmt.Sprintf(r.format, r.km, r.arg)
	}
	if strings.Contains(r.format, "%s") {
		return fmt.Sprintf(r.format, r.arg)
	}
	return r.format
}

func (s *scored) add(w float64, format, arg string) {
	s.raw += w
	if s.explain {
		s.reasons = append(s.reasons, reason{w: w, format: format, arg: arg})
	}
}

// score rates candidate e of mention k from the text's context.
func score(ms []mention, k int, e *Entry, ctx *context, explain bool) scored {
	m := ms[k]
	s := scored{e: e, raw: codePrior(e.Code), explain: explain}
	if s.raw == 0 {
		s.raw = 0.3
	}
	if e.Population > 0 && e.Class == "P" {
		// Regions' populations say nothing about how often a bare name
		// means the region rather than its capital.
		s.raw += min(1.2, 0.2*math.Log10(float64(e.Population)))
		if e.Population >= 1_000_000 && isMainName(e, m.key) {
			s.raw += 0.8 // a city everyone knows: "New York" is the city before the state
		}
	}
	if m.key != "" && !isMainName(e, m.key) && e.Class == "P" && focus(e.Country) == 0 {
		// A foreign city's name in another language ("Kita" for Quito)
		// is a weaker claim than a Sahel town's own name.
		s.raw -= 0.5
	}
	if m.key != "" && isMainName(e, m.key) {
		s.raw += 0.8 // the main name, not an alternate one
		if m.surface == e.Name && e.Name != e.ASCII {
			s.add(0.3, "spelled exactly as the gazetteer spells it", "")
		}
	}
	if e.Code != "PCLI" {
		if w := support(ctx.countries[e.Country], &m); w > 0 {
			s.add(w, "%s named in the text", e.Country)
		} else if focus(e.Country) > 0 {
			s.add(focus(e.Country), "%s preferred for Sahel reports", e.Country)
		}
	}
	if e.Code != "ADM1" && e.Code != "PCLI" && e.Admin1Code != "" {
		if w := support(ctx.admin1[a1Key(e)], &m); w > 0 {
			s.add(1.2*w, "in %s, named in the text", e.Admin1)
		} else if w := support(ctx.admin1Cap[a1Key(e)], &m); w > 0 {
			s.add(0.6*w, "in %s region, whose capital is named in the text", e.Admin1)
		}
	}
	if e.Code != "ADM2" && e.Admin2 != "" {
		if w := support(ctx.admin2[a2Key(e)], &m); w > 0 {
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
	return s
}

// resolve scores every mention's candidates (twice: the second pass adds
// closeness to the places chosen in the first) and builds the places.
func (p *Parser) resolve(f *folded, ms []mention, demo []ref, onlyExplicit bool) []model.Place {
	kids := make(map[string]int, len(ms))
	for k := range ms {
		id, ok := kids[ms[k].key]
		if !ok {
			id = len(kids)
			kids[ms[k].key] = id
		}
		ms[k].kid = id
	}
	ctx := buildContext(ms, demo)
	first := make([]*Entry, len(ms))
	for k := range ms {
		if best, _ := pick(ms, k, ctx, nil); best != nil {
			first[k] = best.e
		}
	}
	out := make([]model.Place, 0, len(ms))
	for k, m := range ms {
		if onlyExplicit && !m.explicit {
			continue
		}
		pl := model.Place{Start: m.start, End: m.end}
		if m.start >= 0 && m.end <= len(f.text) && m.start < m.end {
			pl.Text = f.text[m.start:m.end]
		}
		best, margin := pick(ms, k, ctx, first)
		if best != nil {
			e := best.e
			lat, lon := e.Lat, e.Lon
			pl.Name, pl.GeonameID = e.Name, e.ID
			pl.Latitude, pl.Longitude = &lat, &lon
			pl.CountryCode, pl.Admin1, pl.Admin2 = e.Country, e.Admin1, e.Admin2
			pl.FeatureClass, pl.FeatureCode, pl.Population = e.Class, e.Code, e.Population
			pl.Score = math.Round(min(1, max(0, m.recog*(0.5+0.5*margin)))*100) / 100
			pl.Why = why(best, len(m.cands))
			if m.demonym {
				pl.Why = "nationality word for " + e.Name + "; " + pl.Why
			}
		}
		out = append(out, pl)
	}
	return out
}

// pick returns mention k's best candidate and its margin over the runner-up
// (best/(best+second), 1 when alone). anchors, when given, are the places
// chosen for the other mentions in a first pass.
func pick(ms []mention, k int, ctx *context, anchors []*Entry) (*scored, float64) {
	m := ms[k]
	if len(m.cands) == 0 {
		return nil, 0
	}
	raw := make([]float64, len(m.cands))
	top := math.Inf(-1)
	for i, e := range m.cands {
		s := score(ms, k, e, ctx, false)
		raw[i] = s.raw
		top = max(top, s.raw)
	}
	if anchors != nil && len(raw) > 1 {
		// Closeness to the other places adds at most 1: only the
		// candidates within 1 of the best can gain from it.
		for i, e := range m.cands {
			if raw[i] > top-1.2 {
				s := scored{e: e, raw: raw[i]}
				near(&s, ms, k, anchors)
				raw[i] = s.raw
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
	best := score(ms, k, m.cands[b], ctx, true)
	if anchors != nil && len(raw) > 1 {
		near(&best, ms, k, anchors)
	}
	switch {
	case len(raw) == 1 || second <= 0:
		return &best, 1
	case best.raw <= 0:
		return &best, 0.5
	}
	return &best, best.raw / (best.raw + second)
}

// near rewards a candidate close to places chosen for other names.
func near(s *scored, ms []mention, k int, anchors []*Entry) {
	if s.e.Class != "P" {
		contains(s, ms, k, anchors)
		return
	}
	best, bestKm, bestName := 0.0, 0.0, ""
	for a, e := range anchors {
		if a == k || e == nil || e.Class != "P" || ms[a].kid == ms[k].kid {
			continue
		}
		if math.Abs(s.e.Lat-e.Lat) > 2.3 || math.Abs(s.e.Lon-e.Lon) > 2.6 {
			continue // surely beyond 250 km in the Sahel's latitudes
		}
		d := distanceKm(s.e.Lat, s.e.Lon, e.Lat, e.Lon)
		var w float64
		switch {
		case d < 30:
			w = 1
		case d < 100:
			w = 0.7
		case d < 250:
			w = 0.3
		}
		if ms[a].para != ms[k].para {
			w *= 0.3
		}
		if e.Code == "PPLC" || e.Code == "PPLA" {
			// Being in a capital's hinterland is weak evidence: the
			// region bonus already speaks for it.
			w /= 2
		}
		if w > best {
			best, bestKm, bestName = w, d, e.Name
		}
	}
	if best > 0 {
		s.add(best, "%.0f km from %s, named in the text", bestName)
		if s.explain {
			s.reasons[len(s.reasons)-1].km = bestKm
		}
	}
}

// contains rewards an area (country, region, district) that holds places
// chosen for other names: "Bamenda ... le Nord-Ouest".
func contains(s *scored, ms []mention, k int, anchors []*Entry) {
	e := s.e
	for a, x := range anchors {
		if a == k || x == nil || x == e || x.Country != e.Country || e.Country == "" || ms[a].kid == ms[k].kid {
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

// distanceKm approximates the distance between two nearby points
// (equirectangular projection: within 1% under 300 km).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r, rad = 6371.0, math.Pi / 180
	x := (lon2 - lon1) * rad * math.Cos((lat1+lat2)/2*rad)
	y := (lat2 - lat1) * rad
	return r * math.Hypot(x, y)
}

// why explains a choice in words: how many candidates, then the strongest
// reasons.
func why(s *scored, n int) string {
	var b strings.Builder
	if n == 1 {
		b.WriteString("only candidate")
	} else {
		fmt.Fprintf(&b, "best of %d candidates", n)
	}
	rs := make([]reason, 0, len(s.reasons))
	for _, r := range s.reasons {
		if r.arg != "" && len(r.format) > 2 && r.format[:2] == "%s" {
			r.arg = CountryName(r.arg) // country reasons carry the ISO2 code
		}
		dup := false
		for _, o := range rs {
			dup = dup || o.format == r.format && o.arg == r.arg
		}
		if !dup {
			rs = append(rs, r)
		}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].w > rs[j].w })
	for i, r := range rs {
		if i == 3 {
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(r.String())
	}
	if len(rs) == 0 || rs[0].w < 1 {
		if len(rs) == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(describe(s.e))
	}
	return b.String()
}

// describe names the kind of place an entry is.
func describe(e *Entry) string {
	kind := kinds[e.Code]
	if kind == "" {
		kind = "populated place (" + e.Code + ")"
	}
	if e.Population > 0 {
		return kind + ", population " + strconv.FormatInt(e.Population, 10)
	}
	return kind
}

var kinds = map[string]string{
	"PCLI": "country", "PPLC": "capital", "CONT": "continent", "RGN": "region", "SEA": "sea", "OCN": "ocean",
	"ADM1": "region (ADM1)", "ADM2": "district (ADM2)", "PPLA": "regional capital (PPLA)",
	"PPLA2": "district seat (PPLA2)", "PPLA3": "commune seat (PPLA3)",
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
