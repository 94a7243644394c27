// Package httpapi serves Vigil's records over HTTP: the health probe and the
// JSON API under /api/v1/, described by the OpenAPI 3.1 document it serves
// at /api/openapi.json. The document is built from the same route table the
// handlers are registered from, with schemas reflected from the Go types, and
// a test checks real responses against it. Errors are RFC 9457 problem
// details. The web UI (package web) lives beside it.
//
// Every route declares the action of package auth's policy it needs
// (read_published, read_records, read_protected, ...); the route table
// drives both the checks (Require) and the document's per-operation
// security. Access authenticates requests (API tokens, session cookies,
// or single-user local mode). Callers who may read published records but
// not all records (the public) see only published records, through the
// publication gate (package redact); nothing is published until review
// exists, so their lists are empty and their single records 404.
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
)

// Server holds what the handlers need.
type Server struct {
	Store    store.Store
	Datasets Datasets // imported datasets; nil when none are open
	Log      *slog.Logger
	// Access authenticates requests; nil treats every request as the
	// public.
	Access *Access
	// Testimonies are the store's testimonies (nil: the testimony
	// endpoints answer 503).
	Testimonies vault.TestimonyStore
	// Vault decrypts protected fields, logging each read (nil: reading
	// them answers 503).
	Vault *vault.Service
	// Publication says what is published; nil publishes nothing.
	Publication Publication
	// Gate redacts what the public sees; nil is a gate without centroids
	// (sensitive places are withheld rather than blurred).
	Gate *redact.Gate
}

// route is one endpoint: how it is served and how it is documented.
type route struct {
	Method, Path string
	// Action is what the policy must allow the caller (package auth). A
	// route without one refuses everyone.
	Action    auth.Action
	Summary   string
	Params    []param // path parameters and query parameters
	Query     bool    // takes the event query parameters (QueryParams)
	Body      any     // a value of the 200 response's Go type
	MediaType string  // of the 200 response; application/json when empty
	Errors    []int   // problem statuses it may answer besides 500
	handler   func(*Server, http.ResponseWriter, *http.Request)
}

type param struct {
	Name, In, Type, Doc string
}

var idParam = param{"id", "path", "string", "the record's ID"}
var docIDParam = param{"id", "path", "string", "the document's ID (its SHA-256)"}

// routes is every endpoint of the API.
var routes = []route{
	{Method: "GET", Path: "/healthz", Action: auth.ReadPublished, Summary: "Readiness: 200 when the store answers", Body: Health{}, Errors: []int{503},
		handler: (*Server).health},
	{Method: "GET", Path: "/api/v1/events", Action: auth.ReadPublished, Summary: "Stored events, filtered, sorted and paged", Query: true,
		Body: EventList{}, Errors: []int{400}, handler: (*Server).listEvents},
	{Method: "GET", Path: "/api/v1/events.geojson", Action: auth.ReadPublished, Summary: "Located events as a GeoJSON FeatureCollection", Query: true,
		Body: FeatureCollection{}, MediaType: "application/geo+json", Errors: []int{400}, handler: (*Server).eventsGeoJSON},
	{Method: "GET", Path: "/api/v1/events/{id}", Action: auth.ReadPublished, Summary: "One stored event", Params: []param{idParam},
		Body: model.StoredEvent{}, Errors: []int{404}, handler: (*Server).getEvent},
	{Method: "GET", Path: "/api/v1/documents", Action: auth.ReadRecords, Summary: "Stored documents, newest first (without their text)",
		Params: []param{{"limit", "query", "integer", "page size (default 100, at most 1000)"}, {"offset", "query", "integer", "documents to skip"}},
		Body:   DocumentList{}, Errors: []int{400}, handler: (*Server).listDocuments},
	{Method: "GET", Path: "/api/v1/documents/{id}", Action: auth.ReadRecords, Summary: "One stored document with its text", Params: []param{docIDParam},
		Body: model.Document{}, Errors: []int{404}, handler: (*Server).getDocument},
	{Method: "GET", Path: "/api/v1/documents/{id}/reports", Action: auth.ReadRecords, Summary: "The extractors' reports on a document, oldest first",
		Params: []param{docIDParam}, Body: ReportList{}, Errors: []int{404}, handler: (*Server).documentReports},
}

func init() {
	// Added here, not in the literal: the document is built from routes.
	routes = append(routes, route{Method: "GET", Path: "/api/openapi.json", Action: auth.ReadPublished, Summary: "This OpenAPI document",
		Body: map[string]any{}, handler: (*Server).openAPI})
}

// RouteInfo describes one route of the API: its method, path pattern and
// the action it needs.
type RouteInfo struct {
	Method, Path string
	Action       auth.Action
}

// Routes lists the API's routes.
func Routes() []RouteInfo {
	out := make([]RouteInfo, len(routes))
	for i, rt := range routes {
		out[i] = RouteInfo{rt.Method, rt.Path, rt.Action}
	}
	return out
}

