package auth_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

// cheap keeps the tests fast; production uses DefaultParams.
var cheap = auth.Params{Memory: 64, Time: 1, Threads: 1}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T) (*auth.Service, *clock) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{time.Now()}
	return &auth.Service{Store: st, Params: cheap, Now: c.now}, c
}

const pw = "correct horse battery"

// want is the policy spelled out row by row, independent of Policy.
var want = map[auth.Role]string{
	auth.Public:   "read_published",
	auth.Viewer:   "read_published read_records",
	auth.Reviewer: "read_published read_records review",
	auth.Analyst:  "read_published read_records read_protected ingest review",
	auth.Admin:    "read_published read_records read_protected ingest review admin",
}

func TestPolicyEveryEntry(t *testing.T) {
	for _, r := range auth.Roles {
		for _, a := range auth.Actions {
			allowed := strings.Contains(" "+want[r]+" ", " "+string(a)+" ")
			if got := auth.Can(r, a); got != allowed {
				t.Errorf("Can(%s, %s) = %v, want %v", r, a, got, allowed)
			}
		}
	}
	if auth.Can("root", auth.ReadPublished) {
		t.Error("an unknown role may act")
	}
}

func TestPasswords(t *testing.T) {
	h, err := auth.HashPassword(pw, cheap)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword(pw, cheap)
	if h == h2 || !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hashes %q %q: want salted PHC strings", h, h2)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{pw, true}, {pw + " ", false}, {"", false}, {strings.ToUpper(pw), false}} {
		if ok, err := auth.VerifyPassword(c.pw, h); ok != c.want || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v", c.pw, ok, err)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA"} {
		if _, err := auth.VerifyPassword(pw, bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("VerifyPassword with hash %q: %v, want invalid", bad, err)
		}
	}
	if err := auth.CheckPassword("short"); !errs.Is(err, errs.Invalid) {
		t.Errorf("short password accepted")
	}
}

