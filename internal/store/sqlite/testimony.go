package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
)

// testimonyLeaf builds the leaf that logs op on t.
func testimonyLeaf(t *store.Testimony, op, actor, note string, at time.Time) (pendingLeaf, error) {
	rec, err := vault.TestimonyRecord(t)
	if err != nil {
		return pendingLeaf{}, err
	}
	l := rec.Leaf(op, actor, at)
	l.Note = note
	data, err := l.Encode()
	if err != nil {
		return pendingLeaf{}, err
	}
	return pendingLeaf{kind: rec.Kind, id: rec.ID, data: data, fields: rec.Fields}, nil
}

// AddTestimony implements store.Testimonies: the testimony, its links and
// sealed fields, and its ledger leaf, in one transaction.
func (s *Store) AddTestimony(ctx context.Context, t *store.Testimony, actor string) (err error) {
	defer func() { err = classify(err) }()
	if err := store.PrepareTestimony(t, time.Now()); err != nil {
		return err
	}
	defer errs.Wrap(&err, "sqlite: AddTestimony(%s)", t.ID)
	var leaf pendingLeaf
	if !s.skipLedger {
		if leaf, err = testimonyLeaf(t, ledger.OpCreate, actor, "", t.CreatedAt); err != nil {
			return err
		}
	}
	docs, evs, err := linksJSON(t)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO testimonies (id, statement, lang, sensitive, country, admin1, admin2,
		taken_on, notes, documents, events, key_id, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Statement, t.Lang, t.Sensitive, t.Country, t.Admin1, t.Admin2, t.TakenOn, t.Notes, docs, evs,
		t.KeyID, t.CreatedBy, formatTime(t.CreatedAt), formatTime(t.UpdatedAt)); err != nil {
		if errs.Is(classify(err), errs.Conflict) {
			return errs.E(errs.Conflict, "testimony ID %s is taken", t.ID)
		}
		return err
	}
	for _, l := range []struct {
		kind string
		ids  []string
	}{{"document", t.DocumentIDs}, {"event", t.EventIDs}} {
		for _, id := range l.ids {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO testimony_links (testimony_id, kind, target_id) VALUES (?, ?, ?)`,
				t.ID, l.kind, id); err != nil {
				return err
			}
		}
	}
	for _, f := range t.Protected {
		if _, err := tx.ExecContext(ctx, `INSERT INTO testimony_fields (testimony_id, name, ciphertext, blind_index) VALUES (?, ?, ?, ?)`,
			t.ID, f.Name, f.Ciphertext, sql.NullString{String: f.Index, Valid: f.Index != ""}); err != nil {
			return err
		}
	}
	if !s.skipLedger {
		if err := appendLeaves(ctx, tx, []pendingLeaf{leaf}); err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
	}
	return tx.Commit()
}

func linksJSON(t *store.Testimony) (docs, evs string, err error) {
	d, err := json.Marshal(nonNil(t.DocumentIDs))
	if err != nil {
		return "", "", err
	}
	e, err := json.Marshal(nonNil(t.EventIDs))
	return string(d), string(e), err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const testimonyCols = `id, statement, lang, sensitive, country, admin1, admin2, taken_on, notes, documents, events,
	key_id, created_by, created_at, updated_at`

// scanTestimonies reads testimony rows, then their sealed fields.
func scanTestimonies(ctx context.Context, q querier, rows *sql.Rows) ([]store.Testimony, error) {
	var out []store.Testimony
	for rows.Next() {
		var t store.Testimony
		var docs, evs, created, updated string
		if err := rows.Scan(&t.ID, &t.Statement, &t.Lang, &t.Sensitive, &t.Country, &t.Admin1, &t.Admin2, &t.TakenOn,
			&t.Notes, &docs, &evs, &t.KeyID, &t.CreatedBy, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		var err error
		if err = json.Unmarshal([]byte(docs), &t.DocumentIDs); err == nil {
			err = json.Unmarshal([]byte(evs), &t.EventIDs)
		}
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("testimony %s: stored links: %w", t.ID, err)
		}
		if t.CreatedAt, err = parseTime(created); err == nil {
			t.UpdatedAt, err = parseTime(updated)
		}
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return []store.Testimony{}, nil
	}
	pos := make(map[string]int, len(out))
	args := make([]any, len(out))
	for i := range out {
		pos[out[i].ID] = i
		args[i] = out[i].ID
	}
	frows, err := q.QueryContext(ctx, `SELECT testimony_id, name, ciphertext, coalesce(blind_index, '') FROM testimony_fields
		WHERE testimony_id IN (?`+strings.Repeat(", ?", len(args)-1)+`) ORDER BY testimony_id, name`, args...)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	for frows.Next() {
		var id string
		var f store.SealedField
		if err := frows.Scan(&id, &f.Name, &f.Ciphertext, &f.Index); err != nil {
			return nil, err
		}
		t := &out[pos[id]]
		t.Protected = append(t.Protected, f)
	}
	return out, frows.Err()
}

// GetTestimony implements store.Testimonies.
func (s *Store) GetTestimony(ctx context.Context, id string) (_ *store.Testimony, err error) {
	defer errs.Wrap(&err, "sqlite: GetTestimony(%s)", id)
	ts, err := s.queryTestimonies(ctx, s.r, `SELECT `+testimonyCols+` FROM testimonies WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errs.E(errs.NotFound, "no testimony %q", id)
	}
	return &ts[0], nil
}

// queryTestimonies runs query in a read transaction (one snapshot for the
// rows and their fields) unless q is already a transaction.
func (s *Store) queryTestimonies(ctx context.Context, q querier, query string, args ...any) ([]store.Testimony, error) {
	if db, ok := q.(*sql.DB); ok {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		q = tx
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanTestimonies(ctx, q, rows)
}

// ListTestimonies implements store.Testimonies.
func (s *Store) ListTestimonies(ctx context.Context, f store.TestimonyFilter) (_ []store.Testimony, err error) {
	defer errs.Wrap(&err, "sqlite: ListTestimonies")
	if f, err = f.Normalize(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.Index != "" {
		where = append(where, `id IN (SELECT testimony_id FROM testimony_fields WHERE name = ? AND blind_index = ?)`)
		args = append(args, f.Field, f.Index)
	}
	if f.EventID != "" {
		where = append(where, `id IN (SELECT testimony_id FROM testimony_links WHERE kind = 'event' AND target_id = ?)`)
		args = append(args, f.EventID)
	}
	if f.DocumentID != "" {
		where = append(where, `id IN (SELECT testimony_id FROM testimony_links WHERE kind = 'document' AND target_id = ?)`)
		args = append(args, f.DocumentID)
	}
	q := `SELECT ` + testimonyCols + ` FROM testimonies`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY created_at DESC, id LIMIT ? OFFSET ?`
	args = append(args, f.Limit, f.Offset)
	return s.queryTestimonies(ctx, s.r, q, args...)
}

// TestimoniesToRewrap implements store.Testimonies.
func (s *Store) TestimoniesToRewrap(ctx context.Context, keyID string, limit int) (_ []store.Testimony, err error) {
	defer errs.Wrap(&err, "sqlite: TestimoniesToRewrap")
	if limit <= 0 || limit > store.MaxLimit {
		return nil, errs.E(errs.Invalid, "limit %d out of 1..%d", limit, store.MaxLimit)
	}
	return s.queryTestimonies(ctx, s.r, `SELECT `+testimonyCols+` FROM testimonies
		WHERE key_id <> ? AND id IN (SELECT testimony_id FROM testimony_fields) ORDER BY id LIMIT ?`, keyID, limit)
}

// NoteRewrap is the note of the ledger leaf that logs a re-wrap.
const NoteRewrap = "protected fields re-wrapped to new vault keys"

// RewrapTestimonies implements store.Testimonies.
func (s *Store) RewrapTestimonies(ctx context.Context, ts []store.Testimony, prevKeyID []string, actor string) (err error) {
	defer func() { err = classify(err) }()
	defer errs.Wrap(&err, "sqlite: RewrapTestimonies")
	if len(ts) != len(prevKeyID) {
		return errs.E(errs.Invalid, "%d testimonies but %d previous key IDs", len(ts), len(prevKeyID))
	}
	now := time.Now()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var leaves []pendingLeaf
	for i := range ts {
		in := &ts[i]
		stored, err := s.queryTestimonies(ctx, tx, `SELECT `+testimonyCols+` FROM testimonies WHERE id = ?`, in.ID)
		if err != nil {
			return err
		}
		if len(stored) == 0 {
			return errs.E(errs.NotFound, "no testimony %q", in.ID)
		}
		t := stored[0]
		if t.KeyID != prevKeyID[i] {
			return errs.E(errs.Conflict, "testimony %s was re-wrapped meanwhile (key %s, not %s)", t.ID, t.KeyID, prevKeyID[i])
		}
		if in.KeyID == "" || len(in.Protected) != len(t.Protected) {
			return errs.E(errs.Invalid, "testimony %s: re-wrap needs a key ID and every protected field", t.ID)
		}
		for _, f := range in.Protected {
			sf := t.Field(f.Name)
			if sf == nil || len(f.Ciphertext) == 0 || len(f.Ciphertext) > store.MaxSealedSize {
				return errs.E(errs.Invalid, "testimony %s: re-wrapped field %q is unknown or its ciphertext is bad", t.ID, f.Name)
			}
			sf.Ciphertext = slices.Clone(f.Ciphertext)
			if _, err := tx.ExecContext(ctx, `UPDATE testimony_fields SET ciphertext = ? WHERE testimony_id = ? AND name = ?`,
				f.Ciphertext, t.ID, f.Name); err != nil {
				return err
			}
		}
		t.KeyID, t.UpdatedAt = in.KeyID, store.Timestamp(now)
		if _, err := tx.ExecContext(ctx, `UPDATE testimonies SET key_id = ?, updated_at = ? WHERE id = ?`,
			t.KeyID, formatTime(t.UpdatedAt), t.ID); err != nil {
			return err
		}
		if !s.skipLedger {
			l, err := testimonyLeaf(&t, ledger.OpUpdate, actor, NoteRewrap, now)
			if err != nil {
				return err
			}
			leaves = append(leaves, l)
		}
	}
	if err := appendLeaves(ctx, tx, leaves); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return tx.Commit()
}

// auditTestimonies rebuilds the testimony records that where selects, as
// auditDocuments does for documents, so that store.Ledger.LedgerRecords
// can hand them to ledger.Verify. It names link rows that disagree with a
// testimony's own list of links.
//
// It is not yet called by LedgerRecords: that needs record kind
// store.KindTestimony added to its list and to ledger.Verify's known
// kinds (see docs/adr/0008-witness-protection.md).
func auditTestimonies(ctx context.Context, q querier, where string, args []any) ([]store.LedgerRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+testimonyCols+` FROM testimonies WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	ts, err := scanTestimonies(ctx, q, rows)
	if err != nil {
		return nil, err
	}
	out := make([]store.LedgerRecord, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		r := store.LedgerRecord{Kind: store.KindTestimony, ID: t.ID}
		for _, l := range []struct {
			kind string
			ids  []string
		}{{"document", t.DocumentIDs}, {"event", t.EventIDs}} {
			got, err := strings1(ctx, q, `SELECT target_id FROM testimony_links WHERE testimony_id = ? AND kind = ? ORDER BY target_id`, t.ID, l.kind)
			if err != nil {
				return nil, err
			}
			want := slices.Compact(slices.Sorted(slices.Values(l.ids)))
			if !slices.Equal(got, want) {
				r.Problems = append(r.Problems, fmt.Sprintf("testimony_links rows of kind %s differ from testimonies.%ss", l.kind, l.kind))
			}
		}
		rec, err := vault.TestimonyRecord(t)
		out = append(out, withRecord(r, rec, err))
	}
	return out, nil
}
