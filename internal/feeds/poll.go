package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/fetch"
)

// markBatch is how many handled items are marked seen at once: a crash
// offers at most this many again.
const markBatch = 32

// Handler processes one new item of a feed (typically: fetch item.Link and
// ingest it). An item whose handler fails is not marked seen and is offered
// again at the next poll; one that succeeds is never offered again.
type Handler func(ctx context.Context, f Feed, it Item) error

// Poller polls feeds and hands their new items to Handle.
//
// Delivery is at least once: items are marked seen in small batches after
// their handlers return, so a crash in between offers them again; Vigil's
// ingest stores the same bytes once, which makes that harmless. Within one
// process no item is handed on twice.
type Poller struct {
	Store  Store
	Handle Handler
	// Fetch bounds each feed request (time, size, private addresses).
	Fetch fetch.Options
	// Interval is the time between polls of a healthy feed (default 30 min).
	Interval time.Duration
	// MaxBackoff caps the wait after repeated failures (default 24 h).
	MaxBackoff time.Duration
	Now        func() time.Time
	Log        *slog.Logger
}

// Defaults of Poller.
const (
	DefaultInterval   = 30 * time.Minute
	DefaultMaxBackoff = 24 * time.Hour
)

func (p *Poller) interval() time.Duration {
	if p.Interval > 0 {
		return p.Interval
	}
	return DefaultInterval
}

func (p *Poller) maxBackoff() time.Duration {
	if p.MaxBackoff > 0 {
		return p.MaxBackoff
	}
	return DefaultMaxBackoff
}

func (p *Poller) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

func (p *Poller) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

// Backoff is the wait before the next poll after n consecutive failures:
// Interval·2ⁿ, capped at MaxBackoff.
func (p *Poller) Backoff(n int) time.Duration {
	d, max := p.interval(), p.maxBackoff()
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// Result says what one poll of one feed did.
type Result struct {
	URL         string
	Status      int  // HTTP status; 0 when no answer came
	NotModified bool // 304: nothing fetched
	Items       int  // items in the feed
	New         int  // items handed on successfully
	Err         error

	retryAfter string
}

// Poll fetches f once (conditionally), hands its new items to Handle, oldest
// first, and records the new state. The returned error is also in Result.Err.
func (p *Poller) Poll(ctx context.Context, f Feed) (res Result, err error) {
	res.URL = f.URL
	st := f.State
	start := p.now()
	st.LastPoll = start
	defer func() {
		if err != nil {
			st.Failures++
			st.LastError = err.Error()
			wait := p.Backoff(st.Failures)
			if ra := retryAfter(res.Status, res.retryAfter, start); ra > wait {
				wait = min(ra, p.maxBackoff())
			}
			st.NextPoll = start.Add(wait)
			p.log().Warn("feed poll failed", "feed", f.URL, "failures", st.Failures, "next", st.NextPoll, "err", err)
		} else {
			st.Failures, st.LastError = 0, ""
			st.LastSuccess = start
			st.NextPoll = start.Add(p.interval())
		}
		if serr := p.Store.SetState(ctx, f.URL, st); serr != nil && !errs.Is(serr, errs.NotFound) && err == nil {
			err = serr
		}
		res.Err = err
	}()

	opts := p.Fetch
	opts.Header = opts.Header.Clone()
	if opts.Header == nil {
		opts.Header = http.Header{}
	}
	opts.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1")
	if st.ETag != "" {
		opts.Header.Set("If-None-Match", st.ETag)
	}
	if st.LastModified != "" {
		opts.Header.Set("If-Modified-Since", st.LastModified)
	}
	resp, err := fetch.Fetch(ctx, f.URL, opts)
	if err != nil {
		return res, err
	}
	res.Status = resp.Status
	res.retryAfter = resp.Header.Get("Retry-After")
	switch {
	case resp.Status == http.StatusNotModified:
		res.NotModified = true
		return res, nil
	case resp.Status != http.StatusOK:
		return res, errs.E(errs.Unavailable, "%s: the server answered %s", f.URL, resp.Final().StatusLine)
	}
	parsed, err := Parse(resp.Body)
	if err != nil {
		return res, fmt.Errorf("%s: %w", f.URL, err)
	}
	st.ETag, st.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if parsed.Title != "" {
		st.Title = parsed.Title
	}
	res.Items = len(parsed.Items)
	var failed []error
	var done []string // handled, not yet marked seen
	flush := func() error {
		if len(done) == 0 {
			return nil
		}
		err := p.Store.MarkSeen(ctx, f.URL, p.now(), done...)
		done = done[:0]
		return err
	}
	for _, it := range oldestFirst(parsed.Items) {
		if err := ctx.Err(); err != nil {
			return res, errors.Join(err, flush())
		}
		seen, err := p.Store.Seen(ctx, f.URL, it.ID)
		if err != nil {
			return res, errors.Join(err, flush())
		}
		if seen {
			continue
		}
		if err := p.Handle(ctx, f, it); err != nil {
			failed = append(failed, fmt.Errorf("item %s: %w", it.ID, err))
			continue
		}
		res.New++
		if done = append(done, it.ID); len(done) >= markBatch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	if len(failed) > 0 {
		return res, fmt.Errorf("%s: %d of %d new items failed, first: %w", f.URL, len(failed), len(failed)+res.New, failed[0])
	}
	return res, nil
}

// oldestFirst orders items by publication date, oldest first; items without
// a date keep their place relative to each other, feeds listing newest first.
func oldestFirst(items []Item) []Item {
	out := slices.Clone(items)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b Item) int {
		if a.Published == nil || b.Published == nil {
			return 0
		}
		return a.Published.Compare(*b.Published)
	})
	return out
}

// retryAfter reads a Retry-After header of a 429 or 503 answer.
func retryAfter(status int, h string, now time.Time) time.Duration {
	if h == "" || (status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable) {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return t.Sub(now)
	}
	return 0
}

// PollDue polls, one after the other, every feed whose next poll is due.
func (p *Poller) PollDue(ctx context.Context) ([]Result, error) {
	feeds, err := p.Store.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	now := p.now()
	var out []Result
	for _, f := range feeds {
		if f.State.NextPoll.After(now) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res, _ := p.Poll(ctx, f)
		out = append(out, res)
		if res.Err == nil {
			p.log().Info("feed polled", "feed", f.URL, "status", res.Status, "items", res.Items, "new", res.New)
		}
	}
	return out, nil
}

// Run polls due feeds until ctx ends, waking when the next feed is due and
// at least once a minute to notice feeds added meanwhile.
func (p *Poller) Run(ctx context.Context) error {
	for {
		if _, err := p.PollDue(ctx); err != nil && !errors.Is(err, context.Canceled) {
			p.log().Error("feed polling", "err", err)
		}
		wait := time.Minute
		if feeds, err := p.Store.Feeds(ctx); err == nil {
			now := p.now()
			for _, f := range feeds {
				wait = min(wait, max(f.State.NextPoll.Sub(now), time.Second))
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
