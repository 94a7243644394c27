package incident

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// Claim is one source's figure for one field.
type Claim struct {
	DocumentID string      `json:"document_id"`
	Outlet     string      `json:"outlet,omitempty"`
	Kind       SourceKind  `json:"kind"`
	Origin     int         `json:"origin"` // index into Summary.Origins
	Count      model.Count `json:"count"`
}

// FieldClaims is every figure reported for one field, its range and the
// value the incident shows.
type FieldClaims struct {
	Field  string  `json:"field"` // fatalities, injured, abducted, displaced, structures_destroyed
	Claims []Claim `json:"claims"`
	Low    *int    `json:"low"`   // the lowest figure reported
	High   *int    `json:"high"`  // the highest
	Value  *int    `json:"value"` // the one shown, by Rule
	Rule   string  `json:"rule"`  // how Value was chosen, in words
}

// Summary is an incident as shown: one event built from its members, its
// reports and their origins, corroboration and conflicting claims.
type Summary struct {
	ID                 string        `json:"id"`
	Event              model.Event   `json:"event"`
	Events             []string      `json:"events"`
	Documents          []string      `json:"documents"`
	IndependentSources int           `json:"independent_sources"`
	Origins            []Origin      `json:"origins"`
	Corroboration      Corroboration `json:"corroboration"`
	Claims             []FieldClaims `json:"claims"`
}

// Summarize returns the incident's summary, or errs.NotFound.
func (l *Linker) Summarize(id string) (Summary, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	inc := l.incidents[id]
	if inc == nil {
		return Summary{}, errs.E(errs.NotFound, "incident %s not found", id)
	}
	origins := l.origins(inc)
	originOf := map[string]int{}
	for i, o := range origins {
		for _, d := range o.Documents {
			originOf[d] = i
		}
	}
	var reps []*ReportInfo
	for _, m := range inc.Members {
		if !slices.Contains(reps, m.Report) {
			reps = append(reps, m.Report)
		}
	}
	s := Summary{ID: inc.ID, Events: inc.EventIDs(), Documents: inc.Documents(), IndependentSources: len(origins),
		Origins: origins, Corroboration: corroborate(origins, reps)}
	s.Claims = claims(inc, originOf)
	s.Event = consensus(inc, s.Claims)
	return s, nil
}

var countFields = []struct {
	name string
	get  func(*model.Event) **model.Count
}{
	{"fatalities", func(e *model.Event) **model.Count { return &e.Fatalities }},
	{"injured", func(e *model.Event) **model.Count { return &e.Injured }},
	{"abducted", func(e *model.Event) **model.Count { return &e.Abducted }},
	{"displaced", func(e *model.Event) **model.Count { return &e.Displaced }},
	{"structures_destroyed", func(e *model.Event) **model.Count { return &e.StructuresDestroyed }},
}

// claims collects each field's figures and picks a value by ACLED's rule:
// the lowest credible figure, unless a higher one is reported by more
// independent sources. A perpetrator's claim is not credible for this
// purpose unless it is the only figure.
func claims(inc *Incident, originOf map[string]int) []FieldClaims {
	var out []FieldClaims
	for _, cf := range countFields {
		fc := FieldClaims{Field: cf.name, Claims: []Claim{}}
		seen := map[string]bool{}
		for _, m := range inc.Members {
			c := *cf.get(m.Event)
			if c == nil || seen[m.Report.DocumentID] {
				continue
			}
			seen[m.Report.DocumentID] = true
			fc.Claims = append(fc.Claims, Claim{DocumentID: m.Report.DocumentID, Outlet: m.Report.Outlet,
				Kind: m.Report.Kind, Origin: originOf[m.Report.DocumentID], Count: *c})
		}
		if len(fc.Claims) == 0 {
			continue
		}
		pick(&fc)
		out = append(out, fc)
	}
	return out
}

