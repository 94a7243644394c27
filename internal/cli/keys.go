package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
)

func init() {
	register(command{"keys", "make, rotate and publish the vault's keys that protect witnesses", 70, runKeys})
}

func runKeys(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "keys", "vigil keys init|rotate|export-recipients [--data DIR] [flags]",
		`Manage the keys that encrypt witnesses' names, contacts, exact places and protected notes.

  init               make the server key, the blind-index key and (unless --escrow gives one) an escrow key
                     pair; with --escrow-out FILE the escrow identity goes to FILE instead of the data
                     directory. Keep the escrow identity offline: with it, age alone recovers every field.
  rotate             re-wrap every protected field to a new server key (and to --escrow recipients if
                     given); resumable: run it again after an interruption.
  export-recipients  print the public keys fields are encrypted to (age's recipients-file format).

Keys come from $VIGIL_VAULT_KEY, $VIGIL_VAULT_INDEX_KEY and $VIGIL_VAULT_ESCROW, else from vault.key,
vault-index.key and vault-escrow.txt in the data directory. See docs/adr/0008-witness-protection.md.`)
	escrow := fset.String("escrow", "", "escrow `recipients` (age1..., comma-separated) to encrypt to instead of generating a key pair")
	escrowOut := fset.String("escrow-out", "", "init: write a generated escrow identity to `file` (mode 0600) instead of the data directory")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want one of init, rotate, export-recipients")
	}
	var recips []string
	if *escrow != "" {
		recips = strings.Split(*escrow, ",")
		if err := vault.ParseRecipients(recips); err != nil {
			return usagef("--escrow: %v", err)
		}
	}
	switch rest[0] {
	case "init":
		return keysInit(e, cfg.DataDir, recips, *escrowOut)
	case "export-recipients":
		k, _, err := vault.Load(cfg.DataDir, e.Getenv, false)
		if err != nil {
			return err
		}
		_, err = e.Stdout.Write(vault.RecipientsFile(k.Recipients()))
		return err
	case "rotate":
		if *escrowOut != "" {
			return usagef("--escrow-out goes with init; rotate takes --escrow recipients")
		}
		a, st, err := openProtected(ctx, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		res, err := vault.Rotate(ctx, cfg.DataDir, e.Getenv, st, vault.RotateOptions{Escrow: recips, Log: e.Log})
		if err != nil {
			return err
		}
		return writeJSON(e, res)
	}
	return usagef("unknown subcommand %q", rest[0])
}

// keysInit makes the vault's keys. An escrow identity it generates goes to
// escrowOut, or into the data directory with a warning.
func keysInit(e *Env, dataDir string, escrow []string, escrowOut string) error {
	if _, err := os.Stat(filepath.Join(dataDir, vault.EscrowFile)); err == nil && (escrow != nil || escrowOut != "") {
		return errs.E(errs.Conflict, "%s already exists: use 'vigil keys rotate --escrow' to change escrow recipients", filepath.Join(dataDir, vault.EscrowFile))
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	if escrow == nil && escrowOut != "" {
		id, r, err := vault.GenerateEscrow()
		if err != nil {
			return err
		}
		f, err := os.OpenFile(escrowOut, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("escrow identity: %w", err)
		}
		_, err = f.Write(id)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("escrow identity %s: %w", escrowOut, err)
		}
		escrow = []string{r}
	}
	if escrow != nil {
		if err := os.WriteFile(filepath.Join(dataDir, vault.EscrowFile), vault.RecipientsFile(escrow), 0o644); err != nil {
			return err
		}
	}
	k, created, err := vault.Load(dataDir, e.Getenv, true)
	if err != nil {
		return err
	}
	for _, c := range created {
		if c == vault.EscrowIdentityFile {
			e.Log.Warn("an escrow identity was written into the data directory: move it offline now, then delete it there",
				"file", filepath.Join(dataDir, c))
		}
	}
	return writeJSON(e, map[string]any{"key_id": k.ID(), "recipients": k.Recipients(), "created": created})
}

// openProtected opens the app and asserts its store keeps users and
// testimonies.
func openProtected(ctx context.Context, cfg *app.Config) (*app.App, store.ProtectedStore, error) {
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return nil, nil, err
	}
	st, ok := a.Store.(store.ProtectedStore)
	if !ok {
		a.Close()
		return nil, nil, errs.E(errs.Unavailable, "this store keeps no users or testimonies")
	}
	return a, st, nil
}
