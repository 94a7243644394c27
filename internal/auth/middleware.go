package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Cookie and header names.
const (
	SessionCookie = "vigil_session"
	CSRFHeader    = "X-CSRF-Token"
	CSRFField     = "csrf_token" // form field, for HTML forms
)

type ctxKey struct{}

// FromContext returns the request's principal; the public when
// Middleware did not run.
func FromContext(ctx context.Context) *Principal {
	if p, ok := ctx.Value(ctxKey{}).(*Principal); ok {
		return p
	}
	return &Principal{Role: Public}
}

// WithPrincipal returns ctx carrying p (for tests and background jobs).
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// Middleware authenticates each request and puts its principal in the
// context: a Bearer token (Authorization header) if given, else the
// session cookie, else the public. A bad Bearer token is refused with 401;
// a bad or expired session cookie is cleared and the request goes on as
// the public, so public pages keep working after a session ends.
// Requests that authenticated with the session cookie and change state
// (any method but GET, HEAD, OPTIONS) must carry the session's CSRF token
// in the X-CSRF-Token header or the csrf_token form field, or get 403.
func (s *Service) Middleware(log *slog.Logger) func(http.Handler) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := s.authenticate(w, r)
			if err != nil {
				if errs.Is(err, errs.Forbidden) {
					deny(w, http.StatusUnauthorized, "the credentials are not valid")
					return
				}
				log.Error("authenticating a request", "err", err)
				deny(w, http.StatusServiceUnavailable, "cannot check credentials now")
				return
			}
			if p.Via == "session" && !safeMethod(r.Method) {
				got := r.Header.Get(CSRFHeader)
				if got == "" {
					got = r.PostFormValue(CSRFField)
				}
				if subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRF)) != 1 {
					deny(w, http.StatusForbidden, "missing or wrong CSRF token")
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func (s *Service) authenticate(w http.ResponseWriter, r *http.Request) (*Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, ErrBadCredentials
		}
		return s.ByToken(r.Context(), strings.TrimSpace(token))
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return &Principal{Role: Public}, nil
	}
	p, err := s.BySession(r.Context(), c.Value)
	if errs.Is(err, errs.Forbidden) {
		ClearSessionCookie(w, r)
		return &Principal{Role: Public}, nil
	}
	return p, err
}

// Require lets a request through only if its principal may take action:
// otherwise 401 for the public (with a WWW-Authenticate challenge) and 403
// for an authenticated caller. It needs Middleware before it.
func Require(action Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := FromContext(r.Context())
			switch {
			case p.Can(action):
				next.ServeHTTP(w, r)
			case p.User == nil:
				w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
				deny(w, http.StatusUnauthorized, "sign in or give an API token to do this")
			default:
				deny(w, http.StatusForbidden, "the role "+string(p.Role)+" may not "+strings.ReplaceAll(string(action), "_", " "))
			}
		})
	}
}

// deny writes a problem+json error (RFC 9457).
func deny(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
}

// SetSessionCookie sets the session cookie: HttpOnly, SameSite=Lax,
// Secure when the request came over TLS (or says so through a proxy's
// X-Forwarded-Proto), valid until expires.
func SetSessionCookie(w http.ResponseWriter, r *http.Request, sessionID string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: sessionID, Path: "/", Expires: expires, MaxAge: int(time.Until(expires).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r),
	})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
}

func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
