package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/vigil-hr/vigil/internal/extract"
	"github.com/vigil-hr/vigil/internal/incident"
	"github.com/vigil-hr/vigil/internal/model"
)

func init() {
	registerEval("link", "incident linking on the team's linking set (pairwise and B-cubed precision, recall, F1)", runEvalLink)
}

func runEvalLink(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "eval link", "vigil eval link [--set dev|test] [--dir DIR] [--all]",
		`Extract the events of every report of a linking set, link them into incidents in publication order, and
score the incidents against the gold: pairwise and B-cubed precision, recall and F1, independent sources per
incident, and the wrongly linked pairs grouped by cause. DIR holds dev.jsonl and test.jsonl: lines
{"id","incident","origin","outlet","kind","published","lang","decoy","note","text"}.`)
	set := fs.String("set", "dev", "which `part` to score: dev or test")
	dir := fs.String("dir", "testdata/linking", "`directory` of the linking set")
	all := fs.Bool("all", false, "list every incident's independent sources, not only the wrong ones")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("takes no arguments, got %q", rest[0])
	}
	if *set != "dev" && *set != "test" {
		return usagef("set %q is not dev or test", *set)
	}
	path := filepath.Join(*dir, *set+".jsonl")
	reps, err := incident.ReadGold(path)
	if err != nil {
		return err
	}
	if len(reps) == 0 {
		return fmt.Errorf("%s: no reports", path)
	}
	x, err := extractor()
	if err != nil {
		return err
	}
	start := time.Now()
	done := 0
	extractFn := func(g incident.GoldReport) []model.Event {
		pub, _ := time.Parse(time.DateOnly, g.Published)
		res := x.Extract(g.Text, extract.Options{Published: pub, Lang: g.Lang})
		if done++; done%50 == 0 {
			e.Log.Info("extracting", "reports", done, "of", len(reps))
		}
		return res.Events
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := incident.Evaluate(reps, extractFn, incident.Config{})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(e.Stdout, "extractor %s\nlinking set %s (%s), extracted and linked in %s\n\n", x.FullVersion(), path, *set, time.Since(start).Round(time.Millisecond))
	res.Print(e.Stdout, *all)
	return nil
}
