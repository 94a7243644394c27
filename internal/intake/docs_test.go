package intake

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

var update = flag.Bool("update", false, "rewrite testdata/docs fixtures and golden files")

const docsDir = "../../testdata/docs"

// The team's own text about real places.
var reportPages = [][][]string{
	{
		{"Communiqué de presse", "Mopti, le 18 mars 2025"},
		{"Dans la nuit du 14 au 15 mars, des hommes armés ont attaqué le", "village de Sokoura, dans le cercle de Bankass. Selon des habitants,", "au moins sept civils ont été tués et une vingtaine de maisons incendiées."},
	},
	{
		{"Les familles déplacées ont trouvé refuge à Bandiagara, où", "l'organisation distribue des vivres depuis lundi."},
		{"Contact : bureau de Mopti."},
	},
}

var reportDOCX = []docxPara{
	{runs: []string{"Field note, Djibo, 2 April 2025"}},
	{runs: []string{"Residents said that gunmen ", "entered the market at dawn and ", "abducted four traders."}, deleted: "DELETED WORDS "},
	{runs: []string{"Two of them were released the next day."}},
	{runs: []string{"Annex: list of sources interviewed."}, breakFirst: true},
	{runs: []string{"Second annex, on the page Word rendered next."}, lastRender: true},
}

type golden struct {
	MediaType string  `json:"media_type"`
	Text      string  `json:"text"`
	Layout    *Layout `json:"layout"`
}

func TestDocFixtures(t *testing.T) {
	fixtures := map[string]func() []byte{
		"statement-fr.pdf":  func() []byte { return textPagePDF(reportPages, true) },
		"fieldnote-en.docx": func() []byte { return buildDOCX(reportDOCX) },
	}
	for name, build := range fixtures {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(docsDir, name)
			if *update {
				if err := os.MkdirAll(docsDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, build(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to generate)", err)
			}
			d, err := Parse(raw, name)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(golden{d.MediaType, d.Text, d.Layout}, "", "  ")
			gpath := path + ".golden.json"
			if *update {
				os.WriteFile(gpath, append(got, '\n'), 0o644)
			}
			want, err := os.ReadFile(gpath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("%s: output differs from %s:\n%s", name, gpath, got)
			}
			checkLayout(t, d)
		})
	}
}

// checkLayout checks the invariants every layout holds: pages tile the text
// in order, paragraphs lie inside the text on the page they claim.
func checkLayout(t *testing.T, d *Doc) {
	t.Helper()
	l := d.Layout
	if l == nil || len(l.Pages) == 0 {
		t.Fatal("no layout")
	}
	prev := 0
	for i, p := range l.Pages {
		if p.Start < prev || p.End < p.Start || p.End > len(d.Text) {
			t.Fatalf("page %d %v out of order or range (text %d bytes)", i+1, p, len(d.Text))
		}
		prev = p.End
	}
	for _, p := range l.Paragraphs {
		if p.Start < 0 || p.End > len(d.Text) || p.Start >= p.End {
			t.Fatalf("paragraph %v out of range", p)
		}
		if got := l.PageOf(p.Start); got != p.Page {
			t.Errorf("paragraph %q says page %d, layout says %d", d.Text[p.Start:p.End], p.Page, got)
		}
	}
}

func TestPDFText(t *testing.T) {
	for _, flate := range []bool{false, true} {
		d, err := Parse(textPagePDF(reportPages, flate), "s.pdf")
		if err != nil {
			t.Fatal(err)
		}
		if d.MediaType != MediaPDF || d.Lang != "fr" || len(d.Layout.Pages) != 2 || len(d.Layout.Paragraphs) != 4 {
			t.Fatalf("flate %v: %+v %q", flate, d.Layout, d.Text)
		}
		p := d.Layout.Paragraphs[1]
		want := "Dans la nuit du 14 au 15 mars, des hommes armés ont attaqué le village de Sokoura, dans le cercle de Bankass. Selon des habitants, au moins sept civils ont été tués et une vingtaine de maisons incendiées."
		if got := d.Text[p.Start:p.End]; got != want || p.Page != 1 {
			t.Errorf("paragraph 2 (page %d):\n got %q\nwant %q", p.Page, got, want)
		}
		if p := d.Layout.Paragraphs[2]; p.Page != 2 || !strings.HasPrefix(d.Text[p.Start:], "Les familles") {
			t.Errorf("paragraph 3 on page %d: %q", p.Page, d.Text[p.Start:p.End])
		}
		checkLayout(t, d)
	}
}

