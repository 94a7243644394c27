package postgres

import (
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

// samples returns storetest.Sample(n, events) for each n.
func samples(events int, ns ...int) ([]*model.Document, []*model.Report) {
	var docs []*model.Document
	var reps []*model.Report
	for _, n := range ns {
		doc, rep := storetest.Sample(n, events)
		docs, reps = append(docs, doc), append(reps, rep)
	}
	return docs, reps
}

func span(from, to int) []int {
	var ns []int
	for n := from; n < to; n++ {
		ns = append(ns, n)
	}
	return ns
}

func storeCounts(t *testing.T, s *Store, docs, events int) {
	t.Helper()
	ctx := t.Context()
	if n, err := s.CountDocuments(ctx); err != nil || n != docs {
		t.Errorf("CountDocuments = %d, %v; want %d", n, err, docs)
	}
	if n, err := s.CountEvents(ctx, store.EventFilter{}); err != nil || n != events {
		t.Errorf("CountEvents = %d, %v; want %d", n, err, events)
	}
}

func TestBulkIngest(t *testing.T) {
	s := openFresh(t)
	defer s.Close()
	ctx := t.Context()

	// 30 documents with reports, one without: stored as Ingest stores them.
	docs, reps := samples(3, span(0, 31)...)
	reps[30] = nil
	res, err := s.BulkIngest(ctx, docs, reps)
	if err != nil {
		t.Fatal(err)
	}
	if want := (BulkResult{Documents: 31, Reports: 30, Events: 90}); res != want {
		t.Errorf("BulkIngest = %+v, want %+v", res, want)
	}
	for i, doc := range docs {
		got, err := s.GetDocument(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, doc) {
			t.Errorf("GetDocument(%d):\n got %+v\nwant %+v", i, got, doc)
		}
		gotReps, err := s.ReportsForDocument(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []model.Report{}
		if reps[i] != nil {
			want = append(want, *reps[i])
		}
		if !reflect.DeepEqual(gotReps, want) {
			t.Errorf("ReportsForDocument(%d):\n got %+v\nwant %+v", i, gotReps, want)
		}
	}
	storeCounts(t, s, 31, 90)

	// Ingest of a document BulkIngest stored finds it and its report.
	doc, rep := storetest.Sample(3, 3)
	ir, err := s.Ingest(ctx, doc, rep)
	if err != nil {
		t.Fatal(err)
	}
	if !ir.Existing || ir.ReportID != reps[3].ID || !slices.Equal(ir.EventIDs, []string{
		reps[3].Events[0].ID, reps[3].Events[1].ID, reps[3].Events[2].ID}) {
		t.Errorf("Ingest after BulkIngest = %+v; want the bulk-loaded report %s", ir, reps[3].ID)
	}

	// Stored documents are skipped, a document without a report gets one,
	// and a document given twice in one load is stored once.
	docs, reps = samples(3, append(span(25, 40), 35)...)
	res, err = s.BulkIngest(ctx, docs, reps)
	if err != nil {
		t.Fatal(err)
	}
	if want := (BulkResult{Documents: 9, Reports: 10, Events: 30}); res != want {
		t.Errorf("second BulkIngest = %+v, want %+v", res, want)
	}
	storeCounts(t, s, 40, 120)

	// Documents alone.
	docs, _ = samples(0, 40, 41)
	if res, err := s.BulkIngest(ctx, docs, nil); err != nil || res != (BulkResult{Documents: 2}) {
		t.Errorf("BulkIngest of documents alone = %+v, %v", res, err)
	}
	if res, err := s.BulkIngest(ctx, nil, nil); err != nil || res != (BulkResult{}) {
		t.Errorf("BulkIngest of nothing = %+v, %v", res, err)
	}
	storeCounts(t, s, 42, 120)
}

func TestBulkIngestFailureStoresNothing(t *testing.T) {
	s := openFresh(t)
	defer s.Close()
	ctx := t.Context()
	docs, reps := samples(2, 0, 1)
	if _, err := s.BulkIngest(ctx, docs, reps); err != nil {
		t.Fatal(err)
	}
	taken := reps[0].Events[0].ID

	tests := []struct {
		name   string
		mutate func(docs []*model.Document, reps []*model.Report) ([]*model.Document, []*model.Report)
		kind   errs.Kind
	}{
		{"event ID taken", func(d []*model.Document, r []*model.Report) ([]*model.Document, []*model.Report) {
			r[len(r)-1].Events[1].ID = taken
			return d, r
		}, errs.Conflict},
		{"event ID twice in the load", func(d []*model.Document, r []*model.Report) ([]*model.Document, []*model.Report) {
			r[2].Events[0].ID, r[5].Events[1].ID = "same", "same"
			return d, r
		}, errs.Conflict},
		{"bad event", func(d []*model.Document, r []*model.Report) ([]*model.Document, []*model.Report) {
			r[4].Events[0].Confidence = 2
			return d, r
		}, errs.Invalid},
		{"NUL in a text", func(d []*model.Document, r []*model.Report) ([]*model.Document, []*model.Report) {
			d[7].Text += "\x00"
			return d, r
		}, errs.Invalid},
		{"reports do not match documents", func(d []*model.Document, r []*model.Report) ([]*model.Document, []*model.Report) {
			return d, r[1:]
		}, errs.Invalid},
		{"nil document", func(d []*model.Document, r []*model.Report) ([]*model.Document, []*model.Report) {
			d[3] = nil
			return d, r
		}, errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, reps := tt.mutate(samples(2, span(10, 20)...))
			if _, err := s.BulkIngest(ctx, docs, reps); !errs.Is(err, tt.kind) {
				t.Errorf("BulkIngest error = %v, want kind %v", err, tt.kind)
			}
			storeCounts(t, s, 2, 4)
		})
	}
}

// Two stores (two processes) write the same documents at once, one by one
// and in bulk, in opposite orders: nothing fails, and each document is
// stored once with one report.
func TestConcurrentWriters(t *testing.T) {
	u := freshSchema(t)
	ctx := t.Context()
	var stores [2]*Store
	for i := range stores {
		s, err := Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	const docs, events = 60, 2
	errc := make(chan error, 4*docs)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			s := stores[w%2]
			ns := span(0, docs)
			if w >= 2 {
				slices.Reverse(ns)
			}
			if w%2 == 0 { // one by one
				for _, n := range ns {
					doc, rep := storetest.Sample(n, events)
					if _, err := s.Ingest(ctx, doc, rep); err != nil {
						errc <- err
					}
				}
				return
			}
			for b := 0; b < docs; b += 10 { // in loads of 10
				d, r := samples(events, ns[b:b+10]...)
				if _, err := s.BulkIngest(ctx, d, r); err != nil {
					errc <- err
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	storeCounts(t, stores[0], docs, docs*events)
	var reports int
	if err := stores[1].pool.QueryRow(ctx, `SELECT count(*) FROM reports`).Scan(&reports); err != nil || reports != docs {
		t.Errorf("%d reports, %v; want %d", reports, err, docs)
	}
}
