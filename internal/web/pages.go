package web

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/model"
)

// page is what every template gets.
type page struct {
	L     *Locale
	Nav   string // which tab is current
	CSRF  string
	Path  string // the current path and query, for the language switch
	Query url.Values
	Data  any
	// Viewer is who the page is shown to: signed in, the public or the
	// local user.
	Viewer viewer
}

func (s *Server) base(w http.ResponseWriter, r *http.Request, nav string, data any) page {
	return page{L: localeFor(r), Nav: nav, CSRF: csrfToken(r), Path: r.URL.RequestURI(), Query: r.URL.Query(), Data: data,
		Viewer: s.viewerOf(r)}
}

// filterForm is the filter bar's state and choices.
type filterForm struct {
	Q             httpapi.EventQuery
	EventTypes    []string
	SubEventTypes []string
	Certainties   []string
	Countries     []string
	Err           string
	ShowInterval  bool
	Interval      string
	Action        string
	Target        bool // the form updates #results through htmx
}

func newFilterForm(q httpapi.EventQuery, action string) filterForm {
	ff := filterForm{Q: q, Action: action, Certainties: []string{model.CertaintyAlleged, model.CertaintyReported, model.CertaintyConfirmed},
		Countries: sahelCountries}
	for _, l := range classify.Taxonomy {
		if !slices.Contains(ff.EventTypes, l.Event) {
			ff.EventTypes = append(ff.EventTypes, l.Event)
		}
		ff.SubEventTypes = append(ff.SubEventTypes, l.Sub)
	}
	return ff
}

// sahelCountries are offered first in the country filter; any ISO3 code
// can be typed in the URL.
var sahelCountries = []string{"BEN", "BFA", "CIV", "CMR", "DZA", "GHA", "GIN", "LBY", "MLI", "MRT", "NER", "NGA", "SEN", "TCD", "TGO"}

// parseQuery reads the filters; on bad input it keeps what it can and says why.
func parseQuery(r *http.Request) (httpapi.EventQuery, string) {
	v := r.URL.Query()
	// Empty form fields are absent filters.
	for k, vals := range v {
		if len(vals) == 0 || vals[0] == "" {
			v.Del(k)
		}
	}
	q, err := httpapi.ParseEventQuery(v)
	if err != nil {
		return httpapi.EventQuery{Limit: listPage}, err.Error()
	}
	return q, ""
}

const listPage = 50

