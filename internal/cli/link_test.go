package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/incident"
)

// The case through the command line: the ten versions of the
// Nampala raid, ingested one by one with their outlets, become one
// incident of three independent sources, and its decoys stay apart; a
// merge and a split are logged, reversible, and leave verify clean.
func TestLinkNampala(t *testing.T) {
	gold, err := incident.ReadGold("../../testdata/linking/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	docOf := map[string]string{} // gold ID -> document
	for _, g := range gold {
		if !strings.HasPrefix(g.ID, "nam-") {
			continue
		}
		path := filepath.Join(dir, g.ID+".txt")
		if err := os.WriteFile(path, []byte(g.Text), 0o600); err != nil {
			t.Fatal(err)
		}
		r := run(t, "", nil, "ingest", "--data", data, "--link=false", "--published", g.Published, "--source", g.Outlet, path)
		if r.code != 0 {
			t.Fatalf("ingest %s: %d %s", g.ID, r.code, r.stderr)
		}
		var line ingestLine
		if err := json.Unmarshal([]byte(r.stdout), &line); err != nil {
			t.Fatal(err)
		}
		docOf[g.ID] = line.Document
	}
	if len(docOf) < 11 {
		t.Fatalf("only %d Nampala reports and decoys in the linking set", len(docOf))
	}

	r := run(t, "", nil, "link", "--data", data)
	if r.code != 0 {
		t.Fatalf("link: %d %s", r.code, r.stderr)
	}
	incOf := map[string]string{} // document -> incident of its first event
	var lines []linkLine
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var d linkLine
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, d)
		if _, ok := incOf[d.Document]; !ok {
			incOf[d.Document] = d.Incident
		}
		if d.Why == "" || d.Incident == "" {
			t.Errorf("decision without an incident or a reason: %+v", d)
		}
	}
	nam := incOf[docOf["nam-01"]]
	for id, doc := range docOf {
		got := incOf[doc]
		if strings.HasPrefix(id, "nam-d") == (got == nam) {
			t.Errorf("%s is in %s; the raid is %s", id, got, nam)
		}
	}
	if again := run(t, "", nil, "link", "--data", data); again.code != 0 || again.stdout != "" {
		t.Errorf("linking again: %d %q %s", again.code, again.stdout, again.stderr)
	}

	show := func(id string) incident.Summary {
		t.Helper()
		r := run(t, "", nil, "link", "show", "--data", data, id)
		if r.code != 0 {
			t.Fatalf("show %s: %d %s", id, r.code, r.stderr)
		}
		var s incident.Summary
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := show(nam)
	if len(s.Documents) != 10 || s.IndependentSources != 3 {
		t.Fatalf("Nampala: %d documents, %d independent sources; want 10 and 3\n%s", len(s.Documents), s.IndependentSources, s)
	}
	if len(s.Claims) == 0 || s.Claims[0].Field != "fatalities" || s.Claims[0].Low == nil || s.Claims[0].High == nil || *s.Claims[0].Low == *s.Claims[0].High {
		t.Errorf("Nampala claims: %+v; want fatalities reported differently", s.Claims)
	}

	change := func(args ...string) auditLine {
		t.Helper()
		r := run(t, "", nil, append([]string{"link"}, append(args, "--data", data)...)...)
		if r.code != 0 {
			t.Fatalf("link %v: %d %s", args, r.code, r.stderr)
		}
		var a auditLine
		if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	decoy := incOf[docOf["nam-d1"]]
	m := change("merge", nam, decoy, "--reason", "testing a merge", "--actor", "user:tester")
	if m.Op != "merge" || m.Actor != "user:tester" || len(show(nam).Documents) != 11 {
		t.Errorf("merge: %+v", m)
	}
	if r := run(t, "", nil, "link", "show", "--data", data, decoy); r.code != 1 || !strings.Contains(r.stderr, "merged into "+nam) {
		t.Errorf("show of a merged incident: %d %s", r.code, r.stderr)
	}
	rv := change("revert", itoa(m.Seq), "--reason", "it was another day")
	if rv.Op != "split" || rv.Reverts != m.Seq || len(show(nam).Documents) != 10 || len(show(decoy).Documents) != 1 {
		t.Errorf("revert of the merge: %+v", rv)
	}
	var ngoEvent string
	for _, d := range lines {
		if d.Document == docOf["nam-10"] {
			ngoEvent = d.Event
		}
	}
	sp := change("split", nam, ngoEvent, "--reason", "testing a split")
	if s := show(sp.Incidents[1]); !slices.Equal(s.Events, []string{ngoEvent}) || show(nam).IndependentSources != 2 {
		t.Errorf("split: %+v; new incident %v", sp, s.Events)
	}
	change("revert", itoa(sp.Seq))
	if s := show(nam); len(s.Documents) != 10 || s.IndependentSources != 3 {
		t.Errorf("after reverting the split: %s", s)
	}

	r = run(t, "", nil, "link", "log", "--data", data, nam)
	if n := strings.Count(r.stdout, "\n"); r.code != 0 || n < 14 {
		t.Errorf("log of %s: %d lines, %d %s", nam, n, r.code, r.stderr)
	}
	if r := run(t, "", nil, "verify", "--data", data); r.code != 0 {
		t.Errorf("verify after linking: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"link", "merge", nam, "--data", data, "--reason", "x"}, 2},
		{[]string{"link", "merge", nam, decoy, "--data", data}, 2},
		{[]string{"link", "split", nam, "--data", data, "--reason", "x"}, 2},
		{[]string{"link", "revert", "first", "--data", data}, 2},
		{[]string{"link", "--all", docOf["nam-01"], "--data", data}, 2},
		{[]string{"link", "merge", nam, "inc-nope", "--data", data, "--reason", "x"}, 1},
		{[]string{"link", "revert", "1", "--data", data}, 1},
		{[]string{"link", "show", "inc-nope", "--data", data}, 1},
	} {
		if r := run(t, "", nil, tc.args...); r.code != tc.code || (tc.code == 1 && strings.Count(r.stderr, "\n") != 1) {
			t.Errorf("%v: exit %d (want %d), stderr %q", tc.args, r.code, tc.code, r.stderr)
		}
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
