package dates

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// anchor is Wednesday 19 March 2025.
var anchor = time.Date(2025, 3, 19, 10, 30, 0, 0, time.UTC)

type want struct {
	text     string
	date     string // YYYY-MM-DD
	prec     int
	end      string // "" when not a range
	inferred bool
	relative bool
}

func (w want) String() string {
	return fmt.Sprintf("%q %s p%d end=%s inf=%v rel=%v", w.text, w.date, w.prec, w.end, w.inferred, w.relative)
}

func got(m Mention) want {
	w := want{text: m.Text, date: m.Date.Format("2006-01-02"), prec: m.Precision, inferred: m.YearInferred, relative: m.Relative}
	if !m.End.IsZero() {
		w.end = m.End.Format("2006-01-02")
	}
	return w
}

func TestFind(t *testing.T) {
	tests := []struct {
		in, lang string
		anchor   time.Time
		want     []want
	}{
		// English, absolute.
		{"The raid took place on March 13, according to residents.", "en", anchor,
			[]want{{"on March 13", "2025-03-13", 1, "", true, false}}},
		{"Troops arrived on March 13, 2024 at dawn.", "en", anchor,
			[]want{{"on March 13, 2024", "2024-03-13", 1, "", false, false}}},
		{"The attack of 13 March left the town empty.", "en", anchor,
			[]want{{"13 March", "2025-03-13", 1, "", true, false}}},
		{"It happened on the 13th of March.", "en", anchor,
			[]want{{"on the 13th of March", "2025-03-13", 1, "", true, false}}},
		{"Gunmen struck on Wednesday, March 12.", "en", anchor,
			[]want{{"on Wednesday, March 12", "2025-03-12", 1, "", true, false}}},
		{"Fighting resumed on December 28.", "en", anchor,
			[]want{{"on December 28", "2024-12-28", 1, "", true, false}}},
		{"Villagers fled on March 20.", "en", anchor, // within the two-day grace
			[]want{{"on March 20", "2025-03-20", 1, "", true, false}}},
		{"Villagers fled on March 25.", "en", anchor,
			[]want{{"on March 25", "2024-03-25", 1, "", true, false}}},
		// English, relative.
		{"Soldiers entered the village on Tuesday.", "en", anchor,
			[]want{{"on Tuesday", "2025-03-18", 1, "", false, true}}},
		{"Soldiers entered the village last Wednesday.", "en", anchor,
			[]want{{"last Wednesday", "2025-03-12", 1, "", false, true}}},
		{"The shooting started Sunday night near the market.", "en", anchor,
			[]want{{"Sunday night", "2025-03-16", 1, "", false, true}}},
		{"Two shepherds were abducted yesterday.", "en", anchor,
			[]want{{"yesterday", "2025-03-18", 1, "", false, true}}},
		{"It began the day before yesterday and ended this morning.", "en", anchor,
			[]want{{"the day before yesterday", "2025-03-17", 1, "", false, true}, {"this morning", "2025-03-19", 1, "", false, true}}},
		{"Attacks rose earlier this week.", "en", anchor,
			[]want{{"earlier this week", "2025-03-17", 2, "2025-03-19", false, true}}},
		{"Attacks rose last week.", "en", anchor,
			[]want{{"last week", "2025-03-10", 2, "2025-03-16", false, true}}},
		{"Several were killed over the weekend.", "en", anchor,
			[]want{{"over the weekend", "2025-03-15", 2, "2025-03-16", false, true}}},
		// English, months and ranges.
		{"The operation began in March.", "en", anchor,
			[]want{{"in March", "2025-03-01", 3, "2025-03-31", true, false}}},
		{"Raids continued in early March and in late February.", "en", anchor,
			[]want{{"in early March", "2025-03-01", 3, "2025-03-10", true, false}, {"in late February", "2025-02-21", 3, "2025-02-28", true, false}}},
		{"By mid-March the camp was full.", "en", anchor,
			[]want{{"mid-March", "2025-03-11", 3, "2025-03-20", true, false}}},
		{"Fighting in May 2023 displaced thousands.", "en", anchor,
			[]want{{"in May 2023", "2023-05-01", 3, "2023-05-31", false, false}}},
		{"Clashes took place between 10 and 12 March.", "en", anchor,
			[]want{{"between 10 and 12 March", "2025-03-10", 2, "2025-03-12", true, false}}},
		{"Clashes took place March 10-12 in Gao.", "en", anchor,
			[]want{{"March 10-12", "2025-03-10", 2, "2025-03-12", true, false}}},
		{"The siege lasted from 28 February to 2 March 2025.", "en", anchor,
			[]want{{"from 28 February to 2 March 2025", "2025-02-28", 2, "2025-03-02", false, false}}},
		{"Fighting broke out on the night of March 12 to 13.", "en", anchor,
			[]want{{"on the night of March 12 to 13", "2025-03-12", 1, "", true, false}}},
		{"Raiders came in the night of Saturday to Sunday.", "en", anchor,
			[]want{{"in the night of Saturday to Sunday", "2025-03-15", 1, "", false, true}}},
		{"Tuesday's attack was followed by clashes on Monday 17 March.", "en", anchor,
			[]want{{"Tuesday", "2025-03-18", 1, "", false, true}, {"on Monday 17 March", "2025-03-17", 1, "", true, false}}},
		{"Since March 13 nobody has returned.", "en", anchor,
			[]want{{"March 13", "2025-03-13", 1, "", true, false}}},
		{"Troops arrived in the early hours of the morning.", "en", anchor, nil},
		{"It was quiet in late 2024 and early last year.", "en", anchor, nil},
		// Numeric.
		{"Report dated 2025-03-13 and 14/03/2025, 15.03.2025, 16-03-2025.", "", anchor,
			[]want{{"2025-03-13", "2025-03-13", 1, "", false, false}, {"14/03/2025", "2025-03-14", 1, "", false, false},
				{"15.03.2025", "2025-03-15", 1, "", false, false}, {"16-03-2025", "2025-03-16", 1, "", false, false}}},
		{"Not dates: 2025-13-01, 31/02/2025, 1/2/3/2025, 12.5, 13/03-2025.", "", anchor, nil},
		// French.
		{"L'attaque a eu lieu le 13 mars.", "fr", anchor,
			[]want{{"le 13 mars", "2025-03-13", 1, "", true, false}}},
		{"Les faits remontent au 13 mars 2025.", "fr", anchor,
			[]want{{"13 mars 2025", "2025-03-13", 1, "", false, false}}},
		{"Le mercredi 12 mars, des hommes armés sont arrivés.", "fr", anchor,
			[]want{{"Le mercredi 12 mars", "2025-03-12", 1, "", true, false}}},
		{"Le 1er mars, l'armée est entrée à Gao.", "fr", anchor,
			[]want{{"Le 1er mars", "2025-03-01", 1, "", true, false}}},
		{"Des soldats sont arrivés mardi dernier.", "fr", anchor,
			[]want{{"mardi dernier", "2025-03-18", 1, "", false, true}}},
		{"Des soldats sont arrivés mardi au village.", "fr", anchor,
			[]want{{"mardi", "2025-03-18", 1, "", false, true}}},
		{"Hier, deux bergers ont été enlevés ; avant-hier, un autre.", "fr", anchor,
			[]want{{"Hier", "2025-03-18", 1, "", false, true}, {"avant-hier", "2025-03-17", 1, "", false, true}}},
		{"Ils sont partis ce matin.", "fr", anchor,
			[]want{{"ce matin", "2025-03-19", 1, "", false, true}}},
		{"L'attaque a eu lieu dans la nuit de samedi à dimanche.", "fr", anchor,
			[]want{{"dans la nuit de samedi à dimanche", "2025-03-15", 1, "", false, true}}},
		{"Tout s'est passé dans la nuit du 12 au 13 mars.", "fr", anchor,
			[]want{{"dans la nuit du 12 au 13 mars", "2025-03-12", 1, "", true, false}}},
		{"Plusieurs attaques cette semaine et la semaine dernière.", "fr", anchor,
			[]want{{"cette semaine", "2025-03-17", 2, "2025-03-19", false, true}, {"la semaine dernière", "2025-03-10", 2, "2025-03-16", false, true}}},
		{"Les combats ont repris en mars.", "fr", anchor,
			[]want{{"en mars", "2025-03-01", 3, "2025-03-31", true, false}}},
		{"Les combats ont repris début mars, puis mi-mars et fin février.", "fr", anchor,
			[]want{{"début mars", "2025-03-01", 3, "2025-03-10", true, false}, {"mi-mars", "2025-03-11", 3, "2025-03-20", true, false}, {"fin février", "2025-02-21", 3, "2025-02-28", true, false}}},
		{"Les affrontements ont eu lieu du 10 au 12 mars.", "fr", anchor,
			[]want{{"du 10 au 12 mars", "2025-03-10", 2, "2025-03-12", true, false}}},
		{"Les faits se sont produits le 10 mars dernier, en mars 2024 aussi.", "fr", anchor,
			[]want{{"le 10 mars", "2025-03-10", 1, "", true, false}, {"en mars 2024", "2024-03-01", 3, "2024-03-31", false, false}}},
		{"Hier soir, puis dimanche soir et à la mi-février.", "fr", anchor,
			[]want{{"Hier soir", "2025-03-18", 1, "", false, true}, {"dimanche soir", "2025-03-16", 1, "", false, true}, {"à la mi-février", "2025-02-11", 3, "2025-02-20", true, false}}},
		{"Le siège a duré du 1er au 20 février 2024.", "fr", anchor,
			[]want{{"du 1er au 20 février 2024", "2024-02-01", 3, "2024-02-20", false, false}}},
		// No anchor: relative dates dropped, years of bare dates from now.
		{"On Tuesday, and on March 13, soldiers came.", "en", time.Time{},
			[]want{{"on March 13", "2025-03-13", 1, "", true, false}}},
		// False positives.
		{"They march to the capital and may return.", "en", anchor, nil},
		{"May God protect us. March on, they said.", "en", anchor, nil},
		{"La mission vers Mars est prévue. Le mardi gras est annulé.", "fr", anchor, nil},
		{"In 2022 the French forces left; 300 people stayed.", "en", anchor, nil},
		{"They were held for 13 days and freed 30 kilometers away.", "en", anchor, nil},
	}
	now = func() time.Time { return anchor }
	defer func() { now = time.Now }()
	for _, tt := range tests {
		ms := Find(tt.in, tt.lang, tt.anchor)
		var g []string
		for _, m := range ms {
			if tt.in[m.Span.Start:m.Span.End] != m.Text {
				t.Errorf("Find(%q): span %v is %q, Text %q", tt.in, m.Span, tt.in[m.Span.Start:m.Span.End], m.Text)
			}
			g = append(g, got(m).String())
		}
		var w []string
		for _, x := range tt.want {
			w = append(w, x.String())
		}
		if strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Errorf("Find(%q)\n got %s\nwant %s", tt.in, strings.Join(g, "\n     "), strings.Join(w, "\n     "))
		}
	}
}

