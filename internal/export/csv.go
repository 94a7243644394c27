package export

import (
	"bufio"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
)

// csvEncoder writes one header row (and an optional HXL tag row), then one
// row per event.
type csvEncoder struct {
	w      *csv.Writer
	header []string
	tags   []string
	row    []string
	fill   func(row []string, se *model.StoredEvent) bool
}

func newCSVEncoder(w *bufio.Writer, header, tags []string, fill func([]string, *model.StoredEvent) bool) *csvEncoder {
	return &csvEncoder{w: csv.NewWriter(w), header: header, tags: tags, row: make([]string, len(header)), fill: fill}
}

func (e *csvEncoder) begin() error {
	if err := e.w.Write(e.header); err != nil {
		return err
	}
	if e.tags != nil {
		return e.w.Write(e.tags)
	}
	return nil
}

func (e *csvEncoder) event(se *model.StoredEvent) (bool, error) {
	clear(e.row)
	if !e.fill(e.row, se) {
		return false, nil
	}
	for i, v := range e.row {
		e.row[i] = DefuseCell(v)
	}
	return true, e.w.Write(e.row)
}

func (e *csvEncoder) end() error {
	e.w.Flush()
	return e.w.Error()
}

// DefuseCell keeps a spreadsheet from running a cell as a formula: text
// that starts with =, +, -, @, a tab or a carriage return, and is not a
// number, gets a leading apostrophe. So that UndefuseCell can reverse it
// exactly, text that already starts with apostrophes before such a
// character gets one more.
func DefuseCell(v string) string {
	if v == "" {
		return v
	}
	if strings.IndexByte(formulaStart, v[0]) >= 0 {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return v
		}
		return "'" + v
	}
	if quotedFormula(v) {
		return "'" + v
	}
	return v
}

// UndefuseCell removes the apostrophe DefuseCell added.
func UndefuseCell(v string) string {
	if quotedFormula(v) {
		return v[1:]
	}
	return v
}

const formulaStart = "=+-@\t\r"

// quotedFormula reports whether v is one or more apostrophes followed by a
// character a spreadsheet starts formulas with.
func quotedFormula(v string) bool {
	rest := strings.TrimLeft(v, "'")
	return len(rest) < len(v) && rest != "" && strings.IndexByte(formulaStart, rest[0]) >= 0
}
