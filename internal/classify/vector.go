package classify

import (
	"math"
	"strconv"
	"sync"

	"github.com/vigil-hr/vigil/internal/nlp/phrase"
)

// The fast path: the same features as Featurize, hashed straight from the
// text's bytes into bucket indices, with no feature strings built. The two
// paths must agree bucket for bucket (TestVectorMatchesFeaturize).

const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

func fnvAdd(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime32
	}
	return h
}

func fnvByte(h uint32, b byte) uint32 {
	h ^= uint32(b)
	return h * fnvPrime32
}

var (
	hW = fnvAdd(fnvOffset32, "w:")
	hB = fnvAdd(fnvOffset32, "b:")
	hC = fnvAdd(fnvOffset32, "c:")
)

// vec is a featurised text: bucket indices and values.
type vec struct {
	idx []int32
	val []float32
}

var vecPool = sync.Pool{New: func() any { return &vec{idx: make([]int32, 0, 512), val: make([]float32, 0, 512)} }}

func (v *vec) add(h uint32, n int, val float32) {
	v.idx = append(v.idx, int32(h%uint32(n)))
	v.val = append(v.val, val)
}

// vectorize fills v with d's features hashed into n buckets.
func vectorize(v *vec, d *phrase.Doc, lx *Lexicon, n int) {
	walk(v, d, lx, n, nil)
}

// walk produces d's features in Featurize's order. With names non-nil it
// also writes the name of each feature whose position is a key of names
// (and only those: naming every feature would cost more than scoring).
func walk(v *vec, d *phrase.Doc, lx *Lexicon, n int, names map[int]string) {
	v.idx, v.val = v.idx[:0], v.val[:0]
	name := func(build func() string) {
		if names != nil {
			if _, ok := names[len(v.idx)-1]; ok {
				names[len(v.idx)-1] = build()
			}
		}
	}
	words := d.Words()
	prev := "<s>"
	for _, w := range words {
		w = normDigits(w)
		v.add(fnvAdd(hW, w), n, 1)
		name(func() string { return "w:" + w })
		v.add(fnvAdd(fnvAdd(fnvAdd(hB, prev), "_"), w), n, 1)
		p := prev
		name(func() string { return "b:" + p + "_" + w })
		prev = w
		if len(w) >= 4 {
			// character n-grams of "<" + w + ">"
			gl := len(w) + 2
			at := func(j int) byte {
				switch j {
				case 0:
					return '<'
				case gl - 1:
					return '>'
				}
				return w[j-1]
			}
			for k := 3; k <= 5; k++ {
				for i := 0; i+k <= gl; i++ {
					h := hC
					for j := i; j < i+k; j++ {
						h = fnvByte(h, at(j))
					}
					v.add(h, n, 0.25)
					if names != nil {
						i, k := i, k
						name(func() string { return "c:" + ("<" + w + ">")[i:i+k] })
					}
				}
			}
		}
	}
	if len(words) > 0 {
		v.add(fnvAdd(fnvAdd(hB, prev), "_</s>"), n, 1)
		name(func() string { return "b:" + prev + "_</s>" })
	}
	var lex [32]float32
	var seen [32]bool
	order := make([]int, 0, 4)
	for _, h := range lx.MatchDoc(d) {
		k := subIndex[h.Sub]
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
		lex[k] += float32(h.Weight)
	}
	for _, k := range order {
		v.add(fnvAdd(fnvOffset32, "lex:"+Taxonomy[k].Sub), n, min(lex[k], 9)/3)
		name(func() string { return "lex:" + Taxonomy[k].Sub })
	}
}

var subIndex = func() map[string]int {
	m := make(map[string]int, len(Taxonomy))
	for i, l := range Taxonomy {
		m[l.Sub] = i
	}
	return m
}()

// Verdict is the fast prediction: the best label and its probability.
type Verdict struct {
	Label   string
	Prob    float64
	Abstain bool
}

// Quick classifies a prepared text without explanations or the full
// probability table: for scoring many sentences.
func (m *Model) Quick(d *phrase.Doc, lx *Lexicon) Verdict {
	v := vecPool.Get().(*vec)
	defer vecPool.Put(v)
	vectorize(v, d, lx, m.Buckets)
	nc := len(m.Classes)
	var buf [64]float64
	s := buf[:nc]
	for c := range s {
		s[c] = float64(m.bias[c])
	}
	for i, b := range v.idx {
		row := m.w[int(b)*nc : int(b)*nc+nc]
		f := v.val[i]
		for c, w := range row {
			s[c] += float64(w * f)
		}
	}
	best, z := softmaxInPlace(s, m.Temperature)
	label := m.Classes[best]
	p := s[best] / z
	return Verdict{Label: label, Prob: p, Abstain: label == NoEvent || p < m.Threshold}
}

// softmaxInPlace turns scores into unnormalised exponentials and returns
// the best index and the normaliser.
func softmaxInPlace(s []float64, temp float64) (best int, z float64) {
	if temp <= 0 {
		temp = 1
	}
	for i := range s {
		if s[i] > s[best] {
			best = i
		}
	}
	mx := s[best]
	for i, v := range s {
		s[i] = math.Exp((v - mx) / temp)
		z += s[i]
	}
	return best, z
}

// PredictDoc classifies a prepared text like Predict(FeaturizeDoc(d, lx))
// and explains it the same way, but names only the features it shows.
func (m *Model) PredictDoc(d *phrase.Doc, lx *Lexicon) Prediction {
	v := vecPool.Get().(*vec)
	defer vecPool.Put(v)
	vectorize(v, d, lx, m.Buckets)
	nc := len(m.Classes)
	s := make([]float64, nc)
	for c := range s {
		s[c] = float64(m.bias[c])
	}
	for i, b := range v.idx {
		row := m.w[int(b)*nc : int(b)*nc+nc]
		for c, w := range row {
			s[c] += float64(w * v.val[i])
		}
	}
	p := softmax(s, m.Temperature)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	pr := Prediction{Label: m.Classes[best], Prob: p[best], Probs: make(map[string]float64, nc)}
	for c, x := range p {
		pr.Probs[m.Classes[c]] = x
	}
	pr.Abstain = pr.Label == NoEvent || pr.Prob < m.Threshold
	// The strongest contributions, one per bucket (a repeated feature
	// shares its bucket), then their names.
	type contrib struct {
		pos int
		v   float64
	}
	var top [6]contrib
	n := 0
	seen := make(map[int32]bool, len(v.idx))
	for i, b := range v.idx {
		row := m.w[int(b)*nc : int(b)*nc+nc]
		var mean float64
		for _, w := range row {
			mean += float64(w)
		}
		mean /= float64(nc)
		x := (float64(row[best]) - mean) * float64(v.val[i])
		if x <= 0 || seen[b] || n == len(top) && x <= top[n-1].v {
			continue
		}
		seen[b] = true
		k := min(n, len(top)-1)
		for k > 0 && top[k-1].v < x {
			if k < len(top) {
				top[k] = top[k-1]
			}
			k--
		}
		top[k] = contrib{i, x}
		n = min(n+1, len(top))
	}
	names := make(map[int]string, n)
	for _, c := range top[:n] {
		names[c.pos] = ""
	}
	var w vec
	walk(&w, d, lx, m.Buckets, names)
	for _, c := range top[:n] {
		pr.Why = append(pr.Why, names[c.pos]+" (+"+strconv.FormatFloat(c.v, 'f', 2, 64)+")")
	}
	return pr
}
