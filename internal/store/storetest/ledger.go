package storetest

import (
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

// RunLedger runs the ledger's part of the suite (store.Ledger). open must
// return a new, empty store each time; RunLedger closes them.
func RunLedger(t *testing.T, open func(t *testing.T) store.LedgerStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.LedgerStore)
	}{
		{"IngestLogsEveryRecord", testIngestLogs},
		{"NothingNewNothingLogged", testNothingNewNothingLogged},
		{"FailedIngestLogsNothing", testFailedIngestLogsNothing},
		{"TreeMatchesLeaves", testTreeMatchesLeaves},
		{"Checkpoints", testCheckpoints},
		{"LedgerRecordNotFound", testLedgerRecordNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

func ledgerSize(t *testing.T, s store.LedgerStore) int64 {
	t.Helper()
	n, err := s.LedgerSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every record Ingest stores has one leaf, in order, whose digest is the
// record as LedgerRecord rebuilds it; LedgerRecords visits them all.
func testIngestLogs(t *testing.T, s store.LedgerStore) {
	ctx := t.Context()
	doc, rep := Sample(1, 3)
	mustIngest(t, s, doc, rep)
	want := []struct{ kind, id, actor string }{
		{ledger.KindDocument, doc.ID, ledger.ActorIngest},
		{ledger.KindReport, rep.ID, ledger.ExtractorActor(rep.Extractor, rep.ExtractorVersion)},
	}
	for _, ev := range rep.Events {
		want = append(want, struct{ kind, id, actor string }{ledger.KindEvent, ev.ID, ledger.ExtractorActor(rep.Extractor, rep.ExtractorVersion)})
	}
	leaves, err := s.LedgerLeaves(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(leaves) != len(want) || ledgerSize(t, s) != int64(len(want)) {
		t.Fatalf("%d leaves, size %d; want %d", len(leaves), ledgerSize(t, s), len(want))
	}
	for i, l := range leaves {
		leaf, err := ledger.ParseLeaf(l.Data)
		if err != nil {
			t.Fatalf("leaf %d: %v", i, err)
		}
		w := want[i]
		if l.Index != int64(i) || leaf.Kind != w.kind || leaf.ID != w.id || leaf.Actor != w.actor || leaf.Op != ledger.OpCreate ||
			l.Kind != w.kind || l.RecordID != w.id {
			t.Errorf("leaf %d = %+v (%s %s); want %s %s by %s", i, leaf, l.Kind, l.RecordID, w.kind, w.id, w.actor)
		}
		rec, err := s.LedgerRecord(ctx, w.kind, w.id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.SHA256 != leaf.SHA256 || ledger.FieldsDigest(l.Fields) != leaf.SHA256 || len(rec.Problems) > 0 {
			t.Errorf("%s %s: rebuilt digest %s, leaf %s, problems %v", w.kind, w.id, rec.SHA256, leaf.SHA256, rec.Problems)
		}
		idx, err := s.LedgerLeafIndexes(ctx, w.kind, w.id)
		if err != nil || len(idx) != 1 || idx[0] != int64(i) {
			t.Errorf("LedgerLeafIndexes(%s, %s) = %v, %v; want [%d]", w.kind, w.id, idx, err, i)
		}
	}
	seen := 0
	err = s.LedgerRecords(ctx, func(r store.LedgerRecord) error {
		seen++
		if len(r.Problems) > 0 || r.SHA256 == "" {
			return fmt.Errorf("%s %s: %v", r.Kind, r.ID, r.Problems)
		}
		return nil
	})
	if err != nil || seen != len(want) {
		t.Errorf("LedgerRecords visited %d records (%v); want %d", seen, err, len(want))
	}
}

func testNothingNewNothingLogged(t *testing.T, s store.LedgerStore) {
	doc, rep := Sample(2, 2)
	mustIngest(t, s, doc, rep)
	n := ledgerSize(t, s)
	doc2, rep2 := Sample(2, 2)
	mustIngest(t, s, doc2, rep2) // same bytes, same extractor version
	if got := ledgerSize(t, s); got != n {
		t.Errorf("re-ingesting the same document grew the ledger from %d to %d", n, got)
	}
	doc3, rep3 := Sample(2, 2)
	rep3.ExtractorVersion = "v2"
	if res := mustIngest(t, s, doc3, rep3); !res.Existing {
		t.Fatal("Sample(2, 2) is not the same document twice")
	}
	// A new report of a known document: the report and its events.
	if got, want := ledgerSize(t, s), n+1+int64(len(rep3.Events)); got != want {
		t.Errorf("a new report grew the ledger from %d to %d; want %d", n, got, want)
	}
}

func testFailedIngestLogsNothing(t *testing.T, s store.LedgerStore) {
	doc, rep := Sample(3, 2)
	res := mustIngest(t, s, doc, rep)
	n := ledgerSize(t, s)
	doc2, rep2 := Sample(4, 2)
	rep2.Events[1].ID = res.EventIDs[0] // taken: the whole Ingest fails
	if _, err := s.Ingest(t.Context(), doc2, rep2); !errs.Is(err, errs.Conflict) {
		t.Fatalf("Ingest with a taken event ID = %v; want a conflict", err)
	}
	if got := ledgerSize(t, s); got != n {
		t.Errorf("a failed Ingest grew the ledger from %d to %d", n, got)
	}
}

// The stored hashes are tlog's for the leaves, whatever the batches.
func testTreeMatchesLeaves(t *testing.T, s store.LedgerStore) {
	ctx := t.Context()
	for i := range 9 {
		doc, rep := Sample(10+i, i%4)
		mustIngest(t, s, doc, rep)
	}
	n := ledgerSize(t, s)
	leaves, err := s.LedgerLeaves(ctx, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	var want []tlog.Hash
	mem := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ix))
		for i, x := range ix {
			out[i] = want[x]
		}
		return out, nil
	})
	for i, l := range leaves {
		hs, err := tlog.StoredHashes(int64(i), l.Data, mem)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, hs...)
	}
	indexes := make([]int64, len(want))
	for i := range indexes {
		indexes[i] = int64(i)
	}
	got, err := s.LedgerHashes(ctx, indexes)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Error("stored hashes differ from tlog's for the stored leaves")
	}
	if _, err := s.LedgerHashes(ctx, []int64{int64(len(want)) + 10}); !errs.Is(err, errs.NotFound) {
		t.Errorf("LedgerHashes beyond the tree = %v; want NotFound", err)
	}
}

