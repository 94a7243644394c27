package nlp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string // token texts
		kind map[string]Kind
	}{
		{"L'armée est arrivée.", []string{"L'", "armée", "est", "arrivée", "."}, nil},
		{"l’attaque d’hier", []string{"l’", "attaque", "d’", "hier"}, nil},
		{"aujourd'hui et avant-hier", []string{"aujourd'hui", "et", "avant-hier"}, nil},
		{"a Ségou-based group", []string{"a", "Ségou-based", "group"}, nil},
		{"qu'il jusqu'à Gao", []string{"qu'", "il", "jusqu'", "à", "Gao"}, nil},
		{"Mali's army didn't", []string{"Mali", "'s", "army", "didn't"}, nil},
		{"1,200 people, 1 200 personnes, 12.5 km", []string{"1,200", "people", ",", "1 200", "personnes", ",", "12.5", "km"},
			map[string]Kind{"1,200": Number, "1 200": Number, "12.5": Number, "people": Word, ",": Punct}},
		{"1\u00a0200 déplacés", []string{"1\u00a0200", "déplacés"}, map[string]Kind{"1\u00a0200": Number}},
		{"in 2024 300 died", []string{"in", "2024", "300", "died"}, nil},
		{"March 13 2025", []string{"March", "13", "2025"}, nil},
		{"the 13th, le 1er, 10h30", []string{"the", "13th", ",", "le", "1er", ",", "10h30"},
			map[string]Kind{"13th": Number, "1er": Number, "10h30": Word}},
		{"« Non », “yes” — fin", []string{"«", "Non", "»", ",", "“", "yes", "”", "—", "fin"},
			map[string]Kind{"«": Punct, "“": Punct, "—": Punct}},
		{"vingt-trois quatre-vingt-dix COVID-19", []string{"vingt-trois", "quatre-vingt-dix", "COVID-19"}, nil},
		{"", nil, nil},
	}
	for _, tt := range tests {
		toks := Tokenize(tt.in)
		var got []string
		for _, tk := range toks {
			if tt.in[tk.Start:tk.End] != tk.Text {
				t.Errorf("Tokenize(%q): token %q has span [%d,%d) = %q", tt.in, tk.Text, tk.Start, tk.End, tt.in[tk.Start:tk.End])
			}
			got = append(got, tk.Text)
			if k, ok := tt.kind[tk.Text]; ok && k != tk.Kind {
				t.Errorf("Tokenize(%q): %q kind %v, want %v", tt.in, tk.Text, tk.Kind, k)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Gunmen attacked the village. Twelve people died.", []string{"Gunmen attacked the village.", "Twelve people died."}},
		{"Mr. Keita and Dr. Ba met Gen. Coulibaly. They talked.", []string{"Mr. Keita and Dr. Ba met Gen. Coulibaly.", "They talked."}},
		{"Lt. Col. Maïga and Capt. Sow spoke to Sgt. Diarra near St. Louis.", []string{"Lt. Col. Maïga and Capt. Sow spoke to Sgt. Diarra near St. Louis."}},
		{"M. Traoré et Mme. Cissé sont partis. Ils sont revenus.", []string{"M. Traoré et Mme. Cissé sont partis.", "Ils sont revenus."}},
		{"The U.N. Security Council met. It said nothing.", []string{"The U.N. Security Council met.", "It said nothing."}},
		{"Aid came from the U.N. The army refused it.", []string{"Aid came from the U.N.", "The army refused it."}},
		{"Turnout was 12.5 percent. Few voted.", []string{"Turnout was 12.5 percent.", "Few voted."}},
		{"See No. 5 and pick e.g. Gao or Mopti. Then go.", []string{"See No. 5 and pick e.g. Gao or Mopti.", "Then go."}},
		{"It happened on Jan. 5 near Gao. Nobody came.", []string{"It happened on Jan. 5 near Gao.", "Nobody came."}},
		{"Books by J. R. Tolkien sold. Really.", []string{"Books by J. R. Tolkien sold.", "Really."}},
		{"Chiefs, elders, etc. were there. Troops etc. The end.", []string{"Chiefs, elders, etc. were there.", "Troops etc.", "The end."}},
		{"“We fled.” Then the soldiers came.", []string{"“We fled.”", "Then the soldiers came."}},
		{"Il a dit : « C'est fini. » Puis il est parti.", []string{"Il a dit : « C'est fini. »", "Puis il est parti."}},
		{"Why? Because! Then nothing...", []string{"Why?", "Because!", "Then nothing..."}},
		{"Pourquoi ? Personne ne sait.", []string{"Pourquoi ?", "Personne ne sait."}},
		{"Violence in Central Mali\nBy: A Reporter\nSoldiers came at dawn. They left.",
			[]string{"Violence in Central Mali", "By: A Reporter", "Soldiers came at dawn.", "They left."}},
		{"First paragraph without stop\n\nSecond one.", []string{"First paragraph without stop", "Second one."}},
		{"He said the approx. figure was low.", []string{"He said the approx. figure was low."}},
		{"  ", nil},
		{"Dernière ligne sans point", []string{"Dernière ligne sans point"}},
	}
	for _, tt := range tests {
		var got []string
		for _, sp := range Sentences(tt.in) {
			got = append(got, tt.in[sp.Start:sp.End])
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestSentencesHardWrapped(t *testing.T) {
	in := "Soldiers entered the village of Diafarabé early on Sunday and\n" +
		"rounded up the men who had stayed behind after the market had\n" +
		"closed. Witnesses said that several of them were taken away in\n" +
		"trucks towards the military camp at the edge of the town while\n" +
		"others managed to hide.\n\nA Short Heading\nThe next paragraph starts here."
	want := []string{
		"Soldiers entered the village of Diafarabé early on Sunday and\nrounded up the men who had stayed behind after the market had\nclosed.",
		"Witnesses said that several of them were taken away in\ntrucks towards the military camp at the edge of the town while\nothers managed to hide.",
		"A Short Heading",
		"The next paragraph starts here.",
	}
	var got []string
	for _, sp := range Sentences(in) {
		got = append(got, in[sp.Start:sp.End])
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Sentences(wrapped)\n got %q\nwant %q", got, want)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ségou", "segou"},
		{"L’ARMÉE", "l'armee"},
		{"garçon cœur Æsir Straße", "garcon coeur aesir strasse"},
		{"Ségou-based", "segou based"},
		{"a — b  –  c", "a b c"},
		{"e\u0301te\u0301", "ete"},
		{"already plain", "already plain"},
		{"Tab\tand\nnewline", "tab and newline"},
		{"Kɛnɛdugu", "kenedugu"},
		{"Ça", "ca"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := FoldMap(tt.in).Text; got != tt.want {
			t.Errorf("FoldMap(%q).Text = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldMapBack(t *testing.T) {
	tests := []struct {
		in, find, want string // want: the original words a match of find covers
	}{
		{"Attaque à Ségou-Koura hier", "segou koura", "Ségou-Koura"},
		{"L’armée  malienne", "armee malienne", "armée  malienne"},
		{"Le cœur de Nampala", "coeur", "cœur"},
		{"De\u0301ge\u0301 village", "dege", "De\u0301ge\u0301"},
		{"ÉTAT-MAJOR", "etat major", "ÉTAT-MAJOR"},
		{"village de Boulkessi", "boulkessi", "Boulkessi"},
		{"Straße", "strasse", "Straße"},
	}
	for _, tt := range tests {
		f := FoldMap(tt.in)
		if len(f.Map) != len(f.Text)+1 {
			t.Fatalf("FoldMap(%q): len(Map) = %d, len(Text) = %d", tt.in, len(f.Map), len(f.Text))
		}
		a := strings.Index(f.Text, tt.find)
		if a < 0 {
			t.Fatalf("FoldMap(%q).Text = %q has no %q", tt.in, f.Text, tt.find)
		}
		b := a + len(tt.find)
		if got := tt.in[f.Map[a]:f.Map[b]]; got != tt.want {
			t.Errorf("FoldMap(%q): match %q maps back to %q, want %q", tt.in, tt.find, got, tt.want)
		}
	}
}

func TestFoldMapMonotonic(t *testing.T) {
	for _, s := range []string{"Ségou—Œuvre  d’art e\u0301", "abc", "", "\xff\xfe bad", "  lead"} {
		f := FoldMap(s)
		if len(f.Map) != len(f.Text)+1 || f.Map[len(f.Text)] != len(s) {
			t.Fatalf("FoldMap(%q): bad map end", s)
		}
		for i := 1; i < len(f.Map); i++ {
			if f.Map[i] < f.Map[i-1] {
				t.Errorf("FoldMap(%q): Map not monotonic at %d", s, i)
			}
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Soldiers killed twelve civilians in the village on Tuesday, according to local sources.", "en"},
		{"Des soldats ont tué douze civils dans le village mardi, selon des sources locales.", "fr"},
		{"The attack on the market in Ségou left many people without homes.", "en"},
		{"L'attaque du marché de Ségou a laissé de nombreuses personnes sans abri.", "fr"},
		{"Residents said that the gunmen had fled before the army arrived.", "en"},
		{"Les habitants affirment que les assaillants ont fui avant l'arrivée de l'armée.", "fr"},
		{"Gunmen attacked a convoy near Djibo.", "en"},
		{"Des hommes armés ont attaqué un convoi près de Djibo.", "fr"},
		{"Residents of Ségou said the gendarmerie had left Diafarabé before the attack.", "en"},
		{"Burkina Faso: army says it killed terrorists", "en"},
		{"Attaque meurtrière au centre du Mali", "fr"},
		{"Bamako Gao Mopti Ségou", ""},
		{"Bamako", ""},
		{"", ""},
		{"12 34 56", ""},
	}
	for _, tt := range tests {
		got, conf := DetectLanguage(tt.in)
		if got != tt.want {
			t.Errorf("DetectLanguage(%q) = %q (%.2f), want %q", tt.in, got, conf, tt.want)
		}
		if got != "" && (conf < 0.5 || conf > 1) {
			t.Errorf("DetectLanguage(%q) confidence %.2f out of [0.5,1]", tt.in, conf)
		}
	}
}

func TestRuneIndex(t *testing.T) {
	for _, s := range []string{"", "plain ascii", "Ségou — Mopti « ok » 😀 fin", "\xff\xfeé"} {
		ri := NewRuneIndex(s)
		for i := 0; i <= len(s); i++ {
			if i < len(s) && !utf8.RuneStart(s[i]) {
				continue
			}
			if got, want := ri.Rune(i), utf8.RuneCountInString(s[:i]); got != want {
				t.Errorf("Rune(%q, %d) = %d, want %d", s, i, got, want)
			}
		}
		if got, want := ri.Rune(len(s)+10), utf8.RuneCountInString(s); got != want {
			t.Errorf("Rune(%q, past end) = %d, want %d", s, got, want)
		}
		if ri.Rune(-3) != 0 {
			t.Errorf("Rune(%q, -3) != 0", s)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"L'armée a tué 1 200 civils.", "Mali's 13th", "«»", "1,2,3 4 567 890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, tk := range Tokenize(s) {
			if tk.Start < prev || tk.End <= tk.Start || tk.End > len(s) || s[tk.Start:tk.End] != tk.Text {
				t.Fatalf("bad token %+v in %q", tk, s)
			}
			prev = tk.End
		}
		for _, sp := range Sentences(s) {
			if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End {
				t.Fatalf("bad sentence %+v in %q", sp, s)
			}
		}
		fm := FoldMap(s)
		if len(fm.Map) != len(fm.Text)+1 || fm.Text != Fold(s) {
			t.Fatalf("FoldMap/Fold disagree on %q", s)
		}
	})
}
