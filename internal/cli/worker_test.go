package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/queue"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

// queueEnv returns the environment of a test that uses a NATS queue of its
// own (deleted at the end), or skips when no server is configured.
func queueEnv(t *testing.T) (env map[string]string, q *queue.JetStream) {
	t.Helper()
	url := os.Getenv("VIGIL_TEST_NATS")
	if url == "" {
		t.Skip("VIGIL_TEST_NATS is not set: no NATS server for the worker tests (export VIGIL_TEST_NATS=\"$(bash .ci/nats.sh)\")")
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "T" + hex.EncodeToString(b)
	q, err := queue.Open(t.Context(), queue.Config{URL: url, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Delete(ctx); err != nil {
			t.Errorf("deleting the test queue: %v", err)
		}
		q.Close()
	})
	return map[string]string{"VIGIL_NATS": url, "VIGIL_NATS_QUEUE": name, "VIGIL_DATA": t.TempDir()}, q
}

// syncBuffer is a bytes.Buffer safe for a command running in a goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWorker runs `vigil worker` until the returned stop is called;
// stop returns its exit code and standard error.
func startWorker(t *testing.T, env map[string]string, args ...string) (stop func() (int, string)) {
	ctx, cancel := context.WithCancel(t.Context())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"worker"}, args...), &Env{
			Stdin: strings.NewReader(""), Stdout: &stderr, Stderr: &stderr,
			Getenv: func(k string) string { return env[k] },
		})
	}()
	return func() (int, string) {
		cancel()
		select {
		case code := <-done:
			return code, stderr.String()
		case <-time.After(30 * time.Second):
			t.Fatal("the worker did not stop")
			return 0, ""
		}
	}
}

func waitDrained(t *testing.T, q *queue.JetStream) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := q.Pending(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still queued", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stored counts the documents and reports in the data directory's store.
func stored(t *testing.T, dir, doc string) (docs, reports, events int) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if docs, err = st.CountDocuments(t.Context()); err != nil {
		t.Fatal(err)
	}
	if doc != "" {
		reps, err := st.ReportsForDocument(t.Context(), doc)
		if err != nil {
			t.Fatal(err)
		}
		reports = len(reps)
		for _, r := range reps {
			events += len(r.Events)
		}
	}
	return docs, reports, events
}

// crashWorker takes one job as a worker does and dies holding it: it never
// acknowledges, and its connection drops.
func crashWorker(t *testing.T, env map[string]string) {
	t.Helper()
	nc, err := nats.Connect(env["VIGIL_NATS"])
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.Consumer(t.Context(), env["VIGIL_NATS_QUEUE"]+"_JOBS", "workers")
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range batch.Messages() {
		n++
	}
	if n != 1 {
		t.Fatalf("the crashing worker got %d jobs: %v", n, batch.Error())
	}
}

