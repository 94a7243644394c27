package geoparse

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/model"
)

func parser(t testing.TB) *Parser {
	t.Helper()
	g, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return NewParser(g)
}

func TestLookup(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	has := func(name string, id int64) bool {
		for _, e := range g.Lookup(name) {
			if e.ID == id {
				return true
			}
		}
		return false
	}
	tests := []struct {
		name string
		id   int64
	}{
		{"Tombouctou", 2449067},
		{"Timbuktu", 2449067},
		{"TIMBUKTU", 2449067},
		{"Ségou", 2451478},
		{"Segou", 2451478},
		{"ségou", 2451478},
		{"Nampala", 2453133},
		{"Gorom Gorom", 2360372}, // hyphen folds to a space
		{"Mali", 2453866},        // the country
		{"Mauritanie", 2378080},  // French country name
		{"Côte d’Ivoire", 2287781},
	}
	for _, tt := range tests {
		if !has(tt.name, tt.id) {
			t.Errorf("Lookup(%q) lacks %d", tt.name, tt.id)
		}
	}
	if got := g.Lookup("Xqzzyville"); got != nil {
		t.Errorf("Lookup(nonsense) = %v, want nil", got)
	}
}

func TestByIDFields(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	e := g.ByID(2453133)
	if e == nil {
		t.Fatal("ByID(2453133) = nil")
	}
	want := Entry{ID: 2453133, Name: "Nampala", Class: "P", Code: "PPL", Country: "ML", Admin1Code: "05", Admin1: "Ségou", Admin2: "Niono"}
	if e.Name != want.Name || e.Class != want.Class || e.Code != want.Code || e.Country != want.Country ||
		e.Admin1Code != want.Admin1Code || e.Admin1 != want.Admin1 || e.Admin2 != want.Admin2 {
		t.Errorf("ByID(2453133) = %+v, want fields of %+v", *e, want)
	}
	if math.Abs(e.Lat-15.2807) > 1e-4 || math.Abs(e.Lon+5.5549) > 1e-4 {
		t.Errorf("Nampala at %v,%v, want 15.2807,-5.5549", e.Lat, e.Lon)
	}
	if g.ByID(-1) != nil {
		t.Error("ByID(-1) != nil")
	}
	// The cercle's code-table name is reduced to the bare name.
	if c := g.ByID(8631514); c == nil || c.Admin2 != "Niono" {
		t.Errorf("Cercle de Niono admin2 = %+v, want Niono", c)
	}
}

func TestCountries(t *testing.T) {
	tests := []struct{ iso2, iso3, name string }{
		{"ML", "MLI", "Mali"},
		{"BF", "BFA", "Burkina Faso"},
		{"ne", "NER", "Niger"},
		{"XX", "", ""},
	}
	for _, tt := range tests {
		if got := CountryISO3(tt.iso2); got != tt.iso3 {
			t.Errorf("CountryISO3(%q) = %q, want %q", tt.iso2, got, tt.iso3)
		}
		if got := CountryName(tt.iso2); got != tt.name {
			t.Errorf("CountryName(%q) = %q, want %q", tt.iso2, got, tt.name)
		}
	}
}

func TestDemonymCountry(t *testing.T) {
	tests := []struct {
		word string
		iso2 string
		ok   bool
	}{
		{"Malian", "ML", true},
		{"maliennes", "ML", true},
		{"Maliens", "ML", true},
		{"Burkinabè", "BF", true},
		{"burkinabe", "BF", true},
		{"Nigerien", "NE", true},
		{"nigérienne", "NE", true},
		{"Mauritanian", "MR", true},
		{"Nigerian", "NG", true},
		{"Mali", "", false},
		{"soldiers", "", false},
	}
	for _, tt := range tests {
		iso2, ok := DemonymCountry(tt.word)
		if iso2 != tt.iso2 || ok != tt.ok {
			t.Errorf("DemonymCountry(%q) = %q, %v; want %q, %v", tt.word, iso2, ok, tt.iso2, tt.ok)
		}
	}
}

// find returns the first place whose text is name.
func find(places []model.Place, name string) *model.Place {
	for i := range places {
		if places[i].Text == name {
			return &places[i]
		}
	}
	return nil
}

