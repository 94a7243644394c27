package dataset

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func records(t testing.TB, db *DB, name string) []Record {
	t.Helper()
	var out []Record
	for r, err := range db.Records(context.Background(), name) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *r)
	}
	return out
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	text := "event_id_cnty,event_date,sub_event_type,latitude,longitude\n" +
		"A1,2024-05-01,Attack,14.1,-1.6\n" +
		"A2,not a date,Attack,14.1,-1.6\n" +
		"A3,2024-05-03,Armed clash,,\n"
	var bad []*RowError
	var progress []Progress
	res, err := db.Import(ctx, strings.NewReader(text), ImportOptions{
		Name: "mini", Format: export.ACLEDCSV, File: "mini.csv", Size: int64(len(text)),
		OnBadRow:   func(e *RowError) { bad = append(bad, e) },
		OnProgress: func(p Progress) { progress = append(progress, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dataset.Rows != 2 || res.Dataset.BadRows != 1 || len(bad) != 1 || bad[0].Line != 3 || res.Bulk {
		t.Fatalf("result %+v, bad %+v", res, bad)
	}
	if len(progress) == 0 || progress[len(progress)-1].Rows != 2 || progress[len(progress)-1].Bytes != int64(len(text)) {
		t.Errorf("progress %+v", progress)
	}
	got := records(t, db, "mini")
	if len(got) != 2 || got[0].SourceID != "A1" || got[1].SourceID != "A3" || got[1].HasCoords || got[0].Line != 2 {
		t.Fatalf("records %+v", got)
	}

	// The same name again is a conflict; with Replace it replaces.
	_, err = db.Import(ctx, strings.NewReader(text), ImportOptions{Name: "mini", Format: export.ACLEDCSV})
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("second import: %v, want a conflict", err)
	}
	other := "event_id_cnty,event_date\nB1,2024-01-01\n"
	if _, err := db.Import(ctx, strings.NewReader(other), ImportOptions{Name: "mini", Format: export.ACLEDCSV, Replace: true}); err != nil {
		t.Fatal(err)
	}
	if got := records(t, db, "mini"); len(got) != 1 || got[0].SourceID != "B1" {
		t.Fatalf("after replace: %+v", got)
	}
	ds, err := db.Datasets(ctx)
	if err != nil || len(ds) != 1 || !ds[0].Complete || ds[0].Rows != 1 {
		t.Fatalf("datasets %+v, %v", ds, err)
	}

	// A failed import (a row too long, after good rows) leaves nothing.
	long := "event_date,notes\n2024-01-01,ok\n2024-01-02,\"" + strings.Repeat("x", MaxRowBytes+8192) + "\"\n"
	if _, err := db.Import(ctx, strings.NewReader(long), ImportOptions{Name: "long", Format: export.ACLEDCSV}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("long row: %v", err)
	}
	ds, _ = db.Datasets(ctx)
	var n int
	db.r.QueryRow(`SELECT count(*) FROM records`).Scan(&n)
	if len(ds) != 1 || n != 1 {
		t.Fatalf("a failed import left datasets %+v and %d records", ds, n)
	}

	// Delete.
	if err := db.Delete(ctx, "mini"); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, "mini"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestImportBulkRebuildsIndexes(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	// A Size that announces a big file puts the import in bulk mode.
	res, err := db.Import(ctx, newSynthACLED(3000), ImportOptions{Name: "synth", Format: export.ACLEDCSV, Size: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Bulk || res.Dataset.Rows != 3000 || res.Dataset.BadRows != 0 {
		t.Fatalf("result %+v", res)
	}
	var n int
	db.r.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE 'records_by_%'`).Scan(&n)
	var dropped int
	db.r.QueryRow(`SELECT count(*) FROM dropped_indexes`).Scan(&dropped)
	if n != 2 || dropped != 0 {
		t.Fatalf("%d lookup indexes after a bulk import, %d still marked dropped", n, dropped)
	}
}

func TestOpenRestoresDroppedIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.dropIndexes(ctx); err != nil { // as a crash mid-import would leave it
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.r.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE 'records_by_%'`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d lookup indexes after reopening, want 2", n)
	}
}

func TestImportCancelled(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := db.Import(ctx, newSynthACLED(200_000), ImportOptions{Name: "c", Format: export.ACLEDCSV,
		OnProgress: func(p Progress) {
			if p.Rows >= 5000 {
				cancel()
			}
		}})
	if err == nil {
		t.Fatal("a cancelled import succeeded")
	}
	var n int
	db.r.QueryRow(`SELECT count(*) FROM records`).Scan(&n)
	ds, _ := db.Datasets(context.Background())
	if n != 0 || len(ds) != 0 {
		t.Fatalf("a cancelled import left %d records, datasets %+v", n, ds)
	}
}

// TestImportUCDPNigeria loads UCDP's Nigeria file as HDX publishes it.
func TestImportUCDPNigeria(t *testing.T) {
	const path = "../../../shared/data/ucdp/hdx_nigeria/conflict_data_nga.csv"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("UCDP Nigeria file not present (%v)", err)
	}
	defer f.Close()
	st, _ := f.Stat()
	db := openTest(t)
	var bad []*RowError
	res, err := db.Import(context.Background(), f, ImportOptions{Name: "ucdp-nga", Format: export.UCDPCSV, File: path,
		Size: st.Size(), OnBadRow: func(e *RowError) { bad = append(bad, e) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dataset.Rows != 4603 || len(bad) != 0 {
		t.Fatalf("imported %d rows, %d bad (first: %v); want 4603 and none", res.Dataset.Rows, len(bad), bad)
	}
	recs := records(t, db, "ucdp-nga")
	types := map[int]int{}
	for _, r := range recs {
		types[r.Violence]++
		if r.ISO3 != "NGA" || !r.HasCoords || r.DateStart == "" || r.SourceID == "" {
			t.Fatalf("record on line %d: %+v", r.Line, r)
		}
	}
	if types[1] == 0 || types[2] == 0 || types[3] == 0 || types[0] != 0 {
		t.Errorf("types of violence: %v", types)
	}
	// The first event of the file, near Maiduguri in June 2009.
	m, err := db.Nearest(context.Background(), 11.85, 13.16, "2009-06-09", "Armed clash", 1)
	if err != nil || len(m) != 1 || m[0].Record.SourceID != "15960" {
		t.Fatalf("nearest to the first event: %+v, %v", m, err)
	}
}
