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
	"sync"
	"syscall"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/dataset"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/fetch"
	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
	"github.com/vigil-hr/vigil/internal/web"
)

func runServe(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "serve", "vigil serve [--addr 127.0.0.1:8080] [--data DIR]",
		`Serve the workbench at / (events with filters, map, timeline, each event with its evidence, intake),
the JSON API under /api/v1/ with its OpenAPI document at /api/openapi.json, and GET /healthz, which answers 200 when the store is ready. Stops cleanly on Ctrl-C or SIGTERM.
With --demo, the demo reports the Vigil team wrote are stored first (once), so there is something to see.

Who may do what: when the store has no user and the address is loopback (127.0.0.0/8, ::1,
localhost), Vigil runs in single-user local mode: no sign-in, the local user acts as admin (the UI
and the log say so). Once a user exists ('vigil user add'), or on any other address, everyone signs
in (web) or gives an API token (Authorization: Bearer); without, they see only published records.
With no user on an address that is not loopback, serve refuses to start.`)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on")
	demo := fs.Bool("demo", false, "first store the demo reports the Vigil team wrote (fiction about real places)")
	feedEvery := fs.Duration("feeds-interval", 30*time.Minute, "how often each subscribed feed is polled (vigil feeds add)")
	allowPrivate := fs.Bool("allow-private", false, "let feeds and their items reach private, loopback and link-local addresses")
	checkpointEvery := fs.Duration("checkpoint-interval", 10*time.Minute, "how often a signed checkpoint of the ledger is issued when it has grown (0: never)")
	cfg := storeFlags(fs, e)
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	local, err := serveMode(*addr)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	ps, _ := a.Store.(store.ProtectedStore)
	access, err := accessFor(ctx, e, ps, *addr, local)
	if err != nil {
		return err
	}
	if *demo {
		if err := loadDemo(ctx, e, a); err != nil {
			return err
		}
	}
	startFeeds(ctx, e, a, cfg.DataDir, *feedEvery, fetch.Options{AllowPrivate: *allowPrivate})
	startCheckpoints(ctx, e, a, cfg.DataDir, *checkpointEvery)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); access.Local && (!ok || !tcp.IP.IsLoopback()) {
		ln.Close()
		return fmt.Errorf("%s did not resolve to a loopback address; %s", *addr, needUser)
	}
	apiSrv := &httpapi.Server{Store: a.Store, Log: e.Log, Access: access,
		Gate: &redact.Gate{Centroids: &lazyCentroids{dataDir: cfg.DataDir}}}
	if ps != nil {
		apiSrv.Testimonies = ps
		apiSrv.Vault = openVault(e, ps, cfg.DataDir)
		go expireSessions(ctx, e, ps)
	}
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
	ui, err := web.New(web.Config{Store: a.Store, Log: e.Log, Known: known, Access: access, API: apiSrv, Ingest: func(ctx context.Context, in web.IntakeInput) (store.IngestResult, error) {
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

// needUser ends the error of a server that would run without sign-in
// where others can reach it.
const needUser = "no user exists, so anyone who reaches the server would act as admin: add one first with 'vigil user add NAME --role admin' (or serve on 127.0.0.1)"

// serveMode reports whether addr is a loopback address (127.0.0.0/8, ::1,
// or a name that resolves to one), where single-user local mode may run.
func serveMode(addr string) (loopback bool, err error) {
	ta, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return false, usagef("--addr %q is not host:port: %v", addr, err)
	}
	return ta.IP != nil && ta.IP.IsLoopback(), nil
}

// accessFor decides how the server authenticates: single-user local mode
// when the store has no user and the address is loopback; sign-in
// otherwise; and refuses a server with no user on another address.
func accessFor(ctx context.Context, e *Env, ps store.ProtectedStore, addr string, loopback bool) (*httpapi.Access, error) {
	users := 0
	if ps != nil {
		us, err := ps.ListUsers(ctx)
		if err != nil {
			return nil, err
		}
		users = len(us)
	}
	switch {
	case users == 0 && loopback:
		e.Log.Warn("single-user local mode: no user exists and the address is loopback, so no one signs in and every request acts as admin; run 'vigil user add' to require sign-in",
			"addr", addr)
		return &httpapi.Access{Local: true, Log: e.Log}, nil
	case users == 0:
		return nil, errs.E(errs.Invalid, "%s is not a loopback address and %s", addr, needUser)
	}
	e.Log.Info("sign-in required: the workbench has a sign-in page, the API takes tokens; without either, only published records are shown",
		"users", users)
	return &httpapi.Access{Auth: &auth.Service{Store: ps}, Log: e.Log}, nil
}

// openVault loads the vault's keys to read protected fields through the
// API; without them (no testimony was ever taken, or the keys are not
// on this machine) reading them answers 503.
func openVault(e *Env, ps store.ProtectedStore, dataDir string) *vault.Service {
	keys, _, err := vault.Load(dataDir, e.Getenv, false)
	if err != nil {
		if !errs.Is(err, errs.NotFound) {
			e.Log.Warn("the vault's keys could not be loaded: protected fields cannot be read through the API", "err", err)
		}
		return nil
	}
	return &vault.Service{Store: ps, Keys: keys}
}

// expireSessions removes expired sessions every hour until ctx ends.
func expireSessions(ctx context.Context, e *Env, ps store.ProtectedStore) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := ps.DeleteExpiredSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
			e.Log.Warn("removing expired sessions", "err", err)
		} else if n > 0 {
			e.Log.Debug("expired sessions removed", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lazyCentroids finds region centroids in the data directory's gazetteer,
// loaded the first time the publication gate needs one.
type lazyCentroids struct {
	dataDir string
	once    sync.Once
	c       redact.Centroids
}

// Centroid implements redact.Centroids. If the gazetteer cannot be
// loaded, no centroid is known and the gate withholds sensitive places.
func (l *lazyCentroids) Centroid(iso3, admin1, admin2 string) (float64, float64, bool) {
	l.once.Do(func() {
		g, err := geoparse.Open(l.dataDir)
		if err != nil {
			g = nil
		}
		l.c = redact.Gazetteer{G: g}
	})
	return l.c.Centroid(iso3, admin1, admin2)
}

// startCheckpoints signs a checkpoint of the ledger on a schedule, so that
// records added through the workbench or the feeds are covered by a
// signature without anyone asking. Issuing is a no-op when nothing was
// appended since the last checkpoint.
func startCheckpoints(ctx context.Context, e *Env, a *app.App, dataDir string, every time.Duration) {
	if every <= 0 {
		return
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				checkpoint(ctx, e, a, dataDir)
			}
		}
	}()
}
