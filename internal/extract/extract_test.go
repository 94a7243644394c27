package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func newExtractor(t testing.TB) *Extractor {
	t.Helper()
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func date(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func actor(ev model.Event, role string) *model.Actor {
	for i := range ev.Actors {
		if ev.Actors[i].Role == role {
			return &ev.Actors[i]
		}
	}
	return nil
}

// checkNampala holds an extraction of the Nampala report, in either
// language, to the definition of done.
func checkNampala(t *testing.T, text string, res model.Extraction) {
	t.Helper()
	if len(res.Events) != 1 {
		for _, e := range res.Events {
			t.Logf("event: %s %s %v", e.EventDate, e.SubEventType, e.Why)
		}
		t.Fatalf("got %d events, want 1 (background must produce none)", len(res.Events))
	}
	ev := res.Events[0]
	if ev.EventDate != "2025-03-13" || ev.DatePrecision != 1 {
		t.Errorf("date = %s (precision %d), want 2025-03-13 (1)", ev.EventDate, ev.DatePrecision)
	}
	if ev.SubEventType != "Looting/property destruction" && ev.SubEventType != "Attack" {
		t.Errorf("sub_event_type = %q, want Looting/property destruction (or Attack); why: %q", ev.SubEventType, ev.Why)
	}
	if l := ev.Location; l == nil {
		t.Error("no location")
	} else {
		if d := Haversine(l.Latitude, l.Longitude, 15.2807, -5.5549); d > 10 {
			t.Errorf("location %s (%f,%f) is %.0f km from Nampala", l.Name, l.Latitude, l.Longitude, d)
		}
		if l.GeonameID != 2453133 || l.Admin1 != "Ségou" || l.ISO3 != "MLI" {
			t.Errorf("location = %+v, want GeoNames 2453133 in Ségou, MLI", *l)
		}
	}
	if a := actor(ev, "actor1"); a == nil || a.Name != "Military Forces of Mali" || a.Type != "State forces" {
		t.Errorf("actor1 = %+v, want Military Forces of Mali (State forces)", a)
	}
	if a := actor(ev, "assoc_actor1"); a == nil || a.Name != "Wagner Group" {
		t.Errorf("assoc_actor1 = %+v, want Wagner Group", a)
	}
	if a := actor(ev, "actor2"); a == nil || a.Name != "Civilians (Mali)" || a.Type != "Civilians" {
		t.Errorf("actor2 = %+v, want Civilians (Mali)", a)
	}
	if d := ev.Displaced; d == nil || d.Best == nil || *d.Best < 100 {
		t.Errorf("displaced = %+v, want at least 100 (hundreds)", d)
	}
	if f := ev.Fatalities; f == nil || f.Best == nil || *f.Best != 0 {
		t.Errorf("fatalities = %+v, want 0", f)
	}
	if ev.Certainty != model.CertaintyAlleged {
		t.Errorf("certainty = %q, want alleged", ev.Certainty)
	}
	var names []string
	for _, s := range ev.Sources {
		names = append(names, s.Name)
	}
	for _, want := range []string{"NAN", "eyewitnesses"} {
		if !slices.Contains(names, want) {
			t.Errorf("sources %q lack %q", names, want)
		}
	}
	checkEvidence(t, text, res)
	for _, field := range []string{"event_date", "location", "actor1", "displaced", "certainty", "sub_event_type"} {
		if !slices.ContainsFunc(ev.Evidence, func(e model.Evidence) bool { return e.Field == field }) {
			t.Errorf("no evidence for %s", field)
		}
	}
}

// checkEvidence verifies that every evidence span's code-point offsets
// point at exactly its text.
func checkEvidence(t *testing.T, text string, res model.Extraction) {
	t.Helper()
	runes := []rune(text)
	for _, ev := range res.Events {
		for _, e := range ev.Evidence {
			if e.Start < 0 || e.End > len(runes) || e.Start >= e.End {
				t.Errorf("evidence %s [%d,%d) out of range", e.Field, e.Start, e.End)
				continue
			}
			if got := string(runes[e.Start:e.End]); got != e.Text {
				t.Errorf("evidence %s [%d,%d) = %q, but its text says %q", e.Field, e.Start, e.End, got, e.Text)
			}
		}
	}
	for _, p := range res.Places {
		if p.Start < 0 || p.End > len(runes) || string(runes[p.Start:p.End]) != p.Text {
			t.Errorf("place %q at [%d,%d) does not match the text", p.Text, p.Start, p.End)
		}
	}
}

func TestSeedNampala(t *testing.T) {
	b, err := os.ReadFile("../../../shared/seed/nampala.txt")
	if err != nil {
		t.Skipf("seed report not available (%v): run with ../shared beside the checkout", err)
	}
	x := newExtractor(t)
	checkNampala(t, string(b), x.Extract(string(b), Options{Published: date(t, "2025-03-16")}))
}

func TestNampalaFrench(t *testing.T) {
	b, err := os.ReadFile("../../testdata/reports/nampala-fr.txt")
	if err != nil {
		t.Fatal(err)
	}
	x := newExtractor(t)
	res := x.Extract(string(b), Options{Published: date(t, "2025-03-16")})
	if res.Lang != "fr" {
		t.Errorf("lang = %q, want fr", res.Lang)
	}
	checkNampala(t, string(b), res)
}

type fixture struct {
	name, text string
	gold       Gold
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	docs, err := LoadGold("../../testdata/reports")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]fixture, len(docs))
	for i, d := range docs {
		out[i] = fixture{d.Name, d.Text, d.Gold}
	}
	return out
}

