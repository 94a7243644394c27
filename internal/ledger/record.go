package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// MaxRecordSize bounds a record's content; parsers refuse longer input.
const MaxRecordSize = 64 << 20

// Record is the content of one stored record in the form the ledger
// commits to.
//
// The content is a JSON object of named members. JSON a store keeps as
// text (an event's event_json, a report's places_json) is embedded byte for
// byte, so stores must keep it verbatim (in PostgreSQL: json or text, not
// jsonb). The record's fields are its members, except that a member whose
// value is a non-empty object contributes one field per member of that
// object, named "outer.inner". Fields holds each field's digest (hex
// SHA-256 of its JSON value's bytes) as a canonical JSON object, and SHA256
// is the digest of Fields: what a leaf carries. Comparing two Fields
// objects names the fields that differ.
type Record struct {
	Kind, ID string
	Content  []byte // {"member":value,...}, members sorted, values verbatim
	Fields   []byte // {"field":"hex sha256",...}, canonical
	SHA256   string // hex SHA-256 of Fields
}

// NewRecord builds a record from its members. Every value must be valid
// JSON. Errors are of kind errs.Invalid.
func NewRecord(kind, id string, members map[string]json.RawMessage) (Record, error) {
	r := Record{Kind: kind, ID: id}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(members)) {
		v := members[k]
		if !json.Valid(v) {
			return r, errs.E(errs.Invalid, "%s %s: member %q is not valid JSON", kind, id, k)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := marshal(k)
		b.Write(key)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	r.Content = b.Bytes()
	fields, err := fieldDigests(members)
	if err != nil {
		return r, errs.E(errs.Invalid, "%s %s: %v", kind, id, err)
	}
	if r.Fields, err = marshal(fields); err != nil {
		return r, err
	}
	sum := sha256.Sum256(r.Fields)
	r.SHA256 = hex.EncodeToString(sum[:])
	return r, nil
}

// ParseRecord rebuilds a record from its content, accepting only content
// as NewRecord writes it (members sorted, no space between them) whose
// "id" member is the JSON string id. Errors are of kind errs.Invalid.
func ParseRecord(kind, id string, content []byte) (Record, error) {
	if len(content) > MaxRecordSize {
		return Record{}, errs.E(errs.Invalid, "%s %s: record of %d bytes exceeds %d", kind, id, len(content), MaxRecordSize)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(content, &members); err != nil || members == nil {
		return Record{}, errs.E(errs.Invalid, "%s %s: record content is not a JSON object", kind, id)
	}
	var gotID string
	if err := json.Unmarshal(members["id"], &gotID); err != nil || gotID != id {
		return Record{}, errs.E(errs.Invalid, "%s %s: record content names id %s", kind, id, members["id"])
	}
	r, err := NewRecord(kind, id, members)
	if err != nil {
		return r, err
	}
	if !bytes.Equal(r.Content, content) {
		return r, errs.E(errs.Invalid, "%s %s: record content is not in canonical form", kind, id)
	}
	return r, nil
}

// fieldDigests returns the digest of each field of a record's members.
func fieldDigests(members map[string]json.RawMessage) (map[string]string, error) {
	out := make(map[string]string, len(members))
	add := func(name string, v []byte) error {
		if _, dup := out[name]; dup {
			return errs.E(errs.Invalid, "two fields named %q", name)
		}
		sum := sha256.Sum256(v)
		out[name] = hex.EncodeToString(sum[:])
		return nil
	}
	for k, v := range members {
		if len(v) == 0 || v[0] != '{' {
			if err := add(k, v); err != nil {
				return nil, err
			}
			continue
		}
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(v, &inner); err != nil {
			return nil, errs.E(errs.Invalid, "member %q: %v", k, err)
		}
		if len(inner) == 0 {
			if err := add(k, v); err != nil {
				return nil, err
			}
		}
		for k2, v2 := range inner {
			if err := add(k+"."+k2, v2); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// DiffFields compares two Fields encodings and returns the names of the
// fields that differ, are missing from b or were added to it, sorted.
func DiffFields(a, b []byte) ([]string, error) {
	var fa, fb map[string]string
	if err := json.Unmarshal(a, &fa); err != nil {
		return nil, errs.E(errs.Invalid, "field digests: %v", err)
	}
	if err := json.Unmarshal(b, &fb); err != nil {
		return nil, errs.E(errs.Invalid, "field digests: %v", err)
	}
	var diff []string
	for k, v := range fa {
		if w, ok := fb[k]; !ok {
			diff = append(diff, k+" (removed)")
		} else if v != w {
			diff = append(diff, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			diff = append(diff, k+" (added)")
		}
	}
	slices.Sort(diff)
	return diff, nil
}

// FieldsDigest returns the hex SHA-256 of a Fields encoding.
func FieldsDigest(fields []byte) string {
	sum := sha256.Sum256(fields)
	return hex.EncodeToString(sum[:])
}

// jsonValue encodes a Go value as a record member.
func jsonValue(v any) json.RawMessage {
	b, err := marshal(v)
	if err != nil {
		panic("ledger: encoding a plain value: " + err.Error()) // strings, numbers and slices of them always encode
	}
	return b
}

// DocumentRecord returns the record of a stored document: its metadata
// and text (its bytes are named by its ID, their SHA-256).
func DocumentRecord(doc *model.Document) (Record, error) {
	var published any
	if doc.Published != nil {
		published = FormatTime(*doc.Published)
	}
	return NewRecord(KindDocument, doc.ID, map[string]json.RawMessage{
		"id":         jsonValue(doc.ID),
		"size":       jsonValue(doc.Size),
		"media_type": jsonValue(doc.MediaType),
		"source":     jsonValue(doc.Source),
		"url":        jsonValue(doc.URL),
		"title":      jsonValue(doc.Title),
		"published":  jsonValue(published),
		"retrieved":  jsonValue(FormatTime(doc.Retrieved)),
		"lang":       jsonValue(doc.Lang),
		"text":       jsonValue(doc.Text),
		"created_at": jsonValue(FormatTime(doc.CreatedAt)),
	})
}

// ReportRecord returns the record of a stored report: its metadata, its
// places as stored (placesJSON) and the IDs of its events in order.
func ReportRecord(rep *model.Report, placesJSON []byte, eventIDs []string) (Record, error) {
	if eventIDs == nil {
		eventIDs = []string{}
	}
	return NewRecord(KindReport, rep.ID, map[string]json.RawMessage{
		"id":                jsonValue(rep.ID),
		"document_id":       jsonValue(rep.DocumentID),
		"extractor":         jsonValue(rep.Extractor),
		"extractor_version": jsonValue(rep.ExtractorVersion),
		"created_at":        jsonValue(FormatTime(rep.CreatedAt)),
		"places":            placesJSON,
		"event_ids":         jsonValue(eventIDs),
	})
}

// EventRecord returns the record of a stored event: where it came from,
// its position in its report, and the event as stored (eventJSON, the
// encoding of store.MarshalEvent).
func EventRecord(id, reportID, documentID string, seq int, createdAt time.Time, eventJSON []byte) (Record, error) {
	return NewRecord(KindEvent, id, map[string]json.RawMessage{
		"id":          jsonValue(id),
		"report_id":   jsonValue(reportID),
		"document_id": jsonValue(documentID),
		"seq":         jsonValue(seq),
		"created_at":  jsonValue(FormatTime(createdAt)),
		"event":       eventJSON,
	})
}

// Leaf returns the leaf that logs op on the record.
func (r Record) Leaf(op, actor string, t time.Time) Leaf {
	return Leaf{V: LeafVersion, Kind: r.Kind, ID: r.ID, Op: op, Actor: actor, SHA256: r.SHA256, Time: FormatTime(t)}
}

// ExtractorActor names an extractor as a leaf's actor.
func ExtractorActor(name, version string) string {
	return "extractor:" + strings.TrimSpace(name) + "/" + strings.TrimSpace(version)
}

// ActorIngest is the actor of documents stored by ingestion.
const ActorIngest = "system:ingest"
