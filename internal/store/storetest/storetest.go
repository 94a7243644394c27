// Package storetest is the conformance suite every store.Store
// implementation must pass.
package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// Run runs the suite. open must return a new, empty store each time it is
// called; Run closes the stores it opens.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"SparseDocumentAndEvents", testSparse},
		{"SameDocumentTwice", testSameDocumentTwice},
		{"NewExtractorVersion", testNewExtractorVersion},
		{"CallerIDs", testCallerIDs},
		{"NotFound", testNotFound},
		{"InvalidInput", testInvalidInput},
		{"FailedIngestLeavesNothing", testFailedIngest},
		{"Filters", testFilters},
		{"InvalidFilters", testInvalidFilters},
		{"EventPagination", testEventPagination},
		{"DocumentPagination", testDocumentPagination},
		{"ConcurrentIngest", testConcurrentIngest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

func mustIngest(t *testing.T, s store.Store, doc *model.Document, rep *model.Report) store.IngestResult {
	t.Helper()
	res, err := s.Ingest(t.Context(), doc, rep)
	if err != nil {
		t.Fatalf("Ingest(%s): %v", doc.SHA256, err)
	}
	return res
}

// stored returns the events of rep as the store should give them back.
func stored(doc *model.Document, rep *model.Report) []model.StoredEvent {
	var out []model.StoredEvent
	for _, ev := range rep.Events {
		out = append(out, model.StoredEvent{Event: ev, ReportID: rep.ID, DocumentID: doc.ID, CreatedAt: rep.CreatedAt})
	}
	return out
}

func eventIDs(evs []model.Event) []string {
	ids := []string{}
	for _, ev := range evs {
		ids = append(ids, ev.ID)
	}
	return ids
}

// counts checks how many documents and events s holds.
func counts(t *testing.T, s store.Store, docs, events int) {
	t.Helper()
	ctx := t.Context()
	if n, err := s.CountDocuments(ctx); err != nil || n != docs {
		t.Errorf("CountDocuments = %d, %v; want %d", n, err, docs)
	}
	if n, err := s.CountEvents(ctx, store.EventFilter{}); err != nil || n != events {
		t.Errorf("CountEvents = %d, %v; want %d", n, err, events)
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc, rep := Sample(1, 7)
	wantPublished := doc.Published.UTC()
	res := mustIngest(t, s, doc, rep)

	if res.Existing || res.DocumentID != doc.SHA256 || res.ReportID == "" || res.ReportID != rep.ID {
		t.Errorf("IngestResult = %+v; want new document %s and report %s", res, doc.SHA256, rep.ID)
	}
	if !slices.Equal(res.EventIDs, eventIDs(rep.Events)) || slices.Contains(res.EventIDs, "") {
		t.Errorf("EventIDs = %v; want the IDs filled into rep, %v", res.EventIDs, eventIDs(rep.Events))
	}
	if doc.ID != doc.SHA256 || doc.CreatedAt.IsZero() || rep.CreatedAt.IsZero() || rep.DocumentID != doc.ID {
		t.Errorf("Ingest did not fill in defaults: doc.ID=%q CreatedAt=%v rep.CreatedAt=%v rep.DocumentID=%q",
			doc.ID, doc.CreatedAt, rep.CreatedAt, rep.DocumentID)
	}
	if !doc.Published.Equal(wantPublished) || doc.Published.Location() != time.UTC {
		t.Errorf("Published = %v; want %v in UTC", doc.Published, wantPublished)
	}

	got, err := s.GetDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Errorf("GetDocument:\n got %+v\nwant %+v", got, doc)
	}

	reps, err := s.ReportsForDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || !reflect.DeepEqual(reps[0], *rep) {
		t.Errorf("ReportsForDocument:\n got %+v\nwant [%+v]", reps, *rep)
	}

	for _, want := range stored(doc, rep) {
		got, err := s.GetEvent(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("GetEvent(%s):\n got %+v\nwant %+v", want.ID, *got, want)
		}
	}
	counts(t, s, 1, len(rep.Events))
}

func testSparse(t *testing.T, s store.Store) {
	ctx := t.Context()
	// A document alone, with nothing optional set.
	doc, _ := Sample(2, 0)
	doc.Published, doc.Retrieved, doc.URL, doc.Title, doc.Source = nil, time.Time{}, "", "", ""
	res := mustIngest(t, s, doc, nil)
	if res.Existing || res.ReportID != "" || len(res.EventIDs) != 0 {
		t.Errorf("IngestResult without report = %+v", res)
	}
	got, err := s.GetDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Errorf("GetDocument:\n got %+v\nwant %+v", got, doc)
	}
	if reps, err := s.ReportsForDocument(ctx, doc.ID); err != nil || len(reps) != 0 {
		t.Errorf("ReportsForDocument = %v, %v; want none", reps, err)
	}

	// Then a report whose events carry the bare minimum.
	rep := &model.Report{Extractor: "rules", Events: []model.Event{
		{DisorderType: "Political violence", EventType: "Violence against civilians", SubEventType: "Attack"},
		{EventDate: "2023-12-31", Actors: []model.Actor{}, Evidence: []model.Evidence{}, Sources: []model.Source{}},
	}}
	res = mustIngest(t, s, doc, rep)
	if !res.Existing || res.ReportID != rep.ID {
		t.Errorf("IngestResult = %+v; want existing document, report %s", res, rep.ID)
	}
	reps, err := s.ReportsForDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || !reflect.DeepEqual(reps[0], *rep) {
		t.Errorf("ReportsForDocument:\n got %+v\nwant [%+v]", reps, *rep)
	}
	for _, want := range stored(doc, rep) {
		got, err := s.GetEvent(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("GetEvent(%s):\n got %+v\nwant %+v", want.ID, *got, want)
		}
	}
}

