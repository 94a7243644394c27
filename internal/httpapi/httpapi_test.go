package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/store/sqlite"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func newServer(t *testing.T) (*httptest.Server, []string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	doc, rep := storetest.Sample(1, 3)
	// A hostile name must come out escaped in HTML.
	rep.Events[0].Location.Name = `<script>alert("x")</script>`
	res, err := st.Ingest(ctx, doc, rep)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	return srv, res.EventIDs
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
	srv, ids := newServer(t)
	for _, tc := range []struct {
		path, ctype, contains string
		status                int
	}{
		{"/healthz", "application/json", `"status":"ok"`, 200},
		{"/api/v1/events", "application/json", `"total":3`, 200},
		{"/api/v1/events?limit=1", "application/json", `"limit":1`, 200},
		{"/api/v1/events/" + ids[0], "application/json", ids[0], 200},
		{"/api/v1/events/nope", "application/problem+json", `"status":404`, 404},
		{"/api/v1/events?limit=abc", "application/problem+json", `limit=\"abc\"`, 400},
		{"/api/v1/events?from=2025-13-01", "application/problem+json", `"status":400`, 400},
		{"/api/v1/documents/" + strings.Repeat("0", 64), "application/problem+json", `"status":404`, 404},
		{"/", "text/html; charset=utf-8", "&lt;script&gt;", 200},
		{"/nothing-here", "", "", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, srv.URL+tc.path)
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
	srv, _ := newServer(t)
	_, body := get(t, srv.URL+"/api/v1/events")
	var l EventList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	if l.Total != 3 || len(l.Events) != 3 || l.Limit != 100 {
		t.Fatalf("list = total %d, %d events, limit %d", l.Total, len(l.Events), l.Limit)
	}
	for _, e := range l.Events {
		if e.DocumentID == "" || e.ReportID == "" || e.SubEventType == "" {
			t.Errorf("event lacks provenance or type: %+v", e)
		}
	}
}
