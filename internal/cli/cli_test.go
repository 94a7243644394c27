package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return result{code, out.String(), errb.String()}
}

const fixture = "../../testdata/reports/nampala-fr.txt"

func TestExtract(t *testing.T) {
	r := run(t, "", nil, "extract", "--published", "2025-03-16", fixture)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res model.Extraction
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("output is not one JSON document: %v\n%s", err, r.stdout)
	}
	if len(res.Events) != 1 || res.Events[0].EventDate != "2025-03-13" || res.Published != "2025-03-16" || res.Lang != "fr" {
		t.Fatalf("unexpected result: %+v", res)
	}
	// Standard input, flags after the file, several inputs.
	b, _ := os.ReadFile(fixture)
	r = run(t, string(b), nil, "extract", "-", "--lang", "fr")
	if r.code != 0 || !strings.Contains(r.stdout, `"events"`) {
		t.Fatalf("stdin: exit %d %s", r.code, r.stderr)
	}
	r = run(t, "", nil, "extract", fixture, fixture)
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	n := 0
	for dec.More() {
		var v model.Extraction
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("two inputs gave %d documents", n)
	}
}

func TestExitCodesAndErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no command", nil, 2, ""},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"help", []string{"extract", "--help"}, 0, ""},
		{"unknown flag", []string{"extract", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{"bad date", []string{"extract", "--published", "16/03/2025x", fixture}, 2, `published date "16/03/2025x"`},
		{"bad lang", []string{"extract", "--lang", "de", fixture}, 2, `language "de" is not one of auto, en, fr`},
		{"missing file", []string{"extract", filepath.Join(dir, "nope.txt")}, 1, "nope.txt: no such file"},
		{"empty file", []string{"extract", empty}, 1, "empty.txt: is empty"},
		{"directory", []string{"extract", dir}, 1, "is a directory"},
		{"geoparse two files", []string{"geoparse", fixture, fixture}, 2, "reads one input"},
		{"serve args", []string{"serve", "extra"}, 2, "takes no arguments"},
		{"ingest nothing", []string{"ingest", "--data", dir}, 2, "no input given"},
		{"bad db url", []string{"ingest", "--db", "mysql://x", "--data", dir, fixture}, 1, `database "mysql://x" is not a postgres:// URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", nil, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			if tc.msg != "" && !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("stderr %q lacks %q", r.stderr, tc.msg)
			}
			if tc.code != 0 && tc.msg != "" && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("error is not one line: %q", r.stderr)
			}
		})
	}
}

func TestExtractJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"Le 13 mars, des soldats ont incendié des maisons à Nampala, dans la région de Ségou, selon des témoins.","published":"2025-03-16"}`,
		`not json`,
		``,
		`{"id":7,"published":"2025-03-16"}`,
		`{"id":"d","text":"Nothing happened today.","published":"16 March"}`,
		`{"id":"e","text":"Gunmen killed 3 herders near Djibo on Tuesday, residents said.","published":"2024-05-02","lang":"en"}`,
	}, "\n")
	r := run(t, in, nil, "extract", "--jsonl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d output lines for 6 input lines:\n%s", len(lines), r.stdout)
	}
	want := []struct{ id, err string }{{`"a"`, ""}, {`null`, "line 2: is not a JSON object"}, {`null`, "line 3: is empty"},
		{`7`, `line 4: has no "text"`}, {`"d"`, `published date "16 March"`}, {`"e"`, ""}}
	for i, l := range lines {
		var v struct {
			ID     json.RawMessage `json:"id"`
			Error  string          `json:"error"`
			Events []model.Event   `json:"events"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %d not JSON: %v", i+1, err)
		}
		if string(v.ID) != want[i].id || !strings.Contains(v.Error, want[i].err) || (want[i].err == "") != (v.Error == "") {
			t.Errorf("line %d = id %s error %q; want id %s error %q", i+1, v.ID, v.Error, want[i].id, want[i].err)
		}
	}
	var first model.Extraction
	json.Unmarshal([]byte(lines[0]), &first)
	if len(first.Events) != 1 || first.Events[0].SubEventType != "Looting/property destruction" {
		t.Errorf("first line events = %+v", first.Events)
	}
}

func TestGeoparse(t *testing.T) {
	r := run(t, "Des habitants ont fui Nampala, dans la région de Ségou, vers Niono.", nil, "geoparse")
	if r.code != 0 || !strings.Contains(r.stdout, `"geonameid": 2453133`) {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	// Spans count code points: "Ségou" starts after "é" characters.
	text := "À Ségou et à Tombouctou."
	in := `{"id":1,"text":"` + text + `","spans":[{"start":2,"end":7},{"start":13,"end":23},{"start":0,"end":1}]}` + "\n" +
		`{"id":2,"text":"x","spans":[{"start":0,"end":5}]}`
	r = run(t, in, nil, "geoparse", "--jsonl")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines: %s", r.code, len(lines), r.stdout)
	}
	var got struct {
		Places []model.Place `json:"places"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Places) != 3 {
		t.Fatalf("3 spans gave %d places", len(got.Places))
	}
	if got.Places[0].Text != "Ségou" || got.Places[0].GeonameID != 2451485 && got.Places[0].Admin1 != "Ségou" {
		t.Errorf("span 1 = %+v", got.Places[0])
	}
	if got.Places[1].Text != "Tombouctou" || got.Places[1].Latitude == nil {
		t.Errorf("span 2 = %+v", got.Places[1])
	}
	if got.Places[2].Latitude != nil {
		t.Errorf("span 3 (\"À\") resolved to %+v; want no coordinates", got.Places[2])
	}
	if !strings.Contains(lines[1], "outside the text") {
		t.Errorf("out-of-range span: %s", lines[1])
	}
}

