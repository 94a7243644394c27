package actors

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/errs"
)

func mustDefault(t testing.TB) *Dictionary {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return d
}

// aliasKey folds an alias the way the matcher sees it: its words, folded,
// joined by single spaces.
func aliasKey(s string) string {
	toks, _ := tokenize(s, nil, nil, nil)
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = foldString(s[t.start:t.end])
	}
	return strings.Join(words, " ")
}

var articles = []string{"the", "a", "an", "l", "d", "le", "la", "les", "des", "du", "une"} // not "un": it folds like "UN"

func TestDictionaryIntegrity(t *testing.T) {
	d := mustDefault(t)
	if d.Version() == "" {
		t.Error("empty version")
	}
	acts := d.Actors()
	if len(acts) < 60 {
		t.Errorf("only %d entries, want 60 or more", len(acts))
	}
	ids := map[string]bool{}
	names := map[string]bool{}
	roles := map[string]bool{}
	type owner struct{ id, text string }
	keys := map[string]owner{}
	for _, a := range acts {
		if ids[a.ID] {
			t.Errorf("duplicate id %q", a.ID)
		}
		ids[a.ID] = true
		if names[a.Name] {
			t.Errorf("duplicate name %q", a.Name)
		}
		names[a.Name] = true
		if !slices.Contains(Types, a.Type) {
			t.Errorf("%s: type %q is not an ACLED type", a.ID, a.Type)
		}
		if a.Role != "" {
			roles[a.Role] = true
		}
		if !a.Generic && len(a.Aliases) == 0 && a.Role == "" {
			t.Errorf("%s: no alias and no role: nothing can ever yield it", a.ID)
		}
		for _, al := range a.Aliases {
			if al.CaseSensitive && (len(al.Text) > 8 || strings.ContainsRune(al.Text, ' ')) {
				t.Errorf("%s: case-sensitive alias %q should be a short acronym", a.ID, al.Text)
			}
			k := aliasKey(al.Text)
			// A leading article would let "l'armée" win over "armée
			// malienne" (leftmost match first): keep articles out.
			if first, _, _ := strings.Cut(k, " "); !al.Weak && slices.Contains(articles, first) {
				t.Errorf("%s: alias %q starts with an article", a.ID, al.Text)
			}
			if o, ok := keys[k]; ok && o.id != a.ID {
				t.Errorf("alias %q of %s collides with %q of %s", al.Text, a.ID, o.text, o.id)
			}
			keys[k] = owner{a.ID, al.Text}
		}
	}
	for _, a := range acts {
		if a.Generic && a.RoleHint != "" && !roles[a.RoleHint] {
			t.Errorf("%s: role_hint %q is filled by no actor", a.ID, a.RoleHint)
		}
		if a.Successor != "" && !ids[a.Successor] {
			t.Errorf("%s: unknown successor %q", a.ID, a.Successor)
		}
	}
}

