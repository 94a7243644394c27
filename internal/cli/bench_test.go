package cli

import (
	"strings"
	"testing"
)

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "nothing"},
		{"bench", "ingest", "--workers", "1"}, // workers need --nats
		{"bench", "ingest", "--workers", "x"},
		{"bench", "query", "--events", "0"},
		{"bench", "load"}, // nothing to load
		{"bench", "load", "--target", "http://10.0.0.1:8080"},
		{"bench", "load", "--target", "http://127.0.0.1:1", "--clients", "0"},
		{"bench", "load", "--target", "http://127.0.0.1:1", "--duration", "1h"},
	} {
		if r := run(t, "", nil, args...); r.code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, r.code, ExitUsage, r.stderr)
		}
	}
}

func TestBenchQueryAndLoad(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "", nil, "bench", "query", "--events", "100", "--queries", "2", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "store holds 100 events") || !strings.Contains(r.stdout, "map: bbox + 90 days + type") {
		t.Fatalf("bench query: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", nil, "bench", "load", "--data", dir, "--clients", "3", "--duration", "300ms")
	if r.code != 0 || !strings.Contains(r.stdout, "0 errors") {
		t.Fatalf("bench load: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestBenchIngestInProcess(t *testing.T) {
	r := run(t, "", nil, "bench", "ingest", "--docs", "5")
	if r.code != 0 || !strings.Contains(r.stdout, "sqlite, in-process") || !strings.Contains(r.stdout, "5 reports") {
		t.Fatalf("bench ingest: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestBenchIngestWorkers(t *testing.T) {
	env, _ := queueEnv(t)
	r := run(t, "", nil, "bench", "ingest", "--docs", "6", "--workers", "1,2", "--nats", env["VIGIL_NATS"], "--queue", env["VIGIL_NATS_QUEUE"])
	if r.code != 0 || !strings.Contains(r.stdout, "2 worker(s) over NATS") || !strings.Contains(r.stdout, "0 parked") {
		t.Fatalf("bench ingest --workers: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