func pick(fc *FieldClaims) {
	support := map[int]map[int]bool{} // value -> origins reporting it
	credible := map[int]bool{}
	for _, c := range fc.Claims {
		if c.Count.Best == nil {
			continue
		}
		v := *c.Count.Best
		lo, hi := v, v
		if c.Count.Low != nil {
			lo = min(lo, *c.Count.Low)
		}
		if c.Count.High != nil {
			hi = max(hi, *c.Count.High)
		}
		if fc.Low == nil || lo < *fc.Low {
			fc.Low = &lo
		}
		if fc.High == nil || hi > *fc.High {
			fc.High = &hi
		}
		if support[v] == nil {
			support[v] = map[int]bool{}
		}
		support[v][c.Origin] = true
		if c.Kind != KindPerpetrator {
			credible[v] = true
		}
	}
	if len(support) == 0 {
		fc.Rule = "no figure given, only words"
		return
	}
	var values []int
	for v := range support {
		if credible[v] || len(credible) == 0 {
			values = append(values, v)
		}
	}
	slices.Sort(values)
	best := values[0]
	for _, v := range values[1:] {
		if len(support[v]) > len(support[best]) {
			best = v
		}
	}
	fc.Value = &best
	switch {
	case len(support) == 1:
		fc.Rule = fmt.Sprintf("%d, the only figure reported (%d independent source(s))", best, len(support[best]))
	case best == values[0]:
		fc.Rule = fmt.Sprintf("%d, the lowest credible figure (%d independent source(s)); reported %d to %d", best, len(support[best]), *fc.Low, *fc.High)
	default:
		fc.Rule = fmt.Sprintf("%d, better corroborated (%d independent sources) than the lowest, %d (%d); reported %d to %d",
			best, len(support[best]), values[0], len(support[values[0]]), *fc.Low, *fc.High)
	}
	if len(credible) == 0 {
		fc.Rule += "; only the perpetrators gave a figure"
	}
}

// consensus builds the incident's event: the most common sub-event type
// (the first linked on a tie) with that member's actors; the most precise
// date and place (the most common among equally precise ones); the chosen
// figures; the firmest certainty; every cited source once.
func consensus(inc *Incident, fcs []FieldClaims) model.Event {
	ms := inc.Members
	votes := map[string]int{}
	for _, m := range ms {
		votes[m.Event.SubEventType]++
	}
	lead := ms[0]
	for _, m := range ms {
		if votes[m.Event.SubEventType] > votes[lead.Event.SubEventType] {
			lead = m
		}
	}
	ev := *lead.Event
	ev.ID, ev.Evidence, ev.Why = inc.ID, nil, nil
	ev.Actors = slices.Clone(lead.Event.Actors)

	var dated, placed []*Member
	for _, m := range ms {
		if m.Event.EventDate != "" {
			dated = append(dated, m)
		}
		if m.Event.Location != nil {
			placed = append(placed, m)
		}
	}
	if d := mostCommon(dated, func(m *Member) (string, int) { return m.Event.EventDate, m.Event.DatePrecision }); d != nil {
		ev.EventDate, ev.DatePrecision, ev.DateYearInferred = d.Event.EventDate, d.Event.DatePrecision, d.Event.DateYearInferred
	}
	if p := mostCommon(placed, func(m *Member) (string, int) {
		return fmt.Sprint(m.Event.Location.GeonameID, m.Event.Location.Name), m.Event.Location.GeoPrecision
	}); p != nil {
		loc := *p.Event.Location
		ev.Location = &loc
	}
	for _, cf := range countFields {
		*cf.get(&ev) = nil
		for _, fc := range fcs {
			if fc.Field != cf.name {
				continue
			}
			c := &model.Count{Best: fc.Value, Low: fc.Low, High: fc.High, Text: fc.Rule}
			if fc.Value == nil {
				c.Text = fc.Claims[0].Count.Text
			}
			*cf.get(&ev) = c
		}
	}
	rank := map[string]int{model.CertaintyAlleged: 1, model.CertaintyReported: 2, model.CertaintyConfirmed: 3}
	ev.Sources = []model.Source{}
	for _, m := range ms {
		if rank[m.Event.Certainty] > rank[ev.Certainty] {
			ev.Certainty = m.Event.Certainty
		}
		ev.Confidence = max(ev.Confidence, m.Event.Confidence)
		for _, s := range m.Event.Sources {
			if !slices.Contains(ev.Sources, s) {
				ev.Sources = append(ev.Sources, s)
			}
		}
	}
	return ev
}

// mostCommon returns the member with the most precise (lowest) precision
// whose value is the most common among equally precise ones.
func mostCommon(ms []*Member, key func(*Member) (string, int)) *Member {
	if len(ms) == 0 {
		return nil
	}
	best := ms[0]
	_, bp := key(best)
	for _, m := range ms {
		if _, p := key(m); cmp.Or(p, 9) < cmp.Or(bp, 9) {
			best, bp = m, p
		}
	}
	n := map[string]int{}
	for _, m := range ms {
		if k, p := key(m); p == bp {
			n[k]++
		}
	}
	for _, m := range ms {
		k, p := key(m)
		bk, _ := key(best)
		if p == bp && n[k] > n[bk] {
			best = m
		}
	}
	return best
}

// String is a one-line description of a summary, for logs and the CLI.
func (s Summary) String() string {
	place := "?"
	if s.Event.Location != nil {
		place = s.Event.Location.Name
	}
	return strings.Join([]string{s.ID, s.Event.EventDate, place, s.Event.SubEventType,
		fmt.Sprintf("%d reports, %d independent (%s)", len(s.Documents), s.IndependentSources, s.Corroboration.Level)}, " · ")
}
