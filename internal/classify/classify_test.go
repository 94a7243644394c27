package classify

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/nlp/phrase"
)

func TestTaxonomyHas25Types(t *testing.T) {
	if len(Taxonomy) != 25 {
		t.Fatalf("taxonomy has %d sub-event types, want 25", len(Taxonomy))
	}
	seen := map[string]bool{}
	for _, l := range Taxonomy {
		if seen[l.Sub] {
			t.Errorf("duplicate sub-event type %q", l.Sub)
		}
		seen[l.Sub] = true
		switch l.Disorder {
		case PoliticalViolence, Demonstrations, StrategicDevelopments:
		default:
			t.Errorf("%s: bad disorder type %q", l.Sub, l.Disorder)
		}
	}
}

func TestParseLexiconErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"fields", "Attack\t2", "want 3 tab-separated fields"},
		{"type", "Bombing\t2\tbomb", "unknown sub-event type"},
		{"weight", "Attack\tx\tkilled", "bad weight"},
		{"zero weight", "Attack\t0\tkilled", "bad weight"},
		{"empty", "Attack\t2\t--", "empty pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseLexicon(tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseLexicon(%q) error = %v, want %q", tc.src, err, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	lx := Default()
	for _, tc := range []struct {
		text string
		want []string // "sub=words" in order
	}{
		{"Gunmen stormed the hamlet, setting homes ablaze, and looted shops.", []string{"Attack=stormed", "Looting/property destruction=setting homes ablaze", "Looting/property destruction=looted"}},
		{"Des hommes armés ont incendié le marché.", []string{"Looting/property destruction=incendié"}},
		{"A drone strike hit the camp.", []string{"Air/drone strike=drone strike"}},
		{"Une frappe de drone a touché le camp.", []string{"Air/drone strike=frappe de drone"}},
		{"Police fired tear gas at protesters.", []string{"Protest with intervention=tear gas", "Peaceful protest=protesters"}},
		{"They were abducted on Tuesday.", []string{"Abduction/forced disappearance=abducted"}},
		{"On March 13 the market was quiet.", nil}, // the month is not a march
		{"Il est allé au marché de Mopti.", nil},   // a market is not a march
		{"L'Africa Corps est arrivé.", nil},        // corps is not bodies here
		{"The attackers stormed the village.", []string{"Attack=attackers", "Attack=stormed"}},
	} {
		var got []string
		for _, h := range lx.Match(tc.text) {
			got = append(got, h.Sub+"="+tc.text[h.Span.Start:h.Span.End])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Match(%q)\n got %q\nwant %q", tc.text, got, tc.want)
		}
	}
}

func hits(lx *Lexicon, text string) []Hit { return lx.Match(text) }

func TestDecide(t *testing.T) {
	lx := Default()
	for _, tc := range []struct {
		name string
		text string
		f    Features
		want string // "" means abstain
	}{
		{"village burned, nobody hurt", "Soldiers raided the village, burning houses and setting homes ablaze.",
			Features{StateForces: true, Structures: true, Displaced: true}, Looting},
		{"village burned, civilians killed", "Soldiers raided the village, burning houses and killing residents.",
			Features{StateForces: true, Structures: true, Killed: true, Civilians: true}, Attack},
		{"drone kills civilians", "A drone strike killed civilians at a wedding.",
			Features{StateForces: true, Killed: true, Civilians: true}, AirStrike},
		{"clash", "Soldiers clashed with JNIM fighters near the town.",
			Features{StateForces: true, NonState: true, ArmedActors: 2, ArmedOnArmed: true}, ArmedClash},
		{"protest dispersed", "Police dispersed the protesters with tear gas.",
			Features{StateForces: true, Protesters: true}, ProtestIntervention},
		{"protest fired on", "Soldiers fired live ammunition at demonstrators, killing two.",
			Features{StateForces: true, Protesters: true, Killed: true}, ExcessiveForce},
		{"peaceful", "Hundreds of women marched peacefully in Bamako.",
			Features{Protesters: true}, PeacefulProtest},
		{"abduction", "Gunmen abducted 20 passengers on the road.",
			Features{NonState: true, Abducted: true}, Abduction},
		{"nothing", "The minister visited the region.", Features{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Hits = hits(lx, tc.text)
			d := Decide(tc.f)
			got := d.Label.Sub
			if d.Abstain {
				got = ""
			}
			if got != tc.want {
				t.Fatalf("Decide = %q (abstain %v), want %q; why: %q", got, d.Abstain, tc.want, d.Why)
			}
			if !d.Abstain && (d.Confidence <= 0 || d.Confidence >= 1 || len(d.Why) == 0) {
				t.Errorf("confidence %v, why %q: want a value in (0,1) and reasons", d.Confidence, d.Why)
			}
		})
	}
}

func BenchmarkMatch(b *testing.B) {
	text := strings.Repeat("According to witnesses, soldiers stormed the village on Tuesday, setting homes ablaze. "+
		"Les assaillants ont incendié des maisons et enlevé une vingtaine de personnes. ", 24)
	lx := Default()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		lx.Match(text)
	}
}

