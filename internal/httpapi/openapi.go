package httpapi

import (
	"fmt"
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
		op := map[string]any{
			"operationId": operationID(rt),
			"summary":     rt.Summary,
			"responses":   responses,
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
			"title":       "Vigil API",
			"version":     Version,
			"description": "Incident records extracted from reports of violence against civilians, each field tied to the words that support it.",
			"license":     map[string]any{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas},
	}
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
