package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

// RunIncidents runs the incidents' part of the suite (store.Incidents).
// open must return a new, empty store each time; RunIncidents closes them.
// When the store also keeps a ledger, every change must be logged in it.
func RunIncidents(t *testing.T, open func(t *testing.T) store.IncidentStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.IncidentStore)
	}{
		{"OpenLinkRoundTrip", testIncidentRoundTrip},
		{"MergeSplitRevive", testMergeSplit},
		{"Candidates", testIncidentCandidates},
		{"Conflicts", testIncidentConflicts},
		{"InvalidChanges", testIncidentInvalid},
		{"FailedChangeStoresNothing", testIncidentAtomic},
		{"UnlinkedDocuments", testUnlinked},
		{"ListAndLog", testIncidentListLog},
		{"ConcurrentLinks", testIncidentConcurrent},
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

// linkFixture ingests n sample documents of k events and returns their
// document IDs and event IDs.
func linkFixture(t *testing.T, s store.Store, n, k int) (docs []string, events [][]string) {
	t.Helper()
	base, err := s.CountDocuments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		doc, rep := Sample(100+base+i, k)
		res := mustIngest(t, s, doc, rep)
		docs = append(docs, res.DocumentID)
		events = append(events, res.EventIDs)
	}
	return docs, events
}

func entry(doc, ev string, key int64) store.IncidentEntry {
	return store.IncidentEntry{EventID: ev, DocumentID: doc, Key: key, Day: 20000, Lat: 14.5, Lon: -5.25, DatePrec: 1, GeoPrec: 1}
}

func linkedDoc(doc string) store.LinkedDocument {
	return store.LinkedDocument{DocumentID: doc, Outlet: "Sahel Wire", Kind: "local_media", Published: "2024-03-02",
		Signature: []byte{1, 2, 3, 4, 5, 6, 7, 8}}
}

func audit(op, actor, reason string, incidents []string, events ...string) store.IncidentAudit {
	return store.IncidentAudit{Op: op, Actor: actor, Reason: reason, Incidents: incidents, Events: events}
}

func mustSave(t *testing.T, s store.IncidentStore, ch *store.IncidentChange) {
	t.Helper()
	if err := s.SaveIncidents(t.Context(), ch); err != nil {
		t.Fatalf("SaveIncidents: %v", err)
	}
}

func getIncident(t *testing.T, s store.IncidentStore, id string) store.Incident {
	t.Helper()
	incs, err := s.GetIncidents(t.Context(), []string{id})
	if err != nil || len(incs) != 1 {
		t.Fatalf("GetIncidents(%s) = %d incidents, %v", id, len(incs), err)
	}
	return incs[0]
}

