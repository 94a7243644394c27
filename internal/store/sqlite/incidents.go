package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

var _ store.IncidentStore = (*Store)(nil)

// IncidentRecord returns the ledger record of an incident: its ID, its
// events in order, the incident it was merged into ("" if none) and when
// it was created.
func IncidentRecord(id string, events []string, mergedInto string, created time.Time) (ledger.Record, error) {
	val := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			panic("sqlite: encoding a plain value: " + err.Error()) // strings and slices of them always encode
		}
		return b
	}
	if events == nil {
		events = []string{}
	}
	return ledger.NewRecord(store.KindIncident, id, map[string]json.RawMessage{
		"id":          val(id),
		"events":      val(events),
		"merged_into": val(mergedInto),
		"created_at":  val(ledger.FormatTime(created)),
	})
}

// maxNote bounds the reason a ledger leaf carries as its note.
const maxNote = 1024

// auditNote is the note of the leaves that log audit line a.
func auditNote(a *store.IncidentAudit) string {
	n := fmt.Sprintf("%s #%d", a.Op, a.Seq)
	if a.Reverts > 0 {
		n += fmt.Sprintf(" (reverts #%d)", a.Reverts)
	}
	if a.Reason != "" {
		n += ": " + a.Reason
	}
	if len(n) > maxNote {
		n = n[:maxNote]
		for !utf8.ValidString(n) {
			n = n[:len(n)-1]
		}
	}
	return n
}

// incState is an incident as SaveIncidents changes it.
type incState struct {
	id, mergedInto string
	created        time.Time
	events         []string // in seq order
	next           int      // the seq the next event gets
	isNew          bool
}

func (st *incState) has(ev string) bool { return slices.Contains(st.events, ev) }

// SaveIncidents implements store.Incidents.
func (s *Store) SaveIncidents(ctx context.Context, ch *store.IncidentChange) (err error) {
	defer func() { err = classify(err) }()
	if err := store.PrepareIncidentChange(ch, time.Now()); err != nil {
		return err
	}
	defer errs.Wrap(&err, "sqlite: SaveIncidents")
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	leaves, err := s.applyIncidentChange(ctx, tx, ch)
	if err != nil {
		return err
	}
	if err := appendLeaves(ctx, tx, leaves); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return tx.Commit()
}

