package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/export")

const goldenDir = "../../testdata/export"

func export(t testing.TB, events []model.StoredEvent, opts Options) (string, Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := Write(context.Background(), &buf, &fakeStore{events: events}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), st
}

func TestGolden(t *testing.T) {
	ext := map[Format]string{ACLEDCSV: "csv", UCDPCSV: "csv", HXLCSV: "csv", GeoJSON: "geojson", JSONL: "jsonl"}
	for _, f := range Formats {
		for _, public := range []bool{false, true} {
			name := string(f)
			if public {
				name += "-public"
			}
			t.Run(name, func(t *testing.T) {
				got, _ := export(t, fixtureEvents(), Options{Format: f, Public: public})
				path := filepath.Join(goldenDir, name+"."+ext[f])
				if *update {
					if err := os.MkdirAll(goldenDir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to write it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the golden file; got:\n%s", path, got)
				}
			})
		}
	}
}

// TestACLEDColumns pins the header to ACLED's public column names, in the
// order of its data exports.
func TestACLEDColumns(t *testing.T) {
	want := "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1," +
		"inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3," +
		"location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
	out, _ := export(t, nil, Options{Format: ACLEDCSV})
	if got := strings.TrimSpace(out); got != want {
		t.Fatalf("header\n got %s\nwant %s", got, want)
	}
}

func readCSV(t *testing.T, text string) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestACLEDConventions(t *testing.T) {
	out, st := export(t, fixtureEvents(), Options{Format: ACLEDCSV})
	rows := readCSV(t, out)
	if st.Written != 4 || len(rows) != 4 {
		t.Fatalf("wrote %d (%d rows)", st.Written, len(rows))
	}
	byID := map[string]map[string]string{}
	for _, r := range rows {
		byID[r["event_id_cnty"]] = r
	}
	for _, tc := range []struct{ id, col, want string }{
		{"ev-nampala", "inter1", "1"},
		{"ev-nampala", "inter2", "7"},
		{"ev-nampala", "interaction", "17"},
		{"ev-nampala", "civilian_targeting", ""}, // looting is a strategic development
		{"ev-nampala", "iso", "466"},
		{"ev-nampala", "region", "Western Africa"},
		{"ev-nampala", "assoc_actor_1", "Wagner Group"},
		{"ev-nampala", "year", "2025"},
		{"ev-nampala", "latitude", "15.2807"},
		{"ev-nampala", "longitude", "-5.5549"},
		{"ev-nampala", "fatalities", "0"},
		{"ev-nampala", "source", "Studio Tamani; un berger de Nampala"},
		{"ev-nampala", "tags", "displaced=100; structures destroyed=plusieurs villages; certainty=alleged; confidence=0.80"},
		{"ev-nampala", "timestamp", "1742198400"},
		{"ev-djibo", "interaction", "12"},
		{"ev-djibo", "inter1", "2"},
		{"ev-djibo", "time_precision", "2"},
		{"ev-djibo", "geo_precision", "2"},
		{"ev-djibo", "fatalities", "12"},
		{"ev-djibo", "source", `AIB; =HYPERLINK("x")`}, // a formula only at the start of a cell
		{"ev-bamako", "interaction", "60"},
		{"ev-bamako", "inter2", ""},
		{"ev-bamako", "time_precision", "3"},
		{"ev-nowhere", "civilian_targeting", "Civilian targeting"},
		{"ev-nowhere", "interaction", "37"},
		{"ev-nowhere", "event_date", ""},
		{"ev-nowhere", "latitude", ""},
	} {
		if got := byID[tc.id][tc.col]; got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.id, tc.col, got, tc.want)
		}
	}
	if n := byID["ev-nampala"]["notes"]; !strings.Contains(n, "On 13 March 2025, Looting/property destruction (Strategic developments) in Nampala, Niono, Ségou, Mali by Military Forces of Mali (2021-) (with Wagner Group) against Civilians (Mali).") ||
		!strings.Contains(n, "“le 13 mars” (event_date)") {
		t.Errorf("notes: %s", n)
	}
}

