package phrase

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
)

func TestFind(t *testing.T) {
	set := MustCompile([]Entry{
		{Key: "looting", Weight: 3, Pattern: "setting homes ablaze"},
		{Key: "looting", Weight: 3, Pattern: "ablaze"},
		{Key: "looting", Weight: 3, Pattern: "incendi*"},
		{Key: "arrest", Weight: 3, Pattern: "interpell*"},
		{Key: "protest", Weight: 3, Pattern: "interpell*"},
		{Key: "src", Weight: 1, Pattern: "=NAN"},
		{Key: "src", Weight: 1, Pattern: "l armee"},
		{Key: "flee", Weight: 1, Pattern: "pris la fuite"},
	})
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Troops stormed, setting homes ablaze.", []string{"looting=setting homes ablaze"}},
		{"Des maisons INCENDIÉES à Ségou.", []string{"looting=INCENDIÉES"}},
		{"Ils ont été interpellés.", []string{"arrest=interpellés", "protest=interpellés"}},
		{"He told NAN; a nan bread.", []string{"src=NAN"}},
		{"L’armée a pris  la\nfuite", []string{"src=L’armée", "flee=pris  la\nfuite"}},
		{"incendiary? no: unincendie", []string{"looting=incendiary"}},
		{"", nil},
	} {
		var got []string
		for _, h := range set.FindString(tc.text) {
			got = append(got, h.Key+"="+tc.text[h.Span.Start:h.Span.End])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Find(%q)\n got %q\nwant %q", tc.text, got, tc.want)
		}
	}
}

func TestIndependent(t *testing.T) {
	entries := []Entry{{Key: "confirmed", Pattern: "ministry said"}, {Key: "source", Pattern: "ministry"}, {Key: "source", Pattern: "minist*"}}
	text := "Later the ministry said so."
	keys := func(s *Set) (out []string) {
		for _, h := range s.FindString(text) {
			out = append(out, h.Key+"="+text[h.Span.Start:h.Span.End])
		}
		return out
	}
	if got := strings.Join(keys(MustCompile(entries)), "|"); got != "confirmed=ministry said" {
		t.Errorf("competing keys: %q", got)
	}
	ind, err := CompileIndependent(entries)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys(ind), "|"); got != "confirmed=ministry said|source=ministry" {
		t.Errorf("independent keys: %q", got)
	}
}

func TestCompileErrors(t *testing.T) {
	if _, err := Compile([]Entry{{Key: "x", Pattern: " -- "}}); err == nil || !strings.Contains(err.Error(), "no word") {
		t.Fatalf("empty pattern: %v", err)
	}
}

func FuzzFind(f *testing.F) {
	set := MustCompile(append(Words("a", "set* fire to", "=FAMa", "l armee", "œuvre"), Words("b", "fire")...))
	f.Add("They set fire to the œuvre of l'Armée; FAMa.")
	f.Add("ŒŒ ﬁre \xff set")
	f.Fuzz(func(t *testing.T, text string) {
		for _, h := range set.FindString(text) {
			if h.Span.Start < 0 || h.Span.End > len(text) || h.Span.Start >= h.Span.End {
				t.Fatalf("bad span %v in %q", h.Span, text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[h.Span.Start:h.Span.End]) {
				t.Fatalf("span %v splits a rune in %q", h.Span, text)
			}
		}
	})
}

func BenchmarkFind(b *testing.B) {
	var entries []Entry
	for _, w := range strings.Fields("attack* killed burn* incendi* fled displaced arrest* protest* clash* drone* abduct* enlev* loot* pill* raid* mortar* ied explosion") {
		entries = append(entries, Entry{Key: w, Pattern: w}, Entry{Key: w, Pattern: w + " the village"})
	}
	set := MustCompile(entries)
	text := strings.Repeat("According to witnesses, soldiers stormed the village on Tuesday, setting homes ablaze. "+
		"Les assaillants ont incendié des maisons et enlevé une vingtaine de personnes. ", 24)
	d := Prepare(text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		set.Find(d)
	}
}

func TestSub(t *testing.T) {
	set := MustCompile(Words("x", "burned", "incendi*"))
	text := "First sentence burned. Deuxième phrase : incendiée ! Third."
	d := Prepare(text)
	for _, tc := range []struct {
		sp   model.Span
		want []string
	}{
		{model.Span{Start: 0, End: 22}, []string{"burned"}},
		{model.Span{Start: 23, End: strings.Index(text, "!") + 1}, []string{"incendiée"}},
		{model.Span{Start: strings.Index(text, "Third"), End: len(text)}, nil},
	} {
		sub := d.Sub(tc.sp)
		var got []string
		for _, h := range set.Find(sub) {
			got = append(got, text[h.Span.Start:h.Span.End])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Sub(%v): %q, want %q", tc.sp, got, tc.want)
		}
		whole := Prepare(text[tc.sp.Start:tc.sp.End])
		if strings.Join(sub.Words(), " ") != strings.Join(whole.Words(), " ") {
			t.Errorf("Sub(%v) words %q, a fresh Prepare gives %q", tc.sp, sub.Words(), whole.Words())
		}
	}
}