func TestFindLangFilter(t *testing.T) {
	// In English text "mars" is not a month.
	if ms := Find("Rovers on mars 13 times", "en", anchor); len(ms) != 0 {
		t.Errorf("Find(en) found %v", ms)
	}
	if ms := Find("le 13 mars", "en", anchor); len(ms) != 0 {
		t.Errorf("Find(en) found %v in French", ms)
	}
	if ms := Find("le 13 mars", "", anchor); len(ms) != 1 {
		t.Errorf("Find(\"\") found %d mentions, want 1", len(ms))
	}
}

func TestWeekdayPicksYear(t *testing.T) {
	// 12 March was a Tuesday in 2024 and a Wednesday in 2025.
	ms := Find("le mardi 12 mars", "fr", anchor)
	if len(ms) != 1 || ms[0].Date.Year() != 2024 {
		t.Fatalf("Find = %+v, want 12 March 2024", ms)
	}
}

func TestParseMetaDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339, "" when not a date
	}{
		{"2025-03-16T08:15:00Z", "2025-03-16T08:15:00Z"},
		{"2025-03-16T08:15:00+01:00", "2025-03-16T08:15:00+01:00"},
		{"2025-03-16T08:15:00.123Z", "2025-03-16T08:15:00.123Z"},
		{"2025-03-16", "2025-03-16T00:00:00Z"},
		{" 2025/03/16 ", "2025-03-16T00:00:00Z"},
		{"Sun, 16 Mar 2025 08:15:00 +0000", "2025-03-16T08:15:00Z"},
		{"Sun, 16 Mar 2025 08:15:00 GMT", "2025-03-16T08:15:00Z"},
		{"March 16, 2025", "2025-03-16T00:00:00Z"},
		{"16 March 2025", "2025-03-16T00:00:00Z"},
		{"16 mars 2025", "2025-03-16T00:00:00Z"},
		{"dimanche 16 mars 2025 à 10h30", "2025-03-16T00:00:00Z"},
		{"16/03/2025", "2025-03-16T00:00:00Z"},
		{"16 mars", ""},
		{"yesterday", ""},
		{"", ""},
		{"2025-13-45", ""},
	}
	for _, tt := range tests {
		tm, ok := ParseMetaDate(tt.in)
		g := ""
		if ok {
			g = tm.Format(time.RFC3339Nano)
		}
		if g != tt.want {
			t.Errorf("ParseMetaDate(%q) = %q, want %q", tt.in, g, tt.want)
		}
	}
}