func TestRequiredEntries(t *testing.T) {
	d := mustDefault(t)
	byName := map[string]Actor{}
	for _, a := range d.Actors() {
		byName[a.Name] = a
	}
	tests := []struct{ name, typ, country string }{
		{"Military Forces of Mali", TypeState, "MLI"},
		{"Police Forces of Mali", TypeState, "MLI"},
		{"Military Forces of Burkina Faso", TypeState, "BFA"},
		{"Military Forces of Niger", TypeState, "NER"},
		{"Military Forces of Mauritania", TypeState, "MRT"},
		{"Military Forces of Nigeria", TypeState, "NGA"},
		{"Military Forces of Chad", TypeState, "TCD"},
		{"Military Forces of Senegal", TypeState, "SEN"},
		{"Military Forces of Guinea", TypeState, "GIN"},
		{"Military Forces of Ivory Coast", TypeState, "CIV"},
		{"Military Forces of Algeria", TypeState, "DZA"},
		{"Military Forces of France", TypeState, "FRA"},
		{"Military Forces of Russia", TypeState, "RUS"},
		{"Wagner Group", TypeExternal, "RUS"},
		{"Africa Corps", TypeState, "RUS"},
		{"JNIM: Group for Support of Islam and Muslims", TypeRebel, ""},
		{"Islamic State (Sahel)", TypeRebel, ""},
		{"Islamic State (West Africa)", TypeRebel, ""},
		{"Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", TypeRebel, ""},
		{"Ansaroul Islam", TypeRebel, "BFA"},
		{"Dozo Communal Militia (Mali)", TypeIdentity, "MLI"},
		{"Dan Na Ambassagou", TypeIdentity, "MLI"},
		{"Koglweogo Militia", TypeIdentity, "BFA"},
		{"VDP: Volunteers for the Defense of the Homeland", TypePolitical, "BFA"},
		{"MNLA: National Movement for the Liberation of Azawad", TypeRebel, "MLI"},
		{"FLA: Azawad Liberation Front", TypeRebel, "MLI"},
		{"MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)", TypeExternal, "MLI"},
		{"Unidentified Armed Group (Mali)", TypePolitical, "MLI"},
		{"Unidentified Armed Group (Burkina Faso)", TypePolitical, "BFA"},
		{"Unidentified Armed Group (Niger)", TypePolitical, "NER"},
		{"Civilians (Mali)", TypeCivilians, "MLI"},
		{"Civilians (Burkina Faso)", TypeCivilians, "BFA"},
		{"Civilians (Niger)", TypeCivilians, "NER"},
		{"Civilians (Mauritania)", TypeCivilians, "MRT"},
		{"Civilians (Nigeria)", TypeCivilians, "NGA"},
		{"Protesters (Mali)", TypeProtesters, "MLI"},
		{"Rioters (Mali)", TypeRioters, "MLI"},
	}
	for _, tt := range tests {
		a, ok := byName[tt.name]
		if !ok {
			t.Errorf("missing %q", tt.name)
			continue
		}
		if a.Type != tt.typ || a.Country != tt.country {
			t.Errorf("%q: type %q country %q, want %q %q", tt.name, a.Type, a.Country, tt.typ, tt.country)
		}
	}
	// The short acronyms the brief names must be case-sensitive.
	for _, acr := range []string{"FAMa", "FAMA", "JNIM", "EIGS", "ISGS", "VDP", "FDS"} {
		ms := d.Find(acr)
		if len(ms) != 1 {
			t.Errorf("Find(%q) = %v, want one mention", acr, ms)
			continue
		}
		a, _ := d.Get(ms[0].ActorID)
		i := slices.IndexFunc(a.Aliases, func(al Alias) bool { return al.Text == acr })
		if i < 0 || !a.Aliases[i].CaseSensitive {
			t.Errorf("%q: alias of %s is not case-sensitive", acr, a.ID)
		}
	}
}

func TestGet(t *testing.T) {
	d := mustDefault(t)
	a, ok := d.Get("mli-military")
	if !ok || a.Name != "Military Forces of Mali" {
		t.Errorf("Get(mli-military) = %v, %v", a, ok)
	}
	if _, ok := d.Get("no-such-actor"); ok {
		t.Error("Get(no-such-actor) found something")
	}
}

func TestCivilians(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		iso3, want string
		ok         bool
	}{
		{"MLI", "Civilians (Mali)", true},
		{"bfa", "Civilians (Burkina Faso)", true},
		{"NER", "Civilians (Niger)", true},
		{"MRT", "Civilians (Mauritania)", true},
		{"NGA", "Civilians (Nigeria)", true},
		{"FRA", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		a, ok := d.Civilians(tt.iso3)
		if ok != tt.ok || a.Name != tt.want {
			t.Errorf("Civilians(%q) = %q, %v; want %q, %v", tt.iso3, a.Name, ok, tt.want, tt.ok)
		}
		if ok && a.Type != TypeCivilians {
			t.Errorf("Civilians(%q) has type %q", tt.iso3, a.Type)
		}
	}
}