type eventsView struct {
	Filters     filterForm
	Events      []model.StoredEvent
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
	SortURL     map[string]string
	SortKey     string
	SortDesc    bool
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) {
	q, bad := parseQuery(r)
	if r.URL.Query().Get("limit") == "" {
		q.Limit = listPage
	}
	v := eventsView{Filters: newFilterForm(q, "/events"), SortURL: map[string]string{}}
	v.Filters.Err, v.Filters.Target = bad, true
	evs, total, err := s.cfg.API.VisibleEvents(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Events, v.Total = evs, total
	v.Page = q.Offset/q.Limit + 1
	v.Pages = max(1, (total+q.Limit-1)/q.Limit)
	base := q.Values()
	link := func(vals url.Values) string { return "/events?" + vals.Encode() }
	if q.Offset > 0 {
		p := cloneValues(base)
		if off := max(0, q.Offset-q.Limit); off > 0 {
			p.Set("offset", strconv.Itoa(off))
		}
		v.PrevURL = link(p)
	}
	if q.Offset+q.Limit < total {
		p := cloneValues(base)
		p.Set("offset", strconv.Itoa(q.Offset+q.Limit))
		v.NextURL = link(p)
	}
	v.SortDesc = strings.HasPrefix(q.Sort, "-") || q.Sort == ""
	v.SortKey = strings.TrimPrefix(q.Sort, "-")
	if v.SortKey == "" {
		v.SortKey = "date"
	}
	for _, k := range httpapi.SortKeys {
		p := cloneValues(base)
		next := "-" + k // first click: largest first
		if k == v.SortKey && v.SortDesc {
			next = k
		}
		p.Set("sort", next)
		v.SortURL[k] = link(p)
	}
	s.render(w, r, http.StatusOK, "events", s.base(w, r, "events", v))
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	return c
}

type eventView struct {
	Event     *model.StoredEvent
	Doc       *model.Document
	Fields    []fieldRow
	Segments  []segment
	Others    []model.Event
	Extractor string
	Known     []httpapi.KnownMatch // nearest imported dataset events
	HasKnown  bool                 // datasets are there to ask
}

func (s *Server) eventPage(w http.ResponseWriter, r *http.Request) {
	ev, err := s.cfg.API.VisibleEvent(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := localeFor(r)
	v := eventView{Event: ev, Fields: fieldRows(loc, &ev.Event)}
	if !auth.FromContext(r.Context()).Can(auth.ReadRecords) {
		// A published event, as the gate left it: no source text.
		s.render(w, r, http.StatusOK, "event", s.base(w, r, "events", v))
		return
	}
	doc, err := s.cfg.Store.GetDocument(r.Context(), ev.DocumentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Doc = doc
	v.Segments = highlight(doc.Text, ev.Evidence)
	if reps, err := s.cfg.Store.ReportsForDocument(r.Context(), doc.ID); err == nil {
		for _, rep := range reps {
			if rep.ID == ev.ReportID {
				v.Extractor = rep.Extractor + " " + rep.ExtractorVersion
			}
			for _, o := range rep.Events {
				if o.ID != ev.ID {
					v.Others = append(v.Others, o)
				}
			}
		}
	}
	if s.cfg.Known != nil {
		v.HasKnown = true
		if ms, err := s.cfg.Known(r.Context(), ev, 5); err == nil {
			v.Known = ms
		} else {
			s.cfg.Log.Warn("looking up known events", "event", ev.ID, "err", err)
		}
	}
	s.render(w, r, http.StatusOK, "event", s.base(w, r, "events", v))
}

type documentView struct {
	Doc    *model.Document
	Events []model.StoredEvent
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) {
	doc, err := s.cfg.Store.GetDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		if errs.Is(err, errs.Invalid) {
			err = errs.E(errs.NotFound, "no document %q", r.PathValue("id"))
		}
		s.fail(w, r, err)
		return
	}
	q := httpapi.EventQuery{Limit: 1000}
	q.Filter.DocumentID = doc.ID
	evs, _, err := httpapi.FindEvents(r.Context(), s.cfg.Store, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "document", s.base(w, r, "events", documentView{Doc: doc, Events: evs}))
}

type mapView struct {
	Filters   filterForm
	PointsURL string
}

func (s *Server) mapPage(w http.ResponseWriter, r *http.Request) {
	q, bad := parseQuery(r)
	v := mapView{Filters: newFilterForm(q, "/map"), PointsURL: "/map/points.json?" + q.Values().Encode()}
	v.Filters.Err = bad
	s.render(w, r, http.StatusOK, "map", s.base(w, r, "map", v))
}

type timelineView struct {
	Filters filterForm
	Chart   chart
}

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) {
	q, bad := parseQuery(r)
	evs, truncated, err := s.cfg.API.VisibleAllEvents(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	interval := r.URL.Query().Get("interval")
	loc := localeFor(r)
	v := timelineView{Filters: newFilterForm(q, "/timeline")}
	v.Filters.Err, v.Filters.ShowInterval = bad, true
	v.Chart = buildChart(evs, interval, q, loc)
	v.Chart.Truncated = truncated
	v.Filters.Interval = v.Chart.Interval
	s.render(w, r, http.StatusOK, "timeline", s.base(w, r, "timeline", v))
}

type intakeView struct {
	Enabled bool
	MaxMiB  int64
	Err     string
	Text    string
	Source  string
	Date    string
}

func (s *Server) intakePage(w http.ResponseWriter, r *http.Request) {
	v := intakeView{Enabled: s.cfg.Ingest != nil, MaxMiB: s.cfg.MaxUpload >> 20}
	s.render(w, r, http.StatusOK, "intake", s.base(w, r, "intake", v))
}

func (s *Server) intakePost(w http.ResponseWriter, r *http.Request) {
	loc := localeFor(r)
	v := intakeView{Enabled: s.cfg.Ingest != nil, MaxMiB: s.cfg.MaxUpload >> 20,
		Text: r.FormValue("text"), Source: strings.TrimSpace(r.FormValue("source")), Date: r.FormValue("published")}
	again := func(status int, msg string) {
		v.Err = msg
		s.render(w, r, status, "intake", s.base(w, r, "intake", v))
	}
	if s.cfg.Ingest == nil {
		again(http.StatusServiceUnavailable, loc.T("Intake is not available on this server."))
		return
	}
	in := IntakeInput{Name: "pasted text", Source: v.Source}
	if len(in.Source) > 200 {
		again(http.StatusBadRequest, "source: at most 200 characters")
		return
	}
	if v.Date != "" {
		t, err := time.Parse(time.DateOnly, v.Date)
		if err != nil {
			again(http.StatusBadRequest, "publication date "+strconv.Quote(v.Date)+" is not YYYY-MM-DD")
			return
		}
		in.Published = t
	}
	file, hdr, err := r.FormFile("file")
	switch {
	case err == nil:
		defer file.Close()
		if strings.TrimSpace(v.Text) != "" {
			again(http.StatusBadRequest, loc.T("Give either text or a file."))
			return
		}
		in.Raw, err = io.ReadAll(io.LimitReader(file, s.cfg.MaxUpload+1))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if int64(len(in.Raw)) > s.cfg.MaxUpload {
			again(http.StatusRequestEntityTooLarge, loc.T("At most %d MiB.", v.MaxMiB))
			return
		}
		in.Name = hdr.Filename
	case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		if strings.TrimSpace(v.Text) == "" {
			again(http.StatusBadRequest, loc.T("Give either text or a file."))
			return
		}
		in.Raw = []byte(v.Text)
	default:
		again(http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.cfg.Ingest(r.Context(), in)
	if err != nil {
		if errs.HTTPStatus(err) == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		again(errs.HTTPStatus(err), err.Error())
		return
	}
	s.cfg.Log.Info("intake", "document", res.DocumentID, "events", len(res.EventIDs), "existing", res.Existing)
	to := "/documents/" + res.DocumentID
	if len(res.EventIDs) == 1 {
		to = "/events/" + url.PathEscape(res.EventIDs[0])
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// setLang stores the chosen language in a cookie and goes back.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.FormValue("lang")
	if lang != "en" && lang != "fr" {
		s.fail(w, r, errs.E(errs.Invalid, "unknown language %q", lang))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, HttpOnly: true})
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

// funcs are the templates' helpers.
func funcs(a *assets) template.FuncMap {
	return template.FuncMap{
		"asset":     a.url,
		"count":     func(c *model.Count) string { return countText(c) },
		"typeClass": typeClass,
		"pct":       func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
		"add":       func(a, b int) int { return a + b },
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
		"date": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.Format(time.DateOnly)
		},
		"actors": func(as []model.Actor) string {
			var names []string
			for _, a := range as {
				if a.Role == "actor1" || a.Role == "actor2" {
					names = append(names, a.Name)
				}
			}
			return strings.Join(names, " · ")
		},
		"selected": func(a, b string) bool { return a == b },
	}
}

// typeClass is the CSS class colouring an event type.
func typeClass(eventType string) string {
	switch eventType {
	case "Battles":
		return "t-battles"
	case "Explosions/Remote violence":
		return "t-explosions"
	case "Violence against civilians":
		return "t-vac"
	case "Protests":
		return "t-protests"
	case "Riots":
		return "t-riots"
	case "Strategic developments":
		return "t-strategic"
	}
	return "t-other"
}

func countText(c *model.Count) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	if c.Best != nil {
		b.WriteString(strconv.Itoa(*c.Best))
	}
	if c.Low != nil && c.High != nil && (c.Best == nil || *c.Low != *c.High) {
		b.WriteString(" (" + strconv.Itoa(*c.Low) + "–" + strconv.Itoa(*c.High) + ")")
	}
	if c.Text != "" {
		if b.Len() > 0 {
			b.WriteString(" · ")
		}
		b.WriteString("“" + c.Text + "”")
	}
	return b.String()
}