func TestUsersAndLogin(t *testing.T) {
	s, c := newService(t)
	ctx := t.Context()
	if _, err := s.AddUser(ctx, "system:cli", "awa", auth.Analyst, pw); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name string
		role auth.Role
		pw   string
		kind errs.Kind
	}{{"awa", auth.Viewer, pw, errs.Conflict}, {"x", auth.Public, pw, errs.Invalid}, {"x", "root", pw, errs.Invalid}, {"x", auth.Viewer, "short", errs.Invalid}} {
		if _, err := s.AddUser(ctx, "system:cli", bad.name, bad.role, bad.pw); !errs.Is(err, bad.kind) {
			t.Errorf("AddUser(%q, %q): %v, want %v", bad.name, bad.role, err, bad.kind)
		}
	}
	if _, err := s.Login(ctx, "awa", "wrong password!"); err != auth.ErrBadCredentials {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := s.Login(ctx, "nobody", pw); err != auth.ErrBadCredentials {
		t.Errorf("unknown user: %v", err)
	}
	lr, err := s.Login(ctx, "awa", pw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.BySession(ctx, lr.SessionID)
	if err != nil || p.Role != auth.Analyst || p.CSRF != lr.CSRF || p.Actor() != "user:"+lr.User.ID {
		t.Fatalf("BySession = %+v, %v", p, err)
	}
	// Expiry.
	c.t = c.t.Add(13 * time.Hour)
	if _, err := s.BySession(ctx, lr.SessionID); err != auth.ErrBadCredentials {
		t.Errorf("expired session: %v", err)
	}
	c.t = time.Now()
	// Logout.
	lr, _ = s.Login(ctx, "awa", pw)
	if err := s.Logout(ctx, lr.SessionID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BySession(ctx, lr.SessionID); err != auth.ErrBadCredentials {
		t.Errorf("session after logout: %v", err)
	}
	// Disabling ends sessions and refuses logins; enabling allows them again.
	lr, _ = s.Login(ctx, "awa", pw)
	if err := s.SetDisabled(ctx, "system:cli", "awa", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BySession(ctx, lr.SessionID); err != auth.ErrBadCredentials {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, err := s.Login(ctx, "awa", pw); err != auth.ErrBadCredentials {
		t.Errorf("login of a disabled user: %v", err)
	}
	if err := s.SetDisabled(ctx, "system:cli", "awa", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "awa", pw); err != nil {
		t.Errorf("login after enabling: %v", err)
	}
}

func TestTokenLifecycle(t *testing.T) {
	s, c := newService(t)
	ctx := t.Context()
	if _, err := s.AddUser(ctx, "system:cli", "bot", auth.Viewer, pw); err != nil {
		t.Fatal(err)
	}
	tok, rec, err := s.NewToken(ctx, "system:cli", "bot", "nightly", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, auth.TokenPrefix) || strings.Contains(rec.Hash, tok) || len(tok) < 40 {
		t.Errorf("token %q, stored hash %q", tok, rec.Hash)
	}
	if p, err := s.ByToken(ctx, tok); err != nil || p.Role != auth.Viewer || p.Via != "token" {
		t.Fatalf("ByToken = %+v, %v", p, err)
	}
	for _, bad := range []string{"", "vigil_", tok + "x", strings.TrimPrefix(tok, auth.TokenPrefix)} {
		if _, err := s.ByToken(ctx, bad); err != auth.ErrBadCredentials {
			t.Errorf("ByToken(%q): %v", bad, err)
		}
	}
	c.t = c.t.Add(2 * time.Hour)
	if _, err := s.ByToken(ctx, tok); err != auth.ErrBadCredentials {
		t.Errorf("expired token: %v", err)
	}
	c.t = time.Now()
	tok2, rec2, _ := s.NewToken(ctx, "system:cli", "bot", "forever", 0)
	if err := s.SetDisabled(ctx, "system:cli", "bot", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ByToken(ctx, tok2); err != auth.ErrBadCredentials {
		t.Errorf("token of a disabled user: %v", err)
	}
	s.SetDisabled(ctx, "system:cli", "bot", false)
	if _, err := s.ByToken(ctx, tok2); err != nil {
		t.Errorf("token after enabling: %v", err)
	}
	if err := s.RevokeToken(ctx, "system:cli", rec2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ByToken(ctx, tok2); err != auth.ErrBadCredentials {
		t.Errorf("revoked token: %v", err)
	}
}

// TestMiddlewareEveryRoleEveryAction serves one endpoint per action and
// calls each as each role: allowed where the policy says, else 401 for the
// public and 403 for users.
func TestMiddlewareEveryRoleEveryAction(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	mux := http.NewServeMux()
	for _, a := range auth.Actions {
		h := auth.Require(a)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(auth.FromContext(r.Context()).Actor()))
		}))
		mux.Handle("GET /"+string(a), h)
		mux.Handle("POST /"+string(a), h)
	}
	srv := s.Middleware(nil)(mux)
	tokens := map[auth.Role]string{}
	sessions := map[auth.Role]*auth.LoginResult{}
	for _, r := range auth.UserRoles {
		if _, err := s.AddUser(ctx, "system:cli", string(r), r, pw); err != nil {
			t.Fatal(err)
		}
		tok, _, err := s.NewToken(ctx, "system:cli", string(r), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		tokens[r] = tok
		if sessions[r], err = s.Login(ctx, string(r), pw); err != nil {
			t.Fatal(err)
		}
	}
	do := func(method, path string, set func(*http.Request)) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		set(req)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	for _, r := range auth.Roles {
		for _, a := range auth.Actions {
			wantCode := http.StatusOK
			if !auth.Can(r, a) {
				wantCode = http.StatusForbidden
				if r == auth.Public {
					wantCode = http.StatusUnauthorized
				}
			}
			ways := map[string]func(*http.Request){"anonymous": func(*http.Request) {}}
			if r != auth.Public {
				ways = map[string]func(*http.Request){
					"token": func(q *http.Request) { q.Header.Set("Authorization", "Bearer "+tokens[r]) },
					"session": func(q *http.Request) {
						q.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sessions[r].SessionID})
						q.Header.Set(auth.CSRFHeader, sessions[r].CSRF)
					},
				}
			}
			for how, set := range ways {
				for _, m := range []string{"GET", "POST"} {
					rec := do(m, "/"+string(a), set)
					if rec.Code != wantCode {
						t.Errorf("%s %s as %s by %s: %d, want %d", m, a, r, how, rec.Code, wantCode)
					}
					if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
						t.Errorf("401 without WWW-Authenticate")
					}
				}
			}
		}
	}

	analyst := sessions[auth.Analyst]
	cookie := func(q *http.Request) { q.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: analyst.SessionID}) }
	for _, c := range []struct {
		name   string
		method string
		set    func(*http.Request)
		code   int
	}{
		{"session POST without CSRF token", "POST", cookie, http.StatusForbidden},
		{"session POST with a wrong CSRF token", "POST", func(q *http.Request) { cookie(q); q.Header.Set(auth.CSRFHeader, sessions[auth.Admin].CSRF) }, http.StatusForbidden},
		{"session GET needs no CSRF token", "GET", cookie, http.StatusOK},
		{"token POST needs no CSRF token", "POST", func(q *http.Request) { q.Header.Set("Authorization", "Bearer "+tokens[auth.Analyst]) }, http.StatusOK},
		{"bad bearer token", "GET", func(q *http.Request) { q.Header.Set("Authorization", "Bearer vigil_nope") }, http.StatusUnauthorized},
		{"basic auth", "GET", func(q *http.Request) { q.Header.Set("Authorization", "Basic YTpi") }, http.StatusUnauthorized},
	} {
		if rec := do(c.method, "/ingest", c.set); rec.Code != c.code {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.code)
		}
	}
	// An unknown session cookie is cleared and the request goes on as the
	// public: public pages still work, others say 401.
	stale := func(q *http.Request) { q.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: "stale"}) }
	if rec := do("GET", "/read_published", stale); rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("stale cookie on a public page: %d, Set-Cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	if rec := do("GET", "/read_records", stale); rec.Code != http.StatusUnauthorized {
		t.Errorf("stale cookie on a private page: %d", rec.Code)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "https://vigil.example/", nil)
	auth.SetSessionCookie(rec, req, "secret", time.Now().Add(time.Hour))
	c := rec.Result().Cookies()[0]
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || !c.Secure || c.Path != "/" || c.MaxAge <= 0 {
		t.Errorf("cookie %+v", c)
	}
}
