package export

import "github.com/vigil-hr/vigil/internal/model"

// Redact removes from an event, in place, what a public export must not
// carry. Today that is:
//   - the text of every evidence span (field names and offsets stay, so a
//     reader with access to the document can find the words);
//   - the mentions of every actor (the words the report used for it);
//   - the names of sources of kind "witness" (the source stays, named
//     "witness", so the count of sources is unchanged).
//
// Locations are not coarsened and counts are not checked for small numbers
// yet: the publication gate will add both.
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
