package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
