package export

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

func intp(n int) *int { return &n }

// fixtureEvents are a few stored events written for these tests (real
// places, made-up events), covering what the formats must handle.
func fixtureEvents() []model.StoredEvent {
	created := time.Date(2025, 3, 17, 8, 0, 0, 0, time.UTC)
	doc := strings.Repeat("ab", 32)
	return []model.StoredEvent{
		{
			Event: model.Event{
				ID: "ev-nampala", EventDate: "2025-03-13", DatePrecision: 1,
				DisorderType: "Strategic developments", EventType: "Strategic developments", SubEventType: "Looting/property destruction",
				Actors: []model.Actor{
					{Role: "actor1", Name: "Military Forces of Mali (2021-)", Type: "State forces", Country: "MLI", Mentions: []string{"les FAMa"}},
					{Role: "assoc_actor1", Name: "Wagner Group", Type: "External/Other forces", Mentions: []string{"des paramilitaires russes"}},
					{Role: "actor2", Name: "Civilians (Mali)", Type: "Civilians", Country: "MLI"},
				},
				Location: &model.Location{Name: "Nampala", GeonameID: 2453133, Latitude: 15.2807, Longitude: -5.5549,
					Country: "Mali", ISO3: "MLI", Admin1: "Ségou", Admin2: "Niono", GeoPrecision: 1},
				Fatalities:          &model.Count{Best: intp(0)},
				Displaced:           &model.Count{Best: intp(100), Text: "des centaines"},
				StructuresDestroyed: &model.Count{Text: "plusieurs villages"},
				Certainty:           "alleged",
				Sources:             []model.Source{{Name: "Studio Tamani", Kind: "media"}, {Name: "un berger de Nampala", Kind: "witness"}},
				Confidence:          0.8,
				Evidence: []model.Evidence{
					{Field: "event_date", Start: 10, End: 21, Text: "le 13 mars"},
					{Field: "sub_event_type", Start: 40, End: 70, Text: "ont incendié des greniers"},
				},
			},
			ReportID: "rep-1", DocumentID: doc, CreatedAt: created,
		},
		{
			Event: model.Event{
				ID: "ev-djibo", EventDate: "2025-02-02", DatePrecision: 2,
				DisorderType: "Political violence", EventType: "Battles", SubEventType: "Armed clash",
				Actors: []model.Actor{
					{Role: "actor1", Name: "JNIM: Group for Support of Islam and Muslims", Type: "Rebel groups"},
					{Role: "actor2", Name: "Military Forces of Burkina Faso (2022-)", Type: "State forces", Country: "BFA"},
					{Role: "assoc_actor2", Name: "VDP: Volunteers for the Defense of the Homeland", Type: "Identity militias", Country: "BFA"},
				},
				Location: &model.Location{Name: "Djibo", Latitude: 14.1, Longitude: -1.63, Country: "Burkina Faso", ISO3: "BFA",
					Admin1: "Sahel", Admin2: "Soum", GeoPrecision: 2},
				Fatalities: &model.Count{Best: intp(12), Low: intp(10), High: intp(20), Text: "au moins une dizaine"},
				Certainty:  "reported",
				Sources:    []model.Source{{Name: "AIB", Kind: "media"}, {Name: "=HYPERLINK(\"x\")", Kind: "local"}},
				Confidence: 0.6,
			},
			ReportID: "rep-2", DocumentID: strings.Repeat("cd", 32), CreatedAt: created.Add(time.Hour),
		},
		{
			Event: model.Event{
				ID: "ev-bamako", EventDate: "2025-01-01", DatePrecision: 3,
				DisorderType: "Demonstrations", EventType: "Protests", SubEventType: "Peaceful protest",
				Actors:     []model.Actor{{Role: "actor1", Name: "Protesters (Mali)", Type: "Protesters", Country: "MLI"}},
				Location:   &model.Location{Name: "Bamako", Latitude: 12.65, Longitude: -8, Country: "Mali", ISO3: "MLI", Admin1: "Bamako", GeoPrecision: 3},
				Certainty:  "confirmed",
				Confidence: 0.9,
			},
			ReportID: "rep-3", DocumentID: strings.Repeat("ef", 32), CreatedAt: created.Add(2 * time.Hour),
		},
		{
			Event: model.Event{
				ID:           "ev-nowhere",
				DisorderType: "Political violence", EventType: "Violence against civilians", SubEventType: "Abduction/forced disappearance",
				Actors: []model.Actor{
					{Role: "actor1", Name: "Unidentified Armed Group (Niger)", Type: "Political militias", Country: "NER"},
					{Role: "actor2", Name: "Civilians (Niger)", Type: "Civilians", Country: "NER"},
				},
				Abducted:   &model.Count{Best: intp(7), Text: "sept personnes"},
				Certainty:  "reported",
				Sources:    []model.Source{{Name: "des proches", Kind: "witness"}},
				Confidence: 0.5,
			},
			ReportID: "rep-4", DocumentID: strings.Repeat("01", 32), CreatedAt: created.Add(3 * time.Hour),
		},
	}
}

// fakeStore lists events as the store does: filtered, newest event date
// first, then by ID, undated last, a page at a time.
type fakeStore struct {
	events []model.StoredEvent
	calls  int
}

func (s *fakeStore) ListEvents(_ context.Context, f store.EventFilter) ([]model.StoredEvent, error) {
	s.calls++
	f, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	var out []model.StoredEvent
	for _, se := range s.events {
		switch {
		case f.From != "" && (se.EventDate == "" || se.EventDate < f.From),
			f.To != "" && (se.EventDate == "" || se.EventDate > f.To),
			f.SubEventType != "" && se.SubEventType != f.SubEventType,
			f.Country != "" && (se.Location == nil || se.Location.ISO3 != f.Country):
			continue
		}
		out = append(out, se)
	}
	slices.SortStableFunc(out, func(a, b model.StoredEvent) int {
		switch {
		case a.EventDate == "" && b.EventDate != "":
			return 1
		case b.EventDate == "" && a.EventDate != "":
			return -1
		case a.EventDate != b.EventDate:
			return strings.Compare(b.EventDate, a.EventDate)
		}
		return strings.Compare(a.ID, b.ID)
	})
	if f.Offset >= len(out) {
		return []model.StoredEvent{}, nil
	}
	out = out[f.Offset:]
	return out[:min(f.Limit, len(out))], nil
}

// manyEvents returns n copies of the fixtures with distinct IDs and dates.
func manyEvents(n int) []model.StoredEvent {
	fx := fixtureEvents()
	out := make([]model.StoredEvent, n)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		se := fx[i%len(fx)]
		se.ID = fmt.Sprintf("ev-%05d", i)
		se.EventDate = base.AddDate(0, 0, i%400).Format(time.DateOnly)
		out[i] = se
	}
	return out
}
