package ledger

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// storeHashes reads a store's stored hashes as a tlog.HashReader.
func storeHashes(ctx context.Context, src store.Ledger) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return src.LedgerHashes(ctx, indexes)
	})
}

// LatestCheckpoint returns the largest stored checkpoint whose signature
// verifies with v and the signed note, or errs.NotFound when there is
// none. A stored checkpoint that fails to verify is an error: something
// is wrong, and Verify says what.
func LatestCheckpoint(ctx context.Context, src store.Ledger, v note.Verifier) (c Checkpoint, signed []byte, err error) {
	cps, err := src.Checkpoints(ctx)
	if err != nil {
		return c, nil, err
	}
	found := false
	for i, sc := range cps {
		got, err := OpenCheckpoint(sc.Signed, v)
		if err != nil {
			return c, nil, fmt.Errorf("stored checkpoint %d: %w (run vigil verify)", i+1, err)
		}
		if !found || got.Size >= c.Size {
			c, signed, found = got, sc.Signed, true
		}
	}
	if !found {
		return c, nil, errs.E(errs.NotFound, "no signed checkpoint")
	}
	return c, signed, nil
}

// Issue signs a checkpoint of the whole log with k and stores it, unless
// the latest stored checkpoint already covers every leaf (then that one is
// returned). Before signing it checks that the new tree extends the latest
// checkpoint: the leaves appended since are hashed again and compared with
// the stored hashes, and the stored hashes of the older part must give the
// older signed root. So Issue never signs over a rewritten past; it reads
// only the leaves appended since the last checkpoint.
//
// Ingestion calls Issue after each batch; `vigil verify --checkpoint`
// after a full verification.
func Issue(ctx context.Context, src store.Ledger, k *Key) (_ Checkpoint, signed []byte, err error) {
	defer errs.Wrap(&err, "ledger.Issue")
	prev, prevSigned, err := LatestCheckpoint(ctx, src, k.Verifier)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return Checkpoint{}, nil, err
	}
	size, err := src.LedgerSize(ctx)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if prevSigned != nil && size == prev.Size {
		return prev, prevSigned, nil
	}
	if size < prev.Size {
		return Checkpoint{}, nil, fmt.Errorf("the log holds %d leaves but the latest checkpoint covers %d (run vigil verify)", size, prev.Size)
	}
	db := storeHashes(ctx, src)
	if prev.Size > 0 {
		h, err := tlog.TreeHash(prev.Size, db)
		if err != nil {
			return Checkpoint{}, nil, err
		}
		if h != prev.Hash {
			return Checkpoint{}, nil, fmt.Errorf("the stored hashes no longer give the root of the checkpoint of size %d (run vigil verify)", prev.Size)
		}
	}
	if err := checkTail(ctx, src, db, prev.Size, size); err != nil {
		return Checkpoint{}, nil, err
	}
	c := Checkpoint{Origin: k.Name(), Size: size}
	if c.Hash, err = tlog.TreeHash(size, db); err != nil {
		return Checkpoint{}, nil, err
	}
	if signed, err = c.Sign(k); err != nil {
		return Checkpoint{}, nil, err
	}
	if err := src.AddCheckpoint(ctx, size, signed); err != nil {
		return Checkpoint{}, nil, err
	}
	return c, signed, nil
}

// checkTail hashes leaves [from, to) again and compares what they give with
// the stored hashes.
func checkTail(ctx context.Context, src store.Ledger, db tlog.HashReader, from, to int64) error {
	var data [][]byte
	for next := from; next < to; {
		page, err := src.LedgerLeaves(ctx, next, min(to, next+pageSize))
		if err != nil {
			return err
		}
		for _, l := range page {
			if l.Index != next {
				return fmt.Errorf("ledger leaf %d is missing (run vigil verify)", next)
			}
			if _, err := ParseLeaf(l.Data); err != nil {
				return fmt.Errorf("ledger leaf %d: %w (run vigil verify)", l.Index, err)
			}
			data = append(data, l.Data)
			next++
		}
		if len(page) == 0 {
			return fmt.Errorf("ledger leaf %d is missing (run vigil verify)", next)
		}
	}
	want, err := Append(from, data, db)
	if err != nil {
		return err
	}
	lo := tlog.StoredHashIndex(0, from)
	indexes := make([]int64, len(want))
	for i := range indexes {
		indexes[i] = lo + int64(i)
	}
	got, err := src.LedgerHashes(ctx, indexes)
	if err != nil {
		return err
	}
	for i := range want {
		if got[i] != want[i] {
			return fmt.Errorf("stored hash %d does not match the leaves (run vigil verify)", indexes[i])
		}
	}
	return nil
}

// Consistency proves that the log only grew since an older signed
// checkpoint: it checks old's signature with v and a consistency proof
// (RFC 6962) between it and the latest stored checkpoint, and returns both
// and the proof. Errors are of kind errs.Invalid when the log does not
// extend old.
func Consistency(ctx context.Context, src store.Ledger, old []byte, v note.Verifier) (oldC, cur Checkpoint, proof tlog.TreeProof, err error) {
	defer errs.Wrap(&err, "ledger.Consistency")
	if oldC, err = OpenCheckpoint(old, v); err != nil {
		return oldC, cur, nil, fmt.Errorf("older checkpoint: %w", err)
	}
	if cur, _, err = LatestCheckpoint(ctx, src, v); err != nil {
		return oldC, cur, nil, err
	}
	if oldC.Size > cur.Size {
		return oldC, cur, nil, errs.E(errs.Invalid, "the older checkpoint covers %d leaves but the latest covers only %d: the log shrank", oldC.Size, cur.Size)
	}
	if oldC.Size == 0 {
		return oldC, cur, nil, nil // every log extends the empty one
	}
	proof, err = tlog.ProveTree(cur.Size, oldC.Size, storeHashes(ctx, src))
	if err != nil {
		return oldC, cur, nil, errs.E(errs.Invalid, "no consistency proof from size %d to %d: %v", oldC.Size, cur.Size, err)
	}
	if err := tlog.CheckTree(proof, cur.Size, cur.Hash, oldC.Size, oldC.Hash); err != nil {
		return oldC, cur, nil, errs.E(errs.Invalid, "the log of size %d does not extend the older checkpoint of size %d: it was rewritten", cur.Size, oldC.Size)
	}
	return oldC, cur, proof, nil
}
