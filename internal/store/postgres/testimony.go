package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// AddTestimony implements store.Testimonies: the testimony, its links and
// sealed fields in one transaction. This store keeps no ledger yet; when
// it does, the testimony's leaf (vault.TestimonyRecord) joins this
// transaction as it does in package sqlite.
func (s *Store) AddTestimony(ctx context.Context, t *store.Testimony, actor string) (err error) {
	if err := store.PrepareTestimony(t, time.Now()); err != nil {
		return err
	}
	defer errs.Wrap(&err, "postgres: AddTestimony(%s)", t.ID)
	docs, err := json.Marshal(orEmpty(t.DocumentIDs))
	if err != nil {
		return err
	}
	evs, err := json.Marshal(orEmpty(t.EventIDs))
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO testimonies (id, statement, lang, sensitive, country, admin1, admin2,
			taken_on, notes, documents, events, key_id, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			t.ID, t.Statement, t.Lang, t.Sensitive, t.Country, t.Admin1, t.Admin2, t.TakenOn, t.Notes, string(docs), string(evs),
			t.KeyID, t.CreatedBy, t.CreatedAt, t.UpdatedAt); err != nil {
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
				if _, err := tx.Exec(ctx, `INSERT INTO testimony_links (testimony_id, kind, target_id) VALUES ($1, $2, $3)
					ON CONFLICT DO NOTHING`, t.ID, l.kind, id); err != nil {
					return err
				}
			}
		}
		for _, f := range t.Protected {
			var ix *string
			if f.Index != "" {
				ix = &f.Index
			}
			if _, err := tx.Exec(ctx, `INSERT INTO testimony_fields (testimony_id, name, ciphertext, blind_index) VALUES ($1, $2, $3, $4)`,
				t.ID, f.Name, f.Ciphertext, ix); err != nil {
				return err
			}
		}
		return nil
	})
	return classify(err)
}

// orEmpty returns s, or an empty slice for nil, so it encodes as [].
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const testimonyCols = `id, statement, lang, sensitive, country, admin1, admin2, taken_on, notes, documents, events,
	key_id, created_by, created_at, updated_at`

// querier is what the pool and a transaction share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// queryTestimonies reads testimonies and their sealed fields through q.
func queryTestimonies(ctx context.Context, q querier, query string, args ...any) ([]store.Testimony, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	out := []store.Testimony{}
	for rows.Next() {
		var t store.Testimony
		var docs, evs string
		if err := rows.Scan(&t.ID, &t.Statement, &t.Lang, &t.Sensitive, &t.Country, &t.Admin1, &t.Admin2, &t.TakenOn,
			&t.Notes, &docs, &evs, &t.KeyID, &t.CreatedBy, &t.CreatedAt, &t.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(docs), &t.DocumentIDs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("testimony %s: stored links: %w", t.ID, err)
		}
		if err := json.Unmarshal([]byte(evs), &t.EventIDs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("testimony %s: stored links: %w", t.ID, err)
		}
		t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	pos := make(map[string]int, len(out))
	ids := make([]string, len(out))
	for i := range out {
		pos[out[i].ID], ids[i] = i, out[i].ID
	}
	frows, err := q.Query(ctx, `SELECT testimony_id, name, ciphertext, coalesce(blind_index, '') FROM testimony_fields
		WHERE testimony_id = ANY($1) ORDER BY testimony_id, name`, ids)
	if err != nil {
		return nil, classify(err)
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
	return out, classify(frows.Err())
}

// readTestimonies runs queryTestimonies in one read-only snapshot.
func (s *Store) readTestimonies(ctx context.Context, query string, args ...any) (out []store.Testimony, err error) {
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		out, err = queryTestimonies(ctx, tx, query, args...)
		return err
	})
	return out, classify(err)
}

