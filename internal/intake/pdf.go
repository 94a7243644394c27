package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Limits on PDFs. The library underneath (github.com/ledongthuc/pdf, pure
// Go) signals malformed input by panicking and bounds nothing itself, so
// intake walks the page tree itself, measures every page's decoded content
// before the library interprets it, recovers panics and gives up at a
// deadline.
const (
	PDFTimeout          = 20 * time.Second
	maxPDFPages         = 5_000
	maxPDFTreeNodes     = 20_000
	maxPDFTreeDepth     = 64
	maxPDFContentBytes  = 64 << 20 // decoded content streams, all pages together
	maxPDFPageTextItems = 2_000_000
)

// looksPDF reports whether raw starts with the PDF header.
func looksPDF(raw []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(raw, " \t\r\n"), []byte("%PDF-"))
}

// ParsePDF extracts the text of a PDF, page by page, with its layout. It
// never panics and returns by ctx's deadline or PDFTimeout, whichever comes
// first. Scanned PDFs (images only) yield no text and an error saying so.
func ParsePDF(ctx context.Context, raw []byte) (text string, layout *Layout, err error) {
	ctx, cancel := context.WithTimeout(ctx, PDFTimeout)
	defer cancel()
	type result struct {
		text   string
		layout *Layout
		err    error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: errs.E(errs.Invalid, "is a malformed PDF (%v)", truncPanic(p))}
			}
			done <- r
		}()
		r.text, r.layout, r.err = pdfText(ctx, raw)
	}()
	select {
	case r := <-done:
		return r.text, r.layout, r.err
	case <-ctx.Done():
		// The goroutine notices ctx between pages; a library call stuck
		// inside one page is abandoned.
		return "", nil, errs.E(errs.Invalid, "PDF text extraction did not finish within %s", PDFTimeout)
	}
}

func truncPanic(p any) string {
	s := fmt.Sprint(p)
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}

func pdfText(ctx context.Context, raw []byte) (string, *Layout, error) {
	r, err := pdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		if strings.Contains(err.Error(), "encrypt") || strings.Contains(err.Error(), "password") {
			return "", nil, errs.E(errs.Invalid, "is an encrypted PDF; save an unprotected copy and ingest that")
		}
		return "", nil, errs.E(errs.Invalid, "is not a readable PDF: %v", err)
	}
	pages, err := pdfPages(r.Trailer().Key("Root").Key("Pages"))
	if err != nil {
		return "", nil, err
	}
	budget := int64(maxPDFContentBytes)
	b := newLayoutBuilder()
	for i, pg := range pages {
		if err := ctx.Err(); err != nil {
			return "", nil, errs.E(errs.Invalid, "PDF text extraction did not finish in time (page %d of %d)", i+1, len(pages))
		}
		if i > 0 {
			b.pageBreak()
		}
		if err := checkInherited(pg); err != nil {
			return "", nil, err
		}
		if budget, err = measureContent(pg.V.Key("Contents"), budget); err != nil {
			return "", nil, err
		}
		items := pg.Content().Text
		if len(items) > maxPDFPageTextItems {
			return "", nil, errs.E(errs.Invalid, "page %d holds more text than Vigil reads", i+1)
		}
		for _, para := range pdfParagraphs(items) {
			if err := b.paragraph(para, nil); err != nil {
				return "", nil, err
			}
		}
	}
	text, layout := b.finish()
	if strings.TrimSpace(text) == "" {
		return "", nil, errs.E(errs.Invalid, "is a PDF without extractable text (scanned images need OCR, which Vigil does not do)")
	}
	return text, layout, nil
}

