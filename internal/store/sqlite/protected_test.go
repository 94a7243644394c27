package sqlite

import (
	"slices"
	"strings"

	"github.com/vigil-hr/vigil/internal/ledger"
	"testing"

	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func TestProtected(t *testing.T) {
	storetest.RunProtected(t, func(t *testing.T) store.ProtectedStore { return openTemp(t) })
}

// Every testimony change is one ledger leaf in its transaction, and the
// record auditTestimonies rebuilds from the rows has the newest leaf's
// digest; changing a row directly is seen.
func TestTestimonyLedger(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	tm := storetest.SampleTestimony(1)
	if err := s.AddTestimony(ctx, tm, "user:u1"); err != nil {
		t.Fatal(err)
	}
	bad := storetest.SampleTestimony(2)
	bad.Country = "nowhere"
	if err := s.AddTestimony(ctx, bad, "user:u1"); err == nil {
		t.Fatal("bad testimony stored")
	}
	newest := func() ledger.Leaf {
		t.Helper()
		idx, err := s.LedgerLeafIndexes(ctx, store.KindTestimony, tm.ID)
		if err != nil || len(idx) == 0 {
			t.Fatalf("leaf indexes %v, %v", idx, err)
		}
		ls, err := s.LedgerLeaves(ctx, idx[len(idx)-1], idx[len(idx)-1]+1)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ledger.ParseLeaf(ls[0].Data)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	audit := func() store.LedgerRecord {
		t.Helper()
		recs, err := auditTestimonies(ctx, s.r, `id = ?`, []any{tm.ID})
		if err != nil || len(recs) != 1 {
			t.Fatalf("audit: %v, %v", recs, err)
		}
		return recs[0]
	}
	if n, _ := s.LedgerSize(ctx); n != 1 {
		t.Fatalf("ledger holds %d leaves, want 1 (the failed add logs nothing)", n)
	}
	l := newest()
	if l.Op != ledger.OpCreate || l.Actor != "user:u1" || l.SHA256 != audit().SHA256 {
		t.Fatalf("leaf %+v does not log the stored testimony (%s)", l, audit().SHA256)
	}
	// The ledger's record holds no plaintext, only digests of ciphertexts.
	if rec := audit(); strings.Contains(string(rec.Content), "age-ct-name") {
		t.Errorf("record content holds a ciphertext: %s", rec.Content)
	}

	batch, err := s.TestimoniesToRewrap(ctx, "k2", 10)
	if err != nil || len(batch) != 1 {
		t.Fatal(batch, err)
	}
	batch[0].KeyID = "k2"
	batch[0].Protected[0].Ciphertext = []byte("rewrapped")
	if err := s.RewrapTestimonies(ctx, batch, []string{"k1"}, "system:key-rotation"); err != nil {
		t.Fatal(err)
	}
	l = newest()
	if l.Op != ledger.OpUpdate || l.Note != NoteRewrap || l.SHA256 != audit().SHA256 {
		t.Fatalf("re-wrap leaf %+v does not log the stored testimony", l)
	}

	for _, c := range []struct{ name, sql, field string }{
		{"statement", `UPDATE testimonies SET statement = 'changed' WHERE id = ?`, "statement"},
		{"ciphertext", `UPDATE testimony_fields SET ciphertext = x'00' WHERE testimony_id = ? AND name = 'location'`, "protected.location"},
		{"blind index", `UPDATE testimony_fields SET blind_index = '` + strings.Repeat("0", 64) + `' WHERE testimony_id = ? AND name = 'witness_name'`, "protected.witness_name_index"},
	} {
		if _, err := s.w.ExecContext(ctx, c.sql, tm.ID); err != nil {
			t.Fatal(err)
		}
		rec := audit()
		diff, err := ledger.DiffFields(mustFields(t, s, tm.ID), rec.Fields)
		if err != nil || !slices.Contains(diff, c.field) {
			t.Errorf("%s: diff %v (%v), want it to name %s", c.name, diff, err, c.field)
		}
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM testimony_links WHERE testimony_id = ? AND kind = 'event'`, tm.ID); err != nil {
		t.Fatal(err)
	}
	if p := audit().Problems; len(p) != 1 || !strings.Contains(p[0], "testimony_links") {
		t.Errorf("deleted link rows: problems %q", p)
	}
}

// mustFields returns the field digests of a testimony's newest leaf.
func mustFields(t *testing.T, s *Store, id string) []byte {
	t.Helper()
	idx, err := s.LedgerLeafIndexes(t.Context(), store.KindTestimony, id)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := s.LedgerLeaves(t.Context(), idx[len(idx)-1], idx[len(idx)-1]+1)
	if err != nil {
		t.Fatal(err)
	}
	return ls[0].Fields
}
