package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-hr/vigil/internal/errs"
)

// natsURL returns the NATS server the tests use, or skips.
// .ci/nats.sh makes sure one runs and prints its URL.
func natsURL(t testing.TB) string {
	u := os.Getenv("VIGIL_TEST_NATS")
	if u == "" {
		t.Skip("VIGIL_TEST_NATS is not set: no NATS server to test the queue on (export VIGIL_TEST_NATS=\"$(bash .ci/nats.sh)\")")
	}
	return u
}

// openTest opens a queue with a name of its own, deleted at the end.
func openTest(t testing.TB, cfg Config) *JetStream {
	t.Helper()
	cfg.URL = natsURL(t)
	if cfg.Name == "" {
		b := make([]byte, 6)
		rand.Read(b)
		cfg.Name = "T" + hex.EncodeToString(b)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	q, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if q.nc != nil {
			if err := q.Delete(ctx); err != nil {
				t.Errorf("deleting the test queue: %v", err)
			}
		}
		q.Close()
	})
	return q
}

// recorder is a handler that counts the jobs it sees per digest.
type recorder struct {
	mu   sync.Mutex
	seen map[string]int
	fail func(j Job, n int) error // n: how many times this job was seen, including now
}

func (r *recorder) handle(ctx context.Context, j Job) error {
	r.mu.Lock()
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	r.seen[j.SHA256]++
	n := r.seen[j.SHA256]
	r.mu.Unlock()
	if r.fail != nil {
		return r.fail(j, n)
	}
	return nil
}

func (r *recorder) count(sum string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[sum]
}

