package extract

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/actors"
	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp/counts"
	"github.com/vigil-hr/vigil/internal/nlp/dates"
)

// Actor types, as ACLED names them.
const (
	typeState     = "State forces"
	typeRebel     = "Rebel groups"
	typePolitical = "Political militias"
	typeIdentity  = "Identity militias"
	typeRioters   = "Rioters"
	typeProtester = "Protesters"
	typeCivilians = "Civilians"
	typeExternal  = "External/Other forces"
)

func armedType(t string) bool {
	switch t {
	case typeState, typeRebel, typePolitical, typeIdentity, typeExternal:
		return true
	}
	return false
}

// assemble builds one event from a cluster of sentences, or reports false
// when the cluster is not an event Vigil should code.
func (x *Extractor) assemble(text, lang string, c []*sentence, opt Options, all []*sentence) (model.Event, bool) {
	var ev model.Event
	var evid []model.Evidence
	add := func(field string, sp model.Span) {
		if sp.End > sp.Start {
			evid = append(evid, model.Evidence{Field: field, Start: sp.Start, End: sp.End, Text: text[sp.Start:sp.End]})
		}
	}

	// Location first: the country decides how generic actors resolve.
	loc, locSpan := x.location(c, all)
	country := ""
	if loc != nil {
		ev.Location = loc
		country = loc.ISO3
		add("location", locSpan)
	}
	year := time.Now().Year()
	if !opt.Published.IsZero() {
		year = opt.Published.Year()
	}
	if country == "" {
		country = x.countryFromText(text)
	}

	// Actors.
	var mentions []actors.Mention
	for _, s := range c {
		for _, m := range s.actors {
			mentions = append(mentions, x.actors.Resolve(m, country, year))
		}
	}
	if country == "" {
		for _, m := range mentions {
			if m.Country != "" && armedType(m.Type) && m.Type == typeState {
				country = m.Country
				break
			}
		}
	}

	// Harms.
	var f classify.Features
	harms := map[counts.Kind]*counts.Harm{}
	for _, s := range c {
		for i := range s.harms {
			h := &s.harms[i]
			if prev, ok := harms[h.Kind]; ok && (!prev.Negated || h.Negated) {
				continue
			}
			harms[h.Kind] = h
		}
	}
	positive := func(k counts.Kind) bool {
		h := harms[k]
		return h != nil && !h.Negated && (h.Quantity.Best == nil || *h.Quantity.Best > 0)
	}
	f.Killed, f.Injured = positive(counts.KindKilled), positive(counts.KindInjured)
	f.Abducted, f.Displaced, f.Structures = positive(counts.KindAbducted), positive(counts.KindDisplaced), positive(counts.KindStructures)
	f.NoCasualties = harms[counts.KindKilled] != nil && harms[counts.KindKilled].Negated

	// Actor features.
	seen := map[string]bool{}
	for _, m := range mentions {
		switch {
		case m.Type == typeState:
			f.StateForces = true
		case m.Type == typeExternal:
			f.External = true
		case m.Type == typeRebel || m.Type == typePolitical || m.Type == typeIdentity:
			f.NonState = true
		case m.Type == typeCivilians:
			f.Civilians = true
		case m.Type == typeProtester:
			f.Protesters = true
		case m.Type == typeRioters:
			f.Rioters = true
		}
		if armedType(m.Type) && !seen[m.Name] {
			seen[m.Name] = true
			f.ArmedActors++
		}
	}
	if f.StateForces && f.NonState {
		f.ArmedOnArmed = true
	}
	if (f.Killed || f.Injured || f.Displaced || f.Abducted) && !f.ArmedOnArmed {
		f.Civilians = f.Civilians || victimsAreCivilians(text, harms)
	}
	for _, s := range c {
		f.Hits = append(f.Hits, s.hits...)
	}
	d := classify.Decide(f)
	if d.Abstain {
		return ev, false
	}
	// Political violence and strategic developments need an organised actor;
	// demonstrations need a crowd. A flood or a football match has neither.
	armed := f.StateForces || f.NonState || f.External
	demo := d.Label.Event == "Protests" || d.Label.Event == "Riots"
	if !armed && !demo {
		return ev, false
	}
	ev.DisorderType, ev.EventType, ev.SubEventType = d.Label.Disorder, d.Label.Event, d.Label.Sub
	ev.Why = d.Why
	for i, h := range d.Triggers {
		if i == 3 {
			break
		}
		add("sub_event_type", h.Span)
	}

	// Date: the first date in the cluster's strongest sentences.
	if dm, ok := firstDate(c); ok {
		ev.EventDate = dm.Date.Format(time.DateOnly)
		ev.DatePrecision = dm.Precision
		ev.DateYearInferred = dm.YearInferred
		add("event_date", dm.Span)
	} else if !opt.Published.IsZero() {
		ev.EventDate = opt.Published.Format(time.DateOnly)
		ev.DatePrecision = model.PrecisionWeek
		ev.Why = append(ev.Why, "no date in the text: publication date, week precision")
	}

	ev.Actors = roles(mentions, d.Label, country, x.actors, add)

	// Counts.
	count := func(k counts.Kind) *model.Count {
		h := harms[k]
		if h == nil {
			return nil
		}
		cnt := &model.Count{Text: h.Quantity.Text, Span: h.Span}
		if h.Negated {
			z := 0
			cnt.Best, cnt.Low, cnt.High = &z, &z, &z
		} else {
			cnt.Best, cnt.Low, cnt.High = h.Quantity.Best, h.Quantity.Low, h.Quantity.High
		}
		if cnt.Text == "" {
			cnt.Text = text[h.Span.Start:h.Span.End]
		}
		add(string(k), h.Span)
		return cnt
	}
	ev.Fatalities = count(counts.KindKilled)
	if ev.Fatalities == nil {
		// ACLED records fatalities as a number: none reported is 0.
		z := 0
		ev.Fatalities = &model.Count{Best: &z, Low: &z, High: &z}
	}
	ev.Injured = count(counts.KindInjured)
	ev.Abducted = count(counts.KindAbducted)
	ev.Displaced = count(counts.KindDisplaced)
	ev.StructuresDestroyed = count(counts.KindStructures)

	// Certainty and sources.
	ev.Certainty = model.CertaintyReported
	for _, s := range c {
		if cs := claimCues(text, s.span); len(cs) > 0 {
			ev.Certainty = model.CertaintyAlleged
			add("certainty", cs[0].span)
			break
		}
	}
	if ev.Certainty == model.CertaintyReported {
		for _, s := range c {
			if cs := findCues(confirmedRe, text, s.span); len(cs) > 0 {
				ev.Certainty = model.CertaintyConfirmed
				add("certainty", cs[0].span)
				break
			}
		}
	}
	ev.Sources = []model.Source{}
	srcSeen := map[string]bool{}
	for _, s := range all {
		if s.background {
			continue
		}
		for _, h := range findSources(text, s.span) {
			if !srcSeen[h.Name] {
				srcSeen[h.Name] = true
				ev.Sources = append(ev.Sources, h.Source)
				add("sources", h.span)
			}
		}
	}

	// Confidence: the classifier's, discounted for what could not be found.
	conf := d.Confidence
	if ev.Location == nil {
		conf *= 0.8
	}
	if ev.EventDate == "" || len(evidenceOf(evid, "event_date")) == 0 {
		conf *= 0.85
	}
	if len(ev.Actors) == 0 {
		conf *= 0.8
	}
	ev.Confidence = math.Round(conf*100) / 100
	sort.SliceStable(evid, func(i, j int) bool { return evid[i].Start < evid[j].Start })
	ev.Evidence = evid
	return ev, true
}