func TestParseResolves(t *testing.T) {
	p := parser(t)
	tests := []struct {
		name, text, place string
		id                int64
	}{
		{"Nampala with Ségou context", "Soldiers burned houses in Nampala, a town of the Ségou region close to Mauritania.", "Nampala", 2453133},
		{"Nampala FR", "Des militaires ont incendié des cases à Nampala, dans la région de Ségou.", "Nampala", 2453133},
		{"Tombouctou", "Les jihadistes encerclent Tombouctou depuis le mois d'août.", "Tombouctou", 2449067},
		{"Timbuktu", "Jihadists have besieged Timbuktu since August.", "Timbuktu", 2449067},
		{"Ségou", "Le gouverneur de Ségou a réuni les chefs de village.", "Ségou", 2451478},
		{"Segou ascii", "Traders in Segou said the market reopened.", "Segou", 2451478},
		{"Mopti", "A curfew was declared in Mopti after the attack.", "Mopti", 2453348},
		{"Djibo", "The army sent a convoy to Djibo in northern Burkina Faso.", "Djibo", 2361177},
		{"Djibo FR", "Un convoi a été attaqué près de Djibo, au Burkina Faso.", "Djibo", 2361177},
		{"Niamey", "Officials in Niamey, Niger, condemned the killings.", "Niamey", 2440485},
		{"Boni near Hombori", "Gunmen raided the village of Boni, near Hombori, on Tuesday.", "Boni", 2459917},
		{"Boni in Kayes", "Herders fled Boni, a hamlet in the Kayes region not far from Kita.", "Boni", 2459918},
		{"Boni FR Kayes", "Des éleveurs ont fui Boni, dans la région de Kayes, près de Kita.", "Boni", 2459918},
		{"region cue picks ADM1", "Violence spread across the region of Ségou last year.", "Ségou", 2451477},
		{"cercle cue picks ADM2", "Le cercle de Niono a connu plusieurs attaques.", "Niono", 8631514},
		{"country", "The Mali government denied the report.", "Mali", 2453866},
		{"French country", "Des réfugiés sont arrivés en Mauritanie.", "Mauritanie", 2378080},
		{"headline caps", "ATTACK NEAR MOPTI LEAVES TEN DEAD", "MOPTI", 2453348},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			places := p.Parse(tt.text)
			pl := find(places, tt.place)
			if pl == nil {
				t.Fatalf("Parse(%q) found no %q; got %s", tt.text, tt.place, texts(places))
			}
			if pl.GeonameID != tt.id {
				t.Errorf("%q resolved to %d %s (%s), want %d", tt.place, pl.GeonameID, pl.Name, pl.Why, tt.id)
			}
			if tt.text[pl.Start:pl.End] != pl.Text {
				t.Errorf("offsets %d:%d give %q, want %q", pl.Start, pl.End, tt.text[pl.Start:pl.End], pl.Text)
			}
			if pl.Latitude == nil || pl.Longitude == nil || pl.Why == "" || pl.Score <= 0 || pl.Score > 1 {
				t.Errorf("incomplete place %+v", *pl)
			}
		})
	}
}

