package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	vigil "github.com/vigil-hr/vigil"
	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/store"
)

// hostileReport is a report written to attack the page that shows it.
var hostileReport = "Gunmen attacked the village of Nampala on 13 March 2025, killing 4 civilians, residents said. " +
	`<script>document.title="pwned"</script> <img src=x onerror="document.title='pwned'"> ` +
	`"><svg onload=alert(1)> javascript:alert(1) ` + strings.Repeat("Wide-line-without-spaces-", 2000) + "\n"

type fixture struct {
	app *app.App
	srv *httptest.Server
	web *Server
	// hostile is what storing hostileReport gave.
	hostile store.IngestResult
}

// newFixture opens a store in a temporary directory, stores the team's
// demo reports and the hostile one, and serves the API and the workbench
// as `vigil serve` does.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ingest := func(ctx context.Context, in IntakeInput) (store.IngestResult, error) {
		doc, err := intake.Parse(in.Raw, in.Name)
		if err != nil {
			return store.IngestResult{}, err
		}
		return a.Ingest(ctx, app.IngestInput{Doc: doc, Source: in.Source, Published: in.Published})
	}
	err = fs.WalkDir(vigil.DemoReports, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(vigil.DemoReports, p)
		if err != nil {
			return err
		}
		_, err = ingest(ctx, IntakeInput{Raw: raw, Name: path.Base(p), Source: "Vigil demo (fiction)"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var fxHostile store.IngestResult
	if fxHostile, err = ingest(ctx, IntakeInput{Raw: []byte(hostileReport), Name: "hostile.txt", Source: `<b onmouseover="x()">Evil</b>`}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// Single-user local mode, as `vigil serve --demo` runs for a
	// newcomer; roles_test.go serves the same store with accounts.
	access := &httpapi.Access{Local: true}
	w, err := New(Config{Store: a.Store, Log: log, Ingest: ingest, MaxUpload: 1 << 20, Access: access})
	if err != nil {
		t.Fatal(err)
	}
	api := (&httpapi.Server{Store: a.Store, Log: log, Access: access}).Handler()
	mux := newMux(api, w.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &fixture{app: a, srv: srv, web: w, hostile: fxHostile}
}

// newMux mounts the API beside the workbench, as `vigil serve` does.
func newMux(api, ui http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/healthz", api)
	mux.Handle("/", ui)
	return mux
}
