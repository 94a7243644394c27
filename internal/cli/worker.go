package cli

import (
	"context"
	"flag"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/fetch"
	"github.com/vigil-hr/vigil/internal/queue"
)

func init() {
	register(command{"worker", "take extraction jobs from the NATS queue, extract and store them", 45, runWorker})
}

// natsFlags adds --nats (env VIGIL_NATS) to a command that can use the
// queue; the queue's name comes from VIGIL_NATS_QUEUE.
func natsFlags(fs *flag.FlagSet, e *Env, cfg *app.Config) {
	cfg.NATS, cfg.Queue, cfg.Log = e.Getenv("VIGIL_NATS"), e.Getenv("VIGIL_NATS_QUEUE"), e.Log
	fs.StringVar(&cfg.NATS, "nats", cfg.NATS, "nats:// `URL` of a NATS server with JetStream: extraction jobs go through its queue (env VIGIL_NATS)")
}

func runWorker(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "worker", "vigil worker [--nats URL] [--data DIR] [--db URL] [--concurrency N]",
		`Take extraction jobs from the NATS JetStream queue that 'vigil ingest --nats' fills, extract each document and
store it with its events, then acknowledge the job. Run as many workers as you like, on as many machines: each job
is done once. A job whose worker dies is given to another after --ack-wait; a job that keeps failing is retried with
back-off, then parked with its error on the queue's dead-letter stream. Documents larger than 512 KiB travel by
digest only: workers on other machines then need the same --data directory (a shared volume).
Stops cleanly on Ctrl-C or SIGTERM: stops taking jobs and finishes those it has.`)
	concurrency := fs.Int("concurrency", 2, "jobs worked on at once")
	ackWait := fs.Duration("ack-wait", 30*time.Second, "how long a job may go without a sign of life before another worker gets it")
	maxDeliver := fs.Int("max-deliver", 5, "tries before a failing job is parked")
	pollFeeds := fs.Bool("poll-feeds", false, "also poll the subscribed feeds (vigil feeds add); give it to one worker, or leave it to serve")
	feedEvery := fs.Duration("feeds-interval", 30*time.Minute, "how often each feed is polled, with --poll-feeds")
	cfg := storeFlags(fs, e)
	natsFlags(fs, e, cfg)
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	if cfg.NATS == "" {
		return usagef("no queue: give --nats nats://HOST:4222 or set VIGIL_NATS")
	}
	if *concurrency < 1 || *concurrency > 256 {
		return usagef("--concurrency %d: give 1 to 256", *concurrency)
	}
	if *ackWait < time.Second || *maxDeliver < 1 {
		return usagef("--ack-wait must be at least 1s and --max-deliver at least 1")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// The queue is opened here with the worker's settings; the app's own
	// connection (for enqueueing) is not needed.
	nats := cfg.NATS
	cfg.NATS = ""
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *pollFeeds {
		startFeeds(ctx, e, a, cfg.DataDir, *feedEvery, fetch.Options{})
	}
	q, err := queue.Open(ctx, queue.Config{URL: nats, Name: cfg.Queue, AckWait: *ackWait, MaxDeliver: *maxDeliver, Log: e.Log})
	if err != nil {
		return err
	}
	defer q.Close()
	e.Log.Info("vigil worker started", "nats", queue.Redact(nats), "concurrency", *concurrency, "data", cfg.DataDir)
	done := make(chan struct{})
	go progress(ctx, e, q, done)
	err = q.Work(ctx, *concurrency, a.ProcessJob)
	close(done)
	if err != nil {
		return fmt.Errorf("working: %w", err)
	}
	e.Log.Info("vigil worker stopped")
	return nil
}

// progress logs how many jobs wait, every 10 seconds while there are some.
func progress(ctx context.Context, e *Env, q *queue.JetStream, done <-chan struct{}) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if n, err := q.Pending(ctx); err == nil && n > 0 {
				e.Log.Info("worker progress", "jobs_waiting", n)
			}
		case <-done:
			return
		case <-ctx.Done():
			return
		}
	}
}
