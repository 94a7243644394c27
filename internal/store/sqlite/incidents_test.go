package sqlite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func TestIncidents(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) store.IncidentStore { return openTemp(t) })
}

// An event moved between incidents outside Vigil is caught by verify,
// which names the incidents and the field.
func TestIncidentTamperCaught(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	var evs []string
	for i := range 2 {
		doc, rep := storetest.Sample(300+i, 1)
		res, err := s.Ingest(ctx, doc, rep)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, res.EventIDs[0])
		e := store.IncidentEntry{EventID: res.EventIDs[0], DocumentID: res.DocumentID, Key: 1}
		if err := s.SaveIncidents(ctx, &store.IncidentChange{Entries: []store.IncidentEntry{e},
			Audit: []store.IncidentAudit{{Op: store.IncidentOpen, Actor: "system:linker", Incidents: []string{fmt.Sprint("inc-", i)},
				Events: []string{e.EventID}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := ledger.Verify(ctx, s, ledger.Options{}); err != nil || !res.OK() {
		t.Fatalf("verify before tampering: %v %v", res.Problems, err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE incident_events SET incident_id = 'inc-0', seq = 1 WHERE event_id = ?`, evs[1]); err != nil {
		t.Fatal(err)
	}
	res, err := ledger.Verify(ctx, s, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{"incident inc-0: differs from ledger leaf", "incident inc-1: differs from ledger leaf"}
	if len(got) != 2 || !strings.HasPrefix(got[0], want[0]) || !strings.HasPrefix(got[1], want[1]) || !strings.HasSuffix(got[0], "in events") {
		t.Errorf("verify after moving an event: %q", got)
	}
}
