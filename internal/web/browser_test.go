package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium (installed by .ci/chromium.sh)
// headless through the DevTools protocol. They skip when it is absent.
// Screenshots go to $VIGIL_SCREENSHOTS, or a temporary directory that the
// test log names.

func browser(t *testing.T) (context.Context, *requestLog) {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium is not installed (bash .ci/chromium.sh installs it); skipping the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(profileDir(t)), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	log := &requestLog{}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			log.add(e.Request.URL)
		}
	})
	if err := chromedp.Run(ctx, network.Enable()); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx, log
}

// profileDir is chromium's profile directory. Chromium may still write to
// it for a moment after it is told to quit, so its removal is retried
// rather than left to t.TempDir, which fails the test when it cannot.
func profileDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "vigil-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20 && os.RemoveAll(dir) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) add(u string) { l.mu.Lock(); l.urls = append(l.urls, u); l.mu.Unlock() }

// foreign returns the requests that went anywhere but origin.
func (l *requestLog) foreign(origin string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, u := range l.urls {
		if !strings.HasPrefix(u, origin+"/") && !strings.HasPrefix(u, "data:") && u != "about:blank" {
			out = append(out, u)
		}
	}
	return out
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("VIGIL_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "vigil-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png") // quality 100 is PNG
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow; skipped with -short")
	}
	ctx, reqs := browser(t)
	fx := newFixture(t)
	dir := screenshotDir(t)
	base := fx.srv.URL

	// The events list, then filter it through the form (htmx swaps the results).
	var count string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/events"),
		chromedp.WaitVisible(`table.events`),
		chromedp.Text(`#count`, &count),
	); err != nil {
		t.Fatalf("events page: %v", err)
	}
	shoot(t, ctx, dir, "events")
	var filtered string
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`var s=document.querySelector('select[name=event_type]'); s.value='Battles'; s.dispatchEvent(new Event('change',{bubbles:true}))`, nil),
		chromedp.Poll(`document.querySelector('#count').textContent !== `+jsString(count), nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Text(`#count`, &filtered),
	); err != nil {
		t.Fatalf("filtering: %v", err)
	}
	if filtered == count {
		t.Errorf("filter by event type left the count at %q", count)
	}
	var rows []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('table.events tbody tr td:nth-child(2)')).map(td => td.textContent)`, &rows)); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !strings.Contains("Armed clash Government regains territory Non-state actor overtakes territory", strings.TrimSpace(r)) {
			t.Errorf("a %q row after filtering on Battles", r)
		}
	}
	var loc string
	chromedp.Run(ctx, chromedp.Location(&loc))
	if !strings.Contains(loc, "event_type=Battles") {
		t.Errorf("the URL %q does not keep the filter", loc)
	}
	shoot(t, ctx, dir, "events-filtered")

	// The map: basemap drawn, points placed; clicking a point opens its event.
	var nPoints, nPaths int
	if err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/map"),
		chromedp.WaitVisible(`#map[data-loaded][data-basemap-loaded]`),
		chromedp.Sleep(500*time.Millisecond),
		chromedp.Evaluate(`document.querySelectorAll('.event-point, .event-cluster').length`, &nPoints),
		chromedp.Evaluate(`document.querySelectorAll('.leaflet-base-pane path').length`, &nPaths),
	); err != nil {
		t.Fatalf("map: %v", err)
	}
	if nPoints == 0 || nPaths < 100 {
		t.Errorf("map shows %d points over %d basemap shapes", nPoints, nPaths)
	}
	shoot(t, ctx, dir, "map")
	// Click clusters (each zooms in) until a single point shows, then click it.
	for i := 0; ; i++ {
		var point bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('.event-point') !== null`, &point)); err != nil {
			t.Fatal(err)
		}
		if point {
			break
		}
		if i == 6 {
			t.Fatal("no single event point after zooming in six times")
		}
		if err := chromedp.Run(ctx,
			chromedp.Evaluate(`document.querySelector('.event-cluster').dispatchEvent(new MouseEvent('click',{bubbles:true}))`, nil),
			chromedp.Sleep(800*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('.event-point').dispatchEvent(new MouseEvent('click',{bubbles:true}))`, nil),
		chromedp.WaitVisible(`table.fields`),
		chromedp.Location(&loc),
	); err != nil {
		t.Fatalf("opening an event from the map: %v", err)
	}
	if !strings.Contains(loc, "/events/") {
		t.Errorf("clicking a point went to %s", loc)
	}

	// The event page: hovering a field lights up its words.
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/events?q=Nampala&sort=-confidence"),
		chromedp.Click(`table.events tbody tr td a`), chromedp.WaitVisible(`table.fields`)); err != nil {
		t.Fatalf("event page: %v", err)
	}
	var lit int
	if err := chromedp.Run(ctx,
		chromedp.ScrollIntoView(`tr[data-field=location]`),
		chromedp.Evaluate(`document.querySelectorAll('mark.lit').length`, &lit),
	); err != nil {
		t.Fatal(err)
	}
	if lit != 0 {
		t.Errorf("%d words lit before any hover", lit)
	}
	if err := chromedp.Run(ctx, hover(`tr[data-field=location]`),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('mark.lit')).map(m => m.textContent).join('|')`, &count)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(count, "Nampala") {
		t.Errorf("hovering the location lit %q, want Nampala", count)
	}
	shoot(t, ctx, dir, "event-hover")

	// The timeline and the intake page render; the French UI switches.
	var bars int
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/timeline?interval=month"), chromedp.WaitVisible(`svg.timeline`),
		chromedp.Evaluate(`document.querySelectorAll('svg.timeline rect.bar').length`, &bars)); err != nil {
		t.Fatalf("timeline: %v", err)
	}
	if bars == 0 {
		t.Error("timeline has no bars")
	}
	shoot(t, ctx, dir, "timeline")
	var h1 string
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/intake"), chromedp.Click(`form.lang button[value=fr]`),
		chromedp.Sleep(time.Second), // the POST, then the redirect
		chromedp.Poll(`document.documentElement.lang === 'fr'`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.WaitVisible(`form.intake`), chromedp.Text(`h1`, &h1)); err != nil {
		t.Fatalf("intake in French: %v", err)
	}
	if h1 != "Saisie" {
		t.Errorf("French intake heading %q", h1)
	}
	shoot(t, ctx, dir, "intake-fr")

	// Intake: paste a report, get its event.
	if err := chromedp.Run(ctx,
		chromedp.SetValue(`#text`, "Des hommes armés ont attaqué le village de Boni le 2 mars 2025, tuant 3 civils, selon des habitants."),
		chromedp.SetValue(`#published`, "2025-03-04"),
		chromedp.Click(`form.intake button[type=submit]`),
		chromedp.Sleep(2*time.Second), // extraction, then the redirect
		chromedp.WaitVisible(`table.fields, .doc`),
		chromedp.Location(&loc),
	); err != nil {
		t.Fatalf("intake: %v", err)
	}
	if !strings.Contains(loc, "/events/") && !strings.Contains(loc, "/documents/") {
		t.Errorf("intake went to %s", loc)
	}

	// The hostile report: nothing ran, and the page did not widen.
	var title string
	var wide bool
	if len(fx.hostile.EventIDs) == 0 {
		t.Fatal("the hostile report gave no event")
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/events/"+fx.hostile.EventIDs[0]),
		chromedp.WaitVisible(`#source-text`), chromedp.Title(&title),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 5`, &wide)); err != nil {
		t.Fatalf("hostile event: %v", err)
	}
	if strings.Contains(title, "pwned") {
		t.Errorf("hostile script ran: title %q", title)
	}
	if wide {
		t.Error("a huge line widens the page beyond the window")
	}
	shoot(t, ctx, dir, "hostile")

	if f := reqs.foreign(base); len(f) > 0 {
		t.Errorf("requests left the server: %v", f)
	}
}

// hover moves the mouse over the element matched by sel.
func hover(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var box []float64
		if err := chromedp.Evaluate(`(function(){var r=document.querySelector(`+jsString(sel)+`).getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2]})()`, &box).Do(ctx); err != nil {
			return err
		}
		return chromedp.MouseEvent("mouseMoved", box[0], box[1]).Do(ctx)
	})
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// TestBrowserSignIn: with accounts, a page the public may not see shows
// the sign-in form; signing in goes on to that page, the header names the
// user, and signing out goes back to the public view.
func TestBrowserSignIn(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are slow; skipped with -short")
	}
	ctx, reqs := browser(t)
	af := newAuthFixture(t)
	base := af.srv.URL
	var loc, who, banner string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/intake"),
		chromedp.WaitVisible(`form.login`),
		chromedp.SetValue(`#name`, "analyst-user"),
		chromedp.SetValue(`#password`, testPassword),
		chromedp.Click(`form.login button[type=submit]`),
		chromedp.WaitVisible(`form.intake`),
		chromedp.Location(&loc),
		chromedp.Text(`form.account .who`, &who),
	); err != nil {
		t.Fatalf("signing in: %v", err)
	}
	if !strings.HasSuffix(loc, "/intake") || !strings.Contains(who, "analyst-user") {
		t.Errorf("after signing in: at %s, header %q", loc, who)
	}
	shoot(t, ctx, screenshotDir(t), "signed-in")
	if err := chromedp.Run(ctx,
		chromedp.Click(`form.account button[type=submit]`),
		chromedp.WaitVisible(`a.signin`),
		chromedp.Text(`p.banner`, &banner),
	); err != nil {
		t.Fatalf("signing out: %v", err)
	}
	if !strings.Contains(banner, "only published records") {
		t.Errorf("after signing out, the banner says %q", banner)
	}
	if f := reqs.foreign(base); len(f) > 0 {
		t.Errorf("requests left the server: %v", f)
	}
}
