package geoparse

import (
	"archive/zip"
	"bufio"
	stdctx "context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/geoparse/gazdata"
)

// ImportOptions steer Import.
type ImportOptions struct {
	// MinPopulation drops populated places smaller than this, except
	// administrative seats (PPLA*, PPLC); 0 keeps them all.
	MinPopulation int64
	// Countries, when not empty, keeps only these ISO2 codes' rows (the
	// embedded world entries stay).
	Countries []string
	// Log receives progress; nil means slog.Default().
	Log *slog.Logger
}

// ImportStats says what Import kept.
type ImportStats struct {
	Lines, Kept, AltNames, Total int
	Path                         string
}

// Import reads full GeoNames dumps — allCountries.zip or per-country
// files (.txt or .zip, the 19-column "geoname" table), alternateNamesV2
// (.txt or .zip) and admin2Codes.txt — and writes an index into data
// directory dir (IndexFile) that Default and Open then use instead of the
// embedded one. The embedded entries are kept; imported rows replace them
// by geonameid. Files stream line by line; memory grows with the rows
// kept (about 200 bytes each), not with the files' size. hierarchy.txt is
// accepted and skipped: admin names come from the rows' codes.
func Import(ctx stdctx.Context, dir string, files []string, opt ImportOptions) (ImportStats, error) {
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	var st ImportStats
	keepCC := map[string]bool{}
	for _, c := range opt.Countries {
		keepCC[strings.ToUpper(strings.TrimSpace(c))] = true
	}
	base, err := Embedded()
	if err != nil {
		return st, err
	}
	rows := map[int64]*gazdata.Record{}
	for i := range base.entries {
		e := &base.entries[i]
		rows[e.ID] = &gazdata.Record{ID: e.ID, Name: e.Name, ASCII: e.ASCII, Alt: e.Alt, Lat: e.Lat, Lon: e.Lon,
			Class: e.Class, Code: e.Code, Country: e.Country, Admin1Code: e.Admin1Code, Admin1: e.Admin1,
			Admin2: e.Admin2, Population: e.Population}
	}
	a1 := map[string]string{} // cc.a1 → name
	for i := range base.entries {
		if e := &base.entries[i]; e.Code == "ADM1" {
			a1[e.Country+"."+e.Admin1Code] = e.Name
		}
	}
	a2 := map[string]string{}      // cc.a1.a2 → bare name
	a2code := map[int64]string{}   // imported row → its admin2 code key
	var alts, hier, dumps []string // files by kind
	for _, f := range files {
		switch b := strings.ToLower(filepath.Base(f)); {
		case strings.HasPrefix(b, "alternatenames"):
			alts = append(alts, f)
		case strings.HasPrefix(b, "hierarchy"):
			hier = append(hier, f)
		case strings.HasPrefix(b, "admin2codes"):
			if err := eachLine(ctx, f, func(t []string) {
				if len(t) >= 2 {
					a2[t[0]] = bareAdmin2(t[1])
				}
			}); err != nil {
				return st, err
			}
		default:
			dumps = append(dumps, f)
		}
	}
	if len(dumps) == 0 {
		return st, errs.E(errs.Invalid, "gazetteer import: no GeoNames dump among the files")
	}
	for _, f := range dumps {
		log.Info("importing GeoNames dump", "file", f)
		n := 0
		err := eachLine(ctx, f, func(t []string) {
			st.Lines++
			if n++; n%1_000_000 == 0 {
				log.Info("import progress", "file", f, "lines", n, "kept", st.Kept)
			}
			if len(t) != 19 {
				return
			}
			r, ok := geonamesRow(t, opt.MinPopulation)
			if !ok || len(keepCC) > 0 && !keepCC[r.Country] {
				return
			}
			if r.Code == "ADM2" {
				a2[r.Country+"."+r.Admin1Code+"."+t[11]] = bareAdmin2(r.Name)
			}
			if old := rows[r.ID]; old != nil {
				r.Alt = append(r.Alt, old.Alt...)
			}
			rows[r.ID] = r
			if t[11] != "" {
				a2code[r.ID] = r.Country + "." + r.Admin1Code + "." + t[11]
			}
			st.Kept++
		})
		if err != nil {
			return st, err
		}
	}
	for id, r := range rows {
		if r.Admin1 == "" {
			r.Admin1 = a1[r.Country+"."+r.Admin1Code]
		}
		if k, ok := a2code[id]; ok && a2[k] != "" {
			r.Admin2 = a2[k]
		}
	}
	for _, f := range alts {
		log.Info("importing alternate names", "file", f)
		err := eachLine(ctx, f, func(t []string) {
			// alternateNameId, geonameid, isolanguage, name, isPreferred, isShort, isColloquial, isHistoric, from, to
			if len(t) < 4 {
				return
			}
			switch t[2] {
			case "link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "tcid", "fr_1793":
				return
			}
			id, err := strconv.ParseInt(t[1], 10, 64)
			if err != nil {
				return
			}
			if r := rows[id]; r != nil && latinName(t[3]) && len(r.Alt) < 200 {
				r.Alt = append(r.Alt, t[3])
				st.AltNames++
			}
		})
		if err != nil {
			return st, err
		}
	}
	if len(hier) > 0 {
		log.Info("hierarchy files skipped: admin names come from the rows' codes", "files", len(hier))
	}
	recs := make([]gazdata.Record, 0, len(rows))
	for _, r := range rows {
		r.Alt = dedupeNames(r.Name, r.ASCII, r.Alt)
		recs = append(recs, *r)
	}
	st.Total = len(recs)
	st.Path = filepath.Join(dir, IndexFile)
	if err := os.MkdirAll(filepath.Dir(st.Path), 0o755); err != nil {
		return st, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(st.Path), ".index-*")
	if err != nil {
		return st, err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := gazdata.Write(bw, recs); err != nil {
		tmp.Close()
		return st, err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return st, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return st, err
	}
	if err := tmp.Close(); err != nil {
		return st, err
	}
	if err := os.Rename(tmp.Name(), st.Path); err != nil {
		return st, err
	}
	log.Info("gazetteer index written", "path", st.Path, "entries", st.Total)
	return st, nil
}

// geonamesRow reads one row of the geoname table, keeping populated
// places, administrative units and areas.
func geonamesRow(t []string, minPop int64) (*gazdata.Record, bool) {
	class, code := t[6], t[7]
	switch class {
	case "P", "A":
	case "L":
		if code != "CONT" && code != "RGN" && code != "RGNE" {
			return nil, false
		}
	default:
		return nil, false
	}
	id, err := strconv.ParseInt(t[0], 10, 64)
	if err != nil || id <= 0 {
		return nil, false
	}
	lat, err1 := strconv.ParseFloat(t[4], 64)
	lon, err2 := strconv.ParseFloat(t[5], 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return nil, false
	}
	pop, _ := strconv.ParseInt(strings.TrimSuffix(t[14], ".0"), 10, 64)
	if class == "P" && pop < minPop && !strings.HasPrefix(code, "PPLA") && code != "PPLC" {
		return nil, false
	}
	r := &gazdata.Record{ID: id, Name: t[1], ASCII: t[2], Lat: lat, Lon: lon, Class: class, Code: code,
		Country: t[8], Admin1Code: t[10], Population: pop}
	if t[3] != "" && (class == "A" || pop >= 15000) {
		for _, a := range strings.Split(t[3], ",") {
			if latinName(a) {
				r.Alt = append(r.Alt, a)
			}
		}
	}
	return r, true
}

// eachLine calls fn with the tab-separated fields of every line of a .txt
// file or of the first .txt member of a .zip.
func eachLine(ctx stdctx.Context, path string, fn func([]string)) error {
	var r io.Reader
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		z, err := zip.OpenReader(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer z.Close()
		for _, f := range z.File {
			if strings.HasSuffix(f.Name, ".txt") && !strings.EqualFold(filepath.Base(f.Name), "readme.txt") {
				rc, err := f.Open()
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				defer rc.Close()
				r = rc
				break
			}
		}
		if r == nil {
			return errs.E(errs.Invalid, "%s: no .txt file inside", path)
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 0; sc.Scan(); n++ {
		if n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fn(strings.Split(line, "\t"))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// latinName reports whether s looks like a Latin-script name as news
// writes it (no digits, not all lower case, not a short code).
func latinName(s string) bool {
	if len(s) < 2 || len(s) > 100 {
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
		case unicode.Is(unicode.Mn, r), r == ' ', r == '-', r == '\'', r == '’', r == '.':
		default:
			return false
		}
	}
	return letters >= 2 && lower < letters && (lower > 0 || letters > 4)
}

// dedupeNames drops alternate names that fold like the name or each other.
func dedupeNames(name, ascii string, alt []string) []string {
	seen := map[string]bool{foldKey(name): true, foldKey(ascii): true}
	out := alt[:0:0]
	for _, a := range alt {
		if k := foldKey(a); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// bareAdmin2 strips the words GeoNames wraps around admin2 names
// ("Cercle de Niono" → "Niono").
func bareAdmin2(s string) string {
	for _, p := range []string{"Cercle de ", "Cercle d'", "Province du ", "Province de la ", "Province de l'",
		"Province des ", "Province de ", "Département de ", "Département du ", "Préfecture de ", "Daïra de "} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	for _, p := range []string{" Cercle", " Province", " Prefecture", " Department", " Local Government Area"} {
		s = strings.TrimSuffix(s, p)
	}
	return strings.TrimSpace(s)
}
