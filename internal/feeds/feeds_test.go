package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/fetch"
)

const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Radio Sahel Test</title>
  <atom:link href="https://radio.example/feed" rel="self"/>
  <item>
    <title>Attaque à Nampala</title>
    <link>https://radio.example/nampala</link>
    <atom:link href="https://radio.example/other" rel="related"/>
    <guid isPermaLink="false">rs-102</guid>
    <pubDate>Sun, 16 Mar 2025 09:15:00 +0000</pubDate>
    <description>&lt;p&gt;Des hommes armés&amp;nbsp;ont incendié des cases.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Texte complet.</p>]]></content:encoded>
  </item>
  <item>
    <title>Sans identifiant</title>
    <link>https://radio.example/sans-id</link>
    <pubDate>Sat, 15 Mar 2025 18:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Ni lien ni guid &eacute;t&eacute;</title>
    <description>Un bref communiqué.</description>
  </item>
</channel>
</rss>`

const atomFeed2 = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">NGO Statements (test)</title>
  <entry>
    <id>tag:ngo.example,2025:stmt-7</id>
    <title>Statement on Djibo</title>
    <link rel="alternate" href="https://ngo.example/stmt-7"/>
    <link rel="enclosure" href="https://ngo.example/stmt-7.pdf"/>
    <published>2025-03-14T10:00:00+01:00</published>
    <updated>2025-03-15T10:00:00Z</updated>
    <summary>Civilians were reportedly killed.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Full text.</p></div></content>
  </entry>
  <entry>
    <id>tag:ngo.example,2025:stmt-8</id>
    <title>Update</title>
    <link href="https://ngo.example/stmt-8"/>
    <updated>2025-03-16T08:00:00Z</updated>
  </entry>
</feed>`

const rdfFeed = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example/"><title>Old Outlet</title></channel>
  <item rdf:about="https://old.example/a1">
    <title>Item one</title>
    <link>https://old.example/a1</link>
    <dc:date>2025-03-10T12:00:00Z</dc:date>
  </item>
