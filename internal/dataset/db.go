package dataset

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

// FileName is the database's file name in the data directory.
const FileName = "datasets.db"

// DB is the imported-datasets database: one SQLite file, one connection
// for writes and a small pool for reads (WAL lets them run together).
type DB struct {
	w, r *sql.DB
}

// dsn returns the data source name of the datasets database: the record
// store's settings plus a bounded page cache (64 MiB) and temporary files on
// disk, which keep memory flat on big imports.
func dsn(path string, write bool) string {
	return sqlite.DSN(path, write, "cache_size(-65536)", "temp_store(FILE)")
}

// Open opens (creating if needed) the datasets database at path, brings
// its schema up to date and rebuilds any index a crashed import left
// dropped.
func Open(ctx context.Context, path string) (_ *DB, err error) {
	defer errs.Wrap(&err, "datasets database %s", path)
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
	db := &DB{w: w}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.restoreIndexes(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, errs.E(errs.Unavailable, "%v", err)
	}
	db.r = r
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	return errors.Join(db.r.Close(), db.w.Close())
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the embedded migrations (NNNN_what.sql) the database
// lacks, each in its own transaction, recorded in schema_migrations.
func migrate(ctx context.Context, db *sql.DB) (err error) {
	defer errs.Wrap(&err, "migrating")
	ms, err := store.ReadMigrations(migrationFiles, "migrations/*.sql")
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return err
	}
	var newest int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	known := ms[len(ms)-1].Version
	for _, m := range ms {
		if m.Version <= newest {
			continue
		}
		v, base, body := m.Version, m.Name, m.SQL
		if err := inTx(ctx, db, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, body); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, ?)`, v, base, now())
			return err
		}); err != nil {
			return fmt.Errorf("%s: %w", base, err)
		}
	}
	if newest > known {
		return errs.E(errs.Unavailable, "database schema version %d is newer than this program knows (%d)", newest, known)
	}
	return nil
}

func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }

// lookupIndexes drops the records' lookup indexes, remembering them in
// dropped_indexes, so a bulk load need not maintain them row by row.
func (db *DB) dropIndexes(ctx context.Context) error {
	return inTx(ctx, db.w, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
			WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL`)
		if err != nil {
			return err
		}
		var idx [][2]string
		for rows.Next() {
			var name, sql string
			if err := rows.Scan(&name, &sql); err != nil {
				rows.Close()
				return err
			}
			idx = append(idx, [2]string{name, sql})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, ix := range idx {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO dropped_indexes (name, sql) VALUES (?, ?)`, ix[0], ix[1]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DROP INDEX `+quoteIdent(ix[0])); err != nil {
				return err
			}
		}
		return nil
	})
}

// restoreIndexes rebuilds the indexes dropIndexes dropped.
func (db *DB) restoreIndexes(ctx context.Context) error {
	return inTx(ctx, db.w, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM dropped_indexes ORDER BY name`)
		if err != nil {
			return err
		}
		var stmts []string
		for rows.Next() {
			var name, sql string
			if err := rows.Scan(&name, &sql); err != nil {
				rows.Close()
				return err
			}
			stmts = append(stmts, strings.Replace(sql, "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("rebuilding index: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM dropped_indexes`)
		return err
	})
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Dataset describes one imported dataset.
type Dataset struct {
	ID         int64
	Name       string
	Format     string
	File       string // the file it was imported from, as given
	Complete   bool   // false while importing (or after a crash mid-import)
	Rows       int    // records imported
	BadRows    int    // rows skipped
	StartedAt  string // RFC 3339
	FinishedAt string // RFC 3339, "" while importing
}

// Datasets lists the datasets, complete ones first, by name.
func (db *DB) Datasets(ctx context.Context) (_ []Dataset, err error) {
	defer errs.Wrap(&err, "listing datasets")
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, format, file, state, rows, bad_rows, started_at, coalesce(finished_at, '')
		FROM datasets ORDER BY state = 'complete' DESC, name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Dataset
	for rows.Next() {
		var d Dataset
		var state string
		if err := rows.Scan(&d.ID, &d.Name, &d.Format, &d.File, &state, &d.Rows, &d.BadRows, &d.StartedAt, &d.FinishedAt); err != nil {
			return nil, err
		}
		d.Complete = state == "complete"
		out = append(out, d)
	}
	return out, rows.Err()
}

// recordColumns are the records table's columns, after id and dataset_id.
const recordColumns = `line, source_id, day_start, day_end, sub_event_type, violence, iso3, lat, lon, fatalities, fields`

const nRecordColumns = 11

// recordArgs appends the values of recordColumns for a record to args.
func recordArgs(args []any, r *Record) []any {
	var lat, lon any
	if r.HasCoords {
		lat, lon = r.Latitude, r.Longitude
	}
	return append(args, r.Line, r.SourceID, dayNumber(r.DateStart), dayNumber(r.DateEnd), r.SubEventType, r.Violence,
		r.ISO3, lat, lon, r.Fatalities, pack(r))
}

// scanRecord reads recordColumns into a record.
func scanRecord(sc interface{ Scan(...any) error }, r *Record) error {
	var (
		dayStart, dayEnd int64
		lat, lon         sql.NullFloat64
		fields           string
	)
	err := sc.Scan(&r.Line, &r.SourceID, &dayStart, &dayEnd, &r.SubEventType, &r.Violence, &r.ISO3, &lat, &lon, &r.Fatalities, &fields)
	if err != nil {
		return err
	}
	r.DateStart, r.DateEnd = dayDate(dayStart), dayDate(dayEnd)
	r.HasCoords = lat.Valid && lon.Valid
	r.Latitude, r.Longitude = lat.Float64, lon.Float64
	return unpack(fields, r)
}

// Records returns the records of the complete dataset with the given name,
// in the order of the file. An unknown name yields one errs.NotFound error.
func (db *DB) Records(ctx context.Context, name string) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		var id, first, last sql.NullInt64
		err := db.r.QueryRowContext(ctx, `SELECT id, first_record, last_record FROM datasets
			WHERE name = ? AND state = 'complete'`, name).Scan(&id, &first, &last)
		if errors.Is(err, sql.ErrNoRows) {
			err = errs.E(errs.NotFound, "no dataset named %q", name)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		if !first.Valid {
			return // no records
		}
		rows, err := db.r.QueryContext(ctx, `SELECT `+recordColumns+` FROM records
			WHERE id BETWEEN ? AND ? AND dataset_id = ? ORDER BY id`, first.Int64, last.Int64, id.Int64)
		if err != nil {
			yield(nil, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var r Record
			if err := scanRecord(rows, &r); err != nil {
				yield(nil, err)
				return
			}
			if !yield(&r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// dayNumber returns the days since 1970-01-01 of a YYYY-MM-DD date (which
// Reader has checked).
func dayNumber(date string) int64 {
	n, _ := isoDay(date)
	return n
}

func dayDate(day int64) string {
	return time.Unix(day*86400, 0).UTC().Format(time.DateOnly)
}