func TestUCDPConventions(t *testing.T) {
	out, st := export(t, fixtureEvents(), Options{Format: UCDPCSV})
	rows := readCSV(t, out)
	// The protest and the looting are not organised violence.
	if st.Written != 2 || st.Skipped != 2 || len(rows) != 2 {
		t.Fatalf("stats %+v, %d rows", st, len(rows))
	}
	djibo, nowhere := rows[0], rows[1]
	for _, tc := range []struct {
		row       map[string]string
		col, want string
	}{
		{djibo, "type_of_violence", "1"},
		{djibo, "side_a", "Military Forces of Burkina Faso (2022-)"}, // the government's side first
		{djibo, "side_b", "JNIM: Group for Support of Islam and Muslims"},
		{djibo, "gwnoa", "439"},
		{djibo, "gwnob", ""},
		{djibo, "where_prec", "2"},
		{djibo, "date_prec", "3"},
		{djibo, "best", "12"},
		{djibo, "low", "10"},
		{djibo, "high", "20"},
		{djibo, "deaths_unknown", "12"},
		{djibo, "country", "Burkina Faso"},
		{djibo, "country_id", "439"},
		{djibo, "region", "Africa"},
		{djibo, "geom_wkt", "POINT (-1.63 14.1)"},
		{djibo, "source_office", "AIB"},
		{djibo, "source_original", `'=HYPERLINK("x")`},
		{djibo, "number_of_sources", "2"},
		{nowhere, "type_of_violence", "3"},
		{nowhere, "best", "0"},
		{nowhere, "deaths_civilians", "0"},
		{nowhere, "latitude", ""},
	} {
		if got := tc.row[tc.col]; got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.row["id"], tc.col, got, tc.want)
		}
	}
}

func TestPrioGridID(t *testing.T) {
	for _, tc := range []struct {
		lat, lon float64
		want     int
	}{
		{11.84644, 13.160274, 146547}, // Maiduguri, as UCDP's Nigeria file gives it
		{-89.9, -179.9, 1},
		{89.9, 179.9, 259200},
		{90, 180, 259200},
	} {
		if got := PrioGridID(tc.lat, tc.lon); got != tc.want {
			t.Errorf("PrioGridID(%v, %v) = %d, want %d", tc.lat, tc.lon, got, tc.want)
		}
	}
}