// checkLogged checks, when s keeps a ledger, that the incident's newest
// leaf has the given op and the digest of the record the store rebuilds.
func checkLogged(t *testing.T, s store.IncidentStore, id, op string) {
	t.Helper()
	ls, ok := s.(store.LedgerStore)
	if !ok {
		return
	}
	ctx := t.Context()
	idx, err := ls.LedgerLeafIndexes(ctx, store.KindIncident, id)
	if err != nil || len(idx) == 0 {
		t.Fatalf("incident %s: leaf indexes %v, %v", id, idx, err)
	}
	leaves, err := ls.LedgerLeaves(ctx, idx[len(idx)-1], idx[len(idx)-1]+1)
	if err != nil || len(leaves) != 1 {
		t.Fatalf("incident %s: leaves %v, %v", id, leaves, err)
	}
	leaf, err := ledger.ParseLeaf(leaves[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ls.LedgerRecord(ctx, store.KindIncident, id)
	if err != nil {
		t.Fatal(err)
	}
	if leaf.Op != op || leaf.SHA256 != rec.SHA256 || len(rec.Problems) > 0 {
		t.Errorf("incident %s: newest leaf %s (digest %s), record digest %s, problems %v; want op %s and the same digest",
			id, leaf.Op, leaf.SHA256, rec.SHA256, rec.Problems, op)
	}
}

func testIncidentRoundTrip(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 2, 2)
	ch := &store.IncidentChange{
		Documents: []store.LinkedDocument{linkedDoc(docs[0]), linkedDoc(docs[1])},
		Entries: []store.IncidentEntry{entry(docs[0], evs[0][0], 7), entry(docs[0], evs[0][1], 8),
			entry(docs[1], evs[1][0], 7)},
		Audit: []store.IncidentAudit{
			audit(store.IncidentOpen, "system:linker", "no incident nearby", []string{"inc-a"}, evs[0][0]),
			audit(store.IncidentOpen, "system:linker", "no incident nearby", []string{"inc-b"}, evs[0][1]),
			audit(store.IncidentLink, "system:linker", "same place, same day — score 0.9", []string{"inc-a"}, evs[1][0]),
		},
	}
	mustSave(t, s, ch)
	for i, a := range ch.Audit {
		if a.Seq != int64(i+1) || a.At.IsZero() {
			t.Errorf("audit line %d: Seq %d At %v; want %d and a time", i, a.Seq, a.At, i+1)
		}
	}
	a := getIncident(t, s, "inc-a")
	if !slices.Equal(a.EventIDs(), []string{evs[0][0], evs[1][0]}) || a.MergedInto != "" || a.CreatedAt.IsZero() {
		t.Errorf("inc-a = %v merged %q created %v", a.EventIDs(), a.MergedInto, a.CreatedAt)
	}
	m := a.Members[1]
	if m.DocumentID != docs[1] || m.Key != 7 || m.Day != 20000 || m.Lat != 14.5 || m.Lon != -5.25 || m.DatePrec != 1 ||
		m.GeoPrec != 1 || m.IncidentID != "inc-a" || m.Event.ID != evs[1][0] || m.Event.DocumentID != docs[1] || m.Event.SubEventType == "" {
		t.Errorf("member = %+v", m)
	}
	if id, err := s.IncidentOfEvent(ctx, evs[0][1]); err != nil || id != "inc-b" {
		t.Errorf("IncidentOfEvent = %q, %v; want inc-b", id, err)
	}
	if _, err := s.IncidentOfEvent(ctx, evs[1][1]); !errs.Is(err, errs.NotFound) {
		t.Errorf("IncidentOfEvent of an unlinked event: %v; want NotFound", err)
	}
	got, err := s.LinkedDocuments(ctx, []string{docs[1], "nope", docs[0]})
	if err != nil || len(got) != 2 || got[0].DocumentID != docs[0] || got[1].Seq <= got[0].Seq ||
		got[0].Outlet != "Sahel Wire" || got[0].Kind != "local_media" || got[0].Published != "2024-03-02" ||
		!slices.Equal(got[0].Signature, []byte{1, 2, 3, 4, 5, 6, 7, 8}) || got[0].LinkedAt.IsZero() {
		t.Errorf("LinkedDocuments = %+v, %v", got, err)
	}
	if n, err := s.CountIncidents(ctx); err != nil || n != 2 {
		t.Errorf("CountIncidents = %d, %v; want 2", n, err)
	}
	if incs, err := s.GetIncidents(ctx, []string{"inc-b", "missing", "inc-a"}); err != nil || len(incs) != 2 || incs[0].ID != "inc-b" {
		t.Errorf("GetIncidents order: %v, %v", incs, err)
	}
	checkLogged(t, s, "inc-a", ledger.OpUpdate)
	checkLogged(t, s, "inc-b", ledger.OpCreate)
}

// A merge moves every event and marks the incident merged; a split moves
// some out to a new incident, or back under a merged incident's ID.
func testMergeSplit(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 3, 1)
	e0, e1, e2 := evs[0][0], evs[1][0], evs[2][0]
	mustSave(t, s, &store.IncidentChange{
		Entries: []store.IncidentEntry{entry(docs[0], e0, 1), entry(docs[1], e1, 1), entry(docs[2], e2, 2)},
		Audit: []store.IncidentAudit{
			audit(store.IncidentOpen, "system:linker", "", []string{"x"}, e0),
			audit(store.IncidentLink, "system:linker", "", []string{"x"}, e1),
			audit(store.IncidentOpen, "system:linker", "", []string{"y"}, e2),
		},
	})
	merge := audit(store.IncidentMerge, "user:ana", "the same raid", []string{"x", "y"}, e2)
	ch := &store.IncidentChange{Audit: []store.IncidentAudit{merge}}
	mustSave(t, s, ch)
	if x := getIncident(t, s, "x"); !slices.Equal(x.EventIDs(), []string{e0, e1, e2}) {
		t.Errorf("after merge x = %v", x.EventIDs())
	}
	if y := getIncident(t, s, "y"); y.MergedInto != "x" || len(y.Members) != 0 {
		t.Errorf("after merge y = %+v", y)
	}
	if n, _ := s.CountIncidents(ctx); n != 1 {
		t.Errorf("CountIncidents after merge = %d", n)
	}
	checkLogged(t, s, "y", ledger.OpMerge)
	checkLogged(t, s, "x", ledger.OpUpdate)
	if err := s.SaveIncidents(ctx, &store.IncidentChange{Audit: []store.IncidentAudit{
		audit(store.IncidentLink, "system:linker", "", []string{"y"}, e2)}}); err == nil {
		t.Error("linked into a merged incident")
	}

	// Revert the merge: split e2 back out under y.
	revert := audit(store.IncidentSplit, "user:ana", "reverts #4", []string{"x", "y"}, e2)
	revert.Reverts = ch.Audit[0].Seq
	mustSave(t, s, &store.IncidentChange{Audit: []store.IncidentAudit{revert}})
	if y := getIncident(t, s, "y"); y.MergedInto != "" || !slices.Equal(y.EventIDs(), []string{e2}) {
		t.Errorf("after revert y = %+v", y)
	}
	checkLogged(t, s, "y", ledger.OpUpdate)

	// Split e0 out to a new incident z; x keeps e1.
	mustSave(t, s, &store.IncidentChange{Audit: []store.IncidentAudit{
		audit(store.IncidentSplit, "user:ana", "another day", []string{"x", "z"}, e0)}})
	if x, z := getIncident(t, s, "x"), getIncident(t, s, "z"); !slices.Equal(x.EventIDs(), []string{e1}) || !slices.Equal(z.EventIDs(), []string{e0}) {
		t.Errorf("after split x = %v z = %v", x.EventIDs(), z.EventIDs())
	}
	checkLogged(t, s, "z", ledger.OpCreate)
	// Linking after a split appends after the last member.
	docs2, evs2 := linkFixture(t, s, 1, 1)
	mustSave(t, s, &store.IncidentChange{Entries: []store.IncidentEntry{entry(docs2[0], evs2[0][0], 1)},
		Audit: []store.IncidentAudit{audit(store.IncidentLink, "system:linker", "", []string{"x"}, evs2[0][0])}})
	if x := getIncident(t, s, "x"); !slices.Equal(x.EventIDs(), []string{e1, evs2[0][0]}) {
		t.Errorf("after link x = %v", x.EventIDs())
	}
	log, err := s.IncidentLog(ctx, "y", 0, 0)
	if err != nil || len(log) != 3 || log[1].Op != store.IncidentMerge || log[2].Reverts != log[1].Seq ||
		log[1].Actor != "user:ana" || log[1].Reason != "the same raid" || !slices.Equal(log[1].Events, []string{e2}) {
		t.Errorf("IncidentLog(y) = %+v, %v", log, err)
	}
}

