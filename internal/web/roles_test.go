package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/store"
)

// wantPageAction is the action every page must declare, written out here
// independently of the route table: a page added without an entry here,
// or declaring another action, fails TestPageActions.
var wantPageAction = map[string]auth.Action{
	"GET /{$}":             auth.ReadPublished,
	"GET /events":          auth.ReadPublished,
	"GET /events/{id}":     auth.ReadPublished,
	"GET /documents/{id}":  auth.ReadRecords,
	"GET /map":             auth.ReadPublished,
	"GET /map/points.json": auth.ReadPublished,
	"GET /timeline":        auth.ReadPublished,
	"GET /intake":          auth.Ingest,
	"POST /intake":         auth.Ingest,
	"POST /lang":           auth.ReadPublished,
	"GET /login":           auth.ReadPublished,
	"POST /login":          auth.ReadPublished,
	"POST /logout":         auth.ReadPublished,
	"GET /static/":         auth.ReadPublished,
}

func TestPageActions(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		want, ok := wantPageAction[key]
		switch {
		case rt.Action == "":
			t.Errorf("%s declares no action", key)
		case !slices.Contains(auth.Actions, rt.Action):
			t.Errorf("%s declares unknown action %q", key, rt.Action)
		case !ok:
			t.Errorf("%s is not in wantPageAction: add it, and the roles test will call it for every role", key)
		case want != rt.Action:
			t.Errorf("%s declares %s, want %s", key, rt.Action, want)
		}
	}
	for key := range wantPageAction {
		if !seen[key] {
			t.Errorf("%s is expected but not served", key)
		}
	}
}

// webCred is a way of calling the workbench.
type webCred struct {
	name    string
	role    auth.Role // "" for bad credentials
	header  string    // Authorization
	session string    // session cookie
	csrf    string    // the session's CSRF token
}

const (
	testPassword = "correct horse battery"
	doubleSubmit = "dddddddddddddddddddddddddddddddddddddddddd0" // 43 characters, as the cookie's token
)

type authFixture struct {
	*fixture
	svc   *auth.Service
	creds []webCred
	srv   *httptest.Server
}

// newAuthFixture serves the fixture's store with accounts: a user of each
// role signed in, a token, and bad credentials of every kind.
func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	fx := newFixture(t)
	ctx := context.Background()
	ps, ok := fx.app.Store.(store.ProtectedStore)
	if !ok {
		t.Fatal("the store keeps no users")
	}
	now := time.Now()
	svc := &auth.Service{Store: ps, Params: auth.Params{Memory: 64, Time: 1, Threads: 1}, Now: func() time.Time { return now }}
	var creds []webCred
	for _, r := range auth.UserRoles {
		name := string(r) + "-user"
		if _, err := svc.AddUser(ctx, "system:test", name, r, testPassword); err != nil {
			t.Fatal(err)
		}
		lr, err := svc.Login(ctx, name, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		creds = append(creds, webCred{name: string(r) + " (session)", role: r, session: lr.SessionID, csrf: lr.CSRF})
	}
	tok, _, _ := svc.NewToken(ctx, "system:test", "analyst-user", "script", 0)
	creds = append(creds, webCred{name: "analyst (token)", role: auth.Analyst, header: "Bearer " + tok}, webCred{name: "public", role: auth.Public})
	if _, err := svc.AddUser(ctx, "system:test", "gone", auth.Admin, testPassword); err != nil {
		t.Fatal(err)
	}
	gtok, _, _ := svc.NewToken(ctx, "system:test", "gone", "", 0)
	glr, _ := svc.Login(ctx, "gone", testPassword)
	if err := svc.SetDisabled(ctx, "system:test", "gone", true); err != nil {
		t.Fatal(err)
	}
	exp, _, _ := svc.NewToken(ctx, "system:test", "admin-user", "short", time.Minute)
	now = now.Add(time.Hour)
	rev, rec, _ := svc.NewToken(ctx, "system:test", "admin-user", "revoked", 0)
	svc.RevokeToken(ctx, "system:test", rec.ID)
	creds = append(creds,
		webCred{name: "disabled user (session)", role: auth.Public, session: glr.SessionID, csrf: glr.CSRF}, // ended: the public
		webCred{name: "disabled user (token)", header: "Bearer " + gtok},
		webCred{name: "expired token", header: "Bearer " + exp},
		webCred{name: "revoked token", header: "Bearer " + rev})

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	access := &httpapi.Access{Auth: svc, Log: log}
	api := &httpapi.Server{Store: fx.app.Store, Log: log, Access: access}
	w, err := New(Config{Store: fx.app.Store, Log: log, Ingest: fx.web.cfg.Ingest, MaxUpload: 1 << 20, Access: access, API: api})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newMux(api.Handler(), w.Handler()))
	t.Cleanup(srv.Close)
	return &authFixture{fixture: fx, svc: svc, creds: creds, srv: srv}
}

