package export

import (
	"context"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
)

// Redact removes from an event, in place, what a public export must not
// carry:
//   - the text of every evidence span (field names and offsets stay, so a
//     reader with access to the document can find the words);
//   - the mentions of every actor (the words the report used for it);
//   - the names of sources of kind "witness" (the source stays, named
//     "witness", so the count of sources is unchanged).
//
// Public applies the publication gate (package redact) after it, which
// blurs sensitive places and coarsens small counts.
func Redact(ev *model.Event) {
	if len(ev.Evidence) > 0 {
		evidence := make([]model.Evidence, len(ev.Evidence))
		for i, e := range ev.Evidence {
			e.Text = ""
			evidence[i] = e
		}
		ev.Evidence = evidence
	}
	if len(ev.Actors) > 0 {
		actors := make([]model.Actor, len(ev.Actors))
		for i, a := range ev.Actors {
			a.Mentions = nil
			actors[i] = a
		}
		ev.Actors = actors
	}
	if len(ev.Sources) > 0 {
		sources := make([]model.Source, len(ev.Sources))
		for i, s := range ev.Sources {
			if s.Kind == "witness" {
				s.Name = "witness"
			}
			sources[i] = s
		}
		ev.Sources = sources
	}
}

// Public returns ev as a public output may carry it: Redact, then the
// publication gate g (nil: a gate without centroids, which withholds the
// place of a sensitive event rather than blur it). sensitive is the
// record's flag (SensitiveEvents); the gate adds sexual violence.
func Public(g *redact.Gate, ev model.Event, sensitive bool) model.Event {
	Redact(&ev)
	if g == nil {
		g = &redact.Gate{}
	}
	ev, _ = g.Event(ev, sensitive)
	return ev
}

// TestimonyLister lists testimonies; store.Testimonies is one.
type TestimonyLister interface {
	ListTestimonies(ctx context.Context, f store.TestimonyFilter) ([]store.Testimony, error)
}

// SensitiveEvents returns the IDs of the events that a testimony flagged
// sensitive reports: their place is blurred in public outputs. It reads
// every testimony (their clear fields; nothing is decrypted).
func SensitiveEvents(ctx context.Context, tl TestimonyLister) (map[string]bool, error) {
	out := map[string]bool{}
	f := store.TestimonyFilter{Page: store.Page{Limit: store.MaxLimit}}
	for {
		ts, err := tl.ListTestimonies(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.Sensitive {
				for _, id := range t.EventIDs {
					out[id] = true
				}
			}
		}
		if len(ts) < f.Limit {
			return out, nil
		}
		f.Offset += len(ts)
	}
}