</rdf:RDF>`

func TestParse(t *testing.T) {
	latin1, _ := charmap.ISO8859_1.NewEncoder().String(strings.Replace(rssFeed, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1))
	for _, tt := range []struct{ name, doc string }{{"utf8", rssFeed}, {"latin1", latin1}} {
		t.Run("rss-"+tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != "rss" || p.Title != "Radio Sahel Test" || len(p.Items) != 3 {
				t.Fatalf("got %+v", p)
			}
			a := p.Items[0]
			if a.ID != "rs-102" || a.Title != "Attaque à Nampala" || a.Link != "https://radio.example/nampala" ||
				a.Published == nil || !a.Published.Equal(time.Date(2025, 3, 16, 9, 15, 0, 0, time.UTC)) ||
				!strings.Contains(a.Summary, "hommes armés") || a.Content != "<p>Texte complet.</p>" {
				t.Errorf("item 0: %+v", a)
			}
			if b := p.Items[1]; b.ID != "https://radio.example/sans-id" || b.Published == nil {
				t.Errorf("item 1: %+v", b)
			}
			if c := p.Items[2]; !strings.HasPrefix(c.ID, "sha256:") || c.Title != "Ni lien ni guid été" {
				t.Errorf("item 2: %+v", c)
			}
		})
	}
	p, err := Parse([]byte(atomFeed2))
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != "atom" || p.Title != "NGO Statements (test)" || len(p.Items) != 2 {
		t.Fatalf("atom: %+v", p)
	}
	e := p.Items[0]
	if e.ID != "tag:ngo.example,2025:stmt-7" || e.Link != "https://ngo.example/stmt-7" ||
		!e.Published.Equal(time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)) || !strings.Contains(e.Content, "<p>Full text.</p>") {
		t.Errorf("atom entry: %+v", e)
	}
	if p.Items[1].Published == nil || p.Items[1].Link != "https://ngo.example/stmt-8" {
		t.Errorf("atom entry 2: %+v", p.Items[1])
	}
	p, err = Parse([]byte(rdfFeed))
	if err != nil || p.Format != "rdf" || len(p.Items) != 1 || p.Items[0].Link != "https://old.example/a1" || p.Items[0].Published == nil {
		t.Fatalf("rdf: %+v, %v", p, err)
	}
	for _, bad := range []string{"", "plain text", "<html><body>not a feed</body></html>", "<?xml version='1.0'?>"} {
		if _, err := Parse([]byte(bad)); !errs.Is(err, errs.Invalid) {
			t.Errorf("Parse(%q) = %v, want Invalid", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{rssFeed, atomFeed2, rdfFeed, "<rss><channel><item><guid>x</guid></item></channel></rss>", "<feed><entry/></feed>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if len(p.Items) > MaxItems {
			t.Fatalf("%d items", len(p.Items))
		}
		for _, it := range p.Items {
			if it.ID == "" {
				t.Fatal("item without ID")
			}
		}
	})
}

// feedServer serves an RSS feed of n items with an ETag; honourETag says
// whether it answers 304 to a matching If-None-Match.
type feedServer struct {
	n           int
	honourETag  atomic.Bool
	status      atomic.Int64 // when non-zero, answer this status instead
	retryAfter  string
	requests    atomic.Int64
	conditional atomic.Int64
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if c := s.status.Load(); c != 0 {
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		http.Error(w, "unavailable", int(c))
		return
	}
	if r.Header.Get("If-None-Match") != "" {
		s.conditional.Add(1)
		if s.honourETag.Load() && r.Header.Get("If-None-Match") == `"feed-v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("ETag", `"feed-v1"`)
	w.Header().Set("Last-Modified", "Sun, 16 Mar 2025 10:00:00 GMT")
	w.Header().Set("Content-Type", "application/rss+xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big test feed</title>`)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := s.n - 1; i >= 0; i-- { // newest first, as feeds do
		fmt.Fprintf(&b, "<item><title>Report %d</title><link>https://outlet.example/r/%d</link><guid>r-%d</guid><pubDate>%s</pubDate><description>Item number %d.</description></item>",
			i, i, i, base.Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z), i)
	}
	b.WriteString("</channel></rss>")
	w.Write([]byte(b.String()))
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newPoller(t *testing.T, st Store, clk *clock, handle Handler) *Poller {
	return &Poller{Store: st, Handle: handle, Fetch: fetch.Options{AllowPrivate: true, Timeout: 5 * time.Second},
		Interval: 10 * time.Minute, MaxBackoff: 6 * time.Hour, Now: clk.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestPollEachItemOnce(t *testing.T) {
	stores := map[string]func(t *testing.T) Store{
		"mem": func(t *testing.T) Store { return NewMemStore() },
		"file": func(t *testing.T) Store {
			s, err := OpenFileStore(filepath.Join(t.TempDir(), FileName))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			fs := &feedServer{n: 500}
			srv := httptest.NewServer(fs)
			defer srv.Close()
			st := mk(t)
			ctx := context.Background()
			if err := st.AddFeed(ctx, Feed{URL: srv.URL, Source: "Outlet"}); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			got := map[string]int{}
			var order []string
			clk := &clock{t: time.Date(2025, 3, 16, 12, 0, 0, 0, time.UTC)}
			p := newPoller(t, st, clk, func(ctx context.Context, f Feed, it Item) error {
				mu.Lock()
				defer mu.Unlock()
				got[it.ID]++
				order = append(order, it.ID)
				if f.Source != "Outlet" {
					t.Errorf("feed source %q", f.Source)
				}
				return nil
			})
			start := time.Now()
			for round := 0; round < 2; round++ { // the server ignores the ETag: two full fetches
				res, err := p.PollDue(ctx)
				if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Items != 500 {
					t.Fatalf("round %d: %+v, %v", round, res, err)
				}
				if want := []int{500, 0}[round]; res[0].New != want {
					t.Errorf("round %d: %d new, want %d", round, res[0].New, want)
				}
				clk.Add(p.Interval)
			}
			t.Logf("%s store: 2 polls of 500 items in %v", name, time.Since(start))
			if len(got) != 500 {
				t.Fatalf("%d distinct items handled, want 500", len(got))
			}
			for id, n := range got {
				if n != 1 {
					t.Errorf("item %s handled %d times", id, n)
				}
			}
			if order[0] != "r-0" || order[499] != "r-499" {
				t.Errorf("not oldest first: %s ... %s", order[0], order[499])
			}
			if fs.conditional.Load() != 1 {
				t.Errorf("second poll sent %d conditional requests, want 1", fs.conditional.Load())
			}
			// The server now honours the ETag: 304, nothing handed on.
			fs.honourETag.Store(true)
			res, _ := p.PollDue(ctx)
			if len(res) != 1 || !res[0].NotModified || res[0].New != 0 || res[0].Err != nil {
				t.Fatalf("304 round: %+v", res)
			}
			feeds, _ := st.Feeds(ctx)
			s := feeds[0].State
			if s.ETag != `"feed-v1"` || s.LastModified == "" || s.Title != "Big test feed" || s.Failures != 0 || !s.NextPoll.Equal(clk.Now().Add(p.Interval)) {
				t.Errorf("state after 304: %+v", s)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	fs := &feedServer{n: 3}
	fs.status.Store(http.StatusInternalServerError)
	srv := httptest.NewServer(fs)
	defer srv.Close()
	st := NewMemStore()
	ctx := context.Background()
	st.AddFeed(ctx, Feed{URL: srv.URL})
	clk := &clock{t: time.Date(2025, 3, 16, 12, 0, 0, 0, time.UTC)}
	handled := 0
	p := newPoller(t, st, clk, func(context.Context, Feed, Item) error { handled++; return nil })

	wantWaits := []time.Duration{20 * time.Minute, 40 * time.Minute, 80 * time.Minute, 160 * time.Minute, 320 * time.Minute, 6 * time.Hour, 6 * time.Hour}
	for i, want := range wantWaits {
		res, err := p.PollDue(ctx)
		if err != nil || len(res) != 1 || res[0].Err == nil || res[0].Status != 500 {
			t.Fatalf("poll %d: %+v, %v", i, res, err)
		}
		feeds, _ := st.Feeds(ctx)
		s := feeds[0].State
		if s.Failures != i+1 || s.NextPoll.Sub(clk.Now()) != want || !strings.Contains(s.LastError, "500") {
			t.Fatalf("after failure %d: failures %d, wait %v (want %v), error %q", i+1, s.Failures, s.NextPoll.Sub(clk.Now()), want, s.LastError)
		}
		// Not due a second before the back-off ends.
		clk.Add(want - time.Second)
		if res, _ := p.PollDue(ctx); len(res) != 0 {
			t.Fatalf("polled %v before the back-off ended", res)
		}
		clk.Add(time.Second)
	}
	if n := fs.requests.Load(); n != int64(len(wantWaits)) {
		t.Errorf("%d requests, want %d", n, len(wantWaits))
	}
	// Retry-After longer than the back-off wins.
	fs.status.Store(http.StatusServiceUnavailable)
	fs.retryAfter = "7200"
	p.MaxBackoff = 24 * time.Hour
	st.SetState(ctx, srv.URL, State{})
	p.PollDue(ctx)
	feeds, _ := st.Feeds(ctx)
	if w := feeds[0].State.NextPoll.Sub(clk.Now()); w != 2*time.Hour {
		t.Errorf("Retry-After: wait %v, want 2h", w)
	}
	// Recovery resets the count.
	fs.status.Store(0)
	clk.Add(3 * time.Hour)
	res, _ := p.PollDue(ctx)
	feeds, _ = st.Feeds(ctx)
	if len(res) != 1 || res[0].Err != nil || handled != 3 || feeds[0].State.Failures != 0 || feeds[0].State.LastError != "" {
		t.Errorf("recovery: %+v, handled %d, state %+v", res, handled, feeds[0].State)
	}
}

func TestHandlerFailureRetried(t *testing.T) {
	srv := httptest.NewServer(&feedServer{n: 5})
	defer srv.Close()
	st := NewMemStore()
	ctx := context.Background()
	st.AddFeed(ctx, Feed{URL: srv.URL})
	clk := &clock{t: time.Date(2025, 3, 16, 12, 0, 0, 0, time.UTC)}
	fail := true
	got := map[string]int{}
	p := newPoller(t, st, clk, func(_ context.Context, _ Feed, it Item) error {
		got[it.ID]++
		if it.ID == "r-2" && fail {
			return errors.New("ingest failed")
		}
		return nil
	})
	res, _ := p.PollDue(ctx)
	if res[0].Err == nil || res[0].New != 4 || !strings.Contains(res[0].Err.Error(), "r-2") {
		t.Fatalf("first poll: %+v", res[0])
	}
	fail = false
	clk.Add(24 * time.Hour)
	res, _ = p.PollDue(ctx)
	if res[0].Err != nil || res[0].New != 1 {
		t.Fatalf("second poll: %+v", res[0])
	}
	for id, n := range got {
		if want := map[bool]int{true: 2, false: 1}[id == "r-2"]; n != want {
			t.Errorf("%s handled %d times, want %d", id, n, want)
		}
	}
}

func TestFileStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", FileName)
	s, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	added := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, u := range []string{"https://b.example/feed", "https://a.example/rss"} {
		if err := s.AddFeed(ctx, Feed{URL: u, Added: added}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddFeed(ctx, Feed{URL: "https://a.example/rss"}); !errs.Is(err, errs.Conflict) {
		t.Errorf("second add: %v", err)
	}
	if err := s.MarkSeen(ctx, "https://a.example/rss", added, "x1"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSeen(ctx, "https://nope.example/", added, "x1"); !errs.Is(err, errs.NotFound) {
		t.Errorf("mark seen on unknown feed: %v", err)
	}
	// A second handle on the same file sees everything (as a separate process would).
	s2, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	feeds, _ := s2.Feeds(ctx)
	if len(feeds) != 2 || feeds[0].URL != "https://a.example/rss" || !feeds[0].Added.Equal(added) {
		t.Fatalf("feeds: %+v", feeds)
	}
	if ok, _ := s2.Seen(ctx, "https://a.example/rss", "x1"); !ok {
		t.Error("seen item lost")
	}
	if err := s2.RemoveFeed(ctx, "https://a.example/rss"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed(ctx, "https://a.example/rss"); !errs.Is(err, errs.NotFound) {
		t.Errorf("second remove: %v", err)
	}
	if ok, _ := s.Seen(ctx, "https://a.example/rss", "x1"); ok {
		t.Error("seen items survive removal")
	}
	if err := s.SetState(ctx, "https://a.example/rss", State{}); !errs.Is(err, errs.NotFound) {
		t.Errorf("state of removed feed: %v", err)
	}
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := OpenFileStore(path); !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged file: %v", err)
	}
}

func TestSeenSetBounded(t *testing.T) {
	d := newData()
	d.add(Feed{URL: "u"})
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < MaxSeenPerFeed+10; i++ {
		d.markSeen("u", base.Add(time.Duration(i)*time.Second), fmt.Sprint(i))
	}
	if len(d.Seen["u"]) != MaxSeenPerFeed || d.seen("u", "0") || !d.seen("u", fmt.Sprint(MaxSeenPerFeed+9)) {
		t.Errorf("seen set: %d entries", len(d.Seen["u"]))
	}
}

func BenchmarkParse500(b *testing.B) {
	rec := httptest.NewRecorder()
	(&feedServer{n: 500}).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	data := rec.Body.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