func (s *Store) applyIncidentChange(ctx context.Context, tx *sql.Tx, ch *store.IncidentChange) ([]pendingLeaf, error) {
	for _, d := range ch.Documents {
		if _, err := tx.ExecContext(ctx, `INSERT INTO linked_documents (document_id, seq, outlet, kind, published, signature, linked_at)
			VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM linked_documents), ?, ?, ?, ?, ?)`,
			d.DocumentID, d.Outlet, d.Kind, d.Published, d.Signature, formatTime(d.LinkedAt)); err != nil {
			switch errs.KindOf(classify(err)) {
			case errs.Conflict:
				return nil, errs.E(errs.Conflict, "document %s is already linked", d.DocumentID)
			case errs.Invalid:
				return nil, errs.E(errs.Invalid, "document %s is not stored", d.DocumentID)
			}
			return nil, err
		}
	}
	entries := make(map[string]*store.IncidentEntry, len(ch.Entries))
	for i := range ch.Entries {
		e := &ch.Entries[i]
		if entries[e.EventID] != nil {
			return nil, errs.E(errs.Invalid, "two entries for event %s", e.EventID)
		}
		entries[e.EventID] = e
	}
	used := 0
	states := map[string]*incState{}
	get := func(id string, create bool) (*incState, error) {
		if st := states[id]; st != nil {
			return st, nil
		}
		st, err := loadIncState(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if st == nil && !create {
			return nil, errs.E(errs.NotFound, "incident %s not found", id)
		}
		if st == nil {
			st = &incState{id: id, isNew: true}
		}
		states[id] = st
		return st, nil
	}
	standing := func(id string) (*incState, error) {
		st, err := get(id, false)
		if err == nil && st.mergedInto != "" {
			return nil, errs.E(errs.Invalid, "incident %s was merged into %s", id, st.mergedInto)
		}
		return st, err
	}
	var leaves []pendingLeaf
	for i := range ch.Audit {
		a := &ch.Audit[i]
		var logs []struct {
			st   *incState
			op   string
			refs []string
		}
		log := func(st *incState, op string, refs ...string) {
			logs = append(logs, struct {
				st   *incState
				op   string
				refs []string
			}{st, op, refs})
		}
		switch a.Op {
		case store.IncidentOpen, store.IncidentLink:
			var st *incState
			var err error
			if a.Op == store.IncidentOpen {
				if st, err = get(a.Incidents[0], true); err == nil && !st.isNew {
					err = errs.E(errs.Conflict, "incident %s already exists", st.id)
				}
				if err == nil && !st.created.IsZero() {
					err = errs.E(errs.Conflict, "incident %s is opened twice", st.id)
				}
				if err == nil {
					st.created = a.At
					_, err = tx.ExecContext(ctx, `INSERT INTO incidents (id, created_at, updated_at) VALUES (?, ?, ?)`,
						st.id, formatTime(a.At), formatTime(a.At))
				}
			} else {
				st, err = standing(a.Incidents[0])
			}
			if err != nil {
				return nil, err
			}
			for _, ev := range a.Events {
				e := entries[ev]
				if e == nil {
					return nil, errs.E(errs.Invalid, "%s of event %s: no entry files it", a.Op, ev)
				}
				used++
				if _, err := tx.ExecContext(ctx, `INSERT INTO incident_events (event_id, incident_id, seq, document_id, cell_key,
					day, lat, lon, date_prec, geo_prec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					ev, st.id, st.next, e.DocumentID, e.Key, e.Day, e.Lat, e.Lon, e.DatePrec, e.GeoPrec); err != nil {
					switch errs.KindOf(classify(err)) {
					case errs.Conflict:
						return nil, errs.E(errs.Conflict, "event %s is already in an incident", ev)
					case errs.Invalid:
						return nil, errs.E(errs.Invalid, "event %s is not stored", ev)
					}
					return nil, err
				}
				st.events = append(st.events, ev)
				st.next++
			}
			if a.Op == store.IncidentOpen {
				log(st, ledger.OpCreate)
			} else {
				log(st, ledger.OpUpdate)
			}
		case store.IncidentMerge:
			into, err := standing(a.Incidents[0])
			if err != nil {
				return nil, err
			}
			from, err := standing(a.Incidents[1])
			if err != nil {
				return nil, err
			}
			if !slices.Equal(slices.Sorted(slices.Values(a.Events)), slices.Sorted(slices.Values(from.events))) {
				return nil, errs.E(errs.Invalid, "merge of %s: the events named are not exactly its events", from.id)
			}
			if err := moveEvents(ctx, tx, a.Events, from, into); err != nil {
				return nil, err
			}
			from.mergedInto = into.id
			log(into, ledger.OpUpdate, "incident:"+from.id)
			log(from, ledger.OpMerge, "incident:"+into.id)
		case store.IncidentSplit:
			from, err := standing(a.Incidents[0])
			if err != nil {
				return nil, err
			}
			to, err := get(a.Incidents[1], true)
			if err != nil {
				return nil, err
			}
			switch {
			case !to.isNew && to.mergedInto == "" || to.isNew && !to.created.IsZero():
				return nil, errs.E(errs.Conflict, "incident %s already exists", to.id)
			case len(a.Events) >= len(from.events):
				return nil, errs.E(errs.Invalid, "a split must leave %s at least one event", from.id)
			}
			for _, ev := range a.Events {
				if !from.has(ev) {
					return nil, errs.E(errs.Invalid, "event %s is not in %s", ev, from.id)
				}
			}
			op := ledger.OpUpdate
			if to.isNew {
				op = ledger.OpCreate
				to.created = a.At
				if _, err := tx.ExecContext(ctx, `INSERT INTO incidents (id, created_at, updated_at) VALUES (?, ?, ?)`,
					to.id, formatTime(a.At), formatTime(a.At)); err != nil {
					return nil, err
				}
			}
			to.mergedInto = ""
			if err := moveEvents(ctx, tx, a.Events, from, to); err != nil {
				return nil, err
			}
			log(from, ledger.OpUpdate, "incident:"+to.id)
			log(to, op, "incident:"+from.id)
		}
		inc, err := json.Marshal(a.Incidents)
		if err != nil {
			return nil, err
		}
		evs, err := json.Marshal(a.Events)
		if err != nil {
			return nil, err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO incident_audit (seq, op, actor, at, incidents, events, reason, reverts)
			VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM incident_audit), ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			a.Op, a.Actor, formatTime(a.At), string(inc), string(evs), a.Reason, a.Reverts).Scan(&a.Seq); err != nil {
			return nil, err
		}
		for _, id := range slices.Compact(slices.Clone(a.Incidents)) {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO incident_audit_by_incident (incident_id, seq) VALUES (?, ?)`, id, a.Seq); err != nil {
				return nil, err
			}
		}
		for _, l := range logs {
			if _, err := tx.ExecContext(ctx, `UPDATE incidents SET merged_into = ?, updated_at = ? WHERE id = ?`,
				l.st.mergedInto, formatTime(a.At), l.st.id); err != nil {
				return nil, err
			}
			if s.skipLedger {
				continue
			}
			rec, err := IncidentRecord(l.st.id, l.st.events, l.st.mergedInto, l.st.created)
			if err != nil {
				return nil, err
			}
			leaf := rec.Leaf(l.op, a.Actor, a.At)
			leaf.Note, leaf.Refs = auditNote(a), l.refs
			data, err := leaf.Encode()
			if err != nil {
				return nil, err
			}
			leaves = append(leaves, pendingLeaf{kind: rec.Kind, id: rec.ID, data: data, fields: rec.Fields})
		}
	}
	if used != len(entries) {
		return nil, errs.E(errs.Invalid, "%d entries are for events no open or link names", len(entries)-used)
	}
	return leaves, nil
}

// loadIncState reads an incident for SaveIncidents; nil if it is not stored.
func loadIncState(ctx context.Context, tx *sql.Tx, id string) (*incState, error) {
	st := &incState{id: id}
	var created string
	err := tx.QueryRowContext(ctx, `SELECT merged_into, created_at FROM incidents WHERE id = ?`, id).Scan(&st.mergedInto, &created)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if st.created, err = parseTime(created); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT event_id, seq FROM incident_events WHERE incident_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev string
		var seq int
		if err := rows.Scan(&ev, &seq); err != nil {
			return nil, err
		}
		st.events = append(st.events, ev)
		st.next = seq + 1
	}
	return st, rows.Err()
}

// moveEvents moves events (all in from) to the end of to, in order.
func moveEvents(ctx context.Context, tx *sql.Tx, events []string, from, to *incState) error {
	for _, ev := range events {
		if _, err := tx.ExecContext(ctx, `UPDATE incident_events SET incident_id = ?, seq = ? WHERE event_id = ?`, to.id, to.next, ev); err != nil {
			return err
		}
		to.events = append(to.events, ev)
		to.next++
	}
	from.events = slices.DeleteFunc(from.events, func(e string) bool { return slices.Contains(events, e) })
	return nil
}

// inList returns "(?, ?, ...)" for n values.
func inList(n int) string { return "(?" + strings.Repeat(", ?", n-1) + ")" }

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// batchSize is how many values one IN (...) list holds.
const batchSize = 500

// IncidentCandidates implements store.Incidents.
func (s *Store) IncidentCandidates(ctx context.Context, keys []int64) (_ []store.IncidentEntry, err error) {
	defer errs.Wrap(&err, "sqlite: IncidentCandidates")
	var out []store.IncidentEntry
	for len(keys) > 0 {
		k := min(batchSize, len(keys))
		rows, err := s.r.QueryContext(ctx, `SELECT event_id, document_id, incident_id, cell_key, day, lat, lon, date_prec, geo_prec
			FROM incident_events WHERE cell_key IN `+inList(k), anys(keys[:k])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e store.IncidentEntry
			if err := rows.Scan(&e.EventID, &e.DocumentID, &e.IncidentID, &e.Key, &e.Day, &e.Lat, &e.Lon, &e.DatePrec, &e.GeoPrec); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		keys = keys[k:]
	}
	return out, nil
}

// GetIncidents implements store.Incidents. It reads one snapshot.
func (s *Store) GetIncidents(ctx context.Context, ids []string) (_ []store.Incident, err error) {
	defer errs.Wrap(&err, "sqlite: GetIncidents")
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return readIncidents(ctx, tx, ids, true)
}

// readIncidents reads incidents by ID, in the order asked, with their
// members and, if events, their events.
func readIncidents(ctx context.Context, q querier, ids []string, events bool) ([]store.Incident, error) {
	byID := map[string]*store.Incident{}
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(len(ids), start+batchSize)]
		rows, err := q.QueryContext(ctx, `SELECT id, merged_into, created_at, updated_at FROM incidents WHERE id IN `+inList(len(batch)), anys(batch)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			inc := &store.Incident{}
			var created, updated string
			if err := rows.Scan(&inc.ID, &inc.MergedInto, &created, &updated); err != nil {
				rows.Close()
				return nil, err
			}
			if inc.CreatedAt, err = parseTime(created); err == nil {
				inc.UpdatedAt, err = parseTime(updated)
			}
			if err != nil {
				rows.Close()
				return nil, err
			}
			byID[inc.ID] = inc
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		cols := `m.event_id, m.document_id, m.incident_id, m.cell_key, m.day, m.lat, m.lon, m.date_prec, m.geo_prec, m.seq`
		query := `SELECT ` + cols + ` FROM incident_events m WHERE m.incident_id IN ` + inList(len(batch)) + ` ORDER BY m.incident_id, m.seq`
		if events {
			query = `SELECT ` + cols + `, e.id, e.report_id, e.document_id, e.created_at, e.event_json
				FROM incident_events m JOIN events e ON e.id = m.event_id
				WHERE m.incident_id IN ` + inList(len(batch)) + ` ORDER BY m.incident_id, m.seq`
		}
		rows, err = q.QueryContext(ctx, query, anys(batch)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m store.IncidentMember
			dest := []any{&m.EventID, &m.DocumentID, &m.IncidentID, &m.Key, &m.Day, &m.Lat, &m.Lon, &m.DatePrec, &m.GeoPrec, &m.Seq}
			if events {
				se, err := scanStoredEvent(scanFunc(func(d ...any) error { return rows.Scan(append(dest, d...)...) }))
				if err != nil {
					rows.Close()
					return nil, err
				}
				m.Event = se
			} else if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			if inc := byID[m.IncidentID]; inc != nil {
				inc.Members = append(inc.Members, m)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]store.Incident, 0, len(byID))
	for _, id := range ids {
		if inc := byID[id]; inc != nil {
			out = append(out, *inc)
			delete(byID, id) // an ID asked twice is given once
		}
	}
	return out, nil
}

// scanFunc adapts a function to the scanner interface.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// IncidentOfEvent implements store.Incidents.
func (s *Store) IncidentOfEvent(ctx context.Context, eventID string) (_ string, err error) {
	defer errs.Wrap(&err, "sqlite: IncidentOfEvent(%s)", eventID)
	var id string
	err = s.r.QueryRowContext(ctx, `SELECT incident_id FROM incident_events WHERE event_id = ?`, eventID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", errs.E(errs.NotFound, "event %s is in no incident", eventID)
	}
	return id, err
}

// ListIncidents implements store.Incidents.
func (s *Store) ListIncidents(ctx context.Context, page store.Page) (_ []store.Incident, err error) {
	defer errs.Wrap(&err, "sqlite: ListIncidents")
	if page, err = page.Normalize(); err != nil {
		return nil, err
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ids, err := strings1(ctx, tx, `SELECT id FROM incidents WHERE merged_into = '' ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`,
		page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	return readIncidents(ctx, tx, ids, false)
}

// CountIncidents implements store.Incidents.
func (s *Store) CountIncidents(ctx context.Context) (n int, err error) {
	defer errs.Wrap(&err, "sqlite: CountIncidents")
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FROM incidents WHERE merged_into = ''`).Scan(&n)
	return n, err
}

// LinkedDocuments implements store.Incidents.
func (s *Store) LinkedDocuments(ctx context.Context, ids []string) (_ []store.LinkedDocument, err error) {
	defer errs.Wrap(&err, "sqlite: LinkedDocuments")
	var out []store.LinkedDocument
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(len(ids), start+batchSize)]
		rows, err := s.r.QueryContext(ctx, `SELECT document_id, seq, outlet, kind, published, signature, linked_at
			FROM linked_documents WHERE document_id IN `+inList(len(batch)), anys(batch)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d store.LinkedDocument
			var at string
			if err := rows.Scan(&d.DocumentID, &d.Seq, &d.Outlet, &d.Kind, &d.Published, &d.Signature, &at); err != nil {
				rows.Close()
				return nil, err
			}
			if d.LinkedAt, err = parseTime(at); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b store.LinkedDocument) int { return int(a.Seq - b.Seq) })
	return slices.CompactFunc(out, func(a, b store.LinkedDocument) bool { return a.Seq == b.Seq }), nil
}

// UnlinkedDocuments implements store.Incidents.
func (s *Store) UnlinkedDocuments(ctx context.Context, limit int) (_ []string, err error) {
	defer errs.Wrap(&err, "sqlite: UnlinkedDocuments")
	if limit <= 0 || limit > store.MaxLimit {
		return nil, errs.E(errs.Invalid, "limit %d out of 1..%d", limit, store.MaxLimit)
	}
	return strings1(ctx, s.r, `SELECT d.id FROM documents d
		WHERE NOT EXISTS (SELECT 1 FROM linked_documents l WHERE l.document_id = d.id)
		AND EXISTS (SELECT 1 FROM events e WHERE e.document_id = d.id)
		ORDER BY coalesce(substr(d.published, 1, 10), substr(d.created_at, 1, 10)), d.created_at, d.id LIMIT ?`, limit)
}

// IncidentLog implements store.Incidents.
func (s *Store) IncidentLog(ctx context.Context, incidentID string, after int64, limit int) (_ []store.IncidentAudit, err error) {
	defer errs.Wrap(&err, "sqlite: IncidentLog")
	if limit == 0 {
		limit = store.DefaultLimit
	}
	if limit < 0 || limit > store.MaxLimit || after < 0 {
		return nil, errs.E(errs.Invalid, "limit %d out of 1..%d or after %d negative", limit, store.MaxLimit, after)
	}
	q := `SELECT seq, op, actor, at, incidents, events, reason, reverts FROM incident_audit WHERE seq > ?`
	args := []any{after}
	if incidentID != "" {
		q += ` AND seq IN (SELECT seq FROM incident_audit_by_incident WHERE incident_id = ?)`
		args = append(args, incidentID)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY seq LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.IncidentAudit{}
	for rows.Next() {
		var a store.IncidentAudit
		var at, inc, evs string
		if err := rows.Scan(&a.Seq, &a.Op, &a.Actor, &at, &inc, &evs, &a.Reason, &a.Reverts); err != nil {
			return nil, err
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(inc), &a.Incidents); err != nil {
			return nil, fmt.Errorf("incident_audit %d: incidents: %w", a.Seq, err)
		}
		if err := json.Unmarshal([]byte(evs), &a.Events); err != nil {
			return nil, fmt.Errorf("incident_audit %d: events: %w", a.Seq, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// auditIncidents rebuilds the incident records that where selects, for
// store.Ledger.LedgerRecords: an incident's record comes from its row and
// its incident_events rows (in seq order).
func auditIncidents(ctx context.Context, q querier, where string, args []any) ([]store.LedgerRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, merged_into, created_at FROM incidents WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	type row struct{ id, merged, created string }
	var batch []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.merged, &r.created); err != nil {
			rows.Close()
			return nil, err
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(batch) == 0 {
		return nil, err
	}
	ids := make([]any, len(batch))
	for i, r := range batch {
		ids[i] = r.id
	}
	events := map[string][]string{}
	evRows, err := q.QueryContext(ctx, `SELECT incident_id, event_id FROM incident_events WHERE incident_id IN `+inList(len(ids))+
		` ORDER BY incident_id, seq`, ids...)
	if err != nil {
		return nil, err
	}
	for evRows.Next() {
		var inc, ev string
		if err := evRows.Scan(&inc, &ev); err != nil {
			evRows.Close()
			return nil, err
		}
		events[inc] = append(events[inc], ev)
	}
	evRows.Close()
	if err := evRows.Err(); err != nil {
		return nil, err
	}
	out := make([]store.LedgerRecord, 0, len(batch))
	for _, b := range batch {
		r := store.LedgerRecord{Kind: store.KindIncident, ID: b.id}
		created, err := parseColumn("incidents.created_at", b.created)
		if err != nil {
			out = append(out, withRecord(r, ledger.Record{}, err))
			continue
		}
		if b.merged != "" && len(events[b.id]) > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("incidents.merged_into is %q but incident_events rows still name it", b.merged))
		}
		rec, err := IncidentRecord(b.id, events[b.id], b.merged, created)
		out = append(out, withRecord(r, rec, err))
	}
	return out, nil
}
