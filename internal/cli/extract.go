package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/extract"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp/dates"
)

// extractor loads the pipeline's resources once per process.
var extractor = sync.OnceValues(extract.New)

func runExtract(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "extract", "vigil extract [--published YYYY-MM-DD] [--lang auto|en|fr] [FILE ...|-]\n       vigil extract --jsonl [FILE|-]",
		`Read reports (plain text or HTML) and print the events they describe as JSON, one document per input.
Nothing is stored. With no FILE, or with -, read standard input.
With --jsonl, read JSON Lines {"id","text","published","lang"} and write one result line per input line.`)
	published := fs.String("published", "", "publication `date` (YYYY-MM-DD) that anchors relative dates")
	lang := fs.String("lang", "auto", "language of the reports: auto, en or fr")
	jsonl := fs.Bool("jsonl", false, "batch mode: JSON Lines in, JSON Lines out")
	maxBytes := fs.Int64("max-bytes", intake.DefaultMaxBytes, "largest report accepted, in bytes")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	pub, err := parsePublished(*published)
	if err != nil {
		return err
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	if *maxBytes <= 0 || *maxBytes > intake.DefaultMaxBytes {
		return usagef("--max-bytes must be between 1 and %d", intake.DefaultMaxBytes)
	}
	x, err := extractor()
	if err != nil {
		return err
	}
	if *jsonl {
		if len(files) > 1 {
			return usagef("--jsonl reads one input, got %d", len(files))
		}
		name := "-"
		if len(files) == 1 {
			name = files[0]
		}
		r, closeFn, err := openInput(e, name)
		if err != nil {
			return err
		}
		defer closeFn()
		return extractJSONL(ctx, x, r, e.Stdout, pub, *lang, *maxBytes)
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	failed := 0
	for _, name := range files {
		doc, err := readDoc(e, name, *maxBytes)
		if err != nil {
			fmt.Fprintf(e.Stderr, "vigil extract: %s\n", oneLine(err.Error()))
			failed++
			continue
		}
		opt := extract.Options{Published: pub, Lang: *lang}
		if opt.Published.IsZero() && doc.Published != nil {
			opt.Published = *doc.Published
		}
		res := x.Extract(doc.Text, opt)
		if err := enc.Encode(res); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	if failed > 0 {
		return failedError{failed}
	}
	return nil
}

// jsonlIn is one line of `extract --jsonl` input.
type jsonlIn struct {
	ID        json.RawMessage `json:"id"`
	Text      *string         `json:"text"`
	Published string          `json:"published"`
	Lang      string          `json:"lang"`
}

type jsonlOut struct {
	ID json.RawMessage `json:"id"`
	model.Extraction
}

func extractJSONL(ctx context.Context, x *extract.Extractor, r io.Reader, w io.Writer, pub time.Time, lang string, maxBytes int64) error {
	return eachJSONLine(ctx, r, w, maxBytes+4096, func(line []byte, lineNo int) any {
		return extractLine(x, line, lineNo, pub, lang)
	})
}

func extractLine(x *extract.Extractor, line []byte, lineNo int, pub time.Time, lang string) any {
	var in jsonlIn
	id, bad := jsonlHead(line, lineNo, &in, func() json.RawMessage { return in.ID }, func() *string { return in.Text })
	if bad != nil {
		return *bad
	}
	opt := extract.Options{Published: pub, Lang: lang}
	if in.Published != "" {
		t, err := parsePublished(in.Published)
		if err != nil {
			return jsonlErr{id, fmt.Sprintf("line %d: %v", lineNo, err)}
		}
		opt.Published = t
	}
	if in.Lang != "" {
		if err := checkLang(in.Lang); err != nil {
			return jsonlErr{id, fmt.Sprintf("line %d: %v", lineNo, err)}
		}
		opt.Lang = in.Lang
	}
	doc, err := intake.Parse([]byte(*in.Text), fmt.Sprintf("line %d", lineNo))
	if err != nil {
		return jsonlErr{id, err.Error()}
	}
	if opt.Published.IsZero() && doc.Published != nil {
		opt.Published = *doc.Published
	}
	return jsonlOut{ID: id, Extraction: x.Extract(doc.Text, opt)}
}

func parsePublished(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t2, ok := dates.ParseMetaDate(s); ok {
			return t2.UTC(), nil
		}
		return time.Time{}, usagef("published date %q is not a date of the form YYYY-MM-DD", s)
	}
	return t, nil
}

func checkLang(l string) error {
	switch l {
	case "", "auto", "en", "fr":
		return nil
	}
	return usagef("language %q is not one of auto, en, fr", l)
}

// openInput opens a named input; "-" is standard input.
func openInput(e *Env, name string) (io.Reader, func(), error) {
	if name == "-" {
		return e.Stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, inputError(name, err)
	}
	return f, func() { f.Close() }, nil
}

func inputError(name string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errs.E(errs.NotFound, "%s: no such file", name)
	case errors.Is(err, os.ErrPermission):
		return errs.E(errs.Forbidden, "%s: permission denied", name)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// readDoc reads one input (a file or "-") and reduces it to text.
func readDoc(e *Env, name string, maxBytes int64) (*intake.Doc, error) {
	display := name
	if name == "-" {
		display = "standard input"
	} else {
		st, err := os.Stat(name)
		if err != nil {
			return nil, inputError(name, err)
		}
		if st.IsDir() {
			return nil, errs.E(errs.Invalid, "%s: is a directory, not a report", name)
		}
		if !st.Mode().IsRegular() {
			return nil, errs.E(errs.Invalid, "%s: is not a regular file", name)
		}
		if st.Size() > maxBytes {
			return nil, errs.E(errs.Invalid, "%s: is larger than the %d-byte limit for one report (%d bytes)", name, maxBytes, st.Size())
		}
	}
	r, closeFn, err := openInput(e, name)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	raw, err := intake.ReadAll(r, display, maxBytes)
	if err != nil {
		return nil, err
	}
	return intake.Parse(raw, display)
}
