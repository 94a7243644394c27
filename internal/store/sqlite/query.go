package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

const documentColumns = `id, size, media_type, source, url, title, published, retrieved, lang, created_at`

func scanDocument(sc scanner, text *string) (model.Document, error) {
	var (
		d                  model.Document
		published          sql.NullString
		retrieved, created string
	)
	dest := []any{&d.ID, &d.Size, &d.MediaType, &d.Source, &d.URL, &d.Title, &published, &retrieved, &d.Lang, &created}
	if text != nil {
		dest = append(dest, text)
	}
	if err := sc.Scan(dest...); err != nil {
		return d, err
	}
	d.SHA256 = d.ID
	var err error
	if published.Valid {
		p, perr := parseTime(published.String)
		d.Published, err = &p, perr
	}
	if err == nil {
		d.Retrieved, err = parseTime(retrieved)
	}
	if err == nil {
		d.CreatedAt, err = parseTime(created)
	}
	return d, err
}

// GetDocument implements store.Documents.
func (s *Store) GetDocument(ctx context.Context, id string) (_ *model.Document, err error) {
	defer errs.Wrap(&err, "sqlite: GetDocument(%q)", id)
	var text string
	d, err := scanDocument(s.r.QueryRowContext(ctx,
		`SELECT `+documentColumns+`, text FROM documents WHERE id = ?`, id), &text)
	if errors.Is(err, sql.ErrNoRows) {
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
	defer errs.Wrap(&err, "sqlite: ListDocuments")
	if page, err = page.Normalize(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents
		ORDER BY created_at DESC, id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	docs := []model.Document{}
	for rows.Next() {
		d, err := scanDocument(rows, nil)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// CountDocuments implements store.Documents.
func (s *Store) CountDocuments(ctx context.Context) (n int, err error) {
	defer errs.Wrap(&err, "sqlite: CountDocuments")
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&n)
	return n, err
}

// ReportsForDocument implements store.Reports.
func (s *Store) ReportsForDocument(ctx context.Context, docID string) (_ []model.Report, err error) {
	defer errs.Wrap(&err, "sqlite: ReportsForDocument(%q)", docID)
	// One read transaction, so the reports and their events are one snapshot.
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE id = ?`, docID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "no document %q", docID)
	}
	if err != nil {
		return nil, err
	}

	rows, err := tx.QueryContext(ctx, `SELECT id, extractor, extractor_version, created_at, places_json
		FROM reports WHERE document_id = ? ORDER BY created_at, id`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	reports := []model.Report{}
	index := map[string]int{}
	for rows.Next() {
		var (
			r               model.Report
			created, places string
		)
		if err := rows.Scan(&r.ID, &r.Extractor, &r.ExtractorVersion, &created, &places); err != nil {
			return nil, err
		}
		r.DocumentID = docID
		if r.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if r.Places, err = store.UnmarshalPlaces([]byte(places)); err != nil {
			return nil, err
		}
		r.Events = []model.Event{}
		index[r.ID] = len(reports)
		reports = append(reports, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	evRows, err := tx.QueryContext(ctx, `SELECT id, report_id, event_json FROM events
		WHERE document_id = ? ORDER BY report_id, seq`, docID)
	if err != nil {
		return nil, err
	}
	defer evRows.Close()
	for evRows.Next() {
		var id, reportID string
		var data []byte
		if err := evRows.Scan(&id, &reportID, &data); err != nil {
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
	return reports, evRows.Err()
}

const storedEventColumns = `id, report_id, document_id, created_at, event_json`

func scanStoredEvent(sc scanner) (model.StoredEvent, error) {
	var (
		se      model.StoredEvent
		id      string
		created string
		data    []byte
	)
	if err := sc.Scan(&id, &se.ReportID, &se.DocumentID, &created, &data); err != nil {
		return se, err
	}
	ev, err := store.UnmarshalEvent(data)
	if err != nil {
		return se, err
	}
	se.Event = ev
	se.ID = id
	se.CreatedAt, err = parseTime(created)
	return se, err
}

// GetEvent implements store.Events.
func (s *Store) GetEvent(ctx context.Context, id string) (_ *model.StoredEvent, err error) {
	defer errs.Wrap(&err, "sqlite: GetEvent(%q)", id)
	se, err := scanStoredEvent(s.r.QueryRowContext(ctx,
		`SELECT `+storedEventColumns+` FROM events WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "no event %q", id)
	}
	if err != nil {
		return nil, err
	}
	return &se, nil
}

// eventWhere returns the WHERE clause (empty or starting with " WHERE")
// selecting the events f passes, and its arguments.
func eventWhere(f store.EventFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.From != "" || f.To != "" {
		conds = append(conds, `event_date <> ''`)
	}
	if f.From != "" {
		add(`event_date >= ?`, f.From)
	}
	if f.To != "" {
		add(`event_date <= ?`, f.To)
	}
	if f.SubEventType != "" {
		add(`sub_event_type = ?`, f.SubEventType)
	}
	if f.Country != "" {
		add(`country_iso3 = ?`, f.Country)
	}
	if f.DocumentID != "" {
		add(`document_id = ?`, f.DocumentID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListEvents implements store.Events.
func (s *Store) ListEvents(ctx context.Context, f store.EventFilter) (_ []model.StoredEvent, err error) {
	defer errs.Wrap(&err, "sqlite: ListEvents")
	if f, err = f.Normalize(); err != nil {
		return nil, err
	}
	where, args := eventWhere(f)
	rows, err := s.r.QueryContext(ctx, `SELECT `+storedEventColumns+` FROM events`+where+`
		ORDER BY event_date DESC, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	events := []model.StoredEvent{}
	for rows.Next() {
		se, err := scanStoredEvent(rows)
		if err != nil {
			return nil, err
		}
		events = append(events, se)
	}
	return events, rows.Err()
}

// CountEvents implements store.Events.
func (s *Store) CountEvents(ctx context.Context, f store.EventFilter) (n int, err error) {
	defer errs.Wrap(&err, "sqlite: CountEvents")
	f.Page = store.Page{}
	if f, err = f.Normalize(); err != nil {
		return 0, err
	}
	where, args := eventWhere(f)
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FROM events`+where, args...).Scan(&n)
	return n, err
}

// CountEventsUpTo counts at most max+1 events that pass f.
func (s *Store) CountEventsUpTo(ctx context.Context, f store.EventFilter, max int) (n int, err error) {
	defer errs.Wrap(&err, "sqlite: CountEventsUpTo")
	f.Page = store.Page{}
	if f, err = f.Normalize(); err != nil {
		return 0, err
	}
	if max < 0 {
		return 0, errs.E(errs.Invalid, "negative count limit %d", max)
	}
	where, args := eventWhere(f)
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events`+where+` LIMIT ?)`, append(args, max+1)...).Scan(&n)
	return n, err
}
