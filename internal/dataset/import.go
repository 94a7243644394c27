package dataset

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
)

// ImportOptions says how to import a file.
type ImportOptions struct {
	Name    string        // the dataset's name (required); one complete dataset per name
	Format  export.Format // acled-csv or ucdp-csv
	File    string        // where the file came from, recorded with the dataset
	Replace bool          // replace a complete dataset of the same name (else that is a conflict)
	// Size is the file's size in bytes when known: it drives the progress
	// figures and whether the import runs in bulk mode (lookup indexes
	// dropped during the load and rebuilt after it, much faster for big
	// files; lookups meanwhile are slower).
	Size int64
	// OnBadRow is called for each row skipped; nil ignores them.
	OnBadRow func(*RowError)
	// OnProgress is called after each batch of rows; nil ignores progress.
	OnProgress func(Progress)
}

// Progress is how far an import has got.
type Progress struct {
	Rows    int   // records stored
	Bad     int   // rows skipped
	Bytes   int64 // bytes of the file read
	Size    int64 // the file's size, 0 if unknown
	Elapsed time.Duration
}

// ImportResult says what an import did.
type ImportResult struct {
	Dataset Dataset
	Bulk    bool // the lookup indexes were rebuilt after the load
	Elapsed time.Duration
}

const (
	rowsPerInsert = 100    // rows in one INSERT statement
	rowsPerBatch  = 1000   // rows the reader hands over at a time
	rowsPerTx     = 50_000 // rows per transaction
	// bulkMinRows is the estimated size from which an import drops and
	// rebuilds the lookup indexes; bytesPerRow estimates rows from bytes.
	bulkMinRows = 100_000
	bytesPerRow = 200
)

type batch struct {
	recs  []Record
	bad   []*RowError
	bytes int64
	err   error // reading stopped
}

// Import reads an ACLED- or UCDP-shaped CSV file from r into a new dataset.
// Bad rows are reported through opts.OnBadRow and skipped; an error that
// stops reading (a header without the format's columns, an unreadable
// file, a row over MaxRowBytes) fails the import, and a failed or cancelled
// import leaves nothing behind. Memory stays flat: rows are read, stored
// and forgotten in batches.
func (db *DB) Import(ctx context.Context, r io.Reader, opts ImportOptions) (res ImportResult, err error) {
	defer errs.Wrap(&err, "importing %s", opts.File)
	start := time.Now()
	if strings.TrimSpace(opts.Name) == "" {
		return res, errs.E(errs.Invalid, "the dataset needs a name")
	}
	rd, err := NewReader(r, opts.Format)
	if err != nil {
		return res, err
	}
	var existing, stored int
	err = db.w.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE name = ?), coalesce(sum(rows), 0)
		FROM datasets WHERE state = 'complete'`, opts.Name).Scan(&existing, &stored)
	if err != nil {
		return res, err
	}
	if existing > 0 && !opts.Replace {
		return res, errs.E(errs.Conflict, "a dataset named %q is already imported (replace it, or choose another name)", opts.Name)
	}
	dsID, err := db.begin(ctx, opts)
	if err != nil {
		return res, err
	}
	res.Dataset = Dataset{ID: dsID, Name: opts.Name, Format: string(opts.Format), File: opts.File}

	estimate := opts.Size / bytesPerRow
	res.Bulk = estimate >= bulkMinRows && estimate >= int64(stored)/4
	if res.Bulk {
		if err := db.dropIndexes(ctx); err != nil {
			db.abandon(dsID)
			return res, fmt.Errorf("dropping lookup indexes: %w", err)
		}
	}
	finish := func(err error) error {
		if res.Bulk {
			if rerr := db.restoreIndexes(context.WithoutCancel(ctx)); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rebuilding lookup indexes: %w", rerr))
			}
		}
		return err
	}

	loadCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 4)
	go readBatches(loadCtx, rd, batches)

	first, last, n, bad, err := db.load(loadCtx, dsID, batches, opts, start)
	cancel()
	for range batches { // let the reader finish
	}
	if err != nil {
		db.abandon(dsID)
		return res, finish(err)
	}
	if err := finish(nil); err != nil {
		db.abandon(dsID)
		return res, err
	}
	if err := db.complete(ctx, dsID, opts, n, bad, first, last); err != nil {
		db.abandon(dsID)
		return res, err
	}
	res.Dataset.Complete, res.Dataset.Rows, res.Dataset.BadRows = true, n, bad
	res.Elapsed = time.Since(start)
	return res, nil
}

// readBatches reads rows into batches until the end, an error that stops
// reading, or ctx is done; it closes out.
func readBatches(ctx context.Context, rd *Reader, out chan<- batch) {
	defer close(out)
	b := batch{recs: make([]Record, 0, rowsPerBatch)}
	send := func() bool {
		b.bytes = rd.BytesRead()
		select {
		case out <- b:
		case <-ctx.Done():
			return false
		}
		b = batch{recs: make([]Record, 0, rowsPerBatch)}
		return true
	}
	for {
		b.recs = append(b.recs, Record{})
		err := rd.Read(&b.recs[len(b.recs)-1])
		if err != nil {
			b.recs = b.recs[:len(b.recs)-1]
		}
		var re *RowError
		switch {
		case err == nil:
		case errors.As(err, &re):
			b.bad = append(b.bad, re)
		case errors.Is(err, io.EOF):
			send()
			return
		default:
			b.err = err
			send()
			return
		}
		if len(b.recs) == rowsPerBatch || len(b.bad) >= rowsPerBatch {
			if !send() {
				return
			}
		}
	}
}

// begin records a dataset being imported.
func (db *DB) begin(ctx context.Context, opts ImportOptions) (int64, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO datasets (name, format, file, state, started_at)
		VALUES (?, ?, ?, 'importing', ?)`, opts.Name, string(opts.Format), opts.File, now())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// load stores the batches' records, committing every rowsPerTx rows. It
