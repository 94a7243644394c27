package httpapi

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// EventQuery is what the API and the web UI filter, sort and page events
// by. The store filters by date, sub-event type, country and document; the
// rest (event type, certainty, text, bounding box, sort) is applied here in
// Go over at most ScanLimit events, until the store learns those queries.
type EventQuery struct {
	Filter    store.EventFilter // From, To, SubEventType, Country, DocumentID; its Page is ignored
	EventType string            // ACLED event type, exact
	Certainty string            // alleged, reported or confirmed
	Text      string            // words that must all occur (case and accents ignored)
	BBox      *[4]float64       // west, south, east, north (degrees)
	Sort      string            // one of SortKeys, "-" prefix for descending; "" is newest first
	Limit     int               // 0 means store.DefaultLimit; at most store.MaxLimit
	Offset    int
}

// ScanLimit is how many events a query filtered in Go reads at most.
const ScanLimit = 50000

// SortKeys are the keys EventQuery.Sort accepts.
var SortKeys = []string{"date", "type", "place", "country", "certainty", "confidence", "fatalities"}

// QueryParams names the query parameters ParseEventQuery reads, each with
// its description (the OpenAPI document is built from it).
var QueryParams = []struct{ Name, Type, Doc string }{
	{"from", "date", "earliest event date, YYYY-MM-DD (inclusive; excludes undated events)"},
	{"to", "date", "latest event date, YYYY-MM-DD (inclusive; excludes undated events)"},
	{"event_type", "string", "ACLED event type, exact"},
	{"sub_event_type", "string", "ACLED sub-event type, exact"},
	{"country", "string", "ISO 3166-1 alpha-3 of the event's location"},
	{"certainty", "string", "alleged, reported or confirmed"},
	{"document", "string", "only events from this document (its SHA-256)"},
	{"q", "string", "words that must all occur in the event's place, actors, types, evidence or reasons"},
	{"bbox", "string", "west,south,east,north in degrees: only located events inside"},
	{"sort", "string", "date, type, place, country, certainty, confidence or fatalities; prefix - to reverse"},
	{"limit", "integer", "page size (default 100, at most 1000)"},
	{"offset", "integer", "events to skip"},
}

// ParseEventQuery reads an EventQuery from URL query parameters and checks it.
func ParseEventQuery(q url.Values) (EventQuery, error) {
	eq := EventQuery{
		Filter: store.EventFilter{
			From: q.Get("from"), To: q.Get("to"), SubEventType: q.Get("sub_event_type"),
			Country: strings.ToUpper(q.Get("country")), DocumentID: q.Get("document"),
		},
		EventType: q.Get("event_type"), Certainty: q.Get("certainty"),
		Text: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"),
	}
	for name, dst := range map[string]*int{"limit": &eq.Limit, "offset": &eq.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return eq, errs.E(errs.Invalid, "query parameter %s=%q is not a non-negative integer", name, v)
			}
			*dst = n
		}
	}
	if len(eq.Text) > 500 {
		return eq, errs.E(errs.Invalid, "query parameter q is longer than 500 bytes")
	}
	switch eq.Certainty {
	case "", model.CertaintyAlleged, model.CertaintyReported, model.CertaintyConfirmed:
	default:
		return eq, errs.E(errs.Invalid, "query parameter certainty=%q is not alleged, reported or confirmed", eq.Certainty)
	}
	if s := strings.TrimPrefix(eq.Sort, "-"); s != "" && !slices.Contains(SortKeys, s) {
		return eq, errs.E(errs.Invalid, "query parameter sort=%q is not one of %s", eq.Sort, strings.Join(SortKeys, ", "))
	}
	if v := q.Get("bbox"); v != "" {
		parts := strings.Split(v, ",")
		var b [4]float64
		ok := len(parts) == 4
		for i := 0; ok && i < 4; i++ {
			f, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			ok = err == nil && f >= -180 && f <= 180
			b[i] = f
		}
		if !ok || b[1] > b[3] || b[1] < -90 || b[3] > 90 {
			return eq, errs.E(errs.Invalid, "query parameter bbox=%q is not west,south,east,north in degrees", v)
		}
		eq.BBox = &b
	}
	f, err := eq.Filter.Normalize()
	if err != nil {
		return eq, err
	}
	eq.Filter = f
	p, err := store.Page{Limit: eq.Limit, Offset: eq.Offset}.Normalize()
	eq.Limit = p.Limit
	return eq, err
}

