package incident

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
)

// features is what matching looks at, computed once per event.
type features struct {
	doc      string
	hasDate  bool
	day      int // days since 1970-01-01
	datePrec int
	dateNote string // "" or why the date is a stand-in

	hasPlace  bool
	lat, lon  float64
	geoPrec   int
	geonameID int64
	place     string
	iso3      string
	admin1    string
	admin2    string

	sub, typ, disorder string
	actor1, actor2     string
	assoc1             []string
	unnamed1           bool // actor1 is missing or an unidentified group
}

func featuresOf(ev *model.Event, r *ReportInfo) features {
	f := features{doc: r.DocumentID, sub: ev.SubEventType, typ: ev.EventType, disorder: ev.DisorderType}
	if t, err := time.Parse(time.DateOnly, ev.EventDate); err == nil {
		f.hasDate, f.day, f.datePrec = true, int(t.Unix()/86400), clamp(ev.DatePrecision, 1, 3)
	} else if t, err := time.Parse(time.DateOnly, r.Published); err == nil {
		// No event date: the report's publication date, week-precise.
		f.hasDate, f.day, f.datePrec, f.dateNote = true, int(t.Unix()/86400)-3, 2, "publication date"
	}
	if loc := ev.Location; loc != nil && !(loc.Latitude == 0 && loc.Longitude == 0) &&
		!math.IsNaN(loc.Latitude) && !math.IsNaN(loc.Longitude) && math.Abs(loc.Latitude) <= 90 && math.Abs(loc.Longitude) <= 180 {
		f.hasPlace = true
		f.lat, f.lon = loc.Latitude, loc.Longitude
		f.geoPrec = clamp(loc.GeoPrecision, 1, 3)
		f.geonameID, f.place = loc.GeonameID, loc.Name
		f.iso3, f.admin1, f.admin2 = loc.ISO3, loc.Admin1, loc.Admin2
	}
	f.unnamed1 = true
	for _, a := range ev.Actors {
		switch a.Role {
		case "actor1":
			f.actor1 = a.Name
			f.unnamed1 = unidentified(a.Name)
		case "actor2":
			f.actor2 = a.Name
		case "assoc_actor1":
			f.assoc1 = append(f.assoc1, a.Name)
		}
	}
	return f
}

