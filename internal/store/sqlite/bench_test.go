package sqlite

import (
	"testing"

	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

// BenchmarkIngest stores one new document with a report of 3 events per
// iteration.
func BenchmarkIngest(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		doc, rep := storetest.Sample(i, 3)
		if _, err := s.Ingest(ctx, doc, rep); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListEvents lists a page of 100 events out of 10,000.
func BenchmarkListEvents(b *testing.B) {
	const docs, perDoc = 2500, 4
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	for i := range docs {
		doc, rep := storetest.Sample(i, perDoc)
		if _, err := s.Ingest(ctx, doc, rep); err != nil {
			b.Fatal(err)
		}
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