func checkMentions(t *testing.T, s string, ms []Mention) {
	t.Helper()
	for _, m := range ms {
		sp := m.Span
		if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End {
			t.Fatalf("span %v out of bounds of %q", sp, s)
		}
		if !onBoundary(s, sp.Start) || !onBoundary(s, sp.End) {
			t.Fatalf("span %v not on rune boundaries of %q", sp, s)
		}
		if s[sp.Start:sp.End] != m.Text {
			t.Fatalf("span %v text %q != %q", sp, s[sp.Start:sp.End], m.Text)
		}
		if m.Precision < 1 || m.Precision > 3 {
			t.Fatalf("precision %d", m.Precision)
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"on March 13, 2025", "du 10 au 12 mars", "dans la nuit de samedi à dimanche",
		"2025-03-13 13/03/2025", "le mercredi 12 mars", "mid-March", "29 February", "between 31 and 2 March"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMentions(t, s, Find(s, "", anchor))
		checkMentions(t, s, Find(s, "fr", time.Time{}))
	})
}

func FuzzParseMetaDate(f *testing.F) {
	for _, s := range []string{"2025-03-16T08:15:00Z", "16 mars 2025", "Sun, 16 Mar 2025 08:15:00 +0000", "16/03/2025"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseMetaDate(s)
	})
}

var benchText = strings.Repeat(`Gunmen on motorcycles attacked the village on Tuesday, killing at least 12 civilians, local officials said on March 19, 2025. The raid, which took place on March 13, followed clashes between 10 and 12 March and earlier this week.
Des hommes armés ont attaqué le village mardi dernier, tuant au moins douze civils. Selon le maire, l'attaque a eu lieu dans la nuit de samedi à dimanche, après des combats du 10 au 12 mars et début mars. Les habitants ont fui hier vers Mopti.
`, 8)

func BenchmarkFind(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Find(benchText, "", anchor)
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
