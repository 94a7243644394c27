package dataset

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/export"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

type sliceLister []model.StoredEvent

func (s sliceLister) ListEvents(_ context.Context, f store.EventFilter) ([]model.StoredEvent, error) {
	if f.Offset >= len(s) {
		return nil, nil
	}
	return s[f.Offset:min(len(s), f.Offset+f.Limit)], nil
}

func ip(n int) *int { return &n }

// roundTripEvents are made-up events over real places, in the store's
// order, with the shapes both formats must carry: several associated
// actors, text needing quotes, ranges, each precision, no location.
func roundTripEvents() []model.StoredEvent {
	created := time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)
	var out []model.StoredEvent
	subs := []struct{ disorder, event, sub, t1, t2 string }{
		{"Political violence", "Violence against civilians", "Attack", "Political militias", "Civilians"},
		{"Political violence", "Battles", "Armed clash", "Rebel groups", "State forces"},
		{"Political violence", "Explosions/Remote violence", "Air/drone strike", "State forces", "Rebel groups"},
		{"Political violence", "Violence against civilians", "Abduction/forced disappearance", "Identity militias", "Civilians"},
	}
	places := []model.Location{
		{Name: "Ménaka", Latitude: 15.9182, Longitude: 2.4022, Country: "Mali", ISO3: "MLI", Admin1: "Ménaka", Admin2: "Ménaka", GeoPrecision: 1},
		{Name: "Djibo", Latitude: 14.1022, Longitude: -1.6306, Country: "Burkina Faso", ISO3: "BFA", Admin1: "Sahel", Admin2: "Soum", GeoPrecision: 2},
		{Name: "Tillabéri", Latitude: 14.2117, Longitude: 1.4531, Country: "Niger", ISO3: "NER", Admin1: "Tillabéri", GeoPrecision: 3},
	}
	for i := range 12 {
		s := subs[i%len(subs)]
		loc := places[i%len(places)]
		ev := model.Event{
			ID:        fmt.Sprintf("ev%02d", i),
			EventDate: time.Date(2025, 3, 20-i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), DatePrecision: 1 + i%3,
			DisorderType: s.disorder, EventType: s.event, SubEventType: s.sub,
			Actors: []model.Actor{
				{Role: "actor1", Name: fmt.Sprintf("Group %d, \"the %dth\"", i, i), Type: s.t1},
				{Role: "assoc_actor1", Name: "Ally A", Type: s.t1},
				{Role: "assoc_actor1", Name: "Ally B", Type: s.t1},
				{Role: "actor2", Name: "Side " + loc.Name, Type: s.t2, Country: loc.ISO3},
			},
			Location:   &loc,
			Fatalities: &model.Count{Best: ip(i), Low: ip(i), High: ip(2 * i)},
			Certainty:  "reported",
			Sources:    []model.Source{{Name: "Outlet " + loc.Name, Kind: "media"}, {Name: "=a witness", Kind: "witness"}},
			Confidence: 0.5,
		}
		if i == 11 {
			ev.Location = nil
		}
		out = append(out, model.StoredEvent{Event: ev, DocumentID: fmt.Sprintf("%064d", i), CreatedAt: created.Add(time.Duration(i) * time.Minute)})
	}
	return out
}

func exportAndImport(t *testing.T, f export.Format, events []model.StoredEvent) ([]Record, string) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := export.Write(context.Background(), &buf, sliceLister(events), export.Options{Format: f}); err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	var bad []*RowError
	_, err := db.Import(context.Background(), bytes.NewReader(buf.Bytes()), ImportOptions{Name: "rt", Format: f,
		OnBadRow: func(e *RowError) { bad = append(bad, e) }})
	if err != nil || len(bad) > 0 {
		t.Fatalf("import of Vigil's own %s: %v, bad rows %v", f, err, bad)
	}
	return records(t, db, "rt"), buf.String()
}

