package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/redact"
)

// ingestFixture stores the team's Nampala report in a new data directory.
func ingestFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if r := run(t, "", nil, "ingest", "--data", dir, fixture); r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	return dir
}

func TestExportFormats(t *testing.T) {
	dir := ingestFixture(t)
	for _, tc := range []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"acled-csv", func(t *testing.T, out string) {
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) < 2 || rows[0][0] != "event_id_cnty" || rows[0][8] != "assoc_actor_1" {
				t.Fatalf("rows %q, %v", rows, err)
			}
		}},
		{"ucdp-csv", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "id,relid,year,active_year,code_status,type_of_violence,") {
				t.Fatalf("header: %.80s", out)
			}
		}},
		{"hxl-csv", func(t *testing.T, out string) {
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) < 3 || rows[1][0] != "#event+id" {
				t.Fatalf("rows %q, %v", rows, err)
			}
		}},
		{"geojson", func(t *testing.T, out string) {
			var fc struct {
				Type     string            `json:"type"`
				Features []json.RawMessage `json:"features"`
			}
			if err := json.Unmarshal([]byte(out), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
				t.Fatalf("%v: %.200s", err, out)
			}
		}},
		{"jsonl", func(t *testing.T, out string) {
			var l map[string]any
			if err := json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &l); err != nil || l["independent_sources"] != 1.0 || l["sub_event_type"] == "" {
				t.Fatalf("%v: %.200s", err, out)
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			r := run(t, "", nil, "export", "--data", dir, "--format", tc.format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			tc.check(t, r.stdout)
		})
	}

	// --out writes the file; filters apply; --public redacts.
	out := filepath.Join(t.TempDir(), "events.jsonl")
	if r := run(t, "", nil, "export", "--data", dir, "--format", "jsonl", "--out", out, "--public", "--country", "mli"); r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), `"documents"`) {
		t.Fatalf("public export: %v %.300s", err, b)
	}
	var l struct {
		Evidence []struct{ Text string } `json:"evidence"`
	}
	json.Unmarshal([]byte(strings.Split(string(b), "\n")[0]), &l)
	for _, ev := range l.Evidence {
		if ev.Text != "" {
			t.Fatalf("--public kept evidence text %q", ev.Text)
		}
	}
	if r := run(t, "", nil, "export", "--data", dir, "--format", "jsonl", "--from", "2030-01-01"); r.code != 0 || r.stdout != "" {
		t.Fatalf("a filter that passes nothing: exit %d, %q", r.code, r.stdout)
	}
}

func TestExportUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"export", "--data", dir}, 2, "--format is required"},
		{[]string{"export", "--data", dir, "--format", "xlsx"}, 2, `export format "xlsx" is not one of`},
		{[]string{"export", "--data", dir, "--format", "jsonl", "--from", "13/03/2025"}, 2, "is not a YYYY-MM-DD date"},
		{[]string{"export", "--data", dir, "--format", "jsonl", "extra"}, 2, "takes no arguments"},
		{[]string{"export", "--data", dir, "--format", "jsonl", "--out", filepath.Join(dir, "no", "such", "dir", "x")}, 1, "no such file"},
		{[]string{"export", "--help"}, 0, ""},
	} {
		r := run(t, "", nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
}

// TestExportPublicRedacts: `export --public` carries no protected field of
// a testimony and no evidence quote, names no witness, and blurs the
// place of an event a sensitive testimony reports to the centroid of its
// admin2 region; the same export without --public has the exact place
// (so the test can fail).
func TestExportPublicRedacts(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "", nil, "ingest", "--data", dir, fixture)
	var ing struct{ Events []string }
	if err := json.Unmarshal([]byte(r.stdout), &ing); r.code != 0 || err != nil || len(ing.Events) == 0 {
		t.Fatalf("ingest: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	secrets := []string{"Fatoumata Sangaré", "+223 70 12 34 56", "derrière le puits, 15.28105,-5.55321", "sa sœur vit à Niono"}
	tj, _ := json.Marshal(map[string]any{"statement": "Ils sont arrivés à l'aube et ont brûlé les greniers.", "lang": "fr", "sensitive": true,
		"country": "MLI", "admin1": "Ségou", "admin2": "Niono", "taken_on": "2025-03-18", "events": ing.Events[:1],
		"protected": map[string]string{"witness_name": secrets[0], "witness_contact": secrets[1], "location": secrets[2], "protected_notes": secrets[3]}})
	if r := run(t, string(tj), nil, "testimony", "add", "--data", dir, "-"); r.code != 0 {
		t.Fatalf("testimony add: exit %d: %s", r.code, r.stderr)
	}

	// The exact place, from the full export.
	r = run(t, "", nil, "export", "--data", dir, "--format", "jsonl")
	var full struct {
		ID       string
		Location struct {
			Latitude, Longitude float64
			Admin1, Admin2      string
		}
		Evidence []struct{ Text string }
	}
	// One report, so one line: its incident.
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	json.Unmarshal([]byte(lines[0]), &full)
	if len(lines) != 1 || full.ID == "" || full.Location.Admin2 == "" || len(full.Evidence) == 0 {
		t.Fatalf("full export of %s: %+v", ing.Events[0], full)
	}
	exact := []string{strconv.FormatFloat(full.Location.Latitude, 'f', -1, 64), strconv.FormatFloat(full.Location.Longitude, 'f', -1, 64)}
	g, err := geoparse.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	lat, lon, ok := redact.Gazetteer{G: g}.Centroid("MLI", full.Location.Admin1, full.Location.Admin2)
	if !ok {
		t.Fatalf("no centroid for %s, %s", full.Location.Admin2, full.Location.Admin1)
	}
	centroid := []string{strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64)}
	for _, s := range exact {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("the full export lacks the exact coordinate %s", s)
		}
	}

	for _, format := range []string{"jsonl", "geojson", "acled-csv", "hxl-csv"} {
		t.Run(format, func(t *testing.T) {
			r := run(t, "", nil, "export", "--data", dir, "--format", format, "--public")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for _, s := range append(append(secrets, exact...), full.Evidence[0].Text) {
				if s != "" && strings.Contains(r.stdout, s) {
					t.Errorf("--public carries %q", s)
				}
			}
			for _, s := range centroid {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("--public lacks the %s centroid coordinate %s", full.Location.Admin2, s)
				}
			}
		})
	}
}
