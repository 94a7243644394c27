package actors

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// hit is what a test expects of one mention: the matched text and actor.
// A trailing "~" on the id means the mention is weak.
type hit struct{ text, id string }

func hits(ms []Mention) []hit {
	out := make([]hit, len(ms))
	for i, m := range ms {
		id := m.ActorID
		if m.Weak {
			id += "~"
		}
		out[i] = hit{m.Text, id}
	}
	return out
}

func checkFind(t *testing.T, d *Dictionary, text string, want []hit) {
	t.Helper()
	ms := d.Find(text)
	if got := hits(ms); !slices.Equal(got, want) {
		t.Errorf("Find(%q)\n got %v\nwant %v", text, got, want)
	}
	checkInvariants(t, d, text, ms)
}

// checkInvariants holds for any text.
func checkInvariants(t *testing.T, d *Dictionary, text string, ms []Mention) {
	t.Helper()
	prevEnd := 0
	for _, m := range ms {
		s := m.Span
		if s.Start < prevEnd || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("bad span %+v after %d in %q", s, prevEnd, text)
		}
		prevEnd = s.End
		if m.Text != text[s.Start:s.End] {
			t.Fatalf("Text %q != text[span] %q", m.Text, text[s.Start:s.End])
		}
		// In valid UTF-8 a span never cuts a rune (a stray byte of invalid
		// input may follow a span).
		if utf8.ValidString(text) && (!utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End]))) {
			t.Fatalf("span %+v splits a rune in %q", s, text)
		}
		a, ok := d.Get(m.ActorID)
		if !ok || a.Name != m.Name || a.Type != m.Type || a.Generic != m.Generic {
			t.Fatalf("mention %+v does not match its actor", m)
		}
	}
}

func TestFindEnglish(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		text string
		want []hit
	}{
		// Phrasings of the kind found in the seed report.
		{"an operation by the Malian Armed Forces (FAMA) and their Russian allies",
			[]hit{{"Malian Armed Forces", "mli-military"}, {"FAMA", "mli-military"}, {"Russian allies", "wagner~"}}},
		{"backed by Russian paramilitary personnel linked to the Wagner Group",
			[]hit{{"Russian paramilitary personnel", "wagner"}, {"Wagner Group", "wagner"}}},
		{"locals blamed Wagner mercenaries and Malian forces",
			[]hit{{"locals", "generic-civilians"}, {"Wagner mercenaries", "wagner"}, {"Malian forces", "mli-military"}}},
		{"the soldiers accused herders of helping terrorist groups",
			[]hit{{"soldiers", "generic-military"}, {"herders", "generic-civilians"}, {"terrorist groups", "generic-jihadists"}}},
		{"Malian soldiers and Burkinabe troops crossed the border",
			[]hit{{"Malian soldiers", "mli-military"}, {"Burkinabe troops", "bfa-military"}}},
		{"JNIM fighters clashed with ISGS near Menaka",
			[]hit{{"JNIM", "jnim"}, {"ISGS", "is-sahel"}}},
		{"the Islamic State in the Greater Sahara claimed it; the Islamic State denied",
			[]hit{{"Islamic State in the Greater Sahara", "is-sahel"}, {"Islamic State", "generic-islamic-state"}}},
		{"ISWAP and Boko Haram raided Nigerian Army positions",
			[]hit{{"ISWAP", "iswap"}, {"Boko Haram", "boko-haram"}, {"Nigerian Army", "nga-military"}}},
		{"Dozo hunters and Dogon militiamen attacked Fulani villagers",
			[]hit{{"Dozo hunters", "dozo-mli"}, {"Dogon militiamen", "dan-na-ambassagou"}, {"villagers", "generic-civilians"}}},
		{"VDP auxiliaries and Koglweogo members",
			[]hit{{"VDP", "vdp"}, {"Koglweogo", "koglweogo"}}},
		{"unidentified gunmen on motorbikes killed displaced people",
			[]hit{{"unidentified gunmen", "generic-gunmen"}, {"displaced people", "generic-civilians"}}},
		{"MINUSMA peacekeepers and French forces of Operation Barkhane",
			[]hit{{"MINUSMA", "minusma"}, {"French forces", "fra-military"}, {"Operation Barkhane", "fra-military"}}},
		{"U.N. peacekeepers withdrew", []hit{{"U.N. peacekeepers", "generic-peacekeepers"}}},
		{"the FLA and the CSP-PSD", []hit{{"FLA", "fla"}, {"CSP-PSD", "csp-psd"}}},
		{"the Africa Corps replaced the Wagner Group", []hit{{"Africa Corps", "africa-corps"}, {"Wagner Group", "wagner"}}},
		{"the Nigerien junta and protesters in Niamey", []hit{{"Nigerien junta", "ner-government"}, {"protesters", "generic-protesters"}}},
		{"the army's drones", []hit{{"army", "generic-military"}}},
		{"pro-JNIM accounts", []hit{{"JNIM", "jnim"}}},
	}
	for _, tt := range tests {
		checkFind(t, d, tt.text, tt.want)
	}
}

