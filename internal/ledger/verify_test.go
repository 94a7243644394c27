package ledger_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

// fixture is a data directory with a few ingested documents and a signed
// checkpoint, as `vigil ingest` followed by a checkpoint leaves it.
type fixture struct {
	dir string
	key *ledger.Key
}

const fixtureDocs = 4

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{dir: t.TempDir()}
	st, bs := f.open(t)
	defer st.Close()
	defer bs.Close()
	for i := range fixtureDocs {
		doc, rep := storetest.Sample(i, 1+i%3)
		if _, err := bs.Put(ctx, []byte(doc.Text)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Ingest(ctx, doc, rep); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if f.key, err = ledger.LoadKey(f.dir, nil, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ledger.Issue(ctx, st, f.key); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) open(t testing.TB) (*sqlite.Store, *blob.FS) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(f.dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := blob.OpenFS(filepath.Join(f.dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return st, bs
}

// verify runs Verify over the fixture with its own key.
func (f *fixture) verify(t *testing.T) *ledger.Result {
	t.Helper()
	st, bs := f.open(t)
	defer st.Close()
	defer bs.Close()
	res, err := ledger.Verify(t.Context(), st, ledger.Options{Blobs: bs, Verifier: f.key.Verifier})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// db opens the fixture's database directly, as someone with the file
// would: foreign keys off, no triggers in the way.
func (f *fixture) db(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(f.dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	mustExec(t, db, `PRAGMA foreign_keys = OFF`)
	for _, tr := range []string{"leaves", "hashes", "checkpoints"} {
		for _, op := range []string{"u", "d"} {
			mustExec(t, db, fmt.Sprintf(`DROP TRIGGER IF EXISTS ledger_%s_append_only_%s`, tr, op))
		}
	}
	return db
}

func mustExec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func problems(res *ledger.Result) string {
	var b strings.Builder
	for _, p := range res.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestUntouchedStoreVerifies(t *testing.T) {
	f := newFixture(t)
	res := f.verify(t)
	if !res.OK() {
		t.Fatalf("untouched store has problems:\n%s", problems(res))
	}
	if res.Documents != fixtureDocs || res.Latest == nil || res.Latest.Size != res.Leaves || res.Leaves == 0 {
		t.Errorf("result = %+v", res)
	}
	// Leaves: a document, a report and its events per sample.
	want := int64(0)
	for i := range fixtureDocs {
		want += 2 + int64(1+i%3)
	}
	if res.Leaves != want || res.Records != int(want) {
		t.Errorf("leaves = %d, records = %d; want %d", res.Leaves, res.Records, want)
	}
}

// The tables that hold records and, for each, the column naming the
// record a row belongs to.
var recordTables = []struct{ table, owner string }{
	{"documents", "id"},
	{"reports", "id"},
	{"events", "id"},
	{"event_actors", "event_id"},
	{"evidence", "event_id"},
}

// mutations are expressions that change a column's value, tried in order
// until one passes the schema's checks and changes the value.
var mutations = map[string][]string{
	"INTEGER": {"%s + 1", "%s - 1", "1"},
	"REAL":    {"%s + 0.001", "%s - 0.001", "0.5"},
	"TEXT": {
		"substr(%[1]s, 1, length(%[1]s) - 1) || (CASE WHEN substr(%[1]s, -1) = '0' THEN '1' ELSE '0' END)",
		"%s || 'x'",
		"json_set(%s, '$.confidence', 0.123)",
		"json_set(%s, '$[0].text', 'changed')",
		"'x'",
	},
}

// Changing any column of any row of any record table is named by verify.
func TestEveryColumnChangeIsNamed(t *testing.T) {
	base := newFixture(t)
	db := base.db(t)
	for _, rt := range recordTables {
		rows, err := db.Query(`SELECT name, type FROM pragma_table_info(?)`, rt.table)
		if err != nil {
			t.Fatal(err)
		}
		var cols [][2]string
		for rows.Next() {
			var c [2]string
			if err := rows.Scan(&c[0], &c[1]); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		rows.Close()
		if len(cols) == 0 {
			t.Fatalf("table %s has no columns", rt.table)
		}
		for _, col := range cols {
			t.Run(rt.table+"."+col[0], func(t *testing.T) {
				f := base.copy(t)
				db := f.db(t)
				owner := mutate(t, db, rt.table, col[0], col[1], rt.owner)
				db.Close()
				res := f.verify(t)
				got := problems(res)
				if res.OK() || !strings.Contains(got, owner) {
					t.Fatalf("changing %s.%s of %s: verify did not name it:\n%s", rt.table, col[0], owner, got)
				}
				name := strings.TrimSuffix(col[0], "_json")
				if col[0] != "id" && col[0] != "event_id" && !strings.Contains(got, name) {
					t.Errorf("changing %s.%s: no problem names the field %q:\n%s", rt.table, col[0], name, got)
				}
			})
		}
	}
}

// mutate changes one column of one row and returns the ID of the record
// the row belonged to.
func mutate(t *testing.T, db *sql.DB, table, col, typ, ownerCol string) string {
	t.Helper()
	var rowid int64
	var owner string
	err := db.QueryRow(fmt.Sprintf(`SELECT rowid, %s FROM %s WHERE %s IS NOT NULL ORDER BY rowid LIMIT 1`, ownerCol, table, col)).Scan(&rowid, &owner)
	if err != nil {
		t.Fatalf("%s.%s: no row: %v", table, col, err)
	}
	var before string
	db.QueryRow(fmt.Sprintf(`SELECT quote(%s) FROM %s WHERE rowid = ?`, col, table), rowid).Scan(&before)
	for _, m := range mutations[typ] {
		expr := strings.ReplaceAll(m, "%[1]s", col)
		if strings.Contains(expr, "%s") {
			expr = fmt.Sprintf(expr, col)
		}
		if _, err := db.Exec(fmt.Sprintf(`UPDATE %s SET %s = %s WHERE rowid = ?`, table, col, expr), rowid); err != nil {
			continue
		}
		var after string
		db.QueryRow(fmt.Sprintf(`SELECT quote(%s) FROM %s WHERE rowid = ?`, col, table), rowid).Scan(&after)
		if after != before {
			return owner
		}
	}
	t.Fatalf("found no change to %s.%s (%s) that the schema accepts", table, col, typ)
	return ""
}

// copy returns a fixture with a copy of f's data directory and key.
func (f *fixture) copy(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(f.dir)); err != nil {
		t.Fatal(err)
	}
	return &fixture{dir: dir, key: f.key}
}

func TestDeletedRowIsNamed(t *testing.T) {
	base := newFixture(t)
	for _, rt := range recordTables {
		t.Run(rt.table, func(t *testing.T) {
			f := base.copy(t)
			db := f.db(t)
			var owner string
			if err := db.QueryRow(fmt.Sprintf(`SELECT %s FROM %s ORDER BY rowid DESC LIMIT 1`, rt.owner, rt.table)).Scan(&owner); err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, fmt.Sprintf(`DELETE FROM %s WHERE rowid = (SELECT max(rowid) FROM %s)`, rt.table, rt.table))
			db.Close()
			res := f.verify(t)
			if got := problems(res); res.OK() || !strings.Contains(got, owner) {
				t.Fatalf("deleting a row of %s (%s): verify did not name it:\n%s", rt.table, owner, got)
			}
		})
	}
}

func TestFlippedBlobByteIsNamed(t *testing.T) {
	f := newFixture(t)
	st, bs := f.open(t)
	var sum string
	bs.Walk(t.Context(), func(s string) error { sum = s; return nil })
	st.Close()
	bs.Close()
	path := filepath.Join(f.dir, "blobs", "sha256", sum[:2], sum[2:4], sum)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res := f.verify(t)
	if got := problems(res); res.OK() || !strings.Contains(got, "document "+sum) || !strings.Contains(got, "original bytes") {
		t.Fatalf("flipped byte in blob %s not named:\n%s", sum, got)
	}
	os.Remove(path)
	res = f.verify(t)
	if got := problems(res); !strings.Contains(got, "document "+sum+": its original bytes are missing") {
		t.Fatalf("missing blob %s not named:\n%s", sum, got)
	}
}

// Tampering with the ledger's own tables is caught too.
func TestLedgerTablesTampering(t *testing.T) {
	base := newFixture(t)
	tests := []struct {
		name, sql, want string
	}{
		{"leaf bytes", `UPDATE ledger_leaves SET leaf = CAST(replace(CAST(leaf AS TEXT), 'system:ingest', 'system:ingesT') AS BLOB) WHERE idx = 0`, "ledger leaf 0"},
		{"leaf fields", `UPDATE ledger_leaves SET fields = CAST(replace(CAST(fields AS TEXT), '"id"', '"iD"') AS BLOB) WHERE idx = 1`, "ledger leaf 1: its field digests"},
		{"leaf index columns", `UPDATE ledger_leaves SET record_id = 'other' WHERE idx = 2`, "ledger leaf 2: indexed under"},
		{"leaf deleted", `DELETE FROM ledger_leaves WHERE idx = 3`, "ledger leaves 3..3: missing"},
		{"stored hash", `UPDATE ledger_hashes SET hash = zeroblob(32) WHERE id = 2`, "ledger hashes"},
		{"stored hash deleted", `DELETE FROM ledger_hashes WHERE id = 2`, "ledger hashes"},
		{"checkpoint signature", `UPDATE ledger_checkpoints SET signed = CAST(replace(CAST(signed AS TEXT), char(10) || '1', char(10) || '2') AS BLOB)`, "checkpoint 1"},
		{"checkpoint size", `UPDATE ledger_checkpoints SET size = size - 1`, "checkpoint 1 (size"},
		{"all leaves deleted", `DELETE FROM ledger_leaves`, "no ledger leaf logs it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base.copy(t)
			db := f.db(t)
			r, err := db.Exec(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := r.RowsAffected(); n == 0 {
				t.Fatalf("%s changed nothing", tt.sql)
			}
			db.Close()
			res := f.verify(t)
			if got := problems(res); !strings.Contains(got, tt.want) {
				t.Fatalf("want a problem with %q, got:\n%s", tt.want, got)
			}
		})
	}
}

// Someone who rewrites a record, its leaf, the leaf's field digests and
// every stored hash consistently is caught by the signed checkpoint alone.
func TestConsistentRewriteCaughtByCheckpoint(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	db := f.db(t)
	var id string
	if err := db.QueryRow(`SELECT record_id FROM ledger_leaves WHERE idx = 0`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `UPDATE documents SET title = 'A different title' WHERE id = ?`, id)

	st, bs := f.open(t)
	rec, err := st.LedgerRecord(ctx, ledger.KindDocument, id)
	if err != nil {
		t.Fatal(err)
	}
	leaves, err := st.LedgerLeaves(ctx, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ledger.ParseLeaf(leaves[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	leaf.SHA256 = rec.SHA256
	data, err := leaf.Encode()
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `UPDATE ledger_leaves SET leaf = ?, fields = ? WHERE idx = 0`, data, rec.Fields)
	// Recompute every stored hash from the forged leaves.
	n, _ := st.LedgerSize(ctx)
	all, err := st.LedgerLeaves(ctx, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ix))
		for i, x := range ix {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i, l := range all {
		hs, err := tlog.StoredHashes(int64(i), l.Data, r)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, hs...)
	}
	for i, h := range hashes {
		mustExec(t, db, `UPDATE ledger_hashes SET hash = ? WHERE id = ?`, h[:], i)
	}
	st.Close()
	bs.Close()
	db.Close()

	res := f.verify(t)
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].String(), "do not hash to its signed root") {
		t.Fatalf("want only the checkpoint to fail, got:\n%s", problems(res))
	}
	// And no new checkpoint is signed over the rewritten past.
	st, bs = f.open(t)
	defer st.Close()
	defer bs.Close()
	mustExec(t, f.db(t), `INSERT INTO ledger_leaves (idx, kind, record_id, leaf, fields) SELECT idx + 1000, kind, record_id, leaf, fields FROM ledger_leaves WHERE idx = 0`)
	if _, _, err := ledger.Issue(ctx, st, f.key); err == nil {
		t.Fatal("Issue signed a checkpoint over a rewritten log")
	}
}

func TestWrongKey(t *testing.T) {
	f := newFixture(t)
	other, err := ledger.LoadKey(t.TempDir(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	st, bs := f.open(t)
	defer st.Close()
	defer bs.Close()
	res, err := ledger.Verify(t.Context(), st, ledger.Options{Blobs: bs, Verifier: other.Verifier})
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(res); !strings.Contains(got, "checkpoint 1") || !strings.Contains(got, "not signed by key "+other.Name()) {
		t.Fatalf("verify with a wrong key:\n%s", got)
	}
	res, err = ledger.Verify(t.Context(), st, ledger.Options{Blobs: bs})
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(res); !strings.Contains(got, "no verifier key") {
		t.Fatalf("verify without a key:\n%s", got)
	}
}

func TestConsistency(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	st, bs := f.open(t)
	defer st.Close()
	defer bs.Close()
	_, old, err := ledger.LatestCheckpoint(ctx, st, f.key.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		doc, rep := storetest.Sample(100+i, 2)
		bs.Put(ctx, []byte(doc.Text))
		if _, err := st.Ingest(ctx, doc, rep); err != nil {
			t.Fatal(err)
		}
	}
	cur, _, err := ledger.Issue(ctx, st, f.key)
	if err != nil {
		t.Fatal(err)
	}
	oldC, gotCur, proof, err := ledger.Consistency(ctx, st, old, f.key.Verifier)
	if err != nil {
		t.Fatal(err)
	}
	if gotCur != cur || oldC.Size >= cur.Size || len(proof) == 0 {
		t.Errorf("Consistency = %+v, %+v, %d hashes; latest %+v", oldC, gotCur, len(proof), cur)
	}
	// A checkpoint of a different history does not extend.
	forged := ledger.Checkpoint{Origin: f.key.Name(), Size: oldC.Size, Hash: tlog.RecordHash([]byte("another past"))}
	signed, err := forged.Sign(f.key)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := ledger.Consistency(ctx, st, signed, f.key.Verifier); err == nil || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("Consistency with another history: %v", err)
	}
	// Nor does a bigger one.
	forged.Size = cur.Size + 5
	signed, _ = forged.Sign(f.key)
	if _, _, _, err := ledger.Consistency(ctx, st, signed, f.key.Verifier); err == nil || !strings.Contains(err.Error(), "shrank") {
		t.Errorf("Consistency with a larger checkpoint: %v", err)
	}
	// Issue with nothing new returns the latest checkpoint.
	again, _, err := ledger.Issue(ctx, st, f.key)
	if err != nil || again != cur {
		t.Errorf("Issue again = %+v, %v; want %+v", again, err, cur)
	}
	res, err := ledger.Verify(ctx, st, ledger.Options{Blobs: bs, Verifier: f.key.Verifier})
	if err != nil || !res.OK() || res.Latest == nil || *res.Latest != cur {
		t.Fatalf("verify after growth: %v\n%s", err, problems(res))
	}
}

func TestVerifyEmptyStore(t *testing.T) {
	f := &fixture{dir: t.TempDir()}
	st, bs := f.open(t)
	defer st.Close()
	defer bs.Close()
	res, err := ledger.Verify(context.Background(), st, ledger.Options{Blobs: bs})
	if err != nil || !res.OK() || res.Leaves != 0 {
		t.Fatalf("empty store: %+v, %v", res, err)
	}
}
