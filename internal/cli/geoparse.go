package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
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
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(br, maxBytes+4096)
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading input line %d: %w", lineNo, err)
		}
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil // the newline that ends the last line
		}
		if err := enc.Encode(geoparseLine(p, line, tooLong, lineNo)); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		if err == io.EOF {
			return nil
		}
	}
}

func geoparseLine(p *geoparse.Parser, line []byte, tooLong bool, lineNo int) any {
	nullID := json.RawMessage("null")
	if tooLong {
		return jsonlErr{nullID, fmt.Sprintf("line %d: is too long", lineNo)}
	}
	if len(strings.TrimSpace(string(line))) == 0 {
		return jsonlErr{nullID, fmt.Sprintf("line %d: is empty", lineNo)}
	}
	var in geoIn
	if err := json.Unmarshal(line, &in); err != nil {
		return jsonlErr{nullID, fmt.Sprintf("line %d: is not a JSON object: %v", lineNo, err)}
	}
	id := in.ID
	if len(id) == 0 {
		id = nullID
	}
	if in.Text == nil {
		return jsonlErr{id, fmt.Sprintf("line %d: has no \"text\"", lineNo)}
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