func unidentified(name string) bool {
	return name == "" || strings.HasPrefix(name, "Unidentified ")
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

// Date windows, in days, by the coarser precision of the two dates.
var dateWindow = [4]int{1: 1, 2: 6, 3: 31}

// Place tolerances, in km, by the coarser geo precision of the two places.
var placeTolerance = [4]float64{1: 15, 2: 50, 3: 300}

// Weights of the four parts of a score; they add up to 1.
const (
	wPlace  = 0.35
	wDate   = 0.30
	wType   = 0.15
	wActors = 0.20
)

// veto says why a pair cannot be one incident.
type veto uint8

const (
	vetoNone veto = iota
	vetoSameReport
	vetoCountry
	vetoDistance
	vetoRegion
	vetoDate
)

// How each part matched, for the words.
type how uint8

const (
	howUnknown how = iota
	howSame
	howNear
	howAdmin2
	howAdmin1
	howCompatible
	howFamily
	howDifferent
	howAlly
	howUnnamed
)

// scored is one comparison of two events.
type scored struct {
	a, b                       *features
	place, date, typ, actors   float64
	total                      float64
	veto                       veto
	km                         float64
	days                       int
	placeHow, typHow, actorHow how
}

// rank orders comparisons: allowed ones by score, above vetoed ones.
func (s scored) rank() float64 {
	if s.veto != vetoNone {
		return s.total - 10
	}
	return s.total
}

// compare scores how likely two events describe one incident.
func compare(a, b *features) scored {
	s := scored{a: a, b: b}
	// Place.
	switch {
	case a.hasPlace && b.hasPlace:
		p := max(a.geoPrec, b.geoPrec)
		tol := placeTolerance[p]
		s.km = haversine(a.lat, a.lon, b.lat, b.lon)
		switch {
		case a.iso3 != "" && b.iso3 != "" && a.iso3 != b.iso3 && s.km > placeTolerance[1]:
			s.veto = vetoCountry
		case a.geonameID != 0 && a.geonameID == b.geonameID:
			s.place, s.placeHow = 1, howSame
		case p == 3 && a.admin1 != "" && b.admin1 != "" && a.admin1 != b.admin1:
			s.veto = vetoRegion
		case s.km > tol:
			s.veto = vetoDistance
		case p == 3:
			s.place, s.placeHow = 0.6, howAdmin1
		default:
			s.place, s.placeHow = 1-0.5*s.km/tol, howNear
			if a.admin2 != "" && a.admin2 == b.admin2 {
				s.place, s.placeHow = math.Max(s.place, 0.75), howAdmin2
			}
		}
	case a.hasPlace != b.hasPlace:
		s.placeHow = howUnknown
	}
	// Date.
	if a.hasDate && b.hasDate {
		win := dateWindow[max(a.datePrec, b.datePrec)]
		s.days = abs(a.day - b.day)
		switch {
		case s.days > win:
			if s.veto == vetoNone {
				s.veto = vetoDate
			}
		case s.days == 0:
			s.date = 1
		default:
			s.date = 1 - 0.5*float64(s.days)/float64(win)
		}
	}
	// Type.
	switch {
	case a.sub == b.sub:
		s.typ, s.typHow = 1, howSame
	case compatible(a.sub, b.sub):
		s.typ, s.typHow = 0.7, howCompatible
	case a.typ == b.typ:
		s.typ, s.typHow = 0.6, howFamily
	default:
		s.typ, s.typHow = -0.5, howDifferent
	}
	// Actors.
	switch {
	case !a.unnamed1 && a.actor1 == b.actor1:
		s.actors, s.actorHow = 1, howSame
	case a.unnamed1 && b.unnamed1:
		s.actors, s.actorHow = 0.2, howUnknown
	case a.unnamed1 || b.unnamed1:
		s.actors, s.actorHow = 0.2, howUnnamed
	case contains(a.assoc1, b.actor1) || contains(b.assoc1, a.actor1):
		s.actors, s.actorHow = 0.7, howAlly
	default:
		s.actors, s.actorHow = -0.6, howDifferent
	}
	s.total = wPlace*s.place + wDate*s.date + wType*s.typ + wActors*s.actors
	return s
}

// compatiblePairs are sub-event types two reports of one incident often
// give it: a raid reported as an attack on civilians by one and as looting
// or abductions by another, a clash that one report calls a takeover.
var compatiblePairs = map[[2]string]bool{}

func init() {
	for _, group := range [][]string{
		{"Attack", "Looting/property destruction", "Abduction/forced disappearance", "Sexual violence"},
		{"Attack", "Armed clash"},
		{"Armed clash", "Non-state actor overtakes territory", "Government regains territory", "Non-violent transfer of territory"},
		{"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
		{"Violent demonstration", "Mob violence", "Protest with intervention", "Excessive force against protesters"},
		{"Remote explosive/landmine/IED", "Suicide bomb", "Grenade", "Armed clash"},
		{"Air/drone strike", "Shelling/artillery/missile attack", "Attack"},
		{"Arrests", "Abduction/forced disappearance"},
	} {
		for _, x := range group {
			for _, y := range group {
				if x != y {
					compatiblePairs[[2]string{x, y}] = true
				}
			}
		}
	}
}

func compatible(a, b string) bool { return compatiblePairs[[2]string{a, b}] }

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s && !unidentified(s) {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// haversine returns the great-circle distance in km.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// admin2Word names a country's second-level unit the way its people do.
func admin2Word(iso3 string) string {
	switch iso3 {
	case "MLI":
		return "cercle"
	case "BFA":
		return "province"
	case "NER":
		return "department"
	case "MRT":
		return "moughataa"
	}
	return "district"
}

// explain puts a comparison in words: "same cercle (Niono), 1 day apart,
// same perpetrator (JNIM) — score 0.81".
func (s scored) explain() string {
	var parts []string
	a, b := s.a, s.b
	switch s.veto {
	case vetoSameReport:
		return "the same report describes them as separate events"
	case vetoCountry:
		return fmt.Sprintf("different countries (%s, %s), %.0f km apart", a.iso3, b.iso3, s.km)
	case vetoRegion:
		return fmt.Sprintf("different regions (%s, %s)", a.admin1, b.admin1)
	case vetoDistance:
		p := max(a.geoPrec, b.geoPrec)
		parts = append(parts, fmt.Sprintf("%.0f km apart (%s, %s), beyond the %.0f km allowed at geo precision %d",
			s.km, placeName(a), placeName(b), placeTolerance[p], p))
	case vetoDate:
		p := max(a.datePrec, b.datePrec)
		parts = append(parts, fmt.Sprintf("%d days apart, beyond the %d-day window at date precision %d", s.days, dateWindow[p], p))
	}
	if s.veto == vetoNone {
		switch {
		case !a.hasPlace || !b.hasPlace:
			parts = append(parts, "place unknown in one report")
		case s.placeHow == howSame:
			parts = append(parts, fmt.Sprintf("same place (%s)", placeName(a)))
		case s.placeHow == howAdmin2:
			parts = append(parts, fmt.Sprintf("same %s (%s), %.0f km apart", admin2Word(a.iso3), a.admin2, s.km))
		case s.placeHow == howAdmin1:
			parts = append(parts, fmt.Sprintf("same region (%s), region-level place", a.admin1))
		default:
			parts = append(parts, fmt.Sprintf("%.0f km apart (%s, %s)", s.km, placeName(a), placeName(b)))
		}
		switch {
		case !a.hasDate || !b.hasDate:
			parts = append(parts, "date unknown in one report")
		case s.days == 0:
			parts = append(parts, "same day")
		case s.days == 1:
			parts = append(parts, "1 day apart")
		default:
			parts = append(parts, fmt.Sprintf("%d days apart", s.days))
		}
		if a.dateNote != "" || b.dateNote != "" {
			parts[len(parts)-1] += " (by publication date)"
		}
	}
	switch s.typHow {
	case howSame:
		parts = append(parts, fmt.Sprintf("same type (%s)", a.sub))
	case howCompatible:
		parts = append(parts, fmt.Sprintf("compatible types (%s / %s)", a.sub, b.sub))
	case howFamily:
		parts = append(parts, fmt.Sprintf("same event type (%s)", a.typ))
	default:
		parts = append(parts, fmt.Sprintf("different types (%s / %s)", a.sub, b.sub))
	}
	switch s.actorHow {
	case howSame:
		parts = append(parts, fmt.Sprintf("same perpetrator (%s)", a.actor1))
	case howAlly:
		parts = append(parts, "perpetrator named as an ally in the other report")
	case howUnnamed:
		parts = append(parts, "perpetrator unnamed in one report")
	case howUnknown:
		parts = append(parts, "perpetrator unnamed")
	default:
		parts = append(parts, fmt.Sprintf("different perpetrators (%s / %s)", a.actor1, b.actor1))
	}
	out := strings.Join(parts, ", ")
	if s.veto == vetoNone {
		out += fmt.Sprintf(" — score %.2f", s.total)
	}
	return out
}

// Cause names the main reason two events were kept apart, for grouping
// evaluation failures: "date", "place", "type", "actors", "same report",
// or "score" when no single part vetoed them.
func (s scored) cause() string {
	switch s.veto {
	case vetoSameReport:
		return "same report"
	case vetoCountry, vetoDistance, vetoRegion:
		return "place"
	case vetoDate:
		return "date"
	}
	switch {
	case s.typ < 0:
		return "type"
	case s.actors < 0:
		return "actors"
	}
	return "score"
}
