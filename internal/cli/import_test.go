package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "acled-sahel.csv")
	text := "event_id_cnty,event_date,sub_event_type,latitude,longitude\n" +
		"BFA1,2024-05-01,Attack,14.1,-1.6\n" +
		"BFA2,yesterday,Attack,14.1,-1.6\n" +
		"BFA3,2024-05-03,Armed clash,14.2,-1.5\n"
	os.WriteFile(file, []byte(text), 0o644)

	r := run(t, "", nil, "import", "--data", dir, "--format", "acled-csv", file)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res importLine
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	if res.Dataset != "acled-sahel" || res.Rows != 2 || res.BadRows != 1 {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(r.stderr, file+`:3: event_date "yesterday" is not a date (row skipped)`) {
		t.Errorf("bad row not reported with its line: %q", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "datasets.db")); err != nil {
		t.Errorf("no datasets.db in the data directory: %v", err)
	}

	// Again: a conflict, unless --replace; standard input needs --name.
	r = run(t, "", nil, "import", "--data", dir, "--format", "acled-csv", file)
	if r.code != 1 || !strings.Contains(r.stderr, "already imported") || !strings.Contains(r.stderr, "--replace") {
		t.Errorf("second import: exit %d, %q", r.code, r.stderr)
	}
	if r = run(t, "", nil, "import", "--data", dir, "--format", "acled-csv", "--replace", file); r.code != 0 {
		t.Errorf("--replace: exit %d, %q", r.code, r.stderr)
	}
	if r = run(t, text, nil, "import", "--data", dir, "--format", "acled-csv", "--name", "stdin", "-"); r.code != 0 || !strings.Contains(r.stdout, `"rows":2`) {
		t.Errorf("standard input: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestImportExportRoundTrip: Vigil's own ACLED- and UCDP-shaped exports
// import cleanly.
func TestImportExportRoundTrip(t *testing.T) {
	dir := ingestFixture(t)
	for _, format := range []string{"acled-csv", "ucdp-csv"} {
		out := filepath.Join(t.TempDir(), format+".csv")
		if r := run(t, "", nil, "export", "--data", dir, "--format", format, "--out", out); r.code != 0 {
			t.Fatalf("export: exit %d: %s", r.code, r.stderr)
		}
		r := run(t, "", nil, "import", "--data", dir, "--format", format, out)
		if r.code != 0 || !strings.Contains(r.stdout, `"bad_rows":0`) {
			t.Fatalf("import of %s: exit %d, %s %s", format, r.code, r.stdout, r.stderr)
		}
	}
}

func TestImportUsage(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	os.WriteFile(big, []byte("event_date\n2024-01-01\n"), 0o644)
	noDate := filepath.Join(dir, "nodate.csv")
	os.WriteFile(noDate, []byte("country\nMali\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"import", "--data", dir, big}, 2, "--format is required"},
		{[]string{"import", "--data", dir, "--format", "geojson", big}, 2, "is not one of acled-csv, ucdp-csv"},
		{[]string{"import", "--data", dir, "--format", "acled-csv"}, 2, "name one file"},
		{[]string{"import", "--data", dir, "--format", "acled-csv", "-"}, 2, "--name is required"},
		{[]string{"import", "--data", dir, "--format", "acled-csv", filepath.Join(dir, "none.csv")}, 1, "no such file"},
		{[]string{"import", "--data", dir, "--format", "acled-csv", "--max-bytes", "5", big}, 1, "over the limit"},
		{[]string{"import", "--data", dir, "--format", "acled-csv", noDate}, 1, "lacks the column event_date"},
		{[]string{"import", "--data", dir, "--format", "acled-csv", dir}, 1, "is a directory"},
	} {
		r := run(t, "", nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
}
