package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/bench"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/store"
)

func init() {
	register(command{"bench", "measure ingest throughput, query latency and API load on this machine", 900, runBench})
}

const benchUsage = `vigil bench ingest [--docs N] [--workers 0,1,2] [--db URL] [--nats URL] [--data DIR]
       vigil bench query  [--events N] [--queries N] [--db URL] [--data DIR]
       vigil bench load   [--target http://127.0.0.1:PORT] [--clients N] [--duration D] [--think D] [--data DIR] [--db URL]`

// benchStore adds the store flags of a benchmark. Unlike the other
// commands it reads no environment, so it never writes into the data a
// user works with unless told to: without --data it works in a temporary
// directory, removed at the end.
func benchStore(fs *flag.FlagSet) *app.Config {
	cfg := &app.Config{}
	fs.StringVar(&cfg.DataDir, "data", "", "`directory` to keep the benchmark's data in and reuse (default: a temporary one, removed)")
	fs.StringVar(&cfg.DB, "db", "", "postgres:// `URL` to benchmark PostgreSQL (use a database of its own: the benchmark fills it)")
	return cfg
}

// benchDir makes the temporary data directory when none was given.
func benchDir(cfg *app.Config) (cleanup func(), err error) {
	if cfg.DataDir != "" {
		return func() {}, nil
	}
	if cfg.DataDir, err = os.MkdirTemp("", "vigil-bench-"); err != nil {
		return nil, err
	}
	return func() { os.RemoveAll(cfg.DataDir) }, nil
}

func runBench(ctx context.Context, e *Env, args []string) error {
	about := `Measure Vigil on this machine and print the numbers (docs/performance.md keeps them, with the commands).
  ingest  extract and store the team's demo reports, copied until there are --docs of them: in-process, and with
          each number of --workers taking jobs over NATS (needs --nats; 0 means in-process)
  query   load --events synthetic events (PostgreSQL by COPY, SQLite by Ingest) unless the store holds them, then
          time the incident list, the map (bounding box + dates + type) and the timeline, --queries times each
  load    --clients concurrent clients for --duration against the API: of 'vigil serve' at --target (loopback
          only), or of a server this command starts on 127.0.0.1 over --data/--db. Bounded and self-stopping.`
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs := newFlags(e, "bench", benchUsage, about)
		if _, err := parse(fs, args); err != nil {
			return err
		}
		return usagef("name what to measure: ingest, query or load")
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "ingest":
		return benchIngest(ctx, e, args[1:], about)
	case "query":
		return benchQuery(ctx, e, args[1:], about)
	case "load":
		return benchLoad(ctx, e, args[1:], about)
	}
	return usagef("unknown benchmark %q: give ingest, query or load", args[0])
}

func benchIngest(ctx context.Context, e *Env, args []string, about string) error {
	fs := newFlags(e, "bench ingest", benchUsage, about)
	docs := fs.Int("docs", 1000, "reports to ingest in each run")
	workers := fs.String("workers", "0", "comma-separated `list` of runs: 0 in-process, n for n workers over NATS")
	cfg := benchStore(fs)
	fs.StringVar(&cfg.NATS, "nats", "", "nats:// `URL` of the NATS server for runs with workers")
	fs.StringVar(&cfg.Queue, "queue", bench.BenchQueue, "`name` of the queue the benchmark uses and empties")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	if *docs < 1 || *docs > 1_000_000 {
		return usagef("--docs %d: give 1 to 1,000,000", *docs)
	}
	var runs []int
	for _, w := range strings.Split(*workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 0 || n > 64 {
			return usagef("--workers %q: give numbers from 0 to 64, comma-separated", *workers)
		}
		if n > 0 && cfg.NATS == "" {
			return usagef("--workers %d needs --nats", n)
		}
		runs = append(runs, n)
	}
	cleanup, err := benchDir(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	for _, w := range runs {
		res, err := bench.Ingest(ctx, bench.IngestConfig{App: *cfg, Docs: *docs, Workers: w, Log: e.Log})
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, res)
	}
	return nil
}

