package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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

type jsonlErr struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

func extractJSONL(ctx context.Context, x *extract.Extractor, r io.Reader, w io.Writer, pub time.Time, lang string, maxBytes int64) error {
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
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading input line %d: %w", lineNo, err)
		}
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil // the newline that ends the last line
		}
		// Every input line gets exactly one output line, blank ones too,
		// so callers can zip input and output.
		out := extractLine(x, line, tooLong, lineNo, pub, lang, maxBytes)
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		if err == io.EOF {
			return nil
		}
	}
}

func extractLine(x *extract.Extractor, line []byte, tooLong bool, lineNo int, pub time.Time, lang string, maxBytes int64) any {
	nullID := json.RawMessage("null")
	if tooLong {
		return jsonlErr{nullID, fmt.Sprintf("line %d: is longer than the %d-byte limit", lineNo, maxBytes+4096)}
	}
	if len(strings.TrimSpace(string(line))) == 0 {
		return jsonlErr{nullID, fmt.Sprintf("line %d: is empty", lineNo)}
	}
	var in jsonlIn
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

// readLine reads one line of at most max bytes; a longer line is consumed
// and reported with tooLong.
func readLine(br *bufio.Reader, max int64) (line []byte, tooLong bool, err error) {
	for {
		chunk, isPrefix, e := br.ReadLine()
		if !tooLong {
			if int64(len(line)+len(chunk)) > max {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if e != nil {
			return line, tooLong, e
		}
		if !isPrefix {
			return line, tooLong, nil
		}
	}
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
