package httpapi

import (
	"context"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
)

// Publication says which records are published: all that the public (a
// caller who may read published records but not all records) ever sees.
// Records are published by review, which comes later; until then a
// server has no Publication, nothing is published, the public's lists are
// empty and its single records answer 404.
type Publication interface {
	EventPublished(ctx context.Context, ev *model.StoredEvent) (bool, error)
	TestimonyPublished(ctx context.Context, t *store.Testimony) (bool, error)
}

// readsAll reports whether the request's principal may read every record;
// otherwise it sees the published ones, through the publication gate.
func readsAll(ctx context.Context) bool {
	return auth.FromContext(ctx).Can(auth.ReadRecords)
}

func (s *Server) gate() *redact.Gate {
	if s.Gate != nil {
		return s.Gate
	}
	return &redact.Gate{}
}

// sensitive returns the IDs of the events a sensitive testimony reports.
func (s *Server) sensitive(ctx context.Context) (map[string]bool, error) {
	if s.Testimonies == nil {
		return map[string]bool{}, nil
	}
	return export.SensitiveEvents(ctx, s.Testimonies)
}

// VisibleEvents returns one page of the events that pass q and that the
// request's principal may see, and how many pass: every event for those
// who may read records, else the published ones as the publication gate
// leaves them.
func (s *Server) VisibleEvents(ctx context.Context, q EventQuery) ([]model.StoredEvent, int, error) {
	if readsAll(ctx) {
		return FindEvents(ctx, s.Store, q)
	}
	all, _, err := s.publishedEvents(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	lo := min(q.Offset, len(all))
	hi := min(lo+normalizePage(q.Limit), len(all))
	return all[lo:hi], len(all), nil
}

// VisibleAllEvents is AllEvents for the request's principal (see
// VisibleEvents).
func (s *Server) VisibleAllEvents(ctx context.Context, q EventQuery) ([]model.StoredEvent, bool, error) {
	if readsAll(ctx) {
		return AllEvents(ctx, s.Store, q)
	}
	return s.publishedEvents(ctx, q)
}

// publishedEvents returns the published events that pass q, gated. The
// filters apply to the gated events, so a search cannot find a
// sensitive event by the exact place the gate hid.
func (s *Server) publishedEvents(ctx context.Context, q EventQuery) ([]model.StoredEvent, bool, error) {
	if s.Publication == nil {
		return []model.StoredEvent{}, false, nil
	}
	all, truncated, err := AllEvents(ctx, s.Store, EventQuery{Filter: store.EventFilter{From: q.Filter.From, To: q.Filter.To}})
	if err != nil {
		return nil, false, err
	}
	sens, err := s.sensitive(ctx)
	if err != nil {
		return nil, false, err
	}
	m := newMatcher(q)
	out := []model.StoredEvent{}
	for i := range all {
		ok, err := s.Publication.EventPublished(ctx, &all[i])
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue
		}
		ev := all[i]
		ev.Event = export.Public(s.gate(), ev.Event, sens[ev.ID])
		if m.match(&ev) && s.storeFilter(q.Filter, &ev) {
			out = append(out, ev)
		}
	}
	sortEvents(out, q.Sort)
	return out, truncated, nil
}

// storeFilter applies the filters the store would have applied, to a
// gated event.
func (s *Server) storeFilter(f store.EventFilter, ev *model.StoredEvent) bool {
	if f.SubEventType != "" && ev.SubEventType != f.SubEventType {
		return false
	}
	if f.DocumentID != "" && ev.DocumentID != f.DocumentID {
		return false
	}
	if f.Country != "" && (ev.Location == nil || ev.Location.ISO3 != f.Country) {
		return false
	}
	return true
}

// VisibleEvent returns one event if the request's principal may see it:
// errs.NotFound otherwise, so the public cannot tell an unpublished
// record from a missing one.
func (s *Server) VisibleEvent(ctx context.Context, id string) (*model.StoredEvent, error) {
	ev, err := s.Store.GetEvent(ctx, id)
	if readsAll(ctx) || err != nil && !errs.Is(err, errs.NotFound) {
		return ev, err
	}
	notFound := errs.E(errs.NotFound, "no published event %q", id)
	if err != nil || s.Publication == nil {
		return nil, notFound
	}
	ok, err := s.Publication.EventPublished(ctx, ev)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	sens, err := s.sensitive(ctx)
	if err != nil {
		return nil, err
	}
	ev.Event = export.Public(s.gate(), ev.Event, sens[ev.ID])
	return ev, nil
}
