package intake

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// Media types of the documents intake reads besides text and HTML.
const (
	MediaPDF  = "application/pdf"
	MediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// Layout locates the pages and paragraphs of a PDF or DOCX in Doc.Text
// (byte offsets, like every span inside Vigil).
type Layout struct {
	// Pages[i] is page i+1. A DOCX knows its pages only from explicit page
	// breaks and from where Word last broke pages when it saved the file.
	Pages      []model.Span `json:"pages"`
	Paragraphs []Paragraph  `json:"paragraphs"`
}

// Paragraph is one paragraph of Doc.Text and the page it is on (1-based).
type Paragraph struct {
	model.Span
	Page int `json:"page"`
}

// PageOf returns the page (1-based) holding byte offset off of Doc.Text, or
// 0 when off is outside every page.
func (l *Layout) PageOf(off int) int {
	for i, p := range l.Pages {
		if off >= p.Start && off < p.End {
			return i + 1
		}
	}
	return 0
}

// Limits on office documents: a zip's entries and the size a part may
// reach once decompressed, and the ratio beyond which it is taken for a bomb.
const (
	maxZipEntries     = 10_000
	maxPartBytes      = 64 << 20
	maxZipRatio       = 200
	maxDocxParagraphs = 1_000_000
)

// layoutBuilder accumulates paragraphs into text and layout.
type layoutBuilder struct {
	text    strings.Builder
	layout  Layout
	page    int // current page, 1-based
	pageAt  int // where the current page starts in text
	maxText int
}

func newLayoutBuilder() *layoutBuilder {
	return &layoutBuilder{page: 1, maxText: 4 * DefaultMaxBytes}
}

// paragraph appends one paragraph; empty ones are dropped. breaks are page
// breaks inside s, as byte offsets into s; a break before the first word
// puts the whole paragraph on the next page.
func (b *layoutBuilder) paragraph(s string, breaks []int) error {
	lead := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	s = strings.TrimSpace(s)
	for len(breaks) > 0 && (s == "" || breaks[0] <= lead) {
		b.pageBreak()
		breaks = breaks[1:]
	}
	if s == "" {
		return nil
	}
	if b.text.Len() > 0 {
		b.text.WriteString("\n\n")
	}
	start := b.text.Len()
	b.text.WriteString(s)
	b.layout.Paragraphs = append(b.layout.Paragraphs, Paragraph{model.Span{Start: start, End: b.text.Len()}, b.page})
	for _, off := range breaks {
		at := start + min(off-lead, len(s))
		b.layout.Pages = append(b.layout.Pages, model.Span{Start: b.pageAt, End: at})
		b.page++
		b.pageAt = at
	}
	if b.text.Len() > b.maxText || len(b.layout.Paragraphs) > maxDocxParagraphs {
		return errs.E(errs.Invalid, "holds more text than Vigil reads from one document")
	}
	return nil
}

// pageBreak closes the current page between paragraphs.
func (b *layoutBuilder) pageBreak() {
	end := b.text.Len()
	b.layout.Pages = append(b.layout.Pages, model.Span{Start: b.pageAt, End: end})
	b.page++
	b.pageAt = end
	if end > 0 {
		b.pageAt = end + 2 // the next paragraph starts after "\n\n"
	}
}

func (b *layoutBuilder) finish() (string, *Layout) {
	text := b.text.String()
	start := min(b.pageAt, len(text))
	b.layout.Pages = append(b.layout.Pages, model.Span{Start: start, End: len(text)})
	// A page that began after the last paragraph is empty; clamp starts.
	for i := range b.layout.Pages {
		p := &b.layout.Pages[i]
		p.Start, p.End = min(p.Start, len(text)), min(p.End, len(text))
		if p.Start > p.End {
			p.Start = p.End
		}
	}
	return text, &b.layout
}

// looksDOCX reports whether raw is a zip holding word/document.xml.
func looksDOCX(raw []byte) bool {
	if !bytes.HasPrefix(raw, []byte("PK\x03\x04")) {
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

// parseDOCX reads the main text of a Word document: one paragraph per w:p,
// runs' w:t joined, tabs and line breaks kept, tracked deletions and field
// codes left out. Page breaks come from w:br type="page", pageBreakBefore and
// Word's w:lastRenderedPageBreak marks.
func parseDOCX(raw []byte) (string, *Layout, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return "", nil, errs.E(errs.Invalid, "is not a readable Word document: %v", err)
	}
	if len(zr.File) > maxZipEntries {
		return "", nil, errs.E(errs.Invalid, "is a zip archive with %d entries, more than the %d allowed", len(zr.File), maxZipEntries)
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return "", nil, errs.E(errs.Invalid, "is a zip archive without word/document.xml, not a Word document")
	}
	rc, err := openPart(doc)
	if err != nil {
		return "", nil, err
	}
	defer rc.Close()
	return docxText(rc)
}

// openPart opens a zip entry behind the bomb checks: declared size, ratio,
// and a reader that fails past the limit whatever the header claims.
func openPart(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > maxPartBytes {
		return nil, errs.E(errs.Invalid, "%s would decompress to %d bytes, more than the %d allowed (zip bomb?)", f.Name, f.UncompressedSize64, maxPartBytes)
	}
	if f.CompressedSize64 > 0 && f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/f.CompressedSize64 > maxZipRatio {
		return nil, errs.E(errs.Invalid, "%s compresses %d:1, beyond the %d:1 allowed (zip bomb?)", f.Name, f.UncompressedSize64/f.CompressedSize64, maxZipRatio)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errs.E(errs.Invalid, "cannot open %s: %v", f.Name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&capReader{r: rc, left: maxPartBytes, name: f.Name}, rc}, nil
}

// capReader fails once more than left bytes were read.
type capReader struct {
	r    io.Reader
	left int64
	name string
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errs.E(errs.Invalid, "%s decompresses to more than the %d bytes allowed (zip bomb?)", c.name, maxPartBytes)
	}
	return n, err
}

const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

func docxText(r io.Reader) (string, *Layout, error) {
	d := xml.NewDecoder(r)
	b := newLayoutBuilder()
	var para strings.Builder
	var breaks []int                    // page breaks inside the current paragraph
	inPara, inText, skip := 0, false, 0 // skip > 0 inside deleted text and field codes
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errs.KindOf(err) != errs.Other {
				return "", nil, err
			}
			return "", nil, errs.E(errs.Invalid, "has a malformed word/document.xml: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wNS {
				continue
			}
			switch t.Name.Local {
			case "p":
				inPara++
				if inPara == 1 {
					para.Reset()
				}
			case "t":
				inText = true
			case "del", "delText", "instrText":
				skip++
			case "tab":
				if inPara > 0 && skip == 0 {
					para.WriteByte('\t')
				}
			case "br", "cr":
				if attrW(t, "type") == "page" {
					if inPara > 0 {
						breaks = append(breaks, para.Len())
					} else {
						b.pageBreak()
					}
				} else if inPara > 0 && skip == 0 {
					para.WriteByte('\n')
				}
			case "lastRenderedPageBreak":
				if inPara > 0 {
					breaks = append(breaks, para.Len())
				} else {
					b.pageBreak()
				}
			case "pageBreakBefore":
				if v := attrW(t, "val"); v == "" || v == "1" || v == "true" || v == "on" {
					if strings.TrimSpace(para.String()) == "" && len(b.layout.Paragraphs) > 0 {
						b.pageBreak()
					}
				}
			}
		case xml.EndElement:
			if t.Name.Space != wNS {
				continue
			}
			switch t.Name.Local {
			case "p":
				if inPara--; inPara == 0 {
					if err := b.paragraph(para.String(), breaks); err != nil {
						return "", nil, err
					}
					para.Reset()
					breaks = breaks[:0]
				}
				inPara = max(inPara, 0)
			case "t":
				inText = false
			case "del", "delText", "instrText":
				skip = max(skip-1, 0)
			}
		case xml.CharData:
			if inText && skip == 0 && inPara > 0 {
				para.Write(t)
			}
		}
	}
	text, layout := b.finish()
	return text, layout, nil
}

func attrW(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && (a.Name.Space == wNS || a.Name.Space == "") {
			return a.Value
		}
	}
	return ""
}

func docErr(name string, err error) error {
	if errs.KindOf(err) != errs.Other {
		return &errs.Error{Kind: errs.KindOf(err), Err: fmt.Errorf("%s: %w", name, err)}
	}
	return errs.E(errs.Invalid, "%s: %v", name, err)
}
