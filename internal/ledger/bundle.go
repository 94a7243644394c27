package ledger

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// BundleFormat names the bundle format this package writes and reads.
const BundleFormat = "vigil-bundle/1"

// Limits on what VerifyBundle reads.
const (
	MaxBundleFiles    = 512
	MaxBundleFileSize = 64 << 20  // one file, uncompressed
	MaxBundleSize     = 512 << 20 // all files, uncompressed
)

// Names of the fixed files of a bundle.
const (
	bundleManifest   = "manifest.json"
	bundleReadme     = "README.txt"
	bundleCheckpoint = "checkpoint.txt"
	bundleKey        = "key.txt"
)

// Manifest lists what a bundle holds.
type Manifest struct {
	Format     string           `json:"format"`  // BundleFormat
	Subject    string           `json:"subject"` // KIND:ID of the record the bundle is about
	Checkpoint string           `json:"checkpoint"`
	Key        string           `json:"key"`
	Records    []BundleRecord   `json:"records"`
	Documents  []BundleDocument `json:"documents"`
}

// BundleRecord is one record in a bundle: its content and every leaf that
// logs it, with inclusion proofs against the bundle's checkpoint.
type BundleRecord struct {
	Kind    string       `json:"kind"`
	ID      string       `json:"id"`
	Content string       `json:"content"` // file name
	Leaves  []BundleLeaf `json:"leaves"`  // oldest first
}

// BundleLeaf is one leaf of a record's history.
type BundleLeaf struct {
	Index int64    `json:"index"`
	File  string   `json:"file"`
	Proof []string `json:"proof"` // RFC 6962 inclusion path, base64 hashes, leaf to root
}

// BundleDocument is a document's original bytes.
type BundleDocument struct {
	SHA256 string `json:"sha256"`
	File   string `json:"file"`
}

