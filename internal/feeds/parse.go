// Package feeds reads RSS and Atom feeds and polls them: conditional
// requests (ETag, Last-Modified), exponential back-off on errors, and a seen
// set so that no item is handed on twice. Feeds, their polling state and the
// seen set live behind the Store interface.
package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Limits of Parse: real feeds weigh kilobytes and list tens of items.
const (
	MaxItems     = 10_000
	MaxFeedBytes = 16 << 20
)

// Parsed is a feed document reduced to what Vigil uses.
type Parsed struct {
	Format string // "rss" (2.0, 0.9x), "rdf" (RSS 1.0) or "atom"
	Title  string
	Items  []Item // in document order
}

// Item is one entry of a feed.
type Item struct {
	// ID identifies the item within its feed: the guid or Atom id, else the
	// link, else a digest of title and summary.
	ID        string     `json:"id"`
	Title     string     `json:"title,omitempty"`
	Link      string     `json:"link,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	// Summary is the description or summary, often HTML; Content the full
	// content when the feed carries it (content:encoded, atom:content).
	Summary string `json:"summary,omitempty"`
	Content string `json:"content,omitempty"`
}

type rssLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Text string `xml:",chardata"`
}

type rssItem struct {
	Title       string    `xml:"title"`
	Links       []rssLink `xml:"link"`
	GUID        string    `xml:"guid"`
	About       string    `xml:"about,attr"`
	PubDate     string    `xml:"pubDate"`
	DCDate      string    `xml:"http://purl.org/dc/elements/1.1/ date"`
	Description string    `xml:"description"`
	Encoded     string    `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
}

type rssDoc struct {
	Channel struct {
		Title string    `xml:"title"`
		Items []rssItem `xml:"item"`
	} `xml:"channel"`
	Items []rssItem `xml:"item"` // RSS 1.0 puts items beside the channel
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",innerxml"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string    `xml:"id"`
	Title     atomText  `xml:"title"`
	Links     []rssLink `xml:"link"`
	Published string    `xml:"published"`
	Updated   string    `xml:"updated"`
	Summary   atomText  `xml:"summary"`
	Content   atomText  `xml:"content"`
}

type atomFeed struct {
	Title   atomText    `xml:"title"`
	Entries []atomEntry `xml:"entry"`
}

// Parse reads an RSS 2.0, RSS 1.0 or Atom document. It honours the declared
// character set (feeds of French outlets are often ISO-8859-1), understands
// HTML entities, and never fetches anything the document references.
func Parse(data []byte) (*Parsed, error) {
	if len(data) > MaxFeedBytes {
		return nil, errs.E(errs.Invalid, "feed is larger than the %d-byte limit", MaxFeedBytes)
	}
	root, err := rootElement(data)
	if err != nil {
		return nil, err
	}
	p := &Parsed{}
	switch root {
	case "rss":
		var d rssDoc
		if err := decode(data, &d); err != nil {
			return nil, err
		}
		p.Format, p.Title = "rss", clean(d.Channel.Title)
		p.Items = rssItems(d.Channel.Items)
	case "RDF":
		var d rssDoc
		if err := decode(data, &d); err != nil {
			return nil, err
		}
		p.Format, p.Title = "rdf", clean(d.Channel.Title)
		p.Items = rssItems(d.Items)
	case "feed":
		var d atomFeed
		if err := decode(data, &d); err != nil {
			return nil, err
		}
		p.Format, p.Title = "atom", clean(d.Title.Text)
		for i := range d.Entries {
			if i == MaxItems {
				break
			}
			e := &d.Entries[i]
			it := Item{ID: clean(e.ID), Title: clean(e.Title.Text), Link: atomLink(e.Links),
				Summary: atomBody(e.Summary), Content: atomBody(e.Content)}
			it.Published = parseDate(e.Published)
			if it.Published == nil {
				it.Published = parseDate(e.Updated)
			}
			p.Items = append(p.Items, finish(it))
		}
	default:
		return nil, errs.E(errs.Invalid, "not an RSS or Atom feed (root element <%s>)", root)
	}
	return p, nil
}

func newDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charset.NewReaderLabel
	d.Strict = false
	d.Entity = xml.HTMLEntity
	return d
}

func decode(data []byte, v any) error {
	if err := newDecoder(data).Decode(v); err != nil {
		return errs.E(errs.Invalid, "malformed feed: %v", err)
	}
	return nil
}

// rootElement returns the local name of the first element.
func rootElement(data []byte) (string, error) {
	d := newDecoder(data)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return "", errs.E(errs.Invalid, "not a feed: no XML element")
		}
		if err != nil {
			return "", errs.E(errs.Invalid, "not a feed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

func rssItems(in []rssItem) []Item {
	var out []Item
	for i := range in {
		if i == MaxItems {
			break
		}
		x := &in[i]
		it := Item{ID: clean(x.GUID), Title: clean(x.Title), Summary: strings.TrimSpace(x.Description), Content: strings.TrimSpace(x.Encoded)}
		for _, l := range x.Links {
			if s := clean(l.Text); s != "" && it.Link == "" {
				it.Link = s
			}
		}
		if it.Link == "" {
			it.Link = clean(x.About)
		}
		it.Published = parseDate(x.PubDate)
		if it.Published == nil {
			it.Published = parseDate(x.DCDate)
		}
		out = append(out, finish(it))
	}
	return out
}

func atomLink(links []rssLink) string {
	for _, l := range links {
		if l.Rel == "" || l.Rel == "alternate" {
			if s := clean(l.Href); s != "" {
				return s
			}
		}
	}
	for _, l := range links {
		if s := clean(l.Href); s != "" {
			return s
		}
	}
	return ""
}

// atomBody returns text content as is and (X)HTML content as markup.
func atomBody(t atomText) string {
	if t.Type == "xhtml" {
		return strings.TrimSpace(t.Body)
	}
	return strings.TrimSpace(t.Text)
}

// finish fills the ID when the feed gave none.
func finish(it Item) Item {
	if it.ID == "" {
		it.ID = it.Link
	}
	if it.ID == "" {
		h := sha256.Sum256([]byte(it.Title + "\x00" + it.Summary + "\x00" + it.Content))
		it.ID = "sha256:" + hex.EncodeToString(h[:])
	}
	return it
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

var dateLayouts = []string{
	time.RFC1123Z, time.RFC1123, time.RFC3339Nano, time.RFC3339,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 MST", "Mon, 02 Jan 06 15:04:05 -0700",
	"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02",
}

// parseDate reads the dates feeds use (RFC 822 in RSS, RFC 3339 in Atom,
// and their common variants); nil when none fits.
func parseDate(s string) *time.Time {
	s = clean(s)
	if s == "" {
		return nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}
