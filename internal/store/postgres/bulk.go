package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// BulkResult counts what BulkIngest newly stored.
type BulkResult struct {
	Documents int // documents not stored before
	Reports   int // reports stored (the others' documents already had one from the same extractor version)
	Events    int // events of the stored reports
}

// BulkIngest stores many documents and their reports in one transaction,
// sending the rows with COPY rather than one INSERT each. reps[i] is the
// report of docs[i], or nil; reps may also be nil as a whole.
//
// It keeps Ingest's rules: each document and report goes through
// store.PrepareIngest first (so their IDs and times are filled in); a
// document already stored, or given twice, is stored once; a report is
// skipped when its document already has one from the same extractor
// version, and then its events are not stored (their IDs in reps are not
// kept). Bad input fails with errs.Invalid, an event ID or report ID that
// is taken with errs.Conflict, and a failed BulkIngest stores nothing.
//
// The whole load is one transaction, held while it runs: callers split a
// large load into batches (a thousand documents or so).
func (s *Store) BulkIngest(ctx context.Context, docs []*model.Document, reps []*model.Report) (res BulkResult, err error) {
	defer func() { err = classify(err) }()
	if reps != nil && len(reps) != len(docs) {
		return res, errs.E(errs.Invalid, "postgres: BulkIngest: %d reports for %d documents", len(reps), len(docs))
	}
	now := time.Now()
	var encs []*encodedReport
	for i, doc := range docs {
		var rep *model.Report
		if reps != nil {
			rep = reps[i]
		}
		if err := store.PrepareIngest(doc, rep, now); err != nil {
			return res, fmt.Errorf("postgres: BulkIngest: document %d: %w", i, err)
		}
		if rep != nil {
			enc, err := encodeReport(rep)
			if err != nil {
				return res, fmt.Errorf("postgres: BulkIngest: document %d: %w", i, err)
			}
			encs = append(encs, enc)
		}
	}
	defer errs.Wrap(&err, "postgres: BulkIngest(%d documents)", len(docs))
	if len(docs) == 0 {
		return res, nil
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = bulkLoad(ctx, tx, docs, encs)
		return err
	})
	if err != nil {
		return BulkResult{}, err
	}
	return res, nil
}

// bulkLoad does BulkIngest's work inside tx. Documents and reports may
// already be stored, which COPY cannot skip, so they are copied into
// temporary tables first and moved with INSERT ... ON CONFLICT DO NOTHING;
// the events of the reports that moved, and their actors and evidence, are
// then copied straight into their tables. Rows are moved in key order, so
// that two loads sharing documents lock them in the same order rather than
// deadlock.
func bulkLoad(ctx context.Context, tx pgx.Tx, docs []*model.Document, encs []*encodedReport) (res BulkResult, err error) {
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE bulk_documents (LIKE documents) ON COMMIT DROP;
		CREATE TEMP TABLE bulk_reports (LIKE reports) ON COMMIT DROP`); err != nil {
		return res, err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bulk_documents"}, documentColumns,
		pgx.CopyFromSlice(len(docs), func(i int) ([]any, error) { return documentRow(docs[i]), nil })); err != nil {
		return res, fmt.Errorf("copying documents: %w", err)
	}
	cols := strings.Join(documentColumns, ", ")
	tag, err := tx.Exec(ctx, `INSERT INTO documents (`+cols+`) SELECT `+cols+` FROM bulk_documents
		ORDER BY id ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return res, err
	}
	res.Documents = int(tag.RowsAffected())
	if len(encs) == 0 {
		return res, nil
	}

	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bulk_reports"}, reportColumns,
		pgx.CopyFromSlice(len(encs), func(i int) ([]any, error) { return encs[i].reportRow(), nil })); err != nil {
		return res, fmt.Errorf("copying reports: %w", err)
	}
	cols = strings.Join(reportColumns, ", ")
	rows, err := tx.Query(ctx, `INSERT INTO reports (`+cols+`) SELECT `+cols+` FROM bulk_reports
		ORDER BY document_id, extractor, extractor_version, id
		ON CONFLICT (document_id, extractor, extractor_version) DO NOTHING RETURNING id`)
	if err != nil {
		return res, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return res, err
	}
	res.Reports = len(ids)
	stored := make(map[string]bool, len(ids))
	for _, id := range ids {
		stored[id] = true
	}

	var events, actors, evidence [][]any
	for _, enc := range encs {
		if !stored[enc.rep.ID] {
			continue
		}
		for i := range enc.rep.Events {
			ev := &enc.rep.Events[i]
			row, err := enc.eventRow(i)
			if err != nil {
				return res, err
			}
			events = append(events, row)
			for j := range ev.Actors {
				actors = append(actors, actorRow(ev, j))
			}
			for j := range ev.Evidence {
				evidence = append(evidence, evidenceRow(ev, j))
			}
		}
	}
	for _, c := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"events", eventColumns, events},
		{"event_actors", actorColumns, actors},
		{"evidence", evidenceColumns, evidence},
	} {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows)); err != nil {
			return res, fmt.Errorf("copying %s: %w", c.table, err)
		}
	}
	res.Events = len(events)
	return res, nil
}