// WriteBundle writes to w a zip archive that lets anyone check an event
// offline: its record, its report's and its document's records, every
// leaf logging them with an inclusion proof, the document's original
// bytes, a signed checkpoint covering the leaves, the verifier key and a
// README saying how to check it all by hand. When no stored checkpoint
// covers the leaves, one is issued with k (k may be nil otherwise).
func WriteBundle(ctx context.Context, w io.Writer, src store.Ledger, blobs blob.Store, k *Key, v note.Verifier, eventID string) (err error) {
	defer errs.Wrap(&err, "ledger.WriteBundle(%s)", eventID)
	ev, err := src.LedgerRecord(ctx, KindEvent, eventID)
	if err != nil {
		return err
	}
	var links struct {
		ReportID   string `json:"report_id"`
		DocumentID string `json:"document_id"`
	}
	if ev.Content == nil || json.Unmarshal(ev.Content, &links) != nil {
		return fmt.Errorf("event %s cannot be rebuilt from its rows (run vigil verify)", eventID)
	}
	recs := []store.LedgerRecord{ev}
	for _, r := range []struct{ kind, id string }{{KindReport, links.ReportID}, {KindDocument, links.DocumentID}} {
		rec, err := src.LedgerRecord(ctx, r.kind, r.id)
		if err != nil {
			return err
		}
		if rec.Content == nil {
			return fmt.Errorf("%s %s cannot be rebuilt from its rows (run vigil verify)", r.kind, r.id)
		}
		recs = append(recs, rec)
	}

	// Every leaf of every record, checked before it goes in.
	type leafOf struct {
		rec    int
		leaves []store.LedgerLeaf
	}
	var all []leafOf
	var newest int64 = -1
	for i, rec := range recs {
		idx, err := src.LedgerLeafIndexes(ctx, rec.Kind, rec.ID)
		if err != nil {
			return err
		}
		if len(idx) == 0 {
			return fmt.Errorf("%s %s: no ledger leaf logs it (run vigil verify)", rec.Kind, rec.ID)
		}
		lo := leafOf{rec: i}
		for _, x := range idx {
			ls, err := src.LedgerLeaves(ctx, x, x+1)
			if err != nil {
				return err
			}
			if len(ls) != 1 {
				return fmt.Errorf("ledger leaf %d is missing (run vigil verify)", x)
			}
			l, err := ParseLeaf(ls[0].Data)
			if err != nil {
				return fmt.Errorf("ledger leaf %d: %w", x, err)
			}
			if l.Kind != rec.Kind || l.ID != rec.ID {
				return fmt.Errorf("ledger leaf %d logs %s %s, not %s %s (run vigil verify)", x, l.Kind, l.ID, rec.Kind, rec.ID)
			}
			lo.leaves = append(lo.leaves, ls[0])
			newest = max(newest, x)
		}
		last, _ := ParseLeaf(lo.leaves[len(lo.leaves)-1].Data)
		if last.SHA256 != rec.SHA256 {
			return fmt.Errorf("%s %s differs from its ledger leaf %d (run vigil verify)", rec.Kind, rec.ID, lo.leaves[len(lo.leaves)-1].Index)
		}
		all = append(all, lo)
	}

	cp, signed, err := LatestCheckpoint(ctx, src, v)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if signed == nil || cp.Size <= newest {
		if k == nil {
			return errs.E(errs.NotFound, "no signed checkpoint covers ledger leaf %d, and no key to sign one", newest)
		}
		if cp, signed, err = Issue(ctx, src, k); err != nil {
			return err
		}
	}
	vkey, err := verifierKeyText(v, k)
	if err != nil {
		return err
	}
	doc, err := blobs.Get(ctx, links.DocumentID)
	if err != nil {
		return fmt.Errorf("document %s: %w", links.DocumentID, err)
	}

	m := Manifest{Format: BundleFormat, Subject: KindEvent + ":" + eventID, Checkpoint: bundleCheckpoint, Key: bundleKey}
	files := map[string][]byte{bundleCheckpoint: signed, bundleKey: []byte(vkey + "\n")}
	hashes := storeHashes(ctx, src)
	for i, lo := range all {
		rec := recs[lo.rec]
		// Files are named by position, never by ID, which may hold anything.
		br := BundleRecord{Kind: rec.Kind, ID: rec.ID, Content: fmt.Sprintf("records/%d-%s.json", i+1, rec.Kind)}
		files[br.Content] = rec.Content
		for _, l := range lo.leaves {
			proof, err := tlog.ProveRecord(cp.Size, l.Index, hashes)
			if err != nil {
				return fmt.Errorf("inclusion proof for leaf %d: %w", l.Index, err)
			}
			if err := tlog.CheckRecord(proof, cp.Size, cp.Hash, l.Index, tlog.RecordHash(l.Data)); err != nil {
				return fmt.Errorf("ledger leaf %d is not in the signed tree (run vigil verify): %w", l.Index, err)
			}
			bl := BundleLeaf{Index: l.Index, File: fmt.Sprintf("leaves/%d.json", l.Index), Proof: []string{}}
			for _, h := range proof {
				bl.Proof = append(bl.Proof, base64.StdEncoding.EncodeToString(h[:]))
			}
			files[bl.File] = l.Data
			br.Leaves = append(br.Leaves, bl)
		}
		m.Records = append(m.Records, br)
	}
	bd := BundleDocument{SHA256: links.DocumentID, File: "documents/" + links.DocumentID}
	files[bd.File] = doc
	m.Documents = append(m.Documents, bd)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	files[bundleManifest] = append(manifest, '\n')
	files[bundleReadme] = []byte(readme(m, cp))

	zw := zip.NewWriter(w)
	order := []string{bundleReadme, bundleManifest, bundleCheckpoint, bundleKey}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	for _, name := range order {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		if _, err := f.Write(files[name]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// verifierKeyText returns the verifier key to ship: k's, or v's when it
// has one (note.Verifier does not expose its key text).
func verifierKeyText(v note.Verifier, k *Key) (string, error) {
	if k != nil && (v == nil || (v.Name() == k.Verifier.Name() && v.KeyHash() == k.Verifier.KeyHash())) {
		return k.VerifierKey, nil
	}
	if vk, ok := v.(interface{ VerifierKey() string }); ok {
		return vk.VerifierKey(), nil
	}
	return "", fmt.Errorf("the verifier key of %s is not known to this command", v.Name())
}

// BundleResult is what VerifyBundle found.
type BundleResult struct {
	Subject    string
	Checkpoint Checkpoint
	KeyName    string
	Problems   []string
}

// OK reports whether the bundle held.
func (r *BundleResult) OK() bool { return len(r.Problems) == 0 }

// VerifyBundle checks a bundle with nothing but its own contents: the
// checkpoint's signature with the bundled key (and, when pin is not
// empty, that the key is pin), every leaf's inclusion proof, every
// record's digest against its newest leaf, the document's bytes against
// its SHA-256, and that the records point at each other. An error means
// the bundle could not be read at all; what is wrong with a readable one
// is in Problems.
func VerifyBundle(r io.ReaderAt, size int64, pin string) (_ *BundleResult, err error) {
	defer errs.Wrap(&err, "bundle")
	files, err := readBundle(r, size)
	if err != nil {
		return nil, err
	}
	res := &BundleResult{}
	bad := func(format string, args ...any) { res.Problems = append(res.Problems, fmt.Sprintf(format, args...)) }
	used := map[string]bool{bundleManifest: true, bundleReadme: true}
	get := func(name string) []byte {
		used[name] = true
		b, ok := files[name]
		if !ok {
			bad("%s is missing", name)
		}
		return b
	}

	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(files[bundleManifest]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, errs.E(errs.Invalid, "%s: %v", bundleManifest, err)
	}
	if m.Format != BundleFormat {
		return nil, errs.E(errs.Invalid, "format %q, want %q", m.Format, BundleFormat)
	}
	res.Subject = m.Subject

	vkey := strings.TrimSpace(string(get(m.Key)))
	v, err := ParseVerifierKey(vkey)
	if err != nil {
		bad("%s: %v", m.Key, err)
		return res, nil
	}
	res.KeyName = v.Name()
	if pin != "" && strings.TrimSpace(pin) != vkey {
		bad("the bundle is signed with key %s, not the key given", vkey)
	}
	cp, err := OpenCheckpoint(get(m.Checkpoint), v)
	if err != nil {
		bad("%s: %v", m.Checkpoint, err)
		return res, nil
	}
	res.Checkpoint = cp

	contents := map[string]map[string]json.RawMessage{} // KIND:ID → members
	for _, br := range m.Records {
		subject := br.Kind + " " + br.ID
		content := get(br.Content)
		rec, err := ParseRecord(br.Kind, br.ID, content)
		if err != nil {
			bad("%s: %v", subject, err)
			continue
		}
		var members map[string]json.RawMessage
		json.Unmarshal(rec.Content, &members) // ParseRecord decoded it already
		contents[br.Kind+":"+br.ID] = members
		if len(br.Leaves) == 0 {
			bad("%s: no leaf logs it", subject)
			continue
		}
		var last Leaf
		prevIndex := int64(-1)
		for _, bl := range br.Leaves {
			data := get(bl.File)
			l, err := ParseLeaf(data)
			if err != nil {
				bad("%s: ledger leaf %d: %v", subject, bl.Index, err)
				continue
			}
			if l.Kind != br.Kind || l.ID != br.ID {
				bad("%s: ledger leaf %d logs %s %s instead", subject, bl.Index, l.Kind, l.ID)
			}
			if bl.Index <= prevIndex {
				bad("%s: ledger leaves are not in log order", subject)
			}
			prevIndex = bl.Index
			proof, err := decodeProof(bl.Proof)
			if err != nil {
				bad("%s: ledger leaf %d: %v", subject, bl.Index, err)
				continue
			}
			if bl.Index < 0 || bl.Index >= cp.Size {
				bad("%s: ledger leaf %d is outside the checkpoint's %d leaves", subject, bl.Index, cp.Size)
				continue
			}
			if err := tlog.CheckRecord(proof, cp.Size, cp.Hash, bl.Index, tlog.RecordHash(data)); err != nil {
				bad("%s: ledger leaf %d is not in the signed tree: its inclusion proof fails", subject, bl.Index)
			}
			last = l
		}
		if last.SHA256 != rec.SHA256 {
			bad("%s: its content hashes to %s but its newest leaf logs %s", subject, rec.SHA256, last.SHA256)
		}
	}

	for _, d := range m.Documents {
		data := get(d.File)
		if blob.Sum(data) != d.SHA256 {
			bad("document %s: the bundled bytes hash to %s", d.SHA256, blob.Sum(data))
		}
		if contents[KindDocument+":"+d.SHA256] == nil {
			bad("document %s: its record is not in the bundle", d.SHA256)
		}
	}
	checkLinks(m, contents, bad)
	for name := range files {
		if !used[name] {
			bad("%s is not listed in the manifest", name)
		}
	}
	slices.Sort(res.Problems)
	return res, nil
}

// checkLinks checks that the subject event's record names the bundled
// report and document, and that they name it back.
func checkLinks(m Manifest, contents map[string]map[string]json.RawMessage, bad func(string, ...any)) {
	kind, id, _ := strings.Cut(m.Subject, ":")
	if kind != KindEvent {
		bad("subject %q is not an event", m.Subject)
		return
	}
	ev := contents[m.Subject]
	if ev == nil {
		bad("the subject's record, event %s, is not in the bundle (or does not hold)", id)
		return
	}
	var reportID, documentID string
	json.Unmarshal(ev["report_id"], &reportID)
	json.Unmarshal(ev["document_id"], &documentID)
	rep := contents[KindReport+":"+reportID]
	if rep == nil {
		bad("event %s: its report %s is not in the bundle (or does not hold)", id, reportID)
	} else {
		var repDoc string
		var eventIDs []string
		json.Unmarshal(rep["document_id"], &repDoc)
		json.Unmarshal(rep["event_ids"], &eventIDs)
		if repDoc != documentID {
			bad("event %s: its report %s is of document %s, not %s", id, reportID, repDoc, documentID)
		}
		if !slices.Contains(eventIDs, id) {
			bad("event %s: its report %s does not list it", id, reportID)
		}
	}
	if !slices.ContainsFunc(m.Documents, func(d BundleDocument) bool { return d.SHA256 == documentID }) {
		bad("event %s: the bytes of its document %s are not in the bundle", id, documentID)
	}
}

func decodeProof(p []string) (tlog.RecordProof, error) {
	if len(p) > 64 {
		return nil, errs.E(errs.Invalid, "inclusion proof of %d hashes is too long", len(p))
	}
	out := make(tlog.RecordProof, len(p))
	for i, s := range p {
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, errs.E(errs.Invalid, "inclusion proof hash %d is not %d bytes in base64", i, tlog.HashSize)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

// readBundle reads every file of a zip archive, within the limits.
func readBundle(r io.ReaderAt, size int64) (map[string][]byte, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, errs.E(errs.Invalid, "not a zip archive: %v", err)
	}
	if len(zr.File) > MaxBundleFiles {
		return nil, errs.E(errs.Invalid, "%d files exceed the limit of %d", len(zr.File), MaxBundleFiles)
	}
	files := make(map[string][]byte, len(zr.File))
	var total int64
	for _, f := range zr.File {
		name, isDir := strings.CutSuffix(f.Name, "/")
		if name == "" || path.Clean(name) != name || path.IsAbs(name) || strings.HasPrefix(name, "../") || name == ".." ||
			strings.ContainsAny(name, "\\\x00") {
			return nil, errs.E(errs.Invalid, "file name %q is not a clean relative path", shorten(f.Name, 80))
		}
		if isDir || f.FileInfo().IsDir() {
			continue
		}
		if _, dup := files[name]; dup {
			return nil, errs.E(errs.Invalid, "file %s appears twice", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, errs.E(errs.Invalid, "%s: %v", name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxBundleFileSize+1))
		rc.Close()
		if err != nil {
			return nil, errs.E(errs.Invalid, "%s: %v", name, err)
		}
		if len(data) > MaxBundleFileSize {
			return nil, errs.E(errs.Invalid, "%s exceeds %d bytes", name, MaxBundleFileSize)
		}
		if total += int64(len(data)); total > MaxBundleSize {
			return nil, errs.E(errs.Invalid, "files exceed %d bytes in all", MaxBundleSize)
		}
		files[name] = data
	}
	if _, ok := files[bundleManifest]; !ok {
		return nil, errs.E(errs.Invalid, "no %s: not a Vigil bundle", bundleManifest)
	}
	return files, nil
}