// The test: killing a worker mid-job loses nothing; its job is
// redelivered and processed once.
func TestKilledWorkersJobIsProcessedOnce(t *testing.T) {
	env, q := queueEnv(t)
	r := run(t, "", env, "ingest", "--published", "2025-03-16", fixture)
	if r.code != 0 || !strings.Contains(r.stdout, `"queued":true`) || !strings.Contains(r.stdout, `"events":[]`) {
		t.Fatalf("ingest --nats: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}
	raw, _ := os.ReadFile(fixture)
	sum := blob.Sum(raw)
	if docs, _, _ := stored(t, env["VIGIL_DATA"], ""); docs != 0 {
		t.Fatalf("ingest --nats extracted in-process: %d documents stored", docs)
	}
	if blobCount(t, env["VIGIL_DATA"]) != 1 {
		t.Fatal("ingest --nats did not keep the document's bytes")
	}
	crashWorker(t, env)
	stop := startWorker(t, env, "--ack-wait", "1s", "--concurrency", "2")
	waitDrained(t, q)
	if code, stderr := stop(); code != 0 {
		t.Fatalf("worker: exit %d: %s", code, stderr)
	}
	docs, reports, events := stored(t, env["VIGIL_DATA"], sum)
	if docs != 1 || reports != 1 || events == 0 {
		t.Fatalf("after the redelivery: %d documents, %d reports, %d events; want 1, 1, >0", docs, reports, events)
	}
	if p, err := q.Parked(t.Context(), 10); err != nil || len(p) != 0 {
		t.Fatalf("parked: %+v %v", p, err)
	}
}

func TestDuplicateEnqueueStoredOnce(t *testing.T) {
	env, q := queueEnv(t)
	for range 2 {
		if r := run(t, "", env, "ingest", fixture); r.code != 0 || !strings.Contains(r.stdout, `"queued":true`) {
			t.Fatalf("ingest: exit %d %s %s", r.code, r.stdout, r.stderr)
		}
	}
	if n, _ := q.Pending(t.Context()); n != 1 {
		t.Errorf("the same report enqueued twice: %d jobs, want 1", n)
	}
	// Past the server's duplicate window the same job can come again:
	// the store keeps it once all the same.
	raw, _ := os.ReadFile(fixture)
	sum := blob.Sum(raw)
	stop := startWorker(t, env)
	waitDrained(t, q)
	if err := queueWithoutDedup(t, env, sum, raw); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, q)
	if code, stderr := stop(); code != 0 {
		t.Fatalf("worker: exit %d: %s", code, stderr)
	}
	if docs, reports, _ := stored(t, env["VIGIL_DATA"], sum); docs != 1 || reports != 1 {
		t.Fatalf("%d documents, %d reports; want 1 and 1", docs, reports)
	}
}

// queueWithoutDedup publishes a job for the document with a message ID of
// its own, as if the server's duplicate window had passed.
func queueWithoutDedup(t *testing.T, env map[string]string, sum string, raw []byte) error {
	nc, err := nats.Connect(env["VIGIL_NATS"])
	if err != nil {
		return err
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	data, err := queue.EncodeJob(queue.Job{SHA256: sum, Data: raw, Name: "again"})
	if err != nil {
		return err
	}
	_, err = js.Publish(t.Context(), env["VIGIL_NATS_QUEUE"]+".jobs.extract", data, jetstream.WithMsgID("again-"+sum))
	return err
}

func TestPoisonedJobIsParked(t *testing.T) {
	env, q := queueEnv(t)
	bad := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 3}, 64)...)
	j := queue.Job{SHA256: blob.Sum(bad), Name: "scan.bin", Data: bad}
	if err := q.Enqueue(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	stop := startWorker(t, env)
	waitDrained(t, q)
	if code, stderr := stop(); code != 0 {
		t.Fatalf("worker: exit %d: %s", code, stderr)
	}
	parked, err := q.Parked(t.Context(), 10)
	if err != nil || len(parked) != 1 {
		t.Fatalf("parked: %+v %v", parked, err)
	}
	if p := parked[0]; p.Job == nil || p.Job.SHA256 != j.SHA256 || !strings.Contains(p.Error, "scan.bin") || p.Kind != "invalid" {
		t.Errorf("parked job: %+v", p)
	}
	if docs, _, _ := stored(t, env["VIGIL_DATA"], ""); docs != 0 {
		t.Errorf("a poisoned job stored %d documents", docs)
	}
}

func TestWorkerUsage(t *testing.T) {
	for _, args := range [][]string{
		{"worker"},
		{"worker", "--nats", "nats://127.0.0.1:4222", "--concurrency", "0"},
		{"worker", "--nats", "nats://127.0.0.1:4222", "--ack-wait", "10ms"},
		{"worker", "--nats", "nats://127.0.0.1:4222", "extra"},
	} {
		if r := run(t, "", nil, args...); r.code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, r.code, ExitUsage, r.stderr)
		}
	}
	r := run(t, "", map[string]string{"VIGIL_DATA": t.TempDir()}, "worker", "--nats", "http://127.0.0.1:4222")
	if r.code != ExitFail || !strings.Contains(r.stderr, "not a nats:// URL") {
		t.Errorf("a bad URL: exit %d %s", r.code, r.stderr)
	}
}
