package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/postgres"
)

// Synthetic events spread over these years, places and actors.
const (
	firstYear = 2016
	years     = 10
)

// place is a real town of the region (coordinates are facts).
type place struct {
	name, iso3, country, admin1 string
	lat, lon                    float64
}

var places = []place{
	{"Bamako", "MLI", "Mali", "Bamako", 12.65, -8.00},
	{"Mopti", "MLI", "Mali", "Mopti", 14.49, -4.20},
	{"Gao", "MLI", "Mali", "Gao", 16.27, -0.04},
	{"Tombouctou", "MLI", "Mali", "Tombouctou", 16.77, -3.01},
	{"Ménaka", "MLI", "Mali", "Ménaka", 15.92, 2.40},
	{"Kidal", "MLI", "Mali", "Kidal", 18.44, 1.41},
	{"Ségou", "MLI", "Mali", "Ségou", 13.43, -6.26},
	{"Ouagadougou", "BFA", "Burkina Faso", "Centre", 12.37, -1.53},
	{"Djibo", "BFA", "Burkina Faso", "Sahel", 14.10, -1.63},
	{"Dori", "BFA", "Burkina Faso", "Sahel", 14.03, -0.03},
	{"Fada N'Gourma", "BFA", "Burkina Faso", "Est", 12.06, 0.36},
	{"Niamey", "NER", "Niger", "Niamey", 13.51, 2.11},
	{"Tillabéri", "NER", "Niger", "Tillabéri", 14.21, 1.45},
	{"Diffa", "NER", "Niger", "Diffa", 13.32, 12.61},
	{"Nouakchott", "MRT", "Mauritania", "Nouakchott", 18.08, -15.98},
	{"N'Djamena", "TCD", "Chad", "N'Djamena", 12.13, 15.06},
}

var actorNames = []struct{ name, typ, country string }{
	{"Military Forces of Mali", "State forces", "MLI"},
	{"Military Forces of Burkina Faso", "State forces", "BFA"},
	{"Military Forces of Niger", "State forces", "NER"},
	{"JNIM: Group for Support of Islam and Muslims", "Rebel group", ""},
	{"Islamic State (Sahel)", "Rebel group", ""},
	{"Dozo Communal Militia", "Identity militia", "MLI"},
	{"Civilians", "Civilians", ""},
	{"Protesters", "Protesters", ""},
}

// Box is a bounding box in degrees.
type Box struct{ West, South, East, North float64 }

// Contains reports whether the location lies in the box.
func (b Box) Contains(l *model.Location) bool {
	return l != nil && l.Longitude >= b.West && l.Longitude <= b.East && l.Latitude >= b.South && l.Latitude <= b.North
}

// Generator makes synthetic documents and reports, the same for the same
// seed. The reports look like the extractor's in shape and size; the text
// is a stand-in.
type Generator struct {
	r    *rand.Rand
	seed uint64
	n    int
}

// NewGenerator returns a generator whose output depends only on seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, 0x5eed)), seed: seed}
}

// Next returns a new document and its report of eventsPerDoc events.
func (g *Generator) Next(eventsPerDoc int) (*model.Document, *model.Report) {
	g.n++
	text := fmt.Sprintf("Synthetic report %d of generator %d, written by vigil bench. It stands for a news report that "+
		"describes %d incidents; the events below point into this text.", g.n, g.seed, eventsPerDoc)
	sum := sha256.Sum256([]byte(text))
	id := hex.EncodeToString(sum[:])
	pub := time.Date(firstYear, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(365*years))
	doc := &model.Document{
		ID: id, SHA256: id, Size: int64(len(text)), MediaType: "text/plain", Source: "vigil bench",
		Published: &pub, Retrieved: pub, Lang: "en", Text: text,
	}
	rep := &model.Report{DocumentID: id, Extractor: "vigil-bench", ExtractorVersion: "1"}
	for range eventsPerDoc {
		rep.Events = append(rep.Events, g.event(pub, len(text)))
	}
	return doc, rep
}

