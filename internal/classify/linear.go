package classify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// NoEvent is the model's label for texts that report no event in the
// taxonomy.
const NoEvent = "none"

// Model is a linear classifier over hashed features: one weight per bucket
// and class, stored quantised to int8 with one scale per class.
type Model struct {
	Version     string
	Classes     []string // NoEvent and the sub-event types
	Buckets     int
	Temperature float64 // softmax temperature, calibrated on the development split
	Threshold   float64 // below this probability the model abstains

	w     []float32 // [bucket*len(Classes)+class], dequantised at load
	bias  []float32
	names map[string]int
}

// Prediction is the model's verdict on one text.
type Prediction struct {
	Label   string
	Prob    float64
	Probs   map[string]float64
	Abstain bool     // best probability under the threshold, or NoEvent
	Why     []string // the features that pushed hardest for the label
}

func (m *Model) index() {
	m.names = make(map[string]int, len(m.Classes))
	for i, c := range m.Classes {
		m.names[c] = i
	}
}

// scores returns the raw class scores for a feature list.
func (m *Model) scores(fs []Feature, buckets []int) []float64 {
	nc := len(m.Classes)
	s := make([]float64, nc)
	for c := range s {
		s[c] = float64(m.bias[c])
	}
	for i, f := range fs {
		row := m.w[buckets[i]*nc : buckets[i]*nc+nc]
		for c, w := range row {
			s[c] += float64(w * f.Value)
		}
	}
	return s
}

func softmax(s []float64, temp float64) []float64 {
	if temp <= 0 {
		temp = 1
	}
	mx := math.Inf(-1)
	for _, v := range s {
		mx = max(mx, v)
	}
	p := make([]float64, len(s))
	var z float64
	for i, v := range s {
		p[i] = math.Exp((v - mx) / temp)
		z += p[i]
	}
	for i := range p {
		p[i] /= z
	}
	return p
}

// Predict classifies a featurised text.
func (m *Model) Predict(fs []Feature) Prediction {
	buckets := make([]int, len(fs))
	for i, f := range fs {
		buckets[i] = bucket(f.Name, m.Buckets)
	}
	p := softmax(m.scores(fs, buckets), m.Temperature)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	pr := Prediction{Label: m.Classes[best], Prob: p[best], Probs: make(map[string]float64, len(p))}
	for c, v := range p {
		pr.Probs[m.Classes[c]] = v
	}
	pr.Abstain = pr.Label == NoEvent || pr.Prob < m.Threshold
	// Explain: the features whose weights for the label most exceed their
	// average weight over the classes; the six strongest, kept in a small
	// sorted array rather than sorting them all.
	type contrib struct {
		name string
		v    float64
	}
	nc := len(m.Classes)
	var top [6]contrib
	n := 0
	for i, f := range fs {
		row := m.w[buckets[i]*nc : buckets[i]*nc+nc]
		var mean float64
		for _, w := range row {
			mean += float64(w)
		}
		mean /= float64(nc)
		v := (float64(row[best]) - mean) * float64(f.Value)
		if v <= 0 || n == len(top) && v <= top[n-1].v {
			continue
		}
		dup := false
		for k := range n {
			if top[k].name == f.Name {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		k := min(n, len(top)-1)
		for k > 0 && (top[k-1].v < v || top[k-1].v == v && top[k-1].name > f.Name) {
			if k < len(top) {
				top[k] = top[k-1]
			}
			k--
		}
		top[k] = contrib{f.Name, v}
		n = min(n+1, len(top))
	}
	for _, c := range top[:n] {
		pr.Why = append(pr.Why, c.name+" (+"+strconv.FormatFloat(c.v, 'f', 2, 64)+")")
	}
	return pr
}

// The binary model file: a gzip stream of
//
//	magic "VIGILCLS1", version string, temperature and threshold (float64),
//	buckets (uint32), classes (count, then strings), biases (float32 per class),
//	scales (float32 per class), weights (int8, bucket-major).
//
// Strings are a uint16 length then bytes; numbers are little-endian.
const modelMagic = "VIGILCLS1"

// WriteTo writes the model, quantising weights to int8 per class.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	le := binary.LittleEndian
	putStr := func(s string) {
		binary.Write(bw, le, uint16(len(s)))
		bw.WriteString(s)
	}
	bw.WriteString(modelMagic)
	putStr(m.Version)
	binary.Write(bw, le, m.Temperature)
	binary.Write(bw, le, m.Threshold)
	binary.Write(bw, le, uint32(m.Buckets))
	binary.Write(bw, le, uint16(len(m.Classes)))
	for _, c := range m.Classes {
		putStr(c)
	}
	binary.Write(bw, le, m.bias)
	nc := len(m.Classes)
	scales := make([]float32, nc)
	for i, w := range m.w {
		scales[i%nc] = max(scales[i%nc], float32(math.Abs(float64(w))))
	}
	for c := range scales {
		scales[c] /= 127
		if scales[c] == 0 {
			scales[c] = 1
		}
	}
	binary.Write(bw, le, scales)
	q := make([]byte, len(m.w))
	for i, w := range m.w {
		q[i] = byte(int8(math.Round(float64(w / scales[i%nc]))))
	}
	bw.Write(q)
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}

// ReadModel reads a model written by WriteTo.
func ReadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	br := bufio.NewReader(zr)
	le := binary.LittleEndian
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return nil, errors.New("model: not a Vigil classifier model")
	}
	var errs []error
	read := func(v any) { errs = append(errs, binary.Read(br, le, v)) }
	getStr := func() string {
		var n uint16
		read(&n)
		b := make([]byte, n)
		_, err := io.ReadFull(br, b)
		errs = append(errs, err)
		return string(b)
	}
	m := &Model{}
	m.Version = getStr()
	read(&m.Temperature)
	read(&m.Threshold)
	var nb uint32
	read(&nb)
	var nc uint16
	read(&nc)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("model header: %w", err)
	}
	if nb == 0 || nb > 1<<24 || nc == 0 || nc > 64 {
		return nil, fmt.Errorf("model: implausible size (%d buckets, %d classes)", nb, nc)
	}
	m.Buckets = int(nb)
	for range int(nc) {
		m.Classes = append(m.Classes, getStr())
	}
	m.bias = make([]float32, nc)
	read(m.bias)
	scales := make([]float32, nc)
	read(scales)
	q := make([]byte, int(nb)*int(nc))
	_, err = io.ReadFull(br, q)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("model body: %w", err)
	}
	m.w = make([]float32, len(q))
	for i, b := range q {
		m.w[i] = float32(int8(b)) * scales[i%int(nc)]
	}
	for _, c := range m.Classes {
		if _, ok := LabelOf(c); !ok && c != NoEvent {
			return nil, fmt.Errorf("model: unknown class %q", c)
		}
	}
	m.index()
	return m, nil
}

// String summarises the model.
func (m *Model) String() string {
	return fmt.Sprintf("%s: %d classes, %d buckets, T=%.2f, threshold %.2f (%s)", m.Version, len(m.Classes), m.Buckets,
		m.Temperature, m.Threshold, strings.Join(m.Classes[:min(3, len(m.Classes))], ", ")+", ...")
}
