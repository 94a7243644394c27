// Command gengazetteer derives the geoparser's embedded gazetteer from the
// GeoNames dumps and boundary layers under shared/data.
//
//	go run ./devtools/gengazetteer -shared ../shared -out internal/geoparse/data
//
// It writes two files into -out:
//
//   - gazetteer.tsv.gz: every populated place (class P) and administrative
//     unit (class A) of Mali and its neighbours, the world's cities of at
//     least -minpop people, and one row per country;
//   - countries.tsv: ISO2, ISO3, name, capital and reference point of every
//     country.
//
// The output is deterministic: rows are sorted by geonameid and gzip carries
// no name or time stamp.
package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
)

// Format identifies the layout of gazetteer.tsv.gz; the package checks it.
const Format = "vigil-gazetteer/1"

// focus lists the countries whose P and A rows are all kept.
var focus = []string{"ML", "BF", "NE", "MR", "SN", "GN", "CI", "DZ"}

// source is one GeoNames dump, ranked: on equal modification dates the
// lower rank wins.
type source struct {
	path string
	rank int
}

func main() {
	shared := flag.String("shared", "../shared", "path of the shared/ folder")
	out := flag.String("out", "internal/geoparse/data", "output folder")
	minPop := flag.Int64("minpop", 100000, "smallest population of a world city to keep")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*shared, *out, *minPop); err != nil {
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

func run(shared, out string, minPop int64) error {
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
	sources := []source{
		{"ML.txt.gz", 0}, {"SN.txt.gz", 0}, {"BF.txt.gz", 0},
		{"cities500.txt.gz", 1},
		{"legacy-2014/CI.txt.gz", 2}, {"legacy-2014/GN.txt.gz", 2},
		{"legacy-2014/MR.txt.gz", 2}, {"legacy-2014/NE.txt.gz", 2},
		{"wof-derived/CI.txt.gz", 3}, {"wof-derived/GN.txt.gz", 3},
		{"wof-derived/MR.txt.gz", 3}, {"wof-derived/NE.txt.gz", 3},
		{"wof-derived/DZ.txt.gz", 3},
	}
	rows := map[int64]*row{}
	var capitals []*row          // PPLC rows of the world, for country points
	biggest := map[string]*row{} // each country's most populous city, the fallback point
	for _, s := range sources {
		err := readDump(filepath.Join(gn, s.path), func(r *row) {
			r.rank = s.rank
			keepWorld := s.rank == 1 && r.class == "P" && (r.pop >= minPop || r.code == "PPLC")
			if s.rank == 1 && r.class == "P" {
				if r.code == "PPLC" {
					capitals = append(capitals, r)
				}
				if b := biggest[r.cc]; b == nil || r.pop > b.pop {
					biggest[r.cc] = r
				}
			}
			if !(inFocus[r.cc] && (r.class == "P" || r.class == "A")) && !keepWorld {
				return
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
	for _, cc := range []string{"BF", "NE", "MR", "GN", "CI"} {
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
		r.alt = cleanAlt(r.name, r.ascii, r.alt)
	}

	countries, err := readCountries(filepath.Join(gn, "countryInfo.txt"), capitals, biggest)
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

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeGazetteer(filepath.Join(out, "gazetteer.tsv.gz"), rows); err != nil {
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
	fmt.Printf("world cities %d, countries %d, rows %d, alternate names %d\n", world, len(countries), len(rows), alts)
	fmt.Printf("admin1 by point-in-polygon %d, admin2 by point-in-polygon %d\n", pipA1, pipA2)
	return nil
}

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

func writeGazetteer(path string, rows map[int64]*row) error {
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return writeGz(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, "#%s\t%d\n", Format, len(ids))
		fmt.Fprintln(w, "#id\tname\tascii\talt\tlat\tlon\tclass\tcode\tcc\tadmin1code\tadmin1\tadmin2\tpopulation")
		for _, id := range ids {
			r := rows[id]
			ascii := r.ascii
			if ascii == r.name {
				ascii = "" // the reader takes an empty ascii to mean "same as name"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n",
				r.id, clean(r.name), clean(ascii), strings.Join(r.alt, "|"),
				coord(r.lat), coord(r.lon), r.class, r.code, r.cc, r.a1code, clean(r.a1), clean(r.a2), r.pop)
		}
	})
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