// returns the first and last record IDs and the counts.
func (db *DB) load(ctx context.Context, dsID int64, batches <-chan batch, opts ImportOptions, start time.Time) (first, last int64, n, bad int, err error) {
	ins := newInserter(db.w, dsID)
	defer ins.close()
	for b := range batches {
		for _, re := range b.bad {
			bad++
			if opts.OnBadRow != nil {
				opts.OnBadRow(re)
			}
		}
		for i := range b.recs {
			if err := ins.add(ctx, &b.recs[i]); err != nil {
				return 0, 0, 0, 0, fmt.Errorf("line %d: %w", b.recs[i].Line, err)
			}
		}
		n += len(b.recs)
		if b.err != nil {
			return 0, 0, 0, 0, b.err
		}
		if ins.pending >= rowsPerTx {
			if err := ins.commit(ctx); err != nil {
				return 0, 0, 0, 0, err
			}
		}
		if opts.OnProgress != nil {
			opts.OnProgress(Progress{Rows: n, Bad: bad, Bytes: b.bytes, Size: opts.Size, Elapsed: time.Since(start)})
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := ins.commit(ctx); err != nil {
		return 0, 0, 0, 0, err
	}
	return ins.first, ins.last, n, bad, nil
}

// inserter writes records with multi-row INSERTs inside transactions.
type inserter struct {
	db          *sql.DB
	dsID        int64
	tx          *sql.Tx
	full        *sql.Stmt // rowsPerInsert rows
	buf         []Record
	args        []any
	pending     int // rows written in the open transaction
	first, last int64
}

func newInserter(db *sql.DB, dsID int64) *inserter {
	return &inserter{db: db, dsID: dsID, buf: make([]Record, 0, rowsPerInsert)}
}

func insertSQL(rows int) string {
	one := "(?" + strings.Repeat(", ?", nRecordColumns) + ")"
	return `INSERT INTO records (dataset_id, ` + recordColumns + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

func (in *inserter) add(ctx context.Context, r *Record) error {
	in.buf = append(in.buf, *r)
	if len(in.buf) == rowsPerInsert {
		return in.flush(ctx)
	}
	return nil
}

// flush writes the buffered rows.
func (in *inserter) flush(ctx context.Context) error {
	if len(in.buf) == 0 {
		return nil
	}
	if in.tx == nil {
		tx, err := in.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		in.tx = tx
		if in.full, err = tx.PrepareContext(ctx, insertSQL(rowsPerInsert)); err != nil {
			return err
		}
	}
	in.args = in.args[:0]
	for i := range in.buf {
		in.args = append(in.args, in.dsID)
		in.args = recordArgs(in.args, &in.buf[i])
	}
	var (
		res sql.Result
		err error
	)
	if len(in.buf) == rowsPerInsert {
		res, err = in.full.ExecContext(ctx, in.args...)
	} else {
		res, err = in.tx.ExecContext(ctx, insertSQL(len(in.buf)), in.args...)
	}
	if err != nil {
		return err
	}
	last, err := res.LastInsertId()
	if err != nil {
		return err
	}
	// The rows of one INSERT get consecutive IDs.
	if in.first == 0 {
		in.first = last - int64(len(in.buf)) + 1
	}
	in.last = last
	in.pending += len(in.buf)
	clear(in.buf)
	in.buf = in.buf[:0]
	return nil
}

// commit writes the buffered rows and commits the open transaction.
func (in *inserter) commit(ctx context.Context) error {
	if err := in.flush(ctx); err != nil {
		return err
	}
	if in.tx == nil {
		return nil
	}
	in.full.Close()
	err := in.tx.Commit()
	in.tx, in.full, in.pending = nil, nil, 0
	return err
}

func (in *inserter) close() {
	if in.tx != nil {
		in.full.Close()
		in.tx.Rollback()
	}
}

// complete marks a dataset complete, replacing the complete dataset of the
// same name, if any, in the same transaction.
func (db *DB) complete(ctx context.Context, dsID int64, opts ImportOptions, n, bad int, first, last int64) error {
	var firstArg, lastArg any
	if n > 0 {
		firstArg, lastArg = first, last
	}
	err := inTx(ctx, db.w, func(tx *sql.Tx) error {
		if opts.Replace {
			var oldID int64
			var oFirst, oLast sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT id, first_record, last_record FROM datasets
				WHERE name = ? AND state = 'complete'`, opts.Name).Scan(&oldID, &oFirst, &oLast)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				if err := deleteDataset(ctx, tx, oldID, oFirst, oLast); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE datasets SET state = 'complete', rows = ?, bad_rows = ?,
			first_record = ?, last_record = ?, finished_at = ? WHERE id = ?`, n, bad, firstArg, lastArg, now(), dsID)
		if err != nil && strings.Contains(err.Error(), "UNIQUE") {
			return errs.E(errs.Conflict, "a dataset named %q was imported meanwhile", opts.Name)
		}
		return err
	})
	if err == nil {
		db.w.ExecContext(ctx, `PRAGMA optimize`)
	}
	return err
}

func deleteDataset(ctx context.Context, tx *sql.Tx, id int64, first, last sql.NullInt64) error {
	if first.Valid {
		if _, err := tx.ExecContext(ctx, `DELETE FROM records WHERE id BETWEEN ? AND ? AND dataset_id = ?`,
			first.Int64, last.Int64, id); err != nil {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `DELETE FROM records WHERE dataset_id = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM datasets WHERE id = ?`, id)
	return err
}

// abandon removes what a failed import stored, best effort.
func (db *DB) abandon(dsID int64) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inTx(ctx, db.w, func(tx *sql.Tx) error {
		return deleteDataset(ctx, tx, dsID, sql.NullInt64{}, sql.NullInt64{})
	})
}

// Delete removes the complete dataset with the given name.
func (db *DB) Delete(ctx context.Context, name string) (err error) {
	defer errs.Wrap(&err, "deleting dataset %q", name)
	return inTx(ctx, db.w, func(tx *sql.Tx) error {
		var id int64
		var first, last sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, first_record, last_record FROM datasets
			WHERE name = ? AND state = 'complete'`, name).Scan(&id, &first, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no dataset named %q", name)
		}
		if err != nil {
			return err
		}
		return deleteDataset(ctx, tx, id, first, last)
	})
}
