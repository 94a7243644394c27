package incident

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/model"
)

// synth makes events spread like a decade of Sahel reporting: 50,000
// towns between 10°N and 25°N, 12°W and 16°E, five years of dates, mostly
// day- and town-precise, a few known only to the month or the region.
type synth struct {
	r     *rand.Rand
	towns []model.Location
	base  time.Time
}

var (
	subs = []struct{ disorder, typ, sub string }{
		{"Political violence", "Violence against civilians", "Attack"},
		{"Political violence", "Violence against civilians", "Abduction/forced disappearance"},
		{"Political violence", "Battles", "Armed clash"},
		{"Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"},
		{"Political violence", "Explosions/Remote violence", "Air/drone strike"},
		{"Strategic developments", "Strategic developments", "Looting/property destruction"},
		{"Strategic developments", "Strategic developments", "Arrests"},
		{"Demonstrations", "Protests", "Peaceful protest"},
		{"Demonstrations", "Riots", "Mob violence"},
	}
	names = []string{"Military Forces of Mali", "JNIM: Group for Support of Islam and Muslims", "Islamic State (Sahel)",
		"Wagner Group", "Military Forces of Burkina Faso", "Military Forces of Niger", "Unidentified Armed Group (Mali)",
		"Dan Na Ambassagou", "VDP: Volunteers for the Defense of the Homeland", "Protesters (Mali)"}
)

func newSynth(seed uint64) *synth {
	s := &synth{r: rand.New(rand.NewPCG(seed, 7)), base: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	tr := rand.New(rand.NewPCG(99, 7)) // the same towns for every seed
	for i := range 50_000 {
		s.towns = append(s.towns, model.Location{Name: fmt.Sprint("town", i), GeonameID: int64(1_000_000 + i),
			Latitude: 10 + 15*tr.Float64(), Longitude: -12 + 28*tr.Float64(), ISO3: "MLI",
			Admin1: fmt.Sprint("r", i%40), Admin2: fmt.Sprint("c", i%400), GeoPrecision: 1})
	}
	return s
}

func (s *synth) event() model.Event {
	t := s.subs()
	loc := s.towns[s.r.IntN(len(s.towns))]
	switch x := s.r.IntN(100); {
	case x < 5:
		loc.GeoPrecision = 3
	case x < 20:
		loc.GeoPrecision = 2
	}
	prec := 1
	switch x := s.r.IntN(100); {
	case x < 5:
		prec = 3
	case x < 15:
		prec = 2
	}
	return model.Event{
		EventDate: s.base.AddDate(0, 0, s.r.IntN(5*365)).Format(time.DateOnly), DatePrecision: prec,
		DisorderType: t.disorder, EventType: t.typ, SubEventType: t.sub, Location: &loc,
		Actors: []model.Actor{{Role: "actor1", Name: names[s.r.IntN(len(names))]}},
	}
}

func (s *synth) subs() struct{ disorder, typ, sub string } { return subs[s.r.IntN(len(subs))] }

var (
	bigOnce   sync.Once
	bigLinker *Linker
)

// bigStore returns a Linker holding 1,000,000 single-event incidents.
func bigStore(b *testing.B) *Linker {
	bigOnce.Do(func() {
		l, err := New(Config{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		s := newSynth(1)
		for i := range 1_000_000 {
			id := fmt.Sprintf("old-%07d", i)
			if err := l.Restore(id, []Report{{DocumentID: id, Published: "2025-01-01"}}, [][]model.Event{{s.event()}}); err != nil {
				b.Fatal(err)
			}
		}
		bigLinker = l
	})
	return bigLinker
}

// BenchmarkLink links new events into a store of 1,000,000 incidents; the
// issue asks for at least 2,000 events/s.
func BenchmarkLink(b *testing.B) {
	l := bigStore(b)
	s := newSynth(2)
	events := make([]model.Event, 100_000)
	for i := range events {
		events[i] = s.event()
	}
	runtime.GC() // the store's construction is not what is measured
	b.ResetTimer()
	n, opened, considered := 0, 0, 0
	for b.Loop() {
		ev := events[n%len(events)]
		ds, err := l.AddReport(Report{DocumentID: fmt.Sprintf("new-%d-%d", b.N, n), Published: "2025-01-01"}, []model.Event{ev})
		if err != nil {
			b.Fatal(err)
		}
		considered += ds[0].Considered
		if ds[0].Opened {
			opened++
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(opened)/float64(n), "opened/op")
	b.ReportMetric(float64(considered)/float64(n), "candidates/op")
}

func BenchmarkCompare(b *testing.B) {
	s := newSynth(3)
	x, y := s.event(), s.event()
	r := &ReportInfo{DocumentID: "a"}
	fx, fy := featuresOf(&x, r), featuresOf(&y, r)
	for b.Loop() {
		compare(&fx, &fy)
	}
}
