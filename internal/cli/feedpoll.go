package cli

import (
	"context"
	"path/filepath"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/feeds"
	"github.com/vigil-hr/vigil/internal/fetch"
	"github.com/vigil-hr/vigil/internal/intake"
)

// startFeeds polls the subscribed feeds (vigil feeds add) in the
// background until ctx ends, ingesting each new item once. It does nothing
// when no feed was ever added.
func startFeeds(ctx context.Context, e *Env, a *app.App, dataDir string, interval time.Duration, opts fetch.Options) {
	path := filepath.Join(dataDir, feeds.FileName)
	if !fileExists(path) {
		return
	}
	fs, err := feeds.OpenFileStore(path)
	if err != nil {
		e.Log.Warn("feeds not polled", "file", path, "err", err)
		return
	}
	p := &feeds.Poller{Store: fs, Interval: interval, Log: e.Log, Fetch: opts,
		Handle: func(ctx context.Context, f feeds.Feed, it feeds.Item) error {
			err := ingestFeedItem(ctx, a, f, it, opts)
			if err != nil && (errs.Is(err, errs.Invalid) || errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden)) {
				// The item will never ingest (gone, refused, not a report):
				// say so once and move on rather than retry it forever.
				e.Log.Warn("feed item skipped", "feed", f.URL, "item", it.ID, "err", err)
				return nil
			}
			return err
		}}
	e.Log.Info("polling feeds", "file", path, "interval", interval)
	go func() {
		if err := p.Run(ctx); err != nil && ctx.Err() == nil {
			e.Log.Error("feed polling stopped", "err", err)
		}
	}()
}

// ingestFeedItem fetches an item's page (the raw exchange kept as a WARC
// record) or, when the item has no link, takes the content the feed carries.
func ingestFeedItem(ctx context.Context, a *app.App, f feeds.Feed, it feeds.Item, opts fetch.Options) error {
	var pub time.Time
	if it.Published != nil {
		pub = *it.Published
	}
	if it.Link == "" {
		body := it.Content
		if body == "" {
			body = it.Summary
		}
		doc, err := intake.Parse([]byte(body), f.URL+"#"+it.ID)
		if err != nil {
			return err
		}
		_, err = a.Ingest(ctx, app.IngestInput{Doc: doc, Source: f.Source, URL: f.URL, Published: pub})
		return err
	}
	resp, err := fetch.Fetch(ctx, it.Link, opts)
	if err != nil {
		return err
	}
	if resp.Status != 200 {
		kind := errs.Unavailable
		if resp.Status >= 400 && resp.Status < 500 {
			kind = errs.NotFound
		}
		return errs.E(kind, "%s: the server answered %q", it.Link, resp.Final().StatusLine)
	}
	doc, err := intake.Parse(resp.Body, it.Link)
	if err != nil {
		return err
	}
	doc.Raw, doc.MediaType = resp.WARC(), "application/warc"
	_, err = a.Ingest(ctx, app.IngestInput{Doc: doc, Source: f.Source, URL: resp.URL, Published: pub})
	return err
}
