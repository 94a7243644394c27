package export

import (
	"bufio"
	"strconv"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
)

// hxlColumn is one column of the HXL-tagged CSV: its header, its HXL
// hashtag with attributes, and how to fill it.
type hxlColumn struct {
	header, tag string
	value       func(se *model.StoredEvent) string
}

func loc(se *model.StoredEvent) *model.Location { return se.Location }

func locField(f func(l *model.Location) string) func(se *model.StoredEvent) string {
	return func(se *model.StoredEvent) string {
		if l := loc(se); l != nil {
			return f(l)
		}
		return ""
	}
}

func actorField(role string, typ bool) func(se *model.StoredEvent) string {
	return func(se *model.StoredEvent) string {
		names, t := actorsByRole(&se.Event, role)
		if typ {
			return t
		}
		return names
	}
}

func countField(get func(ev *model.Event) *model.Count) func(se *model.StoredEvent) string {
	return func(se *model.StoredEvent) string {
		if c := get(&se.Event); c != nil && c.Best != nil {
			return itoa(*c.Best)
		}
		return ""
	}
}

// HXLColumns are the HXL-tagged CSV's columns: header and hashtag.
var hxlColumns = []hxlColumn{
	{"id", "#event+id", func(se *model.StoredEvent) string { return se.ID }},
	{"event_date", "#date+occurred", func(se *model.StoredEvent) string { return se.EventDate }},
	{"date_precision", "#date+precision", func(se *model.StoredEvent) string { return optInt(se.DatePrecision) }},
	{"disorder_type", "#event+type+disorder", func(se *model.StoredEvent) string { return se.DisorderType }},
	{"event_type", "#event+type", func(se *model.StoredEvent) string { return se.EventType }},
	{"sub_event_type", "#event+type+sub", func(se *model.StoredEvent) string { return se.SubEventType }},
	{"actor1", "#group+name+first", actorField("actor1", false)},
	{"actor1_type", "#group+type+first", actorField("actor1", true)},
	{"assoc_actor_1", "#group+name+first+assoc", actorField("assoc_actor1", false)},
	{"actor2", "#group+name+second", actorField("actor2", false)},
	{"actor2_type", "#group+type+second", actorField("actor2", true)},
	{"assoc_actor_2", "#group+name+second+assoc", actorField("assoc_actor2", false)},
	{"country", "#country+name", locField(func(l *model.Location) string { return countryName(l) })},
	{"iso3", "#country+code", locField(func(l *model.Location) string {
		if c := countryOf(l); c != nil {
			return c.ISO3
		}
		return l.ISO3
	})},
	{"admin1", "#adm1+name", locField(func(l *model.Location) string { return l.Admin1 })},
	{"admin2", "#adm2+name", locField(func(l *model.Location) string { return l.Admin2 })},
	{"location", "#loc+name", locField(func(l *model.Location) string { return l.Name })},
	{"geonameid", "#loc+code+geonames", locField(func(l *model.Location) string {
		if l.GeonameID == 0 {
			return ""
		}
		return strconv.FormatInt(l.GeonameID, 10)
	})},
	{"latitude", "#geo+lat", locField(func(l *model.Location) string { return formatCoord(l.Latitude) })},
	{"longitude", "#geo+lon", locField(func(l *model.Location) string { return formatCoord(l.Longitude) })},
	{"geo_precision", "#geo+precision", locField(func(l *model.Location) string { return optInt(l.GeoPrecision) })},
	{"fatalities", "#affected+killed", countField(func(ev *model.Event) *model.Count { return ev.Fatalities })},
	{"injured", "#affected+injured", countField(func(ev *model.Event) *model.Count { return ev.Injured })},
	{"abducted", "#affected+abducted", countField(func(ev *model.Event) *model.Count { return ev.Abducted })},
	{"displaced", "#affected+displaced", countField(func(ev *model.Event) *model.Count { return ev.Displaced })},
	{"structures_destroyed", "#affected+infrastructure+destroyed", countField(func(ev *model.Event) *model.Count { return ev.StructuresDestroyed })},
	{"certainty", "#status+certainty", func(se *model.StoredEvent) string { return se.Certainty }},
	{"confidence", "#indicator+confidence+num", func(se *model.StoredEvent) string {
		return strconv.FormatFloat(se.Confidence, 'f', 2, 64)
	}},
	{"sources", "#meta+source", func(se *model.StoredEvent) string { return sourceNames(&se.Event) }},
	{"document", "#meta+id+document", func(se *model.StoredEvent) string { return se.DocumentID }},
	{"notes", "#description", func(se *model.StoredEvent) string { return Notes(se) }},
}

// HXLTags returns the HXL-tagged CSV's header row and tag row.
func HXLTags() (headers, tags []string) {
	for _, c := range hxlColumns {
		headers = append(headers, c.header)
		tags = append(tags, c.tag)
	}
	return headers, tags
}

func newHXLEncoder(w *bufio.Writer) encoder {
	headers, tags := HXLTags()
	return newCSVEncoder(w, headers, tags, func(row []string, se *model.StoredEvent) bool {
		for i, c := range hxlColumns {
			row[i] = c.value(se)
		}
		return true
	})
}

// IsHXLTagRow reports whether a CSV row is an HXL hashtag row: more of its
// non-empty cells are hashtags ("#geo+lat") than not. (Some published
// files add a row-number column whose cell in the tag row is not a tag.)
func IsHXLTagRow(row []string) bool {
	tags, other := 0, 0
	for _, c := range row {
		c = strings.TrimSpace(c)
		switch {
		case c == "":
		case strings.HasPrefix(c, "#") && len(c) > 1:
			tags++
		default:
			other++
		}
	}
	return tags > 0 && tags > other
}
