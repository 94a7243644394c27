package extract

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/actors"
	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp/counts"
	"github.com/vigil-hr/vigil/internal/nlp/dates"
	"github.com/vigil-hr/vigil/internal/nlp/phrase"
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

	// Date and location first: the country decides how generic actors
	// resolve, and the sentence that dates the incident usually places it.
	dm, dated := firstDate(c, opt.Published)
	dateSent := -1
	if dated {
		for _, s := range c {
			if s.span.Start <= dm.Span.Start && dm.Span.End <= s.span.End {
				dateSent = s.index
			}
		}
	}
	loc, locSpan := x.location(text, c, all, dateSent)
	country, countryName := "", ""
	if loc != nil {
		ev.Location = loc
		country, countryName = loc.ISO3, loc.Country
		add("location", locSpan)
	}
	year := time.Now().Year()
	if !opt.Published.IsZero() {
		year = opt.Published.Year()
	}
	if country == "" {
		country, countryName = x.countryFromText(text)
	}

	// Actors.
	var mentions []actors.Mention
	var clashSentence bool // one sentence names both sides and a clash
	for _, s := range c {
		var state, nonState bool
		for _, m := range s.actors {
			if m.Generic && objectOfSuspicion(text, m.Span) {
				continue // "suspected of supporting terrorists" names no participant
			}
			r := x.concretize(x.actors.Resolve(m, country, year), country, countryName)
			mentions = append(mentions, r)
			state = state || r.Type == typeState || r.Type == typeExternal
			nonState = nonState || r.Type == typeRebel || r.Type == typePolitical || r.Type == typeIdentity
		}
		if state && nonState && slices.ContainsFunc(s.hits, func(h classify.Hit) bool { return h.Sub == classify.ArmedClash }) {
			clashSentence = true
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
	harms := map[counts.Kind]*harmAt{}
	for _, s := range c {
		for i := range s.harms {
			h := &s.harms[i]
			if prev, ok := harms[h.Kind]; ok && (!prev.Negated || h.Negated) {
				continue
			}
			harms[h.Kind] = &harmAt{h, s}
		}
	}
	positive := func(k counts.Kind) bool {
		h := harms[k]
		return h != nil && !h.Negated && (h.Quantity.Best == nil || *h.Quantity.Best > 0)
	}
	f.Killed, f.Injured = positive(counts.KindKilled), positive(counts.KindInjured)
	f.CombatantVictims = victimsAreCombatants(harms)
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
	f.ArmedOnArmed = clashSentence
	if (f.Killed || f.Injured || f.Displaced || f.Abducted) && !f.ArmedOnArmed {
		f.Civilians = f.Civilians || victimsAreCivilians(harms)
	}
	for _, s := range c {
		f.Hits = append(f.Hits, s.hits...)
	}
	if x.model != nil {
		p := x.model.PredictDoc(phrase.Prepare(clusterText(text, c)), x.lex)
		f.Model, f.ModelWeight = &p, x.weight
	}
	d := classify.Decide(f)
	if d.Abstain {
		return ev, false
	}
	// Political violence and strategic developments need an organised actor;
	// demonstrations need a crowd. A flood or a football match has neither.
	armed := f.StateForces || f.NonState || f.External
	demo := d.Label.Event == "Protests" || d.Label.Event == "Riots"
	// The model may stand in for an actor the dictionary does not know
	// (groups worldwide), when it agrees with the decision and is fairly
	// sure; the threshold was chosen on the corpus's dev split.
	modelSure := f.Model != nil && f.Model.Label == d.Label.Sub && f.Model.Prob >= modelGateProb
	if !armed && !demo && !modelSure {
		return ev, false
	}
	// An event no trigger word supports rests on the model alone: it must
	// agree with the decision and be as sure as the gate asks.
	if classify.LexBest(f.Hits) == 0 && !modelSure {
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
	if dated {
		ev.EventDate = eventDay(dm).Format(time.DateOnly)
		ev.DatePrecision = dm.Precision
		ev.DateYearInferred = dm.YearInferred && opt.Published.IsZero()
		add("event_date", dm.Span)
	} else if !opt.Published.IsZero() {
		ev.EventDate = opt.Published.Format(time.DateOnly)
		ev.DatePrecision = model.PrecisionWeek
		ev.Why = append(ev.Why, "no date in the text: publication date, week precision")
	}

	ev.Actors = roles(mentions, d.Label, country, countryName, x, add)

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

	// Certainty: a denial, an attribution of blame or an explicit "alleged"
	// makes it alleged; otherwise an authority's confirmation makes it
	// confirmed; otherwise resting on claims makes it alleged; otherwise the
	// source reports it as fact.
	ev.Certainty = model.CertaintyReported
	if sp, ok := firstCue(c, func(s *sentence) []cue { return claimCues(text, s, cueAlleged) }); ok {
		ev.Certainty = model.CertaintyAlleged
		add("certainty", sp)
	} else if sp, ok := firstCue(c, func(s *sentence) []cue { return cuesOf(text, s, cueConfirmed) }); ok {
		ev.Certainty = model.CertaintyConfirmed
		add("certainty", sp)
	} else if sp, ok := firstCue(c, func(s *sentence) []cue { return claimCues(text, s, cueClaimed) }); ok {
		ev.Certainty = model.CertaintyAlleged
		add("certainty", sp)
	}
	ev.Sources = []model.Source{}
	srcSeen := map[string]bool{}
	for _, s := range all {
		if s.background {
			continue
		}
		for _, h := range s.cues {
			name, ok := strings.CutPrefix(h.Key, sourcePrefix)
			if !ok || srcSeen[name] || saidNothing(text, h.Span) {
				continue
			}
			srcSeen[name] = true
			ev.Sources = append(ev.Sources, model.Source{Name: name, Kind: sourceKind(name)})
			add("sources", h.Span)
		}
	}

	// Confidence: the decision's, tempered by how much the model agrees,
	// and discounted for what could not be found.
	conf := d.Confidence
	if f.Model != nil {
		conf = (conf + f.Model.Probs[d.Label.Sub]) / 2
	}
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

// clusterText joins a cluster's sentences, the text the model reads.
func clusterText(text string, c []*sentence) string {
	var b strings.Builder
	for _, s := range c {
		b.WriteString(text[s.span.Start:s.span.End])
		b.WriteByte(' ')
	}
	return b.String()
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
func claimCues(text string, s *sentence, key string) []cue {
	var out []cue
	for _, c := range cuesOf(text, s, key) {
		rest := strings.TrimSpace(strings.ToLower(text[c.span.End:min(len(text), c.span.End+24)]))
		if strings.HasPrefix(rest, "responsibility") || strings.HasPrefix(rest, "la responsabilit") ||
			strings.HasPrefix(rest, "the attack") || strings.HasPrefix(rest, "l'attaque") {
			continue
		}
		out = append(out, c)
	}
	return out
}

func firstCue(c []*sentence, find func(*sentence) []cue) (model.Span, bool) {
	for _, s := range c {
		if cs := find(s); len(cs) > 0 {
			return cs[0].span, true
		}
	}
	return model.Span{}, false
}

// silence follows a source that said nothing: "the army did not comment",
// "l'état-major n'a publié aucun communiqué".
var silence = phrase.MustCompile(phrase.Words("silence",
	"did not comment", "has not commented", "have not commented", "declined to comment", "yet to comment",
	"did not respond", "has not responded", "could not be reached", "refused to comment", "no comment",
	"n a pas reagi", "n ont pas reagi", "n a publie aucun", "n ont publie aucun", "n a fait aucun", "aucun commentaire",
	"n a pas repondu", "n ont pas repondu", "pas encore reagi", "n a pas souhaite", "n etait pas joignable"))

// saidNothing reports whether a source's mention is followed, in its own
// clause, by the words that it said nothing.
func saidNothing(text string, sp model.Span) bool {
	end := min(len(text), sp.End+60)
	for end < len(text) && end > sp.End && text[end]&0xC0 == 0x80 {
		end++
	}
	after := text[sp.End:end]
	if i := strings.IndexAny(after, ".;\n"); i >= 0 {
		after = after[:i]
	}
	return len(silence.FindString(after)) > 0
}

// nounsIn reports whether the sentence has a cue of kind key inside sp.
func nounsIn(s *sentence, key string, sp model.Span) bool {
	for _, h := range s.cues {
		if h.Key == key && sp.Start <= h.Span.Start && h.Span.End <= sp.End {
			return true
		}
	}
	return false
}

// victimsAreCombatants reports whether every harm to people names
// combatants (soldiers, fighters) as those harmed.
func victimsAreCombatants(harms map[counts.Kind]*harmAt) bool {
	found := false
	for _, k := range []counts.Kind{counts.KindKilled, counts.KindInjured} {
		h := harms[k]
		if h == nil || h.Negated {
			continue
		}
		if !nounsIn(h.s, cueCombatant, h.Span) || nounsIn(h.s, cueCivilian, h.Span) {
			return false
		}
		found = true
	}
	return found
}

// victimsAreCivilians reports whether a harm's own words name civilians (and
// not combatants) as those harmed.
func victimsAreCivilians(harms map[counts.Kind]*harmAt) bool {
	for _, h := range harms {
		if !h.Negated && nounsIn(h.s, cueCivilian, h.Span) && !nounsIn(h.s, cueCombatant, h.Span) {
			return true
		}
	}
	return false
}

// harmAt is a harm with the sentence it was found in.
type harmAt struct {
	*counts.Harm
	s *sentence
}

// firstDate picks the event date: the first date of the sentence with the
// strongest triggers (the lexicon's, so the text decides), else the first
// date in the cluster.
func firstDate(c []*sentence, published time.Time) (dm dates.Mention, ok bool) {
	best := -1.0
	for _, s := range c {
		for _, d := range s.dates {
			if isDateline(d, s, published) {
				continue
			}
			if s.lexScore > best { // the text's own triggers, not the model's guess
				dm, ok, best = d, true, s.lexScore
			}
			break
		}
	}
	return dm, ok
}

// eventDay is the day an event is coded on. When the text gives only a
// week or a span of days ("last week", "du 10 au 12 mars"), Vigil codes the
// middle day, so the date is never more than half the span wrong; the
// precision says how much is known.
func eventDay(dm dates.Mention) time.Time {
	if dm.Precision == model.PrecisionWeek && dm.End.After(dm.Date) {
		return dm.Date.Add(dm.End.Sub(dm.Date) / 2).Truncate(24 * time.Hour)
	}
	return dm.Date
}

// isDateline reports whether a date mention is the report's own dateline or
// byline date ("Par A. Diallo – 16 mars 2025") rather than the event's.
func isDateline(d dates.Mention, s *sentence, published time.Time) bool {
	return s.index <= 3 && !published.IsZero() && d.Date.Equal(published) && !d.Relative && yearRe.MatchString(d.Text)
}

// location picks where the event happened. Each place in the cluster's
// sentences is scored: the sentence that dates the incident and strong
// triggers count for it, a locative cue before it ("in", "à l'ouest de")
// counts for it, a route or direction cue ("entre", "towards") against it;
// towns beat regions and countries are never chosen. Without a place in the
// cluster, the first town elsewhere in the report's non-background text is
// taken.
func (x *Extractor) location(text string, c, all []*sentence, dateSent int) (*model.Location, model.Span) {
	var best *model.Place
	bestScore := math.Inf(-1)
	consider := func(s *sentence, p *model.Place, bonus float64) {
		// Countries, continents, regions like "the Sahel", seas and rivers
		// are not where an incident is coded.
		if p.Latitude == nil || p.FeatureClass == "" || p.FeatureCode == "PCLI" || p.FeatureCode == "CONT" ||
			p.FeatureClass == "L" || p.FeatureClass == "H" {
			return
		}
		sc := bonus + math.Min(s.score, 6)/3
		if s.index == dateSent {
			sc += 3
		}
		before := text[max(0, p.Start-40):p.Start]
		switch {
		case locativeRe.MatchString(before):
			sc += 2
		case routeRe.MatchString(before):
			sc -= 3
		}
		if p.FeatureClass == "P" {
			sc += 3 // a town or village is what ACLED codes
		}
		if sc > bestScore {
			best, bestScore = p, sc
		}
	}
	for _, s := range c {
		if s.background {
			continue
		}
		for i := range s.places {
			consider(s, &s.places[i], 0)
		}
	}
	if best == nil {
		for _, s := range all {
			if s.background {
				continue
			}
			for i := range s.places {
				consider(s, &s.places[i], 0)
			}
		}
	}
	if best == nil {
		return nil, model.Span{}
	}
	p := best
	loc := &model.Location{
		Name: p.Name, GeonameID: p.GeonameID, Latitude: *p.Latitude, Longitude: *p.Longitude,
		Country: geoparse.CountryName(p.CountryCode), ISO3: geoparse.CountryISO3(p.CountryCode),
		Admin1: p.Admin1, Admin2: p.Admin2, GeoPrecision: model.GeoTown,
	}
	span := model.Span{Start: p.Start, End: p.End}
	switch {
	case p.FeatureCode == "ADM1":
		loc.GeoPrecision = model.GeoRegion
	case p.FeatureClass != "P":
		loc.GeoPrecision = model.GeoNear
	case nearRe.MatchString(text[max(0, p.Start-60):p.Start]):
		loc.GeoPrecision = model.GeoNear
	}
	// "30 km north of Gao", "à 15 km au sud de Djibo": the offset point,
	// near the named place; the anchor keeps its name.
	if r, ok := geoparse.RelativeTo(text, *p); ok {
		loc.Latitude, loc.Longitude = math.Round(r.Lat*1e5)/1e5, math.Round(r.Lon*1e5)/1e5
		loc.GeoPrecision = max(loc.GeoPrecision, r.Precision)
		span.Start = r.Start
	}
	return loc, span
}

// countryFromText guesses the country (ISO3 and name) from demonyms when
// no place resolved.
func (x *Extractor) countryFromText(text string) (iso3, name string) {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127) }) {
		if iso2, ok := geoparse.DemonymCountry(w); ok {
			return geoparse.CountryISO3(iso2), geoparse.CountryName(iso2)
		}
	}
	return "", ""
}

// generic names of actors by role hint, for countries the dictionary has no
// entry for: ACLED's naming is systematic.
var genericNames = map[string]struct{ format, typ string }{
	"military":                 {"Military Forces of %s", typeState},
	"national-guard":           {"Military Forces of %s", typeState},
	"police":                   {"Police Forces of %s", typeState},
	"gendarmerie":              {"Police Forces of %s", typeState},
	"government":               {"Government of %s", typeState},
	"civilians":                {"Civilians (%s)", typeCivilians},
	"protesters":               {"Protesters (%s)", typeProtester},
	"rioters":                  {"Rioters (%s)", typeRioters},
	"unidentified-armed-group": {"Unidentified Armed Group (%s)", typePolitical},
	"communal-militia":         {"Communal Militia (%s)", typeIdentity},
}

// concretize names a generic mention the dictionary could not resolve
// ("Congolese troops" → Military Forces of Democratic Republic of the Congo).
func (x *Extractor) concretize(m actors.Mention, iso3, name string) actors.Mention {
	if !m.Generic || name == "" {
		return m
	}
	a, ok := x.actors.Get(m.ActorID)
	if !ok {
		return m
	}
	g, ok := genericNames[a.RoleHint]
	if !ok {
		return m
	}
	m.GenericID, m.Generic = m.ActorID, false
	m.ActorID = ""
	m.Name, m.Type, m.Country = fmt.Sprintf(g.format, name), g.typ, iso3
	return m
}

// civilians returns the civilian actor of a country, from the dictionary or
// named after the country.
func (x *Extractor) civilians(iso3, name string) (string, bool) {
	if civ, ok := x.actors.Civilians(iso3); ok {
		return civ.Name, true
	}
	if name != "" {
		return fmt.Sprintf("Civilians (%s)", name), true
	}
	return "", false
}

// roles assigns ACLED roles: actor1 the side that acts (the first armed
// actor, a state force first when both sides are named in a battle is not
// assumed: order of mention decides), assoc_actor1 an armed ally named with
// it, actor2 the target: civilians for violence against them, the other
// armed side in battles, the police for a protest they broke up.
func roles(ms []actors.Mention, l classify.Label, country, countryName string, x *Extractor, add func(string, model.Span)) []model.Actor {
	dict := x.actors
	type agg struct {
		m     actors.Mention
		tier  int
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
		if act, ok := dict.Get(m.ActorID); ok && act.Role == "government" && l.Event != "Strategic developments" {
			continue // a government that "has yet to comment" takes no part in violence
		}
		a := by[key]
		if a == nil {
			a = &agg{m: m, tier: 3}
			by[key] = a
			order = append(order, a)
		}
		a.tier = min(a.tier, mentionTier(m))
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
	// An actor the text names outranks one it only hints at ("their Russian
	// allies"), which outranks one it only describes ("gunmen").
	tier := func(a *agg) int { return a.tier }
	slices.SortStableFunc(armed, func(a, b *agg) int { return tier(a) - tier(b) })
	// A state force leads the foreign forces that back it (ACLED lists the
	// foreign partner as the associated actor).
	if len(armed) > 1 && armed[0].m.Type == typeExternal {
		for i, a := range armed[1:] {
			if a.m.Type == typeState && tier(a) <= 1 {
				armed[0], armed[i+1] = armed[i+1], armed[0]
				break
			}
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
			name := crowd + " (" + countryShort(dict, country, countryName) + ")"
			out = append(out, model.Actor{Role: "actor1", Name: name, Type: crowd, Country: country})
		}
		for _, a := range armed {
			if a.m.Type == typeState && (l.Sub == classify.ProtestIntervention || l.Sub == classify.ExcessiveForce || l.Sub == classify.ViolentDemo) {
				put("actor2", a)
				return out
			}
		}
		if l.Sub == classify.MobViolence {
			for _, a := range order {
				if a.m.Type == typeCivilians {
					put("actor2", a)
					return out
				}
			}
			if name, ok := x.civilians(country, countryName); ok {
				synthetic(name, typeCivilians)
			}
		}
		return out
	}
	// Who acts first depends on the kind of event: the state in battles and
	// air strikes, the non-state side when it takes territory or plants a
	// bomb.
	prefer := -1
	switch l.Sub {
	case classify.NSAOvertakes, classify.RemoteExplosive, classify.SuicideBomb:
		prefer = 1
	case classify.GovRegains, classify.AirStrike, classify.ArmedClash, classify.Arrests:
		prefer = 0
	}
	var a1 *agg
	if prefer >= 0 {
		for _, a := range armed {
			if sideOf(a.m.Type) == prefer {
				a1 = a
				break
			}
		}
	}
	if a1 == nil && prefer == 1 && country != "" && (l.Sub == classify.RemoteExplosive || l.Sub == classify.SuicideBomb) {
		if uag, ok := dict.Unidentified(country); ok {
			a1 = &agg{m: actors.Mention{ActorID: uag.ID, Name: uag.Name, Type: uag.Type, Country: uag.Country}}
		} else if countryName != "" {
			a1 = &agg{m: actors.Mention{Name: fmt.Sprintf("Unidentified Armed Group (%s)", countryName), Type: typePolitical, Country: country}}
		}
		if a1 != nil {
			armed = append([]*agg{a1}, armed...)
		}
	}
	if a1 == nil && len(armed) > 0 {
		a1 = armed[0]
	}
	if a1 == nil {
		return out
	}
	put("actor1", a1)
	var other *agg
	for _, a := range armed {
		if a == a1 {
			continue
		}
		if (l.Event == "Battles" || l.Sub == classify.Agreement || l.Event == "Explosions/Remote violence") && sideOf(a.m.Type) != sideOf(a1.m.Type) {
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
		if name, ok := x.civilians(country, countryName); ok {
			synthetic(name, typeCivilians)
		}
	}
	return out
}

// suspicion holds the phrases that, just before a generic mention, make it
// the object of a suspicion or of a fight ("suspected of harboring terrorist
// groups", "la lutte contre les terroristes") rather than a participant.
var suspicion = phrase.MustCompile(phrase.Words("suspicion",
	"suspected of", "accused of", "accuse us of", "accuse them of", "supporting", "support for",
	"sympathizing with", "sympathising with", "harboring", "harbouring", "collaborating with", "collaboration with",
	"fighting", "fight against", "war on", "war against", "pretext of", "soupconne* de", "soupconne* d",
	"accuse* de", "accuse* d", "complicite avec", "complices des", "complices de", "complices du", "soutien aux",
	"soutien au", "soutien a", "lutte contre", "combattre", "pretexte de", "contre les", "contre le"))

// objectOfSuspicion reports whether a generic mention is the object of a
// suspicion or of a fight rather than a participant: a suspicion phrase ends
// at most three words before it.
func objectOfSuspicion(text string, sp model.Span) bool {
	from := max(0, sp.Start-60)
	for _, h := range suspicion.FindString(text[from:sp.Start]) {
		between := text[from+h.Span.End : sp.Start]
		if len(strings.Fields(between)) <= 3 {
			return true
		}
	}
	return false
}

// mentionTier ranks how firmly a mention names an actor: 0 named, 1 only
// hinted at ("their Russian allies"), 2 only described ("gunmen").
func mentionTier(m actors.Mention) int {
	switch {
	case m.GenericID != "" || m.Generic:
		return 2
	case m.Weak:
		return 1
	}
	return 0
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

func countryShort(dict *actors.Dictionary, iso3, name string) string {
	if civ, ok := dict.Civilians(iso3); ok {
		if i := strings.Index(civ.Name, "("); i >= 0 {
			return strings.TrimSuffix(civ.Name[i+1:], ")")
		}
	}
	if name != "" {
		return name
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
