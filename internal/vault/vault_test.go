package vault_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
	"github.com/vigil-hr/vigil/internal/vault"
)

// witness is a testimony whose protected values the tests look for in
// bytes at rest.
func witness(n string) *vault.Testimony {
	return &vault.Testimony{
		Statement: "Armed men arrived at dawn and burned the granaries.",
		Lang:      "en", Sensitive: true, Country: "MLI", Admin1: "Mopti", Admin2: "Bandiagara", TakenOn: "2025-03-20",
		EventIDs: []string{"ev1"},
		Protected: vault.Protected{
			WitnessName:    "Aïssata Kouyaté" + n,
			WitnessContact: "+223 76 55 01 9" + n,
			Location:       "compound behind the well of Sangha-Ogol" + n + ", 14.4797N 3.3190W",
			Notes:          "fears reprisal from the village chief" + n,
		},
	}
}

func secrets(t *vault.Testimony) []string {
	p := t.Protected
	return []string{p.WitnessName, p.WitnessContact, p.Location, p.Notes, "Kouyat", "Sangha-Ogol", "reprisal", "76 55 01"}
}

type env struct {
	dir   string
	st    *sqlite.Store
	keys  *vault.Keys
	svc   *vault.Service
	added []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	keys, created, err := vault.Load(dir, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(created, vault.EscrowIdentityFile) {
		t.Fatalf("created %v: no escrow identity", created)
	}
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &env{dir: dir, st: st, keys: keys, svc: &vault.Service{Store: st, Keys: keys}}
}

func TestKeyFiles(t *testing.T) {
	e := newEnv(t)
	for _, f := range []struct {
		name string
		perm fs.FileMode
	}{{vault.KeyFile, 0o600}, {vault.IndexKeyFile, 0o600}, {vault.EscrowIdentityFile, 0o600}, {vault.EscrowFile, 0o644}} {
		fi, err := os.Stat(filepath.Join(e.dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != f.perm {
			t.Errorf("%s: mode %v, want %v", f.name, fi.Mode().Perm(), f.perm)
		}
	}
	again, created, err := vault.Load(e.dir, nil, true)
	if err != nil || len(created) != 0 || again.ID() != e.keys.ID() {
		t.Fatalf("reload: %v created %v id %s want %s", err, created, again.ID(), e.keys.ID())
	}
	if len(e.keys.Recipients()) != 2 {
		t.Errorf("recipients %v, want the server's and the escrow's", e.keys.Recipients())
	}
	os.Chmod(filepath.Join(e.dir, vault.KeyFile), 0o644)
	if _, _, err := vault.Load(e.dir, nil, false); !errs.Is(err, errs.Forbidden) {
		t.Errorf("readable key file: %v, want forbidden", err)
	}
	if _, _, err := vault.Load(t.TempDir(), nil, false); !errs.Is(err, errs.NotFound) {
		t.Errorf("no keys, no create: %v, want not found", err)
	}
}

func TestKeysFromEnv(t *testing.T) {
	server, _ := age.GenerateX25519Identity()
	escrow, _ := age.GenerateX25519Identity()
	vars := map[string]string{
		vault.EnvKey:      server.String(),
		vault.EnvIndexKey: strings.Repeat("ab", 32),
		vault.EnvEscrow:   escrow.Recipient().String(),
	}
	dir := t.TempDir()
	k, created, err := vault.Load(dir, func(k string) string { return vars[k] }, true)
	if err != nil || len(created) != 0 {
		t.Fatalf("Load from env: %v, created %v", err, created)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("keys from the environment wrote %d files", len(ents))
	}
	if !slices.Contains(k.Recipients(), server.Recipient().String()) || !slices.Contains(k.Recipients(), escrow.Recipient().String()) {
		t.Errorf("recipients %v", k.Recipients())
	}
	vars[vault.EnvIndexKey] = "short"
	if _, _, err := vault.Load(dir, func(k string) string { return vars[k] }, true); !errs.Is(err, errs.Invalid) || strings.Contains(err.Error(), "short") {
		t.Errorf("bad index key: %v", err)
	}
	vars[vault.EnvIndexKey] = strings.Repeat("ab", 32)
	vars[vault.EnvKey] = "AGE-SECRET-KEY-1NOTAKEY"
	if _, _, err := vault.Load(dir, func(k string) string { return vars[k] }, true); err == nil || strings.Contains(err.Error(), "NOTAKEY") {
		t.Errorf("bad key: %v (must fail without echoing it)", err)
	}
}

func TestSealOpenAndReveal(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	in := witness("")
	res, err := e.svc.Add(ctx, in, "user:u1")
	if err != nil {
		t.Fatal(err)
	}
	clear, err := e.svc.Get(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !clear.Protected.IsZero() || len(clear.HasProtected) != 4 || clear.Statement != in.Statement {
		t.Errorf("Get revealed protected fields or lost clear ones: %+v", clear)
	}
	if n := accessCount(t, e.st); n != 0 {
		t.Errorf("Get logged %d reads", n)
	}
	got, err := e.svc.Reveal(ctx, "user:u1", res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Protected != in.Protected {
		t.Errorf("Reveal = %+v, want %+v", got.Protected, in.Protected)
	}
	entries, _ := e.st.AccessEntries(ctx, 0, 0)
	if len(entries) != 1 || entries[0].Actor != "user:u1" || entries[0].Action != vault.ActionReadProtected || entries[0].ID != res.ID {
		t.Errorf("access log %+v", entries)
	}

	// The same witness, spelled differently, is found again.
	again := witness("")
	again.Protected.WitnessName = "KOUYATE, Aissata"
	again.Protected.WitnessContact = "00223765501 9"
	res2, err := e.svc.Add(ctx, again, "user:u1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res2.SameWitness, []string{res.ID}) {
		t.Errorf("SameWitness = %v, want [%s]", res2.SameWitness, res.ID)
	}
	ids, err := e.svc.FindWitness(ctx, "user:u2", vault.FieldWitnessName, "aïssata kouyaté")
	if err != nil || len(ids) != 2 {
		t.Errorf("FindWitness = %v, %v", ids, err)
	}
	if n := accessCount(t, e.st); n != 2 {
		t.Errorf("access log holds %d entries, want 2 (a read and a lookup)", n)
	}
	if _, err := e.svc.FindWitness(ctx, "user:u2", vault.FieldNotes, "x"); !errs.Is(err, errs.Invalid) {
		t.Errorf("lookup by an unindexed field: %v", err)
	}
}

func accessCount(t *testing.T, st *sqlite.Store) int {
	es, err := st.AccessEntries(t.Context(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// failingLog is a store whose access log cannot be written.
type failingLog struct{ *sqlite.Store }

func (failingLog) AppendAccess(context.Context, *store.AccessEntry) error {
	return errs.E(errs.Unavailable, "disk full")
}

func TestRevealRefusedWhenTheReadCannotBeLogged(t *testing.T) {
	e := newEnv(t)
	res, err := e.svc.Add(t.Context(), witness(""), "user:u1")
	if err != nil {
		t.Fatal(err)
	}
	svc := &vault.Service{Store: failingLog{e.st}, Keys: e.keys}
	got, err := svc.Reveal(t.Context(), "user:u1", res.ID)
	if err == nil || got != nil {
		t.Fatalf("Reveal without a log = %+v, %v; want an error", got, err)
	}
}

func TestTamperedCiphertextFails(t *testing.T) {
	e := newEnv(t)
	st, err := e.keys.Seal(witness(""))
	if err != nil {
		t.Fatal(err)
	}
	f := &st.Protected[0]
	f.Ciphertext[len(f.Ciphertext)-1] ^= 1
	if _, err := e.keys.Open(st); !errs.Is(err, errs.Invalid) {
		t.Errorf("Open of a changed ciphertext: %v, want invalid", err)
	}
}

// The escrow identity alone decrypts a stored field, read from the
// database as `age -d` would: the recovery procedure of the ADR.
func TestRecoveryWithEscrowIdentity(t *testing.T) {
	e := newEnv(t)
	in := witness("")
	res, err := e.svc.Add(t.Context(), in, "user:u1")
	if err != nil {
		t.Fatal(err)
	}
	ct := storedCiphertext(t, e, res.ID, vault.FieldWitnessName)
	f, err := os.Open(filepath.Join(e.dir, vault.EscrowIdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := age.ParseIdentities(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(ct), ids...)
	if err != nil {
		t.Fatal(err)
	}
	pt, _ := io.ReadAll(r)
	if string(pt) != in.Protected.WitnessName {
		t.Errorf("escrow decrypts %q, want %q", pt, in.Protected.WitnessName)
	}
	// The blind-index key does not decrypt anything, and neither does a
	// stranger's identity.
	other, _ := age.GenerateX25519Identity()
	if _, err := age.Decrypt(bytes.NewReader(ct), other); err == nil {
		t.Error("a foreign identity decrypts")
	}
}

// storedCiphertext reads a field's ciphertext the way the recovery
// procedure does: straight from the database file with sqlite3-like SQL.
func storedCiphertext(t *testing.T, e *env, id, field string) []byte {
	t.Helper()
	tm, err := e.st.GetTestimony(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Field(field).Ciphertext
}

// The real age command (Debian's package `age`) decrypts a stored field
// with the escrow identity and with the server key, as docs/adr/0008
// describes.
func TestRecoveryWithAgeCLI(t *testing.T) {
	bin, err := exec.LookPath("age")
	if err != nil {
		t.Skip("the age command is not installed (apt-get install age): skipping the CLI recovery test")
	}
	e := newEnv(t)
	in := witness("")
	res, err := e.svc.Add(t.Context(), in, "user:u1")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "location.age")
	if err := os.WriteFile(file, storedCiphertext(t, e, res.ID, vault.FieldLocation), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{vault.EscrowIdentityFile, vault.KeyFile} {
		out, err := exec.CommandContext(t.Context(), bin, "-d", "-i", filepath.Join(e.dir, key), file).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("age -d -i %s: %v: %s", key, err, ee.Stderr)
			}
			t.Fatal(err)
		}
		if string(out) != in.Protected.Location {
			t.Errorf("age -d -i %s printed %q, want %q", key, out, in.Protected.Location)
		}
	}
	// And age encrypts to the published escrow recipients file just as
	// the vault does (age -R vault-escrow.txt).
	out, err := exec.CommandContext(t.Context(), bin, "-R", filepath.Join(e.dir, vault.EscrowFile), "-o", file+".2").CombinedOutput()
	if err != nil {
		t.Fatalf("age -R: %v: %s", err, out)
	}
}

func TestBlindIndexNormalisation(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		field, a, b string
		same        bool
	}{
		{vault.FieldWitnessName, "Aïssata Kouyaté", "aissata  KOUYATE", true},
		{vault.FieldWitnessName, "Kouyaté, Aïssata", "Aïssata Kouyaté", true},
		{vault.FieldWitnessName, "Aïssata Kouyaté", "Aïssata Koné", false},
		{vault.FieldWitnessContact, "+223 76 55 01 99", "0022376550199", true},
		{vault.FieldWitnessContact, "Awa@Example.org ", "awa@example.org", true},
		{vault.FieldWitnessContact, "+223 76 55 01 99", "+223 76 55 01 98", false},
	} {
		ia, ib := e.keys.BlindIndex(c.field, c.a), e.keys.BlindIndex(c.field, c.b)
		if (ia == ib) != c.same || ia == "" {
			t.Errorf("%s: %q vs %q: same=%v, want %v", c.field, c.a, c.b, ia == ib, c.same)
		}
	}
	other := newEnv(t)
	if e.keys.BlindIndex(vault.FieldWitnessName, "Awa") == other.keys.BlindIndex(vault.FieldWitnessName, "Awa") {
		t.Error("two index keys give the same index")
	}
	if e.keys.BlindIndex(vault.FieldWitnessName, "Awa") == e.keys.BlindIndex(vault.FieldWitnessContact, "Awa") {
		t.Error("two fields give the same index for one value")
	}
	if e.keys.BlindIndex(vault.FieldWitnessName, " ,. ") != "" {
		t.Error("an empty name has an index")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Aïssata Kouyaté", "+223 76 55 01 99", "a@b.c", "", "\xff\xfe", "ǅ ß ﬁ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, field := range []string{vault.FieldWitnessName, vault.FieldWitnessContact, vault.FieldNotes} {
			n := vault.Normalize(field, s)
			if again := vault.Normalize(field, n); again != n && field != vault.FieldWitnessContact {
				t.Errorf("%s: Normalize is not idempotent: %q -> %q -> %q", field, s, n, again)
			}
		}
	})
}

// A copy of the database file (with its WAL) and of the data directory
// without the key files shows none of the protected values.
func TestAtRestRevealsNothing(t *testing.T) {
	e := newEnv(t)
	var all []string
	for _, n := range []string{"1", "2", "3"} {
		w := witness(n)
		if _, err := e.svc.Add(t.Context(), w, "user:u1"); err != nil {
			t.Fatal(err)
		}
		all = append(all, secrets(w)...)
	}
	if _, err := e.svc.Reveal(t.Context(), "user:u1", mustFirst(t, e)); err != nil {
		t.Fatal(err)
	}
	keyFiles := map[string]bool{vault.KeyFile: true, vault.IndexKeyFile: true, vault.EscrowIdentityFile: true}
	checked := 0
	err := filepath.WalkDir(e.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || keyFiles[d.Name()] {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, s := range all {
			for _, form := range []string{s, strings.ToLower(s)} {
				if bytes.Contains(b, []byte(form)) {
					t.Errorf("%s holds %q", path, form)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 2 {
		t.Fatalf("checked %d files, want the database and its WAL at least", checked)
	}
	// The same after a checkpoint folds the WAL into the main file.
	e.st.Close()
	b, err := os.ReadFile(filepath.Join(e.dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("vigil.db holds %q after close", s)
		}
	}
}

func mustFirst(t *testing.T, e *env) string {
	ts, err := e.st.ListTestimonies(t.Context(), store.TestimonyFilter{})
	if err != nil || len(ts) == 0 {
		t.Fatal(ts, err)
	}
	return ts[0].ID
}
