package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/vigil-hr/vigil/internal/nlp/dates"
)

type htmlDoc struct {
	text      string
	title     string
	published *time.Time
}

// maxNodes bounds the work done on one hostile page.
const maxNodes = 500_000

// parseHTML decodes a page (honouring its declared charset), drops what is
// never article text (scripts, styles, navigation, footers, cookie banners,
// sidebars), picks the element holding the main text by paragraph density,
// and reads the title and publication date from metadata. Nothing in the page
// is executed or fetched.
func parseHTML(raw []byte) (*htmlDoc, error) {
	r, err := charset.NewReader(bytes.NewReader(raw), "text/html")
	if err != nil {
		return nil, fmt.Errorf("cannot decode the page: %w", err)
	}
	root, err := html.Parse(io.LimitReader(r, 4*DefaultMaxBytes))
	if err != nil {
		return nil, fmt.Errorf("cannot parse the page as HTML: %w", err)
	}
	d := &htmlDoc{}
	n := 0
	var metaDates []string
	var walkMeta func(*html.Node)
	walkMeta = func(x *html.Node) {
		if n++; n > maxNodes {
			return
		}
		if x.Type == html.ElementNode {
			switch x.DataAtom {
			case atom.Title:
				if d.title == "" {
					d.title = clean(textOf(x))
				}
			case atom.Meta:
				key := strings.ToLower(attr(x, "property") + attr(x, "name") + attr(x, "itemprop"))
				val := attr(x, "content")
				switch key {
				case "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
					"publishdate", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date":
					metaDates = append(metaDates, val)
				case "og:title":
					if val != "" {
						d.title = clean(val)
					}
				}
			case atom.Script:
				if strings.Contains(attr(x, "type"), "ld+json") {
					metaDates = append(metaDates, jsonLDDates(textOf(x))...)
				}
			case atom.Time:
				if v := attr(x, "datetime"); v != "" {
					metaDates = append(metaDates, v)
				}
			}
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walkMeta(c)
		}
	}
	walkMeta(root)
	if n > maxNodes {
		return nil, fmt.Errorf("page has more than %d HTML nodes", maxNodes)
	}
	for _, s := range metaDates {
		if t, ok := dates.ParseMetaDate(strings.TrimSpace(s)); ok {
			t = t.UTC()
			d.published = &t
			break
		}
	}

	prune(root)
	main := bestContainer(root)
	var paras []string
	if h := firstHeading(root); h != "" {
		paras = append(paras, h)
		if d.title == "" {
			d.title = h
		}
	}
	collectBlocks(main, &paras)
	d.text = strings.Join(dedupeAdjacent(paras), "\n\n")
	return d, nil
}

var boilerRe = regexp.MustCompile(`(?i)(^|[\s_-])(nav|navbar|menu|footer|foot|sidebar|side-bar|aside|cookie|consent|banner|share|sharing|social|related|recommend|comment|comments|commentaire|commentaires|advert|advertisement|ad|ads|pub|publicite|promo|partage|abonnement|lire-aussi|a-lire|voir-aussi|read-more|more-stories|subscribe|newsletter|breadcrumb|masthead|header|widget|popup|modal|tags)([\s_-]|$)`)

var dropAtoms = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true, atom.Svg: true,
	atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Template: true, atom.Object: true, atom.Embed: true, atom.Header: true,
	atom.Menu: true, atom.Dialog: true, atom.Canvas: true, atom.Video: true, atom.Audio: true,
}

// prune removes subtrees that never hold article text.
func prune(x *html.Node) {
	for c := x.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.CommentNode {
			x.RemoveChild(c)
		} else if c.Type == html.ElementNode {
			cls := attr(c, "class") + " " + attr(c, "id") + " " + attr(c, "role")
			if dropAtoms[c.DataAtom] || (c.DataAtom != atom.Body && c.DataAtom != atom.Article &&
				c.DataAtom != atom.Main && boilerRe.MatchString(cls) && !strings.Contains(strings.ToLower(cls), "article")) ||
				attr(c, "hidden") != "" || strings.Contains(strings.ReplaceAll(attr(c, "style"), " ", ""), "display:none") {
				x.RemoveChild(c)
			} else {
				prune(c)
			}
		}
		c = next
	}
}