func evidenceOf(ev []model.Evidence, field string) []model.Evidence {
	var out []model.Evidence
	for _, e := range ev {
		if e.Field == field {
			out = append(out, e)
		}
	}
	return out
}

// claimCues finds attribution and hedging cues, leaving out perpetrators'
// claims of responsibility (those make an event reported, not alleged).
func claimCues(text string, sp model.Span) []cue {
	var out []cue
	for _, c := range findCues(allegedRe, text, sp) {
		rest := strings.ToLower(text[c.span.End:min(len(text), c.span.End+20)])
		if strings.HasPrefix(strings.TrimSpace(rest), "responsibility") || strings.HasPrefix(strings.TrimSpace(rest), "la responsabilit") {
			continue
		}
		out = append(out, c)
	}
	return out
}

var civilianNounRe = words(`civilians?`, `villagers`, `residents`, `people`, `persons`, `women`, `children`, `farmers`,
	`herders`, `worshippers`, `passengers`, `families`, `inhabitants`, `civils?`, `villageois`, `habitants`, `personnes`,
	`femmes`, `enfants`, `cultivateurs`, `éleveurs`, `fidèles`, `passagers`, `familles`, `populations?`, `déplacés`)

var combatantNounRe = words(`soldiers?`, `troops`, `militants?`, `fighters`, `jihadists?`, `terrorists?`, `insurgents`,
	`gunmen`, `assailants`, `militaires`, `soldats`, `combattants`, `djihadistes`, `terroristes`, `assaillants`)

