package dataset

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
)

// bruteNearest scores every record, as Nearest promises to.
func bruteNearest(recs map[string][]Record, lat, lon float64, date, subType string, k int) []Match {
	day := dayNumber(date)
	var out []Match
	for name, rs := range recs {
		for _, r := range rs {
			if !r.HasCoords {
				continue
			}
			if subType != "" && r.SubEventType != subType &&
				!(r.SubEventType == "" && slices.Contains(violenceOf[eventTypeOf[subType]], r.Violence)) {
				continue
			}
			s, e := dayNumber(r.DateStart), dayNumber(r.DateEnd)
			days := 0
			if day < s {
				days = int(s - day)
			} else if day > e {
				days = int(day - e)
			}
			km := haversineKm(lat, lon, r.Latitude, r.Longitude)
			score := km/KmPerStep + float64(days)/DaysPerStep
			if score > searchSteps[len(searchSteps)-1] {
				continue
			}
			out = append(out, Match{Dataset: name, Record: r, DistanceKm: km, DaysApart: days, Score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int { return cmpFloat(a.Score, b.Score) })
	return out[:min(k, len(out))]
}

func TestNearest(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.Import(ctx, newSynthACLED(4000), ImportOptions{Name: "synth", Format: export.ACLEDCSV}); err != nil {
		t.Fatal(err)
	}
	ucdp := csvText(
		[]string{"id", "type_of_violence", "side_a", "side_b", "latitude", "longitude", "date_start", "date_end", "best"},
		[]string{"9001", "3", "JNIM", "Civilians", "15.3", "-5.5", "2024-12-01", "2024-12-20", "5"},
		[]string{"9002", "1", "Government of Mali", "JNIM", "15.3", "-5.5", "2024-12-10", "2024-12-10", "2"},
		[]string{"9003", "2", "JNIM", "IS Sahel", "14.0", "-1.6", "2024-11-01", "2024-11-01", "1"},
		[]string{"9004", "3", "JNIM", "Civilians", "", "", "2024-12-10", "2024-12-10", "1"},
	)
	if _, err := db.Import(ctx, strings.NewReader(ucdp), ImportOptions{Name: "ucdp", Format: export.UCDPCSV}); err != nil {
		t.Fatal(err)
	}
	all := map[string][]Record{"synth": records(t, db, "synth"), "ucdp": records(t, db, "ucdp")}

	// The UCDP span covers the date: zero days apart; type by violence.
	m, err := db.Nearest(ctx, 15.3, -5.5, "2024-12-10", "Attack", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 3 || m[0].Record.SourceID != "9001" || m[0].DaysApart != 0 || m[0].DistanceKm > 0.001 || m[0].Dataset != "ucdp" {
		t.Fatalf("nearest attack: %+v", m)
	}
	for _, x := range m {
		if x.Record.SourceID == "9002" || x.Record.SourceID == "9004" {
			t.Errorf("state-based or unplaced record matched an attack: %+v", x)
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	subs := []string{"", "Attack", "Armed clash", "Peaceful protest", "Remote explosive/landmine/IED", "Grenade"}
	for i := range 60 {
		lat, lon := 10+rng.Float64()*8, -8+rng.Float64()*20
		date := synthBase.AddDate(0, 0, -rng.IntN(40)+10).Format("2006-01-02")
		sub := subs[i%len(subs)]
		k := 1 + rng.IntN(20)
		t.Run(fmt.Sprintf("%d %s", i, sub), func(t *testing.T) {
			got, err := db.Nearest(ctx, lat, lon, date, sub, k)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteNearest(all, lat, lon, date, sub, k)
			if len(got) != len(want) {
				t.Fatalf("%d matches, want %d", len(got), len(want))
			}
			for j := range got {
				if math.Abs(got[j].Score-want[j].Score) > 1e-9 {
					t.Fatalf("match %d scores %v, want %v", j, got[j].Score, want[j].Score)
				}
				if sub != "" && got[j].Record.SubEventType != sub && got[j].Record.SubEventType != "" {
					t.Fatalf("match of type %q for %q", got[j].Record.SubEventType, sub)
				}
			}
		})
	}
}

func TestNearestBadInput(t *testing.T) {
	db := openTest(t)
	for _, tc := range []struct {
		lat, lon float64
		date     string
		k        int
	}{
		{91, 0, "2024-01-01", 1}, {0, 181, "2024-01-01", 1}, {math.NaN(), 0, "2024-01-01", 1},
		{0, 0, "2024-13-01", 1}, {0, 0, "1 May 2024", 1}, {0, 0, "2024-01-01", 0}, {0, 0, "2024-01-01", MaxNearest + 1},
	} {
		if _, err := db.Nearest(context.Background(), tc.lat, tc.lon, tc.date, "", tc.k); !errs.Is(err, errs.Invalid) {
			t.Errorf("Nearest(%v, %v, %q, k=%d): %v, want invalid", tc.lat, tc.lon, tc.date, tc.k, err)
		}
	}
	if m, err := db.Nearest(context.Background(), 0, 0, "2024-01-01", "", 5); err != nil || len(m) != 0 {
		t.Errorf("empty database: %v, %v", m, err)
	}
}

// TestNearestUsesIndexes checks the query plans: each lookup searches an
// index on the date, not the whole table.
func TestNearestUsesIndexes(t *testing.T) {
	db := openTest(t)
	const window = `day_start BETWEEN 1 AND 2 AND day_end >= 1 AND lat BETWEEN 1 AND 2 AND lon BETWEEN 1 AND 2`
	for _, q := range []string{
		`SELECT id, dataset_id, lat, lon, day_start, day_end FROM records WHERE ` + window,
		`SELECT id, dataset_id, lat, lon, day_start, day_end FROM records WHERE sub_event_type = 'Attack' AND ` + window,
	} {
		rows, err := db.r.Query(`EXPLAIN QUERY PLAN ` + q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "USING COVERING INDEX records_by_") {
			t.Errorf("plan for %s: %s", q, joined)
		}
	}
}
