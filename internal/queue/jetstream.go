package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Config says where the JetStream queue lives and how it retries.
type Config struct {
	// URL is the NATS server, nats://host:4222 (a comma-separated list of
	// servers of one cluster also works).
	URL string
	// Name prefixes the queue's streams and subjects: jobs go to stream
	// NAME_JOBS on subject NAME.jobs.extract, parked jobs to NAME_PARKED on
	// NAME.parked.extract. Letters, digits, - and _; default "VIGIL".
	Name string
	// AckWait is how long a worker may hold a job without a sign of life
	// before the server gives it to another worker; workers signal
	// progress every AckWait/3 while they work. Default 30s.
	AckWait time.Duration
	// MaxDeliver is how many times a job is tried before it is parked.
	// Default 5.
	MaxDeliver int
	// BackoffBase and BackoffMax bound the wait before a failed job is
	// tried again: BackoffBase doubled after each failure, at most
	// BackoffMax. Defaults 2s and 2m.
	BackoffBase, BackoffMax time.Duration
	// PollWait is how long one pull waits for jobs; it bounds how long a
	// stopping worker waits before it stops pulling. Default 1s.
	PollWait time.Duration
	// Log receives the queue's messages; nil discards them.
	Log *slog.Logger
}

// DefaultName is the queue's default name.
const DefaultName = "VIGIL"

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,48}$`)

func (c *Config) setDefaults() error {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if !nameRE.MatchString(c.Name) {
		return errs.E(errs.Invalid, "queue name %.60q: use 1 to 48 letters, digits, - and _", c.Name)
	}
	if err := checkURL(c.URL); err != nil {
		return err
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.AckWait, 30*time.Second)
	def(&c.BackoffBase, 2*time.Second)
	def(&c.BackoffMax, 2*time.Minute)
	def(&c.PollWait, time.Second)
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 5
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

// checkURL accepts nats:// and tls:// URLs, comma-separated.
func checkURL(raw string) error {
	if raw == "" {
		return errs.E(errs.Invalid, "no NATS URL given")
	}
	for _, one := range strings.Split(raw, ",") {
		u, err := url.Parse(strings.TrimSpace(one))
		if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
			return errs.E(errs.Invalid, "%q is not a nats:// URL", Redact(one))
		}
	}
	return nil
}

// Redact hides the password of the NATS URLs in raw.
func Redact(raw string) string {
	parts := strings.Split(raw, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "***")
				parts[i] = u.String()
			}
		}
	}
	return strings.Join(parts, ",")
}

// Subjects and streams of a queue named name.
func jobsStream(name string) string    { return name + "_JOBS" }
func parkedStream(name string) string  { return name + "_PARKED" }
func jobsSubject(name string) string   { return name + ".jobs.extract" }
func parkedSubject(name string) string { return name + ".parked.extract" }

// consumerName is the durable pull consumer every worker shares.
const consumerName = "workers"

// JetStream is the queue on NATS JetStream. It is safe for concurrent use.
type JetStream struct {
	cfg    Config
	nc     *nats.Conn
	js     jetstream.JetStream
	jobs   jetstream.Stream
	parked jetstream.Stream
	cons   jetstream.Consumer
}

// Open connects to NATS and makes sure the queue's streams and the
// workers' consumer exist. Streams that exist are used as they are (an
// operator may have given them replicas); the consumer is updated to cfg.
func Open(ctx context.Context, cfg Config) (_ *JetStream, err error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	defer errs.Wrap(&err, "queue %s at %s", cfg.Name, Redact(cfg.URL))
	nc, err := nats.Connect(cfg.URL,
		nats.Name("vigil"),
		nats.Timeout(5*time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
	)
	if err != nil {
		return nil, errs.E(errs.Unavailable, "connecting: %v", err)
	}
	q := &JetStream{cfg: cfg, nc: nc}
	defer func() {
		if err != nil {
			nc.Close()
		}
	}()
	if q.js, err = jetstream.New(nc); err != nil {
		return nil, err
	}
	if _, err := q.js.AccountInfo(ctx); err != nil {
		return nil, errs.E(errs.Unavailable, "JetStream is not available (is the server started with -js?): %v", err)
	}
	q.jobs, err = q.stream(ctx, jetstream.StreamConfig{
		Name:        jobsStream(cfg.Name),
		Description: "Vigil extraction jobs",
		Subjects:    []string{jobsSubject(cfg.Name)},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  2 * time.Minute,
		MaxMsgSize:  MaxJobBytes,
	})
	if err != nil {
		return nil, err
	}
	if q.parked, err = q.stream(ctx, jetstream.StreamConfig{
		Name:        parkedStream(cfg.Name),
		Description: "Vigil extraction jobs that failed MaxDeliver times, with their error",
		Subjects:    []string{parkedSubject(cfg.Name)},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  2 * time.Minute,
	}); err != nil {
		return nil, err
	}
	q.cons, err = q.jobs.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       consumerName,
		Description:   "vigil worker",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		MaxDeliver:    -1, // the worker parks jobs itself, with their error (see handle)
		FilterSubject: jobsSubject(cfg.Name),
	})
	if err != nil {
		return nil, errs.E(errs.Unavailable, "creating consumer: %v", err)
	}
	return q, nil
}

// stream returns the named stream, creating it with sc when missing.
func (q *JetStream) stream(ctx context.Context, sc jetstream.StreamConfig) (jetstream.Stream, error) {
	s, err := q.js.Stream(ctx, sc.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		s, err = q.js.CreateStream(ctx, sc)
	}
	if err != nil {
		return nil, errs.E(errs.Unavailable, "stream %s: %v", sc.Name, err)
	}
	if got := s.CachedInfo().Config.Retention; got != sc.Retention {
		return nil, errs.E(errs.Invalid, "stream %s exists with retention %v, want %v", sc.Name, got, sc.Retention)
	}
	return s, nil
}

// Close closes the connection (after sending what is buffered).
func (q *JetStream) Close() error {
	if q.nc == nil {
		return nil
	}
	err := q.nc.Drain()
	q.nc = nil
	return err
}

// Enqueue stores the job in the stream. The message ID is the document's
// digest, so the same document enqueued again within two minutes is
// dropped by the server; later, the store's idempotence makes the second
// run change nothing.
func (q *JetStream) Enqueue(ctx context.Context, j Job) (err error) {
	defer errs.Wrap(&err, "enqueueing %s", j)
	if j.Enqueued.IsZero() {
		j.Enqueued = time.Now().UTC()
	}
	data, err := EncodeJob(j)
	if err != nil {
		return err
	}
	ack, err := q.js.Publish(ctx, jobsSubject(q.cfg.Name), data,
		jetstream.WithMsgID(j.SHA256), jetstream.WithExpectStream(jobsStream(q.cfg.Name)))
	if err != nil {
		return errs.E(errs.Unavailable, "%v", err)
	}
	if ack.Duplicate {
		q.cfg.Log.Debug("job already queued", "sha256", j.SHA256)
	}
	return nil
}

// Pending returns how many jobs the stream holds: waiting or taken but
// not yet acknowledged.
func (q *JetStream) Pending(ctx context.Context) (uint64, error) {
	info, err := q.jobs.Info(ctx)
	if err != nil {
		return 0, errs.E(errs.Unavailable, "queue %s: %v", q.cfg.Name, err)
	}
	return info.State.Msgs, nil
}

// Work takes jobs and runs h on each, at most concurrency at a time, until
// ctx is done. Then it stops pulling, hands back at once the jobs it
// received but had not started, lets the running ones finish (their
// context is not cancelled, so a job is never cut between the store's
// commit and its acknowledgement) and returns.
//
// A job is acknowledged only after h returned nil. When h fails with an
// error of kind errs.Invalid, or has failed MaxDeliver times, the job is
// parked on the dead-letter stream with its error; otherwise it is handed
// back to be retried after a back-off. A job delivered more than
// MaxDeliver times (its workers died or stalled) is parked unrun.
func (q *JetStream) Work(ctx context.Context, concurrency int, h Handler) error {
	if concurrency < 1 {
		concurrency = 1
	}
	jobCtx := context.WithoutCancel(ctx)
	slots := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	fails := 0
	for {
		select { // wait for a free slot
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		free := 1
	grab:
		for free < concurrency {
			select {
			case slots <- struct{}{}:
				free++
			default:
				break grab
			}
		}
		batch, err := q.cons.Fetch(free, jetstream.FetchMaxWait(q.cfg.PollWait))
		if err != nil {
			for range free {
				<-slots
			}
			fails++
			q.cfg.Log.Warn("pulling jobs failed", "queue", q.cfg.Name, "err", err)
			select { // the connection reconnects by itself; wait a little
			case <-time.After(min(time.Duration(fails)*time.Second, 10*time.Second)):
				continue
			case <-ctx.Done():
				return nil
			}
		}
		used := 0
		for msg := range batch.Messages() {
			if ctx.Err() != nil {
				// Stopping: give it back at once rather than after AckWait.
				if err := msg.Nak(); err != nil {
					q.cfg.Log.Warn("handing a job back failed; it returns after AckWait", "err", err)
				}
				continue
			}
			used++
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				q.handle(jobCtx, msg, h)
			}()
		}
		for range free - used {
			<-slots
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, jetstream.ErrNoMessages) {
			fails++
			q.cfg.Log.Warn("pulling jobs failed", "queue", q.cfg.Name, "err", err)
			select {
			case <-time.After(min(time.Duration(fails)*time.Second, 10*time.Second)):
			case <-ctx.Done():
				return nil
			}
		} else {
			fails = 0
		}
	}
}

// backoff returns the wait before the next try of a job that failed on
// its delivery number n (from 1).
func (q *JetStream) backoff(n uint64) time.Duration {
	d := q.cfg.BackoffBase
	for i := uint64(1); i < n && d < q.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, q.cfg.BackoffMax)
}

// handle runs h on one message and settles it: ack, nak with a delay, or
// park.
func (q *JetStream) handle(ctx context.Context, msg jetstream.Msg, h Handler) {
	var n uint64 = 1
	var seq uint64
	if md, err := msg.Metadata(); err == nil {
		n, seq = md.NumDelivered, md.Sequence.Stream
	}
	log := q.cfg.Log.With("queue", q.cfg.Name, "seq", seq, "delivery", n)
	j, err := DecodeJob(msg.Data())
	if err != nil {
		q.park(ctx, msg, seq, n, err, log)
		return
	}
	log = log.With("job", j.String())
	if n > uint64(q.cfg.MaxDeliver) {
		q.park(ctx, msg, seq, n, fmt.Errorf("delivered %d times, more than %d, without an outcome: the workers that took it stopped or stalled", n, q.cfg.MaxDeliver), log)
		return
	}
	start := time.Now()
	err = q.withProgress(ctx, msg, func() error { return h(ctx, j) })
	switch {
	case err == nil:
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := msg.DoubleAck(actx); err != nil {
			// Stored but not acknowledged: the job comes back, and the
			// store's idempotence makes the second run change nothing.
			log.Warn("acknowledging a done job failed; it will run again", "err", err)
			return
		}
		log.Debug("job done", "ms", time.Since(start).Milliseconds())
	case errs.Is(err, errs.Invalid) || n >= uint64(q.cfg.MaxDeliver):
		q.park(ctx, msg, seq, n, err, log)
	default:
		delay := q.backoff(n)
		log.Warn("job failed; it will be tried again", "err", err, "retry_in", delay)
		if err := msg.NakWithDelay(delay); err != nil {
			log.Warn("handing a failed job back failed; it returns after AckWait", "err", err)
		}
	}
}

// withProgress runs fn while telling the server every AckWait/3 that the
// job is still being worked on.
func (q *JetStream) withProgress(ctx context.Context, msg jetstream.Msg, fn func() error) error {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(q.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				if err := msg.InProgress(); err != nil {
					q.cfg.Log.Debug("progress signal failed", "err", err)
				}
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	err := fn()
	close(done)
	wg.Wait()
	return err
}

// ParkedJob is a job that was given up on, as kept on the dead-letter
// stream.
type ParkedJob struct {
	Message    []byte    `json:"message"`       // the job's message as it was queued
	Job        *Job      `json:"job,omitempty"` // the job without its bytes, when the message decodes
	Error      string    `json:"error"`         // why it was given up on
	Kind       string    `json:"kind"`          // the error's kind (errs.Kind)
	Deliveries uint64    `json:"deliveries"`    // how many times it had been delivered
	Sequence   uint64    `json:"sequence"`      // its sequence in the jobs stream
	Parked     time.Time `json:"parked"`
}

// park moves a job to the dead-letter stream with its error, then removes
// it from the jobs stream. If parking fails the job is handed back.
func (q *JetStream) park(ctx context.Context, msg jetstream.Msg, seq, n uint64, cause error, log *slog.Logger) {
	p := ParkedJob{
		Message: msg.Data(), Error: cause.Error(), Deliveries: n, Sequence: seq,
		Parked: time.Now().UTC(), Kind: errs.KindOf(cause).String(),
	}
	if j, err := DecodeJob(msg.Data()); err == nil {
		j.Data = nil // the message holds the bytes already
		p.Job = &j
	}
	data, err := json.Marshal(p)
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err = q.js.Publish(pctx, parkedSubject(q.cfg.Name), data,
			jetstream.WithMsgID(fmt.Sprintf("parked-%d", seq)), jetstream.WithExpectStream(parkedStream(q.cfg.Name)))
	}
	if err != nil {
		log.Error("parking a failed job failed; handing it back", "err", err, "cause", cause)
		msg.NakWithDelay(q.backoff(n))
		return
	}
	log.Error("job parked", "err", cause)
	if err := msg.DoubleAck(ctx); err != nil {
		log.Warn("removing a parked job failed; it may be parked twice", "err", err)
	}
}

// Parked returns up to max parked jobs, oldest first.
func (q *JetStream) Parked(ctx context.Context, max int) (_ []ParkedJob, err error) {
	defer errs.Wrap(&err, "queue %s: parked jobs", q.cfg.Name)
	info, err := q.parked.Info(ctx)
	if err != nil {
		return nil, errs.E(errs.Unavailable, "%v", err)
	}
	var out []ParkedJob
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && len(out) < max && info.State.Msgs > 0; seq++ {
		m, err := q.parked.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return out, errs.E(errs.Unavailable, "%v", err)
		}
		var p ParkedJob
		if err := json.Unmarshal(m.Data, &p); err != nil {
			return out, fmt.Errorf("parked job %d: %w", seq, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Delete removes the queue's streams and with them every job; for tests
// and benchmarks that make a queue of their own.
func (q *JetStream) Delete(ctx context.Context) error {
	return errors.Join(
		q.js.DeleteStream(ctx, jobsStream(q.cfg.Name)),
		q.js.DeleteStream(ctx, parkedStream(q.cfg.Name)),
	)
}
