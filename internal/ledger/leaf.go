// Package ledger is Vigil's tamper-evident log: an append-only Merkle tree
// (RFC 6962, computed with golang.org/x/mod/sumdb/tlog) with one leaf for
// every stored document and every change to every record, and signed
// checkpoints of the tree in the C2SP tlog-checkpoint format (a signed note,
// Ed25519, golang.org/x/mod/sumdb/note).
//
// A leaf does not hold the record; it commits to it. A record's content is
// a JSON object of named fields (see Record); the leaf carries the SHA-256
// of the record's field digests, so a verifier that holds the record can
// tell whether it changed and, given the field digests, which field did.
//
// Stores append leaves in the transaction of the change they log (see
// Append and store.Ledger). Verify recomputes everything from the stored
// rows, the blobs and the leaves, and checks the tree against the signed
// checkpoints; bundles (WriteBundle, VerifyBundle) carry one event's
// evidence with the proofs needed to check it offline.
package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
)

// LeafVersion is the version of the leaf format this package writes.
const LeafVersion = 1

// Record kinds. Later kinds (incident, testimony, ...) are added here.
const (
	KindDocument = "document"
	KindReport   = "report"
	KindEvent    = "event"
)

// Operations a leaf records.
const (
	OpCreate        = "create"         // the record was stored
	OpUpdate        = "update"         // the record was changed (a review edit); SHA256 is its new content
	OpMerge         = "merge"          // the record was merged into the records in Refs
	OpDeleteRequest = "delete_request" // deletion was asked for; SHA256 is empty
)

// MaxLeafSize bounds a leaf's encoding; parsers refuse longer input.
const MaxLeafSize = 16 << 10

// Leaf is one entry of the log: a change to one record. Its JSON encoding
// (Encode) is canonical: members in sorted order, no insignificant space,
// no HTML escaping; ParseLeaf accepts exactly that encoding. The field
// order below is the sorted order of the JSON names and must stay so.
type Leaf struct {
	// Actor is who made the change: "system:ingest", "extractor:NAME/VERSION",
	// later "user:ID".
	Actor string `json:"actor"`
	// ID is the record's ID (a document's is its SHA-256).
	ID string `json:"id"`
	// Kind is the record's kind: document, report, event.
	Kind string `json:"kind"`
	// Note is a free-text reason (a review edit's comment); usually empty.
	Note string `json:"note,omitempty"`
	// Op is what happened: create, update, merge, delete_request.
	Op string `json:"op"`
	// Refs names related records, as KIND:ID (the target of a merge).
	Refs []string `json:"refs,omitempty"`
	// SHA256 is the record's digest after the change (Record.SHA256) in
	// lower-case hex; empty for a deletion request.
	SHA256 string `json:"sha256,omitempty"`
	// Time is when the change was made: RFC 3339, UTC, microseconds.
	Time string `json:"time"`
	// V is the leaf format version, LeafVersion.
	V int `json:"v"`
}

// FormatTime formats t as leaves and record contents carry times: RFC 3339
// in UTC with exactly six fractional digits.
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

// Encode returns the leaf's canonical encoding, the bytes the tree hashes.
func (l Leaf) Encode() ([]byte, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	return marshal(l)
}

// marshal encodes v as JSON without HTML escaping or a trailing newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ParseLeaf decodes a leaf, accepting only its canonical encoding of a
// known version. Errors are of kind errs.Invalid.
func ParseLeaf(data []byte) (Leaf, error) {
	var l Leaf
	if len(data) > MaxLeafSize {
		return l, errs.E(errs.Invalid, "leaf of %d bytes exceeds %d", len(data), MaxLeafSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return l, errs.E(errs.Invalid, "leaf is not valid JSON: %v", err)
	}
	if err := l.check(); err != nil {
		return l, err
	}
	again, err := marshal(l)
	if err != nil {
		return l, errs.E(errs.Invalid, "leaf: %v", err)
	}
	if !bytes.Equal(again, data) {
		return l, errs.E(errs.Invalid, "leaf is not in canonical form")
	}
	return l, nil
}

// check validates a leaf's fields. Errors are of kind errs.Invalid.
func (l Leaf) check() error {
	switch {
	case l.V != LeafVersion:
		return errs.E(errs.Invalid, "leaf version %d, want %d", l.V, LeafVersion)
	case !isName(l.Kind):
		return errs.E(errs.Invalid, "leaf kind %q is not a lower-case name", l.Kind)
	case !isName(l.Op):
		return errs.E(errs.Invalid, "leaf op %q is not a lower-case name", l.Op)
	case l.ID == "" || len(l.ID) > 256:
		return errs.E(errs.Invalid, "leaf record ID %q is empty or too long", l.ID)
	case l.Op == OpDeleteRequest && l.SHA256 != "":
		return errs.E(errs.Invalid, "leaf: a deletion request carries no digest")
	case l.Op != OpDeleteRequest && !blob.ValidSum(l.SHA256):
		return errs.E(errs.Invalid, "leaf digest %q is not 64 lower-case hex digits", l.SHA256)
	}
	t, err := time.Parse(time.RFC3339Nano, l.Time)
	if err != nil || FormatTime(t) != l.Time {
		return errs.E(errs.Invalid, "leaf time %q is not RFC 3339 UTC with microseconds", l.Time)
	}
	return nil
}

// isName reports whether s is a short lower-case name: [a-z_]{1,32}.
func isName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// String names the leaf's record and change, for messages.
func (l Leaf) String() string { return fmt.Sprintf("%s %s %s", l.Op, l.Kind, l.ID) }
