package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// documentList is the columns of a document without its text.
const documentList = `id, size, media_type, source, url, title, published, retrieved, lang, created_at`

// scanDocument scans documentList (and text, if text is not nil) into a
// document, with its times in UTC.
func scanDocument(row pgx.Row, text *string) (model.Document, error) {
	var d model.Document
	dest := []any{&d.ID, &d.Size, &d.MediaType, &d.Source, &d.URL, &d.Title, &d.Published, &d.Retrieved,
		&d.Lang, &d.CreatedAt}
	if text != nil {
		dest = append(dest, text)
	}
	if err := row.Scan(dest...); err != nil {
		return d, err
	}
	d.SHA256 = d.ID
	if d.Published != nil {
		p := d.Published.UTC()
		d.Published = &p
	}
	d.Retrieved = d.Retrieved.UTC()
	d.CreatedAt = d.CreatedAt.UTC()
	return d, nil
}

// GetDocument implements store.Documents.
func (s *Store) GetDocument(ctx context.Context, id string) (_ *model.Document, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: GetDocument(%q)", id)
	var text string
	d, err := scanDocument(s.pool.QueryRow(ctx,
		`SELECT `+documentList+`, text FROM documents WHERE id = $1`, id), &text)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "no document %q", id)
	}
	if err != nil {
		return nil, err
	}
	d.Text = text
	return &d, nil
}

// ListDocuments implements store.Documents.
func (s *Store) ListDocuments(ctx context.Context, page store.Page) (_ []model.Document, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: ListDocuments")
	if page, err = page.Normalize(); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+documentList+` FROM documents
		ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	docs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.Document, error) {
		return scanDocument(row, nil)
	})
	if err != nil {
		return nil, err
	}
	return nonNil(docs), nil
}

// CountDocuments implements store.Documents.
func (s *Store) CountDocuments(ctx context.Context) (n int, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: CountDocuments")
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM documents`).Scan(&n)
	return n, err
}

// ReportsForDocument implements store.Reports.
func (s *Store) ReportsForDocument(ctx context.Context, docID string) (_ []model.Report, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: ReportsForDocument(%q)", docID)
	// One repeatable-read transaction, so the reports and their events are
	// one snapshot.
	var reports []model.Report
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			reports, err = reportsForDocument(ctx, tx, docID)
			return err
		})
	return reports, err
}

func reportsForDocument(ctx context.Context, tx pgx.Tx, docID string) ([]model.Report, error) {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1)`, docID).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, errs.E(errs.NotFound, "no document %q", docID)
	}

	rows, err := tx.Query(ctx, `SELECT id, extractor, extractor_version, created_at, places
		FROM reports WHERE document_id = $1 ORDER BY created_at, id`, docID)
	if err != nil {
		return nil, err
	}
	reports, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.Report, error) {
		var (
			r      model.Report
			places []byte
		)
		if err := row.Scan(&r.ID, &r.Extractor, &r.ExtractorVersion, &r.CreatedAt, &places); err != nil {
			return r, err
		}
		r.DocumentID = docID
		r.CreatedAt = r.CreatedAt.UTC()
		r.Events = []model.Event{}
		var err error
		r.Places, err = store.UnmarshalPlaces(places)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(reports))
	for i, r := range reports {
		index[r.ID] = i
	}

	rows, err = tx.Query(ctx, `SELECT id, report_id, event FROM events
		WHERE document_id = $1 ORDER BY report_id, seq`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, reportID string
			data         []byte
		)
		if err := rows.Scan(&id, &reportID, &data); err != nil {
			return nil, err
		}
		ev, err := store.UnmarshalEvent(data)
		if err != nil {
			return nil, err
		}
		ev.ID = id
		i, ok := index[reportID]
		if !ok {
			return nil, errs.E(errs.Other, "event %s belongs to report %s, which is not the document's", id, reportID)
		}
		reports[i].Events = append(reports[i].Events, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return nonNil(reports), nil
}

const storedEventColumns = `id, report_id, document_id, created_at, event`

func scanStoredEvent(row pgx.Row) (model.StoredEvent, error) {
	var (
		se      model.StoredEvent
		id      string
		created time.Time
		data    []byte
	)
	if err := row.Scan(&id, &se.ReportID, &se.DocumentID, &created, &data); err != nil {
		return se, err
	}
	ev, err := store.UnmarshalEvent(data)
	if err != nil {
		return se, err
	}
	se.Event = ev
	se.ID = id
	se.CreatedAt = created.UTC()
	return se, nil
}

// GetEvent implements store.Events.
func (s *Store) GetEvent(ctx context.Context, id string) (_ *model.StoredEvent, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: GetEvent(%q)", id)
	se, err := scanStoredEvent(s.pool.QueryRow(ctx,
		`SELECT `+storedEventColumns+` FROM events WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "no event %q", id)
	}
	if err != nil {
		return nil, err
	}
	return &se, nil
}

// eventWhere returns the WHERE clause (empty or starting with " WHERE")
// selecting the events f (normalised) passes, and its arguments. Undated
// events have a NULL event_date, which no date comparison passes.
func eventWhere(f store.EventFilter) (string, []any, error) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	for _, d := range []struct{ cond, v string }{{`event_date >= $%d`, f.From}, {`event_date <= $%d`, f.To}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil { // EventFilter.Normalize let it through: a bug
			return "", nil, err
		}
		add(d.cond, t)
	}
	if f.SubEventType != "" {
		add(`sub_event_type = $%d`, f.SubEventType)
	}
	if f.Country != "" {
		add(`country_iso3 = $%d`, f.Country)
	}
	if f.DocumentID != "" {
		add(`document_id = $%d`, f.DocumentID)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// ListEvents implements store.Events.
func (s *Store) ListEvents(ctx context.Context, f store.EventFilter) (_ []model.StoredEvent, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: ListEvents")
	if f, err = f.Normalize(); err != nil {
		return nil, err
	}
	where, args, err := eventWhere(f)
	if err != nil {
		return nil, err
	}
	n := len(args)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM events%s
		ORDER BY event_date DESC NULLS LAST, id LIMIT $%d OFFSET $%d`, storedEventColumns, where, n+1, n+2),
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.StoredEvent, error) {
		return scanStoredEvent(row)
	})
	if err != nil {
		return nil, err
	}
	return nonNil(events), nil
}

// CountEvents implements store.Events.
func (s *Store) CountEvents(ctx context.Context, f store.EventFilter) (n int, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: CountEvents")
	f.Page = store.Page{}
	if f, err = f.Normalize(); err != nil {
		return 0, err
	}
	where, args, err := eventWhere(f)
	if err != nil {
		return 0, err
	}
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM events`+where, args...).Scan(&n)
	return n, err
}

// CountEventsUpTo counts at most max+1 events that pass f.
func (s *Store) CountEventsUpTo(ctx context.Context, f store.EventFilter, max int) (n int, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: CountEventsUpTo")
	f.Page = store.Page{}
	if f, err = f.Normalize(); err != nil {
		return 0, err
	}
	if max < 0 {
		return 0, errs.E(errs.Invalid, "negative count limit %d", max)
	}
	where, args, err := eventWhere(f)
	if err != nil {
		return 0, err
	}
	err = s.pool.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM events%s LIMIT $%d) AS capped`, where, len(args)+1), append(args, max+1)...).Scan(&n)
	return n, err
}

// nonNil returns s, or an empty slice if s is nil: lists are [] in JSON,
// never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