func (g *Generator) event(pub time.Time, textLen int) model.Event {
	r := g.r
	lbl := classify.Taxonomy[r.IntN(len(classify.Taxonomy))]
	p := places[r.IntN(len(places))]
	day := pub.AddDate(0, 0, -r.IntN(4))
	best := r.IntN(30)
	a1, a2 := actorNames[r.IntN(len(actorNames))], actorNames[r.IntN(len(actorNames))]
	span := func(field string) model.Evidence {
		s := r.IntN(textLen / 2)
		return model.Evidence{Field: field, Start: s, End: s + 20, Text: "words that support it"}
	}
	return model.Event{
		EventDate: day.Format(time.DateOnly), DatePrecision: model.PrecisionDay,
		DisorderType: lbl.Disorder, EventType: lbl.Event, SubEventType: lbl.Sub,
		Actors: []model.Actor{
			{Role: "actor1", Name: a1.name, Type: a1.typ, Country: a1.country, Mentions: []string{"gunmen"}},
			{Role: "actor2", Name: a2.name, Type: a2.typ, Country: a2.country, Mentions: []string{"villagers"}},
		},
		Location: &model.Location{
			Name: p.name, Latitude: p.lat + (r.Float64()-0.5)*2, Longitude: p.lon + (r.Float64()-0.5)*2,
			Country: p.country, ISO3: p.iso3, Admin1: p.admin1, GeoPrecision: model.GeoTown,
		},
		Fatalities: &model.Count{Best: &best, Text: fmt.Sprint(best, " killed")},
		Certainty:  model.CertaintyReported,
		Sources:    []model.Source{{Name: "vigil bench", Kind: "media"}},
		Confidence: r.Float64(),
		Evidence:   []model.Evidence{span("event_date"), span("location"), span("actor1"), span("fatalities"), span("sub_event_type")},
		Why:        []string{"trigger words for " + lbl.Sub, "an organised armed group is named"},
	}
}

// SynthResult says what LoadSynthetic stored.
type SynthResult struct {
	Documents, Events int
	Took              time.Duration
}

// LoadSynthetic stores documents of eventsPerDoc synthetic events each
// until the store holds at least events events from this generator's
// sequence (a store that holds them already is left alone, so a data
// directory can be reused). PostgreSQL is loaded with BulkIngest (COPY) in
// batches of 1,000 documents; other stores with Ingest from two goroutines.
func LoadSynthetic(ctx context.Context, st store.Store, events, eventsPerDoc int, log *slog.Logger) (SynthResult, error) {
	start := time.Now()
	have, err := st.CountEvents(ctx, store.EventFilter{})
	if err != nil {
		return SynthResult{}, err
	}
	docs := (events + eventsPerDoc - 1) / eventsPerDoc
	skip := have / eventsPerDoc // documents of this sequence already stored
	g := NewGenerator(1)
	for range skip {
		g.Next(eventsPerDoc) // same sequence: same documents
	}
	todo := docs - skip
	if todo <= 0 {
		return SynthResult{Took: time.Since(start)}, nil
	}
	log.Info("loading synthetic events", "have", have, "want", events, "documents", todo, "events_per_document", eventsPerDoc)
	var res SynthResult
	progress := func() {
		if res.Documents%20000 < 1000 {
			el := time.Since(start).Seconds()
			log.Info("load progress", "documents", res.Documents, "of", todo, "events_per_second", fmt.Sprintf("%.0f", float64(res.Events)/el))
		}
	}
	if pg, ok := st.(*postgres.Store); ok {
		const batch = 1000
		for res.Documents < todo {
			n := min(batch, todo-res.Documents)
			ds, rs := make([]*model.Document, n), make([]*model.Report, n)
			for i := range n {
				ds[i], rs[i] = g.Next(eventsPerDoc)
			}
			if _, err := pg.BulkIngest(ctx, ds, rs); err != nil {
				return res, fmt.Errorf("bulk load after %d documents: %w", res.Documents, err)
			}
			res.Documents += n
			res.Events += n * eventsPerDoc
			progress()
		}
		res.Took = time.Since(start)
		return res, nil
	}
	type pair struct {
		d *model.Document
		r *model.Report
	}
	work := make(chan pair, 64)
	errc := make(chan error, 2)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if _, err := st.Ingest(ctx, p.d, p.r); err != nil {
					errc <- err
					return
				}
				mu.Lock()
				res.Documents++
				res.Events += eventsPerDoc
				if res.Documents%1000 == 0 {
					progress()
				}
				mu.Unlock()
			}
		}()
	}
	var sendErr error
send:
	for range todo {
		d, r := g.Next(eventsPerDoc)
		select {
		case work <- pair{d, r}:
		case sendErr = <-errc:
			break send
		case <-ctx.Done():
			sendErr = ctx.Err()
			break send
		}
	}
	close(work)
	wg.Wait()
	close(errc)
	if sendErr == nil {
		sendErr = <-errc
	}
	res.Took = time.Since(start)
	if sendErr != nil {
		return res, fmt.Errorf("loading after %d documents: %w", res.Documents, sendErr)
	}
	return res, nil
}

// Analyze has PostgreSQL at url refresh its planner statistics, as
// autovacuum would some time after a bulk load; without them the first
// queries after a load may get plans made for empty tables.
func Analyze(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connecting to analyze: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("ANALYZE: %w", err)
	}
	return nil
}
