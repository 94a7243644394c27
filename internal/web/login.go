package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/httpapi"
)

// loginView is the sign-in page's data.
type loginView struct {
	Err  string
	Name string
	Next string // where to go once signed in
	// Available is false when the server has no accounts to sign in to
	// (single-user local mode, or no authentication at all).
	Available bool
}

// safeNext returns next if it is a path on this server, else "/": no
// open redirect through the sign-in or language forms. Browsers drop tabs
// and newlines from URLs and read a backslash as a slash, so "/\t/evil"
// and "/\\evil" would leave the site: any control character or backslash
// is refused.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2000 ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) canSignIn() bool {
	a := s.cfg.Access
	return a != nil && !a.Local && a.Auth != nil
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg, next string) {
	w.Header().Set("Cache-Control", "no-store")
	v := loginView{Err: msg, Next: safeNext(next), Available: s.canSignIn(), Name: r.PostFormValue("name")}
	s.render(w, r, status, "login", s.base(w, r, "login", v))
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, "", r.URL.Query().Get("next"))
}

// loginPost checks a name and password, opens a session (its cookie is
// HttpOnly, SameSite=Lax, Secure over TLS) and goes on to next. A wrong
// name, a wrong password and a disabled account get the same answer.
func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) {
	loc := localeFor(r)
	next := safeNext(r.PostFormValue("next"))
	if !s.canSignIn() {
		s.renderLogin(w, r, http.StatusBadRequest, loc.T("There are no accounts on this server: no sign-in is needed."), next)
		return
	}
	// Each check costs 64 MiB of memory (argon2id): a few at a time.
	select {
	case s.logins <- struct{}{}:
		defer func() { <-s.logins }()
	default:
		w.Header().Set("Retry-After", "2")
		s.renderLogin(w, r, http.StatusServiceUnavailable, loc.T("Too many sign-ins at once; try again in a moment."), next)
		return
	}
	name, password := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	res, err := s.cfg.Access.Auth.Login(r.Context(), name, password)
	if errs.Is(err, errs.Forbidden) || errs.Is(err, errs.Invalid) {
		s.cfg.Log.Info("sign-in refused", "user", name)
		s.renderLogin(w, r, http.StatusUnauthorized, loc.T("Wrong name or password."), next)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	auth.SetSessionCookie(w, r, res.SessionID, res.Expires)
	s.cfg.Log.Info("signed in", "user", res.User.Name, "role", res.User.Role)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session and clears its cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if p.Via == "session" && s.canSignIn() {
		if c, err := r.Cookie(auth.SessionCookie); err == nil {
			if err := s.cfg.Access.Auth.Logout(r.Context(), c.Value); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	auth.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// viewer is who the page is shown to, for the layout.
type viewer struct {
	Name      string // "" for the public
	Role      string
	Local     bool // single-user local mode
	Public    bool // sees published records only
	CanIngest bool
	CanSignIn bool
}

func (s *Server) viewerOf(r *http.Request) viewer {
	p := auth.FromContext(r.Context())
	v := viewer{Local: httpapi.IsLocal(p), Public: !p.Can(auth.ReadRecords), CanIngest: p.Can(auth.Ingest), CanSignIn: s.canSignIn()}
	if p.User != nil {
		v.Name, v.Role = p.User.Name, string(p.Role)
	}
	return v
}
