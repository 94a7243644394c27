package intake

// Builders of small PDF and DOCX files for the tests and the fixtures in
// testdata/docs (go test ./internal/intake -run TestDocFixtures -update
// rewrites them). The text in them is the team's own.

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// pdfObj is one indirect object: its dictionary (or other body) and an
// optional stream.
type pdfObj struct {
	body   string
	stream []byte
	flate  bool
}

// buildPDF writes objects 1..n with a classic xref table; object 1 must be
// the catalog.
func buildPDF(objs []pdfObj) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		if o.stream == nil {
			b.WriteString(o.body)
		} else {
			data := o.stream
			filter := ""
			if o.flate {
				var z bytes.Buffer
				zw := zlib.NewWriter(&z)
				zw.Write(data)
				zw.Close()
				data, filter = z.Bytes(), " /Filter /FlateDecode"
			}
			fmt.Fprintf(&b, "<< %s /Length %d%s >>\nstream\n", o.body, len(data), filter)
			b.Write(data)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// pdfEscape encodes s in WinAnsi as a PDF literal string.
func pdfEscape(s string) string {
	enc, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	return "(" + r.Replace(enc) + ")"
}

// textPagePDF makes a PDF whose pages hold the given paragraphs, each
// paragraph a list of lines, set in Helvetica with WinAnsiEncoding.
func textPagePDF(pages [][][]string, flate bool) []byte {
	n := len(pages)
	// 1 catalog, 2 pages, 3 font, then per page: page, content.
	objs := []pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{},
		{body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	}
	var kids []string
	for i, paras := range pages {
		pageID, contentID := 4+2*i, 5+2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", pageID))
		var c strings.Builder
		c.WriteString("BT /F1 11 Tf 14 TL 72 760 Td\n")
		for j, lines := range paras {
			if j > 0 {
				c.WriteString("T*\n") // an empty line between paragraphs
			}
			for _, l := range lines {
				fmt.Fprintf(&c, "%s Tj T*\n", pdfEscape(l))
			}
		}
		c.WriteString("ET\n")
		objs = append(objs,
			pdfObj{body: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", contentID)},
			pdfObj{stream: []byte(c.String()), flate: flate})
	}
	objs[1] = pdfObj{body: fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)}
	return buildPDF(objs)
}

// docxPart is one paragraph of a generated DOCX: its runs, and whether a
// page break comes before it.
type docxPara struct {
	runs       []string
	breakFirst bool   // <w:br w:type="page"/> at the start of the paragraph
	lastRender bool   // <w:lastRenderedPageBreak/> at the start
	deleted    string // tracked deletion inside the paragraph
}

func buildDOCX(paras []docxPara) []byte {
	var d strings.Builder
	d.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	d.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, p := range paras {
		d.WriteString("<w:p>")
		if p.breakFirst {
			d.WriteString(`<w:r><w:br w:type="page"/></w:r>`)
		}
		if p.lastRender {
			d.WriteString(`<w:r><w:lastRenderedPageBreak/></w:r>`)
		}
		for i, r := range p.runs {
			if i == 1 && p.deleted != "" {
				fmt.Fprintf(&d, `<w:del w:id="1" w:author="x"><w:r><w:delText>%s</w:delText></w:r></w:del>`, xmlEscape(p.deleted))
			}
			fmt.Fprintf(&d, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, xmlEscape(r))
		}
		d.WriteString("</w:p>")
	}
	d.WriteString(`<w:sectPr/></w:body></w:document>`)
	return zipOf(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   d.String(),
	})
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func zipOf(files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		if body, ok := files[name]; ok {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
	}
	for name, body := range files {
		if name == "[Content_Types].xml" || name == "word/document.xml" {
			continue
		}
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}
