package storetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/model"
)

// town is a gazetteer entry for samples (real places, approximate coordinates).
type town struct {
	name, iso3, cc, admin1, admin2 string
	geonameID                      int64
	lat, lon                       float64
}

var towns = []town{
	{"Nampala", "MLI", "ML", "Ségou", "Niono", 2453348, 15.283, -5.55},
	{"Djibo", "BFA", "BF", "Sahel", "Soum", 2359226, 14.10, -1.63},
	{"Tillabéri", "NER", "NE", "Tillabéri", "Tillabéri", 2439376, 14.21, 1.45},
	{"Bassikounou", "MRT", "MR", "Hodh Ech Chargui", "Bassikounou", 2381334, 15.87, -5.96},
	{"Ménaka", "MLI", "ML", "Ménaka", "Ménaka", 2454530, 15.92, 2.40},
	{"Kaya", "BFA", "BF", "Centre-Nord", "Sanmatenga", 2358738, 13.09, -1.08},
}

var subEventTypes = []string{
	"Attack",
	"Abduction/forced disappearance",
	"Looting/property destruction",
	"Sexual violence",
}

func intp(n int) *int { return &n }

func floatp(f float64) *float64 { return &f }

// Sample returns the n-th synthetic document and a report of it with
// nEvents events; different n give different documents. Every field the
// store keeps is set somewhere (actors with IDs and mentions, counts with
// spans, evidence, locations, places), and a few events lack a date or a
// location, so samples exercise both branches. IDs and CreatedAt are left
// for the store to fill in.
func Sample(n, nEvents int) (*model.Document, *model.Report) {
	var text strings.Builder
	fmt.Fprintf(&text, "Synthetic report number %d, written for the store tests.\n", n)
	type piece struct{ start, end int }
	write := func(s string) piece {
		start := text.Len()
		text.WriteString(s)
		end := text.Len()
		text.WriteString(" ")
		return piece{start, end}
	}

	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rep := &model.Report{Extractor: "rules", ExtractorVersion: "v1"}
	for j := range nEvents {
		tw := towns[(n+j)%len(towns)]
		sub := subEventTypes[(3*n+j)%len(subEventTypes)]
		date := base.AddDate(0, 0, (7*n+3*j)%90).Format(time.DateOnly)
		where := write(fmt.Sprintf("Gunmen came to %s.", tw.name))
		killed := write(fmt.Sprintf("%d people were killed", 2+(n+j)%9))
		fled := write("and many families fled.")
		ev := model.Event{
			EventDate:     date,
			DatePrecision: model.PrecisionDay,
			DisorderType:  "Political violence",
			EventType:     "Violence against civilians",
			SubEventType:  sub,
			Actors: []model.Actor{
				{Role: "actor1", Name: "Unidentified Armed Group", Type: "Political militia", Country: tw.iso3,
					Mentions: []string{"gunmen"}, ID: "uag-" + tw.iso3},
				{Role: "actor2", Name: "Civilians (" + tw.name + ")", Type: "Civilians", Country: tw.iso3},
			},
			Location: &model.Location{
				Name: tw.name, GeonameID: tw.geonameID, Latitude: tw.lat, Longitude: tw.lon,
				Country: tw.cc, ISO3: tw.iso3, Admin1: tw.admin1, Admin2: tw.admin2, GeoPrecision: model.GeoTown,
			},
			Fatalities: &model.Count{Best: intp(2 + (n+j)%9), Low: intp(2), High: intp(12),
				Text: text.String()[killed.start:killed.end], Span: model.Span{Start: killed.start, End: killed.end}},
			Displaced:  &model.Count{Text: "many families", Span: model.Span{Start: fled.start + 4, End: fled.start + 17}},
			Certainty:  model.CertaintyReported,
			Sources:    []model.Source{{Name: "Synthetic Wire", Kind: "media"}},
			Confidence: 0.25 + float64((n+j)%4)*0.25,
			Evidence: []model.Evidence{
				{Field: "location", Start: where.start, End: where.end, Text: text.String()[where.start:where.end]},
				{Field: "fatalities", Start: killed.start, End: killed.end, Text: text.String()[killed.start:killed.end]},
			},
			Why: []string{"armed men attacked unarmed people"},
		}
		switch (n + j) % 7 {
		case 3: // no date
			ev.EventDate, ev.DatePrecision = "", 0
		case 5: // no location, nothing counted
			ev.Location, ev.Fatalities, ev.Displaced = nil, nil, nil
		}
		rep.Events = append(rep.Events, ev)
	}
	tw := towns[n%len(towns)]
	rep.Places = []model.Place{
		{Text: tw.name, Start: 0, End: len(tw.name), Name: tw.name, GeonameID: tw.geonameID,
			Latitude: floatp(tw.lat), Longitude: floatp(tw.lon), CountryCode: tw.cc, Admin1: tw.admin1,
			FeatureClass: "P", FeatureCode: "PPL", Population: 10000 + int64(n), Score: 0.75, Why: "only candidate"},
		{Text: "the bush", Start: 1, End: 9},
	}

	body := text.String()
	published := time.Date(2024, 3, 1+n%28, 9, 30, 0, 0, time.FixedZone("WAT", 3600))
	doc := &model.Document{
		SHA256:    blob.Sum([]byte(body)),
		Size:      int64(len(body)),
		MediaType: "text/plain",
		Source:    "synthetic",
		URL:       fmt.Sprintf("https://news.example/reports/%d", n),
		Title:     fmt.Sprintf("Synthetic report %d", n),
		Published: &published,
		Retrieved: time.Date(2024, 4, 2, 10, 0, 0, 123456000, time.UTC),
		Lang:      "en",
		Text:      body,
	}
	return doc, rep
}
