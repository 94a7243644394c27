package ledger

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// Problem is one discrepancy verification found.
type Problem struct {
	Subject string // what it is about: "document 3fa9...", "ledger leaf 12", "checkpoint 2 (size 40)"
	What    string // what differs, in words
}

func (p Problem) String() string { return p.Subject + ": " + p.What }

// Result is what Verify found.
type Result struct {
	Problems  []Problem
	Notes     []string // facts worth saying that are not failures
	Leaves    int64    // leaves in the log
	Records   int      // records checked against the log
	Documents int      // documents whose bytes were checked
	// Tree is the tree recomputed from the leaves (Origin left empty).
	Tree Checkpoint
	// Latest is the largest stored checkpoint that verified, if any.
	Latest *Checkpoint
}

// OK reports whether everything held.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

func (r *Result) problem(subject, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{subject, fmt.Sprintf(format, args...)})
}

// Options configure Verify.
type Options struct {
	// Blobs holds the documents' original bytes; nil skips checking them.
	Blobs blob.Store
	// Verifier checks the checkpoints' signatures; nil makes every stored
	// checkpoint a problem, as it cannot be checked.
	Verifier note.Verifier
	// Log receives progress; nil logs nothing.
	Log *slog.Logger
}

// pageSize is how many leaves Verify reads at a time.
const pageSize = 1000

// memTree is a tree's stored hashes held in memory.
type memTree struct {
	n      int64
	hashes []tlog.Hash
}