// bestContainer returns the element whose direct paragraphs hold the most
// text, discounting text inside links; an <article> or <main> wins ties.
func bestContainer(root *html.Node) *html.Node {
	best, bestScore := root, 0.0
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.ElementNode {
			var s float64
			for c := x.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.DataAtom == atom.P || c.DataAtom == atom.Blockquote || c.DataAtom == atom.Li && x.DataAtom != atom.Ul) {
					t := len(clean(textOf(c)))
					l := len(clean(linkText(c)))
					if t > 0 {
						s += float64(t) * (1 - float64(l)/float64(t))
					}
				}
			}
			if x.DataAtom == atom.Article || x.DataAtom == atom.Main {
				s *= 1.25
			}
			if s > bestScore {
				best, bestScore = x, s
			}
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	// Climb to the article element if the best block sits inside one.
	for p := best; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == atom.Article {
			return p
		}
	}
	return best
}

var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.Blockquote: true,
	atom.Li: true, atom.Pre: true, atom.Td: true, atom.Figcaption: true, atom.Dd: true, atom.Dt: true,
}

// collectBlocks appends the text of block elements in document order; text
// sitting directly in containers becomes a block of its own.
func collectBlocks(x *html.Node, out *[]string) {
	var inline strings.Builder
	flush := func() {
		if t := clean(inline.String()); t != "" {
			*out = append(*out, t)
		}
		inline.Reset()
	}
	for c := x.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			inline.WriteString(c.Data)
		case c.Type == html.ElementNode && c.DataAtom == atom.H1:
			// the headline is emitted once, first
		case c.Type == html.ElementNode && blockAtoms[c.DataAtom]:
			flush()
			if t := clean(textOf(c)); t != "" {
				*out = append(*out, t)
			}
		case c.Type == html.ElementNode && c.DataAtom == atom.Br:
			inline.WriteString("\n")
		case c.Type == html.ElementNode && isInline(c.DataAtom):
			inline.WriteString(textOf(c))
		case c.Type == html.ElementNode:
			flush()
			collectBlocks(c, out)
		}
	}
	flush()
}

func isInline(a atom.Atom) bool {
	switch a {
	case atom.A, atom.B, atom.I, atom.Em, atom.Strong, atom.Span, atom.Small, atom.Sub, atom.Sup, atom.Abbr,
		atom.Cite, atom.Q, atom.U, atom.Mark, atom.Time, atom.Code:
		return true
	}
	return false
}

func firstHeading(root *html.Node) string {
	var h string
	var walk func(*html.Node) bool
	walk = func(x *html.Node) bool {
		if x.Type == html.ElementNode && x.DataAtom == atom.H1 {
			h = clean(textOf(x))
			return h != ""
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(root)
	return h
}

func textOf(x *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		if x.Type == html.ElementNode && (x.DataAtom == atom.Br || blockAtoms[x.DataAtom]) {
			b.WriteByte(' ')
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(x)
	return b.String()
}

func linkText(x *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, bool)
	walk = func(x *html.Node, in bool) {
		in = in || x.Type == html.ElementNode && x.DataAtom == atom.A
		if in && x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(x, false)
	return b.String()
}

func attr(x *html.Node, key string) string {
	for _, a := range x.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// clean collapses white space (incl. no-break spaces) to single spaces.
func clean(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

func dedupeAdjacent(ss []string) []string {
	var out []string
	for _, s := range ss {
		if len(out) > 0 && out[len(out)-1] == s {
			continue
		}
		out = append(out, s)
	}
	return out
}

// jsonLDDates pulls datePublished values out of JSON-LD, at any depth.
func jsonLDDates(src string) []string {
	var v any
	if json.Unmarshal([]byte(src), &v) != nil {
		return nil
	}
	var out []string
	var walk func(any, int)
	walk = func(v any, depth int) {
		if depth > 20 {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if s, ok := t["datePublished"].(string); ok {
				out = append(out, s)
			}
			for _, c := range t {
				walk(c, depth+1)
			}
		case []any:
			for _, c := range t {
				walk(c, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}
