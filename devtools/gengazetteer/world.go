package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// addLangNames adds the Latin-script English, French and undetermined-
// language names of Who's On First (altnames_lang.tsv.gz) to the rows they
// name.
func addLangNames(path string, rows map[int64]*row) error {
	r, closeFn, err := openMaybeGz(path)
	if err != nil {
		return err
	}
	defer closeFn()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 5 || f[0] == "geonameid" {
			continue
		}
		switch f[2] {
		case "eng", "fra", "und":
		default:
			continue
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		if rw := rows[id]; rw != nil {
			rw.alt = append(rw.alt, f[4])
		}
	}
	return sc.Err()
}

// nePoint is a Natural Earth admin-1 unit's label point and names.
type nePoint struct {
	lat, lon float64
	names    []string
}

// loadNEAdmin1Points reads the world admin-1 layer's label points and
// English/French names, keyed by GeoNames id ("gn_id") and by GeoNames
// admin1 key ("gn_a1_code", "FR.11").
func loadNEAdmin1Points(path string) (map[string]nePoint, error) {
	r, closeFn, err := openMaybeGz(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var g struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]nePoint{}
	for _, f := range g.Features {
		p := f.Properties
		lat, ok1 := p["latitude"].(float64)
		lon, ok2 := p["longitude"].(float64)
		if !ok1 || !ok2 {
			continue
		}
		pt := nePoint{lat: lat, lon: lon}
		for _, k := range []string{"name", "name_en", "name_fr", "gn_name"} {
			if s := str(p, k); s != "" {
				pt.names = append(pt.names, s)
			}
		}
		for _, s := range strings.Split(str(p, "name_alt"), "|") {
			if s = strings.TrimSpace(s); s != "" {
				pt.names = append(pt.names, s)
			}
		}
		if id, ok := p["gn_id"].(float64); ok && id > 0 {
			out["id:"+strconv.FormatInt(int64(id), 10)] = pt
		}
		if c := str(p, "gn_a1_code"); c != "" {
			if _, dup := out[c]; !dup {
				out[c] = pt
			}
		}
	}
	return out, nil
}

// addAdmin1 adds a row for every admin1CodesASCII unit the dumps lack,
// placed at Natural Earth's label point, else at the mean point of the
// unit's cities. It returns how many it added.
func addAdmin1(path string, rows map[int64]*row, ne map[string]nePoint, a1pts map[string][3]float64) int {
	r, closeFn, err := openMaybeGz(path)
	if err != nil {
		return 0
	}
	defer closeFn()
	n := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 4 {
			continue
		}
		id, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		cc, code, ok := strings.Cut(f[0], ".")
		if !ok {
			continue
		}
		pt, found := ne["id:"+f[3]]
		if !found {
			pt, found = ne[f[0]]
		}
		if old := rows[id]; old != nil {
			if found {
				old.alt = append(old.alt, pt.names...)
			}
			continue
		}
		rw := &row{id: id, name: f[1], ascii: f[2], class: "A", code: "ADM1", cc: cc, a1code: code, a1: f[1]}
		switch {
		case found:
			rw.lat, rw.lon, rw.alt = pt.lat, pt.lon, pt.names
		case a1pts[f[0]][2] > 0:
			p := a1pts[f[0]]
			rw.lat, rw.lon = p[0]/p[2], p[1]/p[2]
		default:
			continue
		}
		rw.alt = cleanAlt(rw.name, rw.ascii, append(rw.alt, strings.TrimSuffix(strings.TrimSuffix(f[1], " Region"), " Province")))
		rows[id] = rw
		n++
	}
	return n
}

