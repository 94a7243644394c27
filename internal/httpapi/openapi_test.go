package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// spec fetches the served document and decodes it generically.
func spec(t *testing.T, fx fixture) map[string]any {
	t.Helper()
	_, body := get(t, fx.srv.URL+"/api/openapi.json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// TestOpenAPIValid checks the document's structure against OpenAPI 3.1:
// required members, operations with responses, declared path parameters,
// unique operation IDs and $refs that resolve.
func TestOpenAPIValid(t *testing.T) {
	doc := spec(t, newServer(t))
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info lacks title or version: %v", info)
	}
	seen := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	tmpl := regexp.MustCompile(`\{([a-z_]+)\}`)
	for p, item := range paths {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("path %q does not start with /", p)
		}
		for method, op := range item.(map[string]any) {
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options"}, method) {
				t.Errorf("%s: unknown method %q", p, method)
			}
			o := op.(map[string]any)
			id, _ := o["operationId"].(string)
			if id == "" || seen[id] {
				t.Errorf("%s %s: operationId %q missing or repeated", method, p, id)
			}
			seen[id] = true
			if rs, _ := o["responses"].(map[string]any); len(rs) == 0 {
				t.Errorf("%s %s: no responses", method, p)
			}
			declared := map[string]bool{}
			ps, _ := o["parameters"].([]any)
			for _, x := range ps {
				pm := x.(map[string]any)
				if !slices.Contains([]any{"path", "query", "header", "cookie"}, pm["in"]) || pm["schema"] == nil {
					t.Errorf("%s %s: bad parameter %v", method, p, pm)
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
					if pm["required"] != true {
						t.Errorf("%s %s: path parameter %v not required", method, p, pm["name"])
					}
				}
			}
			for _, m := range tmpl.FindAllStringSubmatch(p, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s not declared", method, p, m[1])
				}
			}
		}
	}
	var refs []string
	collectRefs(doc, &refs)
	for _, r := range refs {
		if resolve(doc, r) == nil {
			t.Errorf("$ref %s does not resolve", r)
		}
	}
	if len(refs) == 0 {
		t.Error("no $ref at all: the schemas were not generated")
	}
}

func collectRefs(v any, refs *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["$ref"].(string); ok {
			*refs = append(*refs, r)
		}
		for _, y := range x {
			collectRefs(y, refs)
		}
	case []any:
		for _, y := range x {
			collectRefs(y, refs)
		}
	}
}

func resolve(doc map[string]any, ref string) map[string]any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, _ := cur.(map[string]any)
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

