package vault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"filippo.io/age"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// Rewrapper is what rotation needs of a store.
type Rewrapper interface {
	TestimoniesToRewrap(ctx context.Context, keyID string, limit int) ([]store.Testimony, error)
	RewrapTestimonies(ctx context.Context, ts []store.Testimony, prevKeyID []string, actor string) error
}

// RotateOptions configure Rotate.
type RotateOptions struct {
	// Escrow replaces the escrow recipients; nil keeps the current ones.
	Escrow []string
	// Batch is how many testimonies each transaction re-wraps (default 100).
	Batch int
	// Actor is the ledger actor of the re-wraps (default system:key-rotation).
	Actor string
	Log   *slog.Logger
}

// RotateResult says what Rotate did.
type RotateResult struct {
	Rewrapped int    `json:"rewrapped"`        // testimonies re-wrapped by this run
	KeyID     string `json:"key_id"`           // the new recipients' ID
	Retired   string `json:"retired,omitzero"` // where the old server key was moved
}

// Rotate moves the vault to a new server key (and, with opt.Escrow, new
// escrow recipients): it writes the new key to NextKeyFile, re-wraps every
// protected field to the new recipients in batches (each batch one
// transaction, logged in the ledger as updates), and only when none is
// left swaps the files: the old server key becomes vault.key.retired-TIME
// (destroy it once no backup older than the rotation needs it).
//
// It is resumable: after a crash, running it again finds NextKeyFile and
// carries on with the testimonies not yet re-wrapped; meanwhile both keys
// decrypt. Keys given through the environment cannot be rotated here.
func Rotate(ctx context.Context, dataDir string, getenv func(string) string, st Rewrapper, opt RotateOptions) (_ RotateResult, err error) {
	defer errs.Wrap(&err, "rotating vault keys in %s", dataDir)
	if getenv != nil && (getenv(EnvKey) != "" || getenv(EnvEscrow) != "") {
		return RotateResult{}, errs.E(errs.Invalid, "%s or %s is set: rotation rewrites the key files, so keep the keys in files while rotating", EnvKey, EnvEscrow)
	}
	if opt.Batch <= 0 {
		opt.Batch = 100
	}
	if opt.Actor == "" {
		opt.Actor = "system:key-rotation"
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := finishSwap(dataDir); err != nil {
		return RotateResult{}, err
	}
	cur, _, err := Load(dataDir, getenv, false)
	if err != nil {
		return RotateResult{}, err
	}
	target, err := prepareNext(dataDir, cur, opt.Escrow)
	if err != nil {
		return RotateResult{}, err
	}
	res := RotateResult{KeyID: target.ID()}
	last := time.Now()
	for {
		batch, err := st.TestimoniesToRewrap(ctx, target.ID(), opt.Batch)
		if err != nil {
			return res, err
		}
		if len(batch) == 0 {
			break
		}
		prev := make([]string, len(batch))
		for i := range batch {
			prev[i] = batch[i].KeyID
			if err := target.rewrap(&batch[i]); err != nil {
				return res, err
			}
		}
		if err := st.RewrapTestimonies(ctx, batch, prev, opt.Actor); err != nil {
			return res, err
		}
		res.Rewrapped += len(batch)
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			log.Info("key rotation: re-wrapping", "testimonies", res.Rewrapped)
		}
	}
	retired, err := swap(dataDir)
	if err != nil {
		return res, err
	}
	res.Retired = retired
	log.Info("key rotation done", "testimonies", res.Rewrapped, "key_id", res.KeyID, "retired", retired)
	return res, nil
}

