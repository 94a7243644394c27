// Package intake turns the bytes of a report into text Vigil can read: it
// validates them (size, emptiness, binary content, encoding), detects HTML and
// reduces it to its main text, reads the publication date from metadata and
// detects the language. Plain text is kept exactly as given, so that offsets
// into it point at the bytes the user supplied.
package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/nlp"
	"github.com/vigil-hr/vigil/internal/nlp/dates"
)

// DefaultMaxBytes is the largest report intake accepts by default: far above
// any news article or NGO report in text form, far below what could exhaust a
// laptop's memory.
const DefaultMaxBytes = 10 << 20

// Doc is a report reduced to text.
type Doc struct {
	Raw            []byte     // the original bytes, as received
	MediaType      string     // "text/plain" or "text/html"
	Text           string     // what extraction reads; offsets refer to it
	Title          string     // from HTML metadata, if any
	Published      *time.Time // from HTML metadata, if any
	Lang           string     // "en", "fr" or "" when undetermined
	LangConfidence float64
	Layout         *Layout // pages and paragraphs of a PDF or DOCX; nil otherwise
}

// ReadAll reads r up to max bytes. A larger input is an error that names it,
// and no more than max+1 bytes are ever held in memory.
func ReadAll(r io.Reader, name string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read failed: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, errs.E(errs.Invalid, "%s: is larger than the %s limit for one report", name, humanBytes(max))
	}
	return data, nil
}

// Parse validates raw and reduces it to text. name is only used in errors.
func Parse(raw []byte, name string) (*Doc, error) {
	if len(raw) > DefaultMaxBytes {
		return nil, errs.E(errs.Invalid, "%s: is larger than the %s limit for one report", name, humanBytes(DefaultMaxBytes))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errs.E(errs.Invalid, "%s: is empty", name)
	}
	if d, ok, err := parseOffice(raw, name); ok {
		return d, err
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return nil, errs.E(errs.Invalid, "%s: is binary, not text (NUL byte at offset %d)", name, i)
	}
	d := &Doc{Raw: raw, MediaType: "text/plain"}
	if looksHTML(raw) {
		d.MediaType = "text/html"
		h, err := parseHTML(raw)
		if err != nil {
			return nil, errs.E(errs.Invalid, "%s: %v", name, err)
		}
		d.Text, d.Title, d.Published = h.text, h.title, h.published
	} else {
		if !utf8.Valid(raw) {
			return nil, errs.E(errs.Invalid, "%s: is not valid UTF-8 text (first bad byte at offset %d)", name, firstInvalid(raw))
		}
		if ctrl := controlRatio(raw); ctrl > 0.01 {
			return nil, errs.E(errs.Invalid, "%s: is binary, not text (%.0f%% control characters)", name, ctrl*100)
		}
		if ct := http.DetectContentType(raw); !strings.HasPrefix(ct, "text/") {
			return nil, errs.E(errs.Invalid, "%s: looks like %s, not a text report", name, ct)
		}
		d.Text = string(raw)
		d.Published = textDateline(d.Text)
	}
	if strings.TrimSpace(d.Text) == "" {
		return nil, errs.E(errs.Invalid, "%s: has no readable text", name)
	}
	d.Lang, d.LangConfidence = nlp.DetectLanguage(d.Text)
	return d, nil
}

// textDateline reads a plain-text report's publication date from a short
// line under the headline that is only a date, or a dateline or byline
// ending in one ("March 8, 2025", "Par Awa Dembélé – 16 mars 2025",
// "Publié le 06/02/2025", "Ouagadougou, le 10 septembre 2024").
func textDateline(text string) *time.Time {
	for i, line := range strings.SplitN(text, "\n", 8) {
		if i == 7 {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" || len(line) > 80 {
			continue
		}
		for _, cand := range datelineCandidates(line) {
			if t, ok := dates.ParseMetaDate(cand); ok && t.Year() >= 1990 {
				t = t.UTC()
				return &t
			}
		}
	}
	return nil
}

// datelineCandidates are the parts of a line that may be a bare date.
func datelineCandidates(line string) []string {
	out := []string{line}
	for _, sep := range []string{" – ", " — ", " - ", ", le ", " le ", ": ", ", "} {
		if i := strings.LastIndex(line, sep); i >= 0 {
			out = append(out, strings.TrimSpace(line[i+len(sep):]))
		}
	}
	return out
}

// looksHTML sniffs the start of the document for markup.
func looksHTML(raw []byte) bool {
	head := raw
	if len(head) > 1024 {
		head = head[:1024]
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	low := bytes.ToLower(head)
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<article", "<!--", "<meta", "<p>", "<div", "<title"} {
		if bytes.HasPrefix(low, []byte(p)) {
			return true
		}
	}
	return false
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// controlRatio is the share of C0 control characters other than tab, newline,
// carriage return and form feed.
func controlRatio(b []byte) float64 {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			n++
		}
	}
	return float64(n) / float64(len(b))
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// parseOffice reads PDF and DOCX documents (see pdf.go, docx.go); ok is
// false when raw is neither.
func parseOffice(raw []byte, name string) (d *Doc, ok bool, err error) {
	d = &Doc{Raw: raw}
	switch {
	case looksPDF(raw):
		d.MediaType = MediaPDF
		d.Text, d.Layout, err = ParsePDF(context.Background(), raw)
	case looksDOCX(raw):
		d.MediaType = MediaDOCX
		d.Text, d.Layout, err = parseDOCX(raw)
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, true, docErr(name, err)
	}
	d.Lang, d.LangConfidence = nlp.DetectLanguage(d.Text)
	return d, true, nil
}