func TestResolve(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		text    string // must hold exactly one mention
		iso3    string
		year    int
		want    string // actor id after Resolve
		generic bool   // Generic flag after Resolve
	}{
		{"the soldiers", "MLI", 2025, "mli-military", false},
		{"les soldats", "BFA", 2023, "bfa-military", false},
		{"des éléments des FDS", "NER", 2024, "ner-military", false},
		{"the army", "NGA", 2019, "nga-military", false},
		{"l'armée", "TCD", 2021, "tcd-military", false},
		{"the soldiers", "", 2025, "generic-military", true},    // no country: unchanged
		{"the soldiers", "ZZZ", 2025, "generic-military", true}, // unknown country
		{"gendarmes", "MLI", 2022, "mli-gendarmerie", false},    // role filled
		{"gendarmes", "NGA", 2022, "nga-police", false},         // fallback role
		{"la garde nationale", "NER", 2020, "ner-national-guard", false},
		{"la garde nationale", "MLI", 2020, "mli-military", false}, // fallback role
		{"the villagers", "MLI", 2025, "mli-civilians", false},
		{"les habitants", "BFA", 2022, "bfa-civilians", false},
		{"terrorist groups", "MLI", 2025, "mli-unidentified-armed-group", false},
		{"des djihadistes", "NER", 2021, "ner-unidentified-armed-group", false},
		{"unidentified gunmen", "NGA", 2024, "nga-unidentified-armed-group", false},
		{"les manifestants", "MLI", 2020, "mli-protesters", false},
		{"rioters", "NGA", 2020, "nga-rioters", false},
		{"UN peacekeepers", "MLI", 2019, "minusma", false},
		{"UN peacekeepers", "MLI", 2024, "generic-peacekeepers", true}, // MINUSMA gone
		{"the Islamic State", "NER", 2022, "is-sahel", false},
		{"the Islamic State", "NGA", 2022, "iswap", false},
		{"al-Qaeda", "BFA", 2022, "jnim", false},
		{"al-Qaeda", "BFA", 2015, "generic-al-qaeda", true}, // before JNIM
		{"a Fulani militia", "NGA", 2018, "nga-fulani-militia", false},
		{"the junta", "NER", 2024, "ner-government", false},
		// Names the text gives are kept.
		{"FAMa", "BFA", 2025, "mli-military", false},
		{"Wagner mercenaries", "MLI", 2026, "wagner", false},
		// Weak Russian mentions follow the force present there and then.
		{"their Russian allies", "MLI", 2023, "wagner", false},
		{"their Russian allies", "MLI", 2026, "africa-corps", false},
		{"les instructeurs russes", "BFA", 2024, "africa-corps", false},
		{"les instructeurs russes", "BFA", 2023, "wagner", false},
		{"their Russian allies", "MLI", 0, "wagner", false},
	}
	for _, tt := range tests {
		ms := d.Find(tt.text)
		if len(ms) != 1 {
			t.Errorf("Find(%q) = %v, want one mention", tt.text, ms)
			continue
		}
		r := d.Resolve(ms[0], tt.iso3, tt.year)
		if r.ActorID != tt.want || r.Generic != tt.generic {
			t.Errorf("Resolve(%q, %s, %d) = %s (generic %v), want %s (generic %v)",
				tt.text, tt.iso3, tt.year, r.ActorID, r.Generic, tt.want, tt.generic)
		}
		a, _ := d.Get(r.ActorID)
		if r.Name != a.Name || r.Type != a.Type || r.Country != a.Country {
			t.Errorf("Resolve(%q): fields %q/%q/%q do not match actor %s", tt.text, r.Name, r.Type, r.Country, a.ID)
		}
		if r.Span != ms[0].Span || r.Text != ms[0].Text || r.Weak != ms[0].Weak {
			t.Errorf("Resolve(%q) changed the span, text or weak flag", tt.text)
		}
		if ms[0].Generic && !r.Generic && r.GenericID != ms[0].ActorID {
			t.Errorf("Resolve(%q): GenericID = %q, want %q", tt.text, r.GenericID, ms[0].ActorID)
		}
	}
	if m := d.Resolve(Mention{ActorID: "nope"}, "MLI", 2020); m.ActorID != "nope" {
		t.Errorf("Resolve of an unknown actor changed it to %q", m.ActorID)
	}
}