func testIncidentCandidates(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 1, 3)
	mustSave(t, s, &store.IncidentChange{
		Entries: []store.IncidentEntry{entry(docs[0], evs[0][0], -5), entry(docs[0], evs[0][1], 1<<60|3), entry(docs[0], evs[0][2], 9)},
		Audit: []store.IncidentAudit{
			audit(store.IncidentOpen, "system:linker", "", []string{"a"}, evs[0][0]),
			audit(store.IncidentOpen, "system:linker", "", []string{"b"}, evs[0][1]),
			audit(store.IncidentOpen, "system:linker", "", []string{"c"}, evs[0][2]),
		},
	})
	keys := []int64{1<<60 | 3, -5, 42}
	for i := range 700 { // more keys than one statement takes
		keys = append(keys, int64(1000+i))
	}
	got, err := s.IncidentCandidates(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range got {
		ids = append(ids, e.IncidentID+"/"+fmt.Sprint(e.Key))
	}
	slices.Sort(ids)
	if want := []string{"a/-5", fmt.Sprintf("b/%d", int64(1<<60|3))}; !slices.Equal(ids, want) {
		t.Errorf("IncidentCandidates = %v; want %v", ids, want)
	}
	if got, err := s.IncidentCandidates(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("IncidentCandidates(nil) = %v, %v", got, err)
	}
}

