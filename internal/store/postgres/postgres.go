// Package postgres is the PostgreSQL implementation of store.Store, built on
// jackc/pgx/v5 and its connection pool, pgxpool.
//
// It keeps the same records as package sqlite, in PostgreSQL's own types
// (timestamptz, date, jsonb), passes the same suite (storetest.Run), and
// shares its validation with it through package store, so the two behave
// alike. Its schema is versioned by the embedded migrations/NNNN_*.sql,
// applied by Open under an advisory lock and recorded in schema_migrations.
//
// The database URL is a libpq-style postgres:// URL; its query parameters
// reach PostgreSQL as session settings (search_path=vigil puts the tables in
// schema vigil) or tune the pool (pool_max_conns=8).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// defaultConnectTimeout bounds each attempt to connect when the URL sets no
// connect_timeout, so an unreachable server fails Open in seconds rather
// than after the system's TCP timeout.
const defaultConnectTimeout = 10 * time.Second

// Store is a store.Store kept in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres:// or postgresql://) and
// brings its schema up to date. A server that cannot be reached gives an
// error of kind errs.Unavailable; a malformed URL one of kind errs.Invalid.
func Open(ctx context.Context, url string) (_ *Store, err error) {
	defer errs.Wrap(&err, "postgres.Open(%s)", Redact(url))
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, errs.E(errs.Invalid, "not a postgres:// URL")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errs.E(errs.Invalid, "%v", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify(err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, classify(err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, classify(err)
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Redact returns url with its password, if any, replaced by "xxxxx", for
// messages and logs.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable database URL)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = store.Migration

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	return store.ReadMigrations(migrationFiles, "migrations/*.sql")
}

// migrate applies the migrations the database lacks, all in one
// transaction that first takes an advisory lock, so that of two processes
// starting together one migrates and the other then finds nothing to do.
// PostgreSQL's DDL is transactional: a migration that fails leaves nothing
// behind. The lock is keyed on the schema the tables go in, so stores in
// different schemas of one database do not wait for each other.
func migrate(ctx context.Context, pool *pgxpool.Pool) (err error) {
	defer errs.Wrap(&err, "migrating")
	ms, err := migrations()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(
			hashtextextended('vigil schema_migrations ' || coalesce(current_schema(), ''), 0))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return err
		}
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return err
		}
		known := ms[len(ms)-1].Version
		if newest := slices.Max(append(applied, 0)); int(newest) > known {
			return errs.E(errs.Unavailable, "database schema version %d is newer than this program knows (%d)", newest, known)
		}
		for _, m := range ms {
			if slices.Contains(applied, int32(m.Version)) {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`,
				m.Version, m.Name); err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
		}
		return nil
	})
}

// classify gives PostgreSQL and connection errors an errs kind, as package
// sqlite does for SQLite's: a unique violation is a conflict; any other
// integrity constraint violation, or data PostgreSQL cannot hold (a NUL
// character, a number out of range), is invalid input; a server that cannot
// be reached, is shutting down or is out of resources is unavailable, and
// so is a transaction PostgreSQL aborted to break a deadlock. Errors that
// already have a kind, and the context's own errors, are left as they are.
func classify(err error) error {
	if err == nil || errs.KindOf(err) != errs.Other ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		class := pe.Code[:min(2, len(pe.Code))]
		switch {
		case pe.Code == "23505": // unique_violation
			return &errs.Error{Kind: errs.Conflict, Err: err}
		case class == "23", class == "22": // integrity constraint violation, data exception
			return &errs.Error{Kind: errs.Invalid, Err: err}
		case pe.Code == "57014": // query_canceled: the caller gave up, the server is fine
			return err
		case class == "08", class == "53", class == "57", class == "40":
			// connection exception, insufficient resources, operator intervention
			// (shutdown, cannot connect now), transaction rollback (deadlock, serialization)
			return &errs.Error{Kind: errs.Unavailable, Err: err}
		}
		return err
	}
	var (
		ce *pgconn.ConnectError
		ne net.Error
	)
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &errs.Error{Kind: errs.Unavailable, Err: err}
	}
	return err
}

// retryable reports whether err is PostgreSQL aborting a transaction that
// may well succeed if run again: a deadlock or a serialization failure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// maxAttempts bounds how often a write transaction is run when PostgreSQL
// aborts it as retryable.
const maxAttempts = 4

// write runs fn in a transaction, again if PostgreSQL aborts it as
// retryable; fn must be safe to run more than once.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err = pgx.BeginFunc(ctx, s.pool, fn); !retryable(err) {
			return err
		}
		slog.Debug("postgres: transaction aborted, running it again", "attempt", attempt, "err", err)
	}
	return err
}
