package bench

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sync"
	"time"

	vigil "github.com/vigil-hr/vigil"
	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/queue"
)

// Reports returns n reports: the team's demo reports, each copy made
// distinct by a line naming it (so none is stored twice), tagged with run
// so that runs into one store do not find each other's documents.
func Reports(n int, run string) ([][]byte, error) {
	var base [][]byte
	var htmlNames []bool
	err := fs.WalkDir(vigil.DemoReports, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(vigil.DemoReports, p)
		base = append(base, b)
		htmlNames = append(htmlNames, path.Ext(p) == ".html")
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(base) == 0 {
		return nil, fmt.Errorf("no demo reports embedded")
	}
	out := make([][]byte, n)
	for i := range out {
		k := i % len(base)
		tag := fmt.Sprintf("vigil bench %s copy %d", run, i)
		if htmlNames[k] {
			out[i] = append(bytes.Clone(base[k]), "\n<!-- "+tag+" -->\n"...)
		} else {
			out[i] = append(bytes.Clone(base[k]), "\n\n("+tag+")\n"...)
		}
	}
	return out, nil
}

// BenchQueue is the queue the benchmark uses (and empties) by default.
const BenchQueue = "VIGIL_BENCH"

// IngestConfig says how to measure ingestion.
type IngestConfig struct {
	App     app.Config // the store (DataDir, DB) and, for Workers > 0, the queue (NATS, Queue)
	Docs    int        // how many reports
	Workers int        // 0: in-process, as `vigil ingest`; n: n workers (each concurrency 1) over NATS
	Log     *slog.Logger
}

// IngestResult is one measured ingestion.
type IngestResult struct {
	Mode        string
	Docs        int
	Enqueue     time.Duration // over NATS: reading, storing the bytes and queueing every report
	Took        time.Duration // extracting and storing every report
	Parked      int           // jobs parked (should be 0)
	StoreBefore int           // documents in the store before
	StoreAfter  int           // and after
}

// PerSecond is the throughput of extraction and storage.
func (r IngestResult) PerSecond() float64 { return float64(r.Docs) / r.Took.Seconds() }

func (r IngestResult) String() string {
	s := fmt.Sprintf("%-28s %6d reports in %8.2fs = %7.1f reports/s", r.Mode, r.Docs, r.Took.Seconds(), r.PerSecond())
	if r.Enqueue > 0 {
		s += fmt.Sprintf("  (queued at %.0f reports/s; end to end %.1f reports/s; %d parked)",
			float64(r.Docs)/r.Enqueue.Seconds(), float64(r.Docs)/(r.Enqueue+r.Took).Seconds(), r.Parked)
	}
	return s
}

// Ingest measures how fast reports are extracted and stored: in-process
// one after the other (what `vigil ingest` does), or by Workers workers
// taking jobs from the NATS queue. For workers, every job is queued first
// (Enqueue times that, as `vigil ingest --nats` does it) and the clock
// then runs from the workers' start until the queue is empty. Workers run
// in this process, each with its own store connection, blob store, queue
// connection and extractor, as separate `vigil worker` processes would.
func Ingest(ctx context.Context, cfg IngestConfig) (res IngestResult, err error) {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	reports, err := Reports(cfg.Docs, fmt.Sprint(time.Now().UnixNano()))
	if err != nil {
		return res, err
	}
	res.Docs = cfg.Docs
	store := "sqlite"
	if cfg.App.DB != "" {
		store = "postgres"
	}
	main := cfg.App
	if main.Queue == "" {
		main.Queue = BenchQueue
	}
	if main.Queue == queue.DefaultName {
		return res, fmt.Errorf("the benchmark empties its queue: give it one of its own, not %s", queue.DefaultName)
	}
	cfg.App.Queue = main.Queue
	if cfg.Workers == 0 {
		main.NATS = ""
		res.Mode = store + ", in-process"
	} else {
		if main.NATS == "" {
			return res, fmt.Errorf("%d workers need a NATS URL", cfg.Workers)
		}
		res.Mode = fmt.Sprintf("%s, %d worker(s) over NATS", store, cfg.Workers)
	}
	a, err := app.Open(ctx, main)
	if err != nil {
		return res, err
	}
	defer a.Close()
	if res.StoreBefore, err = a.Store.CountDocuments(ctx); err != nil {
		return res, err
	}
	parse := func(i int) (*intake.Doc, error) { return intake.Parse(reports[i], fmt.Sprintf("report %d", i)) }

	if cfg.Workers == 0 {
		start := time.Now()
		for i := range reports {
			doc, err := parse(i)
			if err != nil {
				return res, err
			}
			if _, err := a.Ingest(ctx, app.IngestInput{Doc: doc, Source: "vigil bench"}); err != nil {
				return res, err
			}
			if (i+1)%500 == 0 {
				log.Info("ingest progress", "mode", res.Mode, "done", i+1, "of", len(reports))
			}
		}
		res.Took = time.Since(start)
	} else {
		if err := a.Jobs.Delete(ctx); err != nil {
			log.Debug("emptying the queue", "err", err)
		}
		a.Close()
		if a, err = app.Open(ctx, main); err != nil { // recreate the emptied queue
			return res, err
		}
		defer a.Close()
		start := time.Now()
		for i := range reports {
			doc, err := parse(i)
			if err != nil {
				return res, err
			}
			if _, err := a.Submit(ctx, app.IngestInput{Doc: doc, Source: "vigil bench"}, fmt.Sprintf("report %d", i)); err != nil {
				return res, err
			}
		}
		res.Enqueue = time.Since(start)
		if res.Took, err = runWorkers(ctx, cfg, a.Jobs, log); err != nil {
			return res, err
		}
		parked, err := a.Jobs.Parked(ctx, 1000)
		if err != nil {
			return res, err
		}
		res.Parked = len(parked)
	}
	if res.StoreAfter, err = a.Store.CountDocuments(ctx); err != nil {
		return res, err
	}
	if res.StoreAfter-res.StoreBefore != res.Docs-res.Parked {
		return res, fmt.Errorf("%s: the store gained %d documents for %d reports (%d parked)", res.Mode, res.StoreAfter-res.StoreBefore, res.Docs, res.Parked)
	}
	return res, nil
}

// runWorkers starts cfg.Workers workers and returns how long they took to
// empty the queue.
func runWorkers(ctx context.Context, cfg IngestConfig, jobs *queue.JetStream, log *slog.Logger) (time.Duration, error) {
	wcfg := cfg.App
	wcfg.NATS = ""
	var apps []*app.App
	var qs []*queue.JetStream
	defer func() {
		for _, q := range qs {
			q.Close()
		}
		for _, a := range apps {
			a.Close()
		}
	}()
	for range cfg.Workers {
		a, err := app.Open(ctx, wcfg)
		if err != nil {
			return 0, err
		}
		apps = append(apps, a)
		q, err := queue.Open(ctx, queue.Config{URL: cfg.App.NATS, Name: cfg.App.Queue, Log: log, PollWait: 200 * time.Millisecond})
		if err != nil {
			return 0, err
		}
		qs = append(qs, q)
	}
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errc := make(chan error, len(qs))
	start := time.Now()
	for i, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- q.Work(wctx, 1, apps[i].ProcessJob)
		}()
	}
	var took time.Duration
	var err error
	last := time.Now()
	for {
		var n uint64
		if n, err = jobs.Pending(ctx); err != nil || n == 0 {
			took = time.Since(start)
			break
		}
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			log.Info("workers progress", "workers", cfg.Workers, "jobs_left", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	wg.Wait()
	close(errc)
	for e := range errc {
		if err == nil {
			err = e
		}
	}
	return took, err
}
