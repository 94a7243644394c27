// Package bench measures Vigil at scale: ingest throughput in-process and
// over NATS workers, query latency over many synthetic events, and a
// bounded load test of the HTTP API on loopback. `vigil bench` runs it;
// docs/performance.md keeps the numbers and the commands.
package bench

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Latency summarises a set of timings.
type Latency struct {
	Name          string
	N             int
	P50, P99, Max time.Duration
	Mean          time.Duration
}

// Summarise computes the percentiles of ds (which it sorts).
func Summarise(name string, ds []time.Duration) Latency {
	l := Latency{Name: name, N: len(ds)}
	if len(ds) == 0 {
		return l
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	l.Mean = sum / time.Duration(len(ds))
	l.P50 = percentile(ds, 50)
	l.P99 = percentile(ds, 99)
	l.Max = ds[len(ds)-1]
	return l
}

// percentile returns the nearest-rank p-th percentile of sorted ds.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

func (l Latency) String() string {
	return fmt.Sprintf("%-34s n=%-6d p50=%-9s p99=%-9s max=%-9s mean=%s", l.Name, l.N, ms(l.P50), ms(l.P99), ms(l.Max), ms(l.Mean))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// WriteLatencies prints one line per summary.
func WriteLatencies(w io.Writer, ls []Latency) {
	for _, l := range ls {
		fmt.Fprintln(w, l)
	}
}
