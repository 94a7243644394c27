package classify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// Splits of the team's corpus, fixed by a hash of each example's id so that
// an example never moves between them as the corpus grows.
const (
	SplitTrain = "train" // 80%
	SplitDev   = "dev"   // 10%: calibration and model selection
	SplitTest  = "test"  // 10%: reported, never trained or tuned on
)

// SplitOf returns the split an example id belongs to. Examples read with
// ReadCorpus carry a Group; split by it (SplitOf(ex.Group)) so that a
// translation stays with its original.
func SplitOf(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	switch h.Sum32() % 10 {
	case 8:
		return SplitDev
	case 9:
		return SplitTest
	}
	return SplitTrain
}

// ReadCorpus reads labelled examples from JSON Lines files, or from every
// *.jsonl file in the directories given. Ids must be unique, labels known.
func ReadCorpus(paths ...string) ([]Example, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", p, err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		fs, err := filepath.Glob(filepath.Join(p, "*.jsonl"))
		if err != nil {
			return nil, err
		}
		sort.Strings(fs)
		files = append(files, fs...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("corpus: no JSON Lines files in %v", paths)
	}
	seen := map[string]string{}
	var out []Example
	for _, f := range files {
		exs, err := readCorpusFile(f, seen)
		if err != nil {
			return nil, err
		}
		out = append(out, exs...)
	}
	return out, nil
}

func readCorpusFile(f string, seen map[string]string) ([]Example, error) {
	fh, err := os.Open(f)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer fh.Close()
	var out []Example
	var prevNames map[string]bool
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var ex Example
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON object: %v", f, n, err)
		}
		if ex.ID == "" || ex.Text == "" {
			return nil, fmt.Errorf("%s:%d: id and text are required", f, n)
		}
		if _, ok := LabelOf(ex.Label); !ok && ex.Label != NoEvent {
			return nil, fmt.Errorf("%s:%d: unknown label %q", f, n, ex.Label)
		}
		if prev, dup := seen[ex.ID]; dup {
			return nil, fmt.Errorf("%s:%d: id %q already used in %s", f, n, ex.ID, prev)
		}
		seen[ex.ID] = f
		// A line that translates the one before it (another language, the
		// same label, mostly the same names and numbers) joins its group.
		names := nameSet(ex.Text)
		ex.Group = ex.ID
		if n := len(out); n > 0 && out[n-1].Lang != ex.Lang && out[n-1].Label == ex.Label && overlap(prevNames, names) >= 0.5 {
			ex.Group = out[n-1].Group
		}
		prevNames = names
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return out, nil
}

// nameSet collects a text's capitalised words and numbers: what a
// translation keeps.
func nameSet(text string) map[string]bool {
	out := map[string]bool{}
	for i, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(w)
		if unicode.IsDigit(r[0]) || i > 0 && unicode.IsUpper(r[0]) && len(r) > 1 {
			out[w] = true
		}
	}
	return out
}

// overlap is |a∩b| / min(|a|,|b|), 0 when either is empty.
func overlap(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(min(len(a), len(b)))
}

// Split partitions examples by the split of their group.
func Split(exs []Example) (train, dev, test []Example) {
	for _, ex := range exs {
		g := ex.Group
		if g == "" {
			g = ex.ID
		}
		switch SplitOf(g) {
		case SplitDev:
			dev = append(dev, ex)
		case SplitTest:
			test = append(test, ex)
		default:
			train = append(train, ex)
		}
	}
	return train, dev, test
}
