package web

import (
	"context"
	"errors"
	"strings"

	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"github.com/vigil-hr/vigil/internal/errs"
	"net/http"
)

// CSRF protection is two-fold: http.CrossOriginProtection refuses
// cross-origin unsafe requests (Sec-Fetch-Site, Origin), and every form
// carries a token that must equal the one in a SameSite=Strict cookie
// (double submit), for old browsers that send neither header.

const csrfCookie = "vigil_csrf"

type ctxKey int

const csrfKey ctxKey = 0

// withCSRF gives each browser a token cookie and checks it on POST.
func (s *Server) withCSRF(h http.Handler) http.Handler {
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
				SameSite: http.SameSiteStrictMode})
		}
		if r.Method == http.MethodPost {
			// The form is not parsed yet: the body limit comes first.
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				if err := parseForm(r, s.cfg.MaxUpload); err != nil {
					s.fail(w, r, err)
					return
				}
				sent = r.FormValue("csrf")
			}
			c, err := r.Cookie(csrfCookie)
			if err != nil || subtle.ConstantTimeCompare([]byte(sent), []byte(c.Value)) != 1 {
				http.Error(w, "forbidden: the form's security token is missing or stale; reload the page", http.StatusForbidden)
				return
			}
		}
		h.ServeHTTP(w, r.WithContext(withValue(r, tok)))
	})
}

func withValue(r *http.Request, tok string) context.Context {
	return context.WithValue(r.Context(), csrfKey, tok)
}

func csrfToken(r *http.Request) string {
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
