package incident

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// GoldReport is one line of a linking test set: a short report, who
// published it, and the incident and origin the team assigned it.
type GoldReport struct {
	ID        string     `json:"id"`
	Incident  string     `json:"incident"` // gold incident ID
	Origin    string     `json:"origin"`   // gold origin: reports sharing one are not independent
	Outlet    string     `json:"outlet"`
	Kind      SourceKind `json:"kind"`
	Published string     `json:"published"` // YYYY-MM-DD
	Lang      string     `json:"lang"`
	Decoy     string     `json:"decoy,omitempty"` // what makes it a decoy for another incident
	Note      string     `json:"note,omitempty"`
	Text      string     `json:"text"`
}

// Limits on a test set file.
const (
	maxGoldLine    = 64 << 10
	maxGoldReports = 100_000
)

// ReadGold reads a linking test set (JSON Lines).
func ReadGold(path string) (out []GoldReport, err error) {
	defer errs.Wrap(&err, "%s", path)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseGold(f)
}

func parseGold(r io.Reader) ([]GoldReport, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxGoldLine)
	var out []GoldReport
	ids := map[string]bool{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var g GoldReport
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&g); err != nil {
			return nil, errs.E(errs.Invalid, "line %d: %v", n, err)
		}
		switch {
		case g.ID == "" || g.Incident == "" || g.Origin == "" || strings.TrimSpace(g.Text) == "":
			return nil, errs.E(errs.Invalid, "line %d: id, incident, origin and text are required", n)
		case ids[g.ID]:
			return nil, errs.E(errs.Invalid, "line %d: id %q is repeated", n, g.ID)
		case g.Kind != "" && !g.Kind.Valid():
			return nil, errs.E(errs.Invalid, "line %d: unknown kind %q", n, g.Kind)
		}
		if _, err := time.Parse(time.DateOnly, g.Published); err != nil {
			return nil, errs.E(errs.Invalid, "line %d: published %q is not YYYY-MM-DD", n, g.Published)
		}
		ids[g.ID] = true
		out = append(out, g)
		if len(out) > maxGoldReports {
			return nil, errs.E(errs.Invalid, "more than %d reports", maxGoldReports)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, errs.E(errs.Invalid, "reading: %v", err)
	}
	return out, nil
}

// PRF is a precision, a recall and their F1.
type PRF struct{ P, R, F1 float64 }

func prf(p, r float64) PRF {
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return PRF{p, r, f}
}

// Failure is a group of pairs of reports linked wrongly for one cause.
type Failure struct {
	Cause    string
	Pairs    int
	Examples []string // "a + b: why", at most a few
}

// SourceCheck compares an incident's independent sources with the gold.
type SourceCheck struct {
	Incident  string // gold incident
	Predicted string // the incident holding most of its reports
	Gold, Got int
	Reports   int
}

// EvalResult is the outcome of linking a test set.
type EvalResult struct {
	Reports, GoldIncidents, Incidents int
	Pairwise, BCubed                  PRF
	Failures                          []Failure
	Sources                           []SourceCheck
	Elapsed                           time.Duration
	// Linked lists every incident with its reports and why each joined.
	Linked []LinkedIncident
}

// LinkedIncident is one incident the Linker made, for inspection.
type LinkedIncident struct {
	Summary   Summary
	Decisions []Decision // of the events it holds, in linking order
}

// ExtractFunc extracts the events of one report.
type ExtractFunc func(GoldReport) []model.Event

// Evaluate links the reports in publication order (file order among
// equals) with a new Linker and scores the incident of each report's first
// event against the gold: pairwise and B-cubed precision and recall, the
// wrongly linked pairs grouped by cause, and independent sources per gold
// incident. A report without events is a singleton.
func Evaluate(reps []GoldReport, extract ExtractFunc, cfg Config) (*EvalResult, error) {
	l, err := New(cfg, nil)
	if err != nil {
		return nil, err
	}
	order := slices.Clone(reps)
	slices.SortStableFunc(order, func(a, b GoldReport) int { return strings.Compare(a.Published, b.Published) })
	start := time.Now()
	first := map[string]*features{} // report ID -> its first event's features
	var decisions []Decision
	for _, g := range order {
		evs := extract(g)
		r := Report{DocumentID: g.ID, Outlet: g.Outlet, Kind: g.Kind, Published: g.Published, Text: g.Text}
		ds, err := l.AddReport(r, evs)
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", g.ID, err)
		}
		decisions = append(decisions, ds...)
		if len(evs) > 0 {
			f := featuresOf(&evs[0], l.byDoc[g.ID])
			first[g.ID] = &f
		}
	}
	res := &EvalResult{Reports: len(reps), Elapsed: time.Since(start)}
	for _, id := range l.IDs() {
		s, err := l.Summarize(id)
		if err != nil {
			return nil, err
		}
		li := LinkedIncident{Summary: s}
		for _, d := range decisions {
			if inc, _ := l.IncidentOf(d.EventID); inc == id {
				li.Decisions = append(li.Decisions, d)
			}
		}
		res.Linked = append(res.Linked, li)
	}
	pred := make([]string, len(reps))
	for i, g := range reps {
		if id, ok := l.IncidentOf(g.ID + "#1"); ok {
			pred[i] = id
		} else {
			pred[i] = "none:" + g.ID
		}
	}
	gold := make([]string, len(reps))
	for i, g := range reps {
		gold[i] = g.Incident
	}
	res.GoldIncidents, res.Incidents = distinct(gold), distinct(pred)
	res.Pairwise, res.BCubed = pairwise(gold, pred), bcubed(gold, pred)

	groups := map[string]*Failure{}
	fail := func(cause, example string) {
		f := groups[cause]
		if f == nil {
			f = &Failure{Cause: cause}
			groups[cause] = f
		}
		f.Pairs++
		if len(f.Examples) < 4 {
			f.Examples = append(f.Examples, example)
		}
	}
	for i := range reps {
		for j := i + 1; j < len(reps); j++ {
			a, b := reps[i], reps[j]
			sameGold, samePred := gold[i] == gold[j], pred[i] == pred[j]
			if sameGold == samePred {
				continue
			}
			fa, fb := first[a.ID], first[b.ID]
			pair := a.ID + " + " + b.ID
			switch {
			case fa == nil || fb == nil:
				fail("kept apart: no event extracted", pair)
			case sameGold:
				s := compare(fa, fb)
				fail("kept apart: "+s.cause(), pair+": "+s.explain())
			default:
				decoy := cmp.Or(a.Decoy, b.Decoy, "not a decoy")
				fail("linked wrongly: "+decoy, pair+": "+compare(fa, fb).explain())
			}
		}
	}
	for _, f := range groups {
		res.Failures = append(res.Failures, *f)
	}
	slices.SortFunc(res.Failures, func(x, y Failure) int {
		return cmp.Or(y.Pairs-x.Pairs, strings.Compare(x.Cause, y.Cause))
	})

	// Independent sources: each gold incident against the incident that
	// holds most of its reports.
	byGold := map[string][]int{}
	var golds []string
	for i, g := range reps {
		if byGold[g.Incident] == nil {
			golds = append(golds, g.Incident)
		}
		byGold[g.Incident] = append(byGold[g.Incident], i)
	}
	for _, gi := range golds {
		idx := byGold[gi]
		votes := map[string]int{}
		origins := map[string]bool{}
		top := pred[idx[0]]
		for _, i := range idx {
			votes[pred[i]]++
			origins[reps[i].Origin] = true
			if votes[pred[i]] > votes[top] {
				top = pred[i]
			}
		}
		sc := SourceCheck{Incident: gi, Predicted: top, Gold: len(origins), Reports: len(idx)}
		if s, err := l.Summarize(top); err == nil {
			sc.Got = s.IndependentSources
		}
		res.Sources = append(res.Sources, sc)
	}
	return res, nil
}

