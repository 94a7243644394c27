package intake

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
)

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty", nil, "is empty"},
		{"blank", []byte(" \n\t "), "is empty"},
		{"nul", []byte("abc\x00def"), "binary, not text (NUL byte at offset 3)"},
		{"invalid utf8", []byte("Ségou \xff\xfe village"), "not valid UTF-8 text (first bad byte at offset 7)"},
		{"png", []byte("\x89PNG\r\n\x1a\n rest"), "not valid UTF-8"},
		{"control chars", bytes.Repeat([]byte("a\x01\x02"), 100), "binary"},
		{"too big", bytes.Repeat([]byte("word "), DefaultMaxBytes/5+1), "larger than the 10 MiB limit"},
		{"html without text", []byte("<html><body><script>alert(1)</script></body></html>"), "has no readable text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.raw, "in.txt")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "in.txt: ") {
				t.Fatalf("Parse error = %v, want one naming in.txt and %q", err, tc.want)
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("error kind = %v, want invalid", errs.KindOf(err))
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestReadAllLimit(t *testing.T) {
	if _, err := ReadAll(strings.NewReader("0123456789"), "x", 9); err == nil || !strings.Contains(err.Error(), "x: is larger than the 9 bytes limit") {
		t.Fatalf("ReadAll over limit: %v", err)
	}
	b, err := ReadAll(strings.NewReader("0123456789"), "x", 10)
	if err != nil || string(b) != "0123456789" {
		t.Fatalf("ReadAll at limit = %q, %v", b, err)
	}
}

func TestPlainTextKeptExactly(t *testing.T) {
	raw := "\ufeffTitre\r\n\r\nLe 13 mars, à Nampala…  des villages ont été incendiés.\r\n"
	d, err := Parse([]byte(raw), "x")
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != raw || d.MediaType != "text/plain" {
		t.Fatalf("plain text changed: %q (%s)", d.Text, d.MediaType)
	}
	if d.Lang != "fr" {
		t.Errorf("lang = %q, want fr", d.Lang)
	}
}

func TestHTML(t *testing.T) {
	page := `<!doctype html><html><head><title>Site | Raid on a village</title>
<meta property="article:published_time" content="2025-03-16T09:30:00Z">
<style>.x{color:red}</style><script>var tracking = "SCRIPT-CONTENT";</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="cookie-banner">We use cookies to improve your experience.</div>
<main><article><h1>Raid on a village near Mopti</h1>
<p class="byline">By <a href="/staff">A Reporter</a></p>
<p>Soldiers raided the village of Sofara on Thursday, residents said, and set several homes on fire.</p>
<p>Residents said at least <b>two hundred</b> people fled towards the town of Djenné &amp; its surroundings.</p>
<aside class="related"><ul><li><a href="/a">Related story one</a></li></ul></aside>
</article></main>
<footer><p>© 2025 Example Media. All rights reserved.</p></footer></body></html>`
	d, err := Parse([]byte(page), "page.html")
	if err != nil {
		t.Fatal(err)
	}
	if d.MediaType != "text/html" {
		t.Fatalf("media type %q", d.MediaType)
	}
	for _, want := range []string{"Raid on a village near Mopti", "Soldiers raided the village of Sofara on Thursday",
		"at least two hundred people fled towards the town of Djenné & its surroundings."} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, d.Text)
		}
	}
	for _, bad := range []string{"SCRIPT-CONTENT", "color:red", "cookies", "Home", "Related story", "All rights reserved"} {
		if strings.Contains(d.Text, bad) {
			t.Errorf("text keeps boilerplate %q:\n%s", bad, d.Text)
		}
	}
	if d.Published == nil || d.Published.Format("2006-01-02") != "2025-03-16" {
		t.Errorf("published = %v, want 2025-03-16", d.Published)
	}
	if d.Title != "Site | Raid on a village" {
		t.Errorf("title = %q", d.Title)
	}
}

func TestHTMLCharset(t *testing.T) {
	// "Ségou" in ISO-8859-1, declared in a meta tag.
	page := []byte("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Attaque pr\xe8s de S\xe9gou hier soir, selon des habitants de la r\xe9gion.</p></body></html>")
	d, err := Parse(page, "latin1.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "près de Ségou") {
		t.Fatalf("charset not honoured: %q", d.Text)
	}
}

// The team's HTML fixtures: each page's gold says what the main text must
// and must not hold, and the publication date.
func TestHTMLFixtures(t *testing.T) {
	golds, _ := filepath.Glob("../../testdata/html/*.gold.json")
	if len(golds) == 0 {
		t.Skip("no HTML fixtures in testdata/html")
	}
	for _, g := range golds {
		page := strings.TrimSuffix(g, ".gold.json")
		t.Run(filepath.Base(page), func(t *testing.T) {
			var gold struct {
				Published      string   `json:"published"`
				Title          string   `json:"title"`
				MustContain    []string `json:"must_contain"`
				MustNotContain []string `json:"must_not_contain"`
			}
			b, err := os.ReadFile(g)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &gold); err != nil {
				t.Fatalf("%s: %v", g, err)
			}
			raw, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(raw, page)
			if err != nil {
				t.Fatal(err)
			}
			if d.Published == nil || d.Published.Format("2006-01-02") != gold.Published {
				t.Errorf("published = %v, want %s", d.Published, gold.Published)
			}
			for _, s := range gold.MustContain {
				if !strings.Contains(d.Text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			for _, s := range gold.MustNotContain {
				if strings.Contains(d.Text, s) {
					t.Errorf("text keeps %q", s)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("<html><body><p>Le 13 mars à Ségou.</p></body></html>"))
	f.Add([]byte("<article><h1>x</h1><p>y<script>z</script></p></article>"))
	f.Add([]byte(`<script type="application/ld+json">{"datePublished":"2025-03-16"}</script><p>text</p>`))
	f.Add([]byte("plain text report"))
	f.Add([]byte("<div><div><div><p>" + strings.Repeat("<b>", 100) + "deep"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := Parse(raw, "fuzz")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if strings.TrimSpace(d.Text) == "" {
			t.Fatal("accepted a document with no text")
		}
		if d.MediaType == "text/plain" && d.Text != string(raw) {
			t.Fatal("plain text was changed")
		}
	})
}

func BenchmarkParseHTML(b *testing.B) {
	para := "<p>Soldiers raided the village of Sofara on Thursday, residents said, and set several homes on fire.</p>"
	page := []byte("<html><head><title>t</title></head><body><nav><a>x</a></nav><article>" +
		strings.Repeat(para, 40) + "</article><footer>f</footer></body></html>")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(page, "b"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTextDateline(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Rebels seize Léré\nMarch 8, 2025\n\nText of the report.", "2025-03-08"},
		{"Titre\nPar Awa Dembélé – 16 mars 2025\n\nLe 13 mars...", "2025-03-16"},
		{"COMMUNIQUÉ\nCollectif\nOuagadougou, le 10 septembre 2024\n\nTexte.", "2024-09-10"},
		{"Axe Douentza–Hombori\nPublié le 06/02/2025\n\nUn car...", "2025-02-06"},
		{"Soldiers attacked the village on March 8, 2025, residents said, and burned homes.", ""},
		{"No date here at all.\nNor here.", ""},
	} {
		d, err := Parse([]byte(tc.text), "t")
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if d.Published != nil {
			got = d.Published.Format("2006-01-02")
		}
		if got != tc.want {
			t.Errorf("%.30q: published %q, want %q", tc.text, got, tc.want)
		}
	}
}