// Handler returns the HTTP handler with every route, each behind the
// check of its action, all behind s.Access.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Path, Require(rt.Action, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rt.handler(s, w, r) })))
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, errs.E(errs.NotFound, "no API endpoint %s %s", r.Method, r.URL.Path))
	})
	return s.logged(secure(s.Access.Authenticate(mux)))
}

// probeID is a well-formed document ID no document has (a SHA-256 of all
// zero bits is not the digest of any known input).
var probeID = strings.Repeat("0", 64)

// Health is the body of GET /healthz.
type Health struct {
	Status string `json:"status"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	// One primary-key lookup proves the store answers, in constant time
	// however many documents it holds (counting them does not).
	if _, err := s.Store.GetDocument(ctx, probeID); err != nil && !errs.Is(err, errs.NotFound) {
		s.problem(w, r, errs.E(errs.Unavailable, "store not ready: %v", err))
		return
	}
	writeJSON(w, http.StatusOK, Health{Status: "ok"})
}

// EventList is the body of GET /api/v1/events.
type EventList struct {
	Events []model.StoredEvent `json:"events"`
	// Total is how many events pass the filters; when TotalIsLowerBound is
	// true, at least that many (counting stops past CountCap).
	Total             int  `json:"total"`
	TotalIsLowerBound bool `json:"total_is_lower_bound,omitempty"`
	Limit             int  `json:"limit"`
	Offset            int  `json:"offset"`
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	q, err := ParseEventQuery(r.URL.Query())
	if err != nil {
		s.problem(w, r, err)
		return
	}
	evs, n, err := s.VisibleEvents(r.Context(), q)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	if evs == nil {
		evs = []model.StoredEvent{}
	}
	writeJSON(w, http.StatusOK, EventList{Events: evs, Total: min(n, CountCap), TotalIsLowerBound: n > CountCap, Limit: q.Limit, Offset: q.Offset})
}

// FeatureCollection is the body of GET /api/v1/events.geojson: one Point
// feature per located event (RFC 7946; coordinates are longitude, latitude).
type FeatureCollection struct {
	Type      string    `json:"type"`
	Features  []Feature `json:"features"`
	Truncated bool      `json:"truncated,omitempty"` // more events passed than were read (ScanLimit)
}

// Feature is one located event.
type Feature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   Point             `json:"geometry"`
	Properties model.StoredEvent `json:"properties"`
}

// Point is a GeoJSON point.
type Point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func (s *Server) eventsGeoJSON(w http.ResponseWriter, r *http.Request) {
	q, err := ParseEventQuery(r.URL.Query())
	if err != nil {
		s.problem(w, r, err)
		return
	}
	evs, truncated, err := s.VisibleAllEvents(r.Context(), q)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}, Truncated: truncated}
	for _, e := range evs {
		if e.Location == nil {
			continue
		}
		fc.Features = append(fc.Features, Feature{Type: "Feature", ID: e.ID,
			Geometry: Point{Type: "Point", Coordinates: [2]float64{e.Location.Longitude, e.Location.Latitude}}, Properties: e})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	writeBody(w, http.StatusOK, fc)
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	ev, err := s.VisibleEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ev)
}

// DocumentList is the body of GET /api/v1/documents.
type DocumentList struct {
	Documents []model.Document `json:"documents"`
	Total     int              `json:"total"`
	Limit     int              `json:"limit"`
	Offset    int              `json:"offset"`
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	q, err := ParseEventQuery(r.URL.Query()) // for limit and offset
	if err != nil {
		s.problem(w, r, err)
		return
	}
	page, err := store.Page{Limit: q.Limit, Offset: q.Offset}.Normalize()
	if err != nil {
		s.problem(w, r, err)
		return
	}
	docs, err := s.Store.ListDocuments(r.Context(), page)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	n, err := s.Store.CountDocuments(r.Context())
	if err != nil {
		s.problem(w, r, err)
		return
	}
	if docs == nil {
		docs = []model.Document{}
	}
	writeJSON(w, http.StatusOK, DocumentList{Documents: docs, Total: n, Limit: page.Limit, Offset: page.Offset})
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	d, err := s.Store.GetDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// ReportList is the body of GET /api/v1/documents/{id}/reports.
type ReportList struct {
	Reports []model.Report `json:"reports"`
}

func (s *Server) documentReports(w http.ResponseWriter, r *http.Request) {
	reps, err := s.Store.ReportsForDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	if reps == nil {
		reps = []model.Report{}
	}
	writeJSON(w, http.StatusOK, ReportList{Reports: reps})
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
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
	writeBody(w, status, Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	writeBody(w, status, v)
}

// writeBody writes v as JSON with the content type already set.
func writeBody(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// secure sets headers that keep hostile content inert in a browser.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
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

func jsonEncoder(w interface{ Write([]byte) (int, error) }) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc
}
