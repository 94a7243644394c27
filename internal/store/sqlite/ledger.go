package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

// pendingLeaf is a leaf to append, encoded, with its record's field digests.
type pendingLeaf struct {
	kind, id     string
	data, fields []byte
}

func newPendingLeaf(rec ledger.Record, actor string, t time.Time) (pendingLeaf, error) {
	data, err := rec.Leaf(ledger.OpCreate, actor, t).Encode()
	if err != nil {
		return pendingLeaf{}, err
	}
	return pendingLeaf{kind: rec.Kind, id: rec.ID, data: data, fields: rec.Fields}, nil
}

// appendLeaves appends leaves to the ledger inside tx, which holds the
// write lock: the leaf rows and their stored hashes, each set in one
// statement.
func appendLeaves(ctx context.Context, tx *sql.Tx, leaves []pendingLeaf) error {
	if len(leaves) == 0 {
		return nil
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves`).Scan(&n); err != nil {
		return err
	}
	data := make([][]byte, len(leaves))
	for i, l := range leaves {
		data[i] = l.data
	}
	hashes, err := ledger.Append(n, data, hashReader(ctx, tx))
	if err != nil {
		return err
	}

	var q strings.Builder
	args := make([]any, 0, 5*len(leaves))
	q.WriteString(`INSERT INTO ledger_leaves (idx, kind, record_id, leaf, fields) VALUES `)
	for i, l := range leaves {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, n+int64(i), l.kind, l.id, l.data, l.fields)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return err
	}

	q.Reset()
	args = args[:0]
	start := tlog.StoredHashIndex(0, n)
	q.WriteString(`INSERT INTO ledger_hashes (id, hash) VALUES `)
	for i, h := range hashes {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?)")
		args = append(args, start+int64(i), h[:])
	}
	_, err = tx.ExecContext(ctx, q.String(), args...)
	return err
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// hashReader reads stored hashes through q.
func hashReader(ctx context.Context, q querier) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return readHashes(ctx, q, indexes)
	})
}

func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	pos := make(map[int64][]int, len(indexes))
	args := make([]any, 0, len(indexes))
	for i, x := range indexes {
		if _, ok := pos[x]; !ok {
			args = append(args, x)
		}
		pos[x] = append(pos[x], i)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, hash FROM ledger_hashes WHERE id IN (?`+
		strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var id int64
		var h []byte
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		if len(h) != tlog.HashSize {
			return nil, errs.E(errs.Invalid, "stored hash %d has %d bytes", id, len(h))
		}
		for _, i := range pos[id] {
			copy(out[i][:], h)
		}
		found++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if found != len(args) {
		return nil, errs.E(errs.NotFound, "%d of %d stored hashes are missing", len(args)-found, len(args))
	}
	return out, nil
}

// LedgerSize implements store.Ledger.
func (s *Store) LedgerSize(ctx context.Context) (n int64, err error) {
	defer errs.Wrap(&err, "sqlite: LedgerSize")
	err = s.r.QueryRowContext(ctx, `SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves`).Scan(&n)
	return n, err
}

// LedgerLeaves implements store.Ledger.
func (s *Store) LedgerLeaves(ctx context.Context, start, end int64) (_ []store.LedgerLeaf, err error) {
	defer errs.Wrap(&err, "sqlite: LedgerLeaves(%d, %d)", start, end)
	if start < 0 || end < start {
		return nil, errs.E(errs.Invalid, "bad leaf range")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT idx, kind, record_id, leaf, fields FROM ledger_leaves
		WHERE idx >= ? AND idx < ? ORDER BY idx`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.LedgerLeaf
	for rows.Next() {
		var l store.LedgerLeaf
		if err := rows.Scan(&l.Index, &l.Kind, &l.RecordID, &l.Data, &l.Fields); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LedgerHashes implements store.Ledger.
func (s *Store) LedgerHashes(ctx context.Context, indexes []int64) (_ []tlog.Hash, err error) {
	defer errs.Wrap(&err, "sqlite: LedgerHashes")
	const batch = 500 // stay far below SQLite's limit on parameters
	out := make([]tlog.Hash, 0, len(indexes))
	for len(indexes) > 0 {
		k := min(batch, len(indexes))
		hs, err := readHashes(ctx, s.r, indexes[:k])
		if err != nil {
			return nil, err
		}
		out = append(out, hs...)
		indexes = indexes[k:]
	}
	return out, nil
}

// LedgerLeafIndexes implements store.Ledger.
func (s *Store) LedgerLeafIndexes(ctx context.Context, kind, id string) (_ []int64, err error) {
	defer errs.Wrap(&err, "sqlite: LedgerLeafIndexes(%s, %s)", kind, id)
	rows, err := s.r.QueryContext(ctx, `SELECT idx FROM ledger_leaves WHERE kind = ? AND record_id = ? ORDER BY idx`, kind, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// AddCheckpoint implements store.Ledger.
func (s *Store) AddCheckpoint(ctx context.Context, size int64, signed []byte) (err error) {
	defer errs.Wrap(&err, "sqlite: AddCheckpoint(%d)", size)
	if size < 0 || len(signed) == 0 || len(signed) > ledger.MaxCheckpointSize {
		return errs.E(errs.Invalid, "bad checkpoint: size %d, %d bytes", size, len(signed))
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO ledger_checkpoints (size, signed, created_at) VALUES (?, ?, ?)`,
		size, signed, formatTime(time.Now()))
	return classify(err)
}

// Checkpoints implements store.Ledger.
func (s *Store) Checkpoints(ctx context.Context) (_ []store.StoredCheckpoint, err error) {
	defer errs.Wrap(&err, "sqlite: Checkpoints")
	rows, err := s.r.QueryContext(ctx, `SELECT size, signed, created_at FROM ledger_checkpoints ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.StoredCheckpoint
	for rows.Next() {
		var c store.StoredCheckpoint
		var created string
		if err := rows.Scan(&c.Size, &c.Signed, &created); err != nil {
			return nil, err
		}
		if c.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