func testSameDocumentTwice(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc, rep := Sample(3, 4)
	first := mustIngest(t, s, doc, rep)

	doc2, rep2 := Sample(3, 4) // same bytes, same extractor version, fresh structs
	doc2.Title = "another title that must not replace the stored one"
	second := mustIngest(t, s, doc2, rep2)
	if !second.Existing {
		t.Error("second Ingest of the same document: Existing = false")
	}
	if second.DocumentID != first.DocumentID || second.ReportID != first.ReportID ||
		!slices.Equal(second.EventIDs, first.EventIDs) {
		t.Errorf("second Ingest = %+v; want the first's IDs %+v", second, first)
	}
	counts(t, s, 1, len(rep.Events))
	got, err := s.GetDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Errorf("document changed by the second Ingest:\n got %+v\nwant %+v", got, doc)
	}
	if reps, err := s.ReportsForDocument(ctx, doc.ID); err != nil || len(reps) != 1 {
		t.Errorf("ReportsForDocument = %d reports, %v; want 1", len(reps), err)
	}
}

func testNewExtractorVersion(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc, rep1 := Sample(4, 3)
	mustIngest(t, s, doc, rep1)
	_, rep2 := Sample(4, 2)
	rep2.ExtractorVersion = "v2"
	rep2.CreatedAt = rep1.CreatedAt.Add(time.Second)
	res := mustIngest(t, s, doc, rep2)
	if !res.Existing || res.ReportID == rep1.ID || len(res.EventIDs) != 2 {
		t.Errorf("IngestResult = %+v; want existing document with a new report of 2 events", res)
	}
	_, rep3 := Sample(4, 1)
	rep3.Extractor = "llm" // another extractor, same version string
	rep3.CreatedAt = rep1.CreatedAt.Add(2 * time.Second)
	mustIngest(t, s, doc, rep3)

	reps, err := s.ReportsForDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Report{*rep1, *rep2, *rep3}
	if !reflect.DeepEqual(reps, want) {
		t.Errorf("ReportsForDocument:\n got %+v\nwant %+v", reps, want)
	}
	counts(t, s, 1, 6)
	if n, err := s.CountEvents(ctx, store.EventFilter{DocumentID: doc.ID}); err != nil || n != 6 {
		t.Errorf("CountEvents(document) = %d, %v; want 6", n, err)
	}
}