// do sends a request as cr; POSTs carry the form and the right token.
func (af *authFixture) do(t *testing.T, cr webCred, method, path string, form map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	ctype := ""
	if method == "POST" {
		tok := doubleSubmit
		if cr.session != "" && cr.role != auth.Public {
			tok = cr.csrf
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField(auth.CSRFField, tok)
		for k, v := range form {
			mw.WriteField(k, v)
		}
		mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	}
	req, _ := http.NewRequest(method, af.srv.URL+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: doubleSubmit})
	if cr.session != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cr.session})
	}
	if cr.header != "" {
		req.Header.Set("Authorization", cr.header)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestEveryPageEveryRole calls every page and form target with every
// credential: allowed where the policy allows the page's action (the
// public then sees only published records: none yet), 401 with the
// sign-in page for no or bad credentials, 403 for a known user the policy
// refuses.
func TestEveryPageEveryRole(t *testing.T) {
	af := newAuthFixture(t)
	evID, docID := af.hostile.EventIDs[0], af.hostile.DocumentID
	type call struct {
		path string
		form map[string]string
		ok   int    // status when allowed
		body string // in the body when allowed
	}
	calls := map[string]call{
		"GET /{$}":             {"/", nil, 200, "table class=\"events\""},
		"GET /events":          {"/events?q=Nampala", nil, 200, "Nampala"},
		"GET /events/{id}":     {"/events/" + evID, nil, 200, "id=\"source-text\""},
		"GET /documents/{id}":  {"/documents/" + docID, nil, 200, "&lt;svg onload=alert(1)&gt;"},
		"GET /map":             {"/map", nil, 200, "id=\"map\""},
		"GET /map/points.json": {"/map/points.json?z=3", nil, 200, "\"clusters\":[{"},
		"GET /timeline":        {"/timeline", nil, 200, "rect class=\"bar\""},
		"GET /intake":          {"/intake", nil, 200, "form class=\"intake\""},
		"POST /intake":         {"/intake", map[string]string{"text": "Gunmen killed 3 civilians in Djibo on 2 March 2025, residents said."}, 303, ""},
		"POST /lang":           {"/lang", map[string]string{"lang": "fr", "next": "/events"}, 303, ""},
		"GET /login":           {"/login", nil, 200, "action=\"/login\""},
		"POST /login":          {"/login", map[string]string{"name": "viewer-user", "password": testPassword, "next": "/map"}, 303, ""},
		"POST /logout":         {"/logout", nil, 303, ""},
		"GET /static/":         {"/static/app.js", nil, 200, "data-fields"},
	}
	// What the public gets where it may go: published records only.
	public := map[string]call{
		"GET /{$}":             {ok: 200, body: "id=\"count\">0 events<"},
		"GET /events":          {ok: 200, body: "id=\"count\">0 events<"},
		"GET /events/{id}":     {ok: 404, body: "no published event"},
		"GET /map/points.json": {ok: 200, body: "\"clusters\":[]"},
		"GET /timeline":        {ok: 200, body: "You are not signed in"},
	}
	for _, cr := range af.creds {
		routes := Routes()
		// Sign out last: it ends the session the other calls use.
		slices.SortStableFunc(routes, func(a, b httpapi.RouteInfo) int {
			return map[bool]int{true: 1, false: 0}[a.Path == "/logout"] - map[bool]int{true: 1, false: 0}[b.Path == "/logout"]
		})
		for _, rt := range routes {
			key := rt.Method + " " + rt.Path
			c, ok := calls[key]
			if !ok {
				t.Fatalf("no call written for %s", key)
			}
			action := wantPageAction[key]
			t.Run(key+"/"+cr.name, func(t *testing.T) {
				resp, body := af.do(t, cr, rt.Method, c.path, c.form)
				want, wantBody := c.ok, c.body
				switch {
				case cr.role == "":
					want, wantBody = 401, ""
				case !auth.Can(cr.role, action) && cr.role == auth.Public:
					want, wantBody = 401, "action=\"/login\""
				case !auth.Can(cr.role, action):
					want, wantBody = 403, ""
				case cr.role == auth.Public:
					if p, ok := public[key]; ok {
						want, wantBody = p.ok, p.body
					}
				}
				if resp.StatusCode != want {
					t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, want, body)
				}
				if !strings.Contains(body, wantBody) {
					t.Errorf("body lacks %q: %.400s", wantBody, body)
				}
				if want == 403 && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && !strings.Contains(body, "may not do this") {
					t.Errorf("403 page does not say why: %.300s", body)
				}
			})
		}
	}
}

