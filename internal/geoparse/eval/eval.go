// Package eval scores the geoparser against gold places: recognition
// (precision, recall, F1 of the spans Parse finds) and resolution
// (exact-entry accuracy and accuracy within 161 km of the spans
// ResolveSpans is given), with the failures grouped by cause.
//
// A gold file is JSON lines:
//
//	{"id": "dev-001", "lang": "en", "text": "...",
//	 "places": [{"start": 10, "end": 13, "text": "Gao", "geonameid": 2457163, "lat": 16.27, "lon": -0.04}]}
//
// with offsets in Unicode code points, as the contract counts them.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/model"
)

// Gold is one annotated text.
type Gold struct {
	ID     string      `json:"id"`
	Lang   string      `json:"lang"`
	Text   string      `json:"text"`
	Places []GoldPlace `json:"places"`
}

// GoldPlace is one annotated toponym.
type GoldPlace struct {
	Start     int     `json:"start"`
	End       int     `json:"end"`
	Text      string  `json:"text"`
	GeonameID int64   `json:"geonameid"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
}

// Read reads a gold file and checks every span against its text.
func Read(r io.Reader) ([]Gold, error) {
	var out []Gold
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var g Gold
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		runes := []rune(g.Text)
		for _, p := range g.Places {
			if p.Start < 0 || p.End > len(runes) || p.Start >= p.End || string(runes[p.Start:p.End]) != p.Text {
				return nil, fmt.Errorf("line %d (%s): span %d:%d is not %q", n, g.ID, p.Start, p.End, p.Text)
			}
		}
		out = append(out, g)
	}
	return out, sc.Err()
}

// Failure is one toponym the parser got wrong.
type Failure struct {
	Cause string // see Report.Causes
	ID    string // the text's id
	Text  string // the toponym
	Got   string // what the parser said
}

// Report holds the scores.
type Report struct {
	Texts, Gold                  int
	Exact, Within161, Unresolved int
	MeanKm                       float64 // mean error of the resolved gold spans
	TP, FP, FN                   int     // recognition, spans overlapping count as found
	ExactSpan                    int     // recognised with the exact gold span
	Failures                     []Failure
}

// Precision, Recall and F1 of recognition.
func (r *Report) Precision() float64 { return ratio(r.TP, r.TP+r.FP) }
func (r *Report) Recall() float64    { return ratio(r.TP, r.TP+r.FN) }
func (r *Report) F1() float64 {
	p, q := r.Precision(), r.Recall()
	if p+q == 0 {
		return 0
	}
	return 2 * p * q / (p + q)
}

// Accuracy returns exact-entry accuracy and accuracy within 161 km.
func (r *Report) Accuracy() (exact, within float64) {
	return ratio(r.Exact, r.Gold), ratio(r.Within161, r.Gold)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Run scores p on golds.
func Run(p *geoparse.Parser, golds []Gold) *Report {
	r := &Report{Texts: len(golds)}
	var sumKm float64
	var nKm int
	for _, g := range golds {
		byteAt := byteOffsets(g.Text)
		spans := make([]model.Span, len(g.Places))
		for i, gp := range g.Places {
			spans[i] = model.Span{Start: byteAt[gp.Start], End: byteAt[gp.End]}
		}
		r.Gold += len(g.Places)
		for i, pl := range p.ResolveSpans(g.Text, spans) {
			gp := g.Places[i]
			if pl.Latitude == nil {
				r.Unresolved++
				r.Failures = append(r.Failures, Failure{"not in the gazetteer", g.ID, gp.Text, "-"})
				continue
			}
			km := Distance(gp.Lat, gp.Lon, *pl.Latitude, *pl.Longitude)
			sumKm += km
			nKm++
			if pl.GeonameID == gp.GeonameID {
				r.Exact++
			}
			if km <= 161 {
				r.Within161++
			}
			if pl.GeonameID != gp.GeonameID {
				got := fmt.Sprintf("%s (%d, %s, %s) %.0f km off — %s", pl.Name, pl.GeonameID, pl.FeatureCode, pl.CountryCode, km, pl.Why)
				r.Failures = append(r.Failures, Failure{wrongCause(km, pl), g.ID, gp.Text, got})
			}
		}
		// Recognition on the raw text.
		found := p.Parse(g.Text)
		matched := make([]bool, len(g.Places))
		for _, pl := range found {
			hit := false
			for i, gp := range g.Places {
				s, e := byteAt[gp.Start], byteAt[gp.End]
				if pl.Start < e && s < pl.End && !matched[i] {
					matched[i], hit = true, true
					if pl.Start == s && pl.End == e {
						r.ExactSpan++
					}
					break
				}
			}
			if hit {
				r.TP++
			} else {
				r.FP++
				r.Failures = append(r.Failures, Failure{"spurious: not a toponym", g.ID, pl.Text, pl.Name + " (" + pl.FeatureCode + ")"})
			}
		}
		for i, m := range matched {
			if !m {
				r.FN++
				r.Failures = append(r.Failures, Failure{"missed in raw text", g.ID, g.Places[i].Text, "-"})
			}
		}
	}
	if nKm > 0 {
		r.MeanKm = sumKm / float64(nKm)
	}
	return r
}

func wrongCause(km float64, pl model.Place) string {
	switch {
	case km <= 161:
		return "other entry nearby (≤161 km)"
	case pl.FeatureCode == "PCLI" || pl.FeatureCode == "ADM1" || pl.FeatureCode == "CONT" || pl.FeatureCode == "RGN":
		return "wrong: an area instead of a place (or the reverse)"
	default:
		return "wrong: a namesake far away"
	}
}

// Print writes the report: scores, then failures grouped by cause.
func (r *Report) Print(w io.Writer, examples int) {
	ex, within := r.Accuracy()
	fmt.Fprintf(w, "texts %d, gold toponyms %d\n", r.Texts, r.Gold)
	fmt.Fprintf(w, "resolution (gold spans): exact entry %.1f%% (%d), within 161 km %.1f%% (%d), not found %d, mean error %.0f km\n",
		100*ex, r.Exact, 100*within, r.Within161, r.Unresolved, r.MeanKm)
	fmt.Fprintf(w, "recognition (raw text): precision %.1f%%, recall %.1f%%, F1 %.3f (TP %d, FP %d, FN %d; exact spans %d)\n",
		100*r.Precision(), 100*r.Recall(), r.F1(), r.TP, r.FP, r.FN, r.ExactSpan)
	groups := map[string][]Failure{}
	for _, f := range r.Failures {
		groups[f.Cause] = append(groups[f.Cause], f)
	}
	causes := make([]string, 0, len(groups))
	for c := range groups {
		causes = append(causes, c)
	}
	sort.Slice(causes, func(i, j int) bool {
		if len(groups[causes[i]]) != len(groups[causes[j]]) {
			return len(groups[causes[i]]) > len(groups[causes[j]])
		}
		return causes[i] < causes[j]
	})
	for _, c := range causes {
		fmt.Fprintf(w, "\n%s: %d\n", c, len(groups[c]))
		for i, f := range groups[c] {
			if i == examples {
				fmt.Fprintf(w, "  ...\n")
				break
			}
			fmt.Fprintf(w, "  %s %q → %s\n", f.ID, f.Text, f.Got)
		}
	}
}

// Distance is the great-circle distance in km.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	a := math.Sin((lat2-lat1)*rad/2)*math.Sin((lat2-lat1)*rad/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin((lon2-lon1)*rad/2)*math.Sin((lon2-lon1)*rad/2)
	return 2 * 6371 * math.Asin(math.Sqrt(min(1, a)))
}

// byteOffsets maps code point index → byte offset (one past the end too).
func byteOffsets(s string) []int {
	out := make([]int, 0, utf8.RuneCountInString(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}
