// Package httpapi serves Vigil's records over HTTP: the health probe, the
// JSON API under /api/v1/ and, for now, a plain HTML list of events at /.
// Errors are RFC 9457 problem details.
package httpapi

import (
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// Server holds what the handlers need.
type Server struct {
	Store store.Store
	Log   *slog.Logger
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /api/v1/events", s.listEvents)
	mux.HandleFunc("GET /api/v1/events/{id}", s.getEvent)
	mux.HandleFunc("GET /api/v1/documents/{id}", s.getDocument)
	mux.HandleFunc("GET /{$}", s.index)
	return s.logged(secure(mux))
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.Store.CountDocuments(ctx); err != nil {
		s.problem(w, r, errs.E(errs.Unavailable, "store not ready: %v", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// EventList is the body of GET /api/v1/events.
type EventList struct {
	Events []model.StoredEvent `json:"events"`
	Total  int                 `json:"total"`
	Limit  int                 `json:"limit"`
	Offset int                 `json:"offset"`
}

func filterFrom(r *http.Request) (store.EventFilter, error) {
	q := r.URL.Query()
	f := store.EventFilter{
		From: q.Get("from"), To: q.Get("to"), SubEventType: q.Get("sub_event_type"),
		Country: q.Get("country"), DocumentID: q.Get("document"),
	}
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return f, errs.E(errs.Invalid, "query parameter %s=%q is not a non-negative integer", name, v)
			}
			*dst = n
		}
	}
	return f.Normalize()
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	f, err := filterFrom(r)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	evs, err := s.Store.ListEvents(r.Context(), f)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	n, err := s.Store.CountEvents(r.Context(), f)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	if evs == nil {
		evs = []model.StoredEvent{}
	}
	writeJSON(w, http.StatusOK, EventList{Events: evs, Total: n, Limit: f.Limit, Offset: f.Offset})
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	ev, err := s.Store.GetEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ev)
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	d, err := s.Store.GetDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

var indexTmpl = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil — events</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body><h1>Vigil</h1><p>{{.Total}} stored event(s). JSON: <a href="/api/v1/events">/api/v1/events</a></p>
<table><tr><th>Date</th><th>Type</th><th>Place</th><th>Actors</th><th>Certainty</th></tr>
{{range .Events}}<tr><td>{{.EventDate}}</td><td>{{.SubEventType}}</td><td>{{with .Location}}{{.Name}}, {{.Country}}{{end}}</td>
<td>{{range $i, $a := .Actors}}{{if $i}}; {{end}}{{$a.Name}}{{end}}</td><td>{{.Certainty}}</td></tr>{{end}}
</table></body></html>`))

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	f, _ := store.EventFilter{}.Normalize()
	evs, err := s.Store.ListEvents(r.Context(), f)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	n, err := s.Store.CountEvents(r.Context(), f)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := indexTmpl.Execute(w, EventList{Events: evs, Total: n}); err != nil {
		s.Log.Error("rendering index", "err", err)
	}
}

// problem writes err as application/problem+json.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	status := errs.HTTPStatus(err)
	detail := err.Error()
	if status == http.StatusInternalServerError {
		s.Log.Error("request failed", "path", r.URL.Path, "err", err)
		detail = "internal error; see the server log"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// secure sets headers that keep hostile content inert in a browser.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }

func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(sw, r)
		s.Log.Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}
