package incident

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

func openSQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// storedReport ingests a report and returns it with its stored events.
func storedReport(t testing.TB, s store.Store, outlet, published, text string, evs []model.Event) (Report, []model.Event) {
	t.Helper()
	pub, err := time.Parse(time.DateOnly, published)
	if err != nil {
		t.Fatal(err)
	}
	doc := &model.Document{SHA256: blob.Sum([]byte(text)), Size: int64(len(text)), MediaType: "text/plain", Source: outlet,
		Published: &pub, Retrieved: pub, Lang: "en", Text: text}
	rep := &model.Report{Extractor: "test", ExtractorVersion: "1", Events: evs}
	res, err := s.Ingest(context.Background(), doc, rep)
	if err != nil {
		t.Fatal(err)
	}
	if res.Existing {
		t.Fatalf("report %q stored twice", text[:min(40, len(text))])
	}
	return Report{DocumentID: doc.ID, Outlet: outlet, Kind: GuessKind(outlet), Published: published, Text: text}, rep.Events
}

// smallWorld makes reports of events crowded into a few towns and weeks,
// so that many link, with syndicated copies of some.
func smallWorld(n int) (texts, outlets, published []string, events [][]model.Event) {
	r := rand.New(rand.NewPCG(5, 5))
	towns := []model.Location{}
	for i := range 12 {
		towns = append(towns, model.Location{Name: fmt.Sprint("Town", i), GeonameID: int64(100 + i), Latitude: 14 + 0.15*float64(i%4),
			Longitude: -4 + 0.2*float64(i/4), ISO3: "MLI", Admin1: "Ségou", Admin2: fmt.Sprint("c", i%3), GeoPrecision: 1 + i%3})
	}
	outletNames := []string{"Sahel Wire", "AFP", "Bamako Matin", "Human Rights Watch", "Radio Kayes", "Army statement"}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 4 && i%5 == 0 { // a syndicated copy of an earlier report
			j := r.IntN(i)
			texts = append(texts, fmt.Sprintf("Republished by partner site %d. %s", i, texts[j]))
			outlets = append(outlets, outletNames[r.IntN(len(outletNames))])
			published = append(published, published[j])
			cp := slices.Clone(events[j])
			for k := range cp {
				cp[k].ID = ""
			}
			events = append(events, cp)
			continue
		}
		var evs []model.Event
		for range 1 + r.IntN(2) {
			t := subs[r.IntN(4)]
			loc := towns[r.IntN(len(towns))]
			evs = append(evs, model.Event{EventDate: base.AddDate(0, 0, r.IntN(25)).Format(time.DateOnly), DatePrecision: 1 + r.IntN(3),
				DisorderType: t.disorder, EventType: t.typ, SubEventType: t.sub, Location: &loc,
				Actors:     []model.Actor{{Role: "actor1", Name: names[r.IntN(4)]}},
				Fatalities: &model.Count{Best: ip(r.IntN(20))}, Certainty: model.CertaintyReported})
		}
		words := make([]string, 60)
		for k := range words {
			words[k] = fmt.Sprint("w", r.IntN(5000))
		}
		texts = append(texts, fmt.Sprintf("Report %d. %s.", i, strings.Join(words, " ")))
		outlets = append(outlets, outletNames[r.IntN(len(outletNames))])
		published = append(published, base.AddDate(0, 0, 20+r.IntN(10)).Format(time.DateOnly))
		events = append(events, evs)
	}
	return
}

func partition(ids []string, incidentOf func(id string) []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, strings.Join(incidentOf(id), ","))
	}
	return out
}

