package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/store/sqlite"
	"github.com/vigil-hr/vigil/internal/store/storetest"
	"github.com/vigil-hr/vigil/internal/vault"
)

type fixture struct {
	srv    *httptest.Server
	ids    []string
	docIDs []string
	// testimony is a stored testimony with every protected field set.
	testimony string
	st        *sqlite.Store
	vault     *vault.Service
}

// witness are the protected fields of the fixture's testimony.
var witness = vault.Protected{WitnessName: "Aïssata Kouyaté", WitnessContact: "+223 76 00 11 22",
	Location: "behind the well of Nampala, 15.28,-5.55", Notes: "speaks for her brother"}

// newStore opens a store with two sample documents (six events) and a
// testimony about the first event, and the vault's keys.
func newStore(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx := fixture{st: st}
	for n := 1; n <= 2; n++ {
		doc, rep := storetest.Sample(n, 3)
		if n == 1 {
			// A hostile name must come out inert.
			rep.Events[0].Location.Name = `<script>alert("x")</script>`
		}
		res, err := st.Ingest(ctx, doc, rep)
		if err != nil {
			t.Fatal(err)
		}
		fx.ids = append(fx.ids, res.EventIDs...)
		fx.docIDs = append(fx.docIDs, res.DocumentID)
	}
	keys, _, err := vault.Load(dir, func(string) string { return "" }, true)
	if err != nil {
		t.Fatal(err)
	}
	fx.vault = &vault.Service{Store: st, Keys: keys}
	res, err := fx.vault.Add(ctx, &vault.Testimony{Statement: "Men on motorbikes came at dawn.", Lang: "en", Sensitive: true,
		Country: "MLI", Admin1: "Ségou", Admin2: "Niono", TakenOn: "2025-03-20", EventIDs: []string{fx.ids[0]},
		DocumentIDs: []string{fx.docIDs[0]}, Protected: witness}, "system:test")
	if err != nil {
		t.Fatal(err)
	}
	fx.testimony = res.ID
	return fx
}

// newServer serves the fixture's store in single-user local mode, where
// the caller acts as an admin.
func newServer(t *testing.T) fixture {
	t.Helper()
	fx := newStore(t)
	fx.srv = httptest.NewServer(fx.server(&Access{Local: true}).Handler())
	t.Cleanup(fx.srv.Close)
	return fx
}

func (fx fixture) server(a *Access) *Server {
	return &Server{Store: fx.st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Access: a, Testimonies: fx.st, Vault: fx.vault}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRoutes(t *testing.T) {
	fx := newServer(t)
	for _, tc := range []struct {
		path, ctype, contains string
		status                int
	}{
		{"/healthz", "application/json", `"status":"ok"`, 200},
		{"/api/v1/events", "application/json", `"total":6`, 200},
		{"/api/v1/events?limit=1", "application/json", `"limit":1`, 200},
		{"/api/v1/events?limit=1001", "application/problem+json", `exceeds`, 400},
		{"/api/v1/events/" + fx.ids[0], "application/json", fx.ids[0], 200},
		{"/api/v1/events/nope", "application/problem+json", `"status":404`, 404},
		{"/api/v1/events?limit=abc", "application/problem+json", `limit=\"abc\"`, 400},
		{"/api/v1/events?from=2025-13-01", "application/problem+json", `"status":400`, 400},
		{"/api/v1/events?certainty=maybe", "application/problem+json", `certainty`, 400},
		{"/api/v1/events?sort=colour", "application/problem+json", `sort`, 400},
		{"/api/v1/events?bbox=1,2,3", "application/problem+json", `bbox`, 400},
		{"/api/v1/events?certainty=alleged", "application/json", `"total":0`, 200},
		{"/api/v1/events?q=%3Cscript%3E", "application/json", `"total":1`, 200},
		{"/api/v1/events.geojson", "application/geo+json", `"FeatureCollection"`, 200},
		{"/api/v1/documents", "application/json", `"total":2`, 200},
		{"/api/v1/documents/" + fx.docIDs[0], "application/json", fx.docIDs[0], 200},
		{"/api/v1/documents/" + fx.docIDs[0] + "/reports", "application/json", `"reports"`, 200},
		{"/api/v1/documents/" + strings.Repeat("0", 64), "application/problem+json", `"status":404`, 404},
		{"/api/v1/nothing", "application/problem+json", `"status":404`, 404},
		{"/api/openapi.json", "application/json", `"openapi":"3.1.0"`, 200},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, fx.srv.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("content type %q, want %q", resp.Header.Get("Content-Type"), tc.ctype)
			}
			if !strings.Contains(body, tc.contains) {
				t.Errorf("body lacks %q: %s", tc.contains, body)
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("unescaped script in body")
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing nosniff header")
			}
		})
	}
}

