package export

import (
	"strconv"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
)

// ACLEDColumns are the columns of an ACLED-shaped CSV, with ACLED's public
// names in the order of its data exports.
var ACLEDColumns = []string{
	"event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
	"actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
	"iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
	"source", "source_scale", "notes", "fatalities", "tags", "timestamp",
}

// CivilianTargeting is the value of ACLED's civilian_targeting column for
// events that target civilians.
const CivilianTargeting = "Civilian targeting"

// interTypes are ACLED's actor types in the order of their inter codes 1-8.
var interTypes = []string{
	"State forces", "Rebel groups", "Political militias", "Identity militias",
	"Rioters", "Protesters", "Civilians", "External/Other forces",
}

// InterCode returns ACLED's inter code (1 state forces, 2 rebel groups,
// 3 political militias, 4 identity militias, 5 rioters, 6 protesters,
// 7 civilians, 8 external/other forces) for an actor type, singular or
// plural, any case; 0 when the type is unknown or empty. A numeric string
// 1-8 is taken as the code itself.
func InterCode(actorType string) int {
	t := strings.ToLower(strings.TrimSpace(actorType))
	if t == "" {
		return 0
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n >= 1 && n <= 8 {
			return n
		}
		return 0
	}
	for i, name := range interTypes {
		n := strings.ToLower(name)
		if t == n || t+"s" == n || t == strings.TrimSuffix(n, "s") {
			return i + 1
		}
	}
	switch t {
	case "external forces", "other forces", "external/other force", "external force", "other":
		return 8
	case "rebel", "rebels":
		return 2
	case "protester", "rioter":
		return InterCode(t + "s")
	}
	return 0
}

// InterType returns the actor type of an inter code, or "" outside 1-8.
func InterType(code int) string {
	if code < 1 || code > len(interTypes) {
		return ""
	}
	return interTypes[code-1]
}

// Interaction combines two inter codes as ACLED does: the smaller code
// first ("17" for state forces against civilians), or the code times ten
// when an event has one actor ("60" for protesters alone); 0 when inter1
// is unknown.
func Interaction(inter1, inter2 int) int {
	switch {
	case inter1 == 0:
		return 0
	case inter2 == 0:
		return inter1 * 10
	case inter1 <= inter2:
		return inter1*10 + inter2
	}
	return inter2*10 + inter1
}

// actorsByRole returns the names of an event's actors in one role, joined
// with "; " as ACLED joins associated actors, and the type of the first.
func actorsByRole(ev *model.Event, role string) (names, typ string) {
	var ns []string
	for _, a := range ev.Actors {
		if a.Role != role || a.Name == "" {
			continue
		}
		if len(ns) == 0 {
			typ = a.Type
		}
		ns = append(ns, a.Name)
	}
	return strings.Join(ns, "; "), typ
}

// targetsCivilians reports whether an event is political violence aimed at
// civilians (ACLED's civilian targeting): violence against civilians, or
// remote violence and battles whose second actor is civilians.
func targetsCivilians(ev *model.Event) bool {
	if ev.EventType == "Violence against civilians" {
		return true
	}
	if ev.DisorderType != "Political violence" {
		return false
	}
	_, t2 := actorsByRole(ev, "actor2")
	return InterCode(t2) == 7
}

// countryOf returns the country table entry of an event's location, or nil.
func countryOf(loc *model.Location) *Country {
	if loc == nil {
		return nil
	}
	if loc.ISO3 != "" {
		if c := LookupCountry(loc.ISO3); c != nil {
			return c
		}
	}
	if loc.Country != "" {
		return LookupCountry(loc.Country)
	}
	return nil
}

// countryName returns the name to write for a location's country.
func countryName(loc *model.Location) string {
	if c := countryOf(loc); c != nil {
		return c.Name
	}
	if loc == nil {
		return ""
	}
	return loc.Country
}

