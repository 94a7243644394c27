// Package incident links the events extracted from many reports into
// incidents: one incident per thing that happened, however many outlets
// reported it. It is pure and store-independent: a Linker holds incidents in
// memory behind an Index for candidate lookup, and every decision it takes
// is explained in words and kept in an audit log.
//
// For each new event the Linker looks up the incidents near it in time and
// space (Index), scores each on place (distance and admin unit, with a
// tolerance set by geo_precision), date (a window set by date_precision),
// sub-event type (same type, or a pair known to describe one raid from two
// angles) and actors, and joins the best one above Config.Threshold; when
// none qualifies it opens a new incident. Merge and Split correct it, and
// Revert undoes either; each is an audit record.
//
// An incident's Summary counts its independent sources (reports sharing an
// origin — near-duplicate text, the same wire story, the same quoted
// witness or agency — count once), grades its corroboration, and keeps every
// reported figure per source with the range and the value chosen by ACLED's
// rule (the lowest credible report unless a higher one is better
// corroborated).
package incident

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/neardup"
)

// SourceKind is what kind of source published a report.
type SourceKind string

// Source kinds, after the list.
const (
	KindWitness     SourceKind = "witness"             // a witness's own account
	KindLocalMedia  SourceKind = "local_media"         // a local or national outlet
	KindIntlMedia   SourceKind = "international_media" // a wire service or foreign outlet
	KindNGO         SourceKind = "ngo"                 // a rights group or humanitarian organisation
	KindOfficial    SourceKind = "official"            // a government, army or UN statement
	KindPerpetrator SourceKind = "perpetrator"         // a claim by the group that did it
	KindOther       SourceKind = "other"
)

// Kinds lists every SourceKind.
var Kinds = []SourceKind{KindWitness, KindLocalMedia, KindIntlMedia, KindNGO, KindOfficial, KindPerpetrator, KindOther}

// Valid reports whether k is one of Kinds.
func (k SourceKind) Valid() bool { return slices.Contains(Kinds, k) }

// Report is one document and who published it: what the Linker needs to
// know about a report beyond its events.
type Report struct {
	DocumentID string     // the document's ID (its SHA-256 in the store)
	Outlet     string     // who published it ("Sahel Wire"); may be empty
	Kind       SourceKind // empty means KindLocalMedia
	Published  string     // YYYY-MM-DD; stands in for a missing event date
	Text       string     // the document's text: near-duplicates, quotes, denials
}

// Member is one event of one report, as an incident holds it.
type Member struct {
	EventID string
	Event   *model.Event
	Report  *ReportInfo
	f       features
}

// ReportInfo is what the Linker keeps of a report: its metadata and what it
// found in its text.
type ReportInfo struct {
	DocumentID string
	Outlet     string
	Kind       SourceKind
	Published  string
	Wires      []string // wire services whose story it carries
	Agency     string   // the one organisation it relays, if it relays only one
	Quotes     []uint64 // hashes of 5-word runs inside its quotations
	Denial     string   // the words of a denial it reports, if any
}

// Incident is a set of events (from one or more reports) about one thing
// that happened.
type Incident struct {
	ID      string
	Members []*Member
	keys    []Key
	gen     uint64 // the last link that scored it
}

// Documents returns the IDs of the incident's documents, in linking order.
func (inc *Incident) Documents() []string {
	var out []string
	for _, m := range inc.Members {
		if !slices.Contains(out, m.Report.DocumentID) {
			out = append(out, m.Report.DocumentID)
		}
	}
	return out
}

// EventIDs returns the IDs of the incident's events, in linking order.
func (inc *Incident) EventIDs() []string {
	out := make([]string, len(inc.Members))
	for i, m := range inc.Members {
		out[i] = m.EventID
	}
	return out
}

// Config tunes the Linker. The zero Config means DefaultConfig.
type Config struct {
	// Threshold is the least score (0..1) at which an event joins an incident.
	Threshold float64
	// MaxCompare caps how many of an incident's events a new event is
	// compared with (the latest ones); large incidents stay cheap.
	MaxCompare int
	// Dup configures near-duplicate detection.
	Dup neardup.Config
	// Now is the clock for audit records; nil means time.Now.
	Now func() time.Time
	// NewID names new incidents; nil means "inc-" and a counter.
	NewID func(n int) string
}

// DefaultConfig is what the team's linking set was tuned with.
var DefaultConfig = Config{Threshold: 0.55, MaxCompare: 32}

// Decision says what the Linker did with one event, and why.
type Decision struct {
	EventID    string
	DocumentID string
	IncidentID string
	Opened     bool    // true: no incident qualified, a new one was opened
	Score      float64 // the joined incident's score; 0 when opened
	Why        string  // in words: "same place (Nampala), same day, same perpetrator (JNIM)"
	Considered int     // how many candidate incidents were scored
	// Rejected explains the best candidate that did not qualify, if any.
	Rejected string
}