func texts(places []model.Place) string {
	var s []string
	for _, p := range places {
		s = append(s, p.Text)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func TestParseRejects(t *testing.T) {
	p := parser(t)
	tests := []struct{ name, text string }{
		{"capitalised common words", "Police said on Monday that the Army, the President and the Minister of Defence would meet. According to Reuters, Residents and Families were told to stay home in March."},
		{"French capitalised words", "Le Président et le Gouvernement ont salué l'Armée. Selon la Police, Des hommes sont venus en Mars."},
		{"demonyms", "Malian soldiers and Burkinabè volunteers met Nigerien and Mauritanian officials; les forces maliennes étaient présentes."},
		{"acronyms", "FAMa and JNIM fighters clashed, according to MINUSMA."},
		{"compass words without cue", "The North and the Centre remain tense; le Nord et le Centre aussi."},
		{"person name", "Journalist Amadou Bamba Traoré was released."},
		{"person and group names", "Amadou Koufa leads the Katiba Macina."},
		{"world village without a cue", "Hope was fading, Trump told Obama and Putin."},
		{"lower case", "they walked to the bush and the river near the road."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if places := p.Parse(tt.text); len(places) != 0 {
				t.Errorf("Parse(%q) = %s, want no place", tt.text, texts(places))
			}
		})
	}
}

func TestParseCues(t *testing.T) {
	p := parser(t)
	// "Centre-Nord" and "Sahel" are places only when called regions.
	places := p.Parse("Displaced families reached Kaya, in the Centre-Nord region, from the Sahel region.")
	for _, want := range []struct {
		text string
		id   int64
	}{{"Kaya", 2359608}, {"Centre-Nord region", 6930706}} {
		pl := find(places, want.text)
		if pl == nil || pl.GeonameID != want.id {
			t.Errorf("%q: got %+v in %s, want id %d", want.text, pl, texts(places), want.id)
		}
	}
	if pl := find(places, "Sahel region"); pl == nil || pl.FeatureCode != "ADM1" {
		t.Errorf("Sahel region: got %+v in %s, want the ADM1", pl, texts(places))
	}
}

func TestParseWhyAndScore(t *testing.T) {
	p := parser(t)
	places := p.Parse("Residents of Nampala, in the Ségou region of Mali, fled.")
	pl := find(places, "Nampala")
	if pl == nil {
		t.Fatalf("no Nampala in %s", texts(places))
	}
	if !strings.Contains(pl.Why, "Ségou") {
		t.Errorf("Why = %q, want it to name Ségou", pl.Why)
	}
	if pl.Admin1 != "Ségou" || pl.Admin2 != "Niono" || pl.CountryCode != "ML" || pl.FeatureClass != "P" || pl.FeatureCode != "PPL" {
		t.Errorf("Nampala fields = %+v", *pl)
	}
	// Without context the two Nampalas are harder to tell apart: the score
	// must drop.
	bare := find(p.Parse("Residents of Nampala fled."), "Nampala")
	if bare == nil || bare.Score >= pl.Score {
		t.Errorf("bare Nampala score %v, want below %v", bare, pl.Score)
	}
}

func TestResolveSpans(t *testing.T) {
	p := parser(t)
	// "Diabaly" is spelled "Diabali" in GeoNames: spans try common
	// transcription variants.
	text := "Villagers from Nampala walked to Diabaly in the Ségou region; others reached Xqzzyville."
	span := func(s string) model.Span {
		i := strings.Index(text, s)
		return model.Span{Start: i, End: i + len(s)}
	}
	spans := []model.Span{
		span("Nampala"),
		span("Xqzzyville"),
		span("the Ségou region"),
		{Start: -4, End: 2},
		{Start: 10, End: 10_000},
		span("Diabaly"),
	}
	got := p.ResolveSpans(text, spans)
	if len(got) != len(spans) {
		t.Fatalf("ResolveSpans returned %d places for %d spans", len(got), len(spans))
	}
	wantIDs := []int64{2453133, 0, 2451477, 0, 0, 0}
	for i, pl := range got {
		if pl.Start != spans[i].Start || pl.End != spans[i].End {
			t.Errorf("span %d: place at %d:%d, want %d:%d", i, pl.Start, pl.End, spans[i].Start, spans[i].End)
		}
		if wantIDs[i] == 0 {
			continue
		}
		if pl.GeonameID != wantIDs[i] {
			t.Errorf("span %d (%q): id %d %s (%s), want %d", i, pl.Text, pl.GeonameID, pl.Name, pl.Why, wantIDs[i])
		}
	}
	for _, i := range []int{1, 3, 4} {
		if got[i].Latitude != nil || got[i].Longitude != nil || got[i].GeonameID != 0 {
			t.Errorf("span %d: got %+v, want unresolved", i, got[i])
		}
	}
	if got[5].Latitude == nil || got[5].Admin1 != "Ségou" {
		t.Errorf("Diabaly: got %+v, want a place in Ségou", got[5])
	}
}

// The seed report lives outside the repository; the test runs where it is.
func TestSeedNampala(t *testing.T) {
	b, err := os.ReadFile("../../../shared/seed/nampala.txt")
	if err != nil {
		t.Skipf("seed report not available: %v", err)
	}
	places := parser(t).Parse(string(b))
	n := 0
	for _, pl := range places {
		if pl.Text != "Nampala" {
			continue
		}
		n++
		if pl.GeonameID != 2453133 || pl.Admin1 != "Ségou" || pl.Admin2 != "Niono" {
			t.Errorf("Nampala at %d resolved to %d %s/%s (%s)", pl.Start, pl.GeonameID, pl.Admin1, pl.Admin2, pl.Why)
		}
	}
	if n == 0 {
		t.Errorf("no Nampala found; places: %s", texts(places))
	}
}