func (m *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("ledger: stored hash %d not computed", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memTree) add(leaf []byte) error {
	hs, err := tlog.StoredHashes(m.n, leaf, m)
	if err != nil {
		return err
	}
	m.hashes = append(m.hashes, hs...)
	m.n++
	return nil
}

// logged is what the log says about one record: its newest leaf.
type logged struct {
	index  int64
	leaf   Leaf
	fields []byte // the leaf's field digests, when they match its SHA256
	seen   bool
}

// Verify checks a store against its ledger and reports every discrepancy:
//   - each leaf parses, is indexed under its own record, and its field
//     digests match it; the stored hashes match the ones recomputed from
//     the leaves;
//   - every stored checkpoint is signed by opts.Verifier and its root is
//     the root recomputed from the leaves;
//   - every record rebuilt from the store's rows has the digest of its
//     newest leaf (naming the fields that differ), every leaf's record is
//     still stored, and the rows agree with each other;
//   - every document's original bytes are in opts.Blobs and hash to its ID.
//
// An error is returned only when verification could not run (the store is
// unreachable); what it finds is in the Result.
func Verify(ctx context.Context, src store.Ledger, opts Options) (_ *Result, err error) {
	defer errs.Wrap(&err, "ledger.Verify")
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := &Result{}
	size, err := src.LedgerSize(ctx)
	if err != nil {
		return nil, err
	}
	res.Leaves = size
	tree := &memTree{}
	records := map[string]*logged{}
	start := time.Now()
	last := start
	for next := int64(0); next < size; {
		page, err := src.LedgerLeaves(ctx, next, next+pageSize)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			res.problem(fmt.Sprintf("ledger leaves %d..%d", next, size-1), "missing (deleted from the log)")
			break
		}
		for _, l := range page {
			if l.Index != tree.n {
				res.problem(fmt.Sprintf("ledger leaves %d..%d", tree.n, l.Index-1), "missing (deleted from the log)")
				// Carry on with the rest so later records are still
				// checked; the tree no longer matches any checkpoint.
			}
			if err := tree.add(l.Data); err != nil {
				return nil, err
			}
			checkLeaf(res, l, records)
		}
		next = page[len(page)-1].Index + 1
		if err := compareHashes(ctx, src, res, tree, page[0].Index, next); err != nil {
			return nil, err
		}
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			log.Info("verify: reading the ledger", "leaves", next, "of", size)
		}
	}
	res.Tree = Checkpoint{Size: tree.n}
	if res.Tree.Hash, err = tlog.TreeHash(tree.n, tree); err != nil {
		return nil, err
	}

	if err := checkCheckpoints(ctx, src, res, tree, opts.Verifier); err != nil {
		return nil, err
	}

	err = src.LedgerRecords(ctx, func(rec store.LedgerRecord) error {
		checkRecord(ctx, res, rec, records, opts.Blobs)
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			log.Info("verify: checking records", "records", res.Records, "documents", res.Documents)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	// Records the log names but the store lacks, in log order.
	var missing []*logged
	for _, lg := range records {
		if !lg.seen && lg.leaf.Op != OpDeleteRequest {
			missing = append(missing, lg)
		}
	}
	slices.SortFunc(missing, func(a, b *logged) int { return cmp.Compare(a.index, b.index) })
	for _, lg := range missing {
		res.problem(lg.leaf.Kind+" "+lg.leaf.ID, "logged by ledger leaf %d but missing from the store (deleted outside Vigil)", lg.index)
	}
	log.Debug("verify done", "leaves", res.Leaves, "records", res.Records, "problems", len(res.Problems), "seconds", time.Since(start).Seconds())
	return res, nil
}

func recordKey(kind, id string) string { return kind + "\x00" + id }

// checkLeaf checks one leaf on its own and records what it logs.
func checkLeaf(res *Result, l store.LedgerLeaf, records map[string]*logged) {
	subject := fmt.Sprintf("ledger leaf %d", l.Index)
	leaf, err := ParseLeaf(l.Data)
	if err != nil {
		res.problem(subject, "%v", err)
		return
	}
	if l.Kind != leaf.Kind || l.RecordID != leaf.ID {
		res.problem(subject, "indexed under %s %s but logs %s %s (ledger_leaves.kind or record_id changed)", l.Kind, l.RecordID, leaf.Kind, leaf.ID)
	}
	lg := &logged{index: l.Index, leaf: leaf}
	if leaf.SHA256 != "" {
		if FieldsDigest(l.Fields) == leaf.SHA256 {
			lg.fields = l.Fields
		} else {
			res.problem(subject, "its field digests do not hash to its sha256 (ledger_leaves.fields changed)")
		}
	}
	records[recordKey(leaf.Kind, leaf.ID)] = lg
}

// compareHashes compares the store's stored hashes for leaves [from, to)
// with the recomputed ones.
func compareHashes(ctx context.Context, src store.Ledger, res *Result, tree *memTree, from, to int64) error {
	lo, hi := tlog.StoredHashIndex(0, from), tlog.StoredHashIndex(0, to)
	if hi > int64(len(tree.hashes)) {
		hi = int64(len(tree.hashes))
	}
	indexes := make([]int64, 0, hi-lo)
	for x := lo; x < hi; x++ {
		indexes = append(indexes, x)
	}
	stored, err := src.LedgerHashes(ctx, indexes)
	if errs.Is(err, errs.NotFound) {
		res.problem(fmt.Sprintf("ledger hashes for leaves %d..%d", from, to-1), "some are missing (ledger_hashes rows deleted)")
		return nil
	}
	if err != nil {
		return err
	}
	bad := 0
	first := int64(-1)
	for i, h := range stored {
		if h == tree.hashes[indexes[i]] {
			continue
		}
		if level, n := tlog.SplitStoredHashIndex(indexes[i]); level == 0 {
			res.problem(fmt.Sprintf("ledger leaf %d", n), "its bytes differ from the ones appended (its hash is not the stored one)")
			continue
		}
		bad++
		if first < 0 {
			first = indexes[i]
		}
	}
	if bad > 0 {
		res.problem(fmt.Sprintf("ledger hashes for leaves %d..%d", from, to-1), "%d stored interior hashes differ from the ones the leaves give, the first at stored index %d", bad, first)
	}
	return nil
}

// checkCheckpoints checks every stored checkpoint against the recomputed
// tree.
func checkCheckpoints(ctx context.Context, src store.Ledger, res *Result, tree *memTree, v note.Verifier) error {
	cps, err := src.Checkpoints(ctx)
	if err != nil {
		return err
	}
	for i, sc := range cps {
		subject := fmt.Sprintf("checkpoint %d (size %d)", i+1, sc.Size)
		if v == nil {
			res.problem(subject, "cannot be checked: no verifier key")
			continue
		}
		c, err := OpenCheckpoint(sc.Signed, v)
		if err != nil {
			res.problem(subject, "%v", err)
			continue
		}
		if c.Size != sc.Size {
			res.problem(subject, "the signed checkpoint is for size %d (ledger_checkpoints.size changed)", c.Size)
		}
		if c.Size > tree.n {
			res.problem(subject, "covers %d leaves but the log holds %d (leaves were deleted)", c.Size, tree.n)
			continue
		}
		h, err := tlog.TreeHash(c.Size, tree)
		if err != nil {
			return err
		}
		if h != c.Hash {
			res.problem(subject, "the first %d leaves do not hash to its signed root (a leaf was changed, inserted or removed)", c.Size)
			continue
		}
		if res.Latest == nil || c.Size >= res.Latest.Size {
			res.Latest = &c
		}
	}
	switch {
	case tree.n == 0:
	case res.Latest == nil && len(cps) == 0:
		res.Notes = append(res.Notes, fmt.Sprintf("no signed checkpoint yet: the %d leaves were checked against the records, not against a signature (vigil verify --checkpoint signs one)", tree.n))
	case res.Latest != nil && res.Latest.Size < tree.n:
		res.Notes = append(res.Notes, fmt.Sprintf("leaves %d..%d are newer than the latest signed checkpoint", res.Latest.Size, tree.n-1))
	}
	return nil
}

// checkRecord checks one record rebuilt from the store against the log.
func checkRecord(ctx context.Context, res *Result, rec store.LedgerRecord, records map[string]*logged, blobs blob.Store) {
	subject := rec.Kind + " " + rec.ID
	for _, p := range rec.Problems {
		res.problem(subject, "%s", p)
	}
	switch rec.Kind {
	case KindDocument, KindReport, KindEvent, store.KindTestimony, store.KindIncident:
	default:
		return // a stray row, reported through its Problems
	}
	res.Records++
	lg := records[recordKey(rec.Kind, rec.ID)]
	if lg == nil {
		res.problem(subject, "no ledger leaf logs it (added outside Vigil)")
	} else {
		lg.seen = true
		switch {
		case lg.leaf.Op == OpDeleteRequest:
			res.problem(subject, "ledger leaf %d asks for its deletion but it is still stored", lg.index)
		case rec.SHA256 == "":
			// Could not be rebuilt; its Problems say why.
		case rec.SHA256 != lg.leaf.SHA256:
			res.problem(subject, "%s", describeChange(lg, rec))
		}
	}
	if rec.Kind == KindDocument && blobs != nil {
		res.Documents++
		if _, err := blobs.Get(ctx, rec.ID); errs.Is(err, errs.NotFound) {
			res.problem(subject, "its original bytes are missing from the document store")
		} else if err != nil && errs.KindOf(err) == errs.Other && strings.Contains(err.Error(), "hashes to") {
			res.problem(subject, "its original bytes in the document store no longer hash to its ID (changed or corrupt)")
		} else if err != nil {
			res.problem(subject, "its original bytes cannot be read: %v", err)
		}
	}
}

// describeChange says which fields of a record differ from its leaf.
func describeChange(lg *logged, rec store.LedgerRecord) string {
	if lg.fields != nil {
		if diff, err := DiffFields(lg.fields, rec.Fields); err == nil && len(diff) > 0 {
			return fmt.Sprintf("differs from ledger leaf %d in %s", lg.index, strings.Join(diff, ", "))
		}
	}
	return fmt.Sprintf("differs from ledger leaf %d: its content hashes to %s, the leaf logs %s", lg.index, rec.SHA256, lg.leaf.SHA256)
}
