package httpapi

import (
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/store"
)

// Access says how the requests of a server are authenticated. The API and
// the workbench share one, so a session opened on the login page also
// works for the API and a token works on pages.
//
// A nil *Access authenticates no one: every request acts as the public.
type Access struct {
	// Auth authenticates API tokens (Authorization: Bearer) and session
	// cookies. Required unless Local.
	Auth *auth.Service
	// Local is single-user local mode, for a store with no users served on
	// a loopback address: every request acts as the local user, an admin,
	// without credentials. Requests whose Host is not a loopback name are
	// refused, so a web page cannot reach the server through DNS
	// rebinding.
	Local bool
	Log   *slog.Logger
}

// LocalUserID is the ID of the local user of single-user local mode: its
// actor in the ledger and the access log is "user:local". No such user is
// stored.
const LocalUserID = "local"

// LocalPrincipal is who every request acts for in single-user local mode.
func LocalPrincipal() *auth.Principal {
	return &auth.Principal{User: &store.User{ID: LocalUserID, Name: LocalUserID, Role: string(auth.Admin)}, Role: auth.Admin, Via: "local"}
}

// IsLocal reports whether p is the local user of single-user local mode.
func IsLocal(p *auth.Principal) bool { return p != nil && p.Via == "local" }

// Authenticate puts each request's principal in its context (see
// auth.FromContext): the local user in local mode, else whoever its token
// or session cookie names, else the public. Requests with bad
// credentials are refused with 401 and state-changing requests of a
// session without its CSRF token with 403 (auth.Service.Middleware).
func (a *Access) Authenticate(next http.Handler) http.Handler {
	switch {
	case a == nil:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), &auth.Principal{Role: auth.Public})))
		})
	case a.Local:
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !LoopbackHost(r.Host) {
				Deny(w, http.StatusMisdirectedRequest, "this server runs in single-user local mode and answers only requests addressed to localhost")
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), LocalPrincipal())))
		})
	case a.Auth == nil:
		// A misconfiguration: fail closed rather than act as anyone.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Deny(w, http.StatusServiceUnavailable, "authentication is not configured")
		})
	}
	return a.Auth.Middleware(a.Log)(next)
}

// LoopbackHost reports whether a Host header (host or host:port) names
// the loopback interface: localhost, 127.0.0.0/8 or ::1.
func LoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Require lets a request through only when its principal may take action
// (auth.Require: 401 for the public or bad credentials, 403 for a known
// user the policy refuses). An empty action refuses everyone, so a route
// that forgot to declare one is closed, not open. A request that acts
// with ambient authority (a session cookie, or local mode) and that a
// browser marks as sent by another site (Sec-Fetch-Site: cross-site) is
// refused too: the API's reads include logged reveals of protected
// fields, which another site must not be able to trigger in a user's
// name.
func Require(action auth.Action, h http.Handler) http.Handler {
	inner := auth.Require(action)(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := auth.FromContext(r.Context()); (p.Via == "session" || IsLocal(p)) && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			Deny(w, http.StatusForbidden, "cross-site requests are refused")
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// Denial is the body of a 401, 403 or 421 answer: a problem detail
// (RFC 9457) without a type, as package auth writes it.
type Denial struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// Deny writes a Denial as application/problem+json.
func Deny(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Denial{Title: http.StatusText(status), Status: status, Detail: detail})
}