func countDocs(t *testing.T, dir string) int {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountDocuments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func blobCount(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(filepath.Join(dir, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func TestIngestTwiceStoresOnce(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VIGIL_DATA": dir}
	var lines []ingestLine
	for i := 0; i < 2; i++ {
		r := run(t, "", env, "ingest", "--source", "test", fixture)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var l ingestLine
		if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	if lines[0].Existing || !lines[1].Existing {
		t.Errorf("existing flags = %v, %v; want false, true", lines[0].Existing, lines[1].Existing)
	}
	if lines[0].SHA256 != lines[1].SHA256 || len(lines[0].Events) != 1 || strings.Join(lines[0].Events, ",") != strings.Join(lines[1].Events, ",") {
		t.Errorf("lines differ: %+v / %+v", lines[0], lines[1])
	}
	if n := countDocs(t, dir); n != 1 {
		t.Errorf("%d documents stored, want 1", n)
	}
	if n := blobCount(t, dir); n != 1 {
		t.Errorf("%d blobs stored, want 1", n)
	}
}

// Bad input gets a clear one-line error and leaves the store unchanged.
func TestIngestBadInputLeavesStoreUnchanged(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"VIGIL_DATA": data}
	if r := run(t, "", env, "ingest", fixture); r.code != 0 {
		t.Fatalf("setup: %s", r.stderr)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := bytes.Repeat([]byte("Des soldats ont incendié des maisons à Nampala. "), 50<<20/48)
	for _, tc := range []struct {
		name, path, msg string
	}{
		{"binary", write("photo.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")), "photo.txt: is binary, not text"},
		{"empty", write("empty.txt", nil), "empty.txt: is empty"},
		{"50 MB", write("big.txt", big), "big.txt: is larger than the 10485760-byte limit"},
		{"invalid UTF-8", write("latin1.txt", []byte("Attaque pr\xe8s de S\xe9gou")), "latin1.txt: is not valid UTF-8 text"},
		{"missing", filepath.Join(dir, "missing.txt"), "missing.txt: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", env, "ingest", tc.path)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1", r.code)
			}
			if !strings.Contains(r.stderr, tc.msg) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("stderr %q: want one line with %q", r.stderr, tc.msg)
			}
			var l ingestLine
			if err := json.Unmarshal([]byte(r.stdout), &l); err != nil || l.Error == "" || l.Input != tc.path {
				t.Errorf("stdout %q: want a JSON line naming the input with an error", r.stdout)
			}
			if n := countDocs(t, data); n != 1 {
				t.Errorf("%d documents after bad input, want 1", n)
			}
			if n := blobCount(t, data); n != 1 {
				t.Errorf("%d blobs after bad input, want 1", n)
			}
		})
	}
}

func TestIngestDirectory(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "", nil, "ingest", "--data", dir, "../../testdata/html")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	htmls, _ := filepath.Glob("../../testdata/html/*.html")
	if len(lines) != len(htmls) {
		t.Fatalf("%d lines for %d HTML files (gold JSON must be skipped)", len(lines), len(htmls))
	}
	if n := countDocs(t, dir); n != len(htmls) {
		t.Errorf("%d documents, want %d", n, len(htmls))
	}
}

