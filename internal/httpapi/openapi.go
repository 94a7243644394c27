package httpapi

import (
	"fmt"

	"github.com/vigil-hr/vigil/internal/auth"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Version is the API's version in the OpenAPI document.
const Version = "1.0.0"

var (
	specOnce sync.Once
	specJSON []byte
)

// OpenAPI returns the OpenAPI 3.1 document describing every route, with
// the response schemas reflected from the Go types the handlers encode.
func OpenAPI() map[string]any {
	schemas := map[string]any{}
	paths := map[string]any{}
	problemRef := schemaRef(reflect.TypeFor[Problem](), schemas)
	denialRef := schemaRef(reflect.TypeFor[Denial](), schemas)
	for _, rt := range routes {
		var params []any
		for _, p := range rt.Params {
			params = append(params, paramDoc(p))
		}
		if rt.Query {
			for _, p := range QueryParams {
				params = append(params, paramDoc(param{p.Name, "query", p.Type, p.Doc}))
			}
		}
		media := rt.MediaType
		if media == "" {
			media = "application/json"
		}
		body := map[string]any{"type": "object"}
		if _, free := rt.Body.(map[string]any); !free {
			body = schemaRef(reflect.TypeOf(rt.Body), schemas)
		}
		responses := map[string]any{
			"200": map[string]any{"description": "OK", "content": map[string]any{media: map[string]any{"schema": body}}},
		}
		for _, st := range append(slices.Clone(rt.Errors), http.StatusInternalServerError) {
			responses[strconv.Itoa(st)] = map[string]any{"description": http.StatusText(st),
				"content": map[string]any{"application/problem+json": map[string]any{"schema": problemRef}}}
		}
		// Bad credentials are refused everywhere; a known user the policy
		// refuses only where the public may not go.
		denials := map[int]string{http.StatusUnauthorized: "No credentials where they are needed, or bad ones (unknown, expired or revoked token; disabled user)"}
		if rt.Action != auth.ReadPublished {
			denials[http.StatusForbidden] = "The caller's role may not " + strings.ReplaceAll(string(rt.Action), "_", " ")
		}
		for st, why := range denials {
			responses[strconv.Itoa(st)] = map[string]any{"description": why,
				"content": map[string]any{"application/problem+json": map[string]any{"schema": denialRef}}}
		}
		op := map[string]any{
			"operationId":    operationID(rt),
			"summary":        rt.Summary,
			"responses":      responses,
			"security":       security(rt.Action),
			"x-vigil-action": string(rt.Action),
		}
		if params != nil {
			op["parameters"] = params
		}
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Vigil API",
			"version": Version,
			"description": "Incident records extracted from reports of violence against civilians, each field tied to the words that support it.\n\n" +
				"Each operation needs an action of the role policy (x-vigil-action). Callers authenticate with an API token " +
				"(Authorization: Bearer) or the workbench's session cookie; without either they act as the public, which sees " +
				"only published records, redacted. Nothing is published until review exists: the public's lists are empty and " +
				"its single records answer 404.\n\n" + roleTable(),
			"license": map[string]any{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"paths": paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{
			"bearerToken": map[string]any{"type": "http", "scheme": "bearer",
				"description": "An API token made by `vigil user token NAME` (vigil_...)."},
			"sessionCookie": map[string]any{"type": "apiKey", "in": "cookie", "name": auth.SessionCookie,
				"description": "The session the workbench's sign-in page opens (12 hours)."},
		}},
	}
}

// security is an operation's security requirements: anonymous callers
// (the public) too when the action is reading published records.
func security(a auth.Action) []any {
	out := []any{map[string]any{"bearerToken": []any{}}, map[string]any{"sessionCookie": []any{}}}
	if a == auth.ReadPublished {
		out = append([]any{map[string]any{}}, out...)
	}
	return out
}

// roleTable is the policy as a Markdown table, for the document's
// description.
func roleTable() string {
	var b strings.Builder
	b.WriteString("| role |")
	for _, a := range auth.Actions {
		b.WriteString(" " + string(a) + " |")
	}
	b.WriteString("\n|---|")
	for range auth.Actions {
		b.WriteString("---|")
	}
	for _, r := range auth.Roles {
		b.WriteString("\n| " + string(r) + " |")
		for _, a := range auth.Actions {
			if auth.Can(r, a) {
				b.WriteString(" yes |")
			} else {
				b.WriteString(" |")
			}
		}
	}
	return b.String()
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	specOnce.Do(func() {
		var b strings.Builder
		enc := jsonEncoder(&b)
		if err := enc.Encode(OpenAPI()); err != nil {
			panic(fmt.Sprintf("encoding the OpenAPI document: %v", err))
		}
		specJSON = []byte(b.String())
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(specJSON)
}

func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.FieldsFunc(rt.Path, func(r rune) bool { return r == '/' || r == '.' || r == '{' || r == '}' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func paramDoc(p param) map[string]any {
	s := map[string]any{"type": p.Type}
	if p.Type == "date" {
		s = map[string]any{"type": "string", "format": "date"}
	}
	d := map[string]any{"name": p.Name, "in": p.In, "description": p.Doc, "schema": s}
	if p.In == "path" {
		d["required"] = true
	}
	return d
}

// schemaRef returns a $ref to t's schema, adding it (and the schemas it
// uses) to schemas.
func schemaRef(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := t.Name()
	if _, ok := schemas[name]; !ok {
		schemas[name] = nil // placeholder: breaks cycles
		schemas[name] = structSchema(t, schemas)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

var timeType = reflect.TypeFor[time.Time]()

// typeSchema is the JSON Schema (2020-12, as OpenAPI 3.1 uses) of values of
// type t as encoding/json writes them. Pointers, slices and maps may be null.
func typeSchema(t reflect.Type, schemas map[string]any) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s map[string]any
	switch {
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		ref := schemaRef(t, schemas)
		if nullable {
			return map[string]any{"oneOf": []any{ref, map[string]any{"type": "null"}}}
		}
		return ref
	case t.Kind() == reflect.Slice:
		s = map[string]any{"type": "array", "items": typeSchema(t.Elem(), schemas)}
		nullable = true
	case t.Kind() == reflect.Array:
		s = map[string]any{"type": "array", "items": typeSchema(t.Elem(), schemas), "minItems": t.Len(), "maxItems": t.Len()}
	case t.Kind() == reflect.Map:
		s = map[string]any{"type": "object", "additionalProperties": typeSchema(t.Elem(), schemas)}
		nullable = true
	case t.Kind() == reflect.String:
		s = map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		s = map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		s = map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		s = map[string]any{"type": "number"}
	default:
		s = map[string]any{}
	}
	if nullable {
		s["type"] = []any{s["type"], "null"}
	}
	return s
}

// structSchema lists t's JSON fields, flattening embedded structs as
// encoding/json does. Fields without omitempty are required.
func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = typeSchema(f.Type, schemas)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		slices.Sort(required)
		s["required"] = required
	}
	return s
}