func TestInterCode(t *testing.T) {
	for in, want := range map[string]int{
		"State forces": 1, "Rebel groups": 2, "Rebel group": 2, "Political militia": 3, "political militias": 3,
		"Identity militias": 4, "Rioters": 5, "Protesters": 6, "Civilians": 7, "External/Other forces": 8,
		"3": 3, "9": 0, "": 0, "Journalists": 0,
	} {
		if got := InterCode(in); got != want {
			t.Errorf("InterCode(%q) = %d, want %d", in, got, want)
		}
	}
	for _, tc := range []struct{ a, b, want int }{{1, 7, 17}, {7, 1, 17}, {6, 0, 60}, {0, 3, 0}, {3, 3, 33}} {
		if got := Interaction(tc.a, tc.b); got != tc.want {
			t.Errorf("Interaction(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestHXL(t *testing.T) {
	out, _ := export(t, fixtureEvents(), Options{Format: HXLCSV})
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || !IsHXLTagRow(rows[1]) || IsHXLTagRow(rows[0]) || IsHXLTagRow(rows[2]) {
		t.Fatalf("want a header, a tag row and 4 rows:\n%s", out)
	}
	for i, tag := range rows[1] {
		if !strings.HasPrefix(tag, "#") || strings.ContainsAny(tag, " ,") {
			t.Errorf("column %s: tag %q is not an HXL hashtag", rows[0][i], tag)
		}
	}
	for _, tc := range []struct {
		row  []string
		want bool
	}{
		{[]string{"#geo+lat", "#geo+lon"}, true},
		{[]string{"0", "", "#date", "#adm1+name"}, true},
		{[]string{"#1", "2", "3"}, false},
		{[]string{"", ""}, false},
		{[]string{"#"}, false},
	} {
		if got := IsHXLTagRow(tc.row); got != tc.want {
			t.Errorf("IsHXLTagRow(%q) = %v", tc.row, got)
		}
	}
}

// validateGeoJSON checks the structure RFC 7946 requires of a
// FeatureCollection of Point (or null-geometry) features.
func validateGeoJSON(data []byte) error {
	var fc map[string]json.RawMessage
	if err := json.Unmarshal(data, &fc); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	var typ string
	if err := json.Unmarshal(fc["type"], &typ); err != nil || typ != "FeatureCollection" {
		return fmt.Errorf(`"type" is %s, want "FeatureCollection"`, fc["type"])
	}
	if _, ok := fc["crs"]; ok {
		return fmt.Errorf(`"crs" is not part of RFC 7946`)
	}
	var features []map[string]json.RawMessage
	if err := json.Unmarshal(fc["features"], &features); err != nil || fc["features"] == nil {
		return fmt.Errorf(`"features" is not an array: %s`, fc["features"])
	}
	for i, f := range features {
		if err := json.Unmarshal(f["type"], &typ); err != nil || typ != "Feature" {
			return fmt.Errorf("feature %d: type %s", i, f["type"])
		}
		if id, ok := f["id"]; ok {
			var v any
			json.Unmarshal(id, &v)
			switch v.(type) {
			case string, float64:
			default:
				return fmt.Errorf("feature %d: id %s is neither a string nor a number", i, id)
			}
		}
		props, ok := f["properties"]
		if !ok {
			return fmt.Errorf("feature %d: no properties member", i)
		}
		if string(props) != "null" {
			var m map[string]any
			if err := json.Unmarshal(props, &m); err != nil {
				return fmt.Errorf("feature %d: properties is not an object or null", i)
			}
		}
		g, ok := f["geometry"]
		if !ok {
			return fmt.Errorf("feature %d: no geometry member", i)
		}
		if string(g) == "null" {
			continue
		}
		var geom struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		}
		if err := json.Unmarshal(g, &geom); err != nil || geom.Type != "Point" {
			return fmt.Errorf("feature %d: geometry %s is not a Point", i, g)
		}
		c := geom.Coordinates
		if len(c) < 2 || len(c) > 3 || c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90 {
			return fmt.Errorf("feature %d: position %v is not [longitude, latitude]", i, c)
		}
	}
	return nil
}

func TestGeoJSON(t *testing.T) {
	out, st := export(t, fixtureEvents(), Options{Format: GeoJSON})
	if err := validateGeoJSON([]byte(out)); err != nil {
		t.Fatalf("invalid GeoJSON: %v\n%s", err, out)
	}
	var fc struct {
		Features []struct {
			Geometry *struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties Line `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil {
		t.Fatal(err)
	}
	if st.Written != 4 || len(fc.Features) != 4 {
		t.Fatalf("%d features", len(fc.Features))
	}
	f := fc.Features[0] // newest: Nampala
	if f.Properties.ID != "ev-nampala" || f.Geometry == nil || f.Geometry.Coordinates[0] != -5.5549 || f.Geometry.Coordinates[1] != 15.2807 {
		t.Errorf("first feature: %+v", f)
	}
	if last := fc.Features[3]; last.Geometry != nil || last.Properties.ID != "ev-nowhere" {
		t.Errorf("an event without a place should have a null geometry: %+v", last)
	}
	// The validator catches what it should.
	for _, bad := range []string{
		`[]`, `{"type":"Feature"}`, `{"type":"FeatureCollection"}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[15,200]},"properties":{}}]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":[]}]}`,
	} {
		if validateGeoJSON([]byte(bad)) == nil {
			t.Errorf("validator accepted %s", bad)
		}
	}
	// An empty export is a valid, empty collection.
	empty, _ := export(t, nil, Options{Format: GeoJSON})
	if err := validateGeoJSON([]byte(empty)); err != nil {
		t.Errorf("empty export: %v", err)
	}
}

func TestJSONL(t *testing.T) {
	out, _ := export(t, fixtureEvents(), Options{Format: JSONL})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines", len(lines))
	}
	var l map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "event_date", "date_precision", "disorder_type", "event_type", "sub_event_type", "actors",
		"location", "fatalities", "injured", "abducted", "displaced", "structures_destroyed", "certainty", "sources",
		"confidence", "evidence", "documents", "independent_sources"} {
		if _, ok := l[k]; !ok {
			t.Errorf("line lacks %q: %s", k, lines[0])
		}
	}
	if l["id"] != "ev-nampala" || l["independent_sources"] != 1.0 || len(l["documents"].([]any)) != 1 {
		t.Errorf("line: %s", lines[0])
	}
}

