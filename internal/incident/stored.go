package incident

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/neardup"
	"github.com/vigil-hr/vigil/internal/store"
)

// ActorLinker is the actor of the changes the Linker makes on its own, as
// stores and the ledger name it.
const ActorLinker = "system:linker"

// Int64 packs a key into one number, the form stores file entries under:
// the level in bits 60-61, the date bucket's low 28 bits (two's
// complement; every bucket of a date from year 0 to 9999 fits) in bits
// 32-59 and the cell in bits 0-31. Distinct keys give distinct numbers.
func (k Key) Int64() int64 {
	return int64(k.Level)<<60 | int64(uint32(k.Bucket)&(1<<28-1))<<32 | int64(uint32(k.Cell))
}

// Stored links the reports a store keeps into the incidents it keeps
// (store.Incidents), incrementally: for each report it loads from the
// store only the incidents filed near its events, decides with a Linker,
// and saves the decisions, the report's near-duplicate signature and the
// audit lines in one transaction (which, in a store with a ledger, also
// logs every incident touched).
//
// A Stored keeps the incidents it has loaded or changed in memory, so a
// long run does not read them twice; it assumes it is the only writer of
// incidents meanwhile (run one linking process at a time). When a save
// fails the memory is dropped, so it never gets ahead of the store. A
// Stored is safe for concurrent use; calls are applied one at a time.
type Stored struct {
	st  store.IncidentStore
	cfg Config

	mu sync.Mutex // held by each change
	l  *Linker
}

