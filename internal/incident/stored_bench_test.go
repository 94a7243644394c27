package incident

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

var (
	storedOnce  sync.Once
	storedBench *sqlite.Store
	storedSynth *synth
	storedN     int
)

// benchStore returns a SQLite store (ledger on) holding
// $VIGIL_BENCH_INCIDENTS (default 20,000) documents of one event each,
// linked: about as many incidents, spread like BenchmarkLink's.
func benchStore(b *testing.B) *sqlite.Store {
	storedOnce.Do(func() {
		n := 20_000
		if v, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_INCIDENTS")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.MkdirTemp("", "vigil-bench-")
		if err != nil {
			b.Fatal(err)
		}
		st, err := sqlite.Open(context.Background(), dir+"/vigil.db")
		if err != nil {
			b.Fatal(err)
		}
		storedBench, storedSynth = st, newSynth(4)
		start := time.Now()
		docs := ingestSynth(b, n)
		s, err := NewStored(st, Config{})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(docs); i += 200 {
			if _, err := s.LinkDocuments(context.Background(), docs[i:min(len(docs), i+200)]); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("store of %d linked documents built in %s", n, time.Since(start).Round(time.Second))
	})
	return storedBench
}

// ingestSynth stores n new one-event documents and returns their IDs.
func ingestSynth(b *testing.B, n int) []string {
	var ids []string
	for range n {
		storedN++
		r, _ := storedReport(b, storedBench, "Sahel Wire", "2025-01-01", fmt.Sprintf("Synthetic report %d for the linking benchmark.", storedN),
			[]model.Event{storedSynth.event()})
		ids = append(ids, r.DocumentID)
	}
	return ids
}

// BenchmarkLinkStored links new documents (one event each) into a SQLite
// store of linked incidents, 200 documents per transaction, through
// Stored: candidate lookup in the store, loading, deciding, saving the
// decisions, signatures, audit lines and ledger leaves.
func BenchmarkLinkStored(b *testing.B) {
	st := benchStore(b)
	docs := ingestSynth(b, b.N)
	s, err := NewStored(st, Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	opened := 0
	for i := 0; i < len(docs); i += 200 {
		ds, err := s.LinkDocuments(context.Background(), docs[i:min(len(docs), i+200)])
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range ds {
			if d.Opened {
				opened++
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(opened)/float64(b.N), "opened/op")
}
