package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vigil-hr/vigil/internal/model"
)

func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func fetch(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// live returns what in a page could run: a script that is not one of our
// files, an event-handler attribute, a javascript: URL.
func live(t *testing.T, page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "img" || n.Data == "iframe" || n.Data == "object" {
				src := ""
				for _, a := range n.Attr {
					if a.Key == "src" {
						src = a.Val
					}
				}
				if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
					out = append(out, "<"+n.Data+" src="+src+">")
				}
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					out = append(out, n.Data+" "+a.Key+"="+a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func TestPages(t *testing.T) {
	fx := newFixture(t)
	c := client(t)
	evID := fx.hostile.EventIDs[0]
	for _, tc := range []struct {
		path     string
		status   int
		contains []string
	}{
		{"/", 200, []string{"table class=\"events\"", "Nampala"}},
		{"/events?event_type=Battles&sort=-fatalities", 200, []string{"Armed clash"}},
		{"/events?country=MLI&certainty=alleged&q=nampala", 200, []string{"Nampala"}},
		{"/events?from=2025-13-40", 200, []string{"class=\"error\""}},
		{"/events?limit=2&offset=2", 200, []string{"Page 2 of"}},
		{"/events/" + evID, 200, []string{"data-field=\"location\"", "<mark data-fields=", "&lt;script&gt;document.title", "&lt;b onmouseover="}},
		{"/events/nope", 404, []string{"Not found"}},
		{"/documents/" + fx.hostile.DocumentID, 200, []string{"&lt;svg onload=alert(1)&gt;"}},
		{"/documents/zzz", 404, nil},
		{"/map?event_type=Riots", 200, []string{"id=\"map\"", "event_type=Riots"}},
		{"/map/points.json?z=3", 200, []string{"\"clusters\""}},
		{"/map/points.json?z=99", 400, nil},
		{"/timeline?interval=week", 200, []string{"<svg", "rect class=\"bar\""}},
		{"/timeline?interval=day&from=2025-01-01&to=2025-12-31", 200, []string{"<svg"}},
		{"/intake", 200, []string{"name=\"csrf_token\"", "enctype=\"multipart/form-data\""}},
		{"/static/app.js", 200, []string{"data-fields"}},
		{"/static/basemap.geojson", 200, []string{"FeatureCollection"}},
		{"/static/nope.js", 404, nil},
		{"/nowhere", 404, nil},
		{"/api/v1/events?q=Nampala", 200, []string{"Nampala"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := fetch(t, c, fx.srv.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, body)
			}
			for _, s := range tc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				if l := live(t, body); len(l) > 0 {
					t.Errorf("live markup in the page: %q", l)
				}
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
					t.Errorf("CSP %q", csp)
				}
			}
		})
	}
}

func TestFrench(t *testing.T) {
	fx := newFixture(t)
	c := client(t)
	_, body := fetch(t, c, fx.srv.URL+"/events", "Accept-Language", "fr-ML,fr;q=0.9,en;q=0.5")
	if !strings.Contains(body, "<html lang=\"fr\">") || !strings.Contains(body, "Événements") {
		t.Errorf("Accept-Language fr did not give the French UI")
	}
	// The switch sets a cookie that wins over the browser's language.
	tok := csrfFrom(t, c, fx.srv.URL)
	resp, err := c.PostForm(fx.srv.URL+"/lang", url.Values{"lang": {"en"}, "csrf_token": {tok}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("lang switch: %d to %q; want 303 to / (no open redirect)", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = fetch(t, c, fx.srv.URL+"/events", "Accept-Language", "fr")
	if !strings.Contains(body, "<html lang=\"en\">") {
		t.Errorf("the language cookie did not win")
	}
}

// TestCatalogue checks that every message the templates and the Go code
// translate has a French entry.
func TestCatalogue(t *testing.T) {
	re := regexp.MustCompile(`\.T "((?:[^"\\]|\\.)*)"|l\.T\("((?:[^"\\]|\\.)*)"|loc\.T\("((?:[^"\\]|\\.)*)"`)
	var src []byte
	for _, dir := range []string{"templates", "."} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".html") || (strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") && e.Name() != "i18n.go") {
				b, _ := os.ReadFile(dir + "/" + e.Name())
				src = append(src, b...)
			}
		}
	}
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		key := m[1] + m[2] + m[3]
		n++
		if _, ok := catalogue["fr"][key]; !ok {
			t.Errorf("no French for %q", key)
		}
	}
	if n < 40 {
		t.Errorf("found only %d messages; is the pattern stale?", n)
	}
}

