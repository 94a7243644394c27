package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

var _ store.IncidentStore = (*Store)(nil)

// incState is an incident as SaveIncidents changes it.
type incState struct {
	id, mergedInto string
	created        time.Time
	events         []string // in seq order
	next           int
	isNew          bool
}

// SaveIncidents implements store.Incidents. Changes are serialised by a
// transaction-level advisory lock, so sequence numbers never collide.
// This store keeps no ledger yet; when it does, the incidents' leaves
// (sqlite.IncidentRecord) join this transaction as they do in package
// sqlite.
func (s *Store) SaveIncidents(ctx context.Context, ch *store.IncidentChange) (err error) {
	if err := store.PrepareIncidentChange(ch, time.Now()); err != nil {
		return err
	}
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: SaveIncidents")
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('vigil incidents ' || coalesce(current_schema(), ''), 0))`); err != nil {
			return err
		}
		return applyIncidentChange(ctx, tx, ch)
	})
}

// execTx runs one statement and returns its error classified, so callers can
// explain a conflict or a missing row in words.
func execTx(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	_, err := tx.Exec(ctx, sql, args...)
	return classify(err)
}

func applyIncidentChange(ctx context.Context, tx pgx.Tx, ch *store.IncidentChange) error {
	for _, d := range ch.Documents {
		err := execTx(ctx, tx, `INSERT INTO linked_documents (document_id, seq, outlet, kind, published, signature, linked_at)
			VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM linked_documents), $2, $3, $4, $5, $6)`,
			d.DocumentID, d.Outlet, d.Kind, d.Published, d.Signature, d.LinkedAt)
		switch errs.KindOf(err) {
		case errs.Conflict:
			return errs.E(errs.Conflict, "document %s is already linked", d.DocumentID)
		case errs.Invalid:
			return errs.E(errs.Invalid, "document %s is not stored", d.DocumentID)
		}
		if err != nil {
			return err
		}
	}
	entries := make(map[string]*store.IncidentEntry, len(ch.Entries))
	for i := range ch.Entries {
		e := &ch.Entries[i]
		if entries[e.EventID] != nil {
			return errs.E(errs.Invalid, "two entries for event %s", e.EventID)
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
	move := func(events []string, from, to *incState) error {
		for _, ev := range events {
			if err := execTx(ctx, tx, `UPDATE incident_events SET incident_id = $1, seq = $2 WHERE event_id = $3`, to.id, to.next, ev); err != nil {
				return err
			}
			to.events = append(to.events, ev)
			to.next++
		}
		from.events = slices.DeleteFunc(from.events, func(e string) bool { return slices.Contains(events, e) })
		return nil
	}
	for i := range ch.Audit {
		a := &ch.Audit[i]
		var touched []*incState
		switch a.Op {
		case store.IncidentOpen, store.IncidentLink:
			var st *incState
			var err error
			if a.Op == store.IncidentOpen {
				if st, err = get(a.Incidents[0], true); err == nil && (!st.isNew || !st.created.IsZero()) {
					err = errs.E(errs.Conflict, "incident %s already exists", st.id)
				}
				if err == nil {
					st.created = a.At
					err = execTx(ctx, tx, `INSERT INTO incidents (id, created_at, updated_at) VALUES ($1, $2, $2)`, st.id, a.At)
				}
			} else {
				st, err = standing(a.Incidents[0])
			}
			if err != nil {
				return err
			}
			for _, ev := range a.Events {
				e := entries[ev]
				if e == nil {
					return errs.E(errs.Invalid, "%s of event %s: no entry files it", a.Op, ev)
				}
				used++
				err := execTx(ctx, tx, `INSERT INTO incident_events (event_id, incident_id, seq, document_id, cell_key,
					day, lat, lon, date_prec, geo_prec) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
					ev, st.id, st.next, e.DocumentID, e.Key, e.Day, e.Lat, e.Lon, e.DatePrec, e.GeoPrec)
				switch errs.KindOf(err) {
				case errs.Conflict:
					return errs.E(errs.Conflict, "event %s is already in an incident", ev)
				case errs.Invalid:
					return errs.E(errs.Invalid, "event %s is not stored", ev)
				}
				if err != nil {
					return err
				}
				st.events = append(st.events, ev)
				st.next++
			}
			touched = append(touched, st)
		case store.IncidentMerge:
			into, err := standing(a.Incidents[0])
			if err != nil {
				return err
			}
			from, err := standing(a.Incidents[1])
			if err != nil {
				return err
			}
			if !slices.Equal(slices.Sorted(slices.Values(a.Events)), slices.Sorted(slices.Values(from.events))) {
				return errs.E(errs.Invalid, "merge of %s: the events named are not exactly its events", from.id)
			}
			if err := move(a.Events, from, into); err != nil {
				return err
			}
			from.mergedInto = into.id
			touched = append(touched, into, from)
		case store.IncidentSplit:
			from, err := standing(a.Incidents[0])
			if err != nil {
				return err
			}
			to, err := get(a.Incidents[1], true)
			if err != nil {
				return err
			}
			switch {
			case !to.isNew && to.mergedInto == "" || to.isNew && !to.created.IsZero():
				return errs.E(errs.Conflict, "incident %s already exists", to.id)
			case len(a.Events) >= len(from.events):
				return errs.E(errs.Invalid, "a split must leave %s at least one event", from.id)
			}
			for _, ev := range a.Events {
				if !slices.Contains(from.events, ev) {
					return errs.E(errs.Invalid, "event %s is not in %s", ev, from.id)
				}
			}
			if to.isNew {
				to.created = a.At
				if err := execTx(ctx, tx, `INSERT INTO incidents (id, created_at, updated_at) VALUES ($1, $2, $2)`, to.id, a.At); err != nil {
					return err
				}
			}
			to.mergedInto = ""
			if err := move(a.Events, from, to); err != nil {
				return err
			}
			touched = append(touched, from, to)
		}
		inc, err := json.Marshal(a.Incidents)
		if err != nil {
			return err
		}
		evs, err := json.Marshal(a.Events)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO incident_audit (seq, op, actor, at, incidents, events, reason, reverts)
			VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM incident_audit), $1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
			a.Op, a.Actor, a.At, string(inc), string(evs), a.Reason, a.Reverts).Scan(&a.Seq); err != nil {
			return err
		}
		for _, id := range slices.Compact(slices.Clone(a.Incidents)) {
			if err := execTx(ctx, tx, `INSERT INTO incident_audit_by_incident (incident_id, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, a.Seq); err != nil {
				return err
			}
		}
		for _, st := range touched {
			if err := execTx(ctx, tx, `UPDATE incidents SET merged_into = $1, updated_at = $2 WHERE id = $3`, st.mergedInto, a.At, st.id); err != nil {
				return err
			}
		}
	}
	if used != len(entries) {
		return errs.E(errs.Invalid, "%d entries are for events no open or link names", len(entries)-used)
	}
	return nil
}

func loadIncState(ctx context.Context, tx pgx.Tx, id string) (*incState, error) {
	st := &incState{id: id}
	err := tx.QueryRow(ctx, `SELECT merged_into, created_at FROM incidents WHERE id = $1`, id).Scan(&st.mergedInto, &st.created)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT event_id, seq FROM incident_events WHERE incident_id = $1 ORDER BY seq`, id)
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

// IncidentCandidates implements store.Incidents.
func (s *Store) IncidentCandidates(ctx context.Context, keys []int64) (_ []store.IncidentEntry, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: IncidentCandidates")
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT event_id, document_id, incident_id, cell_key, day, lat, lon, date_prec, geo_prec
		FROM incident_events WHERE cell_key = ANY($1)`, keys)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.IncidentEntry
	for rows.Next() {
		var e store.IncidentEntry
		var dp, gp int16
		if err := rows.Scan(&e.EventID, &e.DocumentID, &e.IncidentID, &e.Key, &e.Day, &e.Lat, &e.Lon, &dp, &gp); err != nil {
			return nil, err
		}
		e.DatePrec, e.GeoPrec = int(dp), int(gp)
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetIncidents implements store.Incidents. It reads one snapshot.
func (s *Store) GetIncidents(ctx context.Context, ids []string) (out []store.Incident, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: GetIncidents")
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		out, err = readIncidents(ctx, tx, ids, true)
		return err
	})
	return out, err
}

func readIncidents(ctx context.Context, tx pgx.Tx, ids []string, events bool) ([]store.Incident, error) {
	out := []store.Incident{}
	if len(ids) == 0 {
		return out, nil
	}
	byID := map[string]*store.Incident{}
	rows, err := tx.Query(ctx, `SELECT id, merged_into, created_at, updated_at FROM incidents WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		inc := &store.Incident{}
		if err := rows.Scan(&inc.ID, &inc.MergedInto, &inc.CreatedAt, &inc.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		inc.CreatedAt, inc.UpdatedAt = inc.CreatedAt.UTC(), inc.UpdatedAt.UTC()
		byID[inc.ID] = inc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cols := `m.event_id, m.document_id, m.incident_id, m.cell_key, m.day, m.lat, m.lon, m.date_prec, m.geo_prec, m.seq`
	query := `SELECT ` + cols + ` FROM incident_events m WHERE m.incident_id = ANY($1) ORDER BY m.incident_id, m.seq`
	if events {
		query = `SELECT ` + cols + `, e.id, e.report_id, e.document_id, e.created_at, e.event
			FROM incident_events m JOIN events e ON e.id = m.event_id
			WHERE m.incident_id = ANY($1) ORDER BY m.incident_id, m.seq`
	}
	rows, err = tx.Query(ctx, query, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m store.IncidentMember
		var dp, gp int16
		dest := []any{&m.EventID, &m.DocumentID, &m.IncidentID, &m.Key, &m.Day, &m.Lat, &m.Lon, &dp, &gp, &m.Seq}
		if events {
			se, err := scanStoredEvent(scanFunc(func(d ...any) error { return rows.Scan(append(dest, d...)...) }))
			if err != nil {
				return nil, err
			}
			m.Event = se
		} else if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		m.DatePrec, m.GeoPrec = int(dp), int(gp)
		if inc := byID[m.IncidentID]; inc != nil {
			inc.Members = append(inc.Members, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if inc := byID[id]; inc != nil {
			out = append(out, *inc)
			delete(byID, id)
		}
	}
	return out, nil
}

// scanFunc adapts a function to pgx.Row.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// IncidentOfEvent implements store.Incidents.
func (s *Store) IncidentOfEvent(ctx context.Context, eventID string) (_ string, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: IncidentOfEvent(%s)", eventID)
	var id string
	err = s.pool.QueryRow(ctx, `SELECT incident_id FROM incident_events WHERE event_id = $1`, eventID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errs.E(errs.NotFound, "event %s is in no incident", eventID)
	}
	return id, err
}

// ListIncidents implements store.Incidents.
func (s *Store) ListIncidents(ctx context.Context, page store.Page) (out []store.Incident, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: ListIncidents")
	if page, err = page.Normalize(); err != nil {
		return nil, err
	}
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM incidents WHERE merged_into = '' ORDER BY updated_at DESC, id LIMIT $1 OFFSET $2`,
			page.Limit, page.Offset)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		out, err = readIncidents(ctx, tx, ids, false)
		return err
	})
	return out, err
}

// CountIncidents implements store.Incidents.
func (s *Store) CountIncidents(ctx context.Context) (n int, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: CountIncidents")
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM incidents WHERE merged_into = ''`).Scan(&n)
	return n, err
}

// LinkedDocuments implements store.Incidents.
func (s *Store) LinkedDocuments(ctx context.Context, ids []string) (_ []store.LinkedDocument, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: LinkedDocuments")
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT document_id, seq, outlet, kind, published, signature, linked_at
		FROM linked_documents WHERE document_id = ANY($1) ORDER BY seq`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LinkedDocument
	for rows.Next() {
		var d store.LinkedDocument
		if err := rows.Scan(&d.DocumentID, &d.Seq, &d.Outlet, &d.Kind, &d.Published, &d.Signature, &d.LinkedAt); err != nil {
			return nil, err
		}
		d.LinkedAt = d.LinkedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// UnlinkedDocuments implements store.Incidents.
func (s *Store) UnlinkedDocuments(ctx context.Context, limit int) (_ []string, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: UnlinkedDocuments")
	if limit <= 0 || limit > store.MaxLimit {
		return nil, errs.E(errs.Invalid, "limit %d out of 1..%d", limit, store.MaxLimit)
	}
	rows, err := s.pool.Query(ctx, `SELECT d.id FROM documents d
		WHERE NOT EXISTS (SELECT 1 FROM linked_documents l WHERE l.document_id = d.id)
		AND EXISTS (SELECT 1 FROM events e WHERE e.document_id = d.id)
		ORDER BY (coalesce(d.published, d.created_at) AT TIME ZONE 'UTC')::date, d.created_at, d.id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// IncidentLog implements store.Incidents.
func (s *Store) IncidentLog(ctx context.Context, incidentID string, after int64, limit int) (_ []store.IncidentAudit, err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "postgres: IncidentLog")
	if limit == 0 {
		limit = store.DefaultLimit
	}
	if limit < 0 || limit > store.MaxLimit || after < 0 {
		return nil, errs.E(errs.Invalid, "limit %d out of 1..%d or after %d negative", limit, store.MaxLimit, after)
	}
	q := `SELECT seq, op, actor, at, incidents, events, reason, reverts FROM incident_audit WHERE seq > $1`
	args := []any{after, limit}
	if incidentID != "" {
		q += ` AND seq IN (SELECT seq FROM incident_audit_by_incident WHERE incident_id = $3)`
		args = append(args, incidentID)
	}
	rows, err := s.pool.Query(ctx, q+` ORDER BY seq LIMIT $2`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.IncidentAudit{}
	for rows.Next() {
		var a store.IncidentAudit
		var inc, evs string
		if err := rows.Scan(&a.Seq, &a.Op, &a.Actor, &a.At, &inc, &evs, &a.Reason, &a.Reverts); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
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
