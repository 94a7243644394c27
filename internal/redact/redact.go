// Package redact is the publication gate: what leaves Vigil for the
// public (the API as the public role, exports with --public) passes
// through it. It drops protected fields, blurs the location of records
// flagged sensitive to the centroid of their admin2 region (admin1 when
// admin2 is unknown), and checks counts small enough to point at
// individual people.
package redact

import (
	"fmt"
	"slices"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/vault"
)

// Centroids gives the centroid of an administrative region. admin2 is
// empty to ask for an admin1 region. ok is false when it is not known.
type Centroids interface {
	Centroid(iso3, admin1, admin2 string) (lat, lon float64, ok bool)
}

// DefaultMinCount is the smallest count published as a number for a
// sensitive record: below it, a count is published as a range.
const DefaultMinCount = 3

// Gate redacts records for the public.
type Gate struct {
	Centroids Centroids // nil: no centroids, so sensitive locations are withheld
	// MinCount is the threshold of the small-count check (0: DefaultMinCount).
	MinCount int
}

// Finding is something the gate changed or wants a person to look at.
type Finding struct {
	Field string `json:"field"`
	What  string `json:"what"`
	// Changed is true when the gate altered the field, false when it only
	// warns.
	Changed bool `json:"changed"`
}

func (g *Gate) minCount() int {
	if g.MinCount > 0 {
		return g.MinCount
	}
	return DefaultMinCount
}

// Sensitive reports whether an event is sensitive whatever its flag says:
// sexual violence, whose survivors a place and a date can identify.
func Sensitive(ev *model.Event) bool { return ev.SubEventType == "Sexual violence" }

// Event returns ev as the public may see it, and what the gate did.
// sensitive is the record's flag (an event reported by a sensitive
// testimony, or flagged by an analyst); Sensitive(ev) adds to it.
//
//   - Witness sources lose their names: they become "witness".
//   - A sensitive event's location becomes the centroid of its admin2
//     region (geo_precision 2), or admin1's (geo_precision 3) when admin2
//     is unknown; the name becomes the region's. With no centroid known,
//     the location is withheld. Its evidence quotes are dropped, since
//     they name the place and the people.
//   - Counts of people below MinCount (fatalities, injured, abducted,
//     displaced) are reported as a finding; for a sensitive event they
//     become the range 1..MinCount-1 without a best value or quote.
func (g *Gate) Event(ev model.Event, sensitive bool) (model.Event, []Finding) {
	sensitive = sensitive || Sensitive(&ev)
	var fs []Finding
	ev.Sources = slices.Clone(ev.Sources)
	for i, s := range ev.Sources {
		if s.Kind == "witness" && s.Name != "witness" {
			ev.Sources[i].Name = "witness"
			fs = append(fs, Finding{Field: fmt.Sprintf("sources[%d].name", i), What: "a witness's name was removed", Changed: true})
		}
	}
	if sensitive {
		if ev.Location != nil {
			loc, f := g.blur(*ev.Location)
			ev.Location = loc
			fs = append(fs, f)
		}
		if len(ev.Evidence) > 0 {
			ev.Evidence = []model.Evidence{}
			fs = append(fs, Finding{Field: "evidence", What: "quotes of a sensitive record were withheld", Changed: true})
		}
		ev.Why = nil
	}
	for _, c := range []struct {
		name string
		p    **model.Count
	}{{"fatalities", &ev.Fatalities}, {"injured", &ev.Injured}, {"abducted", &ev.Abducted}, {"displaced", &ev.Displaced}} {
		if f, ok := g.smallCount(c.name, c.p, sensitive); ok {
			fs = append(fs, f)
		}
	}
	return ev, fs
}

// blur moves a location to its region's centroid.
func (g *Gate) blur(l model.Location) (*model.Location, Finding) {
	out := model.Location{Country: l.Country, ISO3: l.ISO3, Admin1: l.Admin1}
	if g.Centroids != nil && l.Admin2 != "" {
		if lat, lon, ok := g.Centroids.Centroid(l.ISO3, l.Admin1, l.Admin2); ok {
			out.Admin2, out.Name, out.Latitude, out.Longitude, out.GeoPrecision = l.Admin2, l.Admin2, lat, lon, model.GeoNear
			return &out, Finding{Field: "location", What: "blurred to the centroid of " + l.Admin2, Changed: true}
		}
	}
	if g.Centroids != nil && l.Admin1 != "" {
		if lat, lon, ok := g.Centroids.Centroid(l.ISO3, l.Admin1, ""); ok {
			out.Name, out.Latitude, out.Longitude, out.GeoPrecision = l.Admin1, lat, lon, model.GeoRegion
			return &out, Finding{Field: "location", What: "blurred to the centroid of " + l.Admin1, Changed: true}
		}
	}
	return nil, Finding{Field: "location", What: "withheld: no regional centroid is known to blur it to", Changed: true}
}

// smallCount checks one count.
func (g *Gate) smallCount(name string, p **model.Count, sensitive bool) (Finding, bool) {
	c := *p
	if c == nil {
		return Finding{}, false
	}
	k := g.minCount()
	small := func(v *int) bool { return v != nil && *v > 0 && *v < k }
	if !small(c.Best) && !small(c.Low) && !small(c.High) {
		return Finding{}, false
	}
	if !sensitive {
		return Finding{Field: name, What: fmt.Sprintf("fewer than %d people: check that they cannot be identified", k)}, true
	}
	if c.High != nil && *c.High >= k {
		// A range reaching the threshold already hides the small value.
		return Finding{}, false
	}
	low, high := 1, k-1
	*p = &model.Count{Low: &low, High: &high}
	return Finding{Field: name, What: fmt.Sprintf("published as a range 1-%d", k-1), Changed: true}, true
}

// Testimony is a testimony as the public may see it: its statement and
// coarse place, never its protected fields, its analysts' notes or who
// took it.
type Testimony struct {
	ID        string   `json:"id"`
	Statement string   `json:"statement"`
	Lang      string   `json:"lang,omitempty"`
	Country   string   `json:"country,omitempty"`
	Admin1    string   `json:"admin1,omitempty"`
	Admin2    string   `json:"admin2,omitempty"`
	TakenOn   string   `json:"taken_on,omitempty"`
	EventIDs  []string `json:"events,omitempty"`
}

// PublicTestimony returns the public form of a testimony. A sensitive
// testimony keeps only its admin1 region and the month it was taken.
func PublicTestimony(t *vault.Testimony) Testimony {
	out := Testimony{ID: t.ID, Statement: t.Statement, Lang: t.Lang, Country: t.Country, Admin1: t.Admin1, Admin2: t.Admin2,
		TakenOn: t.TakenOn, EventIDs: slices.Clone(t.EventIDs)}
	if t.Sensitive {
		out.Admin2 = ""
		if len(out.TakenOn) == len("2006-01-02") {
			out.TakenOn = out.TakenOn[:7]
		}
	}
	return out
}
