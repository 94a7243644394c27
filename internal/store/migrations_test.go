package store

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadMigrations(t *testing.T) {
	ok := fstest.MapFS{
		"m/0002_b.sql": {Data: []byte("B")},
		"m/0001_a.sql": {Data: []byte("A")},
	}
	ms, err := ReadMigrations(ok, "m/*.sql")
	if err != nil || len(ms) != 2 || ms[0].Version != 1 || ms[1].Name != "0002_b.sql" || ms[1].SQL != "B" {
		t.Fatalf("ReadMigrations = %+v, %v", ms, err)
	}
	for _, tc := range []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"none", fstest.MapFS{}, "no migrations"},
		{"bad name", fstest.MapFS{"m/first.sql": {}}, "must start with a positive number"},
		{"zero", fstest.MapFS{"m/0000_a.sql": {}}, "must start with a positive number"},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": {}, "m/1_b.sql": {}}, "share version 1"},
	} {
		if _, err := ReadMigrations(tc.fs, "m/*.sql"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
