package counts

import (
	"fmt"
	"strings"
	"testing"
)

func fmtInt(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func fmtQty(q Quantity) string {
	return fmt.Sprintf("%q best=%s low=%s high=%s vague=%v", q.Text, fmtInt(q.Best), fmtInt(q.Low), fmtInt(q.High), q.Vague)
}

func TestFindQuantities(t *testing.T) {
	tests := []struct {
		in, lang string
		want     []string
	}{
		{"Gunmen killed 12 people.", "en", []string{`"12" best=12 low=- high=- vague=false`}},
		{"About 1,200 and then 1 200 fled.", "", []string{`"About 1,200" best=1200 low=- high=- vague=false`, `"1 200" best=1200 low=- high=- vague=false`}},
		{"twelve, twenty-three and one hundred and fifty", "en", []string{
			`"twelve" best=12 low=- high=- vague=false`, `"twenty-three" best=23 low=- high=- vague=false`, `"one hundred and fifty" best=150 low=- high=- vague=false`}},
		{"douze, vingt-trois, quatre-vingt-dix, cent cinquante, vingt et un, deux cents, soixante-dix-sept", "fr", []string{
			`"douze" best=12 low=- high=- vague=false`, `"vingt-trois" best=23 low=- high=- vague=false`,
			`"quatre-vingt-dix" best=90 low=- high=- vague=false`, `"cent cinquante" best=150 low=- high=- vague=false`,
			`"vingt et un" best=21 low=- high=- vague=false`, `"deux cents" best=200 low=- high=- vague=false`,
			`"soixante-dix-sept" best=77 low=- high=- vague=false`}},
		{"at least 12 and au moins 12", "", []string{`"at least 12" best=12 low=12 high=- vague=false`, `"au moins 12" best=12 low=12 high=- vague=false`}},
		{"more than 20; plus de 20", "", []string{`"more than 20" best=20 low=20 high=- vague=false`, `"plus de 20" best=20 low=20 high=- vague=false`}},
		{"some 30 men and une trentaine de femmes", "", []string{`"some 30" best=30 low=- high=- vague=false`, `"une trentaine" best=30 low=- high=- vague=false`}},
		{"between 20 and 30 died, entre 20 et 30 morts, 20 to 30, 20-30", "", []string{
			`"between 20 and 30" best=20 low=20 high=30 vague=false`, `"entre 20 et 30" best=20 low=20 high=30 vague=false`,
			`"20 to 30" best=20 low=20 high=30 vague=false`, `"20-30" best=20 low=20 high=30 vague=false`}},
		{"nearly 40, up to fifty, jusqu'à 60", "", []string{`"nearly 40" best=40 low=- high=40 vague=false`, `"up to fifty" best=50 low=- high=50 vague=false`, `"jusqu'à 60" best=60 low=- high=60 vague=false`}},
		{"several, many, a number of, dozens, a dozen, scores, hundreds, thousands", "en", []string{
			`"several" best=10 low=- high=- vague=true`, `"many" best=10 low=- high=- vague=true`, `"a number of" best=10 low=- high=- vague=true`,
			`"dozens" best=12 low=- high=- vague=true`, `"a dozen" best=12 low=- high=- vague=true`, `"scores" best=20 low=- high=- vague=true`,
			`"hundreds" best=100 low=- high=- vague=true`, `"thousands" best=1000 low=- high=- vague=true`}},
		{"plusieurs blessés, de nombreux civils, des dizaines de morts, une douzaine, une dizaine, une centaine, des centaines, des milliers", "fr", []string{
			`"plusieurs" best=10 low=- high=- vague=true`, `"de nombreux" best=10 low=- high=- vague=true`, `"des dizaines" best=12 low=- high=- vague=true`,
			`"une douzaine" best=12 low=- high=- vague=true`, `"une dizaine" best=10 low=- high=- vague=true`, `"une centaine" best=100 low=- high=- vague=true`,
			`"des centaines" best=100 low=- high=- vague=true`, `"des milliers" best=1000 low=- high=- vague=true`}},
		{"the destruction of multiple villages", "en", []string{`"multiple villages" best=- low=- high=- vague=true`}},
		{"Un civil a été tué et une femme blessée.", "fr", []string{`"Un" best=1 low=- high=- vague=false`, `"une" best=1 low=- high=- vague=false`}},
		// Not counts.
		{"In 2022, on 13 March, at 10:30, March 13, the 13th, 12.5 percent, aged 12, $500, 20 pour cent", "", nil},
		{"Il est âgé de 12 ans.", "fr", nil},
		{"une maison, un véhicule", "fr", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, q := range FindQuantities(tt.in, tt.lang) {
			if tt.in[q.Span.Start:q.Span.End] != q.Text {
				t.Errorf("FindQuantities(%q): span %v is %q, Text %q", tt.in, q.Span, tt.in[q.Span.Start:q.Span.End], q.Text)
			}
			got = append(got, fmtQty(q))
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("FindQuantities(%q)\n got %s\nwant %s", tt.in, strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
		}
	}
}

type harmWant struct {
	kind Kind
	qty  string // Quantity.Text
	best string // "-" for nil
	span string // Harm.Span text
	neg  bool
}

func TestFindHarms(t *testing.T) {
	tests := []struct {
		in, lang string
		want     []harmWant
	}{
		{"Gunmen killed 12 people in Ouenkoro.", "en", []harmWant{{KindKilled, "12", "12", "killed 12 people", false}}},
		{"In Ouenkoro, 12 people were killed.", "en", []harmWant{{KindKilled, "12", "12", "12 people were killed", false}}},
		{"The raid left at least 12 dead.", "en", []harmWant{{KindKilled, "at least 12", "12", "at least 12 dead", false}}},
		{"The death toll rose to 20 on Friday.", "en", []harmWant{{KindKilled, "20", "20", "death toll rose to 20", false}}},
		{"The shooting left 7 civilians dead.", "en", []harmWant{{KindKilled, "7", "7", "7 civilians dead", false}}},
		{"Soldiers opened fire, killing two herders and wounding 4.", "en", []harmWant{
			{KindKilled, "two", "2", "killing two herders", false}, {KindInjured, "4", "4", "wounding 4", false}}},
		{"Militants kidnapped 20 women near the well.", "en", []harmWant{{KindAbducted, "20", "20", "kidnapped 20 women", false}}},
		{"It led to the displacement of hundreds of civilians.", "en", []harmWant{{KindDisplaced, "hundreds", "100", "displacement of hundreds of civilians", false}}},
		{"After the attack thousands fled towards Mopti.", "en", []harmWant{{KindDisplaced, "thousands", "1000", "thousands fled", false}}},
		{"Cinq passagers d'un minibus ont été tués près de Boni.", "fr", []harmWant{{KindKilled, "Cinq", "5", "Cinq passagers d'un minibus ont été tués", false}}},
		{"Twelve residents of the village were killed.", "en", []harmWant{{KindKilled, "Twelve", "12", "Twelve residents of the village were killed", false}}},
		{"L'armée dit avoir neutralisé une vingtaine de terroristes.", "fr", []harmWant{{KindKilled, "une vingtaine", "20", "neutralisé une vingtaine de terroristes", false}}},
		{"Deux éleveurs ont été lynchés par la foule.", "fr", []harmWant{{KindKilled, "Deux", "2", "Deux éleveurs ont été lynchés", false}}},
		{"Twelve residents and then the mayor was killed.", "en", nil},
		{"Des centaines d'habitants ont pris la fuite vers la brousse.", "fr", []harmWant{{KindDisplaced, "Des centaines", "100", "Des centaines d'habitants ont pris la fuite", false}}},
		{"Les cases ont été livrées aux flammes.", "fr", []harmWant{{KindStructures, "cases", "-", "cases ont été livrées aux flammes", false}}},
		{"They burned 40 homes and killed several villagers.", "en", []harmWant{
			{KindStructures, "40", "40", "burned 40 homes", false}, {KindKilled, "several", "10", "killed several villagers", false}}},
		{"The raid caused the destruction of multiple villages.", "en", []harmWant{{KindStructures, "multiple villages", "-", "destruction of multiple villages", false}}},
		{"Troops stormed the hamlet, setting homes ablaze.", "en", []harmWant{{KindStructures, "homes", "-", "setting homes ablaze", false}}},
		{"Between 20 and 30 people were killed.", "en", []harmWant{{KindKilled, "Between 20 and 30", "20", "Between 20 and 30 people were killed", false}}},
		{"No one was killed in the blast.", "en", []harmWant{{KindKilled, "No one", "0", "No one was killed", true}}},
		{"The army reported no casualties.", "en", []harmWant{{KindKilled, "no", "0", "no casualties", true}}},
		{"Nobody was hurt.", "en", []harmWant{{KindInjured, "Nobody", "0", "Nobody was hurt", true}}},
		{"Some 2,000 people were displaced by the fighting.", "en", []harmWant{{KindDisplaced, "Some 2,000", "2000", "Some 2,000 people were displaced", false}}},
		{"A soldier was killed.", "en", []harmWant{{KindKilled, "A", "1", "A soldier was killed", false}}},
		{"The attack killed 12 soldiers and three civilians.", "en", []harmWant{
			{KindKilled, "12", "12", "killed 12 soldiers", false}, {KindKilled, "three", "3", "killed 12 soldiers and three civilians", false}}},
		{"At least 30 villagers were killed and dozens more wounded.", "en", []harmWant{
			{KindKilled, "At least 30", "30", "At least 30 villagers were killed", false}, {KindInjured, "dozens", "12", "dozens more wounded", false}}},
		{"Rescuers said 12 people were found dead.", "en", []harmWant{{KindKilled, "12", "12", "12 people were found dead", false}}},
		{"The bodies of 12 people were recovered.", "en", []harmWant{{KindKilled, "12", "12", "bodies of 12 people", false}}},
		{"Over 50,000 people have been displaced since January.", "en", []harmWant{{KindDisplaced, "Over 50,000", "50000", "Over 50,000 people have been displaced", false}}},
		{"Jihadists torched dozens of homes.", "en", []harmWant{{KindStructures, "dozens of homes", "-", "torched dozens of homes", false}}},
		{"There were no immediate reports of casualties.", "en", []harmWant{{KindKilled, "no", "0", "no immediate reports of casualties", true}}},
		{"No civilians were killed, but 3 soldiers died.", "en", []harmWant{
			{KindKilled, "No", "0", "No civilians were killed", true}, {KindKilled, "3", "3", "3 soldiers died", false}}},
		{"Gunmen killed a 12-year-old boy.", "en", nil},
		// French.
		{"Aucun bilan n'a été communiqué.", "fr", nil},
		{"Près de 500 personnes ont fui vers Mopti.", "fr", []harmWant{{KindDisplaced, "Près de 500", "500", "Près de 500 personnes ont fui", false}}},
		{"On dénombre plus de 2 000 déplacés.", "fr", []harmWant{{KindDisplaced, "plus de 2 000", "2000", "plus de 2 000 déplacés", false}}},
		{"Les corps de 12 personnes ont été retrouvés.", "fr", []harmWant{{KindKilled, "12", "12", "corps de 12 personnes", false}}},
		{"Les assaillants ont incendié le village.", "fr", []harmWant{{KindStructures, "village", "-", "incendié le village", false}}},
		{"Ils ont tué 12 soldats et trois civils.", "fr", []harmWant{
			{KindKilled, "12", "12", "tué 12 soldats", false}, {KindKilled, "trois", "3", "tué 12 soldats et trois civils", false}}},
		{"Des maisons ont été brûlées.", "fr", []harmWant{{KindStructures, "maisons", "-", "maisons ont été brûlées", false}}},
		{"L'attaque a fait douze morts.", "fr", []harmWant{{KindKilled, "douze", "12", "douze morts", false}}},
		{"Au moins 12 personnes ont été tuées mardi.", "fr", []harmWant{{KindKilled, "Au moins 12", "12", "Au moins 12 personnes ont été tuées", false}}},
		{"Les assaillants ont tué 12 civils.", "fr", []harmWant{{KindKilled, "12", "12", "tué 12 civils", false}}},
		{"On compte aussi 3 blessés.", "fr", []harmWant{{KindInjured, "3", "3", "3 blessés", false}}},
		{"Ils ont enlevé une vingtaine de personnes.", "fr", []harmWant{{KindAbducted, "une vingtaine", "20", "enlevé une vingtaine de personnes", false}}},
		{"On recense des centaines de déplacés.", "fr", []harmWant{{KindDisplaced, "des centaines", "100", "des centaines de déplacés", false}}},
		{"Les hommes armés ont incendié des maisons.", "fr", []harmWant{{KindStructures, "maisons", "-", "incendié des maisons", false}}},
		{"Une trentaine de maisons ont été incendiées.", "fr", []harmWant{{KindStructures, "Une trentaine", "30", "Une trentaine de maisons ont été incendiées", false}}},
		{"L'explosion n'a fait aucune victime.", "fr", []harmWant{{KindKilled, "aucune", "0", "aucune victime", true}}},
		{"Ils sont repartis sans faire de victimes.", "fr", []harmWant{{KindKilled, "sans", "0", "sans faire de victimes", true}}},
		{"Personne n'a été tué.", "fr", []harmWant{{KindKilled, "Personne", "0", "Personne n'a été tué", true}}},
		{"Le bilan s'élève à 15 morts et 4 blessés.", "fr", []harmWant{
			{KindKilled, "15", "15", "15 morts", false}, {KindInjured, "4", "4", "4 blessés", false}}},
		{"Un soldat a été tué.", "fr", []harmWant{{KindKilled, "Un", "1", "Un soldat a été tué", false}}},
		// Not harms.
		{"The victim, aged 12, was killed near a town 30 kilometers away.", "en", nil},
		{"They killed 30 kilometers from the border.", "en", nil},
		{"Rebels destroyed 12 vehicles and killed in 2022.", "en", nil},
		{"He was killed on 13 March at 10:30.", "en", nil},
		{"Il a été tué le 13 mars, à 12 kilomètres de Gao.", "fr", nil},
		{"The killings rose 20 percent last year.", "en", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range FindHarms(tt.in, tt.lang) {
			got = append(got, fmt.Sprintf("%s %q best=%s span=%q neg=%v", h.Kind, h.Quantity.Text, fmtInt(h.Quantity.Best),
				tt.in[h.Span.Start:h.Span.End], h.Negated))
		}
		var want []string
		for _, w := range tt.want {
			want = append(want, fmt.Sprintf("%s %q best=%s span=%q neg=%v", w.kind, w.qty, w.best, w.span, w.neg))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("FindHarms(%q)\n got %s\nwant %s", tt.in, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
		}
	}
}

func FuzzFindQuantities(f *testing.F) {
	for _, s := range []string{"at least 12 people were killed", "entre 20 et 30 morts", "1 200 déplacés",
		"quatre-vingt-dix-neuf", "one hundred and", "des dizaines de milliers", "no one was killed", "setting homes ablaze"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(q Quantity) {
			sp := q.Span
			if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End || s[sp.Start:sp.End] != q.Text {
				t.Fatalf("bad quantity span %v %q in %q", sp, q.Text, s)
			}
			if !onBoundary(s, sp.Start) || !onBoundary(s, sp.End) {
				t.Fatalf("span %v not on rune boundaries of %q", sp, s)
			}
			if q.Best != nil && *q.Best < 0 {
				t.Fatalf("negative count %d in %q", *q.Best, s)
			}
		}
		for _, q := range FindQuantities(s, "") {
			check(q)
		}
		for _, h := range FindHarms(s, "") {
			check(h.Quantity)
			if h.Span.Start > h.Quantity.Span.Start || h.Span.End < h.Quantity.Span.End || h.Span.End > len(s) {
				t.Fatalf("harm span %v does not cover quantity %v in %q", h.Span, h.Quantity.Span, s)
			}
		}
	})
}

var benchText = strings.Repeat(`Gunmen on motorcycles attacked the village on Tuesday, killing at least 12 civilians and wounding 4 others, local officials said. The mayor said 1,200 residents had fled towards Bankass and that dozens of homes were burned. No one was arrested.
Des hommes armés ont attaqué le village mardi, tuant au moins douze civils. Selon le maire, une vingtaine de maisons ont été incendiées et des centaines d'habitants ont fui vers Mopti. L'armée affirme n'avoir subi aucune perte.
`, 8)

func BenchmarkFindHarms(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		FindHarms(benchText, "")
	}
}

func BenchmarkFindQuantities(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		FindQuantities(benchText, "")
	}
}

// onBoundary reports whether off is where a rune starts when s is decoded
// from its beginning (each invalid byte being a rune), or len(s).
func onBoundary(s string, off int) bool {
	for i := range s {
		if i == off {
			return true
		}
	}
	return off == len(s)
}