func testCallerIDs(t *testing.T, s store.Store) {
	doc, rep := Sample(5, 2)
	rep.ID = "report-chosen-by-caller"
	rep.Events[1].ID = "event-chosen-by-caller"
	res := mustIngest(t, s, doc, rep)
	if res.ReportID != "report-chosen-by-caller" || res.EventIDs[1] != "event-chosen-by-caller" || res.EventIDs[0] == "" {
		t.Errorf("IngestResult = %+v; want the caller's IDs kept and the missing one assigned", res)
	}
	if res.EventIDs[0] == res.EventIDs[1] {
		t.Error("assigned event ID collides")
	}
	got, err := s.GetEvent(t.Context(), "event-chosen-by-caller")
	if err != nil || got.ReportID != rep.ID {
		t.Errorf("GetEvent = %+v, %v", got, err)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	doc, rep := Sample(6, 1)
	mustIngest(t, s, doc, rep)
	missing, _ := Sample(7, 0)
	checks := []struct {
		name string
		err  error
	}{
		{"GetDocument", func() error { _, err := s.GetDocument(ctx, missing.SHA256); return err }()},
		{"GetDocument(garbage)", func() error { _, err := s.GetDocument(ctx, "../x"); return err }()},
		{"GetEvent", func() error { _, err := s.GetEvent(ctx, "no-such-event"); return err }()},
		{"GetEvent(report ID)", func() error { _, err := s.GetEvent(ctx, rep.ID); return err }()},
		{"ReportsForDocument", func() error { _, err := s.ReportsForDocument(ctx, missing.SHA256); return err }()},
	}
	for _, c := range checks {
		if !errs.Is(c.err, errs.NotFound) {
			t.Errorf("%s: error %v, want kind NotFound", c.name, c.err)
		}
	}
}

func testInvalidInput(t *testing.T, s store.Store) {
	tests := []struct {
		name   string
		mutate func(doc *model.Document, rep *model.Report)
	}{
		{"bad sha256", func(d *model.Document, r *model.Report) { d.SHA256 = "ABC" }},
		{"id differs from sha256", func(d *model.Document, r *model.Report) { d.ID = "x" + d.SHA256[1:] }},
		{"negative size", func(d *model.Document, r *model.Report) { d.Size = -1 }},
		{"report for another document", func(d *model.Document, r *model.Report) { r.DocumentID = "other" }},
		{"no extractor", func(d *model.Document, r *model.Report) { r.Extractor = "" }},
		{"bad event date", func(d *model.Document, r *model.Report) { r.Events[1].EventDate = "2024-02-30" }},
		{"date in another format", func(d *model.Document, r *model.Report) { r.Events[1].EventDate = "13/03/2024" }},
		{"date precision", func(d *model.Document, r *model.Report) { r.Events[1].DatePrecision = 9 }},
		{"confidence", func(d *model.Document, r *model.Report) { r.Events[1].Confidence = 1.5 }},
		{"NaN confidence", func(d *model.Document, r *model.Report) { r.Events[1].Confidence = math.NaN() }},
		{"latitude", func(d *model.Document, r *model.Report) { r.Events[0].Location.Latitude = 95 }},
		{"geo precision", func(d *model.Document, r *model.Report) { r.Events[0].Location.GeoPrecision = -1 }},
		{"iso3", func(d *model.Document, r *model.Report) { r.Events[0].Location.ISO3 = "ml" }},
		{"negative count", func(d *model.Document, r *model.Report) { r.Events[0].Fatalities.Best = intp(-3) }},
		{"evidence span", func(d *model.Document, r *model.Report) { r.Events[1].Evidence[0].End = -1 }},
		{"duplicate event IDs", func(d *model.Document, r *model.Report) { r.Events[0].ID, r.Events[1].ID = "dup", "dup" }},
		{"NaN place", func(d *model.Document, r *model.Report) { r.Places[0].Latitude = floatp(math.NaN()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, rep := Sample(8, 2)
			tt.mutate(doc, rep)
			_, err := s.Ingest(t.Context(), doc, rep)
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("Ingest error = %v, want kind Invalid", err)
			}
			counts(t, s, 0, 0)
		})
	}
	if _, err := s.Ingest(t.Context(), nil, nil); !errs.Is(err, errs.Invalid) {
		t.Errorf("Ingest(nil) error = %v, want kind Invalid", err)
	}
}

func testFailedIngest(t *testing.T, s store.Store) {
	ctx := t.Context()
	docA, repA := Sample(9, 3)
	mustIngest(t, s, docA, repA)

	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		doc, rep := Sample(10, 3)
		if _, err := s.Ingest(cctx, doc, rep); err == nil {
			t.Error("Ingest with a cancelled context succeeded")
		}
		if _, err := s.GetDocument(ctx, doc.SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("document stored by the failed Ingest: %v", err)
		}
		counts(t, s, 1, 3)
	})

	// The last event reuses an ID already taken: the store only finds out
	// after it has written the document, the report and the first events.
	t.Run("event ID taken, new document", func(t *testing.T) {
		doc, rep := Sample(11, 3)
		rep.Events[2].ID = repA.Events[0].ID
		_, err := s.Ingest(ctx, doc, rep)
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("Ingest error = %v, want kind Conflict", err)
		}
		if _, err := s.GetDocument(ctx, doc.SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("document left behind by the failed Ingest: %v", err)
		}
		if _, err := s.GetEvent(ctx, rep.Events[0].ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("event %q left behind by the failed Ingest: %v", rep.Events[0].ID, err)
		}
		counts(t, s, 1, 3)
	})

	t.Run("event ID taken, existing document", func(t *testing.T) {
		_, rep := Sample(9, 2)
		rep.ExtractorVersion = "v2"
		rep.Events[1].ID = repA.Events[2].ID
		if _, err := s.Ingest(ctx, docA, rep); !errs.Is(err, errs.Conflict) {
			t.Errorf("Ingest error = %v, want kind Conflict", err)
		}
		reps, err := s.ReportsForDocument(ctx, docA.ID)
		if err != nil || len(reps) != 1 || reps[0].ID != repA.ID {
			t.Errorf("ReportsForDocument = %d reports, %v; want only the first", len(reps), err)
		}
		counts(t, s, 1, 3)
	})

	// The store still works after the failures.
	doc, rep := Sample(12, 1)
	mustIngest(t, s, doc, rep)
	counts(t, s, 2, 4)
}