// victimsAreCivilians reports whether a harm's own words name civilians (and
// not combatants) as those harmed.
func victimsAreCivilians(text string, harms map[counts.Kind]*counts.Harm) bool {
	for _, h := range harms {
		if h.Negated {
			continue
		}
		sp := h.Span
		if civilianNounRe.MatchString(text[sp.Start:sp.End]) && !combatantNounRe.MatchString(text[sp.Start:sp.End]) {
			return true
		}
	}
	return false
}

// firstDate picks the event date: the first date mentioned in the cluster's
// sentences with triggers, else the first at all.
func firstDate(c []*sentence) (dm dates.Mention, ok bool) {
	for pass := 0; pass < 2; pass++ {
		for _, s := range c {
			if pass == 0 && s.score < 2 {
				continue
			}
			if len(s.dates) > 0 {
				return s.dates[0], true
			}
		}
	}
	return dm, false
}

// location picks where the event happened: the first populated place in the
// cluster's sentences, else the first place in the text outside background
// sentences; admin units count with lower precision.
func (x *Extractor) location(c []*sentence, all []*sentence) (*model.Location, model.Span) {
	pick := func(ss []*sentence) (*model.Place, bool) {
		var fallback *model.Place
		for _, s := range ss {
			if s.background {
				continue
			}
			for i := range s.places {
				p := &s.places[i]
				if p.Latitude == nil {
					continue
				}
				if p.FeatureClass == "P" {
					return p, true
				}
				if fallback == nil && p.FeatureCode != "PCLI" && p.FeatureCode != "CONT" {
					fallback = p
				}
			}
		}
		return fallback, fallback != nil
	}
	p, ok := pick(c)
	if !ok || p.FeatureClass != "P" {
		if q, ok2 := pick(all); ok2 && (!ok || q.FeatureClass == "P") {
			p, ok = q, true
		}
	}
	if !ok {
		return nil, model.Span{}
	}
	loc := &model.Location{
		Name: p.Name, GeonameID: p.GeonameID, Latitude: *p.Latitude, Longitude: *p.Longitude,
		Country: geoparse.CountryName(p.CountryCode), ISO3: geoparse.CountryISO3(p.CountryCode),
		Admin1: p.Admin1, Admin2: p.Admin2, GeoPrecision: model.GeoTown,
	}
	switch {
	case p.FeatureClass == "P":
		loc.GeoPrecision = model.GeoTown
	case p.FeatureCode == "ADM1":
		loc.GeoPrecision = model.GeoRegion
	default:
		loc.GeoPrecision = model.GeoNear
	}
	return loc, model.Span{Start: p.Start, End: p.End}
}

// countryFromText guesses the country from demonyms when no place resolved.
func (x *Extractor) countryFromText(text string) string {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127) }) {
		if iso2, ok := geoparse.DemonymCountry(w); ok {
			return geoparse.CountryISO3(iso2)
		}
	}
	return ""
}