// TestRoundTripACLED: what Vigil exports as ACLED-shaped CSV it imports
// again with every field the two share intact.
func TestRoundTripACLED(t *testing.T) {
	events := roundTripEvents()
	recs, _ := exportAndImport(t, export.ACLEDCSV, events)
	if len(recs) != len(events) {
		t.Fatalf("%d records for %d events", len(recs), len(events))
	}
	for i, r := range recs {
		se := events[i]
		ev := &se.Event
		type pair struct {
			name      string
			got, want any
		}
		checks := []pair{
			{"event_id_cnty", r.SourceID, ev.ID},
			{"event_date", r.DateStart, ev.EventDate},
			{"time_precision", r.DatePrecision, ev.DatePrecision},
			{"disorder_type", r.DisorderType, ev.DisorderType},
			{"event_type", r.EventType, ev.EventType},
			{"sub_event_type", r.SubEventType, ev.SubEventType},
			{"actor1", r.Actor1, ev.Actors[0].Name},
			{"assoc_actor_1", r.AssocActor1, "Ally A; Ally B"},
			{"inter1", export.InterType(r.Inter1), export.InterType(export.InterCode(ev.Actors[0].Type))},
			{"actor2", r.Actor2, ev.Actors[3].Name},
			{"inter2", export.InterType(r.Inter2), export.InterType(export.InterCode(ev.Actors[3].Type))},
			{"violence", r.Violence, export.ViolenceType(ev)},
			{"fatalities", r.Fatalities, *ev.Fatalities.Best},
			{"source", r.Source, "Outlet " + sourceTown(ev) + "; =a witness"},
			{"timestamp", r.Timestamp, se.CreatedAt.Unix()},
			{"notes", r.Notes, export.Notes(&se)},
		}
		if l := ev.Location; l != nil {
			checks = append(checks,
				pair{"location", r.Location, l.Name}, pair{"admin1", r.Admin1, l.Admin1}, pair{"admin2", r.Admin2, l.Admin2},
				pair{"country", r.Country, l.Country}, pair{"iso3", r.ISO3, l.ISO3},
				pair{"latitude", r.Latitude, l.Latitude}, pair{"longitude", r.Longitude, l.Longitude},
				pair{"geo_precision", r.GeoPrecision, l.GeoPrecision})
		} else if r.HasCoords || r.Location != "" {
			t.Errorf("%s: an event without a place came back with one: %+v", ev.ID, r)
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s %s: %v, want %v", ev.ID, c.name, c.got, c.want)
			}
		}
	}
}

func sourceTown(ev *model.Event) string {
	if ev.Location == nil {
		return "Tillabéri" // see roundTripEvents: the event without a place was in Tillabéri
	}
	return ev.Location.Name
}

// TestRoundTripUCDP: the same for UCDP GED-shaped CSV.
func TestRoundTripUCDP(t *testing.T) {
	events := roundTripEvents()
	recs, _ := exportAndImport(t, export.UCDPCSV, events)
	if len(recs) != len(events) {
		t.Fatalf("%d records for %d events", len(recs), len(events))
	}
	for i, r := range recs {
		ev := &events[i].Event
		violence := export.ViolenceType(ev)
		sideA, sideB := ev.Actors[0].Name, ev.Actors[3].Name
		if violence == export.StateBased && ev.Actors[3].Type == "State forces" {
			sideA, sideB = sideB, sideA
		}
		checks := []struct {
			name      string
			got, want any
		}{
			{"id", r.SourceID, ev.ID},
			{"date_start", r.DateStart, ev.EventDate},
			{"date_end", r.DateEnd, ev.EventDate},
			{"date_prec", r.DatePrecision, ev.DatePrecision},
			{"type_of_violence", r.Violence, violence},
			{"side_a", r.Actor1, sideA},
			{"side_b", r.Actor2, sideB},
			{"best", r.Fatalities, *ev.Fatalities.Best},
			{"low", r.FatalitiesLow, *ev.Fatalities.Low},
			{"high", r.FatalitiesHigh, *ev.Fatalities.High},
			{"source_office", r.SourceOffice, "Outlet " + sourceTown(ev)},
			{"source_original", r.SourceOriginal, "=a witness"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s %s: %v, want %v", ev.ID, c.name, c.got, c.want)
			}
		}
		if l := ev.Location; l != nil {
			if r.Location != l.Name || r.Admin1 != l.Admin1 || r.Admin2 != l.Admin2 || r.ISO3 != l.ISO3 || r.Country != l.Country ||
				r.Latitude != l.Latitude || r.Longitude != l.Longitude || r.GeoPrecision != l.GeoPrecision {
				t.Errorf("%s place: %+v, want %+v", ev.ID, r, l)
			}
		} else if r.HasCoords {
			t.Errorf("%s: an event without a place came back with coordinates", ev.ID)
		}
	}
}