func TestParseMini(t *testing.T) {
	data, err := os.ReadFile("testdata/mini.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(mini.json): %v", err)
	}
	if d.Version() != "test-1" {
		t.Errorf("Version() = %q", d.Version())
	}
	ms := d.Find("Les soldats et la Milice Alpha ont attaqué.")
	var got []string
	for _, m := range ms {
		got = append(got, d.Resolve(m, "AAA", 2020).ActorID)
	}
	if want := []string{"aaa-military", "alpha"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/mini.json")
	if err != nil {
		t.Fatal(err)
	}
	// Each case mutates the parsed mini dictionary before re-encoding it.
	tests := []struct {
		name   string
		mutate func(f *file)
	}{
		{"no version", func(f *file) { f.Version = " " }},
		{"bad id", func(f *file) { f.Actors[0].ID = "Bad ID" }},
		{"duplicate id", func(f *file) { f.Actors[1].ID = f.Actors[0].ID }},
		{"bad type", func(f *file) { f.Actors[0].Type = "Soldiers" }},
		{"bad country", func(f *file) { f.Actors[0].Country = "Mali" }},
		{"bad countries", func(f *file) { f.Actors[0].Countries = []string{"ml"} }},
		{"period reversed", func(f *file) { f.Actors[0].From, f.Actors[0].To = 2020, 2010 }},
		{"year out of range", func(f *file) { f.Actors[0].From = 20 }},
		{"empty name", func(f *file) { f.Actors[0].Name = "" }},
		{"empty alias", func(f *file) { f.Actors[0].Aliases = append(f.Actors[0].Aliases, Alias{Text: " "}) }},
		{"alias without words", func(f *file) { f.Actors[0].Aliases = append(f.Actors[0].Aliases, Alias{Text: "--"}) }},
		{"bad lang", func(f *file) { f.Actors[0].Aliases[0].Lang = "de" }},
		{"hard break in alias", func(f *file) { f.Actors[0].Aliases[0].Text = "Alpha. Beta" }},
		{"non-ASCII case-sensitive", func(f *file) {
			f.Actors[0].Aliases = append(f.Actors[0].Aliases, Alias{Text: "ÉTÉ", CaseSensitive: true})
		}},
		{"collision between actors", func(f *file) { f.Actors[1].Aliases = append(f.Actors[1].Aliases, f.Actors[0].Aliases[0]) }},
		{"fold collision", func(f *file) {
			f.Actors[0].Aliases = append(f.Actors[0].Aliases, Alias{Text: strings.ToUpper(f.Actors[0].Aliases[0].Text)})
		}},
		{"unknown successor", func(f *file) { f.Actors[0].Successor = "ghost" }},
		{"role on generic", func(f *file) { f.Actors[2].Role = "military" }},
		{"role_hint on concrete", func(f *file) { f.Actors[0].RoleHint = "military" }},
		{"country on generic", func(f *file) { f.Actors[2].Country = "AAA" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f file
			if err := json.Unmarshal(base, &f); err != nil {
				t.Fatal(err)
			}
			tt.mutate(&f)
			data, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(data)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("error %v is not of kind Invalid", err)
			}
		})
	}
	for _, bad := range []string{"", "{", `{"version":"1","actors":[],"extra":1}`} {
		if _, err := Parse([]byte(bad)); !errs.Is(err, errs.Invalid) {
			t.Errorf("Parse(%q) = %v, want an Invalid error", bad, err)
		}
	}
}

func TestFoldString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Armée", "armee"},
		{"ÉTAT", "etat"},
		{"Burkinabè", "burkinabe"},
		{"Œuvre", "oeuvre"},
		{"Ségou", "segou"},
		{"Koglwéogo", "koglweogo"},
		{"e\u0301lite", "elite"}, // decomposed accent
	}
	for _, tt := range tests {
		if got := foldString(tt.in); got != tt.want {
			t.Errorf("foldString(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !utf8.ValidString(foldString(tt.in)) {
			t.Errorf("foldString(%q) is not valid UTF-8", tt.in)
		}
	}
}

func TestUnidentified(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for iso, want := range map[string]string{"MLI": "Unidentified Armed Group (Mali)", "ner": "Unidentified Armed Group (Niger)"} {
		a, ok := d.Unidentified(iso)
		if !ok || a.Name != want {
			t.Errorf("Unidentified(%q) = %q, %v; want %q", iso, a.Name, ok, want)
		}
	}
	if _, ok := d.Unidentified("XXX"); ok {
		t.Error("Unidentified(XXX) found an actor")
	}
}
