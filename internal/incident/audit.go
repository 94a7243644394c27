package incident

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Audit operations.
const (
	OpOpen  = "open"  // an event opened a new incident
	OpLink  = "link"  // an event joined an incident
	OpMerge = "merge" // Incidents[1] was merged into Incidents[0]
	OpSplit = "split" // Events left Incidents[0] for the new Incidents[1]
)

// Audit records one change to the incidents. Merges and splits record the
// events they moved, so Revert can undo them exactly.
type Audit struct {
	Seq       int       `json:"seq"`
	Op        string    `json:"op"`
	Actor     string    `json:"actor"` // "linker" or the person who asked
	At        time.Time `json:"at"`
	Incidents []string  `json:"incidents"`
	Events    []string  `json:"events"`
	Reason    string    `json:"reason"`
	Reverts   int       `json:"reverts,omitempty"` // the Seq this record undoes
}

func (l *Linker) audit(a Audit) Audit {
	a.Seq = len(l.log) + 1
	a.At = l.cfg.Now().UTC()
	l.log = append(l.log, a)
	return a
}

// Log returns the audit records from seq from (1-based) on.
func (l *Linker) Log(from int) []Audit {
	l.mu.Lock()
	defer l.mu.Unlock()
	from = max(from, 1)
	if from > len(l.log) {
		return nil
	}
	return slices.Clone(l.log[from-1:])
}

// Merge moves every event of incident from into incident into and removes
// from. actor and reason are recorded.
func (l *Linker) Merge(into, from, actor, reason string) (Audit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.merge(into, from, actor, reason, 0)
}

func (l *Linker) merge(into, from, actor, reason string, reverts int) (Audit, error) {
	a, b := l.incidents[into], l.incidents[from]
	switch {
	case into == from:
		return Audit{}, errs.E(errs.Invalid, "incident: cannot merge %s into itself", into)
	case a == nil:
		return Audit{}, errs.E(errs.NotFound, "incident %s not found", into)
	case b == nil:
		return Audit{}, errs.E(errs.NotFound, "incident %s not found", from)
	case actor == "":
		return Audit{}, errs.E(errs.Invalid, "incident: a merge needs an actor")
	}
	moved := b.EventIDs()
	l.idx.Remove(b.ID, b.keys)
	delete(l.incidents, b.ID)
	for _, m := range b.Members {
		l.addMember(a, m)
	}
	return l.audit(Audit{Op: OpMerge, Actor: actor, Incidents: []string{into, from}, Events: moved, Reason: reason, Reverts: reverts}), nil
}

// Split moves the given events out of incident from into a new incident
// and returns the record (Incidents[1] is the new incident's ID).
func (l *Linker) Split(from string, events []string, actor, reason string) (Audit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	id := l.cfg.NewID(l.n)
	for l.incidents[id] != nil {
		l.n++
		id = l.cfg.NewID(l.n)
	}
	return l.split(from, id, events, actor, reason, 0)
}

func (l *Linker) split(from, to string, events []string, actor, reason string, reverts int) (Audit, error) {
	a := l.incidents[from]
	switch {
	case a == nil:
		return Audit{}, errs.E(errs.NotFound, "incident %s not found", from)
	case actor == "":
		return Audit{}, errs.E(errs.Invalid, "incident: a split needs an actor")
	case len(events) == 0:
		return Audit{}, errs.E(errs.Invalid, "incident: a split of %s needs events", from)
	case len(events) >= len(a.Members):
		return Audit{}, errs.E(errs.Invalid, "incident: a split must leave %s at least one event", from)
	case l.incidents[to] != nil:
		return Audit{}, errs.E(errs.Conflict, "incident %s already exists", to)
	}
	for _, e := range events {
		if l.byEvent[e] != a {
			return Audit{}, errs.E(errs.Invalid, "incident: event %s is not in %s", e, from)
		}
	}
	b := &Incident{ID: to}
	var keep []*Member
	for _, m := range a.Members {
		if slices.Contains(events, m.EventID) {
			b.Members = append(b.Members, m)
		} else {
			keep = append(keep, m)
		}
	}
	a.Members = keep
	l.reindex(a)
	l.incidents[to] = b
	moved := b.Members
	b.Members = nil
	for _, m := range moved {
		l.addMember(b, m)
	}
	return l.audit(Audit{Op: OpSplit, Actor: actor, Incidents: []string{from, to}, Events: slices.Clone(events), Reason: reason, Reverts: reverts}), nil
}

// Revert undoes the merge or split recorded as seq: a merge is undone by
// splitting the moved events back out under the merged incident's old ID,
// a split by merging the new incident back. The undoing is itself a record.
func (l *Linker) Revert(seq int, actor, reason string) (Audit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq < 1 || seq > len(l.log) {
		return Audit{}, errs.E(errs.NotFound, "incident: no audit record %d", seq)
	}
	r := l.log[seq-1]
	why := fmt.Sprintf("reverts #%d", seq)
	if reason != "" {
		why += ": " + reason
	}
	switch r.Op {
	case OpMerge:
		return l.split(r.Incidents[0], r.Incidents[1], r.Events, actor, why, seq)
	case OpSplit:
		return l.merge(r.Incidents[0], r.Incidents[1], actor, why, seq)
	}
	return Audit{}, errs.E(errs.Invalid, "incident: record %d (%s) cannot be reverted; split the event out instead", seq, r.Op)
}
