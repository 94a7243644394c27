package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/errs"
)

// CSRF protection is three-fold. http.CrossOriginProtection refuses
// cross-origin unsafe requests (Sec-Fetch-Site, Origin). Every form
// carries a token in its csrf_token field: for a signed-in user it is the
// session's token (auth: derived from the session ID, checked by
// auth.Service.Middleware); for everyone else (the public, the local
// user of single-user local mode) it must equal the one in a
// SameSite=Strict cookie (double submit), for old browsers that send
// neither header. The sign-in form is protected like any other.

const csrfCookie = "vigil_csrf"

type ctxKey int

const csrfKey ctxKey = 0

// readForm runs before authentication: it gives each browser a
// double-submit token cookie and, on POST, bounds the body and parses the
// form, so that the session's CSRF check reads an already limited form.
func (s *Server) readForm(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := ""
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
			tok = c.Value
		}
		if tok == "" {
			b := make([]byte, 32)
			rand.Read(b)
			tok = base64.RawURLEncoding.EncodeToString(b)
			http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		}
		// The form is parsed into the server's own request, so that the
		// server removes a multipart form's temporary files at the end.
		var err error
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
			if r.Header.Get(auth.CSRFHeader) == "" {
				err = parseForm(r, s.cfg.MaxUpload)
			}
		}
		r = r.WithContext(context.WithValue(r.Context(), csrfKey, tok))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// checkCSRF runs after authentication: a POST of a session was checked by
// auth's middleware against the session's token; any other POST must
// carry the double-submit token of its cookie.
func (s *Server) checkCSRF(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && auth.FromContext(r.Context()).Via != "session" {
			sent := r.Header.Get(auth.CSRFHeader)
			if sent == "" {
				sent = r.PostFormValue(auth.CSRFField)
			}
			c, err := r.Cookie(csrfCookie)
			if err != nil || subtle.ConstantTimeCompare([]byte(sent), []byte(c.Value)) != 1 {
				http.Error(w, "forbidden: the form's security token is missing or stale; reload the page", http.StatusForbidden)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// csrfToken is the token the request's forms must carry.
func csrfToken(r *http.Request) string {
	if p := auth.FromContext(r.Context()); p.Via == "session" {
		return p.CSRF
	}
	tok, _ := r.Context().Value(csrfKey).(string)
	return tok
}

// parseForm parses a urlencoded or multipart form, keeping at most 1 MiB
// of a multipart body in memory (the rest spills to temporary files).
func parseForm(r *http.Request, max int64) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errs.E(errs.Invalid, "the upload is larger than the %d MiB limit", max>>20)
		}
		return errs.E(errs.Invalid, "the form could not be read: %v", err)
	}
	return nil
}