// TestOpenAPIMatchesHandlers calls every documented operation on a live
// server and checks the answer against the document: the status is
// documented, the content type is the documented one and the body
// validates against the schema strictly (a field the document does not
// list is an error, so adding a field to a Go type without the document
// following fails here). Documented query parameters must be accepted.
// Every served API route must be documented.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	fx := newServer(t)
	doc := spec(t, fx)
	paths := doc["paths"].(map[string]any)
	examples := map[string]string{"from": "2024-01-01", "to": "2024-12-31", "country": "MLI", "certainty": "reported",
		"event_type": "Violence against civilians", "sub_event_type": "Attack", "document": fx.docIDs[0], "q": "killed",
		"bbox": "-20,0,30,30", "sort": "-fatalities", "limit": "2", "offset": "1", "k": "3", "event": fx.ids[0]}
	pathIDs := map[string]string{"/api/v1/events/{id}": fx.ids[0], "/api/v1/events/{id}/known": fx.ids[0], "/api/v1/documents/{id}": fx.docIDs[0],
		"/api/v1/documents/{id}/reports": fx.docIDs[0], "/api/v1/testimonies/{id}": fx.testimony, "/api/v1/testimonies/{id}/protected": fx.testimony}
	var checked []string
	for p, item := range paths {
		for method, op := range item.(map[string]any) {
			o := op.(map[string]any)
			concrete := p
			if strings.Contains(p, "{id}") {
				id, ok := pathIDs[p]
				if !ok {
					t.Errorf("%s: no example ID; add one to the test", p)
					continue
				}
				concrete = strings.ReplaceAll(p, "{id}", id)
			}
			// Plain call, then each query parameter on its own.
			urls := []string{concrete}
			ps, _ := o["parameters"].([]any)
			for _, x := range ps {
				pm := x.(map[string]any)
				if pm["in"] != "query" {
					continue
				}
				ex, ok := examples[pm["name"].(string)]
				if !ok {
					t.Errorf("%s %s: no example for query parameter %v; add one to the test", method, p, pm["name"])
					continue
				}
				urls = append(urls, concrete+"?"+pm["name"].(string)+"="+strings.ReplaceAll(ex, " ", "+"))
			}
			for _, u := range urls {
				req, _ := http.NewRequest(strings.ToUpper(method), fx.srv.URL+u, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var body any
				err = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if err != nil {
					t.Errorf("%s %s: body is not JSON: %v", method, u, err)
					continue
				}
				if resp.StatusCode != 200 {
					t.Errorf("%s %s: status %d: %v", method, u, resp.StatusCode, body)
					continue
				}
				ok := o["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
				ctype := resp.Header.Get("Content-Type")
				media, found := ok[ctype].(map[string]any)
				if !found {
					t.Errorf("%s %s: content type %q not documented", method, u, ctype)
					continue
				}
				for _, e := range validate(doc, media["schema"].(map[string]any), body, "$") {
					t.Errorf("%s %s: %s", method, u, e)
				}
			}
			checked = append(checked, strings.ToUpper(method)+" "+p)
		}
	}
	// Every route the handler serves is documented, and vice versa.
	var served []string
	for _, rt := range routes {
		served = append(served, rt.Method+" "+rt.Path)
	}
	sort.Strings(served)
	sort.Strings(checked)
	if !slices.Equal(served, checked) {
		t.Errorf("served routes %v, documented and checked %v", served, checked)
	}
	// Problems validate against the Problem schema.
	resp, body := get(t, fx.srv.URL+"/api/v1/events/nope")
	var pb any
	json.Unmarshal([]byte(body), &pb)
	st := paths["/api/v1/events/{id}"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)[strconv.Itoa(resp.StatusCode)]
	if st == nil {
		t.Fatalf("status %d of a missing event is not documented", resp.StatusCode)
	}
	schema := st.(map[string]any)["content"].(map[string]any)["application/problem+json"].(map[string]any)["schema"].(map[string]any)
	for _, e := range validate(doc, schema, pb, "$") {
		t.Errorf("problem: %s", e)
	}
}

// validate checks v against the subset of JSON Schema the document uses
// ($ref, oneOf, type and type lists, properties, required, items, array
// length, additionalProperties). Unlike JSON Schema's default, properties
// not listed are errors, to catch drift.
func validate(doc, s map[string]any, v any, at string) []string {
	if r, ok := s["$ref"].(string); ok {
		target := resolve(doc, r)
		if target == nil {
			return []string{at + ": unresolved " + r}
		}
		return validate(doc, target, v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		var all []string
		n := 0
		for _, a := range alts {
			errs := validate(doc, a.(map[string]any), v, at)
			if len(errs) == 0 {
				n++
			}
			all = append(all, errs...)
		}
		if n != 1 {
			return append([]string{fmt.Sprintf("%s: matches %d of oneOf", at, n)}, all...)
		}
		return nil
	}
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, x.(string))
		}
	}
	if len(types) > 0 && !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
		return []string{fmt.Sprintf("%s: %s, want %v", at, jsonType(v), types)}
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		addl, _ := s["additionalProperties"].(map[string]any)
		for k, val := range x {
			ps, ok := props[k].(map[string]any)
			switch {
			case ok:
				out = append(out, validate(doc, ps, val, at+"."+k)...)
			case addl != nil:
				out = append(out, validate(doc, addl, val, at+"."+k)...)
			case props != nil:
				out = append(out, at+"."+k+": not in the document")
			}
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := x[r.(string)]; !ok {
				out = append(out, at+": lacks required "+r.(string))
			}
		}
	case []any:
		if it, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				out = append(out, validate(doc, it, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
		if n, ok := s["minItems"].(float64); ok && len(x) < int(n) {
			out = append(out, fmt.Sprintf("%s: %d items, want at least %v", at, len(x), n))
		}
		if n, ok := s["maxItems"].(float64); ok && len(x) > int(n) {
			out = append(out, fmt.Sprintf("%s: %d items, want at most %v", at, len(x), n))
		}
	}
	return out
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// TestValidatorCatchesDrift makes sure the validator used above can fail:
// an undocumented field, a missing required one and a wrong type.
func TestValidatorCatchesDrift(t *testing.T) {
	doc := OpenAPI()
	b, _ := json.Marshal(doc)
	var d map[string]any
	json.Unmarshal(b, &d)
	ref := map[string]any{"$ref": "#/components/schemas/Health"}
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`{"status":"ok"}`, true},
		{`{"status":"ok","extra":1}`, false},
		{`{}`, false},
		{`{"status":3}`, false},
	} {
		var v any
		json.Unmarshal([]byte(tc.body), &v)
		if errs := validate(d, ref, v, "$"); (len(errs) == 0) != tc.ok {
			t.Errorf("validate(%s) = %v, want ok=%v", tc.body, errs, tc.ok)
		}
	}
}