// work runs q.Work in the background until the test ends or stop is called.
func work(t *testing.T, q *JetStream, n int, h Handler) (stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- q.Work(ctx, n, h) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Work: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("Work did not return after its context was cancelled")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func pending(t *testing.T, q *JetStream) uint64 {
	t.Helper()
	n, err := q.Pending(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWorkProcessesAndAcks(t *testing.T) {
	q := openTest(t, Config{})
	var r recorder
	var jobs []Job
	for i := range 20 {
		j := testJob(fmt.Sprintf("report %d", i))
		if i%2 == 1 {
			j.Data = nil // by reference: the handler reads the blob store
		}
		jobs = append(jobs, j)
		if err := q.Enqueue(t.Context(), j); err != nil {
			t.Fatal(err)
		}
	}
	if got := pending(t, q); got != 20 {
		t.Fatalf("pending %d, want 20", got)
	}
	stop := work(t, q, 3, r.handle)
	eventually(t, 20*time.Second, "the stream still holds jobs", func() bool { return pending(t, q) == 0 })
	stop()
	for _, j := range jobs {
		if n := r.count(j.SHA256); n != 1 {
			t.Errorf("job %s handled %d times, want 1", j, n)
		}
	}
	if p, err := q.Parked(t.Context(), 10); err != nil || len(p) != 0 {
		t.Errorf("parked: %v, %v; want none", p, err)
	}
}

func TestDuplicateEnqueueProcessedOnce(t *testing.T) {
	q := openTest(t, Config{})
	j := testJob("the same report, sent twice")
	for range 3 {
		if err := q.Enqueue(t.Context(), j); err != nil {
			t.Fatal(err)
		}
	}
	if got := pending(t, q); got != 1 {
		t.Fatalf("the same document enqueued 3 times: %d jobs, want 1", got)
	}
	var r recorder
	stop := work(t, q, 2, r.handle)
	eventually(t, 10*time.Second, "the job was not processed", func() bool { return pending(t, q) == 0 })
	stop()
	if n := r.count(j.SHA256); n != 1 {
		t.Errorf("handled %d times, want 1", n)
	}
}

// crash takes one job the way a worker does and never settles it, then
// drops the connection: a worker killed in the middle of a job.
func crash(t *testing.T, q *JetStream) {
	t.Helper()
	other, err := Open(t.Context(), q.cfg)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := other.cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range batch.Messages() {
		n++ // taken, never acknowledged
	}
	if n != 1 {
		t.Fatalf("the crashing worker took %d jobs, want 1 (%v)", n, batch.Error())
	}
	other.nc.Close()
}

func TestCrashedWorkersJobIsRedelivered(t *testing.T) {
	q := openTest(t, Config{AckWait: time.Second})
	j := testJob("a job whose first worker dies")
	if err := q.Enqueue(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	crash(t, q)
	taken := time.Now()
	var r recorder
	stop := work(t, q, 1, r.handle)
	eventually(t, 20*time.Second, "the crashed worker's job was not redelivered", func() bool { return pending(t, q) == 0 })
	stop()
	if since := time.Since(taken); since < 900*time.Millisecond {
		t.Errorf("redelivered after %v, before AckWait", since)
	}
	if n := r.count(j.SHA256); n != 1 {
		t.Errorf("the second worker handled the job %d times, want 1", n)
	}
}

func TestPoisonedJobParkedWithItsError(t *testing.T) {
	q := openTest(t, Config{MaxDeliver: 5})
	good, bad := testJob("a fine report"), testJob("bytes that are not a report")
	r := recorder{fail: func(j Job, n int) error {
		if j.SHA256 == bad.SHA256 {
			return errs.E(errs.Invalid, "%s: is binary, not text", j.Name)
		}
		return nil
	}}
	for _, j := range []Job{bad, good} {
		if err := q.Enqueue(t.Context(), j); err != nil {
			t.Fatal(err)
		}
	}
	stop := work(t, q, 2, r.handle)
	eventually(t, 10*time.Second, "jobs left in the stream", func() bool { return pending(t, q) == 0 })
	stop()
	if n := r.count(bad.SHA256); n != 1 {
		t.Errorf("an invalid job was tried %d times, want once", n)
	}
	parked, err := q.Parked(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(parked) != 1 {
		t.Fatalf("parked %d jobs, want 1: %+v", len(parked), parked)
	}
	p := parked[0]
	if p.Job == nil || p.Job.SHA256 != bad.SHA256 || p.Error != "r.txt: is binary, not text" || p.Kind != "invalid" || p.Deliveries != 1 {
		t.Errorf("parked job: %+v", p)
	}
	if j, err := DecodeJob(p.Message); err != nil || string(j.Data) != string(bad.Data) {
		t.Errorf("the parked message does not hold the job: %v", err)
	}
}

func TestFailingJobRetriedWithBackoffThenParked(t *testing.T) {
	q := openTest(t, Config{MaxDeliver: 3, BackoffBase: 100 * time.Millisecond})
	j := testJob("a job that always fails")
	var mu sync.Mutex
	var times []time.Time
	r := recorder{fail: func(Job, int) error {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		return errors.New("database unreachable")
	}}
	if err := q.Enqueue(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	stop := work(t, q, 1, r.handle)
	eventually(t, 20*time.Second, "the failing job was not parked", func() bool { return pending(t, q) == 0 })
	stop()
	if n := r.count(j.SHA256); n != 3 {
		t.Errorf("tried %d times, want MaxDeliver=3", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, want := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond} {
		if i+1 < len(times) {
			if gap := times[i+1].Sub(times[i]); gap < want {
				t.Errorf("try %d came %v after the previous, before its back-off %v", i+2, gap, want)
			}
		}
	}
	parked, err := q.Parked(t.Context(), 10)
	if err != nil || len(parked) != 1 || parked[0].Error != "database unreachable" || parked[0].Deliveries != 3 {
		t.Fatalf("parked: %+v, %v", parked, err)
	}
}

func TestRetriedJobThatSucceedsIsNotParked(t *testing.T) {
	q := openTest(t, Config{BackoffBase: 50 * time.Millisecond})
	j := testJob("fails once")
	r := recorder{fail: func(_ Job, n int) error {
		if n == 1 {
			return errors.New("transient")
		}
		return nil
	}}
	if err := q.Enqueue(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	stop := work(t, q, 1, r.handle)
	eventually(t, 10*time.Second, "the job was not done", func() bool { return pending(t, q) == 0 })
	stop()
	if n := r.count(j.SHA256); n != 2 {
		t.Errorf("handled %d times, want 2", n)
	}
	if p, _ := q.Parked(t.Context(), 10); len(p) != 0 {
		t.Errorf("parked %+v", p)
	}
}

func TestOverDeliveredJobParkedUnrun(t *testing.T) {
	q := openTest(t, Config{AckWait: time.Second, MaxDeliver: 1})
	j := testJob("kills every worker that takes it")
	if err := q.Enqueue(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	crash(t, q)
	var r recorder
	stop := work(t, q, 1, r.handle)
	eventually(t, 20*time.Second, "the job was not parked", func() bool { return pending(t, q) == 0 })
	stop()
	if n := r.count(j.SHA256); n != 0 {
		t.Errorf("a job past MaxDeliver ran %d times", n)
	}
	parked, err := q.Parked(t.Context(), 10)
	if err != nil || len(parked) != 1 || parked[0].Deliveries != 2 {
		t.Fatalf("parked: %+v, %v", parked, err)
	}
}

func TestStopFinishesJobsInFlight(t *testing.T) {
	q := openTest(t, Config{})
	started, release := make(chan struct{}), make(chan struct{})
	var finished sync.WaitGroup
	finished.Add(1)
	h := func(ctx context.Context, j Job) error {
		close(started)
		<-release
		defer finished.Done()
		return ctx.Err() // the job's context must outlive the stop
	}
	if err := q.Enqueue(t.Context(), testJob("slow")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- q.Work(ctx, 2, h) }()
	<-started
	cancel()
	select {
	case <-done:
		t.Fatal("Work returned with a job in flight")
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	finished.Wait()
	if got := pending(t, q); got != 0 {
		t.Errorf("the job in flight was not acknowledged: %d pending", got)
	}
	// Stopped: a new job stays queued.
	if err := q.Enqueue(t.Context(), testJob("after the stop")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if got := pending(t, q); got != 1 {
		t.Errorf("pending %d after the stop, want 1", got)
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(t.Context(), Config{URL: "nats://127.0.0.1:1"})
	if !errs.Is(err, errs.Unavailable) {
		t.Errorf("no server: err %v, want unavailable", err)
	}
	// An existing queue is used as it is: an operator's limits are kept.
	q := openTest(t, Config{})
	if _, err := q.js.UpdateStream(t.Context(), jetstream.StreamConfig{
		Name: parkedStream(q.cfg.Name), Subjects: []string{parkedSubject(q.cfg.Name)}, Retention: jetstream.LimitsPolicy, MaxMsgs: 10,
	}); err != nil {
		t.Fatal(err)
	}
	again, err := Open(t.Context(), q.cfg)
	if err != nil {
		t.Fatalf("reopening an existing queue: %v", err)
	}
	if got := again.parked.CachedInfo().Config.MaxMsgs; got != 10 {
		t.Errorf("reopening changed the parked stream's limit to %d", got)
	}
	again.Close()
	// A jobs stream that is not a work queue is refused.
	cfg := q.cfg
	cfg.Name += "x"
	if _, err := q.js.CreateStream(t.Context(), jetstream.StreamConfig{
		Name: jobsStream(cfg.Name), Subjects: []string{jobsSubject(cfg.Name)}, Retention: jetstream.LimitsPolicy,
	}); err != nil {
		t.Fatal(err)
	}
	defer q.js.DeleteStream(context.Background(), jobsStream(cfg.Name))
	if _, err := Open(t.Context(), cfg); !errs.Is(err, errs.Invalid) {
		t.Errorf("a jobs stream with limits retention: err %v, want invalid", err)
	}
}
