package geoparse

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
)

// Relative is a point placed relative to a named place: "30 km north of
// Gao", "à 15 km de Djibo", "about 20 miles from Kano".
type Relative struct {
	Anchor    model.Place // the named place, as resolved
	Start     int         // byte offset where the expression begins ("30 km...")
	Km        float64     // the distance, in kilometres
	Bearing   float64     // degrees clockwise from north; NaN when no direction is given
	Lat, Lon  float64     // the offset point (the anchor's when no direction is given)
	Precision int         // ACLED geo-precision: 2 (a point near a known place)
	Why       string      // one line: how the point was derived
}

var (
	// English: "30 km north of", "about 20 kilometres south-east of",
	// "15 miles from".
	relEN = regexp.MustCompile(`(?i)(?:about|some|around|roughly|nearly|almost)?\s*(\d+(?:[.,]\d+)?)\s*(km|kms|kilometres|kilometers|kilometre|kilometer|miles|mile|mi)\s+(?:(north|south|east|west|north-east|northeast|north-west|northwest|south-east|southeast|south-west|southwest)\s+of|from|outside|away from|off)\s+(?:the\s+(?:town|village|city)\s+of\s+)?$`)
	// French: "à 15 km de", "à une trentaine de km au nord de", "à 30 km
	// au sud-est de la ville de".
	relFR = regexp.MustCompile(`(?i)(?:à|a)\s+(?:environ\s+|quelque\s+|près de\s+)?(\d+(?:[.,]\d+)?)\s*(km|kms|kilomètres|kilometres)\s+(?:(?:au|à l['’])\s*(nord|sud|est|ouest|nord-est|nord-ouest|sud-est|sud-ouest)\s+)?(?:de|d['’]|du)\s*(?:la\s+(?:ville|localité|commune)\s+de\s+|(?:la\s+)?(?:ville|localité|commune|village)\s+(?:de|d['’])\s*)?$`)
)

var bearings = map[string]float64{
	"north": 0, "nord": 0, "north-east": 45, "northeast": 45, "nord-est": 45,
	"east": 90, "est": 90, "south-east": 135, "southeast": 135, "sud-est": 135,
	"south": 180, "sud": 180, "south-west": 225, "southwest": 225, "sud-ouest": 225,
	"west": 270, "ouest": 270, "north-west": 315, "northwest": 315, "nord-ouest": 315,
}

// RelativeTo reads a distance and direction just before place p in text
// (p's offsets in bytes, as Parse returns them) and returns the offset
// point. ok is false when no such expression precedes p or p has no
// coordinates. Distances beyond 500 km are not taken.
func RelativeTo(text string, p model.Place) (r Relative, ok bool) {
	if p.Latitude == nil || p.Longitude == nil || p.Start <= 0 || p.Start > len(text) {
		return r, false
	}
	lo := max(0, p.Start-90)
	for lo > 0 && lo < p.Start && text[lo]&0xC0 == 0x80 {
		lo++ // not inside a UTF-8 sequence
	}
	before := text[lo:p.Start]
	var num, unit, dir string
	var at int
	if m := relEN.FindStringSubmatchIndex(before); m != nil {
		num, unit, at = before[m[2]:m[3]], before[m[4]:m[5]], m[0]
		if m[6] >= 0 {
			dir = before[m[6]:m[7]]
		}
	} else if m := relFR.FindStringSubmatchIndex(before); m != nil {
		num, unit, at = before[m[2]:m[3]], before[m[4]:m[5]], m[0]
		if m[6] >= 0 {
			dir = before[m[6]:m[7]]
		}
	} else {
		return r, false
	}
	d, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
	if err != nil || d <= 0 {
		return r, false
	}
	if u := strings.ToLower(unit); strings.HasPrefix(u, "mi") {
		d *= 1.609344
	}
	if d > 500 {
		return r, false
	}
	for at < len(before) && before[at] == ' ' {
		at++
	}
	r = Relative{Anchor: p, Start: lo + at, Km: d, Bearing: math.NaN(), Lat: *p.Latitude, Lon: *p.Longitude, Precision: 2}
	if b, found := bearings[strings.ToLower(dir)]; found {
		r.Bearing = b
		r.Lat, r.Lon = destination(*p.Latitude, *p.Longitude, b, d)
		r.Why = fmt.Sprintf("%.0f km %s of %s: point moved from %s (precision 2)", d, strings.ToLower(dir), p.Name, p.Name)
	} else {
		r.Why = fmt.Sprintf("%.0f km from %s, direction not given: %s's point (precision 2)", d, p.Name, p.Name)
	}
	return r, true
}

// destination returns the point d km from (lat, lon) on bearing b
// (degrees), on a sphere.
func destination(lat, lon, b, d float64) (float64, float64) {
	const rad = math.Pi / 180
	δ := d / 6371.0
	φ1, λ1, θ := lat*rad, lon*rad, b*rad
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	lon2 := math.Mod(λ2/rad+540, 360) - 180
	return math.Round(φ2/rad*1e5) / 1e5, math.Round(lon2*1e5) / 1e5
}
