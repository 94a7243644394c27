package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

// testURL returns the database the tests may use, or skips t.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("VIGIL_TEST_POSTGRES")
	if u == "" {
		t.Skip("VIGIL_TEST_POSTGRES is not set, so the PostgreSQL store is not tested: set it to a database URL " +
			"such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable (.ci/postgres.sh starts a server and prints one)")
	}
	return u
}

// freshSchema creates a schema of its own for t, drops it with everything
// in it when t ends, and returns the test database's URL with search_path
// set to it: tests run side by side, and leave nothing behind.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := testURL(t)
	name := "vigil_test_" + store.NewID()[:16]
	admin := func(sql string) {
		t.Helper()
		ctx := context.Background() // also in Cleanup, after t's context is done
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatalf("connecting to VIGIL_TEST_POSTGRES: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	schema := pgx.Identifier{name}.Sanitize()
	admin("CREATE SCHEMA " + schema)
	t.Cleanup(func() { admin("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("VIGIL_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

func openFresh(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStore(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openFresh(t) })
	t.Run("CappedCount", func(t *testing.T) {
		storetest.RunCappedCount(t, func(t *testing.T) store.Store { return openFresh(t) })
	})
}

func TestMigrationsEmbedded(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %d is %s: versions must run 1, 2, 3...", i, m.Name)
		}
		if strings.TrimSpace(m.SQL) == "" {
			t.Errorf("migration %s is empty", m.Name)
		}
	}
}

func appliedMigrations(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := t.Context()
	u := freshSchema(t)
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	doc, rep := storetest.Sample(1, 3)
	if _, err := s.Ingest(ctx, doc, rep); err != nil {
		t.Fatal(err)
	}
	s.Close()

	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err := Open(ctx, u)
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
		if n := appliedMigrations(t, s); n != len(ms) {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
		}
		s.Close()
	}
}

// Processes that start together on a new database all open it: the
// advisory lock lets one migrate while the others wait, then find nothing
// to do.
func TestConcurrentOpen(t *testing.T) {
	ctx := t.Context()
	u := freshSchema(t)
	const n = 6
	stores := make([]*Store, n)
	errc := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errc[i] = Open(ctx, u) })
	}
	wg.Wait()
	for i, err := range errc {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if got := appliedMigrations(t, stores[0]); got != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", got, len(ms))
	}
	doc, rep := storetest.Sample(1, 2)
	if _, err := stores[1].Ingest(ctx, doc, rep); err != nil {
		t.Fatal(err)
	}
	if got, err := stores[n-1].GetDocument(ctx, doc.ID); err != nil || got.ID != doc.ID {
		t.Errorf("document stored through one store, read through another: %v, %v", got, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := t.Context()
	u := freshSchema(t)
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, u); !errs.Is(err, errs.Unavailable) || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("Open of a newer schema: %v; want kind Unavailable naming version 9999", err)
	}
}

// TestOpenErrors needs no database.
func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	// Nothing listens on port 1; connection refused comes back at once.
	_, err := Open(ctx, "postgres://vigil:s3cret@127.0.0.1:1/vigil?sslmode=disable&connect_timeout=5")
	if !errs.Is(err, errs.Unavailable) {
		t.Errorf("Open of an unreachable server: %v; want kind Unavailable", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error shows the password: %v", err)
	}
	for _, u := range []string{"", "mysql://x", "postgres://h/db?sslmode=bogus", "postgres://h:notaport/db"} {
		if _, err := Open(ctx, u); !errs.Is(err, errs.Invalid) {
			t.Errorf("Open(%q) = %v; want kind Invalid", u, err)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db?password=pw&user=u", "postgres://h/db?password=xxxxx&user=u"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestClassify needs no database.
func TestClassify(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"unique violation", pg("23505"), errs.Conflict},
		{"foreign key", pg("23503"), errs.Invalid},
		{"check", pg("23514"), errs.Invalid},
		{"NUL in text", pg("22021"), errs.Invalid},
		{"numeric out of range", pg("22003"), errs.Invalid},
		{"admin shutdown", pg("57P01"), errs.Unavailable},
		{"too many connections", pg("53300"), errs.Unavailable},
		{"deadlock", pg("40P01"), errs.Unavailable},
		{"connection failure", pg("08006"), errs.Unavailable},
		{"query cancelled", pg("57014"), errs.Other},
		{"syntax error", pg("42601"), errs.Other},
		{"network", &net.OpError{Op: "read", Err: errors.New("connection reset")}, errs.Unavailable},
		{"EOF", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), errs.Unavailable},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), errs.Other},
		{"already classified", errs.E(errs.NotFound, "gone"), errs.NotFound},
	}
	for _, tt := range tests {
		if got := errs.KindOf(classify(tt.err)); got != tt.want {
			t.Errorf("%s: kind %v, want %v", tt.name, got, tt.want)
		}
	}
	if classify(nil) != nil {
		t.Error("classify(nil) != nil")
	}
}

