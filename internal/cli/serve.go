package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/dataset"
	"github.com/vigil-hr/vigil/internal/fetch"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/web"
)

func runServe(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "serve", "vigil serve [--addr 127.0.0.1:8080] [--data DIR]",
		`Serve the workbench at / (events with filters, map, timeline, each event with its evidence, intake),
the JSON API under /api/v1/ with its OpenAPI document at /api/openapi.json, and GET /healthz, which answers 200 when the store is ready. Stops cleanly on Ctrl-C or SIGTERM.
With --demo, the demo reports the Vigil team wrote are stored first (once), so there is something to see.`)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on")
	demo := fs.Bool("demo", false, "first store the demo reports the Vigil team wrote (fiction about real places)")
	feedEvery := fs.Duration("feeds-interval", 30*time.Minute, "how often each subscribed feed is polled (vigil feeds add)")
	allowPrivate := fs.Bool("allow-private", false, "let feeds and their items reach private, loopback and link-local addresses")
	cfg := storeFlags(fs, e)
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo {
		if err := loadDemo(ctx, e, a); err != nil {
			return err
		}
	}
	startFeeds(ctx, e, a, cfg.DataDir, *feedEvery, fetch.Options{AllowPrivate: *allowPrivate})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	apiSrv := &httpapi.Server{Store: a.Store, Log: e.Log}
	// Imported datasets (vigil import) answer "is this incident already
	// known?"; they live in their own file, opened only when there is one.
	if path := filepath.Join(cfg.DataDir, dataset.FileName); fileExists(path) {
		ds, err := dataset.Open(ctx, path)
		if err != nil {
			return err
		}
		defer ds.Close()
		apiSrv.Datasets = ds
	}
	var known func(ctx context.Context, ev *model.StoredEvent, k int) ([]httpapi.KnownMatch, error)
	if apiSrv.Datasets != nil {
		known = apiSrv.Known
	}
	ui, err := web.New(web.Config{Store: a.Store, Log: e.Log, Known: known, Ingest: func(ctx context.Context, in web.IntakeInput) (store.IngestResult, error) {
		doc, err := intake.Parse(in.Raw, in.Name)
		if err != nil {
			return store.IngestResult{}, err
		}
		return a.Ingest(ctx, app.IngestInput{Doc: doc, Source: in.Source, Published: in.Published})
	}})
	if err != nil {
		return fmt.Errorf("web UI: %w", err)
	}
	api := apiSrv.Handler()
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/healthz", api)
	mux.Handle("/", ui.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	e.Log.Info("vigil serving", "url", "http://"+ln.Addr().String(), "data", cfg.DataDir)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		e.Log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("shutting down: %w", err)
		}
	}
	return nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