// Linking through the store, in batches and with its memory dropped now
// and then, decides exactly what a Linker holding everything in memory
// decides, and summaries agree.
func TestStoredMatchesMemory(t *testing.T) {
	ctx := t.Context()
	st := openSQLite(t)
	texts, outlets, published, events := smallWorld(240)
	counter := func() func(int) string {
		n := 0
		return func(int) string { n++; return fmt.Sprintf("inc-%06d", n) }
	}
	storedIDs := counter()
	mem, err := New(Config{NewID: counter()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for i := range texts {
		r, evs := storedReport(t, st, outlets[i], published[i], texts[i], events[i])
		if _, err := mem.AddReport(r, evs); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, r.DocumentID)
	}
	var s *Stored
	for i, size := 0, 1; i < len(docs); i, size = i+size, size%23+1 {
		if s == nil || size%7 == 0 { // a new Stored reads everything from the store again
			if s, err = NewStored(st, Config{NewID: storedIDs}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.LinkDocuments(ctx, docs[i:min(len(docs), i+size)]); err != nil {
			t.Fatal(err)
		}
	}
	again, err := s.LinkDocuments(ctx, docs[:3])
	if err != nil || len(again) != 0 {
		t.Errorf("linking linked documents again: %v, %v", again, err)
	}
	if n, err := st.CountIncidents(ctx); err != nil || n != mem.Len() {
		t.Errorf("store holds %d incidents, memory %d (%v)", n, mem.Len(), err)
	}
	if mem.Len() > len(texts)*3/4 {
		t.Errorf("%d incidents of %d reports: the world is not crowded enough to test linking", mem.Len(), len(texts))
	}
	for _, id := range mem.IDs() {
		want, _ := mem.Get(id)
		got, err := st.GetIncidents(ctx, []string{id})
		if err != nil || len(got) != 1 {
			t.Fatalf("incident %s: %v, %v", id, got, err)
		}
		if !slices.Equal(got[0].EventIDs(), want.EventIDs()) {
			t.Errorf("incident %s: store %v, memory %v", id, got[0].EventIDs(), want.EventIDs())
		}
		ms, _ := mem.Summarize(id)
		ss, err := SummarizeStored(ctx, st, id, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if ms.IndependentSources != ss.IndependentSources || !slices.Equal(ms.Documents, ss.Documents) ||
			ms.Corroboration.Level != ss.Corroboration.Level {
			t.Errorf("incident %s: stored summary %s, memory %s", id, ss, ms)
		}
	}
	res, err := ledger.Verify(ctx, st, ledger.Options{})
	if err != nil || !res.OK() {
		t.Errorf("verify: %v %v", res.Problems, err)
	}
}

// Merge, split and revert through the store are audited, survive a new
// Stored, and undo each other exactly; the ledger stays consistent.
func TestStoredMergeSplitRevert(t *testing.T) {
	ctx := t.Context()
	st := openSQLite(t)
	a := ev("2025-03-13", 1, "Nampala", 1, "Attack", "JNIM")
	b := ev("2025-03-13", 1, "Diabaly", 1, "Attack", "JNIM")
	c := ev("2025-03-14", 1, "Nampala", 1, "Looting/property destruction", "JNIM")
	ra, ea := storedReport(t, st, "Sahel Wire", "2025-03-14", "Gunmen attacked Nampala, residents said.", []model.Event{a})
	rb, eb := storedReport(t, st, "Radio Kayes", "2025-03-14", "Gunmen attacked Diabaly on Thursday.", []model.Event{b})
	rc, ec := storedReport(t, st, "Human Rights Watch", "2025-04-01", "Shops were looted in Nampala.", []model.Event{c})
	s, err := NewStored(st, Config{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.LinkDocuments(ctx, []string{ra.DocumentID, rb.DocumentID, rc.DocumentID})
	if err != nil || len(ds) != 3 {
		t.Fatalf("LinkDocuments = %v, %v", ds, err)
	}
	if !ds[0].Opened || !ds[1].Opened || ds[2].Opened || ds[2].IncidentID != ds[0].IncidentID {
		t.Fatalf("decisions %+v", ds)
	}
	nam, dia := ds[0].IncidentID, ds[1].IncidentID
	fresh := func() *Stored {
		s, err := NewStored(st, Config{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	members := func(id string) []string {
		incs, err := st.GetIncidents(ctx, []string{id})
		if err != nil || len(incs) != 1 {
			t.Fatalf("GetIncidents(%s): %v %v", id, incs, err)
		}
		if incs[0].MergedInto != "" {
			return []string{"merged into " + incs[0].MergedInto}
		}
		return incs[0].EventIDs()
	}
	m, err := fresh().Merge(ctx, nam, dia, "user:ana", "one raid across two villages")
	if err != nil {
		t.Fatal(err)
	}
	if got := members(nam); !slices.Equal(got, []string{ea[0].ID, ec[0].ID, eb[0].ID}) {
		t.Errorf("after merge %s = %v", nam, got)
	}
	if got := members(dia); !slices.Equal(got, []string{"merged into " + nam}) {
		t.Errorf("after merge %s = %v", dia, got)
	}
	if _, err := fresh().Summarize(ctx, dia); !errs.Is(err, errs.NotFound) {
		t.Errorf("summary of a merged incident: %v", err)
	}
	r, err := fresh().Revert(ctx, m.Seq, "user:ana", "they were two raids")
	if err != nil {
		t.Fatal(err)
	}
	if r.Op != OpSplit || r.Reverts != m.Seq || !slices.Equal(members(dia), []string{eb[0].ID}) ||
		!slices.Equal(members(nam), []string{ea[0].ID, ec[0].ID}) {
		t.Errorf("after revert: %+v; %s = %v, %s = %v", r, nam, members(nam), dia, members(dia))
	}
	sp, err := fresh().Split(ctx, nam, []string{ec[0].ID}, "user:ana", "looting was another day")
	if err != nil {
		t.Fatal(err)
	}
	if nw := sp.Incidents[1]; !slices.Equal(members(nw), []string{ec[0].ID}) || !slices.Equal(members(nam), []string{ea[0].ID}) {
		t.Errorf("after split: %s = %v, %s = %v", nam, members(nam), nw, members(nw))
	}
	if _, err := fresh().Revert(ctx, sp.Seq, "user:ana", ""); err != nil {
		t.Fatal(err)
	}
	if got := members(nam); !slices.Equal(got, []string{ea[0].ID, ec[0].ID}) {
		t.Errorf("after reverting the split %s = %v", nam, got)
	}
	if _, err := fresh().Revert(ctx, 1, "user:ana", ""); !errs.Is(err, errs.Invalid) {
		t.Errorf("reverting an open: %v", err)
	}
	if _, err := fresh().Revert(ctx, 999, "user:ana", ""); !errs.Is(err, errs.NotFound) {
		t.Errorf("reverting nothing: %v", err)
	}
	if _, err := fresh().Merge(ctx, nam, "inc-nope", "user:ana", ""); !errs.Is(err, errs.NotFound) {
		t.Errorf("merging an unknown incident: %v", err)
	}
	log, err := st.IncidentLog(ctx, nam, 0, 0)
	if err != nil || len(log) != 6 {
		t.Errorf("log of %s: %d lines, %v; want open, link, merge, revert, split, revert", nam, len(log), err)
	}
	res, err := ledger.Verify(ctx, st, ledger.Options{})
	if err != nil || !res.OK() {
		t.Errorf("verify: %v %v", res.Problems, err)
	}
}

func TestKeyInt64(t *testing.T) {
	seen := map[int64]Key{}
	for _, l := range []uint8{0, 1, 2, 3} {
		for _, b := range []int32{-102800, -1, 0, 1, 2900, 418985} {
			for _, c := range []int32{NoCell, -1, 0, 1, cellIJ(-180, 359), cellIJ(179, 0)} {
				k := Key{l, b, c}
				if o, dup := seen[k.Int64()]; dup {
					t.Fatalf("%v and %v pack to the same number", o, k)
				}
				seen[k.Int64()] = k
			}
		}
	}
}

func TestGuessKind(t *testing.T) {
	for _, tc := range []struct {
		outlet string
		want   SourceKind
	}{
		{"", KindLocalMedia}, {"Bamako Matin", KindLocalMedia}, {"NAN", KindIntlMedia}, {"AFP", KindIntlMedia},
		{"Radio Sahel Internationale", KindIntlMedia}, {"Sahel Rights Watch", KindNGO}, {"Amnesty International", KindNGO},
		{"Ministère de la Défense", KindOfficial}, {"MINUSMA", KindOfficial}, {"Témoins de Boni", KindWitness},
	} {
		if got := GuessKind(tc.outlet); got != tc.want {
			t.Errorf("GuessKind(%q) = %s, want %s", tc.outlet, got, tc.want)
		}
	}
}