// openBenchStore opens the benchmark's store and loads synthetic events.
func openBenchStore(ctx context.Context, e *Env, cfg *app.Config, events int) (*app.App, error) {
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return nil, err
	}
	if events > 0 {
		res, err := bench.LoadSynthetic(ctx, a.Store, events, 5, e.Log)
		if err != nil {
			a.Close()
			return nil, err
		}
		if res.Documents > 0 {
			fmt.Fprintf(e.Stdout, "loaded %d synthetic events (%d documents) in %.1fs = %.0f events/s\n",
				res.Events, res.Documents, res.Took.Seconds(), float64(res.Events)/res.Took.Seconds())
		}
	}
	if cfg.DB != "" {
		start := time.Now()
		if err := bench.Analyze(ctx, cfg.DB); err != nil {
			a.Close()
			return nil, err
		}
		e.Log.Info("ANALYZE done", "seconds", time.Since(start).Seconds())
	}
	n, err := a.Store.CountEvents(ctx, store.EventFilter{})
	if err != nil {
		a.Close()
		return nil, err
	}
	fmt.Fprintf(e.Stdout, "store holds %d events\n", n)
	return a, nil
}

func benchQuery(ctx context.Context, e *Env, args []string, about string) error {
	fs := newFlags(e, "bench query", benchUsage, about)
	events := fs.Int("events", 100_000, "synthetic events the store must hold (2000000 for the 2M run)")
	n := fs.Int("queries", 200, "times each query is asked")
	cfg := benchStore(fs)
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	if *events < 1 || *events > 50_000_000 || *n < 1 || *n > 100_000 {
		return usagef("--events must be 1 to 50,000,000 and --queries 1 to 100,000")
	}
	cleanup, err := benchDir(cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	a, err := openBenchStore(ctx, e, cfg, *events)
	if err != nil {
		return err
	}
	defer a.Close()
	ls, err := bench.QueryLatency(ctx, a.Store, *n, 1)
	if err != nil {
		return err
	}
	bench.WriteLatencies(e.Stdout, ls)
	return nil
}

func benchLoad(ctx context.Context, e *Env, args []string, about string) error {
	fs := newFlags(e, "bench load", benchUsage, about)
	target := fs.String("target", "", "base `URL` of a running 'vigil serve' on loopback (default: start one over --data/--db)")
	clients := fs.Int("clients", 200, "concurrent clients")
	duration := fs.Duration("duration", 60*time.Second, "how long to load the API (at most 10m)")
	think := fs.Duration("think", 0, "mean pause between a client's requests")
	events := fs.Int("events", 0, "without --target: synthetic events to load first if the store holds fewer")
	cfg := benchStore(fs)
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	if *clients < 1 || *clients > bench.MaxClients || *duration <= 0 || *duration > bench.MaxDuration || *think < 0 {
		return usagef("--clients must be 1 to %d, --duration up to %v, --think not negative", bench.MaxClients, bench.MaxDuration)
	}
	if *target != "" {
		if _, err := bench.CheckLoopback(*target); err != nil {
			return usagef("%v", err)
		}
	} else {
		if cfg.DataDir == "" && cfg.DB == "" && *events == 0 {
			return usagef("give --target, or a store with events (--data/--db), or --events to load some")
		}
		cleanup, err := benchDir(cfg)
		if err != nil {
			return err
		}
		defer cleanup()
		a, err := openBenchStore(ctx, e, cfg, *events)
		if err != nil {
			return err
		}
		defer a.Close()
		url, shutdown, err := serveLoopback(a.Store)
		if err != nil {
			return err
		}
		defer shutdown()
		*target = url
	}
	e.Log.Info("loading the API", "target", *target, "clients", *clients, "duration", *duration, "think", *think)
	res, err := bench.Load(ctx, bench.LoadConfig{Target: *target, Clients: *clients, Duration: *duration, Think: *think, Seed: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "load: %d clients, %v, think %v: %s\n", *clients, *duration, *think, res)
	kinds := make([]string, 0, len(res.ByKind))
	for k := range res.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintln(e.Stdout, "  ", res.ByKind[k])
	}
	if res.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed; first: %s", res.Errors, res.Requests, res.FirstError)
	}
	return nil
}

// serveLoopback serves the API over st on 127.0.0.1 with serve's settings.
func serveLoopback(st store.Store) (url string, shutdown func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{
		Handler:           (&httpapi.Server{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Access: &httpapi.Access{Local: true}}).Handler(),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("bench server", "err", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
