package neardup

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
)

// The texts are the team's own.
const original = `Gunmen on motorbikes raided the village of Sofara in central Mali on Tuesday, killing at least
seventeen civilians and setting fire to the weekly market, residents said. Survivors told our correspondent the
attackers arrived shortly after dawn, fired on people gathered near the well and drove off with dozens of cattle.
Hundreds of families have since fled towards Djenné. The army said it had sent reinforcements but gave no toll.`

var syndicated = "From our partners at Sahel Wire.\n\n" + original + "\n\nCopyright reserved. Share this story."

var edited = strings.NewReplacer(
	"raided", "attacked",
	"at least\nseventeen", "no fewer than seventeen",
	"our correspondent", "reporters",
	"drove off with", "stole",
).Replace(original)

const other = `Protesters marched through Kayes on Monday to demand better roads and the return of electricity, and
police fired tear gas when the crowd reached the governor's office. Organisers said several people had fainted but
no one was seriously hurt. Shops stayed closed for most of the afternoon.`

// sameTopic reports a different raid in similar words.
const sameTopic = `Armed men raided the village of Boni in central Mali on Sunday, killing four herders and burning
granaries, local officials said. The attackers came at night and left before soldiers arrived from Hombori.
Dozens of families have since sought shelter in the town.`

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want []string
	}{
		{"", 0, nil},
		{"  \n ", 0, nil},
		{"L'armée a DÉMENTI — « rien » à Ségou.", 0, []string{"l", "armee", "a", "dementi", "rien", "a", "segou"}},
		{"one two three four", 2, []string{"one", "two"}},
		{"17 morts, 20+ blessés", 0, []string{"17", "morts", "20", "blesses"}},
		{"\xff\xfeabc def", 0, []string{"abc", "def"}},
	} {
		if got := Words(tc.in, tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestShingles(t *testing.T) {
	for _, tc := range []struct {
		in   string
		k    int
		want int
	}{
		{"", 3, 0},
		{"one", 3, 1},
		{"one two", 3, 1},
		{"one two three", 3, 1},
		{"one two three four", 3, 2},
		{"a b a b a b", 2, 2}, // "a b" and "b a", each once
	} {
		got := Shingles(tc.in, tc.k, 0)
		if len(got) != tc.want {
			t.Errorf("Shingles(%q, %d) has %d shingles, want %d", tc.in, tc.k, len(got), tc.want)
		}
		if !slices.IsSorted(got) {
			t.Errorf("Shingles(%q, %d) is not sorted", tc.in, tc.k)
		}
	}
	// Case, accents and punctuation do not matter.
	if a, b := Shingles("Les FAMa à Ségou, hier.", 3, 0), Shingles("les fama a segou hier", 3, 0); !slices.Equal(a, b) {
		t.Errorf("folding: %v != %v", a, b)
	}
	// Word order does.
	if a, b := Shingles("one two three", 3, 0), Shingles("three two one", 3, 0); slices.Equal(a, b) {
		t.Error("reordered words give the same shingle")
	}
}

func TestSignatureEstimatesJaccard(t *testing.T) {
	s, err := NewSigner(Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Two sets of 400 shingles sharing 200: true Jaccard 1/3.
	var a, b []uint64
	for i := range 600 {
		if i < 400 {
			a = append(a, uint64(i)*7919)
		}
		if i >= 200 {
			b = append(b, uint64(i)*7919)
		}
	}
	got := s.SignShingles(a).Jaccard(s.SignShingles(b))
	if got < 0.2 || got > 0.47 {
		t.Errorf("estimated Jaccard %.3f, want about 0.33", got)
	}
	if j := s.Sign("").Jaccard(s.Sign("")); j != 0 {
		t.Errorf("empty signatures have similarity %v, want 0", j)
	}
	if j := s.Sign(original).Jaccard(s.Sign(original)); j != 1 {
		t.Errorf("a text and itself: %v, want 1", j)
	}
}

func TestIndex(t *testing.T) {
	ix, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	add := func(id, text string) []Match {
		t.Helper()
		m, err := ix.Add(id, text)
		if err != nil {
			t.Fatalf("Add(%s): %v", id, err)
		}
		return m
	}
	ids := func(ms []Match) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	for _, tc := range []struct {
		id, text string
		want     []string
	}{
		{"orig", original, nil},
		{"other", other, nil},
		{"topic", sameTopic, nil},
		{"synd", syndicated, []string{"orig"}},
		{"edit", edited, []string{"orig", "synd"}},
		{"empty", "", nil},
		{"empty2", "", nil},
	} {
		if got := ids(add(tc.id, tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("Add(%s) matched %q, want %q", tc.id, got, tc.want)
		}
	}
	for id, want := range map[string]string{"orig": "orig", "synd": "orig", "edit": "orig", "other": "other", "topic": "topic", "empty2": "empty2"} {
		if g, ok := ix.Group(id); !ok || g != want {
			t.Errorf("Group(%s) = %q, %v; want %q", id, g, ok, want)
		}
	}
	if _, ok := ix.Group("missing"); ok {
		t.Error("Group of an unknown id reports ok")
	}
	if _, err := ix.Add("orig", original); !errs.Is(err, errs.Conflict) {
		t.Errorf("adding an id twice: %v, want a conflict", err)
	}
	if _, err := ix.AddSignature("short", Signature{1, 2, 3}); !errs.Is(err, errs.Invalid) {
		t.Errorf("a signature of the wrong length: %v, want invalid", err)
	}
	if got := ids(ix.Query(edited)); !slices.Contains(got, "edit") || ix.Len() != 7 {
		t.Errorf("Query(edited) = %q (len %d); want it to find edit without adding", got, ix.Len())
	}
	if j, err := ix.Similar("orig", "other"); err != nil || j > 0.2 {
		t.Errorf("Similar(orig, other) = %v, %v; want a low similarity", j, err)
	}
}

// A copy of a copy joins the first document's group, and a document that
// is close to two groups joins them.
func TestGroupsJoin(t *testing.T) {
	ix, _ := New(Config{})
	words := strings.Fields(original + " " + sameTopic)
	half := len(words) / 2
	a := strings.Join(words[:half], " ")
	b := strings.Join(words[half:], " ")
	ix.Add("a", a)
	ix.Add("b", b)
	if ga, _ := ix.Group("a"); ga != "a" {
		t.Fatalf("a's group is %q", ga)
	}
	// The whole text is near neither half at 0.5; near each at a lower threshold.
	ix2, _ := New(Config{Shingle: 3, Bands: 64, Rows: 2, Threshold: 0.3, MaxWords: 1000})
	ix2.Add("a", a)
	ix2.Add("b", b)
	ix2.Add("ab", a+" "+b)
	if gb, _ := ix2.Group("b"); gb != "a" {
		t.Errorf("after a bridging document, b's group is %q, want a", gb)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{Shingle: 0, Bands: 1, Rows: 1, Threshold: 0.5, MaxWords: 10},
		{Shingle: 3, Bands: 0, Rows: 1, Threshold: 0.5, MaxWords: 10},
		{Shingle: 3, Bands: 64, Rows: 64, Threshold: 0.5, MaxWords: 10},
		{Shingle: 3, Bands: 1, Rows: 1, Threshold: 0, MaxWords: 10},
		{Shingle: 3, Bands: 1, Rows: 1, Threshold: 0.5, MaxWords: 2},
	} {
		if _, err := New(c); !errs.Is(err, errs.Invalid) {
			t.Errorf("New(%+v) = %v, want invalid", c, err)
		}
	}
}

func FuzzShingles(f *testing.F) {
	for _, s := range []string{"", original, other, "l'armée — « rien »", "\xff\x00 a", "a a a a a"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, k int) {
		if k < 1 || k > 16 {
			k = 1 + (k&0xff)%16
		}
		w := Words(text, 0)
		sh := Shingles(text, k, 0)
		if len(w) == 0 && len(sh) != 0 || len(w) > 0 && len(sh) == 0 {
			t.Fatalf("%d words gave %d shingles", len(w), len(sh))
		}
		if len(sh) > len(w) {
			t.Fatalf("%d shingles from %d words", len(sh), len(w))
		}
		if !slices.IsSorted(sh) || len(slices.Compact(slices.Clone(sh))) != len(sh) {
			t.Fatal("shingles are not sorted and distinct")
		}
		for _, x := range w {
			if x == "" || strings.ContainsAny(x, " '") {
				t.Fatalf("bad word %q", x)
			}
		}
		if again := Shingles(text, k, 0); !slices.Equal(sh, again) {
			t.Fatal("shingling is not deterministic")
		}
	})
}

// synthetic returns n texts of about 150 words from a shared vocabulary.
func synthetic(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields(original + " " + other + " " + sameTopic)
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for j := range 150 {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[r.IntN(len(vocab))])
		}
		fmt.Fprintf(&b, " %d", i)
		out[i] = b.String()
	}
	return out
}

func BenchmarkSign(b *testing.B) {
	s, _ := NewSigner(Config{})
	b.SetBytes(int64(len(original)))
	for b.Loop() {
		s.Sign(original)
	}
}

// BenchmarkAdd adds documents to an index that already holds 100,000.
func BenchmarkAdd(b *testing.B) {
	ix, _ := New(Config{})
	texts := synthetic(102_000)
	s := ix.Signer()
	for i, t := range texts[:100_000] {
		ix.AddSignature(fmt.Sprint("pre", i), s.Sign(t))
	}
	texts = texts[100_000:]
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := ix.Add(fmt.Sprint("doc", i), texts[i%len(texts)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