func testCheckpoints(t *testing.T, s store.LedgerStore) {
	ctx := t.Context()
	if cps, err := s.Checkpoints(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("Checkpoints of an empty store = %v, %v", cps, err)
	}
	for i, size := range []int64{0, 7, 7} {
		if err := s.AddCheckpoint(ctx, size, fmt.Appendf(nil, "note %d\n", i)); err != nil {
			t.Fatal(err)
		}
	}
	cps, err := s.Checkpoints(ctx)
	if err != nil || len(cps) != 3 {
		t.Fatalf("Checkpoints = %v, %v", cps, err)
	}
	for i, c := range cps {
		if string(c.Signed) != fmt.Sprintf("note %d\n", i) || c.CreatedAt.IsZero() {
			t.Errorf("checkpoint %d = %+v", i, c)
		}
	}
	if err := s.AddCheckpoint(ctx, -1, []byte("x")); !errs.Is(err, errs.Invalid) {
		t.Errorf("AddCheckpoint(-1) = %v; want Invalid", err)
	}
}

func testLedgerRecordNotFound(t *testing.T, s store.LedgerStore) {
	for _, kind := range []string{ledger.KindDocument, ledger.KindReport, ledger.KindEvent, store.KindIncident} {
		if _, err := s.LedgerRecord(t.Context(), kind, "nope"); !errs.Is(err, errs.NotFound) {
			t.Errorf("LedgerRecord(%s, nope) = %v; want NotFound", kind, err)
		}
	}
	if _, err := s.LedgerRecord(t.Context(), "no_such_kind", "x"); !errs.Is(err, errs.Invalid) {
		t.Errorf("LedgerRecord of an unknown kind: want Invalid")
	}
}
