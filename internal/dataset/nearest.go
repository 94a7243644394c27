package dataset

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Match is an imported event near a given one.
type Match struct {
	Dataset    string // the dataset's name
	Record     Record
	DistanceKm float64 // great-circle distance; 0 when the record has no coordinates
	DaysApart  int     // days between the date and the record's date span
	// Score orders matches, lower first: DistanceKm/KmPerStep + DaysApart/DaysPerStep.
	Score float64
}

// How Nearest weighs place against date: KmPerStep kilometres count as much
// as DaysPerStep days.
const (
	KmPerStep   = 50.0
	DaysPerStep = 7.0
)

// MaxNearest is the most matches Nearest returns.
const MaxNearest = 100

// searchSteps are the widening windows Nearest searches, in steps: the
// last bounds the search (64 steps: 448 days, 3,200 km).
var searchSteps = []float64{1, 4, 16, 64}

// maxSpanDays is the longest date span a record is found by anywhere in:
// records spanning more days are found near their start date only.
const maxSpanDays = 31

// violenceOf maps each ACLED event type to the UCDP types of violence its
// events may be; Nearest uses it for records that have no sub-event type.
var violenceOf = map[string][]int{
	"Battles":                    {1, 2},
	"Explosions/Remote violence": {1, 2, 3},
	"Violence against civilians": {3},
}

// eventTypeOf maps ACLED's sub-event types to their event types.
var eventTypeOf = map[string]string{
	"Armed clash": "Battles", "Government regains territory": "Battles", "Non-state actor overtakes territory": "Battles",
	"Chemical weapon": "Explosions/Remote violence", "Air/drone strike": "Explosions/Remote violence",
	"Suicide bomb": "Explosions/Remote violence", "Shelling/artillery/missile attack": "Explosions/Remote violence",
	"Remote explosive/landmine/IED": "Explosions/Remote violence", "Grenade": "Explosions/Remote violence",
	"Sexual violence": "Violence against civilians", "Attack": "Violence against civilians",
	"Abduction/forced disappearance": "Violence against civilians",
}

// Nearest returns up to k imported events (k ≤ MaxNearest) closest to a
// place and date, of a sub-event type, best first. Closeness adds distance
// and time: KmPerStep km weigh as much as DaysPerStep days. With subType
// "", any type matches; otherwise records of that sub-event type match,
// and so do records without one (UCDP's) whose type of violence fits it
// (Attack: one-sided violence; Armed clash: state-based or non-state).
//
// The search widens in steps and stops at 64 steps (448 days or 3,200 km
// away): nothing further is returned. Records without coordinates are
// never returned. Only complete datasets are searched.
func (db *DB) Nearest(ctx context.Context, lat, lon float64, date, subType string, k int) (_ []Match, err error) {
	defer errs.Wrap(&err, "nearest imported events")
	switch {
	case !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180):
		return nil, errs.E(errs.Invalid, "coordinates %v, %v are not a latitude and a longitude", lat, lon)
	case k < 1 || k > MaxNearest:
		return nil, errs.E(errs.Invalid, "k=%d is not between 1 and %d", k, MaxNearest)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return nil, errs.E(errs.Invalid, "date %q is not a YYYY-MM-DD date", date)
	}
	day := dayNumber(date)

	complete, names, err := db.completeDatasets(ctx)
	if err != nil || len(complete) == 0 {
		return nil, err
	}
	var found []candidate
	for _, steps := range searchSteps {
		found, err = db.candidates(ctx, lat, lon, day, subType, steps, complete)
		if err != nil {
			return nil, err
		}
		// Everything outside this window scores more than steps, so the
		// best k found within it are the best overall.
		found = slices.DeleteFunc(found, func(c candidate) bool { return c.score > steps })
		if len(found) >= k {
			break
		}
	}
	slices.SortFunc(found, func(a, b candidate) int {
		if a.score != b.score {
			return cmpFloat(a.score, b.score)
		}
		return cmpInt(a.id, b.id)
	})
	found = found[:min(k, len(found))]
	out := make([]Match, 0, len(found))
	for _, c := range found {
		m := Match{Dataset: names[c.dataset], DistanceKm: c.km, DaysApart: c.days, Score: c.score}
		row := db.r.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records WHERE id = ?`, c.id)
		if err := scanRecord(row, &m.Record); err != nil {
			return nil, fmt.Errorf("reading record %d: %w", c.id, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int { return cmpFloat(float64(a), float64(b)) }

type candidate struct {
	id, dataset int64
	km          float64
	days        int
	score       float64
}

// completeDatasets returns the IDs and names of the complete datasets.
func (db *DB) completeDatasets(ctx context.Context) (map[int64]bool, map[int64]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, name FROM datasets WHERE state = 'complete'`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	ids, names := map[int64]bool{}, map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, err
		}
		ids[id], names[id] = true, name
	}
	return ids, names, rows.Err()
}