func csrfFrom(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	_, body := fetch(t, c, base+"/intake")
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token in the intake form")
	}
	return m[1]
}

func multipartBody(t *testing.T, fields map[string]string, file string, content []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("file", file)
		fw.Write(content)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestIntake(t *testing.T) {
	fx := newFixture(t)
	c := client(t)
	tok := csrfFrom(t, c, fx.srv.URL)
	report := "Gunmen abducted 7 passengers on the road near Djibo on 3 February 2025, residents said."
	post := func(fields map[string]string, file string, content []byte, hdr ...string) (*http.Response, string) {
		body, ctype := multipartBody(t, fields, file, content)
		req, _ := http.NewRequest("POST", fx.srv.URL+"/intake", body)
		req.Header.Set("Content-Type", ctype)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, tc := range []struct {
		name   string
		fields map[string]string
		file   string
		body   []byte
		hdr    []string
		status int
		want   string
	}{
		{"pasted", map[string]string{"csrf_token": tok, "text": report, "published": "2025-02-05"}, "", nil, nil, 303, "/events/"},
		{"file", map[string]string{"csrf_token": tok}, "r.txt", []byte(report + " Again."), nil, 303, "/"},
		{"no token", map[string]string{"text": report}, "", nil, nil, 403, "security token"},
		{"wrong token", map[string]string{"csrf_token": strings.Repeat("x", 43), "text": report}, "", nil, nil, 403, "security token"},
		{"cross origin", map[string]string{"csrf_token": tok, "text": report}, "", nil, []string{"Sec-Fetch-Site", "cross-site"}, 403, ""},
		{"empty", map[string]string{"csrf_token": tok, "text": "  "}, "", nil, nil, 400, "Give either text or a file."},
		{"both", map[string]string{"csrf_token": tok, "text": report}, "r.txt", []byte(report), nil, 400, "Give either"},
		{"bad date", map[string]string{"csrf_token": tok, "text": report, "published": "yesterday"}, "", nil, nil, 400, "YYYY-MM-DD"},
		{"binary", map[string]string{"csrf_token": tok}, "x.bin", []byte{0, 1, 2, 0, 0, 0, 3, 4, 0, 0}, nil, 400, ""},
		{"too big", map[string]string{"csrf_token": tok}, "big.txt", bytes.Repeat([]byte("a "), 2<<20), nil, 400, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(tc.fields, tc.file, tc.body, tc.hdr...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.400s", resp.StatusCode, tc.status, body)
			}
			if tc.status == 303 && !strings.HasPrefix(resp.Header.Get("Location"), tc.want) {
				t.Errorf("redirect to %q", resp.Header.Get("Location"))
			}
			if tc.status != 303 && !strings.Contains(body, tc.want) {
				t.Errorf("body lacks %q: %.400s", tc.want, body)
			}
		})
	}
}

// TestPageWeight: no page weighs over 300 KB on first load, gzipped: the
// HTML, the files it links, and what its scripts fetch (the map's basemap
// and points).
func TestPageWeight(t *testing.T) {
	fx := newFixture(t)
	c := client(t)
	size := func(u string) int {
		req, _ := http.NewRequest("GET", fx.srv.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", u, resp.StatusCode)
		}
		if resp.Header.Get("Content-Encoding") != "gzip" && len(b) > 2048 {
			t.Errorf("%s: %d bytes sent uncompressed", u, len(b))
		}
		return len(b)
	}
	linkRe := regexp.MustCompile(`(?:src|href|data-basemap|data-points)="(/[^"]+)"`)
	for _, p := range []string{"/events", "/map", "/timeline", "/intake", "/events/" + fx.hostile.EventIDs[0], "/documents/" + fx.hostile.DocumentID} {
		total := size(p)
		_, body := fetch(t, c, fx.srv.URL+p)
		seen := map[string]bool{}
		for _, m := range linkRe.FindAllStringSubmatch(body, -1) {
			u := strings.ReplaceAll(m[1], "&amp;", "&")
			if seen[u] || strings.HasPrefix(u, "/events") || strings.HasPrefix(u, "/documents") || strings.HasPrefix(u, "/api/") || u == "/" || u == "/map" || u == "/timeline" || u == "/intake" {
				continue // navigation links are not loaded
			}
			seen[u] = true
			total += size(u)
		}
		t.Logf("%s: %d bytes gzipped on first load", p, total)
		if total > 300<<10 {
			t.Errorf("%s weighs %d bytes gzipped on first load, over 300 KB", p, total)
		}
	}
}

func TestHighlight(t *testing.T) {
	text := "Ségou: 3 tués à Niono."
	segs := highlight(text, []model.Evidence{
		{Field: "location", Start: 0, End: 5}, {Field: "fatalities", Start: 7, End: 13},
		{Field: "location", Start: 16, End: 21}, {Field: "junk", Start: 50, End: 60}, {Field: "neg", Start: -4, End: -1},
		{Field: "event_date", Start: 7, End: 8},
	})
	var got []string
	var all strings.Builder
	for _, s := range segs {
		got = append(got, s.Text+"|"+s.Fields)
		all.WriteString(s.Text)
	}
	want := []string{"Ségou|location", ": |", "3|fatalities event_date", " tués|fatalities", " à |", "Niono|location", ".|"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("segments\n got %q\nwant %q", got, want)
	}
	if all.String() != text {
		t.Errorf("segments do not rebuild the text: %q", all.String())
	}
}

func FuzzHighlight(f *testing.F) {
	f.Add("Gunmen killed 4 in Nampala.", 0, 6, 19, 26)
	f.Add("é\x00漢字 <b>", 1, 3, 2, 9)
	f.Fuzz(func(t *testing.T, text string, a, b, c, d int) {
		segs := highlight(text, []model.Evidence{{Field: "x", Start: a, End: b}, {Field: "y", Start: c, End: d}})
		var all strings.Builder
		for _, s := range segs {
			all.WriteString(s.Text)
		}
		if all.String() != text {
			t.Fatalf("segments rebuild %q, not %q", all.String(), text)
		}
	})
}

func TestGridCluster(t *testing.T) {
	ev := func(id string, lat, lon float64, typ string) model.StoredEvent {
		return model.StoredEvent{Event: model.Event{ID: id, EventType: typ, Location: &model.Location{Name: id, Latitude: lat, Longitude: lon}}}
	}
	evs := []model.StoredEvent{ev("a", 14.0, -4.0, "Battles"), ev("b", 14.01, -4.01, "Riots"), ev("c", 14.02, -4.0, "Riots"),
		ev("far", 16.77, -3.0, "Battles"), {Event: model.Event{ID: "nowhere"}}}
	low := gridCluster(evs, 5)
	if len(low) != 2 || low[0].N != 3 || low[0].EventType != "Riots" || low[0].ID != "" || low[1].ID != "far" {
		t.Errorf("zoom 5: %+v", low)
	}
	high := gridCluster(evs, 14)
	if len(high) != 4 {
		t.Errorf("zoom 14: %d clusters, want 4 singles", len(high))
	}
}

func BenchmarkGridCluster(b *testing.B) {
	evs := make([]model.StoredEvent, 50000)
	for i := range evs {
		evs[i] = model.StoredEvent{Event: model.Event{ID: "e", EventType: "Battles",
			Location: &model.Location{Latitude: 10 + float64(i%1000)/100, Longitude: -10 + float64(i/1000)/5}}}
	}
	for b.Loop() {
		gridCluster(evs, 6)
	}
}

func BenchmarkEventsPage(b *testing.B) {
	fx := newFixture(b)
	for b.Loop() {
		resp, err := http.Get(fx.srv.URL + "/events?sort=-confidence&q=mali")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
