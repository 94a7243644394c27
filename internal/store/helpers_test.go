package store_test

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func TestNewID(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := store.NewID()
		if !hex32.MatchString(id) {
			t.Fatalf("NewID() = %q, want 32 hex digits", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestTimestamp(t *testing.T) {
	in := time.Date(2024, 3, 13, 6, 30, 0, 123456789, time.FixedZone("WAT", 3600))
	got := store.Timestamp(in)
	want := time.Date(2024, 3, 13, 5, 30, 0, 123456000, time.UTC)
	if got != want {
		t.Errorf("Timestamp(%v) = %v, want %v", in, got, want)
	}
	if now := store.Timestamp(time.Now()); now != now.Round(0) {
		t.Error("Timestamp kept the monotonic clock reading")
	}
	if !store.Timestamp(time.Time{}).IsZero() {
		t.Error("Timestamp of the zero time is not zero")
	}
}

func TestPageNormalize(t *testing.T) {
	tests := []struct {
		in      store.Page
		want    store.Page
		invalid bool
	}{
		{in: store.Page{}, want: store.Page{Limit: store.DefaultLimit}},
		{in: store.Page{Limit: 1, Offset: 5}, want: store.Page{Limit: 1, Offset: 5}},
		{in: store.Page{Limit: store.MaxLimit}, want: store.Page{Limit: store.MaxLimit}},
		{in: store.Page{Limit: store.MaxLimit + 1}, invalid: true},
		{in: store.Page{Limit: -1}, invalid: true},
		{in: store.Page{Offset: -1}, invalid: true},
	}
	for _, tt := range tests {
		got, err := tt.in.Normalize()
		if tt.invalid {
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("%+v.Normalize() error = %v, want kind Invalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%+v.Normalize() = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestEventFilterNormalize(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	tests := []struct {
		name string
		in   store.EventFilter
		ok   bool
	}{
		{"zero", store.EventFilter{}, true},
		{"full", store.EventFilter{From: "2024-01-01", To: "2024-12-31", SubEventType: "Attack", Country: "NER", DocumentID: sum}, true},
		{"same day", store.EventFilter{From: "2024-02-29", To: "2024-02-29"}, true},
		{"not a leap day", store.EventFilter{From: "2023-02-29"}, false},
		{"short date", store.EventFilter{To: "2024-3-1"}, false},
		{"timestamp", store.EventFilter{From: "2024-03-01T00:00:00Z"}, false},
		{"reversed", store.EventFilter{From: "2024-03-02", To: "2024-03-01"}, false},
		{"alpha-2", store.EventFilter{Country: "ML"}, false},
		{"lower case", store.EventFilter{Country: "mli"}, false},
		{"document", store.EventFilter{DocumentID: "abc"}, false},
		{"page", store.EventFilter{Page: store.Page{Limit: -2}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize()
			if !tt.ok {
				if !errs.Is(err, errs.Invalid) {
					t.Errorf("error = %v, want kind Invalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.in
			want.Limit = store.DefaultLimit
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestMarshalEventKeepsHiddenFields(t *testing.T) {
	_, rep := storetest.Sample(1, 7)
	for i := range rep.Events {
		ev := rep.Events[i]
		ev.ID = store.NewID()
		data, err := store.MarshalEvent(&ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.UnmarshalEvent(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, ev) {
			t.Errorf("round trip of event %d:\n got %+v\nwant %+v", i, got, ev)
		}
	}
	// The hidden fields really are the ones model's JSON drops.
	ev := rep.Events[0]
	if ev.Actors[0].ID == "" || ev.Fatalities == nil || ev.Fatalities.Span == (model.Span{}) {
		t.Fatal("sample lacks actor IDs or count spans")
	}
	data, err := store.MarshalEvent(&ev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(ev.Actors[0].ID)) {
		t.Error("actor ID not encoded")
	}
}

func TestPrepareIngest(t *testing.T) {
	now := time.Date(2024, 6, 1, 8, 0, 0, 999, time.UTC)
	doc, rep := storetest.Sample(3, 2)
	rep.Events[1].ID = "kept"
	if err := store.PrepareIngest(doc, rep, now); err != nil {
		t.Fatal(err)
	}
	if doc.ID != doc.SHA256 || rep.DocumentID != doc.ID {
		t.Errorf("IDs not defaulted: doc.ID=%q rep.DocumentID=%q", doc.ID, rep.DocumentID)
	}
	if want := store.Timestamp(now); doc.CreatedAt != want || rep.CreatedAt != want {
		t.Errorf("CreatedAt = %v / %v, want %v", doc.CreatedAt, rep.CreatedAt, want)
	}
	if rep.ID == "" || rep.Events[0].ID == "" || rep.Events[1].ID != "kept" {
		t.Errorf("IDs: report %q, events %q %q", rep.ID, rep.Events[0].ID, rep.Events[1].ID)
	}
	if doc.Published.Location() != time.UTC {
		t.Errorf("Published not in UTC: %v", doc.Published)
	}
}

func FuzzUnmarshalEvent(f *testing.F) {
	_, rep := storetest.Sample(2, 6)
	for i := range rep.Events {
		data, err := store.MarshalEvent(&rep.Events[i])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"x_store":{"actor_ids":["a","b"]},"actors":[{"name":"x"}]}`))
	f.Add([]byte(`{"x_store":{"count_spans":{"injured":{"start":1,"end":2}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := store.UnmarshalEvent(data)
		if err != nil {
			return
		}
		// Whatever decodes must survive another round trip unchanged.
		again, err := store.MarshalEvent(&ev)
		if err != nil {
			return // e.g. numbers JSON can't encode
		}
		ev2, err := store.UnmarshalEvent(again)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", again, err)
		}
		if !reflect.DeepEqual(normalize(ev), normalize(ev2)) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", ev, ev2)
		}
	})
}

// normalize maps the empty slices that JSON omission turns into nil.
func normalize(ev model.Event) model.Event {
	if len(ev.Why) == 0 {
		ev.Why = nil
	}
	for i := range ev.Actors {
		if len(ev.Actors[i].Mentions) == 0 {
			ev.Actors[i].Mentions = nil
		}
	}
	return ev
}
