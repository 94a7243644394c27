package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// auditBatch is how many records LedgerRecords reads at a time.
const auditBatch = 256

// LedgerRecord implements store.Ledger.
func (s *Store) LedgerRecord(ctx context.Context, kind, id string) (_ store.LedgerRecord, err error) {
	defer errs.Wrap(&err, "sqlite: LedgerRecord(%s, %s)", kind, id)
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return store.LedgerRecord{}, err
	}
	defer tx.Rollback()
	recs, err := auditRecords(ctx, tx, kind, `id = ?`, id)
	if err != nil {
		return store.LedgerRecord{}, err
	}
	if len(recs) == 0 {
		return store.LedgerRecord{}, errs.E(errs.NotFound, "no %s %q", kind, id)
	}
	return recs[0], nil
}

// LedgerRecords implements store.Ledger. It reads one snapshot.
func (s *Store) LedgerRecords(ctx context.Context, fn func(store.LedgerRecord) error) (err error) {
	defer errs.Wrap(&err, "sqlite: LedgerRecords")
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, kind := range []string{ledger.KindDocument, ledger.KindReport, ledger.KindEvent, store.KindTestimony, store.KindIncident} {
		after := ""
		for {
			recs, err := auditRecords(ctx, tx, kind, `id > ? ORDER BY id LIMIT ?`, after, auditBatch)
			if err != nil {
				return err
			}
			for _, r := range recs {
				if err := fn(r); err != nil {
					return err
				}
			}
			if len(recs) < auditBatch {
				break
			}
			after = recs[len(recs)-1].ID
		}
	}
	// Rows that belong to no record are named by their table.
	for _, o := range []struct{ table, parent, query string }{
		{"reports", "document", `SELECT id FROM reports WHERE document_id NOT IN (SELECT id FROM documents) ORDER BY id`},
		{"events", "report", `SELECT id FROM events WHERE report_id NOT IN (SELECT id FROM reports) ORDER BY id`},
		{"event_actors", "event", `SELECT event_id || '/' || seq FROM event_actors WHERE event_id NOT IN (SELECT id FROM events) ORDER BY 1`},
		{"evidence", "event", `SELECT event_id || '/' || seq FROM evidence WHERE event_id NOT IN (SELECT id FROM events) ORDER BY 1`},
		{"incident_events", "incident", `SELECT event_id FROM incident_events WHERE incident_id NOT IN (SELECT id FROM incidents) ORDER BY 1`},
	} {
		ids, err := strings1(ctx, tx, o.query)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := fn(store.LedgerRecord{Kind: o.table, ID: id, Problems: []string{"row belongs to no stored " + o.parent}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// strings1 runs a query returning one text column.
func strings1(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// auditRecords rebuilds the records of one kind that where (a condition on
// id, with ORDER BY and LIMIT as needed) selects.
func auditRecords(ctx context.Context, q querier, kind, where string, args ...any) ([]store.LedgerRecord, error) {
	switch kind {
	case ledger.KindDocument:
		return auditDocuments(ctx, q, where, args)
	case ledger.KindReport:
		return auditReports(ctx, q, where, args)
	case ledger.KindEvent:
		return auditEvents(ctx, q, where, args)
	case store.KindTestimony:
		return auditTestimonies(ctx, q, where, args)
	case store.KindIncident:
		return auditIncidents(ctx, q, where, args)
	}
	return nil, errs.E(errs.Invalid, "unknown record kind %q", kind)
}

// withRecord fills in r's content from rec, or notes err as a problem.
func withRecord(r store.LedgerRecord, rec ledger.Record, err error) store.LedgerRecord {
	if err != nil {
		r.Problems = append(r.Problems, "cannot rebuild the record: "+oneLine(err))
		return r
	}
	r.Content, r.Fields, r.SHA256 = rec.Content, rec.Fields, rec.SHA256
	return r
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func auditDocuments(ctx context.Context, q querier, where string, args []any) ([]store.LedgerRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, size, media_type, source, url, title, published, retrieved, lang, text,
		created_at FROM documents WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LedgerRecord
	for rows.Next() {
		var (
			d                  model.Document
			published          sql.NullString
			retrieved, created string
		)
		if err := rows.Scan(&d.ID, &d.Size, &d.MediaType, &d.Source, &d.URL, &d.Title, &published, &retrieved,
			&d.Lang, &d.Text, &created); err != nil {
			return nil, err
		}
		d.SHA256 = d.ID
		r := store.LedgerRecord{Kind: ledger.KindDocument, ID: d.ID}
		var err error
		if published.Valid {
			var p time.Time
			p, err = parseColumn("documents.published", published.String)
			d.Published = &p
		}
		if err == nil {
			d.Retrieved, err = parseColumn("documents.retrieved", retrieved)
		}
		if err == nil {
			d.CreatedAt, err = parseColumn("documents.created_at", created)
		}
		var rec ledger.Record
		if err == nil {
			rec, err = ledger.DocumentRecord(&d)
		}
		out = append(out, withRecord(r, rec, err))
	}
	return out, rows.Err()
}

// parseColumn parses a stored time, naming its column when it cannot.
func parseColumn(col, s string) (time.Time, error) {
	t, err := parseTime(s)
	if err != nil {
		return t, fmt.Errorf("%s %q is not a time", col, s)
	}
	return t, nil
}

func auditReports(ctx context.Context, q querier, where string, args []any) ([]store.LedgerRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, document_id, extractor, extractor_version, created_at, places_json
		FROM reports WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	type row struct {
		rep     model.Report
		created string
		places  []byte
	}
	var batch []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.rep.ID, &r.rep.DocumentID, &r.rep.Extractor, &r.rep.ExtractorVersion, &r.created, &r.places); err != nil {
			rows.Close()
			return nil, err
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(batch) == 0 {
		return nil, nil
	}
	ids := make([]any, len(batch))
	for i, r := range batch {
		ids[i] = r.rep.ID
	}
	evRows, err := q.QueryContext(ctx, `SELECT report_id, id FROM events WHERE report_id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`) ORDER BY report_id, seq`, ids...)
	if err != nil {
		return nil, err
	}
	events := map[string][]string{}
	for evRows.Next() {
		var rid, id string
		if err := evRows.Scan(&rid, &id); err != nil {
			evRows.Close()
			return nil, err
		}
		events[rid] = append(events[rid], id)
	}
	evRows.Close()
	if err := evRows.Err(); err != nil {
		return nil, err
	}
	out := make([]store.LedgerRecord, 0, len(batch))
	for _, b := range batch {
		r := store.LedgerRecord{Kind: ledger.KindReport, ID: b.rep.ID}
		var err error
		if b.rep.CreatedAt, err = parseColumn("reports.created_at", b.created); err != nil {
			out = append(out, withRecord(r, ledger.Record{}, err))
			continue
		}
		rec, err := ledger.ReportRecord(&b.rep, b.places, events[b.rep.ID])
		out = append(out, withRecord(r, rec, err))
	}
	return out, nil
}

// storedEventRow is an events row as the audit reads it.
type storedEventRow struct {
	id, reportID, documentID                                  string
	seq                                                       int
	eventDate                                                 string
	datePrecision                                             int
	disorderType, eventType, subEventType, certainty, created string
	confidence                                                float64
	cols                                                      eventColumns
	json                                                      []byte
}

func auditEvents(ctx context.Context, q querier, where string, args []any) ([]store.LedgerRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, report_id, document_id, seq, event_date, date_precision, disorder_type,
		event_type, sub_event_type, country_iso3, location_name, location_lat, location_lon, location_geonameid,
		location_admin1, location_admin2, geo_precision, fatalities_best, certainty, confidence, created_at, event_json
		FROM events WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	var batch []storedEventRow
	for rows.Next() {
		var e storedEventRow
		c := &e.cols
		if err := rows.Scan(&e.id, &e.reportID, &e.documentID, &e.seq, &e.eventDate, &e.datePrecision, &e.disorderType,
			&e.eventType, &e.subEventType, &c.country, &c.name, &c.lat, &c.lon, &c.geonameID, &c.admin1, &c.admin2,
			&c.geoPrec, &c.fatBest, &e.certainty, &e.confidence, &e.created, &e.json); err != nil {
			rows.Close()
			return nil, err
		}
		batch = append(batch, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(batch) == 0 {
		return nil, nil
	}
	ids := make([]any, len(batch))
	for i, e := range batch {
		ids[i] = e.id
	}
	in := `(?` + strings.Repeat(", ?", len(ids)-1) + `)`
	actors := map[string][][]any{}
	if err := childRows(ctx, q, `SELECT event_id, seq, role, name, type, country, actor_id FROM event_actors
		WHERE event_id IN `+in+` ORDER BY event_id, seq`, ids, 7, actors); err != nil {
		return nil, err
	}
	evidence := map[string][][]any{}
	if err := childRows(ctx, q, `SELECT event_id, seq, field, span_start, span_end, text FROM evidence
		WHERE event_id IN `+in+` ORDER BY event_id, seq`, ids, 6, evidence); err != nil {
		return nil, err
	}

	out := make([]store.LedgerRecord, 0, len(batch))
	for _, e := range batch {
		r := store.LedgerRecord{Kind: ledger.KindEvent, ID: e.id}
		created, err := parseColumn("events.created_at", e.created)
		if err != nil {
			out = append(out, withRecord(r, ledger.Record{}, err))
			continue
		}
		rec, err := ledger.EventRecord(e.id, e.reportID, e.documentID, e.seq, created, e.json)
		r = withRecord(r, rec, err)
		ev, err := store.UnmarshalEvent(e.json)
		if err != nil {
			r.Problems = append(r.Problems, "events.event_json: "+oneLine(err))
		} else {
			r.Problems = append(r.Problems, eventProblems(e, &ev, actors[e.id], evidence[e.id])...)
		}
		out = append(out, r)
	}
	return out, nil
}

// childRows reads rows whose first column is an event ID and second a
// sequence number into m, by event ID, keeping columns 1.. as scanned.
func childRows(ctx context.Context, q querier, query string, ids []any, ncol int, m map[string][][]any) error {
	rows, err := q.QueryContext(ctx, query, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, ncol)
		ptrs := make([]any, ncol)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		id := fmt.Sprint(vals[0])
		m[id] = append(m[id], vals[1:])
	}
	return rows.Err()
}

// eventProblems compares an event's denormalised columns and child rows
// with its event_json.
func eventProblems(e storedEventRow, ev *model.Event, actors, evidence [][]any) []string {
	var out []string
	differ := func(table, col string, got, want any) {
		out = append(out, fmt.Sprintf("%s.%s is %v but event_json says %v", table, col, show(got), show(want)))
	}
	if ev.ID != "" && ev.ID != e.id {
		differ("events", "id", e.id, ev.ID)
	}
	want := eventColumnsOf(ev)
	for _, c := range []struct {
		col       string
		got, want any
	}{
		{"event_date", e.eventDate, ev.EventDate},
		{"date_precision", e.datePrecision, ev.DatePrecision},
		{"disorder_type", e.disorderType, ev.DisorderType},
		{"event_type", e.eventType, ev.EventType},
		{"sub_event_type", e.subEventType, ev.SubEventType},
		{"certainty", e.certainty, ev.Certainty},
		{"confidence", e.confidence, ev.Confidence},
		{"country_iso3", e.cols.country, want.country},
		{"location_name", e.cols.name, want.name},
		{"location_lat", e.cols.lat, want.lat},
		{"location_lon", e.cols.lon, want.lon},
		{"location_geonameid", e.cols.geonameID, want.geonameID},
		{"location_admin1", e.cols.admin1, want.admin1},
		{"location_admin2", e.cols.admin2, want.admin2},
		{"geo_precision", e.cols.geoPrec, want.geoPrec},
		{"fatalities_best", e.cols.fatBest, want.fatBest},
	} {
		if c.got != c.want {
			differ("events", c.col, c.got, c.want)
		}
	}

	wantActors := make([][]any, len(ev.Actors))
	for i, a := range ev.Actors {
		wantActors[i] = []any{int64(i), a.Role, a.Name, a.Type, a.Country, a.ID}
	}
	out = append(out, childProblems("event_actors", []string{"seq", "role", "name", "type", "country", "actor_id"}, actors, wantActors)...)
	wantEvidence := make([][]any, len(ev.Evidence))
	for i, x := range ev.Evidence {
		wantEvidence[i] = []any{int64(i), x.Field, int64(x.Start), int64(x.End), x.Text}
	}
	out = append(out, childProblems("evidence", []string{"seq", "field", "span_start", "span_end", "text"}, evidence, wantEvidence)...)
	return out
}

// childProblems compares an event's child rows (from the table) with the
// rows its event_json implies, matching them by seq.
func childProblems(table string, cols []string, got, want [][]any) []string {
	var out []string
	bySeq := map[int64][]any{}
	for _, g := range got {
		seq, _ := g[0].(int64)
		if _, dup := bySeq[seq]; dup || int(seq) >= len(want) || seq < 0 {
			out = append(out, fmt.Sprintf("%s row seq %v is not in event_json", table, g[0]))
			continue
		}
		bySeq[seq] = g
	}
	for i, w := range want {
		g, ok := bySeq[int64(i)]
		if !ok {
			out = append(out, fmt.Sprintf("%s row seq %d is missing (event_json has it)", table, i))
			continue
		}
		for j := 1; j < len(cols); j++ {
			if !sameValue(g[j], w[j]) {
				out = append(out, fmt.Sprintf("%s.%s (seq %d) is %v but event_json says %v", table, cols[j], i, show(g[j]), show(w[j])))
			}
		}
	}
	return out
}

// sameValue compares a scanned column with the value it should hold.
// SQLite gives text as string and integers as int64.
func sameValue(got, want any) bool {
	if b, ok := got.([]byte); ok {
		got = string(b)
	}
	return got == want
}

// show formats a column value for a message.
func show(v any) string {
	switch v := v.(type) {
	case sql.NullString:
		if !v.Valid {
			return "NULL"
		}
		return fmt.Sprintf("%q", v.String)
	case sql.NullInt64:
		if !v.Valid {
			return "NULL"
		}
		return fmt.Sprint(v.Int64)
	case sql.NullFloat64:
		if !v.Valid {
			return "NULL"
		}
		return fmt.Sprint(v.Float64)
	case string:
		return fmt.Sprintf("%q", v)
	case []byte:
		return fmt.Sprintf("%q", v)
	case nil:
		return "NULL"
	}
	return fmt.Sprint(v)
}
