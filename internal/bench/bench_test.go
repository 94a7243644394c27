package bench

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

func TestSummarise(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := Summarise("x", ds)
	if l.N != 100 || l.P50 != 50*time.Millisecond || l.P99 != 99*time.Millisecond || l.Max != 100*time.Millisecond || l.Mean != 50500*time.Microsecond {
		t.Errorf("Summarise: %+v", l)
	}
	if l := Summarise("one", []time.Duration{time.Second}); l.P50 != time.Second || l.P99 != time.Second {
		t.Errorf("one sample: %+v", l)
	}
	if l := Summarise("none", nil); l.N != 0 {
		t.Errorf("no samples: %+v", l)
	}
}

func TestGenerator(t *testing.T) {
	a, b := NewGenerator(3), NewGenerator(3)
	seen := map[string]bool{}
	for range 50 {
		d1, r1 := a.Next(4)
		d2, r2 := b.Next(4)
		if d1.ID != d2.ID || r1.Events[3].EventDate != r2.Events[3].EventDate {
			t.Fatal("the same seed gave different output")
		}
		if seen[d1.ID] {
			t.Fatal("a document came twice")
		}
		seen[d1.ID] = true
		if d1.ID != blob.Sum([]byte(d1.Text)) {
			t.Fatal("a document's ID is not its text's digest")
		}
		if err := store.PrepareIngest(d1, r1, time.Now()); err != nil {
			t.Fatalf("a synthetic report is not valid: %v", err)
		}
	}
}

func openStore(t testing.TB) store.Store {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestLoadSyntheticAndQueries(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	res, err := LoadSynthetic(ctx, st, 1000, 5, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 200 || res.Events != 1000 {
		t.Fatalf("loaded %+v, want 200 documents and 1000 events", res)
	}
	// Loading again finds them and adds nothing; asking for more adds the rest.
	if res, err = LoadSynthetic(ctx, st, 1000, 5, quiet()); err != nil || res.Documents != 0 {
		t.Fatalf("reloading: %+v %v", res, err)
	}
	if res, err = LoadSynthetic(ctx, st, 1500, 5, quiet()); err != nil || res.Documents != 100 {
		t.Fatalf("growing: %+v %v", res, err)
	}
	total, _ := st.CountEvents(ctx, store.EventFilter{})
	if total != 1500 {
		t.Fatalf("%d events stored, want 1500", total)
	}

	// The map holds exactly the events of the type and dates in the box.
	all, err := MapEvents(ctx, st, Box{-180, -90, 180, 90}, "", "", "")
	if err != nil || len(all) != total {
		t.Fatalf("the whole world: %d events, %v; want %d", len(all), err, total)
	}
	typ := all[0].SubEventType
	var want int
	for _, e := range all {
		if e.SubEventType == typ && e.EventDate >= "2018-01-01" && e.EventDate <= "2021-12-31" && MapBox.Contains(e.Location) {
			want++
		}
	}
	got, err := MapEvents(ctx, st, MapBox, typ, "2018-01-01", "2021-12-31")
	if err != nil || len(got) != want || want == 0 {
		t.Fatalf("map: %d events, %v; want %d (>0)", len(got), err, want)
	}

	// The timeline's months add up to the year's count.
	months, err := Timeline(ctx, st, "", time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	year, _ := st.CountEvents(ctx, store.EventFilter{From: "2019-01-01", To: "2019-12-31"})
	sum := 0
	for _, m := range months {
		sum += m
	}
	if sum != year || year == 0 {
		t.Fatalf("timeline months add up to %d, the year holds %d", sum, year)
	}

	ls, err := QueryLatency(ctx, st, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != len(queries) || ls[0].N != 3 || ls[0].P99 <= 0 {
		t.Fatalf("latencies: %+v", ls)
	}
}

func TestReports(t *testing.T) {
	rs, err := Reports(100, "t")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rs {
		s := blob.Sum(r)
		if seen[s] {
			t.Fatal("two reports are the same bytes")
		}
		seen[s] = true
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://127.0.0.2:1", "http://[::1]:8080", "http://localhost:8080"} {
		u, err := CheckLoopback(ok)
		if err != nil || strings.Contains(u.Host, "localhost") {
			t.Errorf("%s: %v %v", ok, u, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://192.168.1.1", "http://example.org", "https://127.0.0.1", "ftp://127.0.0.1", "127.0.0.1:8080", "http://0.0.0.0:80"} {
		if _, err := CheckLoopback(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestLoad(t *testing.T) {
	st := openStore(t)
	if _, err := LoadSynthetic(t.Context(), st, 200, 5, quiet()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&httpapi.Server{Store: st, Log: quiet(), Access: &httpapi.Access{Local: true}}).Handler())
	defer srv.Close()
	res, err := Load(t.Context(), LoadConfig{Target: srv.URL, Clients: 4, Duration: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 || res.Latency.N != res.Requests || len(res.ByKind) == 0 {
		t.Fatalf("load: %+v", res)
	}
	// Errors are counted: a server that fails every request.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/events" && r.URL.Query().Get("limit") == "1000" {
			w.Write([]byte(`{"events":[{"id":"e1"}]}`))
			return
		}
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer bad.Close()
	res, err = Load(t.Context(), LoadConfig{Target: bad.URL, Clients: 2, Duration: 200 * time.Millisecond})
	if err != nil || res.Errors != res.Requests || res.Requests == 0 || !strings.Contains(res.FirstError, "500") {
		t.Fatalf("failing server: %+v %v", res, err)
	}
	for _, c := range []LoadConfig{
		{Target: srv.URL, Clients: 0, Duration: time.Second},
		{Target: srv.URL, Clients: 1, Duration: time.Hour},
		{Target: "http://10.1.2.3:80", Clients: 1, Duration: time.Second},
	} {
		if _, err := Load(t.Context(), c); err == nil {
			t.Errorf("%+v: accepted", c)
		}
	}
}

func BenchmarkMapEvents(b *testing.B) {
	st := openStore(b)
	if _, err := LoadSynthetic(b.Context(), st, 10000, 5, quiet()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := MapEvents(b.Context(), st, MapBox, "Attack", "2019-01-01", "2019-12-31"); err != nil {
			b.Fatal(err)
		}
	}
}
