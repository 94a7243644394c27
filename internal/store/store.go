// Package store defines how Vigil keeps documents, the reports extractors
// made of them, and the events those reports hold. Implementations live in
// sub-packages (sqlite; postgres later) and must all pass storetest.Run.
//
// The package also holds what every implementation shares, so they behave
// alike: input validation and defaults (PrepareIngest), filter and page
// checks, ID generation and the JSON form events are kept in.
package store

import (
	"context"

	"github.com/vigil-hr/vigil/internal/model"
)

// Store is the whole storage interface.
type Store interface {
	Documents
	Reports
	Events
	Close() error
}

// Documents stores documents together with what was extracted from them.
type Documents interface {
	// Ingest stores a document and the report extracted from it in one
	// transaction. A document whose SHA256 is already stored is not stored
	// again: existing=true, and the report is added only if no report from
	// the same extractor version exists for it (then the stored report's
	// event IDs are returned and rep is left as it was).
	//
	// rep may be nil to store the document alone. Before storing, Ingest
	// fills in, in doc and rep, what PrepareIngest fills in: empty IDs,
	// zero CreatedAt, times normalised to UTC microseconds.
	// Bad input fails with errs.Invalid; an event ID that is already taken
	// fails with errs.Conflict. A failed Ingest stores nothing.
	Ingest(ctx context.Context, doc *model.Document, rep *model.Report) (res IngestResult, err error)
	// GetDocument returns the document with the given ID (its SHA256),
	// or an error of kind errs.NotFound.
	GetDocument(ctx context.Context, id string) (*model.Document, error)
	// ListDocuments returns documents newest first (by CreatedAt, then ID).
	// Their Text is left empty: GetDocument returns it.
	ListDocuments(ctx context.Context, page Page) ([]model.Document, error)
	// CountDocuments returns how many documents are stored.
	CountDocuments(ctx context.Context) (int, error)
}

// IngestResult says what Ingest did.
type IngestResult struct {
	DocumentID string   // the document's ID (its SHA256)
	Existing   bool     // the document was already stored
	ReportID   string   // the stored report, new or existing; "" if none was given
	EventIDs   []string // the report's event IDs, in report order
}

// Reports gives access to the reports made of a document.
type Reports interface {
	// ReportsForDocument returns the document's reports, oldest first, each
	// with its events and places. It fails with errs.NotFound if the document
	// is not stored.
	ReportsForDocument(ctx context.Context, docID string) ([]model.Report, error)
}

// Events queries stored events across reports.
type Events interface {
	// ListEvents returns the events that pass f, newest event_date first,
	// then by ID. Events without a date come last.
	ListEvents(ctx context.Context, f EventFilter) ([]model.StoredEvent, error)
	// GetEvent returns one event, or an error of kind errs.NotFound.
	GetEvent(ctx context.Context, id string) (*model.StoredEvent, error)
	// CountEvents returns how many events pass f (f.Page is ignored).
	CountEvents(ctx context.Context, f EventFilter) (int, error)
}

// EventFilter selects events. Zero fields select everything.
type EventFilter struct {
	From, To     string // YYYY-MM-DD, inclusive; setting either excludes undated events
	SubEventType string // ACLED sub-event type, exact match
	Country      string // ISO 3166-1 alpha-3 of the event's location
	DocumentID   string
	Page
}

// Page is a window of a list.
type Page struct {
	Limit  int // 0 means DefaultLimit; at most MaxLimit
	Offset int
}

// Page limits.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)