// pdfPages walks the page tree depth-first, bounded in depth and size so a
// cyclic or absurd tree ends with an error instead of a hang.
func pdfPages(root pdf.Value) ([]pdf.Page, error) {
	var out []pdf.Page
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		if nodes++; nodes > maxPDFTreeNodes || depth > maxPDFTreeDepth {
			return errs.E(errs.Invalid, "is a PDF whose page tree is too deep, too large or cyclic")
		}
		switch v.Key("Type").Name() {
		case "Page":
			if out = append(out, pdf.Page{V: v}); len(out) > maxPDFPages {
				return errs.E(errs.Invalid, "is a PDF of more than %d pages", maxPDFPages)
			}
		case "Pages", "":
			kids := v.Key("Kids")
			if v.Key("Type").Name() == "" && kids.Kind() != pdf.Array {
				return nil
			}
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errs.E(errs.Invalid, "is a PDF without pages")
	}
	return out, nil
}

// checkInherited makes sure the chain of Parent links the library follows
// for inherited resources ends.
func checkInherited(p pdf.Page) error {
	v := p.V
	for i := 0; !v.IsNull(); i++ {
		if i > maxPDFTreeDepth {
			return errs.E(errs.Invalid, "is a PDF whose page tree is too deep or cyclic")
		}
		v = v.Key("Parent")
	}
	return nil
}

// measureContent decodes a page's content streams once, counting bytes,
// and returns what is left of the budget; a flate bomb fails here, before
// the library interprets anything.
func measureContent(v pdf.Value, budget int64) (int64, error) {
	var streams []pdf.Value
	switch v.Kind() {
	case pdf.Stream:
		streams = []pdf.Value{v}
	case pdf.Array:
		for i := 0; i < v.Len() && i < 10_000; i++ {
			streams = append(streams, v.Index(i))
		}
	}
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		rc := s.Reader()
		n, err := io.Copy(io.Discard, io.LimitReader(rc, budget+1))
		rc.Close()
		budget -= n
		if budget < 0 {
			return 0, errs.E(errs.Invalid, "is a PDF whose pages decompress to more than %d bytes (decompression bomb?)", maxPDFContentBytes)
		}
		_ = err // an undecodable stream is the library's to report or skip
	}
	return budget, nil
}

// pdfParagraphs turns the positioned glyphs of one page into paragraphs:
// glyphs on one baseline form a line (a space where the gap is wide), and a
// vertical jump wider than about one and a half lines (down a gap, or up to
// a new column) starts a paragraph.
func pdfParagraphs(items []pdf.Text) []string {
	type line struct {
		y, size float64
		text    strings.Builder
	}
	var lines []*line
	var cur *line
	var lastX, lastW float64
	for _, t := range items {
		if t.S == "" {
			continue
		}
		size := math.Abs(t.FontSize)
		if size == 0 || math.IsNaN(size) || math.IsInf(size, 0) {
			size = 10
		}
		if cur == nil || math.Abs(t.Y-cur.y) > size*0.4 {
			cur = &line{y: t.Y, size: size}
			lines = append(lines, cur)
		} else if gap := t.X - (lastX + lastW); gap > size*0.2 && !strings.HasSuffix(cur.text.String(), " ") && t.S != " " {
			cur.text.WriteByte(' ')
		}
		cur.text.WriteString(t.S)
		lastX, lastW = t.X, t.W
	}
	// Lines stay in content-stream order, which follows columns where
	// sorting by baseline would interleave them.
	var out []string
	var para strings.Builder
	prevY, prevSize := 0.0, 0.0
	for i, l := range lines {
		s := strings.Join(strings.Fields(l.text.String()), " ")
		if s == "" {
			continue
		}
		if i > 0 && para.Len() > 0 && math.Abs(prevY-l.y) > 1.6*max(prevSize, l.size) {
			out = append(out, para.String())
			para.Reset()
		}
		if para.Len() > 0 {
			if p := para.String(); strings.HasSuffix(p, "-") && len(p) > 1 && isLetter(p[len(p)-2]) {
				para.Reset()
				para.WriteString(p[:len(p)-1]) // a word hyphenated across lines
			} else {
				para.WriteByte(' ')
			}
		}
		para.WriteString(s)
		prevY, prevSize = l.y, l.size
	}
	if para.Len() > 0 {
		out = append(out, para.String())
	}
	return out
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 }
