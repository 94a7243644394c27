package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/dataset"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// Datasets answers "is this incident already known?" from the event
// datasets an analyst imported (ACLED, UCDP), kept apart from Vigil's own
// records.
type Datasets interface {
	Nearest(ctx context.Context, lat, lon float64, date, subType string, k int) ([]dataset.Match, error)
}

// KnownMatch is an imported event close to one of Vigil's, in place, date
// and type.
type KnownMatch struct {
	Dataset      string  `json:"dataset"`
	SourceID     string  `json:"source_id"`
	DateStart    string  `json:"date_start"`
	DateEnd      string  `json:"date_end"`
	EventType    string  `json:"event_type,omitempty"`
	SubEventType string  `json:"sub_event_type,omitempty"`
	Actor1       string  `json:"actor1,omitempty"`
	Actor2       string  `json:"actor2,omitempty"`
	Country      string  `json:"country,omitempty"`
	Admin1       string  `json:"admin1,omitempty"`
	Location     string  `json:"location,omitempty"`
	Latitude     float64 `json:"latitude"`
	Longitude    float64 `json:"longitude"`
	Fatalities   int     `json:"fatalities"`
	DistanceKm   float64 `json:"distance_km"`
	DaysApart    int     `json:"days_apart"`
	Score        float64 `json:"score"`
}

// KnownList is the body of GET /api/v1/events/{id}/known.
type KnownList struct {
	Event   string       `json:"event"`
	Matches []KnownMatch `json:"matches"`
	// Note says why the list is empty when it cannot be otherwise.
	Note string `json:"note,omitempty"`
}

func init() {
	routes = append(routes, route{Method: "GET", Path: "/api/v1/events/{id}/known", Action: auth.ReadPublished,
		Summary: "Imported dataset events (ACLED, UCDP) nearest to this event in place, date and type: is it already known?",
		Params:  []param{idParam, {"k", "query", "integer", "how many matches (default 5, at most 100)"}},
		Body:    KnownList{}, Errors: []int{400, 404}, handler: (*Server).known})
}

func (s *Server) known(w http.ResponseWriter, r *http.Request) {
	k := 5
	if v := r.URL.Query().Get("k"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > dataset.MaxNearest {
			s.problem(w, r, errs.E(errs.Invalid, "query parameter k=%q is not a whole number from 1 to %d", v, dataset.MaxNearest))
			return
		}
		k = n
	}
	// The public asks about the published event as the gate left it, so
	// the matches do not give away a place the gate blurred.
	ev, err := s.VisibleEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	out := KnownList{Event: ev.ID, Matches: []KnownMatch{}}
	switch {
	case s.Datasets == nil:
		out.Note = "no dataset has been imported (vigil import)"
	case ev.Location == nil || ev.EventDate == "":
		out.Note = "the event has no place or no date to compare"
	default:
		ms, err := s.Known(r.Context(), ev, k)
		if err != nil {
			s.problem(w, r, err)
			return
		}
		out.Matches = ms
	}
	writeJSON(w, http.StatusOK, out)
}

// Known returns the imported events nearest to ev (see GET
// /api/v1/events/{id}/known); the web UI shows them on the event page.
func (s *Server) Known(ctx context.Context, ev *model.StoredEvent, k int) ([]KnownMatch, error) {
	out := []KnownMatch{}
	if s.Datasets == nil || ev.Location == nil || ev.EventDate == "" {
		return out, nil
	}
	ms, err := s.Datasets.Nearest(ctx, ev.Location.Latitude, ev.Location.Longitude, ev.EventDate, ev.SubEventType, k)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out = append(out, knownMatch(m))
	}
	return out, nil
}

func knownMatch(m dataset.Match) KnownMatch {
	rec := m.Record
	return KnownMatch{
		Dataset: m.Dataset, SourceID: rec.SourceID, DateStart: rec.DateStart, DateEnd: rec.DateEnd,
		EventType: rec.EventType, SubEventType: rec.SubEventType, Actor1: rec.Actor1, Actor2: rec.Actor2,
		Country: rec.Country, Admin1: rec.Admin1, Location: rec.Location, Latitude: rec.Latitude, Longitude: rec.Longitude,
		Fatalities: rec.Fatalities, DistanceKm: m.DistanceKm, DaysApart: m.DaysApart, Score: m.Score,
	}
}
