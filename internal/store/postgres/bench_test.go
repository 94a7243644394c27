package postgres

import (
	"testing"

	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

// BenchmarkIngest stores one new document with a report of 3 events per
// iteration, as package sqlite's benchmark of the same name does.
func BenchmarkIngest(b *testing.B) {
	s := openFresh(b)
	defer s.Close()
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		doc, rep := storetest.Sample(i, 3)
		if _, err := s.Ingest(ctx, doc, rep); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBulkIngest stores loads of 1,000 new documents with a report of
// 3 events each per iteration; docs/s is the figure to compare with
// BenchmarkIngest.
func BenchmarkBulkIngest(b *testing.B) {
	const load = 1000
	s := openFresh(b)
	defer s.Close()
	ctx := b.Context()
	n := 0
	for b.Loop() {
		b.StopTimer()
		docs, reps := samples(3, span(n, n+load)...)
		n += load
		b.StartTimer()
		res, err := s.BulkIngest(ctx, docs, reps)
		if err != nil {
			b.Fatal(err)
		}
		if res.Documents != load || res.Events != 3*load {
			b.Fatalf("BulkIngest = %+v", res)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkListEvents lists a page of 100 events out of 10,000, with the
// cases of package sqlite's benchmark of the same name.
func BenchmarkListEvents(b *testing.B) {
	const docs, perDoc = 2500, 4
	s := openFresh(b)
	defer s.Close()
	ctx := b.Context()
	for from := 0; from < docs; from += 500 {
		d, r := samples(perDoc, span(from, from+500)...)
		if _, err := s.BulkIngest(ctx, d, r); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	if n, err := s.CountEvents(ctx, store.EventFilter{}); err != nil || n != docs*perDoc {
		b.Fatalf("CountEvents = %d, %v", n, err)
	}
	cases := []struct {
		name string
		f    store.EventFilter
	}{
		{"all", store.EventFilter{}},
		{"offset5000", store.EventFilter{Page: store.Page{Offset: 5000}}},
		{"country", store.EventFilter{Country: "NER"}},
		{"type+range", store.EventFilter{SubEventType: "Attack", From: "2024-01-15", To: "2024-02-15"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				evs, err := s.ListEvents(ctx, c.f)
				if err != nil {
					b.Fatal(err)
				}
				if len(evs) == 0 {
					b.Fatal("no events")
				}
			}
		})
	}
	b.Run("count/type+range", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.CountEvents(ctx, cases[3].f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
