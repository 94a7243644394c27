package web

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
)

// segment is a run of the source text covered by the same evidence fields.
type segment struct {
	Text   string
	Fields string // space-separated field names; "" outside every span
}

// highlight cuts text into segments at the evidence spans' edges. Spans
// count code points (as stored); spans out of range are clipped and empty
// ones ignored, so hostile or stale offsets cannot break the page.
func highlight(text string, ev []model.Evidence) []segment {
	n := utf8.RuneCountInString(text)
	cuts := []int{0, n}
	var spans []model.Evidence
	for _, e := range ev {
		s, t := max(0, min(e.Start, n)), max(0, min(e.End, n))
		if s >= t {
			continue
		}
		e.Start, e.End = s, t
		spans = append(spans, e)
		cuts = append(cuts, s, t)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	// Byte offset of each cut (one pass over the text).
	bytesAt := make([]int, len(cuts))
	ci, r := 0, 0
	for i := range text {
		for ci < len(cuts) && cuts[ci] == r {
			bytesAt[ci] = i
			ci++
		}
		r++
	}
	for ; ci < len(cuts); ci++ {
		bytesAt[ci] = len(text)
	}
	var out []segment
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		var fields []string
		for _, e := range spans {
			if e.Start <= a && b <= e.End && !slices.Contains(fields, e.Field) {
				fields = append(fields, e.Field)
			}
		}
		seg := segment{Text: text[bytesAt[i]:bytesAt[i+1]], Fields: strings.Join(fields, " ")}
		if k := len(out) - 1; k >= 0 && out[k].Fields == seg.Fields {
			out[k].Text += seg.Text
			continue
		}
		out = append(out, seg)
	}
	return out
}

// fieldRow is one line of the event's field table.
type fieldRow struct {
	Key       string // evidence field name the row lights up
	Label     string
	Value     string
	Precision string
	Spans     int
}

// fieldRows lists every field of ev with its value, precision and how many
// evidence spans support it.
func fieldRows(l *Locale, ev *model.Event) []fieldRow {
	spans := map[string]int{}
	for _, e := range ev.Evidence {
		spans[e.Field]++
	}
	var rows []fieldRow
	add := func(key, label, value, prec string) {
		if value == "" {
			value = l.T("not stated")
		}
		rows = append(rows, fieldRow{Key: key, Label: label, Value: value, Precision: prec, Spans: spans[key]})
	}
	datePrec := map[int]string{model.PrecisionDay: l.T("the day is known"), model.PrecisionWeek: l.T("only the week"),
		model.PrecisionMonth: l.T("only the month")}[ev.DatePrecision]
	if ev.DateYearInferred {
		datePrec += " · " + l.T("year inferred")
	}
	add("event_date", l.T("Date"), ev.EventDate, datePrec)
	add("disorder_type", l.T("Disorder type"), ev.DisorderType, "")
	add("event_type", l.T("Event type"), ev.EventType, "")
	add("sub_event_type", l.T("Sub-event type"), ev.SubEventType, "")
	for _, a := range ev.Actors {
		v := a.Name
		if a.Type != "" {
			v += " (" + a.Type + ")"
		}
		if len(a.Mentions) > 0 {
			v += " — “" + strings.Join(a.Mentions, "”, “") + "”"
		}
		add(a.Role, a.Role, v, "")
	}
	loc, geoPrec := "", ""
	if g := ev.Location; g != nil {
		parts := []string{g.Name}
		for _, p := range []string{g.Admin2, g.Admin1, g.Country} {
			if p != "" && p != g.Name {
				parts = append(parts, p)
			}
		}
		loc = strings.Join(parts, ", ")
		geoPrec = map[int]string{model.GeoTown: l.T("the named town"), model.GeoNear: l.T("near a town or part of a district"),
			model.GeoRegion: l.T("only a region")}[g.GeoPrecision]
	}
	add("location", l.T("Location"), loc, geoPrec)
	for _, c := range []struct {
		key, label string
		c          *model.Count
	}{{"fatalities", l.T("Fatalities"), ev.Fatalities}, {"injured", l.T("Injured"), ev.Injured},
		{"abducted", l.T("Abducted"), ev.Abducted}, {"displaced", l.T("Displaced"), ev.Displaced},
		{"structures_destroyed", l.T("Structures destroyed"), ev.StructuresDestroyed}} {
		add(c.key, c.label, countText(c.c), "")
	}
	add("certainty", l.T("Certainty"), l.T(ev.Certainty), "")
	var srcs []string
	for _, s := range ev.Sources {
		srcs = append(srcs, s.Name+" ("+s.Kind+")")
	}
	add("sources", l.T("Sources"), strings.Join(srcs, ", "), "")
	return rows
}