// NewStored returns a Stored over st. A zero cfg.NewID names incidents
// "inc-" and 16 random hex digits, so that runs never reuse a name.
func NewStored(st store.IncidentStore, cfg Config) (*Stored, error) {
	if cfg.NewID == nil {
		cfg.NewID = func(int) string { return "inc-" + store.NewID()[:16] }
	}
	s := &Stored{st: st, cfg: cfg}
	if err := s.reset(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stored) reset() error {
	l, err := New(s.cfg, nil)
	if err != nil {
		return err
	}
	s.l = l
	return nil
}

// LinkStored links one stored document's events into the store's
// incidents (see Stored.LinkDocuments): the call to make after a
// successful ingest so a new report is linked at once. A document already
// linked, or without events, costs one lookup and changes nothing beyond
// recording it.
func LinkStored(ctx context.Context, st store.IncidentStore, documentID string) ([]Decision, error) {
	s, err := NewStored(st, Config{})
	if err != nil {
		return nil, err
	}
	return s.LinkDocuments(ctx, []string{documentID})
}

// LinkDocuments links the events of the given stored documents, in order,
// and saves everything in one transaction. For each document it takes its
// newest report's events, and the outlet (the document's source), source
// kind (GuessKind of the outlet) and publication date. Documents already
// linked are skipped. It returns the decisions, in order.
func (s *Stored) LinkDocuments(ctx context.Context, ids []string) (_ []Decision, err error) {
	defer errs.Wrap(&err, "linking")
	s.mu.Lock()
	defer s.mu.Unlock()
	linked, err := s.st.LinkedDocuments(ctx, ids)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, d := range linked {
		done[d.DocumentID] = true
	}
	type input struct {
		r      Report
		events []model.Event
	}
	var inputs []input
	for _, id := range ids {
		if done[id] {
			continue
		}
		done[id] = true
		doc, err := s.st.GetDocument(ctx, id)
		if err != nil {
			return nil, err
		}
		reps, err := s.st.ReportsForDocument(ctx, id)
		if err != nil {
			return nil, err
		}
		var events []model.Event
		if len(reps) > 0 {
			events = reps[len(reps)-1].Events
		}
		r := Report{DocumentID: doc.ID, Outlet: doc.Source, Kind: GuessKind(doc.Source), Text: doc.Text}
		if doc.Published != nil {
			r.Published = doc.Published.UTC().Format(time.DateOnly)
		}
		inputs = append(inputs, input{r, events})
	}
	if len(inputs) == 0 {
		return nil, nil
	}

	// Load the incidents filed near any of the events.
	var keys []Key
	var feats []features
	for _, in := range inputs {
		info := &ReportInfo{DocumentID: in.r.DocumentID, Published: in.r.Published}
		for i := range in.events {
			f := featuresOf(&in.events[i], info)
			feats = append(feats, f)
			keys = queryKeys(keys, &f)
		}
	}
	if err := s.loadNear(ctx, keys, feats); err != nil {
		return nil, err
	}

	s.l.mu.Lock()
	n0 := len(s.l.log)
	s.l.mu.Unlock()
	ch := &store.IncidentChange{}
	var out []Decision
	signer := s.l.dup.Signer()
	for _, in := range inputs {
		ds, err := s.l.AddReport(in.r, in.events)
		if err != nil {
			s.reset()
			return nil, err
		}
		out = append(out, ds...)
		ch.Documents = append(ch.Documents, store.LinkedDocument{DocumentID: in.r.DocumentID, Outlet: in.r.Outlet,
			Kind: string(in.r.Kind), Published: in.r.Published, Signature: encodeSignature(signer.Sign(in.r.Text))})
		for _, d := range ds {
			e, err := s.entry(d.EventID)
			if err != nil {
				s.reset()
				return nil, err
			}
			ch.Entries = append(ch.Entries, e)
		}
	}
	if err := s.save(ctx, ch, n0); err != nil {
		return nil, err
	}
	return out, nil
}

// save appends the Linker's audit records from n0 on to ch and saves it;
// on failure the Linker is dropped.
func (s *Stored) save(ctx context.Context, ch *store.IncidentChange, n0 int) error {
	s.l.mu.Lock()
	for _, a := range s.l.log[n0:] {
		ch.Audit = append(ch.Audit, storeAudit(a))
	}
	s.l.mu.Unlock()
	if err := s.st.SaveIncidents(ctx, ch); err != nil {
		s.reset()
		return err
	}
	return nil
}

func storeAudit(a Audit) store.IncidentAudit {
	actor := a.Actor
	if actor == "linker" {
		actor = ActorLinker
	}
	return store.IncidentAudit{Op: a.Op, Actor: actor, At: a.At, Incidents: slices.Clone(a.Incidents),
		Events: slices.Clone(a.Events), Reason: a.Reason, Reverts: int64(a.Reverts)}
}

// entry is how the store files a linked event.
func (s *Stored) entry(eventID string) (store.IncidentEntry, error) {
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	inc := s.l.byEvent[eventID]
	if inc == nil {
		return store.IncidentEntry{}, fmt.Errorf("event %s was not linked", eventID)
	}
	for _, m := range inc.Members {
		if m.EventID == eventID {
			e := entryOf(inc.ID, &m.f)
			return store.IncidentEntry{EventID: eventID, DocumentID: m.Report.DocumentID, Key: e.Key.Int64(), Day: e.Day,
				Lat: float64(e.Lat), Lon: float64(e.Lon), DatePrec: int(e.DatePrec), GeoPrec: int(e.GeoPrec)}, nil
		}
	}
	return store.IncidentEntry{}, fmt.Errorf("event %s is not in %s", eventID, inc.ID)
}

// loadNear loads into the Linker every stored incident filed under keys
// with an entry that may match one of feats.
func (s *Stored) loadNear(ctx context.Context, keys []Key, feats []features) error {
	ints := make([]int64, 0, len(keys))
	for _, k := range keys {
		ints = append(ints, k.Int64())
	}
	slices.Sort(ints)
	ints = slices.Compact(ints)
	entries, err := s.st.IncidentCandidates(ctx, ints)
	if err != nil {
		return err
	}
	var ids []string
	seen := map[string]bool{}
	s.l.mu.Lock()
	for _, se := range entries {
		if seen[se.IncidentID] || s.l.incidents[se.IncidentID] != nil {
			continue
		}
		e := Entry{ID: se.IncidentID, Day: se.Day, Lat: float32(se.Lat), Lon: float32(se.Lon),
			DatePrec: uint8(se.DatePrec), GeoPrec: uint8(se.GeoPrec)}
		for i := range feats {
			if mayMatch(&feats[i], &e) {
				ids = append(ids, se.IncidentID)
				seen[se.IncidentID] = true
				break
			}
		}
	}
	s.l.mu.Unlock()
	return s.load(ctx, ids)
}

// load reads the given incidents from the store and restores those the
// Linker lacks (merged ones have nothing to restore).
func (s *Stored) load(ctx context.Context, ids []string) error {
	s.l.mu.Lock()
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return s.l.incidents[id] != nil })
	s.l.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	incs, err := s.st.GetIncidents(ctx, ids)
	if err != nil {
		return err
	}
	var docs []string
	for _, inc := range incs {
		for _, m := range inc.Members {
			docs = append(docs, m.DocumentID)
		}
	}
	slices.Sort(docs)
	linked, err := s.st.LinkedDocuments(ctx, slices.Compact(docs))
	if err != nil {
		return err
	}
	infos := make(map[string]*ReportInfo, len(linked))
	for _, d := range linked {
		infos[d.DocumentID] = &ReportInfo{DocumentID: d.DocumentID, Outlet: d.Outlet, Kind: SourceKind(d.Kind), Published: d.Published}
	}
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	for _, inc := range incs {
		if inc.MergedInto != "" || len(inc.Members) == 0 {
			continue
		}
		if err := s.l.restoreMembers(inc, infos); err != nil {
			return err
		}
	}
	return nil
}