// TestGold scores the extractor against the team's gold annotations, field
// by field, and fails when a field's accuracy drops below the floor it has
// reached (raise the floors as the extractor improves; never lower them
// without saying why in the commit).
func TestGold(t *testing.T) {
	x := newExtractor(t)
	docs, err := LoadGold("../../testdata/reports")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		pub, _ := time.Parse(time.DateOnly, d.Gold.Published)
		checkEvidence(t, d.Text, x.Extract(d.Text, Options{Published: pub}))
	}
	r := ScoreGold(x, docs)
	for _, m := range r.Misses {
		t.Log(m)
	}
	var fields []string
	for k := range r.Fields {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	for _, k := range fields {
		acc := r.Fields[k].Accuracy()
		t.Logf("%-15s %3d/%-3d %.2f (floor %.2f)", k, r.Fields[k].OK, r.Fields[k].N, acc, goldFloors[k])
		if acc+1e-9 < goldFloors[k] {
			t.Errorf("%s accuracy %.2f fell below its floor %.2f", k, acc, goldFloors[k])
		}
	}
	for k := range goldFloors {
		if r.Fields[k] == nil {
			t.Errorf("no score for field %s", k)
		}
	}
}

// TestGolden snapshots the whole output for every fixture, so that any
// change in behaviour shows up in review. go test -update rewrites them.
func TestGolden(t *testing.T) {
	x := newExtractor(t)
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			res := x.Extract(f.text, Options{Published: date(t, f.gold.Published), Now: date(t, "2026-01-01")})
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", f.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/extract -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s; if the change is intended, run go test ./internal/extract -update and review the diff\n%s", path, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y)
		}
	}
	return ""
}

