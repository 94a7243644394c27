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
)

// Splits of the team's corpus, fixed by a hash of each example's id so that
// an example never moves between them as the corpus grows.
const (
	SplitTrain = "train" // 80%
	SplitDev   = "dev"   // 10%: calibration and model selection
	SplitTest  = "test"  // 10%: reported, never trained or tuned on
)

// SplitOf returns the split an example id belongs to.
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
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return out, nil
}

// Split partitions examples by SplitOf.
func Split(exs []Example) (train, dev, test []Example) {
	for _, ex := range exs {
		switch SplitOf(ex.ID) {
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
