package httpapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
)

// TestimonyList is the body of GET /api/v1/testimonies. Its testimonies
// never carry protected fields (has_protected names those they hold).
type TestimonyList struct {
	Testimonies []vault.Testimony `json:"testimonies"`
	Limit       int               `json:"limit"`
	Offset      int               `json:"offset"`
}

var testimonyIDParam = param{"id", "path", "string", "the testimony's ID"}

func init() {
	routes = append(routes,
		route{Method: "GET", Path: "/api/v1/testimonies", Action: auth.ReadPublished,
			Summary: "Witness testimonies, newest first, without their protected fields (the public: published ones only, redacted)",
			Params: []param{{"event", "query", "string", "only testimonies about this event"}, {"document", "query", "string", "only testimonies linked to this document"},
				{"limit", "query", "integer", "page size (default 100, at most 1000)"}, {"offset", "query", "integer", "testimonies to skip"}},
			Body: TestimonyList{}, Errors: []int{400, 503}, handler: (*Server).listTestimonies},
		route{Method: "GET", Path: "/api/v1/testimonies/{id}", Action: auth.ReadPublished,
			Summary: "One testimony without its protected fields (the public: only if published, redacted)",
			Params:  []param{testimonyIDParam}, Body: vault.Testimony{}, Errors: []int{404, 503}, handler: (*Server).getTestimony},
		route{Method: "GET", Path: "/api/v1/testimonies/{id}/protected", Action: auth.ReadProtected,
			Summary: "One testimony with its protected fields decrypted; the read is written to the access log first",
			Params:  []param{testimonyIDParam}, Body: vault.Testimony{}, Errors: []int{404, 503}, handler: (*Server).revealTestimony},
	)
}

func (s *Server) testimonies() (vault.TestimonyStore, error) {
	if s.Testimonies == nil {
		return nil, errs.E(errs.Unavailable, "this store keeps no testimonies")
	}
	return s.Testimonies, nil
}

func (s *Server) listTestimonies(w http.ResponseWriter, r *http.Request) {
	st, err := s.testimonies()
	if err != nil {
		s.problem(w, r, err)
		return
	}
	f, err := testimonyFilter(r.URL.Query())
	if err != nil {
		s.problem(w, r, err)
		return
	}
	out := TestimonyList{Testimonies: []vault.Testimony{}, Limit: f.Limit, Offset: f.Offset}
	if !readsAll(r.Context()) {
		if s.Publication == nil {
			writeJSON(w, http.StatusOK, out)
			return
		}
		// Published testimonies are few: page over them in Go.
		lo, n := f.Offset, f.Limit
		f.Offset, f.Limit = 0, store.MaxLimit
		for {
			ts, err := st.ListTestimonies(r.Context(), f)
			if err != nil {
				s.problem(w, r, err)
				return
			}
			for i := range ts {
				ok, err := s.Publication.TestimonyPublished(r.Context(), &ts[i])
				if err != nil {
					s.problem(w, r, err)
					return
				}
				if !ok {
					continue
				}
				if lo > 0 {
					lo--
					continue
				}
				if len(out.Testimonies) < n {
					out.Testimonies = append(out.Testimonies, publicTestimony(&ts[i]))
				}
			}
			if len(ts) < f.Limit || len(out.Testimonies) == n {
				break
			}
			f.Offset += len(ts)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	ts, err := st.ListTestimonies(r.Context(), f)
	if err != nil {
		s.problem(w, r, err)
		return
	}
	for i := range ts {
		out.Testimonies = append(out.Testimonies, *vault.Clear(&ts[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// publicTestimony is a testimony's public form (redact.PublicTestimony)
// in the API's testimony shape.
func publicTestimony(st *store.Testimony) vault.Testimony {
	p := redact.PublicTestimony(vault.Clear(st))
	return vault.Testimony{ID: p.ID, Statement: p.Statement, Lang: p.Lang, Country: p.Country, Admin1: p.Admin1,
		Admin2: p.Admin2, TakenOn: p.TakenOn, EventIDs: p.EventIDs}
}

func testimonyFilter(q url.Values) (store.TestimonyFilter, error) {
	f := store.TestimonyFilter{EventID: q.Get("event"), DocumentID: q.Get("document")}
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return f, errs.E(errs.Invalid, "query parameter %s=%q is not a non-negative integer", name, v)
			}
			*dst = n
		}
	}
	p, err := f.Page.Normalize()
	f.Page = p
	return f, err
}

func (s *Server) getTestimony(w http.ResponseWriter, r *http.Request) {
	st, err := s.testimonies()
	if err != nil {
		s.problem(w, r, err)
		return
	}
	id := r.PathValue("id")
	t, err := st.GetTestimony(r.Context(), id)
	if readsAll(r.Context()) {
		if err != nil {
			s.problem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, vault.Clear(t))
		return
	}
	// The public gets the same answer for a missing testimony and an
	// unpublished one.
	if err != nil && !errs.Is(err, errs.NotFound) {
		s.problem(w, r, err)
		return
	}
	ok := false
	if err == nil && s.Publication != nil {
		if ok, err = s.Publication.TestimonyPublished(r.Context(), t); err != nil {
			s.problem(w, r, err)
			return
		}
	}
	if !ok {
		s.problem(w, r, errs.E(errs.NotFound, "no published testimony %q", id))
		return
	}
	writeJSON(w, http.StatusOK, publicTestimony(t))
}

func (s *Server) revealTestimony(w http.ResponseWriter, r *http.Request) {
	if s.Vault == nil {
		s.problem(w, r, errs.E(errs.Unavailable, "the vault's keys are not loaded on this server, so protected fields cannot be read"))
		return
	}
	p := auth.FromContext(r.Context())
	t, err := s.Vault.Reveal(r.Context(), p.Actor(), r.PathValue("id"))
	if err != nil {
		s.problem(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, t)
}
