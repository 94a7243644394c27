package geoparse

import (
	"math"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/model"
)

func TestRelativeTo(t *testing.T) {
	p := parser(t)
	tests := []struct {
		text, anchor string
		km           float64
		dLat, dLon   float64 // expected sign of the move: -1, 0, 1
		ok           bool
	}{
		{"Gunmen struck a village 30 km north of Gao on Monday.", "Gao", 30, 1, 0, true},
		{"L'attaque a eu lieu à 15 km de Djibo, selon des sources locales.", "Djibo", 15, 0, 0, true},
		{"Des hommes armés ont frappé à 40 km au sud-est de Mopti.", "Mopti", 40, -1, 1, true},
		{"The camp lies about 20 miles west of Kano.", "Kano", 20 * 1.609344, 0, -1, true},
		{"Soldiers were deployed in Gao.", "Gao", 0, 0, 0, false},
	}
	for _, tt := range tests {
		var pl *model.Place
		for _, x := range p.Parse(tt.text) {
			if x.Text == tt.anchor {
				pl = &x
			}
		}
		if pl == nil {
			t.Fatalf("%q: %s not found", tt.text, tt.anchor)
		}
		r, ok := RelativeTo(tt.text, *pl)
		if ok != tt.ok {
			t.Fatalf("RelativeTo(%q) ok = %v, want %v", tt.text, ok, tt.ok)
		}
		if !ok {
			continue
		}
		if math.Abs(r.Km-tt.km) > 0.01 || r.Precision != 2 || r.Why == "" || r.Anchor.GeonameID != pl.GeonameID {
			t.Errorf("RelativeTo(%q) = %+v", tt.text, r)
		}
		sign := func(x float64) float64 {
			switch {
			case x > 1e-3:
				return 1
			case x < -1e-3:
				return -1
			}
			return 0
		}
		if sign(r.Lat-*pl.Latitude) != tt.dLat || sign(r.Lon-*pl.Longitude) != tt.dLon {
			t.Errorf("RelativeTo(%q) moved %v,%v → %v,%v", tt.text, *pl.Latitude, *pl.Longitude, r.Lat, r.Lon)
		}
		if got := distanceKm(*pl.Latitude, *pl.Longitude, r.Lat, r.Lon); !math.IsNaN(r.Bearing) && math.Abs(got-tt.km) > tt.km*0.02 {
			t.Errorf("RelativeTo(%q) moved %.1f km, want %.1f", tt.text, got, tt.km)
		}
		if !strings.Contains(tt.text[r.Start:], "km") && !strings.Contains(tt.text[r.Start:], "miles") {
			t.Errorf("Start %d does not point at the expression", r.Start)
		}
	}
}

func FuzzRelativeTo(f *testing.F) {
	f.Add("à 15 km de Djibo", 11)
	f.Add("30 km north of Gao", 15)
	f.Add("\xff à 1,5 km de X", 3)
	f.Fuzz(func(t *testing.T, text string, start int) {
		lat, lon := 14.0, -3.0
		p := model.Place{Start: start, End: start + 1, Latitude: &lat, Longitude: &lon, Name: "X"}
		r, ok := RelativeTo(text, p)
		if ok && (r.Km <= 0 || r.Km > 500*1.61 || r.Lat < -90 || r.Lat > 90 || r.Lon < -180 || r.Lon > 180 || r.Start > start) {
			t.Fatalf("bad result %+v", r)
		}
	})
}