func distinct(xs []string) int {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return len(m)
}

// pairwise scores the pairs of items put together.
func pairwise(gold, pred []string) PRF {
	var tp, pp, gp int
	for i := range gold {
		for j := i + 1; j < len(gold); j++ {
			g, p := gold[i] == gold[j], pred[i] == pred[j]
			if g {
				gp++
			}
			if p {
				pp++
			}
			if g && p {
				tp++
			}
		}
	}
	return prf(ratio(tp, pp), ratio(tp, gp))
}

// bcubed averages, over items, the share of an item's predicted cluster
// that is in its gold cluster (precision) and the converse (recall).
func bcubed(gold, pred []string) PRF {
	if len(gold) == 0 {
		return PRF{}
	}
	var p, r float64
	for i := range gold {
		var both, inPred, inGold int
		for j := range gold {
			sg, sp := gold[i] == gold[j], pred[i] == pred[j]
			if sg {
				inGold++
			}
			if sp {
				inPred++
			}
			if sg && sp {
				both++
			}
		}
		p += float64(both) / float64(inPred)
		r += float64(both) / float64(inGold)
	}
	n := float64(len(gold))
	return prf(p/n, r/n)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Print writes the result for people.
func (r *EvalResult) Print(w io.Writer, all bool) {
	fmt.Fprintf(w, "%d reports, %d gold incidents, %d linked incidents (linking took %s)\n\n", r.Reports, r.GoldIncidents, r.Incidents, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "%-9s %9s %9s %9s\n", "", "precision", "recall", "F1")
	fmt.Fprintf(w, "%-9s %9.3f %9.3f %9.3f\n", "pairwise", r.Pairwise.P, r.Pairwise.R, r.Pairwise.F1)
	fmt.Fprintf(w, "%-9s %9.3f %9.3f %9.3f\n", "B-cubed", r.BCubed.P, r.BCubed.R, r.BCubed.F1)
	right := 0
	for _, s := range r.Sources {
		if s.Gold == s.Got {
			right++
		}
	}
	fmt.Fprintf(w, "\nindependent sources right for %d of %d gold incidents\n", right, len(r.Sources))
	for _, s := range r.Sources {
		if s.Gold != s.Got || all {
			fmt.Fprintf(w, "  %-24s %2d reports -> %s: %d independent, gold %d\n", s.Incident, s.Reports, s.Predicted, s.Got, s.Gold)
		}
	}
	if all {
		fmt.Fprintln(w, "\nincidents:")
		for _, li := range r.Linked {
			fmt.Fprintf(w, "  %s\n", li.Summary)
			for _, d := range li.Decisions {
				fmt.Fprintf(w, "      %-12s %s\n", d.EventID, d.Why)
			}
			for _, fc := range li.Summary.Claims {
				if len(fc.Claims) > 1 {
					fmt.Fprintf(w, "      %s: %s\n", fc.Field, fc.Rule)
				}
			}
			if c := li.Summary.Corroboration; len(c.Denials) > 0 {
				fmt.Fprintf(w, "      %s\n", c.Why)
			}
		}
	}
	if len(r.Failures) == 0 {
		fmt.Fprintln(w, "\nno wrongly linked pairs")
		return
	}
	fmt.Fprintln(w, "\nwrongly linked pairs by cause:")
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  %4d  %s\n", f.Pairs, f.Cause)
		for _, e := range f.Examples {
			fmt.Fprintf(w, "          %s\n", e)
		}
	}
}
