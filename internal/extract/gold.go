package extract

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
)

// Gold is a hand annotation of one report: what a careful analyst codes.
// The team's fixtures (testdata/reports/*.gold.json) use this form.
type Gold struct {
	Published string      `json:"published"`
	Lang      string      `json:"lang"`
	Events    []GoldEvent `json:"events"`
}

// GoldEvent is one annotated incident.
type GoldEvent struct {
	EventDate     string   `json:"event_date"`
	DatePrecision int      `json:"date_precision"`
	SubEventType  string   `json:"sub_event_type"`
	Acceptable    []string `json:"acceptable_sub_event_types"`
	Location      struct {
		Name      string  `json:"name"`
		GeonameID int64   `json:"geonameid"`
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Admin1    string  `json:"admin1"`
	} `json:"location"`
	Actor1      string `json:"actor1"`
	AssocActor1 string `json:"assoc_actor1"`
	Actor2      string `json:"actor2"`
	Fatalities  *int   `json:"fatalities"`
	Certainty   string `json:"certainty"`
}

// GoldDoc is a report and its annotation.
type GoldDoc struct {
	Name string
	Text string
	Gold Gold
}

// LoadGold reads every X.txt with an X.gold.json beside it in dir.
func LoadGold(dir string) ([]GoldDoc, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.gold.json"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("gold: no *.gold.json files in %s", dir)
	}
	sort.Strings(files)
	var out []GoldDoc
	for _, g := range files {
		txt := strings.TrimSuffix(g, ".gold.json") + ".txt"
		tb, err := os.ReadFile(txt)
		if err != nil {
			return nil, fmt.Errorf("gold %s: %w", g, err)
		}
		gb, err := os.ReadFile(g)
		if err != nil {
			return nil, err
		}
		var gd Gold
		if err := json.Unmarshal(gb, &gd); err != nil {
			return nil, fmt.Errorf("%s: %w", g, err)
		}
		out = append(out, GoldDoc{strings.TrimSuffix(filepath.Base(txt), ".txt"), string(tb), gd})
	}
	return out, nil
}

// Tally counts right answers for one field.
type Tally struct{ OK, N int }

// Accuracy is OK/N (1 when there is nothing to count).
func (t Tally) Accuracy() float64 {
	if t.N == 0 {
		return 1
	}
	return float64(t.OK) / float64(t.N)
}

// GoldReport is the extractor's field-by-field score against gold.
type GoldReport struct {
	Fields map[string]*Tally
	Misses []string // "doc: field: got X want Y"
}

// Haversine returns the distance in km between two points.
func Haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := (lat2-lat1)*math.Pi/180, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func roleName(ev model.Event, role string) string {
	for _, a := range ev.Actors {
		if a.Role == role {
			return a.Name
		}
	}
	return ""
}

// ScoreGold runs x over the gold documents and scores the first event of
// each against the first gold event.
func ScoreGold(x *Extractor, docs []GoldDoc) GoldReport {
	r := GoldReport{Fields: map[string]*Tally{}}
	mark := func(field string, ok bool, doc, detail string) {
		t := r.Fields[field]
		if t == nil {
			t = &Tally{}
			r.Fields[field] = t
		}
		t.N++
		if ok {
			t.OK++
		} else {
			r.Misses = append(r.Misses, fmt.Sprintf("%s: %s: %s", doc, field, detail))
		}
	}
	for _, d := range docs {
		pub, _ := time.Parse(time.DateOnly, d.Gold.Published)
		res := x.Extract(d.Text, Options{Published: pub})
		mark("lang", res.Lang == d.Gold.Lang, d.Name, fmt.Sprintf("got %q want %q", res.Lang, d.Gold.Lang))
		if len(d.Gold.Events) == 0 {
			mark("no_event", len(res.Events) == 0, d.Name, fmt.Sprintf("got %d events", len(res.Events)))
			continue
		}
		g := d.Gold.Events[0]
		mark("has_event", len(res.Events) > 0, d.Name, "no event")
		if len(res.Events) == 0 {
			continue
		}
		mark("single_event", len(res.Events) == 1, d.Name, fmt.Sprintf("got %d events", len(res.Events)))
		ev := res.Events[0]
		mark("sub_event_type", ev.SubEventType == g.SubEventType || slices.Contains(g.Acceptable, ev.SubEventType),
			d.Name, fmt.Sprintf("got %q want %q; why %q", ev.SubEventType, g.SubEventType, ev.Why))
		mark("event_date", ev.EventDate == g.EventDate, d.Name, fmt.Sprintf("got %s want %s", ev.EventDate, g.EventDate))
		mark("date_precision", ev.DatePrecision == g.DatePrecision, d.Name, fmt.Sprintf("got %d want %d", ev.DatePrecision, g.DatePrecision))
		near := ev.Location != nil && Haversine(ev.Location.Latitude, ev.Location.Longitude, g.Location.Latitude, g.Location.Longitude) <= 25
		got := "none"
		if ev.Location != nil {
			got = ev.Location.Name
		}
		mark("location_25km", near, d.Name, fmt.Sprintf("got %s want %s", got, g.Location.Name))
		mark("actor1", roleName(ev, "actor1") == g.Actor1, d.Name, fmt.Sprintf("got %q want %q", roleName(ev, "actor1"), g.Actor1))
		if g.Actor2 != "" {
			mark("actor2", roleName(ev, "actor2") == g.Actor2, d.Name, fmt.Sprintf("got %q want %q", roleName(ev, "actor2"), g.Actor2))
		}
		gotF := -1
		if ev.Fatalities != nil && ev.Fatalities.Best != nil {
			gotF = *ev.Fatalities.Best
		}
		wantF := 0
		if g.Fatalities != nil {
			wantF = *g.Fatalities
		}
		mark("fatalities", gotF == wantF, d.Name, fmt.Sprintf("got %d want %d", gotF, wantF))
		mark("certainty", ev.Certainty == g.Certainty, d.Name, fmt.Sprintf("got %q want %q", ev.Certainty, g.Certainty))
	}
	return r
}

// Print writes the report: one line per field, then the misses.
func (r GoldReport) Print(w io.Writer, misses bool) {
	var fields []string
	for k := range r.Fields {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	for _, k := range fields {
		t := r.Fields[k]
		fmt.Fprintf(w, "%-15s %4d/%-4d %.3f\n", k, t.OK, t.N, t.Accuracy())
	}
	if misses && len(r.Misses) > 0 {
		fmt.Fprintln(w, "\nmisses:")
		for _, m := range r.Misses {
			fmt.Fprintln(w, "  "+m)
		}
	}
}
