// Command genbasemap builds the offline basemap the web UI draws under its
// map: country outlines (Natural Earth via world-atlas, TopoJSON) and admin-1
// boundaries of West Africa (Natural Earth 10m admin-1), simplified and
// rounded into one compact GeoJSON file, gzipped, that internal/web embeds.
//
//	go run ./devtools/genbasemap [-shared ../shared] [-out internal/web/static/basemap.geojson.gz]
//
// Country borders are simplified arc by arc (TopoJSON arcs are shared), so
// neighbours keep a common border. Admin-1 rings are simplified one by one;
// they are drawn as thin lines, so the tiny slivers that leaves do not show.
// Natural Earth is public domain.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	shared := flag.String("shared", "../shared", "the shared data directory")
	out := flag.String("out", "internal/web/static/basemap.geojson.gz", "output file (gzipped GeoJSON)")
	countryTol := flag.Float64("country-tolerance", 0.04, "Douglas-Peucker tolerance for country borders, degrees")
	adminTol := flag.Float64("admin-tolerance", 0.03, "Douglas-Peucker tolerance for admin-1 borders, degrees")
	flag.Parse()
	if err := run(*shared, *out, *countryTol, *adminTol); err != nil {
		fmt.Fprintln(os.Stderr, "genbasemap:", err)
		os.Exit(1)
	}
}

// feature is one output feature: k is "c" (country) or "a" (admin-1), n its
// name, c the country (ISO alpha-3 for admin-1, name for countries).
type feature struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
	Geometry   geometry          `json:"geometry"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates [][][][]float64 `json:"coordinates"` // always MultiPolygon
}

func run(shared, out string, countryTol, adminTol float64) error {
	ne := filepath.Join(shared, "data", "boundaries", "naturalearth")
	countries, err := readCountries(filepath.Join(ne, "world-atlas", "countries-50m.topojson.gz"), countryTol)
	if err != nil {
		return err
	}
	admins, err := readAdmin1(filepath.Join(ne, "ne_10m_admin1_westafrica.geojson"), adminTol)
	if err != nil {
		return err
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{"FeatureCollection", append(countries, admins...)}
	raw, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	slog.Info("basemap written", "out", out, "countries", len(countries), "admin1", len(admins),
		"json_bytes", len(raw), "gzip_bytes", buf.Len())
	return nil
}

func readGz(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if filepath.Ext(path) == ".gz" {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	}
	return io.ReadAll(r)
}

// topology is the part of a TopoJSON document the generator reads.
type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string            `json:"type"`
			ID         string            `json:"id"`
			Arcs       json.RawMessage   `json:"arcs"`
			Properties map[string]string `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
}

func readCountries(path string, tol float64) ([]feature, error) {
	raw, err := readGz(path)
	if err != nil {
		return nil, err
	}
	var t topology
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Decode (delta, quantized) and simplify every arc once.
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		pts := make([][2]float64, len(a))
		var x, y float64
		for j, p := range a {
			if t.Transform != nil {
				x += p[0]
				y += p[1]
				pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				pts[j] = p
			}
		}
		t := tol
		if !inFocus(pts) {
			t = tol * farFactor // far from the Sahel: coarser
		}
		arcs[i] = simplify(pts, t)
	}
	ring := func(idx []int) [][]float64 {
		var r [][]float64
		for _, i := range idx {
			a := arcs[max(i, ^i)]
			if i < 0 {
				rev := make([][2]float64, len(a))
				for j := range a {
					rev[j] = a[len(a)-1-j]
				}
				a = rev
			}
			for j, p := range a {
				if j == 0 && len(r) > 0 {
					continue // shared with the previous arc's last point
				}
				r = append(r, []float64{round2(p[0]), round2(p[1])})
			}
		}
		return dedupe(r)
	}
	var out []feature
	for _, g := range t.Objects["countries"].Geometries {
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, err
			}
		default:
			continue
		}
		var mp [][][][]float64
		for _, p := range polys {
			var rings [][][]float64
			for k, idx := range p {
				r := ring(idx)
				if len(r) < 4 {
					if k == 0 {
						break // the outer ring vanished: drop the polygon
					}
					continue
				}
				rings = append(rings, r)
			}
			if len(rings) > 0 {
				mp = append(mp, rings)
			}
		}
		if len(mp) == 0 {
			continue
		}
		out = append(out, feature{"Feature", map[string]string{"k": "c", "n": g.Properties["name"], "id": g.ID},
			geometry{"MultiPolygon", mp}})
	}
	return out, nil
}

func readAdmin1(path string, tol float64) ([]feature, error) {
	raw, err := readGz(path)
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []feature
	for _, f := range fc.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, err
			}
			polys = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, err
			}
		default:
			continue
		}
		var mp [][][][]float64
		for _, p := range polys {
			var rings [][][]float64
			for k, r := range p {
				var rr [][]float64
				for _, pt := range simplify(r, tol) {
					rr = append(rr, []float64{round2(pt[0]), round2(pt[1])})
				}
				rr = dedupe(rr)
				if len(rr) < 4 {
					if k == 0 {
						break
					}
					continue
				}
				rings = append(rings, rr)
			}
			if len(rings) > 0 {
				mp = append(mp, rings)
			}
		}
		if len(mp) == 0 {
			continue
		}
		name, _ := f.Properties["name"].(string)
		iso, _ := f.Properties["adm0_a3"].(string)
		out = append(out, feature{"Feature", map[string]string{"k": "a", "n": name, "c": iso}, geometry{"MultiPolygon", mp}})
	}
	return out, nil
}

// The map's focus: West and North Africa and the Sahel. Arcs outside it are
// simplified farFactor times more coarsely.
const (
	focusW, focusE, focusS, focusN = -30.0, 45.0, -5.0, 40.0
	farFactor                      = 6
)

// inFocus reports whether any point of pts lies in the focus box.
func inFocus(pts [][2]float64) bool {
	for _, p := range pts {
		if p[0] >= focusW && p[0] <= focusE && p[1] >= focusS && p[1] <= focusN {
			return true
		}
	}
	return false
}

// round2 rounds a coordinate to 0.01 degree (about a kilometre): enough for
// a basemap, and it halves the file.
func round2(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64), 64)
	return r
}

// dedupe drops consecutive repeated points.
func dedupe(r [][]float64) [][]float64 {
	out := r[:0]
	for i, p := range r {
		if i > 0 && p[0] == out[len(out)-1][0] && p[1] == out[len(out)-1][1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// simplify is Douglas-Peucker: it keeps the end points and every point
// farther than tol from the chord of its section.
func simplify(pts [][2]float64, tol float64) [][2]float64 {
	if len(pts) <= 2 || tol <= 0 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	type section struct{ a, b int }
	stack := []section{{0, len(pts) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		best, at := 0.0, -1
		for i := s.a + 1; i < s.b; i++ {
			if d := segDist(pts[i], pts[s.a], pts[s.b]); d > best {
				best, at = d, i
			}
		}
		if at >= 0 && best > tol {
			keep[at] = true
			stack = append(stack, section{s.a, at}, section{at, s.b})
		}
	}
	var out [][2]float64
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	return out
}

// segDist is the distance from p to the segment ab (planar, in degrees).
func segDist(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	if dx == 0 && dy == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}