// sourceNames joins the distinct names of an event's sources with "; ".
func sourceNames(ev *model.Event) string {
	var names []string
	seen := map[string]bool{}
	for _, s := range ev.Sources {
		if s.Name == "" || seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		names = append(names, s.Name)
	}
	return strings.Join(names, "; ")
}

// countBest returns a count's best estimate, 0 when unknown.
func countBest(c *model.Count) int {
	if c == nil || c.Best == nil {
		return 0
	}
	return *c.Best
}

func itoa(n int) string { return strconv.Itoa(n) }

// optInt writes 0 as the empty string.
func optInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// formatCoord writes a coordinate with the fewest digits that read back to
// the same float64.
func formatCoord(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// acledTags lists, as ACLED's tags column does ("key=value; ..."), what an
// event holds that the other columns have no place for.
func acledTags(ev *model.Event) string {
	var tags []string
	add := func(k, v string) {
		if v != "" {
			tags = append(tags, k+"="+v)
		}
	}
	for _, c := range []struct {
		name string
		c    *model.Count
	}{{"injured", ev.Injured}, {"abducted", ev.Abducted}, {"displaced", ev.Displaced}, {"structures destroyed", ev.StructuresDestroyed}} {
		add(c.name, countWords(c.c))
	}
	add("certainty", ev.Certainty)
	if ev.Confidence > 0 {
		add("confidence", strconv.FormatFloat(ev.Confidence, 'f', 2, 64))
	}
	return strings.Join(tags, "; ")
}

// countWords renders a count for people: "12", "10-20", or the words that
// gave it when no number was given ("multiple"); "" for nil.
func countWords(c *model.Count) string {
	switch {
	case c == nil:
		return ""
	case c.Best != nil && c.Low != nil && c.High != nil && *c.Low != *c.High:
		return itoa(*c.Best) + " (" + itoa(*c.Low) + "-" + itoa(*c.High) + ")"
	case c.Best != nil:
		return itoa(*c.Best)
	case c.Text != "":
		return strings.ReplaceAll(c.Text, ";", ",")
	}
	return "unknown"
}

// acledRow fills row (len(ACLEDColumns)) with an event.
func acledRow(row []string, se *model.StoredEvent) {
	ev := &se.Event
	a1, t1 := actorsByRole(ev, "actor1")
	as1, _ := actorsByRole(ev, "assoc_actor1")
	a2, t2 := actorsByRole(ev, "actor2")
	as2, _ := actorsByRole(ev, "assoc_actor2")
	i1, i2 := InterCode(t1), InterCode(t2)
	year := ""
	if len(ev.EventDate) >= 4 {
		year = ev.EventDate[:4]
	}
	civ := ""
	if targetsCivilians(ev) {
		civ = CivilianTargeting
	}
	var (
		iso, region, admin1, admin2, location, lat, lon, geoPrec string
	)
	if loc := ev.Location; loc != nil {
		if c := countryOf(loc); c != nil {
			iso, region = itoa(c.ISONum), c.ACLEDRegion
		}
		admin1, admin2, location = loc.Admin1, loc.Admin2, loc.Name
		lat, lon = formatCoord(loc.Latitude), formatCoord(loc.Longitude)
		geoPrec = optInt(loc.GeoPrecision)
	}
	var ts string
	if !se.CreatedAt.IsZero() {
		ts = strconv.FormatInt(se.CreatedAt.Unix(), 10)
	}
	values := []string{
		se.ID, ev.EventDate, year, optInt(ev.DatePrecision), ev.DisorderType, ev.EventType, ev.SubEventType,
		a1, as1, optInt(i1), a2, as2, optInt(i2), optInt(Interaction(i1, i2)), civ,
		iso, region, countryName(ev.Location), admin1, admin2, "", location, lat, lon, geoPrec,
		sourceNames(ev), "", Notes(se), itoa(countBest(ev.Fatalities)), acledTags(ev), ts,
	}
	copy(row, values)
}