func TestSchemaRejectsWhatValidationMisses(t *testing.T) {
	// The CHECK and foreign-key constraints are a second line behind
	// store.ValidateEvent: a row written around the Go checks is refused.
	s := openFresh(t)
	defer s.Close()
	ctx := t.Context()
	doc, rep := storetest.Sample(1, 1)
	if _, err := s.Ingest(ctx, doc, rep); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE events SET confidence = 3`,
		`UPDATE events SET confidence = 'NaN'`,
		`UPDATE events SET country_iso3 = 'ml'`,
		`UPDATE events SET location_lat = 91`,
		`UPDATE documents SET id = upper(id)`,
		`INSERT INTO reports (id, document_id, extractor, extractor_version, created_at, places)
			VALUES ('r', 'nope', 'x', 'v', now(), '[]')`,
		`UPDATE reports SET places = '{}'`,
	} {
		if _, err := s.pool.Exec(ctx, sql); !errs.Is(classify(err), errs.Invalid) {
			t.Errorf("%s: accepted by the schema, or wrong kind: %v", sql, err)
		}
	}
}

// PostgreSQL text cannot hold a NUL character, which SQLite's can: the
// store refuses it as invalid input, and stores nothing.
func TestNULRefused(t *testing.T) {
	s := openFresh(t)
	defer s.Close()
	ctx := t.Context()
	cases := []struct {
		name   string
		mutate func(*model.Document, *model.Report)
	}{
		{"document text", func(d *model.Document, r *model.Report) { d.Text += "\x00" }},
		{"event field", func(d *model.Document, r *model.Report) { r.Events[0].Why = []string{"a\x00b"} }},
	}
	for _, c := range cases {
		doc, rep := storetest.Sample(1, 2)
		c.mutate(doc, rep)
		if _, err := s.Ingest(ctx, doc, rep); !errs.Is(err, errs.Invalid) {
			t.Errorf("%s with NUL: %v; want kind Invalid", c.name, err)
		}
	}
	if n, err := s.CountDocuments(ctx); err != nil || n != 0 {
		t.Errorf("CountDocuments = %d, %v; want 0", n, err)
	}
}

// A document far larger than the full-text index takes must still be
// stored: the index expression is bounded, so it cannot fail.
func TestLargeDocumentIndexed(t *testing.T) {
	s := openFresh(t)
	defer s.Close()
	ctx := t.Context()
	doc, rep := storetest.Sample(1, 1)
	var b strings.Builder
	b.WriteString(doc.Text)
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "mot%dx%d ", i, i*7919) // all distinct: the worst case for a tsvector
	}
	doc.Text = b.String()
	if _, err := s.Ingest(ctx, doc, rep); err != nil {
		t.Fatalf("Ingest of a 4 MiB text: %v", err)
	}
	got, err := s.GetDocument(ctx, doc.ID)
	if err != nil || got.Text != doc.Text {
		t.Fatalf("GetDocument: %v (text intact: %v)", err, err == nil && got.Text == doc.Text)
	}
}

// explain returns PostgreSQL's plan for sql with sequential scans
// discouraged, as on a table large enough to need its indexes.
func explain(t *testing.T, s *Store, sql string, args ...any) string {
	t.Helper()
	ctx := t.Context()
	var plan strings.Builder
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `EXPLAIN `+sql, args...)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		plan.WriteString(strings.Join(lines, "\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// The indexes the schema promises are the ones PostgreSQL picks for the
// queries they are for.
func TestIndexesServeTheirQueries(t *testing.T) {
	s := openFresh(t)
	defer s.Close()
	ctx := t.Context()
	// What each query must return, counted here from the samples.
	var fullText, inBox, attacks, niger int
	for n := range 20 {
		doc, rep := storetest.Sample(n, 3)
		if strings.Contains(doc.Text, "Tillabéri") {
			fullText++
		}
		for _, ev := range rep.Events {
			if l := ev.Location; l != nil {
				if l.Longitude >= -6 && l.Longitude <= -5 && l.Latitude >= 14 && l.Latitude <= 16 {
					inBox++
				}
				if l.ISO3 == "NER" {
					niger++
				}
			}
			if ev.SubEventType == "Attack" {
				attacks++
			}
		}
		if _, err := s.Ingest(ctx, doc, rep); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, sql, index string
		args             []any
		want             int
	}{
		{"full text", `SELECT id FROM documents
			WHERE to_tsvector('simple'::regconfig, left(text, 100000)) @@ websearch_to_tsquery('simple'::regconfig, $1)`,
			"documents_text_search", []any{"tillabéri gunmen"}, fullText},
		{"bounding box", `SELECT id FROM events WHERE location_point <@ box(point($1, $2), point($3, $4))`,
			"events_by_place", []any{-6.0, 14.0, -5.0, 16.0}, inBox}, // Nampala and Bassikounou
		{"sub-event type", `SELECT id FROM events WHERE sub_event_type = $1 ORDER BY event_date DESC NULLS LAST, id LIMIT 10`,
			"events_by_sub_type", []any{"Attack"}, min(10, attacks)},
		{"country", `SELECT id FROM events WHERE country_iso3 = $1 ORDER BY event_date DESC NULLS LAST, id LIMIT 10`,
			"events_by_country", []any{"NER"}, min(10, niger)},
	}
	for _, tt := range tests {
		if tt.want == 0 {
			t.Fatalf("%s: the samples give the query nothing to find", tt.name)
		}
		plan := explain(t, s, tt.sql, tt.args...)
		if !strings.Contains(plan, tt.index) {
			t.Errorf("%s: plan does not use %s:\n%s", tt.name, tt.index, plan)
		}
		rows, err := s.pool.Query(ctx, tt.sql, tt.args...)
		if err != nil {
			t.Fatal(err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != tt.want {
			t.Errorf("%s: %d rows, want %d", tt.name, len(ids), tt.want)
		}
	}
}