// candidates reads, from the lookup indexes alone, the records within a
// window of the given number of steps around a place and day.
func (db *DB) candidates(ctx context.Context, lat, lon float64, day int64, subType string, steps float64, complete map[int64]bool) ([]candidate, error) {
	days := int64(math.Ceil(steps * DaysPerStep))
	km := steps * KmPerStep
	// The box that holds every point within km of the centre (J. P.
	// Matuschek, "Finding Points Within a Distance of a Latitude/Longitude").
	const earthKm = 6371.0
	delta := km / earthKm // angular radius
	rad := math.Pi / 180
	latLo, latHi := lat-delta/rad, lat+delta/rad
	lonLo, lonHi := -180.0, 180.0
	if latLo > -90 && latHi < 90 {
		if s := math.Sin(delta) / math.Cos(lat*rad); s < 1 {
			dLon := math.Asin(s) / rad
			if lon-dLon >= -180 && lon+dLon <= 180 {
				lonLo, lonHi = lon-dLon, lon+dLon
			}
		}
	}
	latLo, latHi = max(latLo, -90), min(latHi, 90)
	window := `day_start BETWEEN ? AND ? AND day_end >= ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?`
	wargs := []any{day - days - maxSpanDays, day + days, day - days, latLo, latHi, lonLo, lonHi}
	var queries []struct {
		sql  string
		args []any
	}
	add := func(sql string, args ...any) {
		queries = append(queries, struct {
			sql  string
			args []any
		}{sql, args})
	}
	const cols = `SELECT id, dataset_id, lat, lon, day_start, day_end FROM records `
	if subType == "" {
		add(cols+`WHERE `+window, wargs...)
	} else {
		add(cols+`WHERE sub_event_type = ? AND `+window, append([]any{subType}, wargs...)...)
		if v := violenceOf[eventTypeOf[subType]]; len(v) > 0 {
			in := strings.TrimSuffix(strings.Repeat("?,", len(v)), ",")
			args := append([]any{""}, wargs...)
			for _, x := range v {
				args = append(args, x)
			}
			add(cols+`WHERE sub_event_type = ? AND `+window+` AND violence IN (`+in+`)`, args...)
		}
	}
	var out []candidate
	for _, q := range queries {
		rows, err := db.r.QueryContext(ctx, q.sql, q.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c candidate
			var rlat, rlon float64
			var start, end int64
			if err := rows.Scan(&c.id, &c.dataset, &rlat, &rlon, &start, &end); err != nil {
				rows.Close()
				return nil, err
			}
			if !complete[c.dataset] {
				continue
			}
			c.km = haversineKm(lat, lon, rlat, rlon)
			switch {
			case day < start:
				c.days = int(start - day)
			case day > end:
				c.days = int(day - end)
			}
			c.score = c.km/KmPerStep + float64(c.days)/DaysPerStep
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// haversineKm returns the great-circle distance between two points.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