// TestSignInFlow: the sign-in page opens a session whose cookie is
// HttpOnly and SameSite; the session's forms carry its CSRF token, and a
// POST with any other token is refused; signing out ends the session. A
// wrong password and an unknown name get the same answer. In French too.
func TestSignInFlow(t *testing.T) {
	af := newAuthFixture(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := af.srv.URL
	_, page := fetch(t, c, base+"/login", "Accept-Language", "fr")
	if !strings.Contains(page, "Se connecter") || !strings.Contains(page, "Mot de passe") {
		t.Errorf("French sign-in page: %.500s", page)
	}
	tok := csrfOf(t, page)
	post := func(path string, v url.Values) (*http.Response, string) {
		resp, err := c.PostForm(base+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	var bodies []string
	for _, v := range []url.Values{{"name": {"analyst-user"}, "password": {"wrong password here"}}, {"name": {"nobody"}, "password": {testPassword}}} {
		v.Set(auth.CSRFField, tok)
		resp, body := post("/login", v)
		if resp.StatusCode != 401 || !strings.Contains(body, "Wrong name or password.") {
			t.Errorf("bad sign-in: %d %.300s", resp.StatusCode, body)
		}
		bodies = append(bodies, body[strings.Index(body, "<main>"):])
	}
	if strings.ReplaceAll(bodies[0], "analyst-user", "nobody") != bodies[1] {
		t.Error("a wrong password and an unknown name are told apart")
	}
	if resp, _ := post("/login", url.Values{"name": {"analyst-user"}, "password": {testPassword}, "next": {"/intake"}}); resp.StatusCode != 403 {
		t.Errorf("sign-in without the form's token: %d", resp.StatusCode)
	}
	resp, _ := post("/login", url.Values{auth.CSRFField: {tok}, "name": {"analyst-user"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var sc *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.SessionCookie {
			sc = ck
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", sc)
	}
	r2, page := fetch(t, c, base+"/intake")
	if r2.StatusCode != 200 || !strings.Contains(page, "analyst-user") || !strings.Contains(page, "Sign out") {
		t.Fatalf("intake once signed in: %d %.300s", r2.StatusCode, page)
	}
	stok := csrfOf(t, page)
	if stok == tok {
		t.Error("a session's forms carry the double-submit token, not the session's")
	}
	report := url.Values{"text": {"Gunmen abducted 4 traders near Ansongo on 9 April 2025, a relative said."}}
	report.Set(auth.CSRFField, tok)
	if resp, _ := post("/intake", report); resp.StatusCode != 403 {
		t.Errorf("a session's POST with the double-submit token: %d, want 403", resp.StatusCode)
	}
	report.Set(auth.CSRFField, stok)
	if resp, body := post("/intake", report); resp.StatusCode != 303 {
		t.Errorf("a session's POST with its token: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := post("/logout", url.Values{auth.CSRFField: {stok}}); resp.StatusCode != 303 {
		t.Errorf("sign out: %d", resp.StatusCode)
	}
	c.Jar.SetCookies(mustURL(t, base), []*http.Cookie{{Name: auth.SessionCookie, Value: sc.Value}}) // a copy of the ended session
	if r3, body := fetch(t, c, base+"/intake"); r3.StatusCode != 401 || !strings.Contains(body, "action=\"/login\"") {
		t.Errorf("intake after signing out: %d", r3.StatusCode)
	}
}

// TestLocalBanner: single-user local mode says so on every page and
// offers no sign-in.
func TestLocalBanner(t *testing.T) {
	fx := newFixture(t)
	c := client(t)
	for _, p := range []string{"/events", "/map", "/intake", "/login"} {
		_, body := fetch(t, c, fx.srv.URL+p)
		if !strings.Contains(body, "Single-user local mode") || strings.Contains(body, "href=\"/login") {
			t.Errorf("%s: no local-mode banner, or a sign-in link: %.400s", p, body)
		}
	}
	_, body := fetch(t, c, fx.srv.URL+"/events", "Accept-Language", "fr")
	if !strings.Contains(body, "Mode local mono-utilisateur") {
		t.Error("no French local-mode banner")
	}
}

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	i := strings.Index(page, `name="csrf_token" value="`)
	if i < 0 {
		t.Fatal("no CSRF token in the page")
	}
	rest := page[i+len(`name="csrf_token" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
