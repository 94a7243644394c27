package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/model"
)

// The event page shows the imported events near it, escaped, when datasets
// are there to ask, and says so when none is near.
func TestEventPageKnown(t *testing.T) {
	fx := newFixture(t)
	id := fx.hostile.EventIDs[0]
	for _, tc := range []struct {
		name    string
		matches []httpapi.KnownMatch
		want    []string
	}{
		{"match", []httpapi.KnownMatch{{Dataset: "acled<b>", SourceID: "MLI123", DateStart: "2025-03-12", SubEventType: "Attack",
			Location: "Nampala", Admin1: "Segou", Fatalities: 3, DistanceKm: 2.4, DaysApart: 1}},
			[]string{"Already known?", "MLI123", "acled&lt;b&gt;", "2025-03-12", "Nampala, Segou"}},
		{"none", nil, []string{"Already known?", "No imported event is near this one"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := New(Config{Store: fx.app.Store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Known: func(ctx context.Context, ev *model.StoredEvent, k int) ([]httpapi.KnownMatch, error) {
					if ev.ID != id {
						t.Errorf("asked about %s, want %s", ev.ID, id)
					}
					return tc.matches, nil
				}, Access: &httpapi.Access{Local: true}})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/events/"+id, nil)
			req.Host = "localhost"
			w.Handler().ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if strings.Contains(body, "acled<b>") {
				t.Error("dataset name not escaped")
			}
		})
	}
}