func TestExtractEdgeCases(t *testing.T) {
	x := newExtractor(t)
	for _, text := range []string{"", " ", "\n\n", "é", "Nampala", "Le 13 mars.", strings.Repeat("a ", 1000)} {
		res := x.Extract(text, Options{})
		if res.Events == nil || res.Places == nil {
			t.Errorf("Extract(%q): nil slices would print null, want []", text)
		}
		checkEvidence(t, text, res)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("Des soldats ont incendié le village de Nampala le 13 mars, selon des témoins.", "2025-03-16")
	f.Add("Gunmen killed 12 civilians in Djibo on Tuesday, residents said.", "2024-05-02")
	f.Add("«Ils sont venus» — 30 km de Ségou; FAMa, Wagner… 1 200 déplacés.", "")
	f.Fuzz(func(t *testing.T, text, pub string) {
		if !utf8.ValidString(text) || len(text) > 1<<14 {
			return
		}
		opt := Options{}
		if d, err := time.Parse(time.DateOnly, pub); err == nil {
			opt.Published = d
		}
		res := fuzzX.Extract(text, opt)
		checkEvidence(t, text, res)
	})
}

var fuzzX = func() *Extractor { x, _ := New(); return x }()

func BenchmarkExtract(b *testing.B) {
	x := newExtractor(b)
	fx := fixtures(b)
	var n int
	for _, f := range fx {
		n += len(f.text)
	}
	pubs := make([]time.Time, len(fx))
	for i, f := range fx {
		pubs[i] = date(b, f.gold.Published)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for i, f := range fx {
			x.Extract(f.text, Options{Published: pubs[i]})
		}
	}
	b.ReportMetric(float64(b.N*len(fx))/b.Elapsed().Seconds(), "articles/s")
}

func TestDatelines(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Headline\n\nOUAGADOUGOU, Nov 18 (Sahel Wire) - Gunmen killed 12 people on Saturday in a long first paragraph that goes on and on well past any dateline length limit of the line itself.", []string{"OUAGADOUGOU, Nov 18 (Sahel Wire) -"}},
		{"COMMUNIQUÉ\nCollectif\nOuagadougou, le 10 septembre 2024\n\nTexte.", []string{"Ouagadougou, le 10 septembre 2024"}},
		{"Titre\nPublié le 06/02/2025\nTexte.", []string{"Publié le 06/02/2025"}},
		{"Titre\nPar Awa Dembélé – 16 mars 2025\n", []string{"Par Awa Dembélé – 16 mars 2025"}},
		{"Soldiers attacked Djibo, Burkina Faso, on 3 March 2025 (local time) - witnesses said.", nil},
		{strings.Repeat("line\n", 20) + "BAMAKO, Jan 2 (AFP) - late.", nil},
	} {
		var got []string
		for _, sp := range datelines(tc.text) {
			got = append(got, tc.text[sp.Start:sp.End])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("datelines(%.40q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// BenchmarkExtractSeed runs the pipeline over the seed report (4.3 KB, a
// typical news article) when it is there.
func BenchmarkExtractSeed(b *testing.B) {
	raw, err := os.ReadFile("../../../shared/seed/nampala.txt")
	if err != nil {
		b.Skipf("seed report not available: %v", err)
	}
	x := newExtractor(b)
	text := string(raw)
	pub := date(b, "2025-03-16")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		x.Extract(text, Options{Published: pub})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

func TestEventDayOfAWeek(t *testing.T) {
	x := newExtractor(t)
	for _, tc := range []struct{ text, pub, want string }{
		{"Gunmen burned homes in Bankass last week, residents said.", "2024-07-15", "2024-07-11"},
		{"Des hommes armés ont incendié des maisons à Bankass du 10 au 12 mars, selon des habitants.", "2025-03-20", "2025-03-11"},
		{"Gunmen burned homes in Bankass on 9 July, residents said.", "2024-07-15", "2024-07-09"},
	} {
		res := x.Extract(tc.text, Options{Published: date(t, tc.pub)})
		if len(res.Events) == 0 || res.Events[0].EventDate != tc.want {
			t.Errorf("%q: events %+v, want date %s", tc.text, res.Events, tc.want)
		}
	}
}

func TestRelativeLocation(t *testing.T) {
	x := newExtractor(t)
	res := x.Extract("Gunmen killed five herders on Tuesday about 30 km north of Gao, residents said.", Options{Published: date(t, "2025-02-07")})
	if len(res.Events) != 1 || res.Events[0].Location == nil {
		t.Fatalf("events: %+v", res.Events)
	}
	l := res.Events[0].Location
	if l.Name != "Gao" || l.GeoPrecision != 2 {
		t.Errorf("location %+v: want Gao, precision 2", *l)
	}
	if d := Haversine(l.Latitude, l.Longitude, 16.27167, -0.04472); d < 20 || d > 40 {
		t.Errorf("offset point is %.0f km from Gao, want about 30", d)
	}
	checkEvidence(t, "Gunmen killed five herders on Tuesday about 30 km north of Gao, residents said.", res)
}

func TestSeveralIncidents(t *testing.T) {
	x := newExtractor(t)
	for _, tc := range []struct {
		lang, text string
	}{
		{"en", "Security roundup: violence in northern Burkina Faso\n\nOn Monday, gunmen killed five civilians in Djibo, residents said.\n\n" +
			"On Wednesday, a drone strike by the army hit a JNIM camp near Dori, killing 12 fighters, according to a security source.\n\n" +
			"Separately, the government announced new measures for farmers.\n"},
		{"fr", "Point sécuritaire dans le nord du Burkina Faso\n\nLundi, des hommes armés ont tué cinq civils à Djibo, selon des habitants.\n\n" +
			"Mercredi, une frappe de drone de l'armée a visé un camp du JNIM près de Dori, tuant 12 combattants, selon une source sécuritaire.\n\n" +
			"Par ailleurs, le gouvernement a annoncé de nouvelles mesures pour les agriculteurs.\n"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			res := x.Extract(tc.text, Options{Published: date(t, "2025-03-14")})
			checkEvidence(t, tc.text, res)
			if len(res.Events) != 2 {
				t.Fatalf("got %d events, want 2: %+v", len(res.Events), res.Events)
			}
			want := []struct {
				date, sub, place string
				killed           int
			}{{"2025-03-10", "Attack", "Djibo", 5}, {"2025-03-12", "Air/drone strike", "Dori", 12}}
			for i, w := range want {
				ev := res.Events[i]
				if ev.EventDate != w.date || ev.SubEventType != w.sub || ev.Location == nil || ev.Location.Name != w.place ||
					ev.Fatalities == nil || ev.Fatalities.Best == nil || *ev.Fatalities.Best != w.killed {
					t.Errorf("event %d = %s %s %+v %+v; want %s %s in %s, %d killed", i, ev.EventDate, ev.SubEventType, ev.Location, ev.Fatalities, w.date, w.sub, w.place, w.killed)
				}
			}
		})
	}
}

func TestSilentSourcesAreNotSources(t *testing.T) {
	x := newExtractor(t)
	for _, text := range []string{
		"Des hommes armés ont incendié des maisons à Sofara le 3 mars, selon des habitants. L'état-major n'a publié aucun communiqué.",
		"Gunmen burned homes in Sofara on March 3, residents said. The ministry did not comment on the attack.",
	} {
		res := x.Extract(text, Options{Published: date(t, "2025-03-05")})
		if len(res.Events) != 1 {
			t.Fatalf("%q: %d events", text, len(res.Events))
		}
		for _, s := range res.Events[0].Sources {
			if s.Kind == "official" {
				t.Errorf("%q: %q counted as a source though it said nothing", text, s.Name)
			}
		}
	}
}
