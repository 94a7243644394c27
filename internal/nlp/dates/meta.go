package dates

import (
	"strings"
	"time"
)

// metaLayouts are the machine formats of HTML metadata and feeds.
var metaLayouts = []string{
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"2006/01/02 15:04:05",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	time.RFC822Z,
	time.RFC822,
	time.RFC850,
	time.ANSIC,
	"January 2, 2006",
	"January 2 2006",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"Monday, January 2, 2006",
	"02/01/2006",
	"02.01.2006",
}

// ParseMetaDate parses a publication date as found in HTML metadata, feeds
// or on the command line: RFC 3339, ISO dates, RFC 1123/822, "March 16,
// 2025", "16 March 2025", "16 mars 2025", "lundi 16 mars 2025",
// "2025/03/16" and day-first "16/03/2025". A date without time is midnight
// UTC. It reports false when s is none of these or has no year.
func ParseMetaDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 {
		return time.Time{}, false
	}
	for _, layout := range metaLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	// Written dates, English or French, possibly with a time after them.
	for _, m := range Find(s, "", time.Time{}) {
		if m.Precision == 1 && !m.YearInferred && !m.Relative && m.Span.Start <= 12 {
			return m.Date, true
		}
	}
	return time.Time{}, false
}