// regions are the continents (GeoNames' own ids and points) and the broad
// regions news names. Regions GeoNames has no single entry for carry
// ids in GeoNames' unused range 1–99 so that they stay distinct; their
// points are the regions' rough centres. Facts written by hand.
var regions = []row{
	{id: 6255146, name: "Africa", alt: []string{"Afrique"}, lat: 7.1881, lon: 21.09375, class: "L", code: "CONT", pop: 1031833000},
	{id: 6255147, name: "Asia", alt: []string{"Asie"}, lat: 29.84064, lon: 89.29688, class: "L", code: "CONT", pop: 3812366000},
	{id: 6255148, name: "Europe", alt: []string{"Europe"}, lat: 48.69096, lon: 9.14062, class: "L", code: "CONT", pop: 741447158},
	{id: 6255149, name: "North America", alt: []string{"Amérique du Nord"}, lat: 46.07323, lon: -100.54688, class: "L", code: "CONT", pop: 542056000},
	{id: 6255150, name: "South America", alt: []string{"Amérique du Sud"}, lat: -14.60485, lon: -57.65625, class: "L", code: "CONT", pop: 385742554},
	{id: 6255151, name: "Oceania", alt: []string{"Océanie", "Australasia"}, lat: -18.31281, lon: 138.51562, class: "L", code: "CONT", pop: 40467040},
	{id: 6255152, name: "Antarctica", alt: []string{"Antarctique"}, lat: -78.15856, lon: 16.40626, class: "L", code: "CONT"},
	{id: 1, name: "Sahel", alt: []string{"bande sahélienne"}, lat: 14.5, lon: 2, class: "L", code: "RGN"},
	{id: 2, name: "West Africa", alt: []string{"Afrique de l'Ouest", "Afrique occidentale"}, lat: 11.5, lon: -4, class: "L", code: "RGN"},
	{id: 3, name: "Middle East", alt: []string{"Moyen-Orient", "Mideast", "Proche-Orient", "Near East"}, lat: 29.3, lon: 42.5, class: "L", code: "RGN"},
	{id: 4, name: "East Africa", alt: []string{"Afrique de l'Est", "Afrique orientale"}, lat: 1, lon: 36, class: "L", code: "RGN"},
	{id: 5, name: "North Africa", alt: []string{"Afrique du Nord"}, lat: 27, lon: 12, class: "L", code: "RGN"},
	{id: 6, name: "Central Africa", alt: []string{"Afrique centrale"}, lat: 2, lon: 19, class: "L", code: "RGN"},
	{id: 7, name: "Horn of Africa", alt: []string{"Corne de l'Afrique"}, lat: 8, lon: 45, class: "L", code: "RGN"},
	{id: 8, name: "Maghreb", alt: []string{"Maghrib"}, lat: 31, lon: 3, class: "L", code: "RGN"},
	{id: 9, name: "Sub-Saharan Africa", alt: []string{"Afrique subsaharienne"}, lat: 2, lon: 20, class: "L", code: "RGN"},
	{id: 10, name: "Southern Africa", alt: []string{"Afrique australe"}, lat: -25, lon: 25, class: "L", code: "RGN"},
	{id: 11, name: "Lake Chad Basin", alt: []string{"Lake Chad region", "bassin du lac Tchad"}, lat: 13, lon: 14, class: "L", code: "RGN"},
	{id: 12, name: "Liptako-Gourma", alt: []string{"Liptako Gourma", "zone des trois frontières", "tri-border area", "three borders area"}, lat: 14.8, lon: 0.5, class: "L", code: "RGN"},
	{id: 13, name: "Southeast Asia", alt: []string{"South-East Asia", "Asie du Sud-Est"}, lat: 10, lon: 110, class: "L", code: "RGN"},
	{id: 14, name: "Latin America", alt: []string{"Amérique latine"}, lat: -8, lon: -60, class: "L", code: "RGN"},
	{id: 15, name: "Caribbean", alt: []string{"Caraïbes"}, lat: 17, lon: -71, class: "L", code: "RGN"},
	{id: 16, name: "Balkans", alt: nil, lat: 43, lon: 21, class: "L", code: "RGN"},
	{id: 17, name: "Central Asia", alt: []string{"Asie centrale"}, lat: 43, lon: 65, class: "L", code: "RGN"},
	{id: 18, name: "South Asia", alt: []string{"Asie du Sud"}, lat: 22, lon: 78, class: "L", code: "RGN"},
	{id: 19, name: "Persian Gulf", alt: []string{"Gulf region", "golfe Persique", "Arabian Gulf"}, lat: 26.5, lon: 52, class: "L", code: "RGN"},
	{id: 20, name: "Scandinavia", alt: []string{"Scandinavie"}, lat: 62, lon: 14, class: "L", code: "RGN"},
	{id: 21, name: "Eastern Europe", alt: []string{"Europe de l'Est"}, lat: 50, lon: 30, class: "L", code: "RGN"},
	{id: 22, name: "Western Europe", alt: []string{"Europe de l'Ouest", "Europe occidentale"}, lat: 48, lon: 4, class: "L", code: "RGN"},
	{id: 23, name: "Gulf of Guinea", alt: []string{"golfe de Guinée"}, lat: 3, lon: 3, class: "H", code: "GULF"},
	{id: 24, name: "Lake Chad", alt: []string{"lac Tchad"}, lat: 13.3, lon: 14.1, class: "H", code: "LK"},
	{id: 25, name: "Sahara", alt: []string{"Sahara Desert", "désert du Sahara"}, lat: 23, lon: 10, class: "T", code: "DSRT"},
	{id: 26, name: "Inner Niger Delta", alt: []string{"delta intérieur du Niger", "delta central du Niger"}, lat: 14.5, lon: -4.5, class: "L", code: "RGN"},
	{id: 29, name: "Darfur", alt: []string{"le Darfour", "Darfour"}, lat: 13.5, lon: 24, class: "L", code: "RGN", cc: "SD"},
	{id: 31, name: "Mediterranean Sea", alt: []string{"Mediterranean", "Méditerranée", "mer Méditerranée"}, lat: 35, lon: 18, class: "H", code: "SEA"},
	{id: 32, name: "Atlantic Ocean", alt: []string{"Atlantic", "océan Atlantique"}, lat: 10, lon: -30, class: "H", code: "OCN"},
	{id: 33, name: "Indian Ocean", alt: []string{"océan Indien"}, lat: -10, lon: 75, class: "H", code: "OCN"},
	{id: 30, name: "Kashmir", alt: []string{"Cachemire"}, lat: 34.5, lon: 76, class: "L", code: "RGN"},
}

