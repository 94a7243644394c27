package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// feature is one administrative polygon, reduced to what the generator
// needs: a name, a code, a country and rings.
type feature struct {
	name, code, cc string
	polys          [][][][2]float64 // polygons → rings → points (lon, lat)
	minX, minY     float64
	maxX, maxY     float64
}

// contains reports whether (x, y) = (lon, lat) lies inside the feature
// (even–odd rule over each polygon's rings, so holes are honoured).
func (f *feature) contains(x, y float64) bool {
	if x < f.minX || x > f.maxX || y < f.minY || y > f.maxY {
		return false
	}
	for _, poly := range f.polys {
		in := false
		for _, ring := range poly {
			for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
				a, b := ring[i], ring[j]
				if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
		if in {
			return true
		}
	}
	return false
}

type geojson struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// loadFeatures reads a GeoJSON FeatureCollection and names each feature
// with fn (which returns ok=false to skip it).
func loadFeatures(path string, fn func(p map[string]any) (name, code, cc string, ok bool)) ([]feature, error) {
	r, closeFn, err := openMaybeGz(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var g geojson
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []feature
	for i, gf := range g.Features {
		name, code, cc, ok := fn(gf.Properties)
		if !ok {
			continue
		}
		f := feature{name: name, code: code, cc: cc}
		switch gf.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			err = json.Unmarshal(gf.Geometry.Coordinates, &p)
			f.polys = [][][][2]float64{p}
		case "MultiPolygon":
			err = json.Unmarshal(gf.Geometry.Coordinates, &f.polys)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: feature %d: %w", path, i, err)
		}
		f.minX, f.minY, f.maxX, f.maxY = 1e9, 1e9, -1e9, -1e9
		for _, p := range f.polys {
			for _, ring := range p {
				for _, pt := range ring {
					f.minX, f.maxX = min(f.minX, pt[0]), max(f.maxX, pt[0])
					f.minY, f.maxY = min(f.minY, pt[1]), max(f.maxY, pt[1])
				}
			}
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no usable features", path)
	}
	return out, nil
}

func str(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

// loadNaturalEarthAdmin1 loads the West Africa admin-1 layer; code is the
// GeoNames admin1 key (gn_a1_code, e.g. "ML.05").
func loadNaturalEarthAdmin1(path string) ([]feature, error) {
	return loadFeatures(path, func(p map[string]any) (string, string, string, bool) {
		return str(p, "name"), str(p, "gn_a1_code"), str(p, "iso_a2"), str(p, "gn_a1_code") != ""
	})
}

// loadOCHAMali loads the OCHA Mali ADM2 (cercle) layer.
func loadOCHAMali(path string) ([]feature, error) {
	return loadFeatures(path, func(p map[string]any) (string, string, string, bool) {
		return str(p, "admin2Name"), str(p, "admin2Pcod"), "ML", str(p, "admin2Name") != ""
	})
}

// loadWOFCounties loads the county polygons of one wof-meso file.
func loadWOFCounties(path string) ([]feature, error) {
	return loadFeatures(path, func(p map[string]any) (string, string, string, bool) {
		return str(p, "name"), "", str(p, "country"), str(p, "placetype") == "county"
	})
}