// prepareNext makes or reads the next server key and escrow recipients and
// returns the keys to re-wrap to. Its identities also hold the current
// ones, so fields not yet re-wrapped open.
func prepareNext(dataDir string, cur *Keys, escrow []string) (*Keys, error) {
	nextPath := filepath.Join(dataDir, NextKeyFile)
	escrowNext := filepath.Join(dataDir, NextEscrowFile)
	next, made, err := loadIdentity(dataDir, NextKeyFile, "", true)
	if err != nil {
		return nil, err
	}
	if escrow != nil {
		if err := ParseRecipients(escrow); err != nil {
			return nil, err
		}
		want := RecipientsFile(escrow)
		have, err := os.ReadFile(escrowNext)
		switch {
		case errors.Is(err, fs.ErrNotExist) && made:
			if err := writeExclusive(escrowNext, want, 0o644); err != nil {
				return nil, err
			}
		case errors.Is(err, fs.ErrNotExist):
			return nil, errs.E(errs.Conflict, "a rotation that keeps the escrow recipients is under way (%s); finish it first by running rotate without new escrow recipients", nextPath)
		case err != nil:
			return nil, err
		case !slices.Equal(splitRecipients(string(have)), splitRecipients(string(want))):
			return nil, errs.E(errs.Conflict, "a rotation to other escrow recipients is under way (%s); finish it first by running rotate without --escrow", escrowNext)
		}
	}
	recips, err := os.ReadFile(escrowNext)
	var esc []string
	switch {
	case err == nil:
		esc = splitRecipients(string(recips))
	case errors.Is(err, fs.ErrNotExist):
		esc, _, err = loadEscrow(dataDir, "", false)
		if err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	return newKeys(next, cur.identities, esc, cur.indexKey)
}

// rewrap re-encrypts each of t's protected fields to k's recipients.
func (k *Keys) rewrap(t *store.Testimony) error {
	for i := range t.Protected {
		f := &t.Protected[i]
		pt, err := k.open(f.Ciphertext)
		if err != nil {
			return errs.E(errs.KindOf(err), "testimony %s field %s: %v", t.ID, f.Name, err)
		}
		if f.Ciphertext, err = k.seal(pt); err != nil {
			return err
		}
		clear(pt)
	}
	t.KeyID = k.ID()
	return nil
}

// swap makes the next keys current and returns where the old server key
// went.
func swap(dataDir string) (string, error) {
	stamp := time.Now().UTC().Format("20060102T150405Z")
	key, next := filepath.Join(dataDir, KeyFile), filepath.Join(dataDir, NextKeyFile)
	retired := key + ".retired-" + stamp
	if err := os.Rename(key, retired); err != nil {
		return "", err
	}
	if err := os.Rename(next, key); err != nil {
		return "", err
	}
	esc, escNext := filepath.Join(dataDir, EscrowFile), filepath.Join(dataDir, NextEscrowFile)
	if _, err := os.Stat(escNext); err == nil {
		if err := os.Rename(esc, esc+".retired-"+stamp); err != nil {
			return "", err
		}
		if err := os.Rename(escNext, esc); err != nil {
			return "", err
		}
	}
	return retired, syncDir(dataDir)
}

// finishSwap completes a swap a crash interrupted: the server key was
// moved away but the next one not yet put in its place.
func finishSwap(dataDir string) error {
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(dataDir, name))
		return err == nil
	}
	done := false
	if !exists(KeyFile) && exists(NextKeyFile) {
		if err := os.Rename(filepath.Join(dataDir, NextKeyFile), filepath.Join(dataDir, KeyFile)); err != nil {
			return err
		}
		done = true
	}
	if !exists(NextKeyFile) && !exists(EscrowFile) && exists(NextEscrowFile) {
		if err := os.Rename(filepath.Join(dataDir, NextEscrowFile), filepath.Join(dataDir, EscrowFile)); err != nil {
			return err
		}
		done = true
	}
	if !done {
		return nil
	}
	return syncDir(dataDir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// GenerateEscrow makes a new escrow identity and returns it in age's
// identity-file format, with its recipient.
func GenerateEscrow() (identity []byte, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, "", err
	}
	return identityFile(id, "Vigil vault ESCROW key: keep it offline"), id.Recipient().String(), nil
}
