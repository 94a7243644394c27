package redact

import (
	"math"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/vault"
)

type fakeCentroids map[string][2]float64

func (f fakeCentroids) Centroid(iso3, admin1, admin2 string) (float64, float64, bool) {
	c, ok := f[iso3+"/"+admin1+"/"+admin2]
	return c[0], c[1], ok
}

func ip(n int) *int { return &n }

func event() model.Event {
	return model.Event{
		SubEventType: "Attack",
		Location:     &model.Location{Name: "Nampala", GeonameID: 2453133, Latitude: 15.2807, Longitude: -5.5549, Country: "Mali", ISO3: "MLI", Admin1: "Ségou", Admin2: "Niono", GeoPrecision: 1},
		Fatalities:   &model.Count{Best: ip(2), Text: "two men"},
		Displaced:    &model.Count{Best: ip(100), Text: "hundreds"},
		Injured:      &model.Count{Best: ip(1), Low: ip(1), High: ip(4)},
		Sources:      []model.Source{{Name: "Moussa Diarra", Kind: "witness"}, {Name: "Studio Tamani", Kind: "media"}},
		Evidence:     []model.Evidence{{Field: "location", Text: "in Nampala"}},
		Why:          []string{"killing of civilians"},
	}
}

func TestEvent(t *testing.T) {
	g := &Gate{Centroids: fakeCentroids{"MLI/Ségou/Niono": {14.9, -6.0}, "MLI/Ségou/": {13.4, -6.3}}}
	orig := event()
	for _, c := range []struct {
		name      string
		sensitive bool
		mod       func(*model.Event)
		check     func(t *testing.T, ev model.Event, fs []Finding)
	}{
		{"not sensitive", false, nil, func(t *testing.T, ev model.Event, fs []Finding) {
			if ev.Location.Latitude != 15.2807 || len(ev.Evidence) != 1 || *ev.Fatalities.Best != 2 {
				t.Errorf("a record that is not sensitive changed: %+v", ev)
			}
			if ev.Sources[0].Name != "witness" || ev.Sources[1].Name != "Studio Tamani" {
				t.Errorf("sources %+v", ev.Sources)
			}
			if !hasFinding(fs, "fatalities", false) || !hasFinding(fs, "injured", false) || hasFinding(fs, "displaced", false) {
				t.Errorf("small-count warnings %+v", fs)
			}
		}},
		{"sensitive: admin2 centroid", true, nil, func(t *testing.T, ev model.Event, fs []Finding) {
			l := ev.Location
			if l.Latitude != 14.9 || l.Longitude != -6.0 || l.Name != "Niono" || l.GeonameID != 0 || l.GeoPrecision != model.GeoNear {
				t.Errorf("location %+v", l)
			}
			if len(ev.Evidence) != 0 || ev.Why != nil {
				t.Errorf("evidence %+v why %v kept", ev.Evidence, ev.Why)
			}
			if f := ev.Fatalities; f.Best != nil || *f.Low != 1 || *f.High != 2 || f.Text != "" {
				t.Errorf("fatalities %+v, want the range 1-2", f)
			}
			if *ev.Injured.Best != 1 {
				t.Errorf("a range reaching the threshold changed: %+v", ev.Injured)
			}
			if *ev.Displaced.Best != 100 {
				t.Errorf("a large count changed")
			}
		}},
		{"sensitive: admin1 when admin2 unknown", true, func(ev *model.Event) { ev.Location.Admin2 = "" }, func(t *testing.T, ev model.Event, fs []Finding) {
			if l := ev.Location; l.Latitude != 13.4 || l.Name != "Ségou" || l.GeoPrecision != model.GeoRegion {
				t.Errorf("location %+v", l)
			}
		}},
		{"sensitive: no centroid, withheld", true, func(ev *model.Event) { ev.Location.Admin1, ev.Location.Admin2 = "Kidal", "" }, func(t *testing.T, ev model.Event, fs []Finding) {
			if ev.Location != nil {
				t.Errorf("location %+v, want withheld", ev.Location)
			}
		}},
		{"sexual violence is always sensitive", false, func(ev *model.Event) { ev.SubEventType = "Sexual violence" }, func(t *testing.T, ev model.Event, fs []Finding) {
			if ev.Location.GeonameID != 0 {
				t.Errorf("location not blurred: %+v", ev.Location)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := event()
			if c.mod != nil {
				c.mod(&ev)
			}
			out, fs := g.Event(ev, c.sensitive)
			c.check(t, out, fs)
		})
	}
	if orig.Sources[0].Name != "Moussa Diarra" {
		t.Error("Event changed its input's sources")
	}
}

func hasFinding(fs []Finding, field string, changed bool) bool {
	for _, f := range fs {
		if f.Field == field && f.Changed == changed {
			return true
		}
	}
	return false
}

func TestPublicTestimony(t *testing.T) {
	in := &vault.Testimony{ID: "t1", Statement: "They came at night.", Country: "MLI", Admin1: "Mopti", Admin2: "Bandiagara",
		TakenOn: "2025-03-20", Notes: "call back Tuesday", Sensitive: true, CreatedBy: "user:u1",
		Protected: vault.Protected{WitnessName: "Aïssata Kouyaté", WitnessContact: "+223 76", Location: "Sangha", Notes: "afraid"}}
	out := PublicTestimony(in)
	if out.Admin2 != "" || out.TakenOn != "2025-03" || out.Statement != in.Statement || out.Admin1 != "Mopti" {
		t.Errorf("public testimony %+v", out)
	}
	if s := strings.Join([]string{out.ID, out.Statement, out.Lang, out.Country, out.Admin1, out.Admin2, out.TakenOn}, "|"); strings.Contains(s, "Aïssata") || strings.Contains(s, "call back") || strings.Contains(s, "Sangha") {
		t.Errorf("public testimony leaks: %s", s)
	}
}

// The gazetteer gives Niono's admin2 centroid, near the towns of the
// cercle and far from Nampala's exact point.
func TestGazetteerCentroids(t *testing.T) {
	gz, err := geoparse.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c := Gazetteer{gz}
	lat, lon, ok := c.Centroid("MLI", "Ségou", "Niono")
	if !ok {
		t.Fatal("no centroid for Niono (MLI, Ségou)")
	}
	if d := math.Hypot(lat-14.25, lon+5.99); d > 1.5 {
		t.Errorf("Niono centroid %.3f,%.3f is %.2f degrees from the town", lat, lon, d)
	}
	if _, _, ok := c.Centroid("MLI", "Ségou", ""); !ok {
		t.Error("no centroid for Ségou region")
	}
	if _, _, ok := c.Centroid("NER", "Ségou", "Niono"); ok {
		t.Error("a centroid from the wrong country")
	}
}