// filterSet ingests documents with a spread of dates, types and countries
// and returns every stored event, for a reference implementation of the
// filters to run over.
func filterSet(t *testing.T, s store.Store, docs int) []model.StoredEvent {
	var all []model.StoredEvent
	for n := range docs {
		doc, rep := Sample(100+n, 1+n%5)
		mustIngest(t, s, doc, rep)
		all = append(all, stored(doc, rep)...)
	}
	return all
}

// ordered sorts events as ListEvents must: newest date first (undated
// last), then by ID.
func ordered(evs []model.StoredEvent) []model.StoredEvent {
	slices.SortFunc(evs, func(a, b model.StoredEvent) int {
		return cmp.Or(cmp.Compare(b.EventDate, a.EventDate), cmp.Compare(a.ID, b.ID))
	})
	return evs
}

// reference filters all as the store must.
func reference(all []model.StoredEvent, f store.EventFilter) []model.StoredEvent {
	out := []model.StoredEvent{}
	for _, e := range all {
		country := ""
		if e.Location != nil {
			country = e.Location.ISO3
		}
		switch {
		case (f.From != "" || f.To != "") && e.EventDate == "",
			f.From != "" && e.EventDate < f.From,
			f.To != "" && e.EventDate > f.To,
			f.SubEventType != "" && e.SubEventType != f.SubEventType,
			f.Country != "" && country != f.Country,
			f.DocumentID != "" && e.DocumentID != f.DocumentID:
			continue
		}
		out = append(out, e)
	}
	return ordered(out)
}

