package postgres

import (
	"context"
	"testing"

	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
)

func TestIncidents(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) store.IncidentStore {
		s, err := Open(context.Background(), freshSchema(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
