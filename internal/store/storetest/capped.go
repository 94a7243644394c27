package storetest

import (
	"context"
	"testing"

	"github.com/vigil-hr/vigil/internal/store"
)

// RunCappedCount checks store.CappedCounter: exact below the limit, limit+1
// above it, filters applied. It skips stores that do not implement it.
func RunCappedCount(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	defer s.Close()
	cc, ok := s.(store.CappedCounter)
	if !ok {
		t.Skip("the store does not implement store.CappedCounter")
	}
	ctx := context.Background()
	doc, rep := Sample(1, 7)
	if _, err := s.Ingest(ctx, doc, rep); err != nil {
		t.Fatal(err)
	}
	all, err := s.CountEvents(ctx, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		max  int
		want int
	}{{100, all}, {all, all}, {all - 1, all}, {3, 4}, {0, 1}} {
		n, err := cc.CountEventsUpTo(ctx, store.EventFilter{}, tc.max)
		if err != nil || n != tc.want {
			t.Errorf("CountEventsUpTo(max %d) = %d, %v; want %d (of %d)", tc.max, n, err, tc.want, all)
		}
	}
	f := store.EventFilter{SubEventType: rep.Events[0].SubEventType}
	exact, err := s.CountEvents(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := cc.CountEventsUpTo(ctx, f, 1000); err != nil || n != exact {
		t.Errorf("filtered: %d, %v; want %d", n, err, exact)
	}
	if _, err := cc.CountEventsUpTo(ctx, store.EventFilter{}, -1); err == nil {
		t.Error("a negative limit was accepted")
	}
}