func TestReadCorpusGroupsTranslations(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"id":"a-1","lang":"en","text":"Soldiers arrested Moussa Traoré in Ségou on 3 March.","label":"Arrests"}`,
		`{"id":"a-2","lang":"fr","text":"Des soldats ont arrêté Moussa Traoré à Ségou le 3 mars.","label":"Arrests"}`,
		`{"id":"a-3","lang":"en","text":"Police detained Awa Diallo in Kayes.","label":"Arrests"}`,
		`{"id":"a-4","lang":"en","text":"Protesters marched in Kayes.","label":"Peaceful protest"}`,
	}
	path := dir + "/c.jsonl"
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	exs, err := ReadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a-1", "a-1", "a-3", "a-4"}
	for i, ex := range exs {
		if ex.Group != want[i] {
			t.Errorf("%s: group %q, want %q", ex.ID, ex.Group, want[i])
		}
	}
	bad := dir + "/bad.jsonl"
	os.WriteFile(bad, []byte(`{"id":"b","text":"x","label":"Bombing"}`), 0o644)
	if _, err := ReadCorpus(bad); err == nil || !strings.Contains(err.Error(), `unknown label "Bombing"`) {
		t.Errorf("bad label: %v", err)
	}
}

// The fast vectoriser must hash exactly the features Featurize names, or
// the shipped model would read other weights than it was trained with.
func TestVectorMatchesFeaturize(t *testing.T) {
	lx := Default()
	for _, text := range []string{
		"Gunmen stormed the village of Sofara on 12 March, setting homes ablaze.",
		"Des hommes armés ont incendié 40 maisons à Ségou, selon des témoins.",
		"", "é", "a b", "Ab12 cd345 ÉCOLE l'armée — 1 200 déplacés",
		"Аҧсуа 中文 text with \u00a0 spaces",
	} {
		d := phrase.Prepare(text)
		var v vec
		vectorize(&v, d, lx, 1<<18)
		fs := FeaturizeDoc(d, lx)
		if len(fs) != len(v.idx) {
			t.Fatalf("%q: %d features vs %d vector entries", text, len(fs), len(v.idx))
		}
		for i, f := range fs {
			if int32(bucket(f.Name, 1<<18)) != v.idx[i] || f.Value != v.val[i] {
				t.Fatalf("%q: feature %d %q: bucket %d value %v, vector %d %v", text, i, f.Name, bucket(f.Name, 1<<18), f.Value, v.idx[i], v.val[i])
			}
		}
	}
}

func TestQuickMatchesPredict(t *testing.T) {
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"Gunmen stormed the village of Sofara on 12 March, setting homes ablaze.",
		"Police fired tear gas to disperse hundreds of protesters in Bamako.",
		"The national team won 2-0 in Abidjan.",
	} {
		d := phrase.Prepare(text)
		q := m.Quick(d, Default())
		p := m.Predict(FeaturizeDoc(d, Default()))
		if q.Label != p.Label || math.Abs(q.Prob-p.Prob) > 1e-9 || q.Abstain != p.Abstain {
			t.Errorf("%q: Quick %+v, Predict %s %.6f %v", text, q, p.Label, p.Prob, p.Abstain)
		}
	}
}

func BenchmarkQuick(b *testing.B) {
	m, err := DefaultModel()
	if err != nil {
		b.Fatal(err)
	}
	d := phrase.Prepare("Suspected jihadists killed at least 12 civilians and burned homes in Namissiguima on Saturday, residents said.")
	b.ReportAllocs()
	for b.Loop() {
		m.Quick(d, Default())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "snippets/s")
}

func TestPredictExplains(t *testing.T) {
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	p := m.Predict(Featurize("Gunmen abducted twenty passengers from a bus near Djibo; the kidnappers demanded a ransom."))
	if p.Label != Abduction || len(p.Why) == 0 || len(p.Why) > 6 {
		t.Fatalf("prediction %s %.2f why %q", p.Label, p.Prob, p.Why)
	}
	prev := math.Inf(1)
	seen := map[string]bool{}
	for _, w := range p.Why {
		i := strings.LastIndex(w, " (+")
		v, err := strconv.ParseFloat(strings.TrimSuffix(w[i+3:], ")"), 64)
		if i < 0 || err != nil || v > prev || seen[w[:i]] {
			t.Fatalf("why %q: want distinct features in decreasing order", p.Why)
		}
		prev, seen[w[:i]] = v, true
	}
}

func TestPredictDocMatchesPredict(t *testing.T) {
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"Gunmen abducted twenty passengers from a bus near Djibo; the kidnappers demanded a ransom.",
		"Des militaires ont incendié le village de Sofara le 12 mars 2025, selon des habitants.",
		"The national team won 2-0 in Abidjan.",
	} {
		d := phrase.Prepare(text)
		a := m.PredictDoc(d, Default())
		b := m.Predict(FeaturizeDoc(d, Default()))
		if a.Label != b.Label || math.Abs(a.Prob-b.Prob) > 1e-9 || len(a.Why) == 0 {
			t.Errorf("%q: PredictDoc %s %.4f, Predict %s %.4f", text, a.Label, a.Prob, b.Label, b.Prob)
		}
		for _, w := range a.Why {
			if strings.HasPrefix(w, " ") || !strings.Contains(w, ":") {
				t.Errorf("%q: unnamed feature in %q", text, a.Why)
			}
		}
		if strings.Join(a.Why, "|") != strings.Join(b.Why, "|") {
			t.Errorf("%q: explanations differ: %q vs %q", text, a.Why, b.Why)
		}
	}
}