func testFilters(t *testing.T, s store.Store) {
	all := filterSet(t, s, 24)
	someDoc := all[len(all)/2].DocumentID
	tests := []struct {
		name string
		f    store.EventFilter
	}{
		{"all", store.EventFilter{}},
		{"from", store.EventFilter{From: "2024-02-01"}},
		{"to", store.EventFilter{To: "2024-01-20"}},
		{"one day", store.EventFilter{From: "2024-01-15", To: "2024-01-15"}},
		{"range", store.EventFilter{From: "2024-01-10", To: "2024-02-10"}},
		{"empty range", store.EventFilter{From: "2025-01-01", To: "2025-12-31"}},
		{"sub-event type", store.EventFilter{SubEventType: "Abduction/forced disappearance"}},
		{"unknown type", store.EventFilter{SubEventType: "Peaceful protest"}},
		{"country", store.EventFilter{Country: "BFA"}},
		{"country and range", store.EventFilter{Country: "MLI", From: "2024-01-05", To: "2024-03-01"}},
		{"document", store.EventFilter{DocumentID: someDoc}},
		{"everything", store.EventFilter{From: "2024-01-01", To: "2024-03-31", SubEventType: "Attack", Country: "MLI"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := reference(all, tt.f)
			if tt.name != "empty range" && tt.name != "unknown type" && len(want) == 0 {
				t.Fatalf("test data selects no event for %+v: the case tests nothing", tt.f)
			}
			tt.f.Limit = store.MaxLimit
			got, err := s.ListEvents(t.Context(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ListEvents(%+v): got %d events %v, want %d %v",
					tt.f, len(got), storedIDs(got), len(want), storedIDs(want))
			}
			n, err := s.CountEvents(t.Context(), tt.f)
			if err != nil || n != len(want) {
				t.Errorf("CountEvents(%+v) = %d, %v; want %d", tt.f, n, err, len(want))
			}
		})
	}
}

func storedIDs(evs []model.StoredEvent) []string {
	ids := []string{}
	for _, e := range evs {
		ids = append(ids, fmt.Sprintf("%s@%s", e.ID[:min(6, len(e.ID))], e.EventDate))
	}
	return ids
}

func testInvalidFilters(t *testing.T, s store.Store) {
	tests := []store.EventFilter{
		{From: "2024-13-01"},
		{To: "yesterday"},
		{From: "2024-03-02", To: "2024-03-01"},
		{Country: "mli"},
		{Country: "ML"},
		{DocumentID: "not-a-sum"},
		{Page: store.Page{Limit: -1}},
		{Page: store.Page{Limit: store.MaxLimit + 1}},
		{Page: store.Page{Offset: -5}},
	}
	for _, f := range tests {
		if _, err := s.ListEvents(t.Context(), f); !errs.Is(err, errs.Invalid) {
			t.Errorf("ListEvents(%+v) error = %v, want kind Invalid", f, err)
		}
		if f.Page != (store.Page{}) {
			continue // CountEvents ignores the page
		}
		if _, err := s.CountEvents(t.Context(), f); !errs.Is(err, errs.Invalid) {
			t.Errorf("CountEvents(%+v) error = %v, want kind Invalid", f, err)
		}
	}
	for _, p := range []store.Page{{Limit: -1}, {Limit: store.MaxLimit + 1}, {Offset: -1}} {
		if _, err := s.ListDocuments(t.Context(), p); !errs.Is(err, errs.Invalid) {
			t.Errorf("ListDocuments(%+v) error = %v, want kind Invalid", p, err)
		}
	}
}