// roles assigns ACLED roles: actor1 the side that acts (the first armed
// actor, a state force first when both sides are named in a battle is not
// assumed: order of mention decides), assoc_actor1 an armed ally named with
// it, actor2 the target: civilians for violence against them, the other
// armed side in battles, the police for a protest they broke up.
func roles(ms []actors.Mention, l classify.Label, country string, dict *actors.Dictionary, add func(string, model.Span)) []model.Actor {
	type agg struct {
		m     actors.Mention
		spans []model.Span
		texts []string
	}
	var order []*agg
	by := map[string]*agg{}
	for _, m := range ms {
		key := m.Name
		if key == "" {
			continue
		}
		a := by[key]
		if a == nil {
			a = &agg{m: m}
			by[key] = a
			order = append(order, a)
		}
		a.spans = append(a.spans, m.Span)
		if !contains(a.texts, m.Text) {
			a.texts = append(a.texts, m.Text)
		}
	}
	var out []model.Actor
	put := func(role string, a *agg) {
		out = append(out, model.Actor{Role: role, Name: a.m.Name, Type: a.m.Type, Country: a.m.Country, Mentions: a.texts, ID: a.m.ActorID})
		for _, sp := range a.spans {
			add(role, sp)
		}
	}
	var armed []*agg
	for _, a := range order {
		if armedType(a.m.Type) {
			armed = append(armed, a)
		}
	}
	synthetic := func(name, typ string) {
		out = append(out, model.Actor{Role: "actor2", Name: name, Type: typ, Country: country})
	}
	switch l.Event {
	case "Protests", "Riots":
		crowd := typeProtester
		if l.Event == "Riots" {
			crowd = typeRioters
		}
		var got bool
		for _, a := range order {
			if a.m.Type == crowd || (a.m.Type == typeProtester || a.m.Type == typeRioters) {
				put("actor1", a)
				got = true
				break
			}
		}
		if !got && country != "" {
			name := crowd + " (" + countryShort(dict, country) + ")"
			out = append(out, model.Actor{Role: "actor1", Name: name, Type: crowd, Country: country})
		}
		if len(armed) > 0 && (l.Sub == classify.ProtestIntervention || l.Sub == classify.ExcessiveForce || l.Sub == classify.MobViolence) {
			put("actor2", armed[0])
		}
		return out
	}
	if len(armed) == 0 {
		return out
	}
	a1 := armed[0]
	// In battles the state force is conventionally actor1 when named.
	if l.Event == "Battles" {
		for _, a := range armed {
			if a.m.Type == typeState {
				a1 = a
				break
			}
		}
	}
	put("actor1", a1)
	var other *agg
	for _, a := range armed {
		if a == a1 {
			continue
		}
		if l.Event == "Battles" && sideOf(a.m.Type) != sideOf(a1.m.Type) {
			if other == nil {
				other = a
			}
			continue
		}
		if sideOf(a.m.Type) == sideOf(a1.m.Type) || a.m.Type == typeExternal {
			if !hasRole(out, "assoc_actor1") {
				put("assoc_actor1", a)
			}
		}
	}
	switch {
	case other != nil:
		put("actor2", other)
	case l.Event == "Violence against civilians" || l.Sub == classify.Looting || l.Sub == classify.Arrests || l.Event == "Explosions/Remote violence":
		for _, a := range order {
			if a.m.Type == typeCivilians {
				put("actor2", a)
				return out
			}
		}
		if civ, ok := dict.Civilians(country); ok {
			synthetic(civ.Name, civ.Type)
		}
	}
	return out
}

// sideOf groups actor types into the sides of a conflict: the state and
// its foreign backers against non-state armed groups.
func sideOf(t string) int {
	switch t {
	case typeState, typeExternal:
		return 0
	case typeRebel, typePolitical, typeIdentity:
		return 1
	}
	return 2
}

func countryShort(dict *actors.Dictionary, iso3 string) string {
	if civ, ok := dict.Civilians(iso3); ok {
		if i := strings.Index(civ.Name, "("); i >= 0 {
			return strings.TrimSuffix(civ.Name[i+1:], ")")
		}
	}
	return iso3
}

func hasRole(as []model.Actor, role string) bool {
	for _, a := range as {
		if a.Role == role {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
