package classify

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Example is one labelled text for training or evaluation.
type Example struct {
	ID    string `json:"id"`
	Lang  string `json:"lang"`
	Text  string `json:"text"`
	Label string `json:"label"` // a sub-event type or NoEvent
	// Group ties a translation to its original so both land in one split;
	// set by ReadCorpus (not part of the corpus files).
	Group string `json:"-"`
}

// TrainOptions steer training. The zero value is not useful; start from
// DefaultTrainOptions.
type TrainOptions struct {
	Buckets int     // hashed feature space
	Epochs  int     // passes over the data
	Rate    float64 // AdaGrad learning rate
	L2      float64 // weight decay per update
	Seed    uint64  // shuffling; the same seed and data give the same model
	Version string
	Log     func(format string, args ...any)
}

// DefaultTrainOptions are the settings the shipped model is trained with.
var DefaultTrainOptions = TrainOptions{Buckets: 1 << 18, Epochs: 12, Rate: 0.2, L2: 1e-6, Seed: 20261125}

type encoded struct {
	feats   []Feature
	buckets []int
	label   int
}

// Train fits a model on train and calibrates its temperature and abstention
// threshold on dev. It is deterministic: one goroutine, a seeded shuffle.
func Train(train, dev []Example, opt TrainOptions) (*Model, error) {
	if len(train) == 0 {
		return nil, fmt.Errorf("train: no training examples")
	}
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	classes := []string{NoEvent}
	for _, l := range Taxonomy {
		classes = append(classes, l.Sub)
	}
	m := &Model{Version: opt.Version, Classes: classes, Buckets: opt.Buckets, Temperature: 1}
	m.index()
	enc := func(exs []Example) ([]encoded, error) {
		out := make([]encoded, len(exs))
		for i, ex := range exs {
			c, ok := m.names[ex.Label]
			if !ok {
				return nil, fmt.Errorf("example %q: unknown label %q", ex.ID, ex.Label)
			}
			fs := Featurize(ex.Text)
			bs := make([]int, len(fs))
			for j, f := range fs {
				bs[j] = bucket(f.Name, m.Buckets)
			}
			out[i] = encoded{fs, bs, c}
		}
		return out, nil
	}
	tr, err := enc(train)
	if err != nil {
		return nil, err
	}
	dv, err := enc(dev)
	if err != nil {
		return nil, err
	}
	nc := len(classes)
	m.w = make([]float32, m.Buckets*nc)
	m.bias = make([]float32, nc)
	g2 := make([]float32, len(m.w))
	gb := make([]float32, nc)
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	order := make([]int, len(tr))
	for i := range order {
		order[i] = i
	}
	for epoch := range opt.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss float64
		for _, k := range order {
			ex := tr[k]
			p := softmax(m.scores(ex.feats, ex.buckets), 1)
			loss -= math.Log(max(p[ex.label], 1e-12))
			for c := range nc {
				d := p[c]
				if c == ex.label {
					d -= 1
				}
				if d == 0 {
					continue
				}
				gb[c] += float32(d * d)
				m.bias[c] -= float32(opt.Rate * d / math.Sqrt(float64(gb[c])+1e-8))
				for i, f := range ex.feats {
					j := ex.buckets[i]*nc + c
					g := float32(d) * f.Value
					g2[j] += g * g
					m.w[j] -= float32(opt.Rate)*g/float32(math.Sqrt(float64(g2[j])+1e-8)) + float32(opt.L2)*m.w[j]
				}
			}
		}
		logf("epoch %d: mean train loss %.4f", epoch+1, loss/float64(len(tr)))
	}
	if len(dv) > 0 {
		m.calibrate(dv)
		logf("calibrated on %d dev examples: temperature %.2f, threshold %.2f", len(dv), m.Temperature, m.Threshold)
	}
	return m, nil
}

// calibrate picks the temperature that minimises the dev split's negative
// log-likelihood, then the abstention threshold that maximises its weighted F1.
func (m *Model) calibrate(dv []encoded) {
	raw := make([][]float64, len(dv))
	for i, ex := range dv {
		raw[i] = m.scores(ex.feats, ex.buckets)
	}
	bestT, bestNLL := 1.0, math.Inf(1)
	for t := 0.25; t <= 4.0001; t += 0.05 {
		var nll float64
		for i, ex := range dv {
			nll -= math.Log(max(softmax(raw[i], t)[ex.label], 1e-12))
		}
		if nll < bestNLL {
			bestT, bestNLL = t, nll
		}
	}
	m.Temperature = math.Round(bestT*100) / 100
	bestTh, bestF1 := 0.0, -1.0
	for th := 0.0; th <= 0.9001; th += 0.05 {
		var gold, pred []string
		for i, ex := range dv {
			p := softmax(raw[i], m.Temperature)
			b := slices.Index(p, slices.Max(p))
			label := m.Classes[b]
			if p[b] < th {
				label = NoEvent
			}
			gold = append(gold, m.Classes[ex.label])
			pred = append(pred, label)
		}
		if f1 := Score(gold, pred).WeightedF1; f1 > bestF1+1e-9 {
			bestTh, bestF1 = th, f1
		}
	}
	m.Threshold = math.Round(bestTh*100) / 100
}