func TestPublicRedacts(t *testing.T) {
	for _, f := range Formats {
		out, _ := export(t, fixtureEvents(), Options{Format: f, Public: true})
		for _, secret := range []string{"un berger de Nampala", "des proches", "le 13 mars", "ont incendié", "les FAMa", "paramilitaires"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s --public still carries %q", f, secret)
			}
		}
		full, _ := export(t, fixtureEvents(), Options{Format: f})
		if f != UCDPCSV && !strings.Contains(full, "un berger de Nampala") {
			t.Errorf("%s without --public lacks the witness's name", f)
		}
	}
	// Redact leaves the caller's slices alone.
	evs := fixtureEvents()
	ev := evs[0].Event
	Redact(&ev)
	if evs[0].Evidence[0].Text == "" || evs[0].Sources[1].Name != "un berger de Nampala" || ev.Sources[1].Name != "witness" || ev.Evidence[0].Start != 10 {
		t.Errorf("Redact: %+v / %+v", evs[0].Event, ev)
	}
}

func TestFiltersAndPaging(t *testing.T) {
	events := manyEvents(2600)
	fs := &fakeStore{events: events}
	var buf bytes.Buffer
	st, err := Write(context.Background(), &buf, fs, Options{Format: JSONL})
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != 2600 || fs.calls != 3 {
		t.Fatalf("wrote %d events in %d pages", st.Written, fs.calls)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var l Line
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		if seen[l.ID] {
			t.Fatalf("%s written twice", l.ID)
		}
		seen[l.ID] = true
	}

	f := store.EventFilter{From: "2024-02-01", To: "2024-03-31", SubEventType: "Armed clash", Country: "BFA"}
	out, st := export(t, events, Options{Format: ACLEDCSV, Filter: f})
	rows := readCSV(t, out)
	want := 0
	for _, se := range events {
		if se.EventDate >= f.From && se.EventDate <= f.To && se.SubEventType == f.SubEventType && se.Location != nil && se.Location.ISO3 == "BFA" {
			want++
		}
	}
	if want == 0 || st.Written != want || len(rows) != want {
		t.Fatalf("filtered export wrote %d rows, want %d", len(rows), want)
	}
	for _, r := range rows {
		if r["sub_event_type"] != "Armed clash" || r["country"] != "Burkina Faso" || r["event_date"] < f.From || r["event_date"] > f.To {
			t.Fatalf("row outside the filter: %v", r)
		}
	}
	if _, err := Write(context.Background(), &buf, fs, Options{Format: JSONL, Filter: store.EventFilter{From: "March"}}); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad filter: %v", err)
	}
	if _, err := ParseFormat("xlsx"); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad format: %v", err)
	}
}

func TestDefuseCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+cmd": "'+cmd", "-5.55": "-5.55", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"plain": "plain", "": "", "'=quoted": "''=quoted", "-": "'-", "'plain": "'plain", "''+x": "'''+x", "+12": "+12",
	} {
		got := DefuseCell(in)
		if got != want {
			t.Errorf("DefuseCell(%q) = %q, want %q", in, got, want)
		}
		if back := UndefuseCell(got); back != in {
			t.Errorf("UndefuseCell(%q) = %q, want %q", got, back, in)
		}
	}
}