// Linker links events into incidents. It is safe for concurrent use; links
// are applied one at a time.
type Linker struct {
	cfg Config
	idx Index
	dup *neardup.Index

	mu        sync.Mutex
	incidents map[string]*Incident
	byEvent   map[string]*Incident
	byDoc     map[string]*ReportInfo
	log       []Audit
	n         int
	keys      []Key  // scratch for link
	gen       uint64 // link's stamp on the incidents it has seen
}

// New returns an empty Linker that looks candidates up in idx (nil: a new
// in-memory index).
func New(cfg Config, idx Index) (*Linker, error) {
	if cfg.Threshold == 0 && cfg.MaxCompare == 0 {
		d := DefaultConfig
		d.Dup, d.Now, d.NewID = cfg.Dup, cfg.Now, cfg.NewID
		cfg = d
	}
	if cfg.Threshold <= 0 || cfg.Threshold > 1 {
		return nil, errs.E(errs.Invalid, "incident: threshold %v is not in (0, 1]", cfg.Threshold)
	}
	if cfg.MaxCompare < 1 {
		cfg.MaxCompare = DefaultConfig.MaxCompare
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func(n int) string { return fmt.Sprintf("inc-%06d", n) }
	}
	dup, err := neardup.New(cfg.Dup)
	if err != nil {
		return nil, err
	}
	if idx == nil {
		idx = NewMemIndex()
	}
	return &Linker{cfg: cfg, idx: idx, dup: dup, incidents: map[string]*Incident{},
		byEvent: map[string]*Incident{}, byDoc: map[string]*ReportInfo{}}, nil
}

// NearDup returns the Linker's near-duplicate index.
func (l *Linker) NearDup() *neardup.Index { return l.dup }

