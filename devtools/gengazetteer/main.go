// Command gengazetteer derives the geoparser's embedded gazetteer from the
// GeoNames dumps and boundary layers under shared/data.
//
//	go run ./devtools/gengazetteer -shared ../shared -out internal/geoparse/data
//
// It writes two files into -out:
//
//   - gazetteer.vgz: the binary index (package gazdata) of every populated
//     place and administrative unit of West Africa and the Sahel, the
//     world's places of 500 people or more (cities500), every first-level
//     region of the world, every country, the continents and the regions
//     news names ("the Sahel", "West Africa", "the Middle East");
//   - countries.tsv: ISO2, ISO3, name, capital, geonameid and reference
//     point of every country.
//
// The output is deterministic: same inputs, same bytes.
package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigil-hr/vigil/internal/geoparse/gazdata"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
)

// focus lists the countries of West Africa and the Sahel whose populated
// places and administrative units are all kept (westafrica_PA.txt.gz).
var focus = []string{"ML", "BF", "NE", "MR", "SN", "GN", "CI", "DZ", "NG", "TD", "CM", "GH",
	"TG", "BJ", "GM", "GW", "LR", "SL", "CV", "LY", "EH", "SD"}

// source is one GeoNames dump, ranked: on equal modification dates the
// lower rank wins.
type source struct {
	path string
	rank int
}

// altMinPop is the smallest population of a world (non-focus) place whose
// alternate names are kept: small places answer to their own name only,
// which keeps the index small and spares common words.
const altMinPop = 15000

func main() {
	shared := flag.String("shared", "../shared", "path of the shared/ folder")
	out := flag.String("out", "internal/geoparse/data", "output folder")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*shared, *out); err != nil {
		log.Fatalf("gengazetteer: %v", err)
	}
}

// row is one GeoNames row with the names the output needs.
type row struct {
	id              int64
	name, ascii     string
	alt             []string
	lat, lon        float64
	class, code, cc string
	a1code, a1, a2  string
	a2code          string
	pop             int64
	mod             string
	rank            int
}

