package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/vigil-hr/vigil/internal/feeds"
	"github.com/vigil-hr/vigil/internal/fetch"
)

func init() {
	register(command{"feeds", "subscribe to RSS and Atom feeds: add, list, remove", 35, runFeeds})
}

const feedsAbout = `Manage the feeds that 'vigil serve' polls for new reports. The list lives in feeds.json in
the data directory.

  vigil feeds add [--source NAME] [--check] URL   subscribe (--check fetches and parses the feed first)
  vigil feeds list [--json]                       show subscriptions and their polling state
  vigil feeds remove URL                          unsubscribe and forget which items were seen`

func runFeeds(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("no subcommand given: add, list or remove")
	}
	switch args[0] {
	case "add":
		return runFeedsAdd(ctx, e, args[1:])
	case "list":
		return runFeedsList(ctx, e, args[1:])
	case "remove", "rm":
		return runFeedsRemove(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(e.Stdout, "Usage: vigil feeds add|list|remove [flags] [URL]\n\n%s\n", feedsAbout)
		return nil
	}
	return usagef("unknown subcommand %q: use add, list or remove", args[0])
}

func openFeedStore(dataDir string) (*feeds.FileStore, error) {
	return feeds.OpenFileStore(filepath.Join(dataDir, feeds.FileName))
}

func runFeedsAdd(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "feeds add", "vigil feeds add [--source NAME] [--check] [--data DIR] URL", feedsAbout)
	source := fset.String("source", "", "`name` recorded as the source of the feed's reports (default: the feed's title with --check)")
	check := fset.Bool("check", false, "fetch and parse the feed before subscribing")
	allowPrivate := fset.Bool("allow-private", false, "allow a feed on a private or loopback address (--check only)")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("give exactly one feed URL")
	}
	u, err := fetch.CheckURL(rest[0])
	if err != nil {
		return fmt.Errorf("%s: %w", rest[0], err)
	}
	f := feeds.Feed{URL: u.String(), Source: *source, Added: time.Now().UTC()}
	if *check {
		resp, err := fetch.Fetch(ctx, f.URL, fetch.Options{AllowPrivate: *allowPrivate})
		if err != nil {
			return err
		}
		if resp.Status != 200 {
			return fmt.Errorf("%s: the server answered %s", f.URL, resp.Final().StatusLine)
		}
		p, err := feeds.Parse(resp.Body)
		if err != nil {
			return fmt.Errorf("%s: %w", f.URL, err)
		}
		f.State.Title = p.Title
		if f.Source == "" {
			f.Source = p.Title
		}
		fmt.Fprintf(e.Stderr, "%s: %s feed %q with %d items\n", f.URL, p.Format, p.Title, len(p.Items))
	}
	st, err := openFeedStore(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := st.AddFeed(ctx, f); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "added %s\n", f.URL)
	return nil
}

func runFeedsList(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "feeds list", "vigil feeds list [--json] [--data DIR]", feedsAbout)
	asJSON := fset.Bool("json", false, "print one JSON object per feed")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usagef("list takes no arguments")
	}
	st, err := openFeedStore(cfg.DataDir)
	if err != nil {
		return err
	}
	list, err := st.Feeds(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetEscapeHTML(false)
		for _, f := range list {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tSOURCE\tLAST SUCCESS\tNEXT POLL\tFAILURES\tLAST ERROR")
	for _, f := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", f.URL, dash(f.Source), when(f.State.LastSuccess), when(f.State.NextPoll), f.State.Failures, dash(oneLine(f.State.LastError)))
	}
	return tw.Flush()
}

func runFeedsRemove(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "feeds remove", "vigil feeds remove [--data DIR] URL", feedsAbout)
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("give exactly one feed URL")
	}
	u, err := fetch.CheckURL(rest[0])
	if err != nil {
		return fmt.Errorf("%s: %w", rest[0], err)
	}
	st, err := openFeedStore(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := st.RemoveFeed(ctx, u.String()); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "removed %s\n", u)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}
