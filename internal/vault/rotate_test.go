package vault_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
)

// crashAfter is a store whose re-wraps fail after n batches, like a
// process killed mid-rotation.
type crashAfter struct {
	vault.Rewrapper
	n int
}

func (c *crashAfter) RewrapTestimonies(ctx context.Context, ts []store.Testimony, prev []string, actor string) error {
	if c.n == 0 {
		return errs.E(errs.Unavailable, "killed")
	}
	c.n--
	return c.Rewrapper.RewrapTestimonies(ctx, ts, prev, actor)
}

func TestRotateResumesAndRewrapsEverything(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	var ids []string
	var ins []*vault.Testimony
	for _, n := range []string{"1", "2", "3", "4", "5"} {
		w := witness(n)
		res, err := e.svc.Add(ctx, w, "user:u1")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
		ins = append(ins, w)
	}
	oldKey, _ := os.ReadFile(filepath.Join(e.dir, vault.KeyFile))
	newEscrowID, newEscrow, err := vault.GenerateEscrow()
	if err != nil {
		t.Fatal(err)
	}

	// First run dies after one batch of two.
	_, err = vault.Rotate(ctx, e.dir, nil, &crashAfter{e.st, 1}, vault.RotateOptions{Batch: 2, Escrow: []string{newEscrow}})
	if err == nil {
		t.Fatal("the crashed rotation succeeded")
	}
	// Meanwhile everything still opens with the loaded keys.
	mid, _, err := vault.Load(e.dir, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		st, _ := e.st.GetTestimony(ctx, id)
		got, err := mid.Open(st)
		if err != nil || got.Protected != ins[i].Protected {
			t.Fatalf("mid-rotation open of %s: %v", id, err)
		}
	}
	// Resuming with other escrow recipients is refused.
	if _, err := vault.Rotate(ctx, e.dir, nil, e.st, vault.RotateOptions{Escrow: []string{e.keys.Recipients()[0]}}); !errs.Is(err, errs.Conflict) {
		t.Errorf("rotation to other recipients while one is under way: %v", err)
	}
	res, err := vault.Rotate(ctx, e.dir, nil, e.st, vault.RotateOptions{Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rewrapped != 3 || res.Retired == "" {
		t.Errorf("resumed rotation: %+v, want the 3 left re-wrapped and the old key retired", res)
	}
	if retired, _ := os.ReadFile(res.Retired); string(retired) != string(oldKey) {
		t.Error("the retired key file is not the old key")
	}
	for _, f := range []string{vault.NextKeyFile, vault.NextEscrowFile} {
		if _, err := os.Stat(filepath.Join(e.dir, f)); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
	now, _, err := vault.Load(e.dir, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if now.ID() != res.KeyID || now.ID() == e.keys.ID() {
		t.Errorf("key ID %s after rotation, result says %s, before %s", now.ID(), res.KeyID, e.keys.ID())
	}
	newID, err := age.ParseIdentities(strings.NewReader(string(newEscrowID)))
	if err != nil {
		t.Fatal(err)
	}
	oldID, err := age.ParseIdentities(strings.NewReader(string(oldKey)))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		st, _ := e.st.GetTestimony(ctx, id)
		if st.KeyID != now.ID() {
			t.Errorf("%s still on key %s", id, st.KeyID)
		}
		got, err := now.Open(st)
		if err != nil || got.Protected != ins[i].Protected {
			t.Errorf("open after rotation of %s: %v", id, err)
		}
		ct := st.Field(vault.FieldWitnessName).Ciphertext
		if _, err := age.Decrypt(strings.NewReader(string(ct)), newID...); err != nil {
			t.Errorf("the new escrow key does not open %s: %v", id, err)
		}
		if _, err := age.Decrypt(strings.NewReader(string(ct)), oldID...); err == nil {
			t.Errorf("the retired server key still opens %s", id)
		}
		// Blind indexes survive: the witness is still found.
		if st.Field(vault.FieldWitnessName).Index != now.BlindIndex(vault.FieldWitnessName, ins[i].Protected.WitnessName) {
			t.Errorf("%s: blind index changed", id)
		}
	}
	// A second rotation with nothing to do still swaps keys.
	res2, err := vault.Rotate(ctx, e.dir, nil, e.st, vault.RotateOptions{})
	if err != nil || res2.Rewrapped != len(ids) {
		t.Errorf("second rotation: %+v, %v", res2, err)
	}
}

func TestRotateRefusesEnvironmentKeys(t *testing.T) {
	e := newEnv(t)
	getenv := func(k string) string {
		if k == vault.EnvKey {
			id, _ := age.GenerateX25519Identity()
			return id.String()
		}
		return ""
	}
	if _, err := vault.Rotate(t.Context(), e.dir, getenv, e.st, vault.RotateOptions{}); !errs.Is(err, errs.Invalid) {
		t.Errorf("rotation with %s set: %v", vault.EnvKey, err)
	}
}
