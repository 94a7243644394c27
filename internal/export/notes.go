package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
)

// Notes writes a one-paragraph summary of an event in the manner of ACLED's
// notes column: when, where, who against whom, what happened, the harms,
// how certain, and where the record comes from. The evidence quotes follow,
// each with the field it supports (public exports have none: Redact drops
// them).
func Notes(se *model.StoredEvent) string {
	ev := &se.Event
	var b strings.Builder
	if d := humanDate(ev.EventDate, ev.DatePrecision); d != "" {
		b.WriteString(d + ", ")
	}
	what := ev.SubEventType
	if what == "" {
		what = "an event"
	}
	b.WriteString(what)
	if ev.EventType != "" && ev.EventType != ev.SubEventType {
		fmt.Fprintf(&b, " (%s)", ev.EventType)
	}
	if loc := ev.Location; loc != nil && loc.Name != "" {
		where := []string{loc.Name}
		for _, p := range []string{loc.Admin2, loc.Admin1, countryName(loc)} {
			if p != "" && p != where[len(where)-1] {
				where = append(where, p)
			}
		}
		fmt.Fprintf(&b, " in %s", strings.Join(where, ", "))
	}
	a1, _ := actorsByRole(ev, "actor1")
	as1, _ := actorsByRole(ev, "assoc_actor1")
	a2, _ := actorsByRole(ev, "actor2")
	as2, _ := actorsByRole(ev, "assoc_actor2")
	if a1 != "" {
		fmt.Fprintf(&b, " by %s", a1)
		if as1 != "" {
			fmt.Fprintf(&b, " (with %s)", as1)
		}
	}
	if a2 != "" {
		fmt.Fprintf(&b, " against %s", a2)
		if as2 != "" {
			fmt.Fprintf(&b, " (with %s)", as2)
		}
	}
	b.WriteString(".")
	for _, c := range []struct {
		name string
		c    *model.Count
	}{{"Fatalities", ev.Fatalities}, {"Injured", ev.Injured}, {"Abducted", ev.Abducted}, {"Displaced", ev.Displaced}, {"Structures destroyed", ev.StructuresDestroyed}} {
		if w := countWords(c.c); w != "" {
			fmt.Fprintf(&b, " %s: %s.", c.name, w)
		}
	}
	if ev.Certainty != "" {
		fmt.Fprintf(&b, " Certainty: %s.", ev.Certainty)
	}
	if se.DocumentID != "" {
		fmt.Fprintf(&b, " Vigil record from document %s.", se.DocumentID)
	}
	var quotes []string
	for _, e := range ev.Evidence {
		if t := strings.Join(strings.Fields(e.Text), " "); t != "" {
			quotes = append(quotes, fmt.Sprintf("“%s” (%s)", t, e.Field))
		}
	}
	if len(quotes) > 0 {
		fmt.Fprintf(&b, " Evidence: %s.", strings.Join(quotes, "; "))
	}
	return b.String()
}

// humanDate writes when an event happened as people say it, at its
// precision: "On 13 March 2025", "In the week of 13 March 2025", "In March
// 2025"; "" without a date.
func humanDate(date string, precision int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	switch precision {
	case model.PrecisionWeek:
		return "In the week of " + t.Format("2 January 2006")
	case model.PrecisionMonth:
		return "In " + t.Format("January 2006")
	}
	return "On " + t.Format("2 January 2006")
}