func TestVersion(t *testing.T) {
	r := run(t, "", nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "vigil ") || !strings.Contains(r.stdout, "extractor vigil-extract/") {
		t.Fatalf("version: %d %q", r.code, r.stdout)
	}
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main(ctx, []string{"serve", "--demo", "--data", dir, "--addr", addr}, &Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		})
		done <- result{code, out.String(), errb.String()}
	}()
	// The server answers only after the demo is stored.
	var body string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/api/v1/events?limit=1")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
		select {
		case r := <-done:
			t.Fatalf("serve --demo stopped early: exit %d: %s", r.code, r.stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	r := <-done
	if r.code != 0 {
		t.Fatalf("serve --demo exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "demo reports loaded") {
		t.Errorf("no demo log line: %s", r.stderr)
	}
	var list struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || list.Total < 25 {
		t.Errorf("served %q: want the demo's 25+ events", body)
	}
	if n := countDocs(t, dir); n < 30 {
		t.Errorf("%d demo documents stored, want the team's 30+ reports", n)
	}
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "c.jsonl")
	var lines []string
	for i := range 60 {
		lines = append(lines, fmt.Sprintf(`{"id":"t-%d","lang":"en","text":"Gunmen abducted %d passengers on the road near Djibo on Tuesday, residents said.","label":"Abduction/forced disappearance"}`, i, i+2))
	}
	os.WriteFile(corpus, []byte(strings.Join(lines, "\n")), 0o644)
	for _, args := range [][]string{
		{"eval", "classify", "--split", "all", corpus},
		{"eval", "extract", "--split", "all", corpus},
	} {
		r := run(t, "", nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "weighted-F1=") || !strings.Contains(r.stdout, "Abduction/forced disappearance") {
			t.Fatalf("%v: exit %d\n%s\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
	r := run(t, "", nil, "eval", "extract", "--gold", "../../testdata/reports")
	if r.code != 0 || !strings.Contains(r.stdout, "sub_event_type") {
		t.Fatalf("eval extract --gold: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"eval"}, 2, "name what to evaluate"},
		{[]string{"eval", "nothing"}, 2, `unknown evaluation "nothing"`},
		{[]string{"eval", "classify", "--split", "x", corpus}, 2, `split "x"`},
		{[]string{"eval", "classify", filepath.Join(dir, "missing")}, 1, "missing"},
	} {
		r := run(t, "", nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
}

func TestIngestURL(t *testing.T) {
	page := `<html><head><meta property="article:published_time" content="2025-03-16"></head><body><article>
<h1>Raid near Nampala</h1><p>Soldiers set homes ablaze in Nampala, in the Ségou region, on March 13, residents said.</p>
</article></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	defer srv.Close()
	dir := t.TempDir()
	// A loopback address is refused unless the operator allows it.
	r := run(t, "", nil, "ingest", "--data", dir, srv.URL+"/article")
	if r.code != 1 || !strings.Contains(r.stderr, srv.URL) {
		t.Fatalf("loopback URL without --allow-private: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, "", nil, "ingest", "--data", dir, "--allow-private", srv.URL+"/article", srv.URL+"/missing")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (one input failed): %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var ok, bad ingestLine
	json.Unmarshal([]byte(lines[0]), &ok)
	json.Unmarshal([]byte(lines[1]), &bad)
	if ok.Error != "" || len(ok.Events) != 1 || !strings.Contains(bad.Error, "404") {
		t.Fatalf("lines %+v / %+v", ok, bad)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	doc, err := st.GetDocument(context.Background(), ok.Document)
	if err != nil {
		t.Fatal(err)
	}
	if doc.MediaType != "application/warc" || doc.URL != srv.URL+"/article" || !strings.Contains(doc.Text, "set homes ablaze") {
		t.Errorf("document %+v", doc)
	}
	// The evidence is the whole exchange, as a WARC record, and verify holds.
	if r := run(t, "", nil, "verify", "--data", dir); r.code != 0 {
		t.Errorf("verify: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// serve polls the subscribed feeds and ingests each item once.
func TestServePollsFeeds(t *testing.T) {
	var items strings.Builder
	for i := range 3 {
		fmt.Fprintf(&items, `<item><guid>item-%d</guid><title>Raid %d</title><description>Gunmen burned %d homes in Djibo on Tuesday, residents said.</description></item>`, i, i, 10+i)
	}
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title>` + items.String() + `</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, feed)
	}))
	defer srv.Close()
	dir := t.TempDir()
	if r := run(t, "", nil, "feeds", "add", "--data", dir, srv.URL+"/feed.xml"); r.code != 0 {
		t.Fatalf("feeds add: %s", r.stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main(ctx, []string{"serve", "--data", dir, "--addr", addr, "--allow-private"}, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }})
		done <- result{code, out.String(), errb.String()}
	}()
	// The bytes are written before the records commit: wait for the
	// records.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && (blobCount(t, dir) < 3 || countDocs(t, dir) < 3) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	r := <-done
	if n := countDocs(t, dir); n != 3 {
		t.Fatalf("%d documents from a 3-item feed, want 3; serve exit %d: %s", n, r.code, r.stderr)
	}
}

// serve signs checkpoints on a schedule once the ledger has grown.
func TestServeCheckpointsOnSchedule(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VIGIL_DATA": dir}
	if r := run(t, "", env, "ingest", fixture); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	// A testimony adds a leaf that the ingest's checkpoint does not cover.
	if r := run(t, "", env, "keys", "init"); r.code != 0 {
		t.Fatalf("keys init: %s", r.stderr)
	}
	if r := run(t, `{"statement":"They burned the granaries.","lang":"en","protected":{"witness_name":"A Witness"}}`, env, "testimony", "add", "-"); r.code != 0 {
		t.Fatalf("testimony add: %s", r.stderr)
	}
	const uncovered = "newer than the latest signed checkpoint"
	if r := run(t, "", env, "verify"); r.code != 0 || !strings.Contains(r.stderr, uncovered) {
		t.Fatalf("before serve: exit %d, stderr %q: want a note that leaves are uncovered", r.code, r.stderr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main(ctx, []string{"serve", "--data", dir, "--addr", addr, "--checkpoint-interval", "50ms"}, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }})
		done <- result{code, out.String(), errb.String()}
	}()
	// Wait (bounded) for a scheduled checkpoint to cover every leaf.
	var last result
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if last = run(t, "", env, "verify"); last.code == 0 && !strings.Contains(last.stderr, uncovered) {
			break
		}
	}
	cancel()
	if r := <-done; r.code != 0 {
		t.Fatalf("serve: exit %d %s", r.code, r.stderr)
	}
	if last.code != 0 || strings.Contains(last.stderr, uncovered) {
		t.Fatalf("after serve: exit %d, stderr %q: want every leaf covered by a checkpoint", last.code, last.stderr)
	}
}

// Ingest links new reports into incidents at once: two reports of the same
// raid become one incident.
func TestIngestLinks(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	b := filepath.Join(dir, "b.txt")
	os.WriteFile(a, []byte("Gunmen killed five herders in Djibo on Tuesday, residents said."), 0o644)
	os.WriteFile(b, []byte("Des hommes armés ont tué cinq éleveurs mardi à Djibo, selon des habitants joints par téléphone."), 0o644)
	r := run(t, "", nil, "ingest", "--data", filepath.Join(dir, "data"), "--published", "2025-03-14", a, b)
	if r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	r = run(t, "", nil, "link", "--data", filepath.Join(dir, "data"))
	if r.code != 0 {
		t.Fatalf("link: %s", r.stderr)
	}
	if strings.Contains(r.stdout, `"incident"`) {
		t.Errorf("vigil link found events still unlinked after ingest: %s", r.stdout)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "data", "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountIncidents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d incidents from two reports of one raid, want 1", n)
	}
	// The contract's jsonl export: one incident per line, with its documents.
	r = run(t, "", nil, "export", "--data", filepath.Join(dir, "data"), "--format", "jsonl")
	if r.code != 0 {
		t.Fatalf("export: %s", r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var line struct {
		ID                 string   `json:"id"`
		Documents          []string `json:"documents"`
		IndependentSources int      `json:"independent_sources"`
		SubEventType       string   `json:"sub_event_type"`
	}
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &line) != nil || len(line.Documents) != 2 || line.IndependentSources < 1 || line.SubEventType != "Attack" {
		t.Errorf("export jsonl: %d lines, first %+v; want one incident with both documents", len(lines), line)
	}
}
