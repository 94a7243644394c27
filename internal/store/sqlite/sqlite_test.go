package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
	t.Run("CappedCount", func(t *testing.T) {
		storetest.RunCappedCount(t, func(t *testing.T) store.Store { return openTemp(t) })
	})
}

func TestLedger(t *testing.T) {
	storetest.RunLedger(t, func(t *testing.T) store.LedgerStore { return openTemp(t) })
}

func TestPragmas(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	for _, pool := range []struct {
		name      string
		db        *sql.DB
		queryOnly int
	}{{"writer", s.w, 0}, {"reader", s.r, 1}} {
		var journal string
		var fk, sync, busy, qo int
		row := pool.db.QueryRowContext(ctx, `SELECT (SELECT journal_mode FROM pragma_journal_mode),
			(SELECT foreign_keys FROM pragma_foreign_keys), (SELECT synchronous FROM pragma_synchronous),
			(SELECT timeout FROM pragma_busy_timeout), (SELECT query_only FROM pragma_query_only)`)
		if err := row.Scan(&journal, &fk, &sync, &busy, &qo); err != nil {
			t.Fatalf("%s: %v", pool.name, err)
		}
		if journal != "wal" || fk != 1 || sync != 1 || busy != int(busyTimeout.Milliseconds()) || qo != pool.queryOnly {
			t.Errorf("%s: journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d query_only=%d",
				pool.name, journal, fk, sync, busy, qo)
		}
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vigil.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	doc, rep := storetest.Sample(1, 3)
	if _, err := s.Ingest(ctx, doc, rep); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetDocument(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, doc) {
			t.Errorf("after reopen GetDocument = %+v, want %+v", got, doc)
		}
		if n, err := s.CountEvents(ctx, store.EventFilter{}); err != nil || n != 3 {
			t.Errorf("after reopen CountEvents = %d, %v; want 3", n, err)
		}
		var applied int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != len(ms) {
			t.Errorf("schema_migrations has %d rows, want %d", applied, len(ms))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vigil.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', '')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); !errs.Is(err, errs.Unavailable) || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("Open of a newer schema: %v; want kind Unavailable naming version 9999", err)
	}
}

func TestOpenBadPath(t *testing.T) {
	ctx := t.Context()
	if _, err := Open(ctx, ""); !errs.Is(err, errs.Invalid) {
		t.Errorf("Open(\"\") = %v, want kind Invalid", err)
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "missing", "dir", "vigil.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

// Two Stores on one file stand for two processes (say the CLI and the
// server): BEGIN IMMEDIATE and busy_timeout must keep their writes from
// failing with SQLITE_BUSY.
func TestTwoStoresOneFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "vigil.db")
	var stores [2]*Store
	for i := range stores {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	var wg sync.WaitGroup
	errc := make(chan error, 80)
	for w := range 8 {
		wg.Go(func() {
			s := stores[w%2]
			for i := range 10 {
				doc, rep := storetest.Sample(w*10+i, 2)
				if _, err := s.Ingest(ctx, doc, rep); err != nil {
					errc <- fmt.Errorf("worker %d: %w", w, err)
				}
				if _, err := s.ListEvents(ctx, store.EventFilter{Page: store.Page{Limit: 10}}); err != nil {
					errc <- fmt.Errorf("worker %d: %w", w, err)
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if n, err := stores[0].CountDocuments(ctx); err != nil || n != 80 {
		t.Errorf("CountDocuments = %d, %v; want 80", n, err)
	}
}

func TestSchemaRejectsWhatValidationMisses(t *testing.T) {
	// The CHECK constraints are a second line behind store.ValidateEvent:
	// a row written around the Go checks must still be refused.
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	doc, rep := storetest.Sample(1, 1)
	if _, err := s.Ingest(ctx, doc, rep); err != nil {
		t.Fatal(err)
	}
	_, err := s.w.ExecContext(ctx, `UPDATE events SET confidence = 3`)
	if err = classify(err); !errs.Is(err, errs.Invalid) {
		t.Errorf("confidence 3 accepted by the schema, or wrong kind: %v", err)
	}
	_, err = s.w.ExecContext(ctx, `UPDATE events SET event_date = 'March 13'`)
	if err = classify(err); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad date accepted by the schema, or wrong kind: %v", err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO reports (id, document_id, extractor, extractor_version, created_at, places_json)
		VALUES ('r', 'nope', 'x', 'v', '', '[]')`)
	if err = classify(err); !errs.Is(err, errs.Invalid) {
		t.Errorf("report for a missing document accepted (foreign keys off?), or wrong kind: %v", err)
	}
}
