package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/dataset"
	"github.com/vigil-hr/vigil/internal/export"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func TestKnown(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	doc, rep := storetest.Sample(1, 1)
	ev := &rep.Events[0]
	ev.EventDate, ev.SubEventType, ev.EventType = "2024-05-02", "Attack", "Violence against civilians"
	ev.Location.Latitude, ev.Location.Longitude = 14.10, -1.60
	res, err := st.Ingest(ctx, doc, rep)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Open(ctx, filepath.Join(dir, dataset.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	csv := "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp\n" +
		"BFA1,2024-05-01,2024,1,Political violence,Violence against civilians,Attack,Unidentified Armed Group (Burkina Faso),,3,Civilians (Burkina Faso),,7,37,Civilian targeting,854,Western Africa,Burkina Faso,Sahel,Soum,,Djibo,14.1,-1.63,1,local,,x,5,,0\n" +
		"BFA2,2023-01-01,2023,1,Political violence,Battles,Armed clash,A,,1,B,,2,12,,854,Western Africa,Burkina Faso,Est,Gourma,,Fada,12.06,0.35,1,local,,x,1,,0\n"
	if _, err := ds.Import(ctx, strings.NewReader(csv), dataset.ImportOptions{Name: "acled-test", Format: export.ACLEDCSV}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Store: st, Datasets: ds, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Access: &Access{Local: true}}).Handler())
	defer srv.Close()
	resp, body := get(t, srv.URL+"/api/v1/events/"+res.EventIDs[0]+"/known?k=2")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var kl KnownList
	if err := json.Unmarshal([]byte(body), &kl); err != nil {
		t.Fatal(err)
	}
	if len(kl.Matches) == 0 || kl.Matches[0].SourceID != "BFA1" || kl.Matches[0].DaysApart != 1 || kl.Matches[0].DistanceKm > 5 {
		t.Fatalf("matches %+v: want BFA1 first, a day apart and a few km away", kl.Matches)
	}
	if resp, _ := get(t, srv.URL+"/api/v1/events/"+res.EventIDs[0]+"/known?k=0"); resp.StatusCode != 400 {
		t.Errorf("k=0: status %d, want 400", resp.StatusCode)
	}
}

// /healthz answers 200 while the store answers and 503 once it does not.
func TestHealthz(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&Server{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Access: &Access{Local: true}}).Handler())
	defer srv.Close()
	if resp, body := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
		t.Fatalf("open store: %d %s", resp.StatusCode, body)
	}
	st.Close()
	if resp, body := get(t, srv.URL+"/healthz"); resp.StatusCode != 503 {
		t.Fatalf("closed store: %d %s, want 503", resp.StatusCode, body)
	}
}