func testEventPagination(t *testing.T, s store.Store) {
	ctx := t.Context()
	all := ordered(filterSet(t, s, 45))
	if len(all) <= store.DefaultLimit {
		t.Fatalf("only %d events: too few to test the default limit", len(all))
	}
	// Ties on the date exercise the ordering by ID.
	ties := 0
	for i := 1; i < len(all); i++ {
		if all[i].EventDate == all[i-1].EventDate {
			ties++
		}
	}
	if ties == 0 {
		t.Fatal("test data has no two events on the same date")
	}

	def, err := s.ListEvents(ctx, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(def, all[:store.DefaultLimit]) {
		t.Errorf("ListEvents with no limit returned %d events, want the first %d in order", len(def), store.DefaultLimit)
	}

	for _, size := range []int{1, 7, 50} {
		var got []model.StoredEvent
		for off := 0; ; off += size {
			page, err := s.ListEvents(ctx, store.EventFilter{Page: store.Page{Limit: size, Offset: off}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > size {
				t.Fatalf("page of %d events for limit %d", len(page), size)
			}
			got = append(got, page...)
			if len(page) < size {
				break
			}
		}
		if !reflect.DeepEqual(got, all) {
			t.Errorf("pages of %d: got %v\nwant %v", size, storedIDs(got), storedIDs(all))
		}
	}
	past, err := s.ListEvents(ctx, store.EventFilter{Page: store.Page{Offset: len(all)}})
	if err != nil || len(past) != 0 {
		t.Errorf("page past the end = %d events, %v; want none", len(past), err)
	}
}

func testDocumentPagination(t *testing.T, s store.Store) {
	ctx := t.Context()
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	var want []model.Document
	for n := range 12 {
		doc, rep := Sample(200+n, 1)
		doc.CreatedAt = base.Add(time.Duration(n%5) * time.Hour) // some share a time: ID breaks the tie
		mustIngest(t, s, doc, rep)
		doc.Text = ""
		want = append(want, *doc)
	}
	slices.SortFunc(want, func(a, b model.Document) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	var got []model.Document
	for off := 0; off < 20; off += 5 {
		page, err := s.ListDocuments(ctx, store.Page{Limit: 5, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListDocuments pages:\n got %+v\nwant %+v", got, want)
	}
	all, err := s.ListDocuments(ctx, store.Page{})
	if err != nil || len(all) != len(want) {
		t.Errorf("ListDocuments(default page) = %d, %v; want %d", len(all), err, len(want))
	}
}

func testConcurrentIngest(t *testing.T, s store.Store) {
	ctx := t.Context()
	const workers, perWorker, events = 8, 12, 3
	type result struct {
		res store.IngestResult
		err error
	}
	results := make([][]result, workers)
	shared := make([]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				doc, rep := Sample(1000+w*perWorker+i, events)
				res, err := s.Ingest(ctx, doc, rep)
				results[w] = append(results[w], result{res, err})
				if i == perWorker/2 { // everyone also races on one document
					doc, rep := Sample(999, events)
					res, err := s.Ingest(ctx, doc, rep)
					shared[w] = result{res, err}
				}
			}
		})
	}
	wg.Wait()

	seen := map[string]bool{}
	for w := range workers {
		for _, r := range results[w] {
			if r.err != nil {
				t.Fatalf("worker %d: %v", w, r.err)
			}
			if r.res.Existing {
				t.Errorf("worker %d: fresh document %s reported as existing", w, r.res.DocumentID)
			}
			for _, id := range r.res.EventIDs {
				if seen[id] {
					t.Errorf("event ID %s assigned twice", id)
				}
				seen[id] = true
			}
		}
	}
	fresh := 0
	for w, r := range shared {
		if r.err != nil {
			t.Fatalf("worker %d, shared document: %v", w, r.err)
		}
		if !r.res.Existing {
			fresh++
		}
		if r.res.ReportID != shared[0].res.ReportID || !slices.Equal(r.res.EventIDs, shared[0].res.EventIDs) {
			t.Errorf("shared document: worker %d got %+v, worker 0 got %+v", w, r.res, shared[0].res)
		}
	}
	if fresh != 1 {
		t.Errorf("shared document stored as new by %d workers, want exactly 1", fresh)
	}
	counts(t, s, workers*perWorker+1, (workers*perWorker+1)*events)
}
