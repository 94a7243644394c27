package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// Ingest implements store.Documents. What it stores it also logs in the
// ledger, in the same transaction (see store.Ledger).
func (s *Store) Ingest(ctx context.Context, doc *model.Document, rep *model.Report) (res store.IngestResult, err error) {
	defer func() { err = classify(err) }()
	if err := store.PrepareIngest(doc, rep, time.Now()); err != nil {
		return res, err
	}
	defer errs.Wrap(&err, "sqlite: Ingest(%s)", doc.ID)

	// Encode, and build the ledger's leaves, before taking the write lock.
	var places []byte
	var events [][]byte
	if rep != nil {
		if places, err = store.MarshalPlaces(rep.Places); err != nil {
			return res, err
		}
		events = make([][]byte, len(rep.Events))
		for i := range rep.Events {
			if events[i], err = store.MarshalEvent(&rep.Events[i]); err != nil {
				return res, err
			}
		}
	}
	var docLeaf, repLeaves []pendingLeaf
	if !s.skipLedger {
		if docLeaf, repLeaves, err = ingestLeaves(doc, rep, places, events); err != nil {
			return res, err
		}
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()

	res.DocumentID = doc.ID
	r, err := tx.ExecContext(ctx, `
		INSERT INTO documents (id, size, media_type, source, url, title, published, retrieved, lang, text, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`,
		doc.ID, doc.Size, doc.MediaType, doc.Source, doc.URL, doc.Title, nullTime(doc.Published),
		formatTime(doc.Retrieved), doc.Lang, doc.Text, formatTime(doc.CreatedAt))
	if err != nil {
		return res, err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return res, err
	}
	res.Existing = n == 0
	var leaves []pendingLeaf
	if !res.Existing {
		leaves = append(leaves, docLeaf...)
	}

	if rep != nil {
		stored, err := insertReport(ctx, tx, rep, places, events, &res)
		if err != nil {
			return res, err
		}
		if stored {
			leaves = append(leaves, repLeaves...)
		}
	}
	if err := appendLeaves(ctx, tx, leaves); err != nil {
		return res, fmt.Errorf("ledger: %w", err)
	}
	return res, tx.Commit()
}

// ingestLeaves builds the leaves that log storing doc and rep: one for
// the document, and one for the report followed by one per event.
func ingestLeaves(doc *model.Document, rep *model.Report, places []byte, events [][]byte) (docLeaf, repLeaves []pendingLeaf, err error) {
	rec, err := ledger.DocumentRecord(doc)
	if err != nil {
		return nil, nil, err
	}
	l, err := newPendingLeaf(rec, ledger.ActorIngest, doc.CreatedAt)
	if err != nil {
		return nil, nil, err
	}
	docLeaf = []pendingLeaf{l}
	if rep == nil {
		return docLeaf, nil, nil
	}
	actor := ledger.ExtractorActor(rep.Extractor, rep.ExtractorVersion)
	ids := make([]string, len(rep.Events))
	for i := range rep.Events {
		ids[i] = rep.Events[i].ID
	}
	if rec, err = ledger.ReportRecord(rep, places, ids); err != nil {
		return nil, nil, err
	}
	if l, err = newPendingLeaf(rec, actor, rep.CreatedAt); err != nil {
		return nil, nil, err
	}
	repLeaves = append(make([]pendingLeaf, 0, 1+len(events)), l)
	for i, ev := range events {
		if rec, err = ledger.EventRecord(ids[i], rep.ID, rep.DocumentID, i, rep.CreatedAt, ev); err != nil {
			return nil, nil, err
		}
		if l, err = newPendingLeaf(rec, actor, rep.CreatedAt); err != nil {
			return nil, nil, err
		}
		repLeaves = append(repLeaves, l)
	}
	return docLeaf, repLeaves, nil
}

// insertReport stores rep and its events unless the document already has a
// report from the same extractor version; either way it fills in res. It
// reports whether rep was stored.
func insertReport(ctx context.Context, tx *sql.Tx, rep *model.Report, places []byte, events [][]byte, res *store.IngestResult) (stored bool, err error) {
	r, err := tx.ExecContext(ctx, `
		INSERT INTO reports (id, document_id, extractor, extractor_version, created_at, places_json)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (document_id, extractor, extractor_version) DO NOTHING`,
		rep.ID, rep.DocumentID, rep.Extractor, rep.ExtractorVersion, formatTime(rep.CreatedAt), string(places))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return false, err
	}
	if n == 0 {
		return false, existingReport(ctx, tx, rep, res)
	}

	insEvent, err := tx.PrepareContext(ctx, `
		INSERT INTO events (id, report_id, document_id, seq, event_date, date_precision, disorder_type, event_type,
			sub_event_type, country_iso3, location_name, location_lat, location_lon, location_geonameid,
			location_admin1, location_admin2, geo_precision, fatalities_best, certainty, confidence,
			created_at, event_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return false, err
	}
	defer insEvent.Close()
	insActor, err := tx.PrepareContext(ctx, `
		INSERT INTO event_actors (event_id, seq, role, name, type, country, actor_id) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return false, err
	}
	defer insActor.Close()
	insEvidence, err := tx.PrepareContext(ctx, `
		INSERT INTO evidence (event_id, seq, field, span_start, span_end, text) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return false, err
	}
	defer insEvidence.Close()

	created := formatTime(rep.CreatedAt)
	res.ReportID = rep.ID
	res.EventIDs = make([]string, len(rep.Events))
	for i := range rep.Events {
		ev := &rep.Events[i]
		c := eventColumnsOf(ev)
		if _, err := insEvent.ExecContext(ctx, ev.ID, rep.ID, rep.DocumentID, i, ev.EventDate, ev.DatePrecision,
			ev.DisorderType, ev.EventType, ev.SubEventType, c.country, c.name, c.lat, c.lon, c.geonameID, c.admin1, c.admin2,
			c.geoPrec, c.fatBest, ev.Certainty, ev.Confidence, created, string(events[i])); err != nil {
			return false, fmt.Errorf("event %d (%s): %w", i, ev.ID, err)
		}
		for j, a := range ev.Actors {
			if _, err := insActor.ExecContext(ctx, ev.ID, j, a.Role, a.Name, a.Type, a.Country, a.ID); err != nil {
				return false, fmt.Errorf("event %s actor %d: %w", ev.ID, j, err)
			}
		}
		for j, e := range ev.Evidence {
			if _, err := insEvidence.ExecContext(ctx, ev.ID, j, e.Field, e.Start, e.End, e.Text); err != nil {
				return false, fmt.Errorf("event %s evidence %d: %w", ev.ID, j, err)
			}
		}
		res.EventIDs[i] = ev.ID
	}
	return true, nil
}

// eventColumns are the columns of the events table that repeat parts of
// event_json so they can be indexed and filtered on.
type eventColumns struct {
	country                     string
	name, admin1, admin2        sql.NullString
	lat, lon                    sql.NullFloat64
	geonameID, geoPrec, fatBest sql.NullInt64
}

// eventColumnsOf derives the denormalised columns of ev. Ingest writes
// them and the ledger audit checks them against event_json.
func eventColumnsOf(ev *model.Event) eventColumns {
	var c eventColumns
	if l := ev.Location; l != nil {
		c.country = l.ISO3
		c.name = sql.NullString{String: l.Name, Valid: true}
		c.admin1 = sql.NullString{String: l.Admin1, Valid: true}
		c.admin2 = sql.NullString{String: l.Admin2, Valid: true}
		c.lat = sql.NullFloat64{Float64: l.Latitude, Valid: true}
		c.lon = sql.NullFloat64{Float64: l.Longitude, Valid: true}
		c.geonameID = sql.NullInt64{Int64: l.GeonameID, Valid: l.GeonameID != 0}
		c.geoPrec = sql.NullInt64{Int64: int64(l.GeoPrecision), Valid: true}
	}
	if f := ev.Fatalities; f != nil && f.Best != nil {
		c.fatBest = sql.NullInt64{Int64: int64(*f.Best), Valid: true}
	}
	return c
}

// existingReport fills res from the stored report that has rep's document,
// extractor and version.
func existingReport(ctx context.Context, tx *sql.Tx, rep *model.Report, res *store.IngestResult) error {
	if err := tx.QueryRowContext(ctx, `
		SELECT id FROM reports WHERE document_id = ? AND extractor = ? AND extractor_version = ?`,
		rep.DocumentID, rep.Extractor, rep.ExtractorVersion).Scan(&res.ReportID); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM events WHERE report_id = ? ORDER BY seq`, res.ReportID)
	if err != nil {
		return err
	}
	defer rows.Close()
	res.EventIDs = []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		res.EventIDs = append(res.EventIDs, id)
	}
	return rows.Err()
}

func nullTime(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(*t), Valid: true}
}
