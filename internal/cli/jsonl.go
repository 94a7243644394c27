package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// jsonlErr is the answer to an input line that could not be processed.
type jsonlErr struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

var nullID = json.RawMessage("null")

// eachJSONLine reads JSON Lines from r and writes one answer per input line
// to w, blank and broken lines included, so that callers can zip input and
// output (the contract's --jsonl modes). handle answers the lines that hold
// something; lines longer than max bytes are answered with an error.
func eachJSONLine(ctx context.Context, r io.Reader, w io.Writer, max int64, handle func(line []byte, lineNo int) any) error {
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(br, max)
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading input line %d: %w", lineNo, err)
		}
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil // the newline that ends the last line
		}
		var out any
		switch {
		case tooLong:
			out = jsonlErr{nullID, fmt.Sprintf("line %d: is longer than the %d-byte limit", lineNo, max)}
		case len(bytes.TrimSpace(line)) == 0:
			out = jsonlErr{nullID, fmt.Sprintf("line %d: is empty", lineNo)}
		default:
			out = handle(line, lineNo)
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
		if err == io.EOF {
			return nil
		}
	}
}

// jsonlHead checks what every --jsonl input line must hold: an object with
// a text. It returns the line's id (null when it has none) and, when the
// line cannot be processed, the error answer.
func jsonlHead(line []byte, lineNo int, v any, id func() json.RawMessage, text func() *string) (json.RawMessage, *jsonlErr) {
	if err := json.Unmarshal(line, v); err != nil {
		return nullID, &jsonlErr{nullID, fmt.Sprintf("line %d: is not a JSON object: %v", lineNo, err)}
	}
	got := id()
	if len(got) == 0 {
		got = nullID
	}
	if text() == nil {
		return got, &jsonlErr{got, fmt.Sprintf("line %d: has no \"text\"", lineNo)}
	}
	return got, nil
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