// restoreMembers puts a stored incident back, its members in order; the
// caller holds l.mu. A document without linking info gets a bare one.
func (l *Linker) restoreMembers(inc store.Incident, infos map[string]*ReportInfo) error {
	if l.incidents[inc.ID] != nil {
		return nil
	}
	for _, m := range inc.Members {
		if l.byEvent[m.EventID] != nil {
			return errs.E(errs.Conflict, "incident: restore %s: event %s is already in %s", inc.ID, m.EventID, l.byEvent[m.EventID].ID)
		}
	}
	x := &Incident{ID: inc.ID}
	l.incidents[inc.ID] = x
	for i := range inc.Members {
		m := &inc.Members[i]
		info := l.byDoc[m.DocumentID]
		if info == nil {
			info = infos[m.DocumentID]
			if info == nil {
				info = &ReportInfo{DocumentID: m.DocumentID, Kind: KindLocalMedia}
			}
			l.byDoc[m.DocumentID] = info
		}
		ev := &m.Event.Event
		l.addMember(x, &Member{EventID: m.EventID, Event: ev, Report: info, f: featuresOf(ev, info)})
	}
	return nil
}

// Merge merges incident from into incident into, in the store, as
// Linker.Merge does; actor and reason are logged.
func (s *Stored) Merge(ctx context.Context, into, from, actor, reason string) (_ store.IncidentAudit, err error) {
	defer errs.Wrap(&err, "merging %s into %s", from, into)
	return s.change(ctx, []string{into, from}, func() (Audit, error) { return s.l.Merge(into, from, actor, reason) })
}

// Split moves events out of incident from into a new incident, in the
// store, as Linker.Split does. The new incident is the record's
// Incidents[1].
func (s *Stored) Split(ctx context.Context, from string, events []string, actor, reason string) (_ store.IncidentAudit, err error) {
	defer errs.Wrap(&err, "splitting %s", from)
	return s.change(ctx, []string{from}, func() (Audit, error) { return s.l.Split(from, events, actor, reason) })
}

// Revert undoes the merge or split logged as seq, as Linker.Revert does:
// a merge by splitting the moved events back out under the merged
// incident's ID, a split by merging the new incident back.
func (s *Stored) Revert(ctx context.Context, seq int64, actor, reason string) (_ store.IncidentAudit, err error) {
	defer errs.Wrap(&err, "reverting #%d", seq)
	if seq < 1 {
		return store.IncidentAudit{}, errs.E(errs.NotFound, "no incident change #%d", seq)
	}
	lines, err := s.st.IncidentLog(ctx, "", seq-1, 1)
	if err != nil {
		return store.IncidentAudit{}, err
	}
	if len(lines) == 0 || lines[0].Seq != seq {
		return store.IncidentAudit{}, errs.E(errs.NotFound, "no incident change #%d", seq)
	}
	r := lines[0]
	why := fmt.Sprintf("reverts #%d", seq)
	if reason != "" {
		why += ": " + reason
	}
	switch r.Op {
	case store.IncidentMerge:
		return s.change(ctx, r.Incidents[:1], func() (Audit, error) {
			s.l.mu.Lock()
			defer s.l.mu.Unlock()
			return s.l.split(r.Incidents[0], r.Incidents[1], r.Events, actor, why, int(seq))
		})
	case store.IncidentSplit:
		return s.change(ctx, r.Incidents, func() (Audit, error) {
			s.l.mu.Lock()
			defer s.l.mu.Unlock()
			return s.l.merge(r.Incidents[0], r.Incidents[1], actor, why, int(seq))
		})
	}
	return store.IncidentAudit{}, errs.E(errs.Invalid, "change #%d (%s) cannot be reverted; split the event out instead", seq, r.Op)
}

// change loads the incidents, runs fn on the Linker and saves the one
// record it makes.
func (s *Stored) change(ctx context.Context, load []string, fn func() (Audit, error)) (store.IncidentAudit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(ctx, load); err != nil {
		return store.IncidentAudit{}, err
	}
	s.l.mu.Lock()
	n0 := len(s.l.log)
	s.l.mu.Unlock()
	a, err := fn()
	if err != nil {
		return store.IncidentAudit{}, err
	}
	ch := &store.IncidentChange{}
	if err := s.save(ctx, ch, n0); err != nil {
		return store.IncidentAudit{}, err
	}
	if len(ch.Audit) != 1 || ch.Audit[0].Op != a.Op {
		return store.IncidentAudit{}, fmt.Errorf("one change made %d records", len(ch.Audit))
	}
	return ch.Audit[0], nil
}

