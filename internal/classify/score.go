package classify

import (
	"fmt"
	"io"
	"sort"
)

// ClassScore is one class's precision, recall and F1.
type ClassScore struct {
	Label                 string
	Precision, Recall, F1 float64
	Support               int // gold examples of this class
}

// Report scores predictions against gold labels. NoEvent is a label like
// the others in the confusion list, but the averages are over the event
// classes only, as in the CASE 2021 task: an event missed (predicted
// NoEvent) lowers recall, an event invented for a NoEvent text lowers
// precision.
type Report struct {
	Classes                      []ClassScore
	MicroF1, MacroF1, WeightedF1 float64
	Accuracy                     float64
	NoEventKept, NoEventTotal    int // NoEvent texts that got no event
	Confusions                   []Confusion
	N                            int
}

// Confusion counts one kind of mistake.
type Confusion struct {
	Gold, Pred string
	N          int
}

// Score compares gold and predicted labels.
func Score(gold, pred []string) Report {
	r := Report{N: len(gold)}
	tp, fp, fn, sup := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	conf := map[[2]string]int{}
	correct := 0
	for i := range gold {
		g, p := gold[i], pred[i]
		if g == NoEvent {
			r.NoEventTotal++
			if p == NoEvent {
				r.NoEventKept++
			}
		} else {
			sup[g]++
		}
		if g == p {
			correct++
			if g != NoEvent {
				tp[g]++
			}
			continue
		}
		conf[[2]string{g, p}]++
		if p != NoEvent {
			fp[p]++
		}
		if g != NoEvent {
			fn[g]++
		}
	}
	if r.N > 0 {
		r.Accuracy = float64(correct) / float64(r.N)
	}
	var sumTP, sumFP, sumFN, total int
	for _, l := range Taxonomy {
		c := l.Sub
		if sup[c] == 0 && fp[c] == 0 {
			continue
		}
		cs := ClassScore{Label: c, Support: sup[c]}
		if tp[c]+fp[c] > 0 {
			cs.Precision = float64(tp[c]) / float64(tp[c]+fp[c])
		}
		if tp[c]+fn[c] > 0 {
			cs.Recall = float64(tp[c]) / float64(tp[c]+fn[c])
		}
		if cs.Precision+cs.Recall > 0 {
			cs.F1 = 2 * cs.Precision * cs.Recall / (cs.Precision + cs.Recall)
		}
		r.Classes = append(r.Classes, cs)
		sumTP, sumFP, sumFN = sumTP+tp[c], sumFP+fp[c], sumFN+fn[c]
		total += sup[c]
		r.WeightedF1 += cs.F1 * float64(sup[c])
		r.MacroF1 += cs.F1
	}
	if total > 0 {
		r.WeightedF1 /= float64(total)
	}
	if len(r.Classes) > 0 {
		r.MacroF1 /= float64(len(r.Classes))
	}
	if sumTP > 0 {
		p := float64(sumTP) / float64(sumTP+sumFP)
		rc := float64(sumTP) / float64(sumTP+sumFN)
		r.MicroF1 = 2 * p * rc / (p + rc)
	}
	for k, n := range conf {
		r.Confusions = append(r.Confusions, Confusion{k[0], k[1], n})
	}
	sort.Slice(r.Confusions, func(i, j int) bool {
		a, b := r.Confusions[i], r.Confusions[j]
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Gold+a.Pred < b.Gold+b.Pred
	})
	return r
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer, maxConfusions int) {
	fmt.Fprintf(w, "%-38s %9s %9s %9s %8s\n", "sub_event_type", "precision", "recall", "f1", "support")
	for _, c := range r.Classes {
		fmt.Fprintf(w, "%-38s %9.3f %9.3f %9.3f %8d\n", c.Label, c.Precision, c.Recall, c.F1, c.Support)
	}
	fmt.Fprintf(w, "\nn=%d accuracy=%.3f micro-F1=%.3f macro-F1=%.3f weighted-F1=%.3f", r.N, r.Accuracy, r.MicroF1, r.MacroF1, r.WeightedF1)
	if r.NoEventTotal > 0 {
		fmt.Fprintf(w, " no-event kept %d/%d (%.3f)", r.NoEventKept, r.NoEventTotal, float64(r.NoEventKept)/float64(r.NoEventTotal))
	}
	fmt.Fprintln(w)
	if maxConfusions > 0 && len(r.Confusions) > 0 {
		fmt.Fprintln(w, "\nmost frequent confusions (gold -> predicted):")
		for i, c := range r.Confusions {
			if i == maxConfusions {
				break
			}
			fmt.Fprintf(w, "  %3d  %s -> %s\n", c.N, c.Gold, c.Pred)
		}
	}
}