func run(shared, out string) error {
	gn := filepath.Join(shared, "data", "gazetteer", "geonames")
	bd := filepath.Join(shared, "data", "boundaries")

	admin1, err := readCodes(filepath.Join(gn, "admin1CodesASCII.txt"))
	if err != nil {
		return err
	}
	admin2, err := readCodes(filepath.Join(gn, "admin2Codes.txt.gz"))
	if err != nil {
		return err
	}

	inFocus := map[string]bool{}
	for _, cc := range focus {
		inFocus[cc] = true
	}
	sources := []source{{"westafrica_PA.txt.gz", 0}, {"cities500.txt.gz", 1}}
	rows := map[int64]*row{}
	var capitals []*row              // PPLC rows of the world, for country points
	biggest := map[string]*row{}     // each country's most populous city, the fallback point
	a1pts := map[string][3]float64{} // cc.admin1 → sum lat, sum lon, count (cities500)
	pcli := map[string]*row{}        // PCLI rows found in the dumps
	for _, s := range sources {
		err := readDump(filepath.Join(gn, s.path), func(r *row) {
			r.rank = s.rank
			if r.code == "PCLI" {
				pcli[r.cc] = r
				return
			}
			if r.class != "P" && r.class != "A" {
				return
			}
			if s.rank == 1 {
				if r.code == "PPLC" {
					capitals = append(capitals, r)
				}
				if b := biggest[r.cc]; b == nil || r.pop > b.pop {
					biggest[r.cc] = r
				}
				k := r.cc + "." + r.a1code
				p := a1pts[k]
				a1pts[k] = [3]float64{p[0] + r.lat, p[1] + r.lon, p[2] + 1}
			}
			old := rows[r.id]
			if old == nil || r.mod > old.mod || (r.mod == old.mod && r.rank < old.rank) {
				rows[r.id] = r
			}
		})
		if err != nil {
			return err
		}
	}
	if err := addLangNames(filepath.Join(gn, "wof-derived", "altnames_lang.tsv.gz"), rows); err != nil {
		return err
	}

	// Administrative names: code tables first, polygons where codes fail.
	a1poly, err := loadNaturalEarthAdmin1(filepath.Join(bd, "naturalearth", "ne_10m_admin1_westafrica.geojson"))
	if err != nil {
		return err
	}
	a2poly := map[string][]feature{}
	ml, err := loadOCHAMali(filepath.Join(bd, "ocha", "mli_admbnda_adm2_gov_ocha_itos.geojson.gz"))
	if err != nil {
		return err
	}
	a2poly["ML"] = ml
	for _, cc := range []string{"BF", "NE", "MR", "GN", "CI", "NG", "TD", "CM", "GH", "BJ", "TG", "SD"} {
		f, err := loadWOFCounties(filepath.Join(bd, "wof-meso", strings.ToLower(cc)+"_admin.geojson.gz"))
		if err != nil {
			return err
		}
		a2poly[cc] = f
	}
	var pipA1, pipA2 int
	for _, r := range rows {
		if n, ok := admin1[r.cc+"."+r.a1code]; ok {
			r.a1 = n
		} else if inFocus[r.cc] {
			for _, f := range a1poly {
				if f.cc == r.cc && f.contains(r.lon, r.lat) {
					code := strings.TrimPrefix(f.code, r.cc+".")
					if n, ok := admin1[f.code]; ok {
						r.a1code, r.a1 = code, n
						pipA1++
					}
					break
				}
			}
		}
		if r.a2code != "" {
			if n, ok := admin2[r.cc+"."+r.a1code+"."+r.a2code]; ok {
				r.a2 = cleanAdmin2(n)
				continue
			}
		}
		if r.class == "A" && (r.code == "ADM1" || r.code == "PCLI") {
			continue
		}
		for _, f := range a2poly[r.cc] {
			if f.contains(r.lon, r.lat) {
				r.a2 = f.name
				pipA2++
				break
			}
		}
	}
	// Administrative units answer to their bare name too ("Ségou" for
	// "Ségou Region", "Niono" for "Cercle de Niono").
	for _, r := range rows {
		switch r.code {
		case "ADM1":
			if n, ok := admin1[r.cc+"."+r.a1code]; ok {
				r.alt = append(r.alt, n)
			}
		case "ADM2":
			r.alt = append(r.alt, cleanAdmin2(r.name))
		}
		if !inFocus[r.cc] && r.pop < altMinPop && r.class == "P" {
			r.alt = nil
		}
		r.alt = cleanAlt(r.name, r.ascii, r.alt)
	}

	// First-level regions of the whole world.
	ne, err := loadNEAdmin1Points(filepath.Join(bd, "naturalearth", "ne_10m_admin1_states_provinces.geojson.gz"))
	if err != nil {
		return err
	}
	nA1 := addAdmin1(filepath.Join(gn, "admin1CodesASCII.txt"), rows, ne, a1pts)

	countries, err := readCountries(filepath.Join(gn, "countryInfo.txt"), capitals, biggest, pcli)
	if err != nil {
		return err
	}
	for _, c := range countries {
		if c.id == 0 {
			continue
		}
		rows[c.id] = &row{
			id: c.id, name: c.name, ascii: c.name, alt: cleanAlt(c.name, c.name, c.alt),
			lat: c.lat, lon: c.lon, class: "A", code: "PCLI", cc: c.iso2, pop: c.pop,
		}
	}
	for _, r := range regions {
		rr := r
		rr.alt = cleanAlt(r.name, r.ascii, r.alt)
		rows[r.id] = &rr
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeIndex(filepath.Join(out, "gazetteer.vgz"), rows); err != nil {
		return err
	}
	if err := writeCountries(filepath.Join(out, "countries.tsv"), countries); err != nil {
		return err
	}

	perCC := map[string]int{}
	var world, alts int
	for _, r := range rows {
		alts += len(r.alt)
		if inFocus[r.cc] {
			perCC[r.cc+"/"+r.class]++
		} else if r.code != "PCLI" {
			world++
		}
	}
	keys := make([]string, 0, len(perCC))
	for k := range perCC {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-5s %6d\n", k, perCC[k])
	}
	fmt.Printf("world rows %d, admin1 added %d, countries %d, rows %d, alternate names %d\n", world, nA1, len(countries), len(rows), alts)
	fmt.Printf("admin1 by point-in-polygon %d, admin2 by point-in-polygon %d\n", pipA1, pipA2)
	return nil
}

// writeIndex writes the binary index (package gazdata).
func writeIndex(path string, rows map[int64]*row) error {
	recs := make([]gazdata.Record, 0, len(rows))
	for _, r := range rows {
		ascii := r.ascii
		if ascii == r.name {
			ascii = ""
		}
		recs = append(recs, gazdata.Record{
			ID: r.id, Name: clean(r.name), ASCII: clean(ascii), Alt: r.alt,
			Lat: round5(r.lat), Lon: round5(r.lon), Class: r.class, Code: r.code, Country: r.cc,
			Admin1Code: r.a1code, Admin1: clean(r.a1), Admin2: clean(r.a2), Population: r.pop,
		})
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gazdata.Write(f, recs); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func round5(f float64) float64 { return math.Round(f*1e5) / 1e5 }

// openMaybeGz opens a file, unzipping it when its name ends in .gz.
func openMaybeGz(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, f.Close, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return z, func() error { z.Close(); return f.Close() }, nil
}

// readDump calls fn for every row of a 19-column GeoNames dump.
func readDump(path string, fn func(*row)) error {
	r, closeFn, err := openMaybeGz(path)
	if err != nil {
		return err
	}
	defer closeFn()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 19 {
			return fmt.Errorf("%s:%d: %d columns, want 19", path, n, len(f))
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return fmt.Errorf("%s:%d: geonameid: %w", path, n, err)
		}
		lat, err1 := strconv.ParseFloat(f[4], 64)
		lon, err2 := strconv.ParseFloat(f[5], 64)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("%s:%d: coordinates: %w", path, n, err)
		}
		pop, _ := strconv.ParseInt(strings.TrimSuffix(f[14], ".0"), 10, 64)
		var alt []string
		if f[3] != "" {
			alt = strings.Split(f[3], ",")
		}
		fn(&row{
			id: id, name: f[1], ascii: f[2], alt: alt, lat: lat, lon: lon,
			class: f[6], code: f[7], cc: f[8], a1code: f[10], a2code: f[11],
			pop: pop, mod: f[18],
		})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readCodes reads admin1CodesASCII/admin2Codes: code ⇥ name ⇥ ascii ⇥ id.
func readCodes(path string) (map[string]string, error) {
	r, closeFn, err := openMaybeGz(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) >= 2 {
			m[f[0]] = f[1]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// admin2Prefixes and admin2Suffixes are the words GeoNames wraps around
// admin2 names; ACLED and the boundary layers use the bare name
// ("Cercle de Niono" → "Niono").
var admin2Prefixes = []string{
	"Cercle de ", "Cercle d'", "Cercle d’", "Province du ", "Province de la ",
	"Province de l'", "Province de l’", "Province des ", "Province de ",
	"Département de ", "Département du ", "Département d'", "Département d’",
	"Préfecture de ", "Préfecture du ", "Préfecture d'", "Daïra de ", "Daïra d'",
	"Daïra d’", "Région de ", "Région du ", "Région des ",
}

var admin2Suffixes = []string{" Cercle", " Province", " Prefecture", " Department"}

func cleanAdmin2(s string) string {
	for _, p := range admin2Prefixes {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	for _, p := range admin2Suffixes {
		if strings.HasSuffix(s, p) {
			s = s[:len(s)-len(p)]
			break
		}
	}
	return strings.TrimSpace(s)
}

// cleanAlt keeps the alternate names worth matching: Latin script, not a
// code, not a repeat (after folding) of the name or of each other.
func cleanAlt(name, ascii string, alt []string) []string {
	seen := map[string]bool{fold.String(name): true, fold.String(ascii): true}
	var out []string
	for _, a := range alt {
		a = strings.Join(strings.Fields(strings.NewReplacer("|", " ", "\t", " ").Replace(a)), " ")
		if !usefulName(a) {
			continue
		}
		k := fold.String(a)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// usefulName reports whether s is a Latin-script name rather than a code
// (IATA/ICAO, postal, ISO) or a name in another script.
func usefulName(s string) bool {
	if len(s) < 2 || strings.HasPrefix(s, "http") {
		return false
	}
	letters, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			return false
		case unicode.IsLetter(r):
			if !unicode.Is(unicode.Latin, r) {
				return false
			}
			letters++
			if unicode.IsLower(r) {
				lower++
			}
		case unicode.Is(unicode.Mn, r), r == ' ', r == '-', r == '\'', r == '’', r == '.', r == '(', r == ')':
		default:
			return false
		}
	}
	if letters < 2 {
		return false
	}
	// All lower case: a romanisation key ("ni ya mei", "tmbktw"), not a
	// name as news text writes it. All upper case and short: a code.
	return lower < letters && (lower > 0 || letters > 4)
}

func clean(s string) string { return strings.NewReplacer("\t", " ", "\n", " ", "|", " ").Replace(s) }

// coord formats a coordinate with 5 decimals and no trailing zeros.
func coord(f float64) string {
	s := strconv.FormatFloat(f, 'f', 5, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func writeGz(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	z, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	w := bufio.NewWriter(z)
	fill(w)
	err = errors.Join(w.Flush(), z.Close(), f.Close())
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
