// Package web is Vigil's server-rendered workbench: the events list with
// filters, the map on an embedded offline basemap, the timeline, the event
// page with its evidence highlighted in the source text, and intake. Pages
// are html/template (so stored text is escaped), enhanced by htmx and a few
// small scripts served as files: the Content-Security-Policy allows no
// inline script and no request to any other origin. English and French.
package web

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// IntakeInput is one report submitted through the intake page.
type IntakeInput struct {
	Raw       []byte
	Name      string    // the file name, or "pasted text"
	Source    string    // who published it, as the user typed it
	Published time.Time // zero when not given
}

// IngestFunc stores a report and what was extracted from it.
type IngestFunc func(ctx context.Context, in IntakeInput) (store.IngestResult, error)

// Config is what the workbench needs.
type Config struct {
	Store store.Store
	// Known finds imported dataset events near an event ("is this incident
	// already known?"); nil hides the panel.
	Known  func(ctx context.Context, ev *model.StoredEvent, k int) ([]httpapi.KnownMatch, error)
	Ingest IngestFunc // nil disables intake
	Log    *slog.Logger
	// MaxUpload bounds an intake request's body; 0 means DefaultMaxUpload.
	MaxUpload int64
}

// DefaultMaxUpload is the largest intake request accepted by default.
const DefaultMaxUpload = 10 << 20

// Server serves the workbench.
type Server struct {
	cfg    Config
	pages  map[string]*template.Template
	static *assets
}

// New parses the templates and indexes the static files.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	st, err := loadAssets(sub)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, static: st}
	if s.pages, err = parsePages(st); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the workbench's routes. Mount it at / beside the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.eventsPage)
	mux.HandleFunc("GET /events", s.eventsPage)
	mux.HandleFunc("GET /events/{id}", s.eventPage)
	mux.HandleFunc("GET /documents/{id}", s.documentPage)
	mux.HandleFunc("GET /map", s.mapPage)
	mux.HandleFunc("GET /map/points.json", s.mapPoints)
	mux.HandleFunc("GET /timeline", s.timelinePage)
	mux.HandleFunc("GET /intake", s.intakePage)
	mux.HandleFunc("POST /intake", s.intakePost)
	mux.HandleFunc("POST /lang", s.setLang)
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.static))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errs.E(errs.NotFound, "no page at %s", r.URL.Path))
	})
	cop := http.NewCrossOriginProtection()
	return securityHeaders(cop.Handler(s.withCSRF(mux)))
}

// csp allows only this origin: scripts are files, never inline.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// render executes a page into a buffer, so a template error becomes a
// clean 500, then writes it compressed when the client accepts it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.cfg.Log.Error("no such template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	name := "layout"
	if r.Header.Get("HX-Request") == "true" && t.Lookup("results") != nil && r.Header.Get("HX-Target") == "results" {
		name = "results" // htmx swaps only the results
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.cfg.Log.Error("rendering page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Vary", "HX-Request, HX-Target, Accept-Encoding, Accept-Language, Cookie")
	writeCompressed(w, r, status, "text/html; charset=utf-8", buf.Bytes())
}

// fail renders an error page for err's kind.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := errs.HTTPStatus(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		s.cfg.Log.Error("page failed", "path", r.URL.Path, "err", err)
		msg = ""
	}
	s.render(w, r, status, "error", s.base(w, r, "", struct {
		Status  int
		Message string
	}{status, msg}))
}
