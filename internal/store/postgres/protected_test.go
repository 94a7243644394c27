package postgres

import (
	"bytes"
	"context"
	"net/url"
	"os/exec"
	"testing"

	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/storetest"
	"github.com/vigil-hr/vigil/internal/vault"
)

func TestProtected(t *testing.T) {
	storetest.RunProtected(t, func(t *testing.T) store.ProtectedStore {
		s, err := Open(context.Background(), freshSchema(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// A pg_dump of the database shows none of a testimony's protected values.
func TestDumpRevealsNoProtectedField(t *testing.T) {
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		t.Skip("pg_dump is not installed")
	}
	u := freshSchema(t)
	s, err := Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, _, err := vault.Load(t.TempDir(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	svc := &vault.Service{Store: s, Keys: keys}
	in := &vault.Testimony{Statement: "They came at dawn.", Country: "MLI", Sensitive: true,
		Protected: vault.Protected{WitnessName: "Oumou Sangaré-Dembélé", WitnessContact: "+223 66 12 34 99",
			Location: "the third house after the mosque in Diallassagou", Notes: "her brother is still detained"}}
	res, err := svc.Add(t.Context(), in, "user:u1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Reveal(t.Context(), "user:u1", res.ID); err != nil {
		t.Fatal(err)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	schema := pu.Query().Get("search_path")
	q := pu.Query()
	q.Del("search_path")
	pu.RawQuery = q.Encode()
	out, err := exec.CommandContext(t.Context(), pgDump, "--schema", schema, "--dbname", pu.String()).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	if !bytes.Contains(out, []byte("testimony_fields")) || !bytes.Contains(out, []byte("They came at dawn.")) {
		t.Fatalf("the dump (%d bytes) does not hold the testimony", len(out))
	}
	for _, secret := range []string{in.Protected.WitnessName, "Sangar", in.Protected.WitnessContact, "66 12 34", in.Protected.Location, "Diallassagou", in.Protected.Notes, "detained"} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("the dump holds %q", secret)
		}
	}
}