func TestCountries(t *testing.T) {
	for in, want := range map[string]string{
		"MLI": "MLI", "Mali": "MLI", "Côte d'Ivoire": "CIV", "Ivory Coast": "CIV", "DR Congo (Zaire)": "COD",
		"burkina faso": "BFA", "Atlantis": "",
	} {
		got := ""
		if c := LookupCountry(in); c != nil {
			got = c.ISO3
		}
		if got != want {
			t.Errorf("LookupCountry(%q) = %q, want %q", in, got, want)
		}
	}
	if c := CountryByISONum(566); c == nil || c.ISO3 != "NGA" {
		t.Errorf("CountryByISONum(566) = %+v", c)
	}
	if c := CountryByGWNo(432); c == nil || c.ISO3 != "MLI" {
		t.Errorf("CountryByGWNo(432) = %+v", c)
	}
	seen := map[string]bool{}
	for _, c := range countryTable {
		if seen[c.ISO3] || len(c.ISO3) != 3 || c.ISONum == 0 || c.GWNo == 0 || c.ACLEDRegion == "" {
			t.Errorf("bad or repeated entry %+v", c)
		}
		seen[c.ISO3] = true
	}
	if !slices.ContainsFunc(countryTable, func(c Country) bool { return c.ISO3 == "NER" }) {
		t.Error("Niger is missing")
	}
}

// BenchmarkExport writes 20,000 events as ACLED-shaped CSV.
func BenchmarkExport(b *testing.B) {
	fs := &fakeStore{events: manyEvents(20_000)}
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			for range b.N {
				var buf bytes.Buffer
				if _, err := Write(context.Background(), &buf, fs, Options{Format: f}); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(buf.Len()))
			}
		})
	}
}

// FuzzDefuseCell: defusing is reversible and never leaves a formula start.
func FuzzDefuseCell(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "-5", "-x", "@a", "plain", "''", "'\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := DefuseCell(s)
		if UndefuseCell(d) != s {
			t.Fatalf("UndefuseCell(DefuseCell(%q)) = %q", s, UndefuseCell(d))
		}
		if d != "" && strings.IndexByte(formulaStart, d[0]) >= 0 {
			if _, err := strconv.ParseFloat(d, 64); err != nil {
				t.Fatalf("DefuseCell(%q) = %q starts a formula", s, d)
			}
		}
	})
}

type centroidsFake map[string][2]float64

func (c centroidsFake) Centroid(iso3, admin1, admin2 string) (float64, float64, bool) {
	v, ok := c[iso3+"/"+admin1+"/"+admin2]
	return v[0], v[1], ok
}

// TestPublicGate: a public export blurs the place of the events flagged
// sensitive to their admin2 centroid, withholds it when no centroid is
// known, and leaves other places exact.
func TestPublicGate(t *testing.T) {
	g := &redact.Gate{Centroids: centroidsFake{"MLI/Ségou/Niono": {14.8666, -6.0268}}}
	out, _ := export(t, fixtureEvents(), Options{Format: JSONL, Public: true, Gate: g, Sensitive: map[string]bool{"ev-nampala": true, "ev-djibo": true}})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var nampala, djibo Line
	json.Unmarshal([]byte(lines[0]), &nampala)
	json.Unmarshal([]byte(lines[1]), &djibo)
	if l := nampala.Location; l == nil || l.Latitude != 14.8666 || l.Longitude != -6.0268 || l.Name != "Niono" || l.GeoPrecision != model.GeoNear {
		t.Errorf("sensitive Nampala: location %+v, want Niono's centroid", l)
	}
	if djibo.Location != nil {
		t.Errorf("sensitive Djibo with no centroid known: location %+v, want withheld", djibo.Location)
	}
	if strings.Contains(out, "15.2807") || strings.Contains(out, "14.1,") {
		t.Errorf("exact coordinates published: %s", out)
	}
	plain, _ := export(t, fixtureEvents(), Options{Format: JSONL, Public: true, Gate: g})
	if !strings.Contains(plain, "15.2807") {
		t.Error("a place that is not sensitive was changed")
	}
}

type testimonies []store.Testimony

func (ts testimonies) ListTestimonies(_ context.Context, f store.TestimonyFilter) ([]store.Testimony, error) {
	lo := min(f.Offset, len(ts))
	return ts[lo:min(lo+f.Limit, len(ts))], nil
}

func TestSensitiveEvents(t *testing.T) {
	ts := make(testimonies, 2500)
	for i := range ts {
		ts[i] = store.Testimony{ID: fmt.Sprint(i), Sensitive: i%1000 == 999, EventIDs: []string{fmt.Sprint("ev", i), "shared"}}
	}
	got, err := SensitiveEvents(context.Background(), ts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"ev999": true, "ev1999": true, "shared": true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("SensitiveEvents = %v, want %v", got, want)
	}
}
