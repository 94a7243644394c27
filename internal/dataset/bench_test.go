package dataset

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/export"
)

// benchRows is the size of the synthetic file BenchmarkImport loads;
// VIGIL_BENCH_ROWS overrides it.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 2_000_000
}

// vmHWM returns the process's peak resident memory in MiB (Linux), or 0.
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// cpuSeconds returns the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkImport imports a synthetic ACLED-shaped CSV file of benchRows
// rows (written to a temporary file first, outside the timing) into a new
// database. It reports rows/s, the Go heap's peak during the import, its
// size at a tenth of the rows and at the end (flat memory: they match),
// and the process's peak resident memory.
func BenchmarkImport(b *testing.B) {
	n := benchRows()
	path := filepath.Join(b.TempDir(), "synthetic-acled.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	size, err := io.Copy(bufio.NewWriterSize(f, 1<<20), newSynthACLED(n))
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		db, err := Open(context.Background(), filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		cpu0 := cpuSeconds()
		var peak, atTenth, last uint64
		var ms runtime.MemStats
		sample := 0
		b.StartTimer()
		res, err := db.Import(context.Background(), bufio.NewReaderSize(in, 1<<16), ImportOptions{
			Name: "synthetic", Format: export.ACLEDCSV, Size: size,
			OnProgress: func(p Progress) {
				if sample++; sample%50 != 0 {
					return
				}
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
				if atTenth == 0 && p.Rows >= n/10 {
					atTenth = ms.HeapInuse
				}
				last = ms.HeapInuse
			},
		})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Dataset.Rows != n {
			b.Fatalf("imported %d rows of %d", res.Dataset.Rows, n)
		}
		b.ReportMetric(float64(n)/res.Elapsed.Seconds(), "rows/s")
		// On a shared machine wall time varies; CPU time says what the
		// import itself costs.
		b.ReportMetric(float64(n)/(cpuSeconds()-cpu0), "rows/cpu-s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(atTenth)/(1<<20), "heap-at-10%-MiB")
		b.ReportMetric(float64(last)/(1<<20), "heap-at-end-MiB")
		b.ReportMetric(vmHWM(), "peak-RSS-MiB")
		b.ReportMetric(float64(size)/(1<<20), "file-MiB")
		in.Close()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkNearest looks up the 10 nearest events of a type in a dataset
// of 200,000 synthetic rows.
func BenchmarkNearest(b *testing.B) {
	ctx := context.Background()
	db := openTest(b)
	if _, err := db.Import(ctx, newSynthACLED(200_000), ImportOptions{Name: "s", Format: export.ACLEDCSV}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		m, err := db.Nearest(ctx, 14.5, -1.5, synthBase.AddDate(0, 0, -(i%600)).Format("2006-01-02"), "Attack", 10)
		if err != nil || len(m) != 10 {
			b.Fatalf("%d matches, %v", len(m), err)
		}
	}
}

// BenchmarkRead parses synthetic ACLED-shaped rows without storing them.
func BenchmarkRead(b *testing.B) {
	var buf strings.Builder
	io.Copy(&buf, newSynthACLED(20_000))
	text := buf.String()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		rd, err := NewReader(strings.NewReader(text), export.ACLEDCSV)
		if err != nil {
			b.Fatal(err)
		}
		var r Record
		n := 0
		for rd.Read(&r) == nil {
			n++
		}
		if n != 20_000 {
			b.Fatalf("read %d rows", n)
		}
	}
}
