package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/geoparse/eval"
)

func init() {
	register(command{"gazetteer", "import GeoNames dumps or add places to the gazetteer", 25, runGazetteer})
	registerEval("geoparse", "the geoparser on gold places: entry accuracy, within 161 km, recognition F1, failures by cause", runEvalGeoparse)
}

func runGazetteer(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("gazetteer: want a subcommand: import or add")
	}
	switch args[0] {
	case "import":
		return runGazetteerImport(ctx, e, args[1:])
	case "add":
		return runGazetteerAdd(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.Stdout, "Usage: vigil gazetteer import [--data DIR] [--min-pop N] [--countries ML,BF] FILE...\n       vigil gazetteer add [--data DIR] --name NAME --lat LAT --lon LON --country CC [--alias A]... [--admin1 R] [--admin2 D]")
		return nil
	}
	return usagef("gazetteer: unknown subcommand %q (want import or add)", args[0])
}

func runGazetteerImport(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "gazetteer import", "vigil gazetteer import [--data DIR] [--min-pop N] [--countries ML,BF] FILE...",
		`Read full GeoNames dumps (allCountries.zip or per-country .txt/.zip, alternateNamesV2, admin2Codes.txt,
hierarchy.txt) and write a gazetteer index into the data directory; geoparse, extract and ingest then use it.`)
	cfg := storeFlags(fs, e)
	minPop := fs.Int64("min-pop", 0, "drop populated places smaller than this (seats of admin units stay)")
	countries := fs.String("countries", "", "comma-separated ISO2 codes to keep (default: all)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("gazetteer import: want at least one GeoNames file")
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	var cc []string
	if *countries != "" {
		cc = strings.Split(*countries, ",")
	}
	st, err := geoparse.Import(ctx, cfg.DataDir, files, geoparse.ImportOptions{MinPopulation: *minPop, Countries: cc, Log: e.Log})
	if err != nil {
		return fmt.Errorf("gazetteer import: %w", err)
	}
	return json.NewEncoder(e.Stdout).Encode(map[string]any{
		"index": st.Path, "lines": st.Lines, "imported": st.Kept, "alternate_names": st.AltNames, "entries": st.Total,
	})
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func runGazetteerAdd(e *Env, args []string) error {
	fs := newFlags(e, "gazetteer add", "vigil gazetteer add [--data DIR] --name NAME --lat LAT --lon LON --country CC [--alias A]... [--admin1 R] [--admin2 D] [--code PPL] [--note TEXT]",
		`Add a place the gazetteer lacks (a village, a camp). It is kept in the data directory and used at once by
geoparse, extract and ingest. Prints the stored place as JSON.`)
	cfg := storeFlags(fs, e)
	var p geoparse.AddedPlace
	var aliases multiFlag
	fs.StringVar(&p.Name, "name", "", "the place's name")
	fs.Var(&aliases, "alias", "another name or spelling (repeatable)")
	fs.Float64Var(&p.Lat, "lat", 0, "latitude, WGS84 degrees")
	fs.Float64Var(&p.Lon, "lon", 0, "longitude, WGS84 degrees")
	fs.StringVar(&p.Country, "country", "", "ISO 3166-1 alpha-2 country code")
	fs.StringVar(&p.Admin1, "admin1", "", "first-level unit (region, state)")
	fs.StringVar(&p.Admin2, "admin2", "", "second-level unit (cercle, province, LGA)")
	fs.StringVar(&p.Code, "code", "PPL", "GeoNames feature code")
	fs.StringVar(&p.Note, "note", "", "source or reason, for the record")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("gazetteer add: unexpected argument %q", rest[0])
	}
	if p.Name == "" || p.Country == "" {
		return usagef("gazetteer add: --name and --country are required")
	}
	p.Aliases = aliases
	stored, err := geoparse.AppendPlace(cfg.DataDir, p)
	if err != nil {
		return fmt.Errorf("gazetteer add %q: %w", p.Name, err)
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(stored)
}

func runEvalGeoparse(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "eval geoparse", "vigil eval geoparse [--set dev|test] [--file FILE] [--examples N]",
		`Score the geoparser on a gold set: exact-entry accuracy and accuracy within 161 km on the gold spans,
recognition precision/recall/F1 on the raw texts, and the failures grouped by cause.`)
	set := fs.String("set", "dev", "which of the team's sets: dev or test (testdata/geoparse/SET.jsonl)")
	file := fs.String("file", "", "a gold file instead of a set")
	examples := fs.Int("examples", 8, "failures shown per cause")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("eval geoparse: unexpected argument %q", rest[0])
	}
	path := *file
	if path == "" {
		if *set != "dev" && *set != "test" {
			return usagef("eval geoparse: --set must be dev or test")
		}
		path = filepath.Join("testdata", "geoparse", *set+".jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	golds, err := eval.Read(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	p, err := geoParser()
	if err != nil {
		return err
	}
	eval.Run(p, golds).Print(e.Stdout, *examples)
	return nil
}