func testIncidentConflicts(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 2, 1)
	mustSave(t, s, &store.IncidentChange{Documents: []store.LinkedDocument{linkedDoc(docs[0])},
		Entries: []store.IncidentEntry{entry(docs[0], evs[0][0], 1)},
		Audit:   []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", "", []string{"a"}, evs[0][0])}})
	for _, tc := range []struct {
		name string
		ch   store.IncidentChange
		kind errs.Kind
	}{
		{"document linked twice", store.IncidentChange{Documents: []store.LinkedDocument{linkedDoc(docs[0])}}, errs.Conflict},
		{"event in two incidents", store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[0], evs[0][0], 1)},
			Audit: []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", "", []string{"b"}, evs[0][0])}}, errs.Conflict},
		{"incident ID taken", store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[1], evs[1][0], 1)},
			Audit: []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", "", []string{"a"}, evs[1][0])}}, errs.Conflict},
		{"link to unknown incident", store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[1], evs[1][0], 1)},
			Audit: []store.IncidentAudit{audit(store.IncidentLink, "system:linker", "", []string{"zz"}, evs[1][0])}}, errs.NotFound},
		{"split to a standing incident", store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[1], evs[1][0], 1)},
			Audit: []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", "", []string{"b"}, evs[1][0]),
				audit(store.IncidentSplit, "u", "", []string{"b", "a"}, evs[1][0])}}, errs.Conflict},
	} {
		if err := s.SaveIncidents(ctx, &tc.ch); !errs.Is(err, tc.kind) {
			t.Errorf("%s: %v; want kind %v", tc.name, err, tc.kind)
		}
	}
}

func testIncidentInvalid(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 1, 2)
	e0, e1 := evs[0][0], evs[0][1]
	mustSave(t, s, &store.IncidentChange{
		Entries: []store.IncidentEntry{entry(docs[0], e0, 1), entry(docs[0], e1, 1)},
		Audit: []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", "", []string{"a"}, e0),
			audit(store.IncidentOpen, "system:linker", "", []string{"b"}, e1)}})
	long := string(make([]byte, store.MaxIncidentReason+1))
	bad := []struct {
		name string
		ch   store.IncidentChange
	}{
		{"unknown op", store.IncidentChange{Audit: []store.IncidentAudit{audit("delete", "u", "", []string{"a"}, e0)}}},
		{"no actor", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentMerge, "", "", []string{"a", "b"}, e1)}}},
		{"no events", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentMerge, "u", "", []string{"a", "b"})}}},
		{"merge with itself", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentMerge, "u", "", []string{"a", "a"}, e0)}}},
		{"merge naming other events", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentMerge, "u", "", []string{"a", "b"}, e0)}}},
		{"split of every event", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentSplit, "u", "", []string{"a", "c"}, e0)}}},
		{"split of an event elsewhere", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentSplit, "u", "", []string{"a", "c"}, e1)}}},
		{"reason too long", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentMerge, "u", long, []string{"a", "b"}, e1)}}},
		{"entry nobody links", store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[0], "ev-x", 1)}}},
		{"link without entry", store.IncidentChange{Audit: []store.IncidentAudit{audit(store.IncidentLink, "u", "", []string{"a"}, "ev-x")}}},
		{"event not stored", store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[0], "ev-x", 1)},
			Audit: []store.IncidentAudit{audit(store.IncidentLink, "u", "", []string{"a"}, "ev-x")}}},
		{"document not stored", store.IncidentChange{Documents: []store.LinkedDocument{linkedDoc(hash("nope"))}}},
		{"bad document ID", store.IncidentChange{Documents: []store.LinkedDocument{linkedDoc("nope")}}},
		{"bad kind", store.IncidentChange{Documents: []store.LinkedDocument{{DocumentID: docs[0], Kind: "Local Media"}}}},
		{"bad signature", store.IncidentChange{Documents: []store.LinkedDocument{{DocumentID: docs[0], Kind: "ngo", Signature: []byte{1}}}}},
		{"bad precision", store.IncidentChange{Entries: []store.IncidentEntry{{EventID: e0, DocumentID: docs[0], DatePrec: 4}}}},
	}
	for _, tc := range bad {
		if err := s.SaveIncidents(ctx, &tc.ch); !errs.Is(err, errs.Invalid) {
			t.Errorf("%s: %v; want kind Invalid", tc.name, err)
		}
	}
}

// A change that fails part way stores none of it, and logs none of it.
func testIncidentAtomic(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 2, 1)
	size := func() int64 {
		if ls, ok := s.(store.LedgerStore); ok {
			return ledgerSize(t, ls)
		}
		return 0
	}
	before := size()
	err := s.SaveIncidents(ctx, &store.IncidentChange{
		Documents: []store.LinkedDocument{linkedDoc(docs[0])},
		Entries:   []store.IncidentEntry{entry(docs[0], evs[0][0], 1), entry(docs[1], evs[1][0], 1)},
		Audit: []store.IncidentAudit{
			audit(store.IncidentOpen, "system:linker", "", []string{"a"}, evs[0][0]),
			audit(store.IncidentLink, "system:linker", "", []string{"nope"}, evs[1][0]),
		},
	})
	if err == nil {
		t.Fatal("a change linking to an unknown incident was applied")
	}
	if n, _ := s.CountIncidents(ctx); n != 0 {
		t.Errorf("CountIncidents after a failed change = %d", n)
	}
	if got, _ := s.LinkedDocuments(ctx, docs); len(got) != 0 {
		t.Errorf("LinkedDocuments after a failed change = %v", got)
	}
	if log, _ := s.IncidentLog(ctx, "", 0, 0); len(log) != 0 {
		t.Errorf("IncidentLog after a failed change = %v", log)
	}
	if after := size(); after != before {
		t.Errorf("ledger grew from %d to %d leaves on a failed change", before, after)
	}
}