func TestDOCXText(t *testing.T) {
	d, err := Parse(buildDOCX(reportDOCX), "n.docx")
	if err != nil {
		t.Fatal(err)
	}
	want := "Field note, Djibo, 2 April 2025\n\nResidents said that gunmen entered the market at dawn and abducted four traders.\n\nTwo of them were released the next day.\n\nAnnex: list of sources interviewed.\n\nSecond annex, on the page Word rendered next."
	if d.Text != want || d.MediaType != MediaDOCX || d.Lang != "en" {
		t.Fatalf("got %s %q", d.MediaType, d.Text)
	}
	if len(d.Layout.Pages) != 3 || len(d.Layout.Paragraphs) != 5 {
		t.Fatalf("layout %+v", d.Layout)
	}
	for i, page := range []int{1, 1, 1, 2, 3} {
		if got := d.Layout.Paragraphs[i].Page; got != page {
			t.Errorf("paragraph %d on page %d, want %d", i+1, got, page)
		}
	}
	checkLayout(t, d)

	// A page break inside a paragraph splits the page, not the paragraph.
	raw := docxXML(`<w:p><w:r><w:t>one two </w:t></w:r><w:r><w:lastRenderedPageBreak/><w:t>three</w:t></w:r></w:p>`)
	d, err = Parse(raw, "mid.docx")
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != "one two three" || len(d.Layout.Pages) != 2 || d.Layout.Pages[1].Start != len("one two ") {
		t.Errorf("mid-paragraph break: %q %+v", d.Text, d.Layout.Pages)
	}
	checkLayout(t, d)
}

func docxXML(body string) []byte {
	return zipOf(map[string]string{"word/document.xml": `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`})
}

func TestHostileDocuments(t *testing.T) {
	// A zip bomb: document.xml of 100 MiB of spaces compresses to ~100 KiB.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 100; i++ {
		w.Write(chunk)
	}
	zw.Close()
	// The same bomb with its sizes lied about in the headers.
	lying := lieAboutSize(t, bomb.Bytes())

	// A PDF whose content stream inflates to 100 MiB.
	flateBomb := buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"},
		{stream: bytes.Repeat([]byte(" "), 100<<20), flate: true},
	})
	// A page tree whose Kids point back at itself.
	cyclic := buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"},
	})
	// A page whose Parent is itself (the library would loop on inherited keys).
	selfParent := buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>"},
		{stream: []byte("BT (x) Tj ET")},
	})
	scanned := buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"},
		{stream: []byte("q 100 0 0 100 0 0 cm Q")},
	})
	good := textPagePDF(reportPages, true)
	tests := []struct {
		name string
		raw  []byte
		msg  string
	}{
		{"zip bomb", bomb.Bytes(), "zip bomb"},
		{"zip bomb with lying headers", lying, "zip"},
		{"zip without document", zipOf(map[string]string{"[Content_Types].xml": "<Types/>", "word/x.xml": "<x/>"}), ""},
		{"malformed document.xml", docxXML("<w:p><w:t>unclosed"), "malformed"},
		{"flate bomb", flateBomb, "decompression bomb"},
		{"cyclic page tree", cyclic, "page tree"},
		{"self-parented page", selfParent, "page tree"},
		{"scanned", scanned, "without extractable text"},
		{"truncated", good[:len(good)/2], "PDF"},
		{"garbage after header", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("<<[("), 5000)...), "PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse(tt.raw, "hostile")
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "hostile: ") {
				// "zip without document" is not a DOCX: it must still be refused, as binary.
				if tt.msg != "" || !errs.Is(err, errs.Invalid) {
					t.Fatalf("got %v, want an Invalid error naming the input and saying %q", err, tt.msg)
				}
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// lieAboutSize rewrites the sizes in a one-entry zip's headers to claim the
// entry is tiny.
func lieAboutSize(t *testing.T, z []byte) []byte {
	out := bytes.Clone(z)
	// Central directory entry: signature PK\x01\x02, uncompressed size at +24.
	i := bytes.Index(out, []byte("PK\x01\x02"))
	if i < 0 {
		t.Fatal("no central directory")
	}
	copy(out[i+24:i+28], []byte{0x10, 0, 0, 0}) // claims 16 bytes
	return out
}

func FuzzParseDocument(f *testing.F) {
	f.Add(textPagePDF(reportPages, true))
	f.Add(textPagePDF(reportPages[:1], false))
	f.Add(buildDOCX(reportDOCX))
	f.Add(docxXML(`<w:p><w:r><w:br w:type="page"/><w:t>x</w:t></w:r></w:p>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var text string
		var layout *Layout
		var err error
		switch {
		case looksPDF(raw):
			text, layout, err = ParsePDF(ctx, raw)
		case looksDOCX(raw):
			text, layout, err = parseDOCX(raw)
		default:
			return
		}
		if err != nil {
			return
		}
		checkLayout(t, &Doc{Text: text, Layout: layout})
	})
}

func BenchmarkParsePDF(b *testing.B) {
	var pages [][][]string
	for i := 0; i < 20; i++ {
		pages = append(pages, reportPages...)
	}
	raw := textPagePDF(pages, true)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := ParsePDF(context.Background(), raw); err != nil {
			b.Fatal(err)
		}
	}
}
