package ledger

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Append computes what a store writes to append leaves (encoded leaves,
// Leaf.Encode) to a log of n leaves: the stored hashes, in tlog's
// numbering, that go at tlog.StoredHashIndex(0, n) onwards, in order.
//
// r reads the log's existing stored hashes; Append asks it only for
// hashes below tlog.StoredHashIndex(0, n), at most once per call, and
// serves the rest from what it computes. A store calls Append inside the
// transaction that makes the change and holds the log's write lock, so n
// cannot move under it.
func Append(n int64, leaves [][]byte, r tlog.HashReader) ([]tlog.Hash, error) {
	if len(leaves) == 0 {
		return nil, nil
	}
	start := tlog.StoredHashIndex(0, n)
	var out []tlog.Hash
	// The leaves of a batch only ever need hashes of complete subtrees to
	// their left: the frontier of the n-leaf tree, read once, or hashes
	// computed in this batch.
	frontier, err := readFrontier(n, r)
	if err != nil {
		return nil, err
	}
	mem := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		hs := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			switch {
			case x >= start && x-start < int64(len(out)):
				hs[i] = out[x-start]
			default:
				h, ok := frontier[x]
				if !ok {
					return nil, fmt.Errorf("ledger: stored hash %d was not read", x)
				}
				hs[i] = h
			}
		}
		return hs, nil
	})
	for i, leaf := range leaves {
		hs, err := tlog.StoredHashes(n+int64(i), leaf, mem)
		if err != nil {
			return nil, fmt.Errorf("ledger: hashing leaf %d: %w", n+int64(i), err)
		}
		out = append(out, hs...)
	}
	return out, nil
}

// readFrontier reads the hashes of the complete subtrees that make up a
// tree of n leaves, keyed by stored-hash index.
func readFrontier(n int64, r tlog.HashReader) (map[int64]tlog.Hash, error) {
	var indexes []int64
	for level := 0; n>>level > 0; level++ {
		if (n>>level)&1 == 1 {
			// The subtree at this level covering leaves just left of the
			// ones already counted at higher levels.
			indexes = append(indexes, tlog.StoredHashIndex(level, (n>>level)-1))
		}
	}
	out := make(map[int64]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	hs, err := r.ReadHashes(indexes)
	if err != nil {
		return nil, fmt.Errorf("ledger: reading the tree's frontier: %w", err)
	}
	if len(hs) != len(indexes) {
		return nil, fmt.Errorf("ledger: read %d frontier hashes, want %d", len(hs), len(indexes))
	}
	for i, x := range indexes {
		out[x] = hs[i]
	}
	return out, nil
}
