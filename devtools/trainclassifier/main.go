// Command trainclassifier trains Vigil's event-type model from the team's
// corpus (corpus/events/*.jsonl) and writes internal/classify/model.bin.gz,
// which the binary embeds. Splits are fixed by a hash of each example's id:
// 80% train, 10% dev (calibration), 10% test (reported, never trained on).
// The same corpus always gives the same model, byte for byte.
//
//	go run ./devtools/trainclassifier [-corpus corpus/events] [-out internal/classify/model.bin.gz]
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/extract"
)

func main() {
	corpus := flag.String("corpus", "corpus/events", "directory of JSON Lines files")
	out := flag.String("out", "internal/classify/model.bin.gz", "model file to write")
	sweep := flag.Bool("sweep", false, "also score the full pipeline with several model weights")
	show := flag.String("show", "", "print the dev examples of this gold label the full pipeline gets wrong, with its reasons")
	flag.Parse()
	log.SetFlags(0)
	start := time.Now()
	all, err := classify.ReadCorpus(*corpus)
	if err != nil {
		log.Fatal(err)
	}
	train, dev, test := classify.Split(all)
	log.Printf("corpus: %d train, %d dev, %d test", len(train), len(dev), len(test))
	opt := classify.DefaultTrainOptions
	opt.Version = fmt.Sprintf("linear/1 (%d training examples)", len(train))
	opt.Log = log.Printf
	m, err := classify.Train(train, dev, opt)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d bytes, sha256 %x, in %s", *out, buf.Len(), sha256.Sum256(buf.Bytes()), time.Since(start).Round(time.Millisecond))
	// Score the quantised model as shipped.
	shipped, err := classify.ReadModel(bytes.NewReader(buf.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []struct {
		name string
		exs  []classify.Example
	}{{"dev", dev}, {"test", test}} {
		var gold, pred []string
		for _, ex := range s.exs {
			p := shipped.Predict(classify.Featurize(ex.Text))
			label := p.Label
			if p.Abstain {
				label = classify.NoEvent
			}
			gold, pred = append(gold, ex.Label), append(pred, label)
		}
		fmt.Printf("\n== %s split (model alone)\n", s.name)
		classify.Score(gold, pred).Print(os.Stdout, 10)
	}
	x, err := extract.New()
	if err != nil {
		log.Fatal(err)
	}
	weights := []float64{classify.DefaultModelWeight}
	if *sweep {
		weights = []float64{0, 2, 4, 6, 10}
	}
	for _, w := range weights {
		y := x.WithModel(shipped, w)
		if w == 0 {
			y = x.WithModel(nil, 0)
		}
		for _, s := range []struct {
			name string
			exs  []classify.Example
		}{{"dev", dev}, {"test", test}} {
			var gold, pred []string
			for _, ex := range s.exs {
				res := y.Extract(ex.Text, extract.Options{Lang: ex.Lang, Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)})
				label := classify.NoEvent
				if len(res.Events) > 0 {
					label = res.Events[0].SubEventType
				}
				gold, pred = append(gold, ex.Label), append(pred, label)
				if *show != "" && s.name == "dev" && ex.Label == *show && label != ex.Label {
					fmt.Printf("\n-- %s: got %s\n   %s\n", ex.ID, label, ex.Text)
					for _, e := range res.Events {
						fmt.Printf("   why: %q\n", e.Why)
					}
				}
			}
			r := classify.Score(gold, pred)
			fmt.Printf("\n== %s split: full pipeline (vigil extract, first event), model weight %g: weighted-F1 %.3f, no-event kept %d/%d\n",
				s.name, w, r.WeightedF1, r.NoEventKept, r.NoEventTotal)
			if !*sweep {
				r.Print(os.Stdout, 10)
			}
		}
	}
}
