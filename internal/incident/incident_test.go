package incident

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/extract"
	"github.com/vigil-hr/vigil/internal/model"
)

func ip(n int) *int { return &n }

// ev builds an event at a gazetteer-like place.
func ev(date string, dprec int, place string, gprec int, sub, actor1 string) model.Event {
	places := map[string]model.Location{
		"Nampala":  {Name: "Nampala", GeonameID: 2453133, Latitude: 15.2807, Longitude: -5.5549, ISO3: "MLI", Admin1: "Ségou", Admin2: "Niono"},
		"Diabaly":  {Name: "Diabaly", GeonameID: 2458334, Latitude: 14.6871, Longitude: -6.0115, ISO3: "MLI", Admin1: "Ségou", Admin2: "Niono"},
		"Hamlet":   {Name: "Hamlet", GeonameID: 1, Latitude: 15.33, Longitude: -5.50, ISO3: "MLI", Admin1: "Ségou", Admin2: "Niono"},
		"Boni":     {Name: "Boni", GeonameID: 2459917, Latitude: 15.05, Longitude: -1.85, ISO3: "MLI", Admin1: "Mopti", Admin2: "Douentza"},
		"Ségou":    {Name: "Ségou", GeonameID: 2451478, Latitude: 13.44, Longitude: -6.26, ISO3: "MLI", Admin1: "Ségou", Admin2: "Ségou"},
		"Mopti":    {Name: "Mopti", GeonameID: 2453348, Latitude: 14.49, Longitude: -4.19, ISO3: "MLI", Admin1: "Mopti", Admin2: "Mopti"},
		"Djibo":    {Name: "Djibo", GeonameID: 2361177, Latitude: 14.10, Longitude: -1.63, ISO3: "BFA", Admin1: "Sahel", Admin2: "Soum"},
		"Nowhere?": {},
	}
	e := model.Event{EventDate: date, DatePrecision: dprec, SubEventType: sub, EventType: typeOf[sub]}
	if place != "" {
		loc := places[place]
		loc.GeoPrecision = gprec
		e.Location = &loc
	}
	if actor1 != "" {
		e.Actors = []model.Actor{{Role: "actor1", Name: actor1}}
	}
	return e
}

var typeOf = map[string]string{
	"Attack": "Violence against civilians", "Abduction/forced disappearance": "Violence against civilians",
	"Looting/property destruction": "Strategic developments", "Arrests": "Strategic developments",
	"Peaceful protest": "Protests", "Armed clash": "Battles",
}

const (
	fama = "Military Forces of Mali"
	jnim = "JNIM: Group for Support of Islam and Muslims"
)

