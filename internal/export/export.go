// Package export writes Vigil's stored events in the formats analysts
// already use: ACLED-shaped CSV, UCDP GED-shaped CSV, GeoJSON (RFC 7946),
// HXL-tagged CSV and JSON Lines.
//
// Writing streams: events are read from the store a page at a time and
// written as they come, so memory stays flat whatever the number of events.
// The formats are described for people in docs/formats.md.
package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/incident"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
)

// Format names an export format.
type Format string

// The export formats.
const (
	ACLEDCSV Format = "acled-csv"
	UCDPCSV  Format = "ucdp-csv"
	GeoJSON  Format = "geojson"
	HXLCSV   Format = "hxl-csv"
	JSONL    Format = "jsonl"
)

// Formats lists the export formats.
var Formats = []Format{ACLEDCSV, UCDPCSV, GeoJSON, HXLCSV, JSONL}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if !slices.Contains(Formats, f) {
		return "", errs.E(errs.Invalid, "export format %q is not one of acled-csv, ucdp-csv, geojson, hxl-csv, jsonl", s)
	}
	return f, nil
}

// EventLister is what an export reads: the store's event listing.
type EventLister interface {
	ListEvents(ctx context.Context, f store.EventFilter) ([]model.StoredEvent, error)
}

// Options says what to export and how.
type Options struct {
	Format Format
	// Filter selects the events; its Page is ignored (everything that
	// passes is written).
	Filter store.EventFilter
	// Public applies Redact and then the publication gate (package redact)
	// to every event before it is written.
	Public bool
	// Gate is the publication gate of a public export; nil is a gate
	// without centroids, which withholds sensitive places instead of
	// blurring them.
	Gate *redact.Gate
	// Sensitive holds the IDs of the events flagged sensitive (see
	// SensitiveEvents); sexual violence is always sensitive.
	Sensitive map[string]bool
}

// Stats says what an export wrote.
type Stats struct {
	Written int // events written
	Skipped int // events the format has no place for (UCDP: not organised violence)
}

// encoder writes one format.
type encoder interface {
	begin() error
	// event writes one event; false means the format has no place for it.
	event(se *model.StoredEvent) (bool, error)
	end() error
}

// pageSize is how many events are read from the store at a time.
const pageSize = store.MaxLimit

// Write exports the events that pass opts.Filter to w, newest first, in
// opts.Format. It reads the store a page at a time (offset paging, so an
// export taken while reports are being ingested may repeat or miss the
// events ingested meanwhile).
func Write(ctx context.Context, w io.Writer, src EventLister, opts Options) (st Stats, err error) {
	defer errs.Wrap(&err, "export %s", opts.Format)
	if _, err := ParseFormat(string(opts.Format)); err != nil {
		return st, err
	}
	f := opts.Filter
	f.Page = store.Page{Limit: pageSize}
	if _, err := f.Normalize(); err != nil {
		return st, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := newEncoder(opts.Format, bw)
	incidents, _ := src.(store.IncidentStore)
	seen := map[string]bool{}
	if err := enc.begin(); err != nil {
		return st, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		page, err := src.ListEvents(ctx, f)
		if err != nil {
			return st, fmt.Errorf("reading events at offset %d: %w", f.Offset, err)
		}
		for i := range page {
			se := &page[i]
			if je, ok := enc.(*jsonlEncoder); ok && incidents != nil {
				// One line per incident, written when its first event
				// comes by; events not linked yet stand alone.
				wrote, err := writeIncident(ctx, je, incidents, se, opts, seen)
				if err != nil {
					return st, err
				}
				if wrote != nil {
					if *wrote {
						st.Written++
					}
					continue
				}
			}
			if opts.Public {
				se.Event = Public(opts.Gate, se.Event, opts.Sensitive[se.ID])
			}
			ok, err := enc.event(se)
			if err != nil {
				return st, err
			}
			if ok {
				st.Written++
			} else {
				st.Skipped++
			}
		}
		if len(page) < f.Limit {
			break
		}
		f.Offset += len(page)
	}
	if err := enc.end(); err != nil {
		return st, err
	}
	return st, bw.Flush()
}

func newEncoder(f Format, w *bufio.Writer) encoder {
	switch f {
	case ACLEDCSV:
		return newCSVEncoder(w, ACLEDColumns, nil, func(row []string, se *model.StoredEvent) bool {
			acledRow(row, se)
			return true
		})
	case UCDPCSV:
		return newCSVEncoder(w, UCDPColumns, nil, ucdpRow)
	case HXLCSV:
		return newHXLEncoder(w)
	case GeoJSON:
		return &geojsonEncoder{w: w}
	}
	return &jsonlEncoder{w: w}
}

// writeIncident writes the line of the incident holding se, once per
// incident: the incident's merged event, its id, its documents and how many
// of them are independent. It returns nil when se is in no incident.
func writeIncident(ctx context.Context, e *jsonlEncoder, st store.IncidentStore, se *model.StoredEvent, opts Options, seen map[string]bool) (*bool, error) {
	id, err := st.IncidentOfEvent(ctx, se.ID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("incident of event %s: %w", se.ID, err)
	}
	wrote := false
	if seen[id] {
		return &wrote, nil
	}
	seen[id] = true
	sum, err := incident.SummarizeStored(ctx, st, id, incident.Config{})
	if err != nil {
		return nil, fmt.Errorf("incident %s: %w", id, err)
	}
	line := Line{Event: sum.Event, Documents: sum.Documents, IndependentSources: sum.IndependentSources}
	line.ID = sum.ID
	if len(line.Evidence) == 0 && len(sum.Documents) == 1 {
		// Offsets point into one document's text: with a single report
		// they are its event's own.
		line.Evidence = se.Evidence
	}
	if opts.Public {
		line.Event = Public(opts.Gate, line.Event, opts.Sensitive[se.ID])
	}
	wrote = true
	return &wrote, e.enc.Encode(line)
}