// AddReport takes a report and the events extracted from it, in the
// report's order, and links each event. An event without an ID gets
// DocumentID#N (N from 1). A document already added fails with
// errs.Conflict; a report without a DocumentID with errs.Invalid.
func (l *Linker) AddReport(r Report, events []model.Event) ([]Decision, error) {
	if r.DocumentID == "" {
		return nil, errs.E(errs.Invalid, "incident: report has no document ID")
	}
	if r.Kind == "" {
		r.Kind = KindLocalMedia
	}
	if !r.Kind.Valid() {
		return nil, errs.E(errs.Invalid, "incident: report %s: unknown source kind %q", r.DocumentID, r.Kind)
	}
	if r.Published != "" {
		if _, err := time.Parse(time.DateOnly, r.Published); err != nil {
			return nil, errs.E(errs.Invalid, "incident: report %s: published %q is not YYYY-MM-DD", r.DocumentID, r.Published)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.byDoc[r.DocumentID]; dup {
		return nil, errs.E(errs.Conflict, "incident: document %s was already linked", r.DocumentID)
	}
	if _, err := l.dup.Add(r.DocumentID, r.Text); err != nil {
		return nil, fmt.Errorf("incident: report %s: %w", r.DocumentID, err)
	}
	info := analyse(r, events)
	l.byDoc[r.DocumentID] = info
	var out []Decision
	for i := range events {
		ev := &events[i]
		id := ev.ID
		if id == "" {
			id = fmt.Sprintf("%s#%d", r.DocumentID, i+1)
		}
		if _, dup := l.byEvent[id]; dup {
			return out, errs.E(errs.Conflict, "incident: event %s was already linked", id)
		}
		m := &Member{EventID: id, Event: ev, Report: info, f: featuresOf(ev, info)}
		out = append(out, l.link(m))
	}
	return out, nil
}

// link places one member; the caller holds l.mu.
func (l *Linker) link(m *Member) Decision {
	d := Decision{EventID: m.EventID, DocumentID: m.Report.DocumentID}
	var best, rejected *Incident
	var bestM, rejM scored
	l.gen++
	l.keys = queryKeys(l.keys[:0], &m.f)
	l.idx.Lookup(l.keys, func(e *Entry) {
		if !mayMatch(&m.f, e) {
			return
		}
		inc := l.incidents[e.ID]
		if inc == nil || inc.gen == l.gen {
			return
		}
		inc.gen = l.gen
		d.Considered++
		s := l.score(&m.f, inc)
		switch {
		case s.veto == 0 && s.total >= l.cfg.Threshold:
			if best == nil || s.total > bestM.total || s.total == bestM.total && inc.ID < best.ID {
				best, bestM = inc, s
			}
		case rejected == nil || s.rank() > rejM.rank():
			rejected, rejM = inc, s
		}
	})
	if rejected != nil {
		d.Rejected = fmt.Sprintf("%s: %s", rejected.ID, rejM.explain())
	}
	if best == nil {
		l.n++
		best = &Incident{ID: l.cfg.NewID(l.n)}
		for l.incidents[best.ID] != nil { // a restored incident took the name
			l.n++
			best.ID = l.cfg.NewID(l.n)
		}
		l.incidents[best.ID] = best
		d.Opened = true
		d.Why = "no incident near enough in place, date, type and actors"
		if d.Considered == 0 {
			d.Why = "no incident nearby in time and space"
		}
	} else {
		d.Score = bestM.total
		d.Why = bestM.explain()
	}
	l.addMember(best, m)
	d.IncidentID = best.ID
	op := OpLink
	if d.Opened {
		op = OpOpen
	}
	l.audit(Audit{Op: op, Actor: "linker", Incidents: []string{best.ID}, Events: []string{m.EventID}, Reason: d.Why})
	return d
}

// score compares a new event with an incident: its best match among the
// incident's latest members. An incident that already holds an event of
// the same report is vetoed: the extractor saw two incidents there.
func (l *Linker) score(f *features, inc *Incident) scored {
	var best scored
	first := true
	members := inc.Members
	if len(members) > l.cfg.MaxCompare {
		members = members[len(members)-l.cfg.MaxCompare:]
	}
	for _, m := range inc.Members {
		if m.f.doc == f.doc {
			return scored{a: f, b: &m.f, veto: vetoSameReport}
		}
	}
	for _, m := range members {
		s := compare(f, &m.f)
		if first || s.rank() > best.rank() {
			best, first = s, false
		}
	}
	return best
}

func (l *Linker) addMember(inc *Incident, m *Member) {
	inc.Members = append(inc.Members, m)
	l.byEvent[m.EventID] = inc
	e := entryOf(inc.ID, &m.f)
	if !slices.Contains(inc.keys, e.Key) {
		inc.keys = append(inc.keys, e.Key)
	}
	l.idx.Add([]Entry{e})
}

// reindex recomputes an incident's keys after members left it.
func (l *Linker) reindex(inc *Incident) {
	l.idx.Remove(inc.ID, inc.keys)
	inc.keys = inc.keys[:0]
	entries := make([]Entry, len(inc.Members))
	for i, m := range inc.Members {
		entries[i] = entryOf(inc.ID, &m.f)
		if !slices.Contains(inc.keys, entries[i].Key) {
			inc.keys = append(inc.keys, entries[i].Key)
		}
	}
	l.idx.Add(entries)
}

// Restore puts back an incident kept elsewhere (a store), with its members
// and their reports, without linking: the way to reload a Linker. Its
// documents' texts are not re-indexed for near-duplicates unless given.
func (l *Linker) Restore(id string, reports []Report, events [][]model.Event) error {
	if len(reports) != len(events) {
		return errs.E(errs.Invalid, "incident: restore %s: %d reports but %d event lists", id, len(reports), len(events))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.incidents[id] != nil {
		return errs.E(errs.Conflict, "incident: %s already exists", id)
	}
	inc := &Incident{ID: id}
	for i, r := range reports {
		if r.Kind == "" {
			r.Kind = KindLocalMedia
		}
		info := l.byDoc[r.DocumentID]
		if info == nil {
			info = analyse(r, events[i])
			l.byDoc[r.DocumentID] = info
			if r.Text != "" {
				if _, err := l.dup.Add(r.DocumentID, r.Text); err != nil {
					return fmt.Errorf("incident: restore %s: %w", id, err)
				}
			}
		}
		for j := range events[i] {
			ev := &events[i][j]
			eid := cmp.Or(ev.ID, fmt.Sprintf("%s#%d", r.DocumentID, j+1))
			if l.byEvent[eid] != nil {
				return errs.E(errs.Conflict, "incident: restore %s: event %s is already linked", id, eid)
			}
			l.addMember(inc, &Member{EventID: eid, Event: ev, Report: info, f: featuresOf(ev, info)})
		}
	}
	l.incidents[id] = inc
	return nil
}

// Get returns the incident with the given ID, or errs.NotFound. The
// incident must not be modified.
func (l *Linker) Get(id string) (*Incident, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	inc := l.incidents[id]
	if inc == nil {
		return nil, errs.E(errs.NotFound, "incident %s not found", id)
	}
	return inc, nil
}

// IncidentOf returns the ID of the incident holding an event.
func (l *Linker) IncidentOf(eventID string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	inc := l.byEvent[eventID]
	if inc == nil {
		return "", false
	}
	return inc.ID, true
}

// IDs returns the IDs of all incidents, sorted.
func (l *Linker) IDs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.incidents))
	for id := range l.incidents {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Len returns how many incidents there are.
func (l *Linker) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.incidents)
}

// placeName is a short name for a member's place, for explanations.
func placeName(f *features) string {
	return cmp.Or(f.place, strings.TrimSpace(f.admin2), f.admin1, "?")
}
