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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
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

// CappedCounter is implemented by stores that can stop counting: listing
// pages of millions of events needs to know "more than a page or two", not
// the exact total.
type CappedCounter interface {
	// CountEventsUpTo returns how many events pass f, or max+1 when more
	// than max do (f.Page is ignored).
	CountEventsUpTo(ctx context.Context, f EventFilter, max int) (int, error)
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

// ProtectedStore is a Store that also keeps users, their sessions and API
// tokens, witness testimonies with their protected fields, and the log of
// who read protected fields. The SQLite and PostgreSQL stores are both
// one; it is a union of its own so that Store itself does not change.
type ProtectedStore interface {
	Store
	Users
	Testimonies
	AccessLog
}

// User is an account. Role is one of auth's roles (admin, analyst,
// reviewer, viewer); the store keeps it as text and does not interpret it.
type User struct {
	ID           string
	Name         string // unique login name
	Role         string
	PasswordHash string // auth's PHC-encoded argon2id hash; never the password
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Session is a web login. The store keeps only the SHA-256 of the session
// ID the browser holds (IDHash, hex), so a copy of the database opens no
// session.
type Session struct {
	IDHash    string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a token for scripts. Like sessions, only its SHA-256 (Hash,
// hex) is kept: the token itself is shown once, when it is made.
type APIToken struct {
	ID        string
	UserID    string
	Name      string // what the token is for, chosen by its owner
	Hash      string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: until revoked
	Revoked   bool
}

// Users keeps accounts, sessions and API tokens. Lookups of something that
// does not exist fail with errs.NotFound; a taken name with errs.Conflict.
type Users interface {
	CreateUser(ctx context.Context, u *User) error // fills empty ID and zero times
	GetUser(ctx context.Context, id string) (*User, error)
	GetUserByName(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context) ([]User, error) // by name
	SetUserDisabled(ctx context.Context, id string, disabled bool) error
	SetPassword(ctx context.Context, id, hash string) error

	CreateSession(ctx context.Context, s *Session) error
	GetSession(ctx context.Context, idHash string) (*Session, error)
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteExpiredSessions removes sessions that expired before now and
	// returns how many it removed.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	CreateToken(ctx context.Context, t *APIToken) error // fills empty ID and zero CreatedAt
	GetTokenByHash(ctx context.Context, hash string) (*APIToken, error)
	ListTokens(ctx context.Context, userID string) ([]APIToken, error) // oldest first
	RevokeToken(ctx context.Context, id string) error
}

// KindTestimony is the ledger record kind of a testimony.
const KindTestimony = "testimony"

// Testimony is a witness statement as stored. Its protected fields (the
// witness's name and contact, the exact location, protected notes) are
// only ever held sealed: package vault encrypts them before they reach a
// store, so a store never sees them in clear.
type Testimony struct {
	ID        string
	Statement string // what the witness said, in clear (it is analysed like any report)
	Lang      string
	Sensitive bool // its location is blurred in public outputs
	// Coarse, public location: the country (ISO 3166-1 alpha-3) and
	// administrative regions. The exact place is a protected field.
	Country, Admin1, Admin2 string
	TakenOn                 string // YYYY-MM-DD the testimony was taken; "" when unknown
	Notes                   string // unprotected analyst notes
	DocumentIDs, EventIDs   []string
	Protected               []SealedField // by Name, each name once
	// KeyID names the set of recipients the protected fields are
	// encrypted to (vault.Keys.ID); key rotation re-wraps the rows whose
	// KeyID is not the new set's.
	KeyID     string
	CreatedBy string // actor: user:ID or system:cli
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SealedField is one protected field as stored: age ciphertext and, for
// fields that are looked up, a keyed blind index of its normalised value.
type SealedField struct {
	Name       string
	Ciphertext []byte
	Index      string // hex HMAC-SHA-256; "" when the field is not indexed
}

// Field returns the sealed field with the given name, or nil.
func (t *Testimony) Field(name string) *SealedField {
	for i := range t.Protected {
		if t.Protected[i].Name == name {
			return &t.Protected[i]
		}
	}
	return nil
}

// TestimonyFilter selects testimonies. Zero fields select everything.
type TestimonyFilter struct {
	// Field and Index select testimonies whose protected field Field has
	// blind index Index: how a witness is found again without decrypting.
	Field, Index string
	EventID      string
	DocumentID   string
	Page
}

// Testimonies keeps testimonies. Every change is logged in the ledger in
// the same transaction when the store keeps one (record kind
// KindTestimony, its content as vault.TestimonyRecord builds it: digests
// of ciphertexts, never plaintext).
type Testimonies interface {
	// AddTestimony stores t, filling an empty ID and zero times; actor is
	// the ledger leaf's actor. Bad input fails with errs.Invalid.
	AddTestimony(ctx context.Context, t *Testimony, actor string) error
	GetTestimony(ctx context.Context, id string) (*Testimony, error)
	// ListTestimonies returns testimonies newest first (CreatedAt, then ID).
	ListTestimonies(ctx context.Context, f TestimonyFilter) ([]Testimony, error)
	// TestimoniesToRewrap returns up to limit testimonies whose KeyID is
	// not keyID, by ID.
	TestimoniesToRewrap(ctx context.Context, keyID string, limit int) ([]Testimony, error)
	// RewrapTestimonies replaces, in one transaction, the ciphertexts and
	// KeyID of each testimony (matched by ID and field name; blind indexes
	// and clear fields are left as they are) and logs each as an update.
	// A testimony whose stored KeyID is no longer prevKeyID[i] (someone
	// else re-wrapped it) fails the whole call with errs.Conflict.
	RewrapTestimonies(ctx context.Context, ts []Testimony, prevKeyID []string, actor string) error
}

// AccessEntry is one line of the access log: who read or changed
// something that is protected. Entries are chained: Hash is the SHA-256 of
// the previous entry's Hash and this entry's content (AccessHash), so an
// entry removed or edited in the middle breaks the chain.
type AccessEntry struct {
	Seq      int64 // 1, 2, ... assigned by the store
	Time     time.Time
	Actor    string // user:ID, or system:cli
	Action   string // read_protected, user_add, user_disable, token_create, ...
	Kind, ID string // what was touched: testimony ID, user ID...
	Detail   string // which fields, or what changed
	Hash     string
}

// AccessLog is the append-only access log.
type AccessLog interface {
	// AppendAccess appends e (Seq, Hash and zero Time filled in) under the
	// store's write lock, so the chain has no forks.
	AppendAccess(ctx context.Context, e *AccessEntry) error
	// AccessEntries returns the entries with Seq > after, oldest first, at
	// most limit (0: DefaultLimit).
	AccessEntries(ctx context.Context, after int64, limit int) ([]AccessEntry, error)
}

// Limits on users and testimonies, the same in every store.
const (
	MaxNameLen       = 64
	MaxStatementSize = 1 << 20
	MaxSealedSize    = 64 << 10 // one protected field's ciphertext
	MaxProtected     = 16       // protected fields per testimony
	MaxLinks         = 256      // linked documents or events per testimony
)

// PrepareUser validates u and fills in an empty ID and zero times.
func PrepareUser(u *User, now time.Time) error {
	if u.Name == "" || len(u.Name) > MaxNameLen || !utf8.ValidString(u.Name) || strings.TrimSpace(u.Name) != u.Name ||
		strings.ContainsFunc(u.Name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return errs.E(errs.Invalid, "user name %q must be 1 to %d printable characters without surrounding space", u.Name, MaxNameLen)
	}
	if u.Role == "" || u.PasswordHash == "" {
		return errs.E(errs.Invalid, "user %q needs a role and a password hash", u.Name)
	}
	if u.ID == "" {
		u.ID = NewID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	u.CreatedAt, u.UpdatedAt = Timestamp(u.CreatedAt), Timestamp(u.UpdatedAt)
	return nil
}

// validHash reports whether s is a lower-case hex SHA-256.
func validHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// PrepareSession validates s and normalises its times.
func PrepareSession(s *Session, now time.Time) error {
	if !validHash(s.IDHash) || s.UserID == "" {
		return errs.E(errs.Invalid, "session needs a user and the hex SHA-256 of its ID")
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	if !s.ExpiresAt.After(s.CreatedAt) {
		return errs.E(errs.Invalid, "session expires before it starts")
	}
	s.CreatedAt, s.ExpiresAt = Timestamp(s.CreatedAt), Timestamp(s.ExpiresAt)
	return nil
}

// PrepareToken validates t and fills in an empty ID and zero CreatedAt.
func PrepareToken(t *APIToken, now time.Time) error {
	if !validHash(t.Hash) || t.UserID == "" {
		return errs.E(errs.Invalid, "API token needs a user and the hex SHA-256 of the token")
	}
	if len(t.Name) > 200 || !utf8.ValidString(t.Name) {
		return errs.E(errs.Invalid, "API token name is longer than 200 bytes or not UTF-8")
	}
	if t.ID == "" {
		t.ID = NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	t.CreatedAt = Timestamp(t.CreatedAt)
	if t.ExpiresAt != nil {
		e := Timestamp(*t.ExpiresAt)
		t.ExpiresAt = &e
	}
	return nil
}

// PrepareTestimony validates t and fills in an empty ID and zero times.
// Protected fields are sorted by name.
func PrepareTestimony(t *Testimony, now time.Time) error {
	switch {
	case len(t.Statement) > MaxStatementSize || !utf8.ValidString(t.Statement):
		return errs.E(errs.Invalid, "testimony statement is over %d bytes or not UTF-8", MaxStatementSize)
	case strings.TrimSpace(t.Statement) == "" && len(t.Protected) == 0:
		return errs.E(errs.Invalid, "testimony has neither a statement nor a protected field")
	case t.Country != "" && !validISO3(t.Country):
		return errs.E(errs.Invalid, "testimony country %q is not an ISO 3166-1 alpha-3 code", t.Country)
	case t.TakenOn != "" && !validDate(t.TakenOn):
		return errs.E(errs.Invalid, "testimony date %q is not YYYY-MM-DD", t.TakenOn)
	case len(t.DocumentIDs) > MaxLinks || len(t.EventIDs) > MaxLinks:
		return errs.E(errs.Invalid, "testimony links more than %d documents or events", MaxLinks)
	case len(t.Protected) > MaxProtected:
		return errs.E(errs.Invalid, "testimony has more than %d protected fields", MaxProtected)
	case len(t.Protected) > 0 && t.KeyID == "":
		return errs.E(errs.Invalid, "testimony has protected fields but no key ID")
	case len(t.Notes) > MaxStatementSize || !utf8.ValidString(t.Notes):
		return errs.E(errs.Invalid, "testimony notes are over %d bytes or not UTF-8", MaxStatementSize)
	}
	for _, s := range [...]string{t.Lang, t.Admin1, t.Admin2, t.CreatedBy} {
		if len(s) > 200 || !utf8.ValidString(s) {
			return errs.E(errs.Invalid, "testimony field %q is over 200 bytes or not UTF-8", s)
		}
	}
	slices.SortFunc(t.Protected, func(a, b SealedField) int { return strings.Compare(a.Name, b.Name) })
	for i, f := range t.Protected {
		switch {
		case f.Name == "" || len(f.Name) > 32 || strings.Trim(f.Name, "abcdefghijklmnopqrstuvwxyz_") != "":
			return errs.E(errs.Invalid, "protected field name %q is not [a-z_]{1,32}", f.Name)
		case i > 0 && t.Protected[i-1].Name == f.Name:
			return errs.E(errs.Invalid, "protected field %q given twice", f.Name)
		case len(f.Ciphertext) == 0 || len(f.Ciphertext) > MaxSealedSize:
			return errs.E(errs.Invalid, "protected field %q: ciphertext of %d bytes (1 to %d)", f.Name, len(f.Ciphertext), MaxSealedSize)
		case f.Index != "" && !validHash(f.Index):
			return errs.E(errs.Invalid, "protected field %q: blind index is not 64 lower-case hex digits", f.Name)
		}
	}
	for _, ids := range [][]string{t.DocumentIDs, t.EventIDs} {
		for _, id := range ids {
			if id == "" || len(id) > 128 {
				return errs.E(errs.Invalid, "testimony links an empty or over-long ID")
			}
		}
	}
	if t.ID == "" {
		t.ID = NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	if t.UpdatedAt.IsZero() {
		t.UpdatedAt = t.CreatedAt
	}
	t.CreatedAt, t.UpdatedAt = Timestamp(t.CreatedAt), Timestamp(t.UpdatedAt)
	return nil
}

// Normalize checks f and returns it with its page normalised.
func (f TestimonyFilter) Normalize() (TestimonyFilter, error) {
	if (f.Field == "") != (f.Index == "") {
		return f, errs.E(errs.Invalid, "a blind-index filter needs both the field and the index")
	}
	if f.Index != "" && !validHash(f.Index) {
		return f, errs.E(errs.Invalid, "blind index %q is not 64 lower-case hex digits", f.Index)
	}
	var err error
	f.Page, err = f.Page.Normalize()
	return f, err
}

// AccessHash returns the chain hash of e after the entry whose hash is
// prev: hex SHA-256 over prev and e's fields, each length-prefixed.
func AccessHash(prev string, e *AccessEntry) string {
	h := sha256.New()
	for _, s := range []string{prev, fmt.Sprint(e.Seq), Timestamp(e.Time).Format(time.RFC3339Nano), e.Actor, e.Action, e.Kind, e.ID, e.Detail} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PrepareAccess validates e and fills in a zero Time.
func PrepareAccess(e *AccessEntry, now time.Time) error {
	if e.Actor == "" || e.Action == "" || len(e.Detail) > 4096 || len(e.Actor)+len(e.Action)+len(e.Kind)+len(e.ID) > 1024 {
		return errs.E(errs.Invalid, "access entry needs an actor and an action, and must be short")
	}
	if e.Time.IsZero() {
		e.Time = now
	}
	e.Time = Timestamp(e.Time)
	return nil
}

// CheckAccessChain checks that entries (consecutive, oldest first, the
// first following the entry whose hash is prev) chain; it returns the
// Seq of the first that does not, or 0.
func CheckAccessChain(prev string, entries []AccessEntry) int64 {
	for i := range entries {
		e := &entries[i]
		if AccessHash(prev, e) != e.Hash {
			return e.Seq
		}
		prev = e.Hash
	}
	return 0
}

// KindIncident is the ledger record kind of an incident.
const KindIncident = "incident"

// IncidentStore is a Store that also keeps incidents: the events of many
// reports linked into one record per thing that happened (package
// incident decides; the store keeps what it decided). The SQLite and
// PostgreSQL stores are both one; it is a union of its own so that Store
// itself does not change.
type IncidentStore interface {
	Store
	Incidents
}

// Incident audit operations, as package incident names them.
const (
	IncidentOpen  = "open"  // Events opened the new incident Incidents[0]
	IncidentLink  = "link"  // Events joined Incidents[0]
	IncidentMerge = "merge" // Incidents[1] was merged into Incidents[0]; Events are the events it moved
	IncidentSplit = "split" // Events left Incidents[0] for Incidents[1] (new, or revived after a merge)
)

// IncidentAudit is one change to the incidents: the unit SaveIncidents
// applies, and the incident log's line.
type IncidentAudit struct {
	Seq       int64 // 1, 2, ... assigned by the store
	Op        string
	Actor     string // "system:linker", "user:ID", "system:cli"
	At        time.Time
	Incidents []string
	Events    []string
	Reason    string // in words: why the events were linked, or the person's reason
	Reverts   int64  // the Seq this change undoes; 0 if none
}

// IncidentEntry is one event of an incident as the candidate index files
// it: under Key, a cell of package incident's index (an opaque number to
// the store), with enough of the event's date and place to rule most
// candidates out without loading the incident.
type IncidentEntry struct {
	EventID    string
	DocumentID string
	IncidentID string // filled in by the store when it reads entries
	Key        int64
	Day        int32 // days since 1970-01-01
	Lat, Lon   float64
	DatePrec   int // 0: no date
	GeoPrec    int // 0: no place
}

// IncidentMember is one event of a stored incident.
type IncidentMember struct {
	IncidentEntry
	Seq   int               // position in the incident; members are kept in Seq order (gaps allowed)
	Event model.StoredEvent // the event as stored (GetIncidents fills it; ListIncidents does not)
}

// Incident is a stored incident. An incident merged into another keeps its
// ID (a revert revives it) but no members.
type Incident struct {
	ID         string
	MergedInto string // "" while the incident stands on its own
	Members    []IncidentMember
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// EventIDs returns the IDs of the incident's events, in order.
func (inc *Incident) EventIDs() []string {
	out := make([]string, len(inc.Members))
	for i, m := range inc.Members {
		out[i] = m.EventID
	}
	return out
}

// LinkedDocument is what linking keeps of a document: who published it,
// of which kind of source, when, and its near-duplicate signature
// (package neardup's MinHash values, little-endian uint32s).
type LinkedDocument struct {
	DocumentID string
	Seq        int64 // the order documents were linked in; assigned by the store
	Outlet     string
	Kind       string // package incident's source kind: local_media, ngo, ...
	Published  string // YYYY-MM-DD or ""
	Signature  []byte
	LinkedAt   time.Time
}

// IncidentChange is what SaveIncidents applies in one transaction.
type IncidentChange struct {
	// Documents are linked for the first time.
	Documents []LinkedDocument
	// Entries file the events that open and link records add to
	// incidents (one per such event); merges and splits move events that
	// are already filed.
	Entries []IncidentEntry
	// Audit is applied in order; the store fills in Seq and a zero At.
	Audit []IncidentAudit
}

// Incidents keeps incidents, the documents linked into them, and the log of
// every change to them. Every change is applied and logged by
// SaveIncidents, in one transaction; when the store keeps a ledger, each
// incident a change touches gets a leaf in that transaction (record kind
// KindIncident: its ID, events in order, merged_into and created_at; op
// create for a new incident, merge for one merged into another, update
// otherwise; the audit line's actor and, as note, its op, Seq and reason).
type Incidents interface {
	// SaveIncidents validates ch and applies it: records the documents,
	// then each audit line in order — open creates Incidents[0] with
	// Events; link appends Events to Incidents[0]; merge moves every event
	// of Incidents[1] (which must be exactly Events) to the end of
	// Incidents[0] and marks it merged; split moves Events (not all) from
	// Incidents[0] to a new Incidents[1], or back to it if it was merged.
	// An event already in an incident, a document already linked or an
	// incident ID already taken fails with errs.Conflict; an unknown
	// incident with errs.NotFound; anything else that does not hold with
	// errs.Invalid. A failed SaveIncidents stores nothing.
	SaveIncidents(ctx context.Context, ch *IncidentChange) error
	// IncidentCandidates returns the entries filed under any of keys.
	IncidentCandidates(ctx context.Context, keys []int64) ([]IncidentEntry, error)
	// GetIncidents returns the incidents with the given IDs, each with its
	// members and their events, in the order asked; unknown IDs are left
	// out.
	GetIncidents(ctx context.Context, ids []string) ([]Incident, error)
	// IncidentOfEvent returns the ID of the incident holding an event, or
	// an error of kind errs.NotFound.
	IncidentOfEvent(ctx context.Context, eventID string) (string, error)
	// ListIncidents returns standing incidents (not merged), most recently
	// changed first, then by ID, with their members' entries but not
	// their events.
	ListIncidents(ctx context.Context, page Page) ([]Incident, error)
	// CountIncidents returns how many standing incidents there are.
	CountIncidents(ctx context.Context) (int, error)
	// LinkedDocuments returns what linking kept of the given documents, in
	// the order they were linked; documents never linked are left out.
	LinkedDocuments(ctx context.Context, ids []string) ([]LinkedDocument, error)
	// UnlinkedDocuments returns up to limit documents that have events but
	// were never linked, oldest publication (or, without one, storage)
	// date first.
	UnlinkedDocuments(ctx context.Context, limit int) ([]string, error)
	// IncidentLog returns the audit lines with Seq > after, oldest first,
	// at most limit (0: DefaultLimit); with incidentID, only the lines
	// that name it.
	IncidentLog(ctx context.Context, incidentID string, after int64, limit int) ([]IncidentAudit, error)
}

// Limits on incident changes, the same in every store.
const (
	MaxIncidentReason = 4096   // bytes of an audit line's reason
	MaxSignature      = 4096   // bytes of a near-duplicate signature
	MaxChangeEvents   = 100000 // events named by one audit line
)

// PrepareIncidentChange validates ch and fills in zero times: documents'
// LinkedAt and audit lines' At with now.
func PrepareIncidentChange(ch *IncidentChange, now time.Time) error {
	now = Timestamp(now)
	shortID := func(id string) bool { return id != "" && len(id) <= 128 && utf8.ValidString(id) }
	for i := range ch.Documents {
		d := &ch.Documents[i]
		switch {
		case !blob.ValidSum(d.DocumentID):
			return errs.E(errs.Invalid, "linked document %q is not a SHA-256 in lower-case hex", d.DocumentID)
		case len(d.Outlet) > 200 || !utf8.ValidString(d.Outlet):
			return errs.E(errs.Invalid, "linked document %s: outlet is over 200 bytes or not UTF-8", d.DocumentID)
		case !isName(d.Kind):
			return errs.E(errs.Invalid, "linked document %s: source kind %q is not [a-z_]{1,32}", d.DocumentID, d.Kind)
		case d.Published != "" && !validDate(d.Published):
			return errs.E(errs.Invalid, "linked document %s: published %q is not YYYY-MM-DD", d.DocumentID, d.Published)
		case len(d.Signature) > MaxSignature || len(d.Signature)%4 != 0:
			return errs.E(errs.Invalid, "linked document %s: signature of %d bytes (a multiple of 4, at most %d)", d.DocumentID, len(d.Signature), MaxSignature)
		}
		if d.LinkedAt.IsZero() {
			d.LinkedAt = now
		}
		d.LinkedAt = Timestamp(d.LinkedAt)
	}
	for _, e := range ch.Entries {
		switch {
		case !shortID(e.EventID) || !blob.ValidSum(e.DocumentID):
			return errs.E(errs.Invalid, "incident entry for event %q (document %q): bad ID", e.EventID, e.DocumentID)
		case e.DatePrec < 0 || e.DatePrec > 3 || e.GeoPrec < 0 || e.GeoPrec > 3:
			return errs.E(errs.Invalid, "incident entry for event %s: precisions %d/%d out of 0..3", e.EventID, e.DatePrec, e.GeoPrec)
		case math.IsNaN(e.Lat) || math.IsNaN(e.Lon) || math.Abs(e.Lat) > 90 || math.Abs(e.Lon) > 180:
			return errs.E(errs.Invalid, "incident entry for event %s: coordinates %v, %v", e.EventID, e.Lat, e.Lon)
		}
	}
	for i := range ch.Audit {
		a := &ch.Audit[i]
		want := 2
		switch a.Op {
		case IncidentOpen, IncidentLink:
			want = 1
		case IncidentMerge, IncidentSplit:
		default:
			return errs.E(errs.Invalid, "incident change: unknown op %q", a.Op)
		}
		switch {
		case len(a.Incidents) != want:
			return errs.E(errs.Invalid, "incident %s names %d incidents, want %d", a.Op, len(a.Incidents), want)
		case want == 2 && a.Incidents[0] == a.Incidents[1]:
			return errs.E(errs.Invalid, "incident %s of %s with itself", a.Op, a.Incidents[0])
		case len(a.Events) == 0 || len(a.Events) > MaxChangeEvents:
			return errs.E(errs.Invalid, "incident %s names %d events (1 to %d)", a.Op, len(a.Events), MaxChangeEvents)
		case a.Actor == "" || len(a.Actor) > 200 || !utf8.ValidString(a.Actor):
			return errs.E(errs.Invalid, "incident %s: actor %q is empty, over 200 bytes or not UTF-8", a.Op, a.Actor)
		case len(a.Reason) > MaxIncidentReason || !utf8.ValidString(a.Reason):
			return errs.E(errs.Invalid, "incident %s: reason is over %d bytes or not UTF-8", a.Op, MaxIncidentReason)
		case a.Reverts < 0:
			return errs.E(errs.Invalid, "incident %s: reverts %d", a.Op, a.Reverts)
		}
		for _, id := range a.Incidents {
			if !shortID(id) {
				return errs.E(errs.Invalid, "incident %s: incident ID %q is empty or over 128 bytes", a.Op, id)
			}
		}
		seen := make(map[string]bool, len(a.Events))
		for _, id := range a.Events {
			if !shortID(id) || seen[id] {
				return errs.E(errs.Invalid, "incident %s: event ID %q is empty, over 128 bytes or named twice", a.Op, id)
			}
			seen[id] = true
		}
		if a.At.IsZero() {
			a.At = now
		}
		a.At = Timestamp(a.At)
	}
	return nil
}

// isName reports whether s is [a-z_]{1,32}.
func isName(s string) bool {
	return s != "" && len(s) <= 32 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz_") == ""
}
