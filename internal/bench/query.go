package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
)

// MapBox is the map view the benchmark asks for: central Mali, northern
// Burkina Faso and western Niger, where most synthetic events fall.
var MapBox = Box{West: -6, South: 11, East: 4, North: 17}

// query is one kind of question, asked many times with random parameters.
type query struct {
	name string
	run  func(ctx context.Context, st store.Store, r *rand.Rand) error
}

func randomType(r *rand.Rand) string {
	return classify.Taxonomy[r.IntN(len(classify.Taxonomy))].Sub
}

// randomWindow returns a random window of days within the synthetic years.
func randomWindow(r *rand.Rand, days int) (from, to string) {
	start := time.Date(firstYear, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365*years-days))
	return start.Format(time.DateOnly), start.AddDate(0, 0, days-1).Format(time.DateOnly)
}

// list asks what GET /api/v1/events asks: a page and the total.
func list(ctx context.Context, st store.Store, f store.EventFilter) error {
	f, err := f.Normalize()
	if err != nil {
		return err
	}
	if _, err := st.ListEvents(ctx, f); err != nil {
		return err
	}
	_, err = st.CountEvents(ctx, f)
	return err
}

// MapEvents returns the events of one type in [from, to] inside box. The
// store has no bounding-box filter yet, so the events of the type and
// dates are listed page by page and the box is applied in Go.
func MapEvents(ctx context.Context, st store.Store, box Box, typ, from, to string) ([]model.StoredEvent, error) {
	var out []model.StoredEvent
	f := store.EventFilter{From: from, To: to, SubEventType: typ, Page: store.Page{Limit: store.MaxLimit}}
	for {
		evs, err := st.ListEvents(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if box.Contains(e.Location) {
				out = append(out, e)
			}
		}
		if len(evs) < f.Limit {
			return out, nil
		}
		f.Offset += len(evs)
	}
}

// Timeline counts events per month over the twelve months from start,
// with one CountEvents per month (the store has no aggregation yet).
func Timeline(ctx context.Context, st store.Store, typ string, start time.Time) ([]int, error) {
	counts := make([]int, 12)
	for i := range counts {
		m := start.AddDate(0, i, 0)
		n, err := st.CountEvents(ctx, store.EventFilter{
			SubEventType: typ, From: m.Format(time.DateOnly), To: m.AddDate(0, 1, -1).Format(time.DateOnly),
		})
		if err != nil {
			return nil, err
		}
		counts[i] = n
	}
	return counts, nil
}

var queries = []query{
	{"list: first page, no filter", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		return list(ctx, st, store.EventFilter{Page: store.Page{Limit: 50}})
	}},
	{"  of which the total (CountEvents)", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		_, err := st.CountEvents(ctx, store.EventFilter{})
		return err
	}},
	{"list: type + one year", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		from, to := randomWindow(r, 365)
		return list(ctx, st, store.EventFilter{SubEventType: randomType(r), From: from, To: to, Page: store.Page{Limit: 50}})
	}},
	{"list: country + 90 days", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		from, to := randomWindow(r, 90)
		return list(ctx, st, store.EventFilter{Country: places[r.IntN(len(places))].iso3, From: from, To: to, Page: store.Page{Limit: 50}})
	}},
	{"list: page 20 (offset 950), no filter", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		return list(ctx, st, store.EventFilter{Page: store.Page{Limit: 50, Offset: 950}})
	}},
	{"map: bbox + 90 days + type", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		from, to := randomWindow(r, 90)
		_, err := MapEvents(ctx, st, MapBox, randomType(r), from, to)
		return err
	}},
	{"map: bbox + one year + type", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		from, to := randomWindow(r, 365)
		_, err := MapEvents(ctx, st, MapBox, randomType(r), from, to)
		return err
	}},
	{"timeline: 12 months, one type", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		_, err := Timeline(ctx, st, randomType(r), time.Date(firstYear+r.IntN(years-1), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC))
		return err
	}},
	{"timeline: 12 months, all types", func(ctx context.Context, st store.Store, r *rand.Rand) error {
		_, err := Timeline(ctx, st, "", time.Date(firstYear+r.IntN(years-1), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC))
		return err
	}},
}

// QueryLatency asks each kind of query n times, after one warm-up round,
// and summarises the timings. Each question is timed from the caller's
// side, as the HTTP API would see it, without the HTTP part.
func QueryLatency(ctx context.Context, st store.Store, n int, seed uint64) ([]Latency, error) {
	r := rand.New(rand.NewPCG(seed, 7))
	var out []Latency
	for _, q := range queries {
		if err := q.run(ctx, st, r); err != nil { // warm-up
			return nil, fmt.Errorf("%s: %w", q.name, err)
		}
		ds := make([]time.Duration, 0, n)
		for range n {
			start := time.Now()
			if err := q.run(ctx, st, r); err != nil {
				return nil, fmt.Errorf("%s: %w", q.name, err)
			}
			ds = append(ds, time.Since(start))
		}
		out = append(out, Summarise(q.name, ds))
	}
	return out, nil
}
