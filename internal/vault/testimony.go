package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

// Protected holds a testimony's protected fields in clear. Only Keys.Open
// fills it, and only the service's Reveal, which logs the read, calls it
// for a person.
type Protected struct {
	WitnessName    string `json:"witness_name,omitempty"`
	WitnessContact string `json:"witness_contact,omitempty"`
	Location       string `json:"location,omitempty"` // exact place: village, coordinates, directions
	Notes          string `json:"protected_notes,omitempty"`
}

// fields lists the protected fields by name, with pointers into p.
func (p *Protected) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{FieldLocation, &p.Location},
		{FieldNotes, &p.Notes},
		{FieldWitnessContact, &p.WitnessContact},
		{FieldWitnessName, &p.WitnessName},
	}
}

// IsZero reports whether no protected field is set.
func (p Protected) IsZero() bool { return p == Protected{} }

// Testimony is a witness statement in clear: what `vigil testimony add`
// reads and what the service returns. Its JSON is the input format of
// `vigil testimony add` (a JSON object on stdin).
type Testimony struct {
	ID          string    `json:"id,omitempty"`
	Statement   string    `json:"statement"`
	Lang        string    `json:"lang,omitempty"`
	Sensitive   bool      `json:"sensitive,omitempty"`
	Country     string    `json:"country,omitempty"` // ISO 3166-1 alpha-3
	Admin1      string    `json:"admin1,omitempty"`
	Admin2      string    `json:"admin2,omitempty"`
	TakenOn     string    `json:"taken_on,omitempty"` // YYYY-MM-DD
	Notes       string    `json:"notes,omitempty"`    // unprotected notes
	DocumentIDs []string  `json:"documents,omitempty"`
	EventIDs    []string  `json:"events,omitempty"`
	Protected   Protected `json:"protected"`
	// HasProtected names the protected fields the testimony holds, also
	// when they are not revealed.
	HasProtected []string  `json:"has_protected,omitempty"`
	CreatedBy    string    `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// Seal turns a testimony in clear into its stored form: each protected
// field set is encrypted on its own, indexed fields get their blind index.
func (k *Keys) Seal(t *Testimony) (*store.Testimony, error) {
	st := &store.Testimony{
		ID: t.ID, Statement: t.Statement, Lang: t.Lang, Sensitive: t.Sensitive,
		Country: strings.ToUpper(t.Country), Admin1: t.Admin1, Admin2: t.Admin2, TakenOn: t.TakenOn, Notes: t.Notes,
		DocumentIDs: slices.Clone(t.DocumentIDs), EventIDs: slices.Clone(t.EventIDs),
		CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, KeyID: k.ID(),
	}
	p := t.Protected
	for _, f := range p.fields() {
		if strings.TrimSpace(*f.v) == "" {
			continue
		}
		if len(*f.v) > MaxPlaintext {
			return nil, errs.E(errs.Invalid, "protected field %s is over %d bytes", f.name, MaxPlaintext)
		}
		ct, err := k.seal([]byte(*f.v))
		if err != nil {
			return nil, err
		}
		sf := store.SealedField{Name: f.name, Ciphertext: ct}
		if indexed[f.name] {
			sf.Index = k.BlindIndex(f.name, *f.v)
		}
		st.Protected = append(st.Protected, sf)
	}
	return st, nil
}

// Clear returns a stored testimony's clear fields; Protected is left
// empty, HasProtected names the sealed fields. It decrypts nothing.
func Clear(st *store.Testimony) *Testimony {
	t := &Testimony{
		ID: st.ID, Statement: st.Statement, Lang: st.Lang, Sensitive: st.Sensitive,
		Country: st.Country, Admin1: st.Admin1, Admin2: st.Admin2, TakenOn: st.TakenOn, Notes: st.Notes,
		DocumentIDs: slices.Clone(st.DocumentIDs), EventIDs: slices.Clone(st.EventIDs),
		CreatedBy: st.CreatedBy, CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt,
	}
	for _, f := range st.Protected {
		t.HasProtected = append(t.HasProtected, f.Name)
	}
	return t
}

// Open returns a stored testimony with its protected fields decrypted.
// Callers that act for a person go through Service.Reveal, which logs it.
func (k *Keys) Open(st *store.Testimony) (*Testimony, error) {
	t := Clear(st)
	for _, sf := range st.Protected {
		pt, err := k.open(sf.Ciphertext)
		if err != nil {
			return nil, errs.E(errs.KindOf(err), "testimony %s field %s: %v", st.ID, sf.Name, err)
		}
		set := false
		for _, f := range t.Protected.fields() {
			if f.name == sf.Name {
				*f.v, set = string(pt), true
			}
		}
		if !set {
			return nil, errs.E(errs.Invalid, "testimony %s: unknown protected field %q", st.ID, sf.Name)
		}
	}
	return t, nil
}

// TestimonyRecord returns the record the ledger commits a testimony to.
// Its protected fields appear only as the SHA-256 of their ciphertexts
// and their blind indexes: never as plaintext, nor as a digest of
// plaintext, which could be checked against a list of names. Re-wrapping
// changes the ciphertexts, so a rotation is logged as an update.
func TestimonyRecord(t *store.Testimony) (ledger.Record, error) {
	val := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			panic("vault: encoding a plain value: " + err.Error())
		}
		return b
	}
	protected := map[string]string{}
	for _, f := range t.Protected {
		sum := sha256.Sum256(f.Ciphertext)
		protected[f.Name] = hex.EncodeToString(sum[:])
		if f.Index != "" {
			protected[f.Name+"_index"] = f.Index
		}
	}
	docs, evs := t.DocumentIDs, t.EventIDs
	if docs == nil {
		docs = []string{}
	}
	if evs == nil {
		evs = []string{}
	}
	return ledger.NewRecord(store.KindTestimony, t.ID, map[string]json.RawMessage{
		"id":         val(t.ID),
		"statement":  val(t.Statement),
		"lang":       val(t.Lang),
		"sensitive":  val(t.Sensitive),
		"country":    val(t.Country),
		"admin1":     val(t.Admin1),
		"admin2":     val(t.Admin2),
		"taken_on":   val(t.TakenOn),
		"notes":      val(t.Notes),
		"documents":  val(docs),
		"events":     val(evs),
		"protected":  val(protected),
		"key_id":     val(t.KeyID),
		"created_by": val(t.CreatedBy),
		"created_at": val(ledger.FormatTime(t.CreatedAt)),
	})
}

// TestimonyStore is what the service needs of a store.
type TestimonyStore interface {
	store.Testimonies
	store.AccessLog
}

// Service is testimony intake and retrieval over a store and the vault's
// keys. Reading a protected field is always logged first: if the log
// cannot be written, nothing is decrypted.
type Service struct {
	Store TestimonyStore
	Keys  *Keys
	Now   func() time.Time // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// AddResult says what Add stored.
type AddResult struct {
	ID string `json:"id"`
	// SameWitness lists the stored testimonies whose witness name or
	// contact has the same blind index: probably the same person.
	SameWitness []string `json:"same_witness"`
}

// Add seals and stores a testimony; actor is who adds it (user:ID or
// system:cli), recorded in the ledger.
func (s *Service) Add(ctx context.Context, t *Testimony, actor string) (_ AddResult, err error) {
	defer errs.Wrap(&err, "adding testimony")
	st, err := s.Keys.Seal(t)
	if err != nil {
		return AddResult{}, err
	}
	st.CreatedBy = actor
	res := AddResult{SameWitness: []string{}}
	seen := map[string]bool{}
	for _, f := range st.Protected {
		if f.Index == "" {
			continue
		}
		for after := 0; ; after += store.MaxLimit {
			same, err := s.Store.ListTestimonies(ctx, store.TestimonyFilter{Field: f.Name, Index: f.Index, Page: store.Page{Limit: store.MaxLimit, Offset: after}})
			if err != nil {
				return AddResult{}, err
			}
			for _, o := range same {
				if !seen[o.ID] {
					seen[o.ID] = true
					res.SameWitness = append(res.SameWitness, o.ID)
				}
			}
			if len(same) < store.MaxLimit {
				break
			}
		}
	}
	slices.Sort(res.SameWitness)
	if err := s.Store.AddTestimony(ctx, st, actor); err != nil {
		return AddResult{}, err
	}
	res.ID = st.ID
	return res, nil
}

// Get returns a testimony's clear fields, without decrypting anything.
func (s *Service) Get(ctx context.Context, id string) (*Testimony, error) {
	st, err := s.Store.GetTestimony(ctx, id)
	if err != nil {
		return nil, err
	}
	return Clear(st), nil
}

// Access log actions written by the service.
const (
	ActionReadProtected   = "read_protected"
	ActionLookupProtected = "lookup_protected"
)

// Reveal returns a testimony with its protected fields decrypted, for
// reader (user:ID or system:cli), after logging the read. Whether reader
// may see them is the caller's decision (auth's policy); Reveal only makes
// sure it is on record.
func (s *Service) Reveal(ctx context.Context, reader, id string) (_ *Testimony, err error) {
	defer errs.Wrap(&err, "revealing testimony %s", id)
	st, err := s.Store.GetTestimony(ctx, id)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(st.Protected))
	for _, f := range st.Protected {
		names = append(names, f.Name)
	}
	if err := s.Store.AppendAccess(ctx, &store.AccessEntry{Time: s.now(), Actor: reader, Action: ActionReadProtected,
		Kind: store.KindTestimony, ID: id, Detail: strings.Join(names, ",")}); err != nil {
		return nil, errs.E(errs.Unavailable, "the read could not be logged, so nothing was decrypted: %v", err)
	}
	return s.Keys.Open(st)
}

// FindWitness returns the IDs of the testimonies whose protected field
// (witness_name or witness_contact) matches value after normalisation. It
// decrypts nothing but tells whether someone testified, so it is logged
// like a read.
func (s *Service) FindWitness(ctx context.Context, reader, field, value string) (_ []string, err error) {
	defer errs.Wrap(&err, "finding witness by %s", field)
	if !indexed[field] {
		return nil, errs.E(errs.Invalid, "field %q has no blind index (witness_name, witness_contact do)", field)
	}
	ix := s.Keys.BlindIndex(field, value)
	if ix == "" {
		return nil, errs.E(errs.Invalid, "empty %s", field)
	}
	if err := s.Store.AppendAccess(ctx, &store.AccessEntry{Time: s.now(), Actor: reader, Action: ActionLookupProtected,
		Kind: store.KindTestimony, Detail: field}); err != nil {
		return nil, errs.E(errs.Unavailable, "the lookup could not be logged: %v", err)
	}
	ts, err := s.Store.ListTestimonies(ctx, store.TestimonyFilter{Field: field, Index: ix, Page: store.Page{Limit: store.MaxLimit}})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID
	}
	return ids, nil
}