func TestFindFrench(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		text string
		want []hit
	}{
		{"Les FAMa et leurs alliés russes ont incendié le village.",
			[]hit{{"FAMa", "mli-military"}, {"alliés russes", "wagner~"}}},
		{"des soldats maliens appuyés par des mercenaires russes du groupe Wagner",
			[]hit{{"soldats maliens", "mli-military"}, {"mercenaires russes", "wagner"}, {"groupe Wagner", "wagner"}}},
		{"l’armée malienne et les paramilitaires russes", // typographic apostrophe
			[]hit{{"armée malienne", "mli-military"}, {"paramilitaires russes", "wagner"}}},
		{"L'ARMÉE MALIENNE", []hit{{"ARMÉE MALIENNE", "mli-military"}}},
		{"Les Forces armées maliennes ont riposté", []hit{{"Forces armées maliennes", "mli-military"}}},
		{"les terroristes de l'EIGS ont tué des villageois",
			[]hit{{"terroristes", "generic-jihadists"}, {"EIGS", "is-sahel"}, {"villageois", "generic-civilians"}}},
		{"l'Etat islamique au Grand Sahara", []hit{{"Etat islamique au Grand Sahara", "is-sahel"}}},
		{"le Groupe de soutien à l'islam et aux musulmans (GSIM)",
			[]hit{{"Groupe de soutien à l'islam et aux musulmans", "jnim"}, {"GSIM", "jnim"}}},
		{"des hommes armés non identifiés ont enlevé des civils",
			[]hit{{"hommes armés non identifiés", "generic-gunmen"}, {"civils", "generic-civilians"}}},
		{"des individus armés", []hit{{"individus armés", "generic-gunmen"}}},
		{"les FDS et les VDP", []hit{{"FDS", "generic-military"}, {"VDP", "vdp"}}},
		{"les Volontaires pour la défense de la patrie", []hit{{"Volontaires pour la défense de la patrie", "vdp"}}},
		{"des chasseurs traditionnels dozos", []hit{{"chasseurs traditionnels", "dozo-mli"}, {"dozos", "dozo-mli"}}},
		{"le Front de libération de l'Azawad (FLA)", []hit{{"Front de libération de l'Azawad", "fla"}, {"FLA", "fla"}}},
		{"les forces françaises de Barkhane", []hit{{"forces françaises", "fra-military"}, {"Barkhane", "fra-military"}}},
		{"des militaires burkinabè", []hit{{"militaires burkinabè", "bfa-military"}}},
		{"des militaires ont été déployés", []hit{{"militaires", "generic-military~"}}},
		{"les habitants et les populations déplacées", []hit{{"habitants", "generic-civilians"}, {"populations", "generic-civilians"}}},
		{"la Garde nationale du Niger", []hit{{"Garde nationale du Niger", "ner-national-guard"}}},
		{"le Haut conseil pour l'unité de l'Azawad", []hit{{"Haut conseil pour l'unité de l'Azawad", "hcua"}}},
	}
	for _, tt := range tests {
		checkFind(t, d, tt.text, tt.want)
	}
}