// Summarize returns a stored incident's summary (Linker.Summarize): its
// reports' texts are read again for quotations and denials, and their
// stored signatures group near-duplicates. An incident merged into
// another fails with errs.NotFound naming it.
func (s *Stored) Summarize(ctx context.Context, id string) (_ Summary, err error) {
	defer errs.Wrap(&err, "summarising %s", id)
	return SummarizeStored(ctx, s.st, id, s.cfg)
}

// SummarizeStored is Stored.Summarize without a Stored.
func SummarizeStored(ctx context.Context, st store.IncidentStore, id string, cfg Config) (Summary, error) {
	incs, err := st.GetIncidents(ctx, []string{id})
	if err != nil {
		return Summary{}, err
	}
	if len(incs) == 0 {
		return Summary{}, errs.E(errs.NotFound, "incident %s not found", id)
	}
	inc := incs[0]
	if inc.MergedInto != "" {
		return Summary{}, errs.E(errs.NotFound, "incident %s was merged into %s", id, inc.MergedInto)
	}
	var docs []string
	byDoc := map[string][]model.Event{}
	for _, m := range inc.Members {
		if _, ok := byDoc[m.DocumentID]; !ok {
			docs = append(docs, m.DocumentID)
		}
		byDoc[m.DocumentID] = append(byDoc[m.DocumentID], m.Event.Event)
	}
	linked, err := st.LinkedDocuments(ctx, docs)
	if err != nil {
		return Summary{}, err
	}
	l, err := New(cfg, nil)
	if err != nil {
		return Summary{}, err
	}
	infos := map[string]*ReportInfo{}
	for _, d := range linked { // in linking order, so near-duplicate groups form as they did
		doc, err := st.GetDocument(ctx, d.DocumentID)
		if err != nil {
			return Summary{}, err
		}
		sig, err := decodeSignature(d.Signature)
		if err != nil {
			return Summary{}, fmt.Errorf("document %s: %w", d.DocumentID, err)
		}
		if _, err := l.dup.AddSignature(d.DocumentID, sig); err != nil {
			return Summary{}, err
		}
		infos[d.DocumentID] = analyse(Report{DocumentID: d.DocumentID, Outlet: d.Outlet, Kind: SourceKind(d.Kind),
			Published: d.Published, Text: doc.Text}, byDoc[d.DocumentID])
	}
	l.mu.Lock()
	err = l.restoreMembers(inc, infos)
	l.mu.Unlock()
	if err != nil {
		return Summary{}, err
	}
	return l.Summarize(id)
}

// encodeSignature is how a signature is stored: little-endian uint32s.
func encodeSignature(sig neardup.Signature) []byte {
	out := make([]byte, 4*len(sig))
	for i, v := range sig {
		binary.LittleEndian.PutUint32(out[4*i:], v)
	}
	return out
}

func decodeSignature(b []byte) (neardup.Signature, error) {
	if len(b)%4 != 0 {
		return nil, errs.E(errs.Invalid, "stored signature of %d bytes", len(b))
	}
	if len(b) == 0 {
		return nil, nil
	}
	sig := make(neardup.Signature, len(b)/4)
	for i := range sig {
		sig[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return sig, nil
}

// GuessKind guesses a source's kind from its name, for documents stored
// with only an outlet's name: wire services and outlets that say they are
// international are international media; rights groups and humanitarian
// organisations NGOs; governments, armies and UN missions official;
// anything else local media. It is a guess: names it does not know are
// local media.
func GuessKind(outlet string) SourceKind {
	f := " " + strings.Join(neardup.Words(outlet, 40), " ") + " "
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(f, " "+w+" ") {
				return true
			}
		}
		return false
	}
	switch {
	case strings.TrimSpace(f) == "":
		return KindLocalMedia
	case has("witness", "witnesses", "temoin", "temoins", "resident", "residents", "habitant", "habitants"):
		return KindWitness
	case has("rights watch", "human rights", "amnesty", "droits de l homme", "droits humains", "msf", "medecins sans frontieres",
		"doctors without borders", "icrc", "cicr", "red cross", "croix rouge", "ngo", "ong", "acled", "crisis group", "save the children", "nrc"):
		return KindNGO
	case has("minusma", "ocha", "unhcr", "hcr", "united nations", "nations unies", "un", "onu", "ministry", "ministere", "government",
		"gouvernement", "army", "armee", "fama", "etat major", "police", "gendarmerie", "governor", "gouverneur", "presidency", "presidence"):
		return KindOfficial
	case has("afp", "reuters", "ap", "associated press", "nan", "rfi", "bbc", "france 24", "al jazeera", "voa", "dw", "international",
		"internationale", "jeune afrique", "le monde", "the guardian", "new york times"):
		return KindIntlMedia
	}
	return KindLocalMedia
}