func normalizePage(limit int) int {
	if limit <= 0 {
		return store.DefaultLimit
	}
	return min(limit, store.MaxLimit)
}

// Values returns the query as URL parameters (without limit and offset),
// so that links keep the current filters.
func (q EventQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("from", q.Filter.From)
	set("to", q.Filter.To)
	set("event_type", q.EventType)
	set("sub_event_type", q.Filter.SubEventType)
	set("country", q.Filter.Country)
	set("certainty", q.Certainty)
	set("document", q.Filter.DocumentID)
	set("q", q.Text)
	set("sort", q.Sort)
	if q.BBox != nil {
		v.Set("bbox", fmt.Sprintf("%g,%g,%g,%g", q.BBox[0], q.BBox[1], q.BBox[2], q.BBox[3]))
	}
	return v
}

// inGo reports whether the query needs filtering or sorting in Go.
func (q EventQuery) inGo() bool {
	return q.EventType != "" || q.Certainty != "" || q.Text != "" || q.BBox != nil || (q.Sort != "" && q.Sort != "-date")
}

// CountCap bounds how far a listing counts: counting every one of millions
// of events for each page costs seconds, and past ten thousand the exact
// number helps no one page through. A total of CountCap+1 means "more".
const CountCap = 10000

// FindEvents returns one page of the events that pass q, and how many pass
// (CountCap+1 when more than CountCap do and the store can stop counting).
func FindEvents(ctx context.Context, st store.Events, q EventQuery) ([]model.StoredEvent, int, error) {
	if !q.inGo() {
		f := q.Filter
		f.Page = store.Page{Limit: normalizePage(q.Limit), Offset: q.Offset}
		evs, err := st.ListEvents(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		if len(evs) < f.Limit && (len(evs) > 0 || f.Offset == 0) {
			return evs, f.Offset + len(evs), nil // the last page: no count needed
		}
		if cc, ok := st.(store.CappedCounter); ok {
			n, err := cc.CountEventsUpTo(ctx, f, CountCap)
			return evs, n, err
		}
		n, err := st.CountEvents(ctx, f)
		return evs, n, err
	}
	all, _, err := AllEvents(ctx, st, q)
	if err != nil {
		return nil, 0, err
	}
	lo := min(q.Offset, len(all))
	hi := min(lo+normalizePage(q.Limit), len(all))
	return all[lo:hi], len(all), nil
}

// AllEvents returns every event that passes q, sorted, ignoring its page,
// reading at most ScanLimit events; truncated says the limit was reached.
func AllEvents(ctx context.Context, st store.Events, q EventQuery) (evs []model.StoredEvent, truncated bool, err error) {
	m := newMatcher(q)
	f := q.Filter
	for f.Offset = 0; f.Offset < ScanLimit; f.Offset += store.MaxLimit {
		f.Limit = store.MaxLimit
		batch, err := st.ListEvents(ctx, f)
		if err != nil {
			return nil, false, err
		}
		for i := range batch {
			if m.match(&batch[i]) {
				evs = append(evs, batch[i])
			}
		}
		if len(batch) < store.MaxLimit {
			sortEvents(evs, q.Sort)
			return evs, false, nil
		}
	}
	sortEvents(evs, q.Sort)
	return evs, true, nil
}

type matcher struct {
	q     EventQuery
	words []string
}

func newMatcher(q EventQuery) matcher {
	return matcher{q: q, words: strings.Fields(Fold(q.Text))}
}

func (m matcher) match(e *model.StoredEvent) bool {
	if m.q.EventType != "" && e.EventType != m.q.EventType {
		return false
	}
	if m.q.Certainty != "" && e.Certainty != m.q.Certainty {
		return false
	}
	if b := m.q.BBox; b != nil {
		l := e.Location
		if l == nil || l.Latitude < b[1] || l.Latitude > b[3] || !inLon(l.Longitude, b[0], b[2]) {
			return false
		}
	}
	if len(m.words) > 0 {
		hay := Fold(searchText(e))
		for _, w := range m.words {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}

// inLon reports whether lon lies between west and east, across the
// antimeridian when west > east.
func inLon(lon, west, east float64) bool {
	if west <= east {
		return lon >= west && lon <= east
	}
	return lon >= west || lon <= east
}

// searchText is what the text filter looks in.
func searchText(e *model.StoredEvent) string {
	var b strings.Builder
	add := func(s string) { b.WriteString(s); b.WriteByte(' ') }
	add(e.EventType)
	add(e.SubEventType)
	add(e.Certainty)
	if l := e.Location; l != nil {
		add(l.Name)
		add(l.Country)
		add(l.Admin1)
		add(l.Admin2)
	}
	for _, a := range e.Actors {
		add(a.Name)
		for _, m := range a.Mentions {
			add(m)
		}
	}
	for _, s := range e.Sources {
		add(s.Name)
	}
	for _, ev := range e.Evidence {
		add(ev.Text)
	}
	for _, w := range e.Why {
		add(w)
	}
	return b.String()
}

// Fold lower-cases s and strips its accents, so "Ségou" matches "segou".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// sortEvents sorts by key ("-" prefix: descending). Ties keep the store's
// order (newest first, then ID), so pages are stable.
func sortEvents(evs []model.StoredEvent, key string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	if key == "" {
		return // the store's order
	}
	var c func(a, b *model.StoredEvent) int
	switch key {
	case "date":
		c = func(a, b *model.StoredEvent) int { return cmp.Compare(a.EventDate, b.EventDate) }
	case "type":
		c = func(a, b *model.StoredEvent) int {
			return cmp.Or(cmp.Compare(a.EventType, b.EventType), cmp.Compare(a.SubEventType, b.SubEventType))
		}
	case "place":
		c = func(a, b *model.StoredEvent) int { return cmp.Compare(placeName(a), placeName(b)) }
	case "country":
		c = func(a, b *model.StoredEvent) int { return cmp.Compare(iso3(a), iso3(b)) }
	case "certainty":
		c = func(a, b *model.StoredEvent) int {
			return cmp.Compare(certaintyRank(a.Certainty), certaintyRank(b.Certainty))
		}
	case "confidence":
		c = func(a, b *model.StoredEvent) int { return cmp.Compare(a.Confidence, b.Confidence) }
	case "fatalities":
		c = func(a, b *model.StoredEvent) int { return cmp.Compare(best(a.Fatalities), best(b.Fatalities)) }
	default:
		return
	}
	slices.SortStableFunc(evs, func(a, b model.StoredEvent) int {
		if desc {
			return c(&b, &a)
		}
		return c(&a, &b)
	})
}

func placeName(e *model.StoredEvent) string {
	if e.Location == nil {
		return ""
	}
	return Fold(e.Location.Name)
}

func iso3(e *model.StoredEvent) string {
	if e.Location == nil {
		return ""
	}
	return e.Location.ISO3
}

func certaintyRank(c string) int {
	switch c {
	case model.CertaintyAlleged:
		return 1
	case model.CertaintyReported:
		return 2
	case model.CertaintyConfirmed:
		return 3
	}
	return 0
}

func best(c *model.Count) int {
	if c == nil || c.Best == nil {
		return -1
	}
	return *c.Best
}
