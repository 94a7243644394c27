// Package web is Vigil's server-rendered workbench: the events list with
// filters, the map on an embedded offline basemap, the timeline, the event
// page with its evidence highlighted in the source text, and intake. Pages
// are html/template (so stored text is escaped), enhanced by htmx and a few
// small scripts served as files: the Content-Security-Policy allows no
// inline script and no request to any other origin. English and French.
//
// Every page declares the action of package auth's policy it needs, in
// one route table (Routes). The workbench shares its authentication with
// the API (httpapi.Access): a sign-in page opens a session, pages check
// the session's CSRF token on every POST, and the public (not signed in)
// sees only published records, like the API's public. In single-user
// local mode a banner says that everyone who reaches the server acts as
// admin.
package web

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
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
	// Access authenticates requests, as for the API; nil treats every
	// request as the public.
	Access *httpapi.Access
	// API answers the queries pages share with the API, for the request's
	// role (the public sees published records only); nil: one over Store
	// with nothing published.
	API *httpapi.Server
}

// DefaultMaxUpload is the largest intake request accepted by default.
const DefaultMaxUpload = 10 << 20

// Server serves the workbench.
type Server struct {
	cfg    Config
	pages  map[string]*template.Template
	static *assets
	logins chan struct{} // sign-in checks under way (MaxConcurrentLogins)
}

// MaxConcurrentLogins bounds the password checks run at once: each costs
// argon2id's 64 MiB.
const MaxConcurrentLogins = 4

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
	if cfg.API == nil {
		cfg.API = &httpapi.Server{Store: cfg.Store, Log: cfg.Log, Access: cfg.Access}
	}
	s := &Server{cfg: cfg, static: st, logins: make(chan struct{}, MaxConcurrentLogins)}
	if s.pages, err = parsePages(st); err != nil {
		return nil, err
	}
	return s, nil
}

// pageRoute is one page or form target and the action it needs.
type pageRoute struct {
	Method, Path string
	Action       auth.Action
	handler      func(*Server, http.ResponseWriter, *http.Request)
}

// pageRoutes is every route of the workbench. A route without an action
// refuses everyone.
var pageRoutes = []pageRoute{
	{"GET", "/{$}", auth.ReadPublished, (*Server).eventsPage},
	{"GET", "/events", auth.ReadPublished, (*Server).eventsPage},
	{"GET", "/events/{id}", auth.ReadPublished, (*Server).eventPage},
	{"GET", "/documents/{id}", auth.ReadRecords, (*Server).documentPage},
	{"GET", "/map", auth.ReadPublished, (*Server).mapPage},
	{"GET", "/map/points.json", auth.ReadPublished, (*Server).mapPoints},
	{"GET", "/timeline", auth.ReadPublished, (*Server).timelinePage},
	{"GET", "/intake", auth.Ingest, (*Server).intakePage},
	{"POST", "/intake", auth.Ingest, (*Server).intakePost},
	{"POST", "/lang", auth.ReadPublished, (*Server).setLang},
	{"GET", "/login", auth.ReadPublished, (*Server).loginPage},
	{"POST", "/login", auth.ReadPublished, (*Server).loginPost},
	{"POST", "/logout", auth.ReadPublished, (*Server).logout},
	{"GET", "/static/", auth.ReadPublished, func(s *Server, w http.ResponseWriter, r *http.Request) {
		http.StripPrefix("/static/", s.static).ServeHTTP(w, r)
	}},
}

// Routes lists the workbench's routes with the action each needs.
func Routes() []httpapi.RouteInfo {
	out := make([]httpapi.RouteInfo, len(pageRoutes))
	for i, rt := range pageRoutes {
		out[i] = httpapi.RouteInfo{Method: rt.Method, Path: rt.Path, Action: rt.Action}
	}
	return out
}

// Handler returns the workbench's routes. Mount it at / beside the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range pageRoutes {
		mux.Handle(rt.Method+" "+rt.Path, s.require(rt.Action, func(w http.ResponseWriter, r *http.Request) { rt.handler(s, w, r) }))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errs.E(errs.NotFound, "no page at %s", r.URL.Path))
	})
	cop := http.NewCrossOriginProtection()
	return securityHeaders(cop.Handler(s.readForm(s.cfg.Access.Authenticate(s.checkCSRF(mux)))))
}

// require lets a request through only when its principal may take
// action: otherwise the public gets the sign-in page with 401 (JSON for
// the map's points) and a signed-in user the policy refuses an error
// page with 403.
func (s *Server) require(action auth.Action, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.FromContext(r.Context())
		switch {
		case p.Can(action):
			h(w, r)
		case strings.HasSuffix(r.URL.Path, ".json") && p.User == nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
			httpapi.Deny(w, http.StatusUnauthorized, "sign in or give an API token to do this")
		case strings.HasSuffix(r.URL.Path, ".json"):
			httpapi.Deny(w, http.StatusForbidden, "the role "+string(p.Role)+" may not do this")
		case p.User == nil:
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
			s.renderLogin(w, r, http.StatusUnauthorized, localeFor(r).T("Sign in to see this page."), r.URL.RequestURI())
		default:
			s.render(w, r, http.StatusForbidden, "error", s.base(w, r, "", errorView{Status: http.StatusForbidden,
				Message: localeFor(r).T("Your role (%s) may not do this.", localeFor(r).T(string(p.Role)))}))
		}
	})
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
	s.render(w, r, status, "error", s.base(w, r, "", errorView{status, msg}))
}

// errorView is the error page's data.
type errorView struct {
	Status  int
	Message string
}