// countryPoints are GeoNames' own reference points (the PCLI rows'
// coordinates) for the countries whose capital lies far from it; other
// countries take the PCLI row of the dumps, else their capital's point.
var countryPoints = map[string][2]float64{
	"US": {39.76, -98.5}, "RU": {60, 100}, "CN": {35, 105}, "CA": {60.10867, -113.64258},
	"BR": {-10, -55}, "AU": {-25, 135}, "IN": {22, 79}, "FR": {46, 2}, "DE": {51.5, 10.5},
	"GB": {54.75844, -2.69531}, "NE": {18, 9}, "NG": {10, 8}, "TD": {15, 19}, "SD": {16, 30},
	"LY": {28, 17}, "DZ": {28, 3}, "EG": {27, 30}, "MR": {20, -12}, "IQ": {33, 44},
	"SY": {35, 38}, "IR": {32, 53}, "AF": {33, 66}, "PK": {30, 70}, "UA": {49, 32},
	"IL": {31.5, 34.75}, "MX": {23, -102}, "ID": {-5, 120}, "SA": {25, 45}, "YE": {15.5, 47.5},
	"SO": {6, 48}, "AR": {-34, -64}, "ZA": {-29, 24}, "KE": {1, 38}, "ET": {9, 39.5},
	"CD": {-2.5, 23.5}, "CF": {7, 21}, "SS": {8, 30}, "CM": {6, 12.5}, "ML": {18, -2},
	"BF": {12.5, -1.66667}, "SN": {14.5, -14.25}, "GN": {10.83333, -10.66667}, "CI": {8, -5},
	"GH": {8.1, -1.2}, "TZ": {-6, 35}, "AO": {-12.5, 18.5}, "MZ": {-18.25, 35}, "ZM": {-14.33333, 28.5},
	"MG": {-20, 47}, "NA": {-22, 17}, "BW": {-22, 24}, "ZW": {-19, 29.75}, "MA": {32, -5},
	"TN": {34, 9}, "TR": {39, 35}, "ES": {40, -4}, "IT": {42.83333, 12.83333}, "PL": {52, 20},
	"SE": {62, 15}, "NO": {62, 10}, "FI": {64, 26}, "KZ": {48, 68}, "MN": {46, 105},
	"CO": {4, -73.25}, "PE": {-10, -75.25}, "VE": {8, -66}, "CL": {-30, -71}, "BO": {-17, -65},
	"JP": {35.68536, 139.75309}, "TH": {15.5, 101}, "MM": {21, 96}, "VN": {16.16667, 107.83333},
	"PH": {13, 122}, "MY": {2.5, 112.5}, "GL": {72, -40}, "OM": {21, 57}, "JO": {31, 36},
	"LB": {33.83333, 35.83333}, "AE": {24, 54}, "ER": {15, 39}, "UG": {1.25, 32.5},
	"BJ": {9.5, 2.25}, "TG": {8, 1.16667}, "LR": {6.5, -9.5}, "SL": {8.5, -11.5}, "GM": {13.5, -15.5},
	"GW": {12, -15}, "CG": {-1, 15.5}, "GA": {-1, 11.75}, "RW": {-2, 30}, "BI": {-3.5, 30},
	"KP": {40, 127}, "KR": {36.5, 127.75}, "NP": {28, 84}, "BD": {24, 90}, "LK": {7.75, 80.75},
}

// sortedKeys returns a map's keys in order (for deterministic loops).
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