func TestListEventsBody(t *testing.T) {
	fx := newServer(t)
	_, body := get(t, fx.srv.URL+"/api/v1/events")
	var l EventList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	if l.Total != 6 || len(l.Events) != 6 || l.Limit != 100 {
		t.Fatalf("list = total %d, %d events, limit %d", l.Total, len(l.Events), l.Limit)
	}
	for _, e := range l.Events {
		if e.DocumentID == "" || e.ReportID == "" || e.SubEventType == "" {
			t.Errorf("event lacks provenance or type: %+v", e)
		}
	}
}

func TestQuerySortAndPage(t *testing.T) {
	fx := newServer(t)
	var all EventList
	_, body := get(t, fx.srv.URL+"/api/v1/events?sort=confidence")
	if err := json.Unmarshal([]byte(body), &all); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(all.Events); i++ {
		if all.Events[i-1].Confidence > all.Events[i].Confidence {
			t.Fatalf("not sorted by confidence: %v then %v", all.Events[i-1].Confidence, all.Events[i].Confidence)
		}
	}
	var page EventList
	_, body = get(t, fx.srv.URL+"/api/v1/events?sort=confidence&limit=2&offset=2")
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if page.Total != 6 || len(page.Events) != 2 || page.Events[0].ID != all.Events[2].ID {
		t.Fatalf("page = total %d, %d events; want the 3rd and 4th of the sorted list", page.Total, len(page.Events))
	}
	// The bounding box keeps only events located inside it.
	e := all.Events[0]
	l := e.Location
	q := url.Values{"bbox": {strings.Join([]string{ftoa(l.Longitude - 0.01), ftoa(l.Latitude - 0.01), ftoa(l.Longitude + 0.01), ftoa(l.Latitude + 0.01)}, ",")}}
	var boxed EventList
	_, body = get(t, fx.srv.URL+"/api/v1/events?"+q.Encode())
	if err := json.Unmarshal([]byte(body), &boxed); err != nil {
		t.Fatal(err)
	}
	if boxed.Total == 0 || boxed.Total == 6 {
		t.Fatalf("bbox around %s kept %d of 6 events", l.Name, boxed.Total)
	}
	for _, b := range boxed.Events {
		if b.Location.Name != l.Name {
			t.Errorf("bbox around %s kept an event at %s", l.Name, b.Location.Name)
		}
	}
}

func ftoa(f float64) string { b, _ := json.Marshal(f); return string(b) }

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"Ségou": "segou", "TOMBOUCTOU": "tombouctou", "Kayes": "kayes", "Ménaka": "menaka"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseEventQuery(f *testing.F) {
	for _, s := range []string{"from=2025-01-01&to=2025-02-01", "bbox=-10,5,10,20&sort=-date", "q=S%C3%A9gou&certainty=alleged",
		"limit=5&offset=9", "bbox=1,2,3", "sort=--date", "country=mli"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseEventQuery(v)
		if err != nil {
			return
		}
		if q.Limit <= 0 || q.Limit > 1000 || q.Offset < 0 {
			t.Fatalf("page %d/%d escaped the limits", q.Limit, q.Offset)
		}
		// What Values writes, ParseEventQuery reads back the same.
		q2, err := ParseEventQuery(q.Values())
		if err != nil {
			t.Fatalf("re-reading %v: %v", q.Values(), err)
		}
		if q2.Values().Encode() != q.Values().Encode() {
			t.Fatalf("round trip %q -> %q", q.Values().Encode(), q2.Values().Encode())
		}
	})
}
