package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
)

var geoParser = sync.OnceValues(func() (*geoparse.Parser, error) {
	g, err := geoparse.Default()
	if err != nil {
		return nil, fmt.Errorf("loading gazetteer: %w", err)
	}
	return geoparse.NewParser(g), nil
})

func runGeoparse(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "geoparse", "vigil geoparse [FILE|-]\n       vigil geoparse --jsonl [FILE|-]",
		`Find place names in a text and resolve them to gazetteer entries. Prints {"places": [...]}.
With --jsonl, read lines {"id","text","spans":[{"start","end"}]} (spans optional, in code points) and write
{"id","places"} per line; with spans, exactly those spans are resolved, one place per span.`)
	jsonl := fs.Bool("jsonl", false, "batch mode: JSON Lines in, JSON Lines out")
	maxBytes := fs.Int64("max-bytes", intake.DefaultMaxBytes, "largest text accepted, in bytes")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) > 1 {
		return usagef("reads one input, got %d", len(files))
	}
	name := "-"
	if len(files) == 1 {
		name = files[0]
	}
	p, err := geoParser()
	if err != nil {
		return err
	}
	if !*jsonl {
		doc, err := readDoc(e, name, *maxBytes)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Places []model.Place `json:"places"`
		}{toRunes(doc.Text, p.Parse(doc.Text))})
	}
	r, closeFn, err := openInput(e, name)
	if err != nil {
		return err
	}
	defer closeFn()
	return geoparseJSONL(ctx, p, r, e.Stdout, *maxBytes)
}

type geoIn struct {
	ID    json.RawMessage `json:"id"`
	Text  *string         `json:"text"`
	Spans []model.Span    `json:"spans"`
}

type geoOut struct {
	ID     json.RawMessage `json:"id"`
	Places []model.Place   `json:"places"`
}

func geoparseJSONL(ctx context.Context, p *geoparse.Parser, r io.Reader, w io.Writer, maxBytes int64) error {
	return eachJSONLine(ctx, r, w, maxBytes+4096, func(line []byte, lineNo int) any {
		return geoparseLine(p, line, lineNo)
	})
}

func geoparseLine(p *geoparse.Parser, line []byte, lineNo int) any {
	var in geoIn
	id, bad := jsonlHead(line, lineNo, &in, func() json.RawMessage { return in.ID }, func() *string { return in.Text })
	if bad != nil {
		return *bad
	}
	text := *in.Text
	if !utf8.ValidString(text) {
		return jsonlErr{id, fmt.Sprintf("line %d: text is not valid UTF-8", lineNo)}
	}
	if in.Spans == nil {
		return geoOut{id, toRunes(text, p.Parse(text))}
	}
	bytesAt := runeToByte(text)
	n := len(bytesAt) - 1
	spans := make([]model.Span, len(in.Spans))
	for i, sp := range in.Spans {
		if sp.Start < 0 || sp.End > n || sp.Start > sp.End {
			return jsonlErr{id, fmt.Sprintf("line %d: span %d [%d,%d) is outside the text's %d code points", lineNo, i, sp.Start, sp.End, n)}
		}
		spans[i] = model.Span{Start: bytesAt[sp.Start], End: bytesAt[sp.End]}
	}
	return geoOut{id, toRunes(text, p.ResolveSpans(text, spans))}
}

// toRunes converts places' byte offsets to code point offsets.
func toRunes(text string, ps []model.Place) []model.Place {
	ri := nlp.NewRuneIndex(text)
	out := make([]model.Place, len(ps))
	for i, p := range ps {
		p.Start, p.End = ri.Rune(p.Start), ri.Rune(p.End)
		out[i] = p
	}
	return out
}

// runeToByte returns, for each code point index i (and one past the end),
// the byte offset where it starts.
func runeToByte(text string) []int {
	out := make([]int, 0, len(text)+1)
	for i := range text {
		out = append(out, i)
	}
	return append(out, len(text))
}
