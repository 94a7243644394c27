// Package extract is Vigil's extraction pipeline: it runs the language
// layer, geoparser, actor dictionary, date and count finders and the event
// classifier over one text, groups the sentences that report the same
// incident, and assembles events whose every field points at the words that
// support it.
package extract

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/vigil-hr/vigil/internal/actors"
	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
	"github.com/vigil-hr/vigil/internal/nlp/counts"
	"github.com/vigil-hr/vigil/internal/nlp/dates"
	"github.com/vigil-hr/vigil/internal/nlp/phrase"
)

// Name and Version identify this extractor in stored reports.
const (
	Name    = "vigil-extract"
	Version = "0.1.0"
)

// Options steer one extraction.
type Options struct {
	Published time.Time // publication date; zero when unknown
	Lang      string    // "en", "fr", or "" / "auto" to detect
	Now       time.Time // the clock, for years a text leaves out; zero means time.Now()
}

// Extractor holds the loaded resources; it is safe for concurrent use.
type Extractor struct {
	lex    *classify.Lexicon
	model  *classify.Model // nil: lexicon and rules alone
	weight float64         // how much the model's probabilities count
	gaz    *geoparse.Gazetteer
	geo    *geoparse.Parser
	actors *actors.Dictionary
}

// New loads the embedded resources.
func New() (*Extractor, error) {
	gaz, err := geoparse.Default()
	if err != nil {
		return nil, fmt.Errorf("loading gazetteer: %w", err)
	}
	dict, err := actors.Default()
	if err != nil {
		return nil, fmt.Errorf("loading actor dictionary: %w", err)
	}
	model, err := classify.DefaultModel()
	if err != nil {
		return nil, fmt.Errorf("loading event-type model: %w", err)
	}
	return &Extractor{lex: classify.Default(), model: model, weight: classify.DefaultModelWeight, gaz: gaz, geo: geoparse.NewParser(gaz), actors: dict}, nil
}

// WithModel returns a copy of x that uses m (nil: no model) with the given
// weight, for training and evaluation.
func (x *Extractor) WithModel(m *classify.Model, weight float64) *Extractor {
	y := *x
	y.model, y.weight = m, weight
	return &y
}

// FullVersion names the extractor and the versions of its resources.
func (x *Extractor) FullVersion() string {
	model := "no model"
	if x.model != nil {
		model = x.model.Version
	}
	return fmt.Sprintf("%s/%s (%s; %s; actors %s)", Name, Version, classify.Version, model, x.actors.Version())
}

// sentence is one sentence with everything found in it.
type sentence struct {
	span       model.Span
	index      int
	hits       []classify.Hit
	dates      []dates.Mention
	places     []model.Place
	actors     []actors.Mention
	harms      []counts.Harm
	cues       []phrase.Hit
	model      *classify.Verdict // the model's verdict on this sentence alone
	background bool
	why        string  // why it is background
	score      float64 // trigger weights plus the model's confident verdict
	lexScore   float64 // trigger weights alone
}

