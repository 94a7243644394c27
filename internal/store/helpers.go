package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// NewID returns a fresh random ID: 16 bytes from crypto/rand, in hex.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
	return hex.EncodeToString(b[:])
}

// Timestamp returns t as stores keep it: in UTC, truncated to microseconds
// (what PostgreSQL's timestamptz holds), without a monotonic reading.
// The zero time stays zero.
func Timestamp(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Normalize returns p with the default limit applied, or an errs.Invalid
// error if p is out of bounds.
func (p Page) Normalize() (Page, error) {
	switch {
	case p.Limit < 0:
		return p, errs.E(errs.Invalid, "page limit %d is negative", p.Limit)
	case p.Limit > MaxLimit:
		return p, errs.E(errs.Invalid, "page limit %d exceeds the maximum of %d", p.Limit, MaxLimit)
	case p.Offset < 0:
		return p, errs.E(errs.Invalid, "page offset %d is negative", p.Offset)
	case p.Limit == 0:
		p.Limit = DefaultLimit
	}
	return p, nil
}

// Normalize checks f and returns it with its page normalised; a bad field
// gives an errs.Invalid error.
func (f EventFilter) Normalize() (EventFilter, error) {
	for _, d := range []struct{ name, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v != "" && !validDate(d.v) {
			return f, errs.E(errs.Invalid, "filter date %s=%q is not a YYYY-MM-DD date", d.name, d.v)
		}
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return f, errs.E(errs.Invalid, "filter date from=%s is after to=%s", f.From, f.To)
	}
	if f.Country != "" && !validISO3(f.Country) {
		return f, errs.E(errs.Invalid, "filter country %q is not an ISO 3166-1 alpha-3 code (three capital letters)", f.Country)
	}
	if f.DocumentID != "" && !blob.ValidSum(f.DocumentID) {
		return f, errs.E(errs.Invalid, "filter document %q is not a SHA-256 in lower-case hex", f.DocumentID)
	}
	var err error
	f.Page, err = f.Page.Normalize()
	return f, err
}

func validDate(s string) bool {
	if len(s) != len(time.DateOnly) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func validISO3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// PrepareIngest checks an Ingest's arguments and fills in what the store
// decides, changing doc and rep in place:
//   - doc.ID defaults to doc.SHA256 (and must equal it);
//   - rep.DocumentID defaults to doc.ID (and must equal it);
//   - empty report and event IDs get NewID();
//   - zero doc.CreatedAt and rep.CreatedAt become now;
//   - every time goes through Timestamp.
//
// rep may be nil. Errors are of kind errs.Invalid.
func PrepareIngest(doc *model.Document, rep *model.Report, now time.Time) error {
	if doc == nil {
		return errs.E(errs.Invalid, "no document")
	}
	if !blob.ValidSum(doc.SHA256) {
		return errs.E(errs.Invalid, "document SHA256 %q is not 64 lower-case hex digits", doc.SHA256)
	}
	if doc.ID == "" {
		doc.ID = doc.SHA256
	}
	if doc.ID != doc.SHA256 {
		return errs.E(errs.Invalid, "document ID %q differs from its SHA256 %q", doc.ID, doc.SHA256)
	}
	if doc.Size < 0 {
		return errs.E(errs.Invalid, "document %s: negative size %d", doc.ID, doc.Size)
	}
	now = Timestamp(now)
	if doc.CreatedAt.IsZero() {
		doc.CreatedAt = now
	}
	doc.CreatedAt = Timestamp(doc.CreatedAt)
	doc.Retrieved = Timestamp(doc.Retrieved)
	if doc.Published != nil {
		p := Timestamp(*doc.Published)
		doc.Published = &p
	}
	if rep == nil {
		return nil
	}

	if rep.DocumentID == "" {
		rep.DocumentID = doc.ID
	}
	if rep.DocumentID != doc.ID {
		return errs.E(errs.Invalid, "report is for document %q, not %q", rep.DocumentID, doc.ID)
	}
	if rep.Extractor == "" {
		return errs.E(errs.Invalid, "report names no extractor")
	}
	if rep.ID == "" {
		rep.ID = NewID()
	}
	if rep.CreatedAt.IsZero() {
		rep.CreatedAt = now
	}
	rep.CreatedAt = Timestamp(rep.CreatedAt)
	for _, p := range rep.Places {
		for _, f := range []*float64{p.Latitude, p.Longitude} {
			if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
				return errs.E(errs.Invalid, "place %q: coordinate is not a finite number", p.Text)
			}
		}
	}
	seen := make(map[string]bool, len(rep.Events))
	for i := range rep.Events {
		ev := &rep.Events[i]
		if ev.ID == "" {
			ev.ID = NewID()
		}
		if seen[ev.ID] {
			return errs.E(errs.Invalid, "report has two events with ID %q", ev.ID)
		}
		seen[ev.ID] = true
		if err := ValidateEvent(ev); err != nil {
			return fmt.Errorf("event %d (%s): %w", i, ev.ID, err)
		}
	}
	return nil
}

// ValidateEvent checks what a store relies on to index and query an event.
// Errors are of kind errs.Invalid.
func ValidateEvent(ev *model.Event) error {
	if ev.EventDate != "" && !validDate(ev.EventDate) {
		return errs.E(errs.Invalid, "event_date %q is not a YYYY-MM-DD date", ev.EventDate)
	}
	if ev.DatePrecision < 0 || ev.DatePrecision > model.PrecisionMonth {
		return errs.E(errs.Invalid, "date_precision %d out of range 0..%d", ev.DatePrecision, model.PrecisionMonth)
	}
	if !(ev.Confidence >= 0 && ev.Confidence <= 1) { // also rejects NaN
		return errs.E(errs.Invalid, "confidence %v out of range [0, 1]", ev.Confidence)
	}
	if l := ev.Location; l != nil {
		if !(l.Latitude >= -90 && l.Latitude <= 90) || !(l.Longitude >= -180 && l.Longitude <= 180) {
			return errs.E(errs.Invalid, "location %q: coordinates (%v, %v) out of range", l.Name, l.Latitude, l.Longitude)
		}
		if l.GeoPrecision < 0 || l.GeoPrecision > model.GeoRegion {
			return errs.E(errs.Invalid, "location %q: geo_precision %d out of range 0..%d", l.Name, l.GeoPrecision, model.GeoRegion)
		}
		if l.ISO3 != "" && !validISO3(l.ISO3) {
			return errs.E(errs.Invalid, "location %q: iso3 %q is not three capital letters", l.Name, l.ISO3)
		}
	}
	for _, c := range []struct {
		name string
		c    *model.Count
	}{
		{"fatalities", ev.Fatalities}, {"injured", ev.Injured}, {"abducted", ev.Abducted},
		{"displaced", ev.Displaced}, {"structures_destroyed", ev.StructuresDestroyed},
	} {
		if c.c == nil {
			continue
		}
		for _, n := range []*int{c.c.Best, c.c.Low, c.c.High} {
			if n != nil && *n < 0 {
				return errs.E(errs.Invalid, "%s: negative count %d", c.name, *n)
			}
		}
	}
	for _, e := range ev.Evidence {
		if e.Start < 0 || e.End < e.Start {
			return errs.E(errs.Invalid, "evidence for %q: bad span [%d, %d)", e.Field, e.Start, e.End)
		}
	}
	return nil
}

// eventJSON is the form events are kept in: model.Event's own JSON plus
// the fields it does not serialise, so that nothing is lost in the store.
type eventJSON struct {
	model.Event
	Hidden *hiddenFields `json:"x_store,omitempty"`
}

// hiddenFields carries model.Event's json:"-" fields.
type hiddenFields struct {
	ActorIDs []string              `json:"actor_ids,omitempty"` // parallel to Event.Actors
	Spans    map[string]model.Span `json:"count_spans,omitempty"`
}

// countFields names an event's counts, for hiddenFields.Spans.
func countFields(ev *model.Event) map[string]**model.Count {
	return map[string]**model.Count{
		"fatalities": &ev.Fatalities, "injured": &ev.Injured, "abducted": &ev.Abducted,
		"displaced": &ev.Displaced, "structures_destroyed": &ev.StructuresDestroyed,
	}
}

// MarshalEvent encodes ev completely, including the fields model.Event
// leaves out of its JSON (actor IDs, count spans). UnmarshalEvent reverses
// it. Empty non-nil slices that model.Event omits (Why, Mentions) come
// back nil.
func MarshalEvent(ev *model.Event) ([]byte, error) {
	var h hiddenFields
	for i, a := range ev.Actors {
		if a.ID != "" {
			if h.ActorIDs == nil {
				h.ActorIDs = make([]string, len(ev.Actors))
			}
			h.ActorIDs[i] = a.ID
		}
	}
	for name, c := range countFields(ev) {
		if *c != nil && (*c).Span != (model.Span{}) {
			if h.Spans == nil {
				h.Spans = make(map[string]model.Span)
			}
			h.Spans[name] = (*c).Span
		}
	}
	v := eventJSON{Event: *ev}
	if h.ActorIDs != nil || h.Spans != nil {
		v.Hidden = &h
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding event %s: %w", ev.ID, err)
	}
	return b, nil
}

// UnmarshalEvent decodes what MarshalEvent encoded.
func UnmarshalEvent(data []byte) (model.Event, error) {
	var v eventJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return model.Event{}, fmt.Errorf("decoding stored event: %w", err)
	}
	ev := v.Event
	if h := v.Hidden; h != nil {
		if len(h.ActorIDs) > len(ev.Actors) {
			return model.Event{}, fmt.Errorf("decoding stored event %s: %d actor IDs for %d actors", ev.ID, len(h.ActorIDs), len(ev.Actors))
		}
		for i, id := range h.ActorIDs {
			ev.Actors[i].ID = id
		}
		counts := countFields(&ev)
		for name, span := range h.Spans {
			if c := counts[name]; c != nil && *c != nil {
				(*c).Span = span
			}
		}
	}
	return ev, nil
}

// MarshalPlaces encodes a report's places.
func MarshalPlaces(places []model.Place) ([]byte, error) {
	b, err := json.Marshal(places)
	if err != nil {
		return nil, fmt.Errorf("encoding places: %w", err)
	}
	return b, nil
}

// UnmarshalPlaces decodes what MarshalPlaces encoded.
func UnmarshalPlaces(data []byte) ([]model.Place, error) {
	var places []model.Place
	if err := json.Unmarshal(data, &places); err != nil {
		return nil, fmt.Errorf("decoding stored places: %w", err)
	}
	return places, nil
}
