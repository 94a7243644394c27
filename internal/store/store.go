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
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"

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