func TestFindBoundaries(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		name, text string
		want       []hit
	}{
		{"no match inside a word", "FAMALE VDPX JNIMs", nil},
		{"acronym case", "Fama fama FaMa", nil},
		{"acronym case, lowercase jnim", "jnim", nil},
		{"demonym alone", "a Malian official said", nil},
		{"full stop breaks a phrase", "He was Malian. Soldiers came", []hit{{"Soldiers", "generic-military"}}},
		{"new line breaks a phrase", "Malian\nsoldiers", []hit{{"soldiers", "generic-military"}}},
		{"bracket breaks a phrase", "Malian (soldiers)", []hit{{"soldiers", "generic-military"}}},
		{"hyphen joins", "Islamic-State Sahel", []hit{{"Islamic-State Sahel", "is-sahel"}}},
		{"decomposed accent", "l'arme\u0301e malienne", []hit{{"arme\u0301e malienne", "mli-military"}}},
		{"plural acronym", "VDPs", []hit{{"VDPs", "vdp"}}},
		{"digits", "G5 Sahel", []hit{{"G5 Sahel", "g5-sahel"}}},
		{"longest match over prefix", "Malian Armed Forces", []hit{{"Malian Armed Forces", "mli-military"}}},
		{"longest falls back", "Malian Armed", nil},
		{"prefix then other", "Islamic State fighters", []hit{{"Islamic State", "generic-islamic-state"}}},
		{"head noun of a named actor", "JNIM militants and M23 rebels", []hit{{"JNIM", "jnim"}, {"rebels", "generic-rebels"}}},
		{"two actors", "gunmen killed villagers", []hit{{"gunmen", "generic-gunmen"}, {"villagers", "generic-civilians"}}},
		{"empty", "", nil},
		{"invalid UTF-8", "\xff\xfeFAMa\xff", []hit{{"FAMa", "mli-military"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkFind(t, d, tt.text, tt.want) })
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"the Malian Armed Forces (FAMA) and their Russian allies",
		"l’armée malienne et les FDS",
		"U.N. peacekeepers; JNIM, ISGS — EIGS.",
		"Etat islamique au Grand Sahara\n\nvillageois",
		"\xffFAMa\u0301",
		"",
	} {
		f.Add(s)
	}
	d, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ms := d.Find(text)
		checkInvariants(t, d, text, ms)
		for _, m := range ms {
			r := d.Resolve(m, "MLI", 2024)
			if r.Span != m.Span {
				t.Fatalf("Resolve moved the span")
			}
		}
		// A mention's own text finds the same actor again.
		for _, m := range ms {
			again := d.Find(m.Text)
			if len(again) != 1 || again[0].ActorID != m.ActorID || again[0].Text != m.Text {
				t.Fatalf("Find(%q) = %v, want %s alone", m.Text, again, m.ActorID)
			}
		}
	})
}

// benchText is about 4 KB of made-up reporting in English and French.
var benchText = func() string {
	parts := []string{
		"Residents of a village near Mopti said Malian soldiers and Russian mercenaries arrived at dawn on motorbikes.",
		"They accused the villagers of feeding jihadists and burned granaries before leaving towards the river.",
		"Des habitants affirment que les FAMa et leurs alliés russes ont arrêté une vingtaine de civils au marché.",
		"Selon un élu local, des hommes armés non identifiés ont ensuite enlevé deux commerçants sur la route.",
		"A spokesperson for JNIM claimed an ambush on a convoy of the Burkinabe army near Djibo the same week.",
		"Les Volontaires pour la défense de la patrie (VDP) ont repoussé une attaque de l'EIGS près de la frontière.",
		"Humanitarian workers reported that displaced people were sleeping in schools without food or water.",
		"The weekly market stayed closed and herders moved their cattle south, fearing new reprisals by the army.",
	}
	var b strings.Builder
	for i := 0; b.Len() < 4096; i++ {
		b.WriteString(parts[i%len(parts)])
		b.WriteByte(' ')
	}
	return b.String()[:4096]
}()

func BenchmarkFind(b *testing.B) {
	d, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = len(d.Find(benchText))
	}
	b.ReportMetric(float64(n), "mentions")
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleDictionary_Find() {
	d, err := Default()
	if err != nil {
		panic(err)
	}
	for _, m := range d.Find("Les FAMa et leurs alliés russes ont tué des villageois.") {
		r := d.Resolve(m, "MLI", 2023)
		fmt.Printf("%q [%d:%d] → %s (%s)\n", m.Text, m.Span.Start, m.Span.End, r.Name, r.Type)
	}
	// Output:
	// "FAMa" [4:8] → Military Forces of Mali (State forces)
	// "alliés russes" [18:32] → Wagner Group (External/Other forces)
	// "villageois" [46:56] → Civilians (Mali) (Civilians)
}
