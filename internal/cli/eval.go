package cli

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/extract"
)

// evalCommand is one `vigil eval NAME` sub-command.
type evalCommand struct {
	summary string
	run     func(ctx context.Context, e *Env, args []string) error
}

var evalCommands = map[string]evalCommand{}

// registerEval adds an evaluation; each one's file calls it from init.
func registerEval(name, summary string, run func(ctx context.Context, e *Env, args []string) error) {
	if _, dup := evalCommands[name]; dup {
		panic("cli: eval registered twice: " + name)
	}
	evalCommands[name] = evalCommand{summary, run}
}

func init() {
	register(command{"eval", "measure Vigil against the team's labelled data", 900, runEval})
	registerEval("classify", "the event-type model alone on labelled snippets (precision, recall, F1 per class)", runEvalClassify)
	registerEval("extract", "the whole pipeline: first event's type on labelled snippets, or every field on gold reports", runEvalExtract)
}

func runEval(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(e.Stdout, "Usage: vigil eval WHAT [flags]\n\nMeasure Vigil against labelled data the team wrote.\n\n")
		var names []string
		for n := range evalCommands {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(e.Stdout, "  %-9s %s\n", n, evalCommands[n].summary)
		}
		if len(args) == 0 {
			return usagef("name what to evaluate")
		}
		return nil
	}
	c, ok := evalCommands[args[0]]
	if !ok {
		return usagef("unknown evaluation %q", args[0])
	}
	return c.run(ctx, e, args[1:])
}

// corpusFlags are the flags shared by the snippet evaluations.
func corpusArgs(e *Env, name, about string, args []string) (exs []classify.Example, split string, confusions int, err error) {
	fs := newFlags(e, "eval "+name, "vigil eval "+name+" [--split test|dev|train|all] [CORPUS ...]", about+`
CORPUS is JSON Lines {"id","lang","text","label"} files or directories of them (default corpus/events).
Splits are fixed by each id's hash; the model is trained on train and calibrated on dev only.`)
	splitFlag := fs.String("split", classify.SplitTest, "which `split` to score: test, dev, train or all")
	conf := fs.Int("confusions", 15, "how many of the most frequent confusions to list")
	paths, err := parse(fs, args)
	if err != nil {
		return nil, "", 0, err
	}
	if !slices.Contains([]string{classify.SplitTest, classify.SplitDev, classify.SplitTrain, "all"}, *splitFlag) {
		return nil, "", 0, usagef("split %q is not one of test, dev, train, all", *splitFlag)
	}
	if len(paths) == 0 {
		paths = []string{"corpus/events"}
	}
	all, err := classify.ReadCorpus(paths...)
	if err != nil {
		return nil, "", 0, err
	}
	train, dev, test := classify.Split(all)
	switch *splitFlag {
	case "all":
		exs = all
	case classify.SplitTrain:
		exs = train
	case classify.SplitDev:
		exs = dev
	default:
		exs = test
	}
	if len(exs) == 0 {
		return nil, "", 0, fmt.Errorf("%s: no examples in the %s split", strings.Join(paths, ", "), *splitFlag)
	}
	return exs, *splitFlag, *conf, nil
}

func runEvalClassify(ctx context.Context, e *Env, args []string) error {
	exs, split, conf, err := corpusArgs(e, "classify", "Score the event-type model alone.", args)
	if err != nil {
		return err
	}
	m, err := classify.DefaultModel()
	if err != nil {
		return err
	}
	start := time.Now()
	var gold, pred []string
	for _, ex := range exs {
		p := m.Predict(classify.Featurize(ex.Text))
		label := p.Label
		if p.Abstain {
			label = classify.NoEvent
		}
		gold, pred = append(gold, ex.Label), append(pred, label)
	}
	el := time.Since(start)
	fmt.Fprintf(e.Stdout, "model %s\nsplit %s: %d snippets in %s (%.0f snippets/s)\n\n", m.Version, split, len(exs), el.Round(time.Millisecond), float64(len(exs))/el.Seconds())
	classify.Score(gold, pred).Print(e.Stdout, conf)
	return nil
}

func runEvalExtract(ctx context.Context, e *Env, args []string) error {
	for _, a := range args {
		if a == "--gold" || strings.HasPrefix(a, "--gold=") || a == "-gold" {
			return runEvalGold(e, args)
		}
	}
	exs, split, conf, err := corpusArgs(e, "extract", `Score the whole pipeline as 'vigil extract' runs it: the first event's sub_event_type,
or no event. With --gold DIR, score every field of the first event on gold reports (X.txt + X.gold.json).`, args)
	if err != nil {
		return err
	}
	x, err := extractor()
	if err != nil {
		return err
	}
	start := time.Now()
	var gold, pred []string
	for _, ex := range exs {
		res := x.Extract(ex.Text, extract.Options{Lang: ex.Lang})
		label := classify.NoEvent
		if len(res.Events) > 0 {
			label = res.Events[0].SubEventType
		}
		gold, pred = append(gold, ex.Label), append(pred, label)
	}
	el := time.Since(start)
	fmt.Fprintf(e.Stdout, "extractor %s\nsplit %s: %d snippets in %s (%.0f snippets/s)\n\n", x.FullVersion(), split, len(exs), el.Round(time.Millisecond), float64(len(exs))/el.Seconds())
	classify.Score(gold, pred).Print(e.Stdout, conf)
	return nil
}

func runEvalGold(e *Env, args []string) error {
	fs := newFlags(e, "eval extract", "vigil eval extract --gold DIR [--misses]",
		"Score every field of the first event on gold reports: DIR holds X.txt and X.gold.json pairs.")
	dir := fs.String("gold", "testdata/reports", "`directory` of gold reports")
	misses := fs.Bool("misses", false, "list every miss")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("takes no arguments with --gold, got %q", rest[0])
	}
	docs, err := extract.LoadGold(*dir)
	if err != nil {
		return err
	}
	x, err := extractor()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "extractor %s\n%d gold reports in %s\n\n", x.FullVersion(), len(docs), *dir)
	extract.ScoreGold(x, docs).Print(e.Stdout, *misses)
	return nil
}
