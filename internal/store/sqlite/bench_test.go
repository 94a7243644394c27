package sqlite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/extract"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

// BenchmarkIngest stores one new document with a report of 3 events per
// iteration, with the ledger appends (ledger) and without (noledger): the
// difference is what the ledger costs (issue 5 wants under 10%).
func BenchmarkIngest(b *testing.B) {
	for _, skip := range []bool{false, true} {
		name := "ledger"
		if skip {
			name = "noledger"
		}
		b.Run(name, func(b *testing.B) {
			s := openTemp(b)
			defer s.Close()
			s.skipLedger = skip
			ctx := b.Context()
			for i := 0; b.Loop(); i++ {
				doc, rep := storetest.Sample(i, 3)
				if _, err := s.Ingest(ctx, doc, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
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

// BenchmarkIngestPipeline is what `vigil ingest` does per report: extract
// the events, keep the bytes in the blob store (synced), store the
// document and report, with the ledger and without. One iteration ingests
// each of the team's test reports once, into a fresh store.
func BenchmarkIngestPipeline(b *testing.B) {
	paths, _ := filepath.Glob("../../../testdata/reports/*.txt")
	if len(paths) == 0 {
		b.Skip("no test reports under testdata/reports")
	}
	var texts []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	x, err := extract.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, skip := range []bool{false, true} {
		name := "ledger"
		if skip {
			name = "noledger"
		}
		b.Run(name, func(b *testing.B) {
			ctx := b.Context()
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				s, err := Open(ctx, filepath.Join(dir, "vigil.db"))
				if err != nil {
					b.Fatal(err)
				}
				s.skipLedger = skip
				bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for _, text := range texts {
					ext := x.Extract(text, extract.Options{})
					sum, err := bs.Put(ctx, []byte(text))
					if err != nil {
						b.Fatal(err)
					}
					doc := &model.Document{SHA256: sum, Size: int64(len(text)), MediaType: "text/plain", Lang: ext.Lang, Text: text}
					rep := &model.Report{Extractor: extract.Name, ExtractorVersion: x.FullVersion(), Events: ext.Events, Places: ext.Places}
					if _, err := s.Ingest(ctx, doc, rep); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				s.Close()
				bs.Close()
				b.StartTimer()
			}
		})
	}
}
