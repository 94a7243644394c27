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

// The columns Ingest and BulkIngest write, in the order the *Row functions
// give their values.
var (
	documentColumns = []string{"id", "size", "media_type", "source", "url", "title", "published", "retrieved",
		"lang", "text", "created_at"}
	reportColumns = []string{"id", "document_id", "extractor", "extractor_version", "created_at", "places"}
	eventColumns  = []string{"id", "report_id", "document_id", "seq", "event_date", "date_precision",
		"disorder_type", "event_type", "sub_event_type", "country_iso3", "location_name", "location_lat",
		"location_lon", "location_geonameid", "location_admin1", "location_admin2", "geo_precision",
		"fatalities_best", "certainty", "confidence", "created_at", "event"}
	actorColumns    = []string{"event_id", "seq", "role", "name", "type", "country", "actor_id"}
	evidenceColumns = []string{"event_id", "seq", "field", "span_start", "span_end", "text"}
)

// insertSQL returns an INSERT of one row into table's columns, followed by
// suffix.
func insertSQL(table string, columns []string, suffix string) string {
	params := make([]string, len(columns))
	for i := range columns {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) %s",
		table, strings.Join(columns, ", "), strings.Join(params, ", "), suffix)
}

var (
	insertDocument = insertSQL("documents", documentColumns, "ON CONFLICT (id) DO NOTHING")
	insertReport   = insertSQL("reports", reportColumns, "ON CONFLICT (document_id, extractor, extractor_version) DO NOTHING")
	insertEvent    = insertSQL("events", eventColumns, "")
	insertActor    = insertSQL("event_actors", actorColumns, "")
	insertEvidence = insertSQL("evidence", evidenceColumns, "")
)

func documentRow(d *model.Document) []any {
	return []any{d.ID, d.Size, d.MediaType, d.Source, d.URL, d.Title, d.Published, d.Retrieved,
		d.Lang, d.Text, d.CreatedAt}
}

// encodedReport is a report with its places and events already in the JSON
// they are kept in, so that the encoding happens before a transaction
// begins.
type encodedReport struct {
	rep    *model.Report
	places []byte
	events [][]byte
}

func encodeReport(rep *model.Report) (*encodedReport, error) {
	places, err := store.MarshalPlaces(rep.Places)
	if err != nil {
		return nil, err
	}
	events := make([][]byte, len(rep.Events))
	for i := range rep.Events {
		if events[i], err = store.MarshalEvent(&rep.Events[i]); err != nil {
			return nil, err
		}
	}
	return &encodedReport{rep: rep, places: places, events: events}, nil
}

func (e *encodedReport) reportRow() []any {
	r := e.rep
	return []any{r.ID, r.DocumentID, r.Extractor, r.ExtractorVersion, r.CreatedAt, e.places}
}

// eventRow returns the values of eventColumns for the i-th event. Absent
// values (no date, no location, no count) are NULL.
func (e *encodedReport) eventRow(i int) ([]any, error) {
	r, ev := e.rep, &e.rep.Events[i]
	var date any
	if ev.EventDate != "" {
		d, err := time.Parse(time.DateOnly, ev.EventDate)
		if err != nil { // store.ValidateEvent let it through: a bug
			return nil, fmt.Errorf("event %s: %w", ev.ID, err)
		}
		date = d
	}
	var country, name, lat, lon, geonameID, admin1, admin2, geoPrec, fatBest any
	if l := ev.Location; l != nil {
		if l.ISO3 != "" {
			country = l.ISO3
		}
		name, lat, lon, admin1, admin2, geoPrec = l.Name, l.Latitude, l.Longitude, l.Admin1, l.Admin2, l.GeoPrecision
		if l.GeonameID != 0 {
			geonameID = l.GeonameID
		}
	}
	if f := ev.Fatalities; f != nil && f.Best != nil {
		fatBest = *f.Best
	}
	return []any{ev.ID, r.ID, r.DocumentID, i, date, ev.DatePrecision, ev.DisorderType, ev.EventType,
		ev.SubEventType, country, name, lat, lon, geonameID, admin1, admin2, geoPrec, fatBest, ev.Certainty,
		ev.Confidence, r.CreatedAt, e.events[i]}, nil
}

func actorRow(ev *model.Event, j int) []any {
	a := ev.Actors[j]
	return []any{ev.ID, j, a.Role, a.Name, a.Type, a.Country, a.ID}
}

func evidenceRow(ev *model.Event, j int) []any {
	e := ev.Evidence[j]
	return []any{ev.ID, j, e.Field, e.Start, e.End, e.Text}
}

// Ingest implements store.Documents.
func (s *Store) Ingest(ctx context.Context, doc *model.Document, rep *model.Report) (res store.IngestResult, err error) {
	defer func() { err = classify(err) }()
	if err := store.PrepareIngest(doc, rep, time.Now()); err != nil {
		return res, err
	}
	defer errs.Wrap(&err, "postgres: Ingest(%s)", doc.ID)

	var enc *encodedReport
	if rep != nil {
		if enc, err = encodeReport(rep); err != nil {
			return res, err
		}
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		res = store.IngestResult{DocumentID: doc.ID}
		tag, err := tx.Exec(ctx, insertDocument, documentRow(doc)...)
		if err != nil {
			return err
		}
		res.Existing = tag.RowsAffected() == 0
		if enc == nil {
			return nil
		}
		return storeReport(ctx, tx, enc, &res)
	})
	if err != nil {
		return store.IngestResult{}, err
	}
	return res, nil
}

// storeReport stores a report and its events unless the document already
// has a report from the same extractor version; either way it fills in res.
// The events, their actors and their evidence go to the server as one
// batch: one round trip whatever their number.
func storeReport(ctx context.Context, tx pgx.Tx, enc *encodedReport, res *store.IngestResult) error {
	rep := enc.rep
	tag, err := tx.Exec(ctx, insertReport, enc.reportRow()...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return existingReport(ctx, tx, rep, res)
	}

	var (
		batch  pgx.Batch
		labels []string // what each queued statement stores, for errors
	)
	queue := func(label, sql string, args []any) {
		batch.Queue(sql, args...)
		labels = append(labels, label)
	}
	res.ReportID = rep.ID
	res.EventIDs = make([]string, len(rep.Events))
	for i := range rep.Events {
		ev := &rep.Events[i]
		row, err := enc.eventRow(i)
		if err != nil {
			return err
		}
		queue(fmt.Sprintf("event %d (%s)", i, ev.ID), insertEvent, row)
		for j := range ev.Actors {
			queue(fmt.Sprintf("event %s actor %d", ev.ID, j), insertActor, actorRow(ev, j))
		}
		for j := range ev.Evidence {
			queue(fmt.Sprintf("event %s evidence %d", ev.ID, j), insertEvidence, evidenceRow(ev, j))
		}
		res.EventIDs[i] = ev.ID
	}
	if batch.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, &batch)
	for _, label := range labels {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", label, err)
		}
	}
	return br.Close()
}

// existingReport fills res from the stored report that has rep's document,
// extractor and version.
func existingReport(ctx context.Context, tx pgx.Tx, rep *model.Report, res *store.IngestResult) error {
	if err := tx.QueryRow(ctx, `
		SELECT id FROM reports WHERE document_id = $1 AND extractor = $2 AND extractor_version = $3`,
		rep.DocumentID, rep.Extractor, rep.ExtractorVersion).Scan(&res.ReportID); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id FROM events WHERE report_id = $1 ORDER BY seq`, res.ReportID)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	res.EventIDs = nonNil(ids)
	return nil
}