func TestCompare(t *testing.T) {
	base := ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", fama)
	for _, tc := range []struct {
		name  string
		other model.Event
		link  bool
		words string
	}{
		{"same place and day", ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", fama), true, "same place (Nampala), same day, same type"},
		{"one day apart, compatible type", ev("2025-03-14", 1, "Nampala", 1, "Attack", fama), true, "1 day apart, compatible types"},
		{"two days apart at day precision", ev("2025-03-15", 1, "Nampala", 1, "Looting/property destruction", fama), false, "2 days apart, beyond the 1-day window"},
		{"two days apart, week precision", ev("2025-03-15", 2, "Nampala", 1, "Looting/property destruction", fama), true, "2 days apart"},
		{"a month apart, month precision", ev("2025-03-01", 3, "Nampala", 1, "Looting/property destruction", fama), true, "12 days apart"},
		{"hamlet in the same cercle", ev("2025-03-13", 1, "Hamlet", 1, "Looting/property destruction", fama), true, "same cercle (Niono)"},
		{"70 km away at town precision", ev("2025-03-13", 1, "Diabaly", 1, "Looting/property destruction", fama), false, "beyond the 15 km allowed at geo precision 1"},
		{"region-level place in the same region", ev("2025-03-13", 1, "Ségou", 3, "Looting/property destruction", fama), true, "same region (Ségou)"},
		{"region-level place in another region", ev("2025-03-13", 1, "Mopti", 3, "Looting/property destruction", fama), false, "different regions"},
		{"other country", ev("2025-03-13", 1, "Djibo", 1, "Looting/property destruction", fama), false, "different countries"},
		{"different perpetrator and type", ev("2025-03-13", 1, "Nampala", 1, "Peaceful protest", "Protesters (Mali)"), false, "different perpetrators"},
		{"unnamed perpetrator", ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", ""), true, "perpetrator unnamed in one report"},
		{"no place", ev("2025-03-13", 1, "", 0, "Looting/property destruction", fama), true, "place unknown in one report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := featuresOf(&base, &ReportInfo{DocumentID: "a"}), featuresOf(&tc.other, &ReportInfo{DocumentID: "b"})
			s := compare(&a, &b)
			if got := s.veto == vetoNone && s.total >= DefaultConfig.Threshold; got != tc.link {
				t.Errorf("link = %v (score %.2f, veto %d), want %v", got, s.total, s.veto, tc.link)
			}
			if w := s.explain(); !strings.Contains(w, tc.words) {
				t.Errorf("explanation %q does not say %q", w, tc.words)
			}
		})
	}
}

func newLinker(t *testing.T) *Linker {
	t.Helper()
	clock := time.Date(2025, 3, 20, 12, 0, 0, 0, time.UTC)
	l, err := New(Config{Now: func() time.Time { return clock }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func add(t *testing.T, l *Linker, doc string, kind SourceKind, text string, evs ...model.Event) []Decision {
	t.Helper()
	ds, err := l.AddReport(Report{DocumentID: doc, Outlet: "outlet " + doc, Kind: kind, Published: "2025-03-16", Text: text}, evs)
	if err != nil {
		t.Fatalf("AddReport(%s): %v", doc, err)
	}
	return ds
}

func TestLinkMergeSplitRevert(t *testing.T) {
	l := newLinker(t)
	a := add(t, l, "a", KindLocalMedia, "", ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", fama))
	b := add(t, l, "b", KindIntlMedia, "", ev("2025-03-13", 1, "Nampala", 1, "Attack", fama))
	c := add(t, l, "c", KindLocalMedia, "", ev("2025-03-13", 1, "Boni", 1, "Abduction/forced disappearance", ""))
	// Two events of one report stay apart even when they look alike.
	d := add(t, l, "d", KindLocalMedia, "", ev("2025-04-02", 1, "Nampala", 1, "Attack", jnim), ev("2025-04-02", 1, "Nampala", 1, "Attack", jnim))
	if !a[0].Opened || b[0].Opened || b[0].IncidentID != a[0].IncidentID || !c[0].Opened || !d[0].Opened || !d[1].Opened {
		t.Fatalf("decisions: %+v %+v %+v %+v", a, b, c, d)
	}
	if !strings.Contains(b[0].Why, "same place (Nampala), same day") {
		t.Errorf("why = %q", b[0].Why)
	}
	if _, err := l.AddReport(Report{DocumentID: "a"}, nil); !errs.Is(err, errs.Conflict) {
		t.Errorf("adding a document twice: %v", err)
	}
	nam, boni := a[0].IncidentID, c[0].IncidentID
	m, err := l.Merge(nam, boni, "analyst:awa", "the Boni abduction was part of the same operation")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(boni); !errs.Is(err, errs.NotFound) {
		t.Errorf("merged incident still there: %v", err)
	}
	inc, _ := l.Get(nam)
	if got := inc.Documents(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("after merge, documents %v", got)
	}
	// Revert the merge: Boni comes back under its old ID.
	r, err := l.Revert(m.Seq, "analyst:awa", "wrong")
	if err != nil {
		t.Fatal(err)
	}
	if r.Op != OpSplit || r.Reverts != m.Seq || r.Incidents[1] != boni {
		t.Errorf("revert record %+v", r)
	}
	if id, _ := l.IncidentOf("c#1"); id != boni {
		t.Errorf("c#1 is in %s after the revert, want %s", id, boni)
	}
	// Split b out, then revert the split.
	sp, err := l.Split(nam, []string{"b#1"}, "analyst:awa", "a different raid")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := l.IncidentOf("b#1"); id != sp.Incidents[1] {
		t.Errorf("b#1 in %s, want %s", id, sp.Incidents[1])
	}
	if _, err := l.Revert(sp.Seq, "analyst:awa", ""); err != nil {
		t.Fatal(err)
	}
	if id, _ := l.IncidentOf("b#1"); id != nam {
		t.Errorf("b#1 in %s after reverting the split, want %s", id, nam)
	}
	// After all that the index still finds the incident.
	e := add(t, l, "e", KindLocalMedia, "", ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", fama))
	if e[0].IncidentID != nam {
		t.Errorf("a new report went to %s, want %s", e[0].IncidentID, nam)
	}
	for _, bad := range []func() error{
		func() error { _, err := l.Merge(nam, nam, "x", ""); return err },
		func() error { _, err := l.Merge(nam, "nope", "x", ""); return err },
		func() error { _, err := l.Merge(nam, boni, "", ""); return err },
		func() error { _, err := l.Split(nam, inc.EventIDs(), "x", ""); return err },
		func() error { _, err := l.Split(nam, []string{"c#1"}, "x", ""); return err },
		func() error { _, err := l.Revert(1, "x", ""); return err }, // an open
		func() error { _, err := l.Revert(999, "x", ""); return err },
	} {
		if err := bad(); err == nil {
			t.Error("a bad operation succeeded")
		}
	}
	log := l.Log(1)
	if len(log) < 10 || log[0].Op != OpOpen || log[0].Seq != 1 || log[0].At.IsZero() {
		t.Errorf("audit log: %+v", log)
	}
}

// nanStory is the team's own text.
const nanStory = `Soldiers burned homes in Nampala on Thursday, residents told the News Agency of Nigeria. "We heard the engines at dawn and then the roofs were burning," a farmer said. Hundreds fled into the bush and no deaths were reported at first.`

func TestSourcesAndClaims(t *testing.T) {
	l := newLinker(t)
	withCount := func(e model.Event, killed int, sources ...model.Source) model.Event {
		e.Fatalities = &model.Count{Best: ip(killed)}
		e.Sources = sources
		return e
	}
	nam := ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", fama)
	nan := model.Source{Name: "NAN", Kind: "media"}
	add(t, l, "wire", KindIntlMedia, nanStory, withCount(nam, 0, nan))
	add(t, l, "copy", KindLocalMedia, "WORLD\n"+nanStory+"\nShare this.", withCount(nam, 0, nan))
	add(t, l, "translation", KindLocalMedia, "Des soldats ont brûlé des maisons à Nampala jeudi, selon l'agence NAN.", withCount(nam, 0, nan))
	add(t, l, "quoting", KindLocalMedia, `A farmer recalled: "We heard the engines at dawn and then the roofs were burning."`, withCount(nam, 0))
	add(t, l, "radio", KindIntlMedia, "Two elderly people died in the fire, residents told our reporter.", withCount(nam, 2, model.Source{Name: "residents", Kind: "witness"}))
	add(t, l, "ngo", KindNGO, "Our researchers found that five villagers died.", withCount(nam, 5))
	add(t, l, "ngo-relay", KindLocalMedia, "Five died, Human Rights Watch said.", withCount(nam, 5, model.Source{Name: "Human Rights Watch", Kind: "ngo"}))
	add(t, l, "hrw-relay", KindIntlMedia, "Human Rights Watch reported five deaths.", withCount(nam, 5, model.Source{Name: "Human Rights Watch", Kind: "ngo"}))
	add(t, l, "army", KindOfficial, "The army denied that any homes were burned in Nampala.", withCount(nam, 0))

	id := l.IDs()[0]
	if n := l.Len(); n != 1 {
		t.Fatalf("%d incidents, want 1", n)
	}
	s, err := l.Summarize(id)
	if err != nil {
		t.Fatal(err)
	}
	// wire+copy+translation+quoting | radio | ngo | ngo-relay+hrw-relay | army
	if s.IndependentSources != 5 {
		for _, o := range s.Origins {
			t.Logf("origin %v: %v", o.Documents, o.Why)
		}
		t.Fatalf("%d independent sources, want 5", s.IndependentSources)
	}
	if got := s.Origins[0].Documents; !slices.Equal(got, []string{"wire", "copy", "translation", "quoting"}) {
		t.Errorf("first origin %v", got)
	}
	c := s.Corroboration
	if c.Level != LevelWell || len(c.Denials) != 1 || !strings.Contains(c.Denials[0], "denied") {
		t.Errorf("corroboration %+v", c)
	}
	// Fatalities: 0 (wire origin, army), 2 (radio), 5 (ngo, HRW relays): 0 and
	// 5 both have two origins; the tie goes to the lowest.
	fc := s.Claims[0]
	if fc.Field != "fatalities" || *fc.Value != 0 || *fc.Low != 0 || *fc.High != 5 || len(fc.Claims) != 9 {
		t.Errorf("fatalities %+v", fc)
	}
	if s.Event.Fatalities == nil || *s.Event.Fatalities.Best != 0 || s.Event.Location.Name != "Nampala" {
		t.Errorf("consensus event %+v", s.Event)
	}
}

func TestPick(t *testing.T) {
	claim := func(v, origin int, kind SourceKind) Claim {
		return Claim{Count: model.Count{Best: ip(v)}, Origin: origin, Kind: kind}
	}
	for _, tc := range []struct {
		name   string
		claims []Claim
		want   int
		rule   string
	}{
		{"lowest credible", []Claim{claim(13, 0, KindLocalMedia), claim(20, 1, KindIntlMedia)}, 13, "lowest credible"},
		{"better corroborated", []Claim{claim(13, 0, KindLocalMedia), claim(20, 1, KindIntlMedia), claim(20, 2, KindNGO)}, 20, "better corroborated"},
		{"syndicated copies count once", []Claim{claim(13, 0, KindLocalMedia), claim(20, 1, KindIntlMedia), claim(20, 1, KindLocalMedia)}, 13, "lowest credible"},
		{"perpetrator claim is not credible", []Claim{claim(30, 0, KindPerpetrator), claim(8, 1, KindOfficial), claim(30, 2, KindPerpetrator)}, 8, "lowest credible"},
		{"only the perpetrator", []Claim{claim(30, 0, KindPerpetrator)}, 30, "only the perpetrators"},
	} {
		fc := FieldClaims{Claims: tc.claims}
		pick(&fc)
		if fc.Value == nil || *fc.Value != tc.want || !strings.Contains(fc.Rule, tc.rule) {
			t.Errorf("%s: value %v, rule %q; want %d, %q", tc.name, fc.Value, fc.Rule, tc.want, tc.rule)
		}
	}
}

func TestMetrics(t *testing.T) {
	gold := []string{"a", "a", "a", "b", "b", "c"}
	for _, tc := range []struct {
		pred         []string
		pairP, pairR float64
		b3P, b3R     float64
	}{
		{[]string{"x", "x", "x", "y", "y", "z"}, 1, 1, 1, 1},
		{[]string{"x", "x", "y", "z", "z", "w"}, 1, 0.5, 1, (2.0/3*2 + 1.0/3 + 3) / 6},
		{[]string{"x", "x", "x", "x", "x", "x"}, 4.0 / 15, 1, (3*0.5 + 2*(2.0/6) + 1.0/6) / 6, 1},
	} {
		p, b := pairwise(gold, tc.pred), bcubed(gold, tc.pred)
		if !near(p.P, tc.pairP) || !near(p.R, tc.pairR) || !near(b.P, tc.b3P) || !near(b.R, tc.b3R) {
			t.Errorf("pred %v: pairwise %+v, B-cubed %+v", tc.pred, p, b)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestIndexFindsImpreciseIncidents(t *testing.T) {
	// A region-level, month-precise report filed first is found by a
	// precise one far from the region's centroid.
	l := newLinker(t)
	first := add(t, l, "vague", KindLocalMedia, "", ev("2025-03-01", 3, "Ségou", 3, "Looting/property destruction", fama))
	next := add(t, l, "precise", KindLocalMedia, "", ev("2025-03-13", 1, "Nampala", 1, "Looting/property destruction", fama))
	if next[0].Opened || next[0].IncidentID != first[0].IncidentID {
		t.Errorf("precise report: %+v", next[0])
	}
	x := NewMemIndex()
	f := featuresOf(&model.Event{EventDate: "2025-03-13", DatePrecision: 1, Location: &model.Location{Latitude: 15, Longitude: -5, GeoPrecision: 1}}, &ReportInfo{})
	x.Add([]Entry{entryOf("i1", &f), entryOf("i2", &f)})
	x.Remove("i1", []Key{indexKey(&f)})
	var got []string
	x.Lookup(queryKeys(nil, &f), func(e *Entry) { got = append(got, e.ID) })
	if !slices.Equal(got, []string{"i2"}) {
		t.Errorf("lookup after remove: %v", got)
	}
}

func TestQuotationsAndDenial(t *testing.T) {
	q := quotations(`He said « ils sont venus la nuit » and "we ran" and “they left”. An "unclosed quote`)
	if want := []string{" ils sont venus la nuit ", "we ran", "they left"}; !slices.Equal(q, want) {
		t.Errorf("quotations = %q, want %q", q, want)
	}
	for text, want := range map[string]bool{
		"The army denied the reports.":                  true,
		"Le gouvernement a démenti toute implication.":  true,
		"Les autorités rejettent les accusations.":      false,
		"Residents said the army burned homes.":         false,
		"L'armée a nié toute présence dans le secteur.": true,
		"Officials dismissed the reports as fake news.": true,
	} {
		if got := denial(text) != ""; got != want {
			t.Errorf("denial(%q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzParseGold(f *testing.F) {
	f.Add(`{"id":"a","incident":"i","origin":"o","published":"2025-01-02","text":"x"}`)
	f.Add(`{"id":"a","incident":"i","origin":"o","published":"2025-13-02","text":"x"}` + "\n\n{}")
	f.Add(`{"id":"a","kind":"bogus"}`)
	f.Fuzz(func(t *testing.T, s string) {
		reps, err := parseGold(strings.NewReader(s))
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("error of kind %v: %v", errs.KindOf(err), err)
			}
			return
		}
		for _, r := range reps {
			if r.ID == "" || r.Incident == "" || r.Text == "" {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

func FuzzQuotations(f *testing.F) {
	f.Add(`« a b c d e » "f g" “h”`)
	f.Add("\xff«\x00»")
	f.Fuzz(func(t *testing.T, s string) {
		for _, q := range quotations(s) {
			if !strings.Contains(s, q) {
				t.Fatalf("quotation %q is not in the text", q)
			}
		}
		quoteShingles(s)
		denial(s)
	})
}

// TestLinkingSet runs the extractor over the team's linking set: the
// Nampala case must become one incident of ten reports and three
// independent sources with its decoys apart, and B-cubed F1 must stay at
// 0.9 or above on both parts.
func TestLinkingSet(t *testing.T) {
	x, err := extract.New()
	if err != nil {
		t.Fatal(err)
	}
	fn := func(g GoldReport) []model.Event {
		pub, _ := time.Parse(time.DateOnly, g.Published)
		return x.Extract(g.Text, extract.Options{Published: pub, Lang: g.Lang}).Events
	}
	for _, part := range []string{"dev", "test"} {
		reps, err := ReadGold("../../testdata/linking/" + part + ".jsonl")
		if err != nil {
			t.Fatal(err)
		}
		res, err := Evaluate(reps, fn, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if res.BCubed.F1 < 0.9 {
			var b strings.Builder
			res.Print(&b, false)
			t.Errorf("%s: B-cubed F1 %.3f < 0.9\n%s", part, res.BCubed.F1, b.String())
		}
		if part != "dev" {
			continue
		}
		for _, sc := range res.Sources {
			if sc.Incident == "ml-nampala-2025-03-13" && (sc.Reports != 10 || sc.Got != 3 || sc.Gold != 3) {
				t.Errorf("Nampala: %+v", sc)
			}
		}
		for _, li := range res.Linked {
			docs := li.Summary.Documents
			if slices.Contains(docs, "nam-01") && (len(docs) != 10 || slices.ContainsFunc(docs, func(d string) bool { return strings.HasPrefix(d, "nam-d") })) {
				t.Errorf("Nampala incident holds %v", docs)
			}
		}
	}
}

func ExampleLinker_AddReport() {
	l, _ := New(Config{NewID: func(n int) string { return fmt.Sprint("inc-", n) }}, nil)
	raid := model.Event{EventDate: "2025-03-13", DatePrecision: 1, SubEventType: "Attack", EventType: "Violence against civilians",
		Location: &model.Location{Name: "Nampala", GeonameID: 2453133, Latitude: 15.2807, Longitude: -5.5549, ISO3: "MLI", Admin2: "Niono", GeoPrecision: 1},
		Actors:   []model.Actor{{Role: "actor1", Name: "JNIM: Group for Support of Islam and Muslims"}}}
	next := raid
	next.EventDate, next.SubEventType, next.EventType = "2025-03-14", "Looting/property destruction", "Strategic developments"
	for i, e := range []model.Event{raid, next} {
		ds, _ := l.AddReport(Report{DocumentID: fmt.Sprint("doc", i)}, []model.Event{e})
		fmt.Println(ds[0].IncidentID, ds[0].Why)
	}
	// Output:
	// inc-1 no incident nearby in time and space
	// inc-1 same place (Nampala), 1 day apart, compatible types (Looting/property destruction / Attack), same perpetrator (JNIM: Group for Support of Islam and Muslims) — score 0.80
}

func TestConcurrentUse(t *testing.T) {
	l := newLinker(t)
	done := make(chan bool)
	for g := range 4 {
		go func() {
			defer func() { done <- true }()
			for i := range 50 {
				e := ev(fmt.Sprintf("2025-03-%02d", 1+3*(i%9)), 1, "Nampala", 1, "Attack", fama)
				if _, err := l.AddReport(Report{DocumentID: fmt.Sprint(g, "-", i), Text: "text"}, []model.Event{e}); err != nil {
					t.Error(err)
					return
				}
				for _, id := range l.IDs() {
					l.Summarize(id)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	if n := l.Len(); n != 9 {
		t.Errorf("%d incidents, want 9 (one per day, days 3 apart)", n)
	}
}