func testUnlinked(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, _ := linkFixture(t, s, 3, 1)
	empty, rep := Sample(200, 0) // a document without events is never linked
	mustIngest(t, s, empty, rep)
	got, err := s.UnlinkedDocuments(ctx, 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("UnlinkedDocuments = %v, %v; want the 3 documents with events", got, err)
	}
	// Oldest publication first: Sample(n) is published on day 1+n%28 of March.
	want := slices.Clone(docs)
	if !slices.Equal(got, want) {
		t.Errorf("UnlinkedDocuments = %v; want %v", got, want)
	}
	mustSave(t, s, &store.IncidentChange{Documents: []store.LinkedDocument{linkedDoc(docs[1])}})
	if got, err := s.UnlinkedDocuments(ctx, 1); err != nil || !slices.Equal(got, []string{docs[0]}) {
		t.Errorf("UnlinkedDocuments(1) = %v, %v", got, err)
	}
	if _, err := s.UnlinkedDocuments(ctx, 0); !errs.Is(err, errs.Invalid) {
		t.Errorf("UnlinkedDocuments(0): %v", err)
	}
}

func testIncidentListLog(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 3, 1)
	for i := range 3 {
		mustSave(t, s, &store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[i], evs[i][0], 1)},
			Audit: []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", fmt.Sprint("line ", i), []string{fmt.Sprint("i", i)}, evs[i][0])}})
	}
	list, err := s.ListIncidents(ctx, store.Page{Limit: 2})
	if err != nil || len(list) != 2 || list[0].ID != "i2" || list[1].ID != "i1" || len(list[0].Members) != 1 ||
		list[0].Members[0].EventID != evs[2][0] {
		t.Errorf("ListIncidents = %+v, %v", list, err)
	}
	log, err := s.IncidentLog(ctx, "", 1, 1)
	if err != nil || len(log) != 1 || log[0].Seq != 2 || log[0].Reason != "line 1" || !slices.Equal(log[0].Incidents, []string{"i1"}) {
		t.Errorf("IncidentLog(after 1, limit 1) = %+v, %v", log, err)
	}
	if _, err := s.IncidentLog(ctx, "", 0, store.MaxLimit+1); !errs.Is(err, errs.Invalid) {
		t.Errorf("IncidentLog over the limit: %v", err)
	}
}

// Links from many goroutines all land, each event once, with one audit
// line each, in a consistent order.
func testIncidentConcurrent(t *testing.T, s store.IncidentStore) {
	ctx := t.Context()
	docs, evs := linkFixture(t, s, 8, 1)
	mustSave(t, s, &store.IncidentChange{Entries: []store.IncidentEntry{entry(docs[0], evs[0][0], 1)},
		Audit: []store.IncidentAudit{audit(store.IncidentOpen, "system:linker", "", []string{"hub"}, evs[0][0])}})
	var wg sync.WaitGroup
	errc := make(chan error, 7)
	for i := 1; i < 8; i++ {
		wg.Go(func() {
			errc <- s.SaveIncidents(ctx, &store.IncidentChange{Documents: []store.LinkedDocument{linkedDoc(docs[i])},
				Entries: []store.IncidentEntry{entry(docs[i], evs[i][0], 1)},
				Audit:   []store.IncidentAudit{audit(store.IncidentLink, "system:linker", "", []string{"hub"}, evs[i][0])}})
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Error(err)
		}
	}
	hub := getIncident(t, s, "hub")
	if len(hub.Members) != 8 {
		t.Errorf("hub has %d members, want 8", len(hub.Members))
	}
	log, err := s.IncidentLog(ctx, "hub", 0, 0)
	if err != nil || len(log) != 8 {
		t.Errorf("hub log has %d lines, %v; want 8", len(log), err)
	}
	if got, err := s.LinkedDocuments(ctx, docs); err != nil || len(got) != 7 {
		t.Errorf("LinkedDocuments = %d, %v; want 7", len(got), err)
	}
	checkLogged(t, s, "hub", ledger.OpUpdate)
}
