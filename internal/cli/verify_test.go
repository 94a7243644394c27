package cli

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyAndBundle(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"VIGIL_DATA": data}
	r := run(t, "", env, "ingest", fixture)
	if r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	var line ingestLine
	if err := json.Unmarshal([]byte(r.stdout), &line); err != nil || len(line.Events) == 0 {
		t.Fatalf("ingest output %q: %v", r.stdout, err)
	}

	r = run(t, "", env, "verify")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ok: 1 documents") {
		t.Fatalf("verify of an untouched store: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", env, "verify", "--checkpoint")
	if r.code != 0 || !strings.Contains(r.stdout, "\n\n\u2014 vigil-ledger/") {
		t.Fatalf("verify --checkpoint: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	old := filepath.Join(dir, "old-checkpoint.txt")
	os.WriteFile(old, []byte(r.stdout), 0o644)
	if st, err := os.Stat(filepath.Join(data, "ledger.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("ledger.key: %v, %v", st, err)
	}
	r = run(t, "", env, "verify", "--print-key")
	pub := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(pub, "vigil-ledger/") {
		t.Fatalf("verify --print-key: %d %q", r.code, r.stdout)
	}

	// A bundle verifies alone, pinned to the published key; tampered, it fails.
	out := filepath.Join(dir, "ev.zip")
	if r = run(t, "", env, "bundle", "--out", out, line.Events[0]); r.code != 0 {
		t.Fatalf("bundle: exit %d: %s", r.code, r.stderr)
	}
	if r = run(t, "", nil, "verify-bundle", "--key", pub, out); r.code != 0 || !strings.HasPrefix(r.stdout, "ok: ") {
		t.Fatalf("verify-bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bad := filepath.Join(dir, "bad.zip")
	writeTampered(t, out, bad, "documents/")
	if r = run(t, "", nil, "verify-bundle", bad); r.code != 1 || !strings.Contains(r.stdout, "hash to") {
		t.Fatalf("verify-bundle of a tampered bundle: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = run(t, "", nil, "verify-bundle"); r.code != 2 {
		t.Errorf("verify-bundle without a file: exit %d", r.code)
	}
	if r = run(t, "", env, "bundle", "no-such-event"); r.code != 1 || !strings.Contains(r.stderr, "no-such-event") {
		t.Errorf("bundle of a missing event: exit %d %s", r.code, r.stderr)
	}

	// More reports, a new checkpoint: the old one is a prefix of it.
	if r = run(t, "", env, "ingest", "../../testdata/reports/"); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	if r = run(t, "", env, "verify", "--checkpoint"); r.code != 0 {
		t.Fatalf("verify --checkpoint: %s%s", r.stdout, r.stderr)
	}
	if r = run(t, "", env, "verify", "--consistency", old); r.code != 0 || !strings.HasPrefix(r.stdout, "ok: the ledger of ") {
		t.Fatalf("verify --consistency: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A change made behind Vigil's back is named, and exits 1.
	db, err := sql.Open("sqlite", filepath.Join(data, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE events SET event_json = json_set(event_json, '$.certainty', 'confirmed') WHERE id = ?`, line.Events[0]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r = run(t, "", env, "verify")
	if r.code != 1 || !strings.Contains(r.stdout, "event "+line.Events[0]+": differs from ledger leaf") || !strings.Contains(r.stdout, "event.certainty") {
		t.Fatalf("verify after tampering: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Checked with someone else's key, the signatures fail.
	other := filepath.Join(dir, "other")
	run(t, "", map[string]string{"VIGIL_DATA": other}, "verify", "--print-key")
	otherKey, _ := os.ReadFile(filepath.Join(other, "ledger.pub"))
	r = run(t, "", env, "verify", "--key", strings.TrimSpace(string(otherKey)))
	if r.code != 1 || !strings.Contains(r.stdout, "is not signed by key") {
		t.Fatalf("verify with another key: exit %d\n%s", r.code, r.stdout)
	}
	if r = run(t, "", env, "verify", "--checkpoint", "--consistency", old); r.code != 2 {
		t.Errorf("conflicting flags: exit %d", r.code)
	}
}

// writeTampered copies a zip, flipping a byte of the first file whose name
// starts with prefix.
func writeTampered(t *testing.T, in, out, prefix string) {
	t.Helper()
	zr, err := zip.OpenReader(in)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	done := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !done && strings.HasPrefix(f.Name, prefix) {
			data[len(data)/2] ^= 0x20
			done = true
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A stored testimony is a record like the others: verify knows its kind.
func TestVerifyWithTestimony(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"VIGIL_DATA": dir}
	if r := run(t, "", env, "ingest", fixture); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	if r := run(t, "", env, "keys", "init"); r.code != 0 {
		t.Fatalf("keys init: %s", r.stderr)
	}
	in := `{"statement":"They came at dawn and burned the granaries.","lang":"en","sensitive":true,"country":"MLI",` +
		`"protected":{"witness_name":"Awa Test Witness","witness_contact":"+223 70 11 22 33"}}`
	if r := run(t, in, env, "testimony", "add", "-"); r.code != 0 {
		t.Fatalf("testimony add: %s", r.stderr)
	}
	if r := run(t, "", env, "verify"); r.code != 0 {
		t.Fatalf("verify after a testimony: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