// GetTestimony implements store.Testimonies.
func (s *Store) GetTestimony(ctx context.Context, id string) (_ *store.Testimony, err error) {
	defer errs.Wrap(&err, "postgres: GetTestimony(%s)", id)
	ts, err := s.readTestimonies(ctx, `SELECT `+testimonyCols+` FROM testimonies WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errs.E(errs.NotFound, "no testimony %q", id)
	}
	return &ts[0], nil
}

// ListTestimonies implements store.Testimonies.
func (s *Store) ListTestimonies(ctx context.Context, f store.TestimonyFilter) (_ []store.Testimony, err error) {
	defer errs.Wrap(&err, "postgres: ListTestimonies")
	if f, err = f.Normalize(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Index != "" {
		where = append(where, `id IN (SELECT testimony_id FROM testimony_fields WHERE name = `+arg(f.Field)+` AND blind_index = `+arg(f.Index)+`)`)
	}
	if f.EventID != "" {
		where = append(where, `id IN (SELECT testimony_id FROM testimony_links WHERE kind = 'event' AND target_id = `+arg(f.EventID)+`)`)
	}
	if f.DocumentID != "" {
		where = append(where, `id IN (SELECT testimony_id FROM testimony_links WHERE kind = 'document' AND target_id = `+arg(f.DocumentID)+`)`)
	}
	q := `SELECT ` + testimonyCols + ` FROM testimonies`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY created_at DESC, id LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(f.Offset)
	return s.readTestimonies(ctx, q, args...)
}

// TestimoniesToRewrap implements store.Testimonies.
func (s *Store) TestimoniesToRewrap(ctx context.Context, keyID string, limit int) (_ []store.Testimony, err error) {
	defer errs.Wrap(&err, "postgres: TestimoniesToRewrap")
	if limit <= 0 || limit > store.MaxLimit {
		return nil, errs.E(errs.Invalid, "limit %d out of 1..%d", limit, store.MaxLimit)
	}
	return s.readTestimonies(ctx, `SELECT `+testimonyCols+` FROM testimonies
		WHERE key_id <> $1 AND id IN (SELECT testimony_id FROM testimony_fields) ORDER BY id LIMIT $2`, keyID, limit)
}

// RewrapTestimonies implements store.Testimonies.
func (s *Store) RewrapTestimonies(ctx context.Context, ts []store.Testimony, prevKeyID []string, actor string) (err error) {
	defer errs.Wrap(&err, "postgres: RewrapTestimonies")
	if len(ts) != len(prevKeyID) {
		return errs.E(errs.Invalid, "%d testimonies but %d previous key IDs", len(ts), len(prevKeyID))
	}
	now := store.Timestamp(time.Now())
	return classify(s.write(ctx, func(tx pgx.Tx) error {
		for i := range ts {
			in := &ts[i]
			var keyID string
			err := tx.QueryRow(ctx, `SELECT key_id FROM testimonies WHERE id = $1 FOR UPDATE`, in.ID).Scan(&keyID)
			if err != nil {
				return noRows(err, "no testimony %q", in.ID)
			}
			if keyID != prevKeyID[i] {
				return errs.E(errs.Conflict, "testimony %s was re-wrapped meanwhile (key %s, not %s)", in.ID, keyID, prevKeyID[i])
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM testimony_fields WHERE testimony_id = $1`, in.ID).Scan(&n); err != nil {
				return err
			}
			if in.KeyID == "" || len(in.Protected) != n {
				return errs.E(errs.Invalid, "testimony %s: re-wrap needs a key ID and every protected field", in.ID)
			}
			for _, f := range in.Protected {
				if len(f.Ciphertext) == 0 || len(f.Ciphertext) > store.MaxSealedSize {
					return errs.E(errs.Invalid, "testimony %s: re-wrapped field %q has a bad ciphertext", in.ID, f.Name)
				}
				tag, err := tx.Exec(ctx, `UPDATE testimony_fields SET ciphertext = $1 WHERE testimony_id = $2 AND name = $3`, f.Ciphertext, in.ID, f.Name)
				if err != nil {
					return err
				}
				if tag.RowsAffected() != 1 {
					return errs.E(errs.Invalid, "testimony %s has no protected field %q", in.ID, f.Name)
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE testimonies SET key_id = $1, updated_at = $2 WHERE id = $3`, in.KeyID, now, in.ID); err != nil {
				return err
			}
		}
		return nil
	}))
}
