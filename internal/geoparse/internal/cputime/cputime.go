// Package cputime reads the CPU time the process has used, for benchmarks
// that must report a cost per byte on machines shared with other jobs,
// where wall-clock time says more about the neighbours than about the code.
package cputime

import (
	"testing"
	"time"
)

// Report adds two metrics to b, measured since start (a value of Now taken
// just before the loop): CPU time per operation ("cpu-ns/op", user +
// system, every thread of the process, the garbage collector's included)
// and, when bytes per operation are given, megabytes of input per second of
// CPU ("cpu-MB/s"). It reports nothing where CPU time cannot be read.
func Report(b *testing.B, start time.Duration, bytesPerOp int64) {
	end, ok := Now()
	if !ok || b.N == 0 {
		return
	}
	per := float64(end-start) / float64(b.N)
	b.ReportMetric(per, "cpu-ns/op")
	if bytesPerOp > 0 && per > 0 {
		b.ReportMetric(float64(bytesPerOp)/per*1e3, "cpu-MB/s")
	}
}