// Extract runs the pipeline over text. Offsets in the result count code
// points, as the outside contract requires.
func (x *Extractor) Extract(text string, opt Options) model.Extraction {
	lang := opt.Lang
	if lang == "" || lang == "auto" {
		lang, _ = nlp.DetectLanguage(text)
	}
	res := model.Extraction{Lang: lang, Events: []model.Event{}, Places: []model.Place{}}
	if !opt.Published.IsZero() {
		res.Published = opt.Published.Format(time.DateOnly)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	refYear := now.Year()
	if !opt.Published.IsZero() {
		refYear = opt.Published.Year()
	}

	sents, places := x.analyse(text, lang, opt.Published, refYear)
	clusters := cluster(sents)
	if len(clusters) == 0 && x.model != nil {
		// No sentence carries a trigger or a confident verdict of its own,
		// but the report as a whole may still read as an event to the
		// model (strategic developments often use no violent word).
		if c := x.wholeText(text, sents); c != nil {
			clusters = append(clusters, c)
		}
	}
	for _, c := range clusters {
		if ev, ok := x.assemble(text, lang, c, opt, sents); ok {
			res.Events = append(res.Events, ev)
		}
	}

	ri := nlp.NewRuneIndex(text)
	for _, p := range places {
		p.Start, p.End = ri.Rune(p.Start), ri.Rune(p.End)
		res.Places = append(res.Places, p)
	}
	for i := range res.Events {
		for j := range res.Events[i].Evidence {
			e := &res.Events[i].Evidence[j]
			e.Start, e.End = ri.Rune(e.Start), ri.Rune(e.End)
		}
	}
	return res
}

// modelSentenceProb is the model probability from which a sentence counts
// as reporting an event on the model's word alone.
const modelSentenceProb = 0.6

// modelDocProb is the model probability from which a report with no event
// sentence still yields an event, read as a whole.
const modelDocProb = 0.5

// modelGateProb is the model probability from which an event needs no
// actor from the dictionary.
const modelGateProb = 0.6

var yearRe = regexp.MustCompile(`\b(1[89]\d\d|20\d\d)\b`)

// analyse splits text into sentences and attaches what each one holds.
func (x *Extractor) analyse(text, lang string, published time.Time, refYear int) ([]*sentence, []model.Place) {
	dl := datelines(text)
	spans := nlp.Sentences(text)
	sents := make([]*sentence, len(spans))
	for i, sp := range spans {
		sents[i] = &sentence{span: sp, index: i}
	}
	at := func(sp model.Span) *sentence {
		i := sort.Search(len(sents), func(i int) bool { return sents[i].span.End > sp.Start })
		if i < len(sents) && sents[i].span.Start <= sp.Start {
			return sents[i]
		}
		return nil
	}
	doc := phrase.Prepare(text)
	for _, h := range cues.Find(doc) {
		if s := at(h.Span); s != nil {
			s.cues = append(s.cues, h)
		}
	}
	for _, h := range x.lex.MatchDoc(doc) {
		if s := at(h.Span); s != nil {
			s.hits = append(s.hits, h)
		}
	}
	for _, d := range dates.Find(text, lang, published) {
		if inside(dl, d.Span) {
			continue // when the report was filed, not when the incident happened
		}
		if s := at(d.Span); s != nil {
			s.dates = append(s.dates, d)
		}
	}
	places := x.geo.Parse(text)
	for _, p := range places {
		sp := model.Span{Start: p.Start, End: p.End}
		if inside(dl, sp) {
			continue // where the report was filed
		}
		if s := at(sp); s != nil {
			s.places = append(s.places, p)
		}
	}
	for _, m := range x.actors.Find(text) {
		if s := at(m.Span); s != nil {
			s.actors = append(s.actors, m)
		}
	}
	for _, h := range counts.FindHarms(text, lang) {
		if s := at(h.Span); s != nil {
			s.harms = append(s.harms, h)
		}
	}
	for _, s := range sents {
		if c := cuesOf(text, s, cueNonPolitical); len(c) > 0 {
			s.hits, s.harms = nil, nil // floods, accidents and football kill and attack too
			s.why = fmt.Sprintf("not political violence (%q)", c[0].text)
		}
		s.hits = slices.DeleteFunc(s.hits, func(h classify.Hit) bool {
			for _, hm := range s.harms {
				if hm.Negated && hm.Span.Start <= h.Span.Start && h.Span.End <= hm.Span.End {
					return true // "nobody was killed" is no killing
				}
			}
			return false
		})
		for _, h := range s.hits {
			s.score += h.Weight
		}
		s.lexScore = s.score
		// The model may see an event where the lexicon has no trigger
		// (wording it does not list); its confident verdict makes the
		// sentence an event sentence.
		if x.model != nil && s.why == "" && s.lexScore < 2 {
			p := x.model.Quick(doc.Sub(s.span), x.lex)
			s.model = &p
			if !p.Abstain && p.Prob >= modelSentenceProb {
				s.score += x.weight * p.Prob
			}
		}
		seg := text[s.span.Start:s.span.End]
		if c := cuesOf(text, s, cueBackground); len(c) > 0 {
			s.background, s.why = true, fmt.Sprintf("recalls background (%q)", c[0].text)
		}
		// A sentence that dates itself only to earlier years is background.
		if len(s.dates) == 0 {
			for _, m := range yearRe.FindAllString(seg, -1) {
				if y, _ := strconv.Atoi(m); y < refYear {
					s.background, s.why = true, fmt.Sprintf("refers to %d", y)
				}
			}
		}
		// So is one whose dates all lie months before publication.
		if !published.IsZero() && len(s.dates) > 0 {
			old := true
			for _, d := range s.dates {
				if published.Sub(d.Date) < 60*24*time.Hour {
					old = false
				}
			}
			if old {
				s.background, s.why = true, "its dates lie months before publication"
			}
		}
	}
	return sents, places
}

// wholeText returns the report's non-background sentences as one candidate
// incident when the model, reading them together, sees an event.
func (x *Extractor) wholeText(text string, sents []*sentence) []*sentence {
	var c []*sentence
	for _, s := range sents {
		if !s.background && s.why == "" {
			c = append(c, s)
		}
	}
	if len(c) == 0 {
		return nil
	}
	p := x.model.Quick(phrase.Prepare(clusterText(text, c)), x.lex)
	if p.Abstain || p.Prob < modelDocProb {
		return nil
	}
	return c
}

// cluster groups event sentences into candidate incidents. The first
// sentence with strong triggers and a date or place anchors the first
// incident; a later sentence opens a new one only when it carries triggers
// and an explicit date more than a day from the current incident's. Other
// event sentences join the incident before them (or the first one).
func cluster(sents []*sentence) [][]*sentence {
	var clusters [][]*sentence
	var anchors []time.Time
	var lead []*sentence // sentences before the first event sentence
	for _, s := range sents {
		if len(clusters) == 0 && !s.background && s.score < 2 && len(s.harms) == 0 {
			if len(s.actors) > 0 || len(s.places) > 0 {
				lead = append(lead, s)
			}
			continue
		}
		if s.background {
			continue
		}
		if s.score == 0 && len(s.harms) == 0 {
			// A sentence without triggers right after an event sentence
			// often carries its date, place or actors ("It happened at dawn
			// on Thursday 13 March in ...").
			if n := len(clusters); n > 0 && (len(s.dates) > 0 || len(s.places) > 0 || len(s.actors) > 0) {
				last := clusters[n-1][len(clusters[n-1])-1]
				if s.index-last.index <= 2 {
					clusters[n-1] = append(clusters[n-1], s)
				}
			}
			continue
		}
		if len(clusters) == 0 {
			clusters = append(clusters, []*sentence{s})
			anchors = append(anchors, time.Time{})
			if len(s.dates) > 0 && s.score >= 2 {
				anchors[0] = s.dates[0].Date
			}
			continue
		}
		cur := len(clusters) - 1
		// Only the lexicon's triggers may open a second incident: the
		// model's verdict on one sentence is not enough to split a report.
		if s.lexScore >= 2 && len(s.dates) > 0 {
			d := s.dates[0].Date
			if anchors[cur].IsZero() {
				anchors[cur] = d
			} else if math.Abs(d.Sub(anchors[cur]).Hours()) > 36 {
				clusters = append(clusters, []*sentence{s})
				anchors = append(anchors, d)
				continue
			}
		}
		clusters[cur] = append(clusters[cur], s)
	}
	// The headline and lead summarise the first incident: they name its
	// perpetrators and place even when they carry no trigger.
	if len(clusters) > 0 && len(lead) > 0 {
		clusters[0] = append(lead, clusters[0]...)
	}
	return clusters
}
