// Package sqlite is the SQLite implementation of store.Store, built on the
// pure-Go driver modernc.org/sqlite.
//
// A Store holds two connection pools on the same file: one connection for
// writes, whose transactions begin IMMEDIATE so they take the write lock up
// front and wait for it (busy_timeout) rather than fail with SQLITE_BUSY,
// and a pool of query-only connections for reads, which WAL mode lets run
// alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// readConns is the size of the read pool.
const readConns = 4

// busyTimeout is how long a connection waits for a lock before SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Store is a store.Store kept in one SQLite database file.
type Store struct {
	w *sql.DB // one connection: every write goes through it
	r *sql.DB // query-only connections
	// skipLedger turns ledger appends off; only BenchmarkIngest sets it,
	// to measure what the ledger costs.
	skipLedger bool
}

var _ store.LedgerStore = (*Store)(nil)

// dsn returns the data source name for the record store at path.
func dsn(path string, write bool) string { return DSN(path, write, "foreign_keys(ON)") }

// DSN returns the data source name for a Vigil SQLite database at path
// (absolute): the one place connection settings are made, for the record
// store and the others (imported datasets). modernc applies the _pragma
// values to every new connection, busy_timeout first; extra pragmas
// ("foreign_keys(ON)", "cache_size(-65536)") follow. The write pool takes
// its locks at BEGIN (IMMEDIATE), so writers queue instead of failing; the
// read pool is read-only.
func DSN(path string, write bool, extra ...string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	for _, p := range extra {
		q.Add("_pragma", p)
	}
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(ON)")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (_ *Store, err error) {
	defer errs.Wrap(&err, "sqlite.Open(%q)", path)
	if path == "" {
		return nil, errs.E(errs.Invalid, "empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, classify(err)
	}
	r, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, classify(err)
	}
	return &Store{w: w, r: r}, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = store.Migration

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	return store.ReadMigrations(migrationFiles, "migrations/*.sql")
}

// migrate applies the migrations db lacks, each in its own transaction and
// recorded in schema_migrations. Whether a migration is applied is checked
// inside its transaction, so two processes opening the same new database
// do not both apply it.
func migrate(ctx context.Context, db *sql.DB) (err error) {
	defer errs.Wrap(&err, "migrating")
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return err
	}
	var newest int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if known := ms[len(ms)-1].Version; newest > known {
		return errs.E(errs.Unavailable, "database schema version %d is newer than this program knows (%d)", newest, known)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, db, m); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, formatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// timeLayout is RFC 3339 in UTC with a fixed six-digit fraction, so stored
// times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

func formatTime(t time.Time) string { return store.Timestamp(t).UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// classify gives SQLite errors an errs kind: constraint violations are
// conflicts (uniqueness) or invalid input (the rest); a lock not obtained
// in time means the database is unavailable.
func classify(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) || errs.KindOf(err) != errs.Other {
		return err
	}
	code := se.Code()
	switch {
	case code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || code == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return &errs.Error{Kind: errs.Conflict, Err: err}
	case code&0xff == sqlite3.SQLITE_CONSTRAINT:
		return &errs.Error{Kind: errs.Invalid, Err: err}
	case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
		return &errs.Error{Kind: errs.Unavailable, Err: err}
	}
	return err
}
