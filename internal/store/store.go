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
	"time"

	"golang.org/x/mod/sumdb/tlog"

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

// LedgerStore is a Store that keeps the tamper-evident ledger. The SQLite
// store is one. Ledger will join Store itself once every implementation
// has it (PostgreSQL next); until then commands that need the ledger
// assert it.
type LedgerStore interface {
	Store
	Ledger
}

// Ledger is a store's side of the tamper-evident ledger (package ledger):
// an append-only list of leaves, the Merkle tree's stored hashes (tlog's
// numbering), and signed checkpoints. It also rebuilds the content of each
// record from its rows, the way package ledger defines it, so the ledger
// can compare it with what was logged.
//
// Every change a store makes logs itself: Ingest appends, in its own
// transaction and under the store's write lock, a leaf for the document
// if it is new (op create, actor system:ingest) and, if the report is new,
// one for the report and one for each of its events (actor
// extractor:NAME/VERSION), using ledger.Append to compute the hashes. A
// failed Ingest appends nothing. The ledger's rows are never updated or
// deleted.
type Ledger interface {
	// LedgerSize returns how many leaves the log holds.
	LedgerSize(ctx context.Context) (int64, error)
	// LedgerLeaves returns the leaves with indexes in [start, end), in
	// order; end beyond the log's size is cut to it.
	LedgerLeaves(ctx context.Context, start, end int64) ([]LedgerLeaf, error)
	// LedgerHashes returns the stored hashes at the given indexes
	// (tlog.HashReader); a missing one fails with errs.NotFound.
	LedgerHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// LedgerLeafIndexes returns the indexes of the leaves about one
	// record, oldest first (empty when there are none).
	LedgerLeafIndexes(ctx context.Context, kind, id string) ([]int64, error)
	// AddCheckpoint stores a signed checkpoint of the log's first size
	// leaves. The store does not check the signature.
	AddCheckpoint(ctx context.Context, size int64, signed []byte) error
	// Checkpoints returns the stored checkpoints, oldest first.
	Checkpoints(ctx context.Context) ([]StoredCheckpoint, error)
	// LedgerRecord rebuilds one record (kind document, report or event)
	// from its rows; errs.NotFound when it is not stored.
	LedgerRecord(ctx context.Context, kind, id string) (LedgerRecord, error)
	// LedgerRecords calls fn with every record the store holds, rebuilt
	// from its rows, and with a record for each row that belongs to none
	// (Kind is then the table's name and Problems says why). It stops at
	// the first error fn returns.
	LedgerRecords(ctx context.Context, fn func(LedgerRecord) error) error
}

// LedgerLeaf is one stored leaf.
type LedgerLeaf struct {
	Index int64
	// Kind and RecordID are what the store indexes the leaf under (for
	// LedgerLeafIndexes); verification checks them against Data.
	Kind, RecordID string
	Data           []byte // the leaf's canonical encoding, the bytes the tree hashes
	// Fields is the ledger.Record.Fields the leaf's digest commits to,
	// kept beside it so verification can name the fields that changed.
	// It is not part of the tree: its own digest is checked against the
	// leaf before it is believed.
	Fields []byte
}

// LedgerRecord is a record rebuilt from its rows.
type LedgerRecord struct {
	Kind, ID string
	// Content is the record's content as ledger.NewRecord builds it (nil
	// when the rows could not be turned into one; Problems says why).
	Content []byte
	// Fields and SHA256 are the record's field digests and digest
	// (ledger.Record); empty with Content.
	Fields []byte
	SHA256 string
	// Problems lists, one per line, where the record's rows disagree with
	// each other (a denormalised column, a child row), naming the table
	// and column.
	Problems []string
}

// StoredCheckpoint is a signed checkpoint as kept in the store.
type StoredCheckpoint struct {
	Size      int64
	Signed    []byte // the signed note
	CreatedAt time.Time
}
