package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

func init() {
	register(command{"verify", "check every stored document and record against the tamper-evident ledger", 50, runVerify})
}

func runVerify(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "verify", "vigil verify [--data DIR] [--key VERIFIER_KEY|@FILE] [--checkpoint | --consistency OLD_CHECKPOINT | --print-key]",
		`Check every stored document's bytes against its SHA-256, every record against the ledger leaves that log
it, the ledger's Merkle tree against every signed checkpoint, and the checkpoints' signatures. Prints one line
per discrepancy, naming the record and what differs; exit status 1 if there is any, 0 when all hold.

--checkpoint signs a checkpoint of the ledger after a clean verification and prints it (keep it somewhere
else: it is what --consistency checks against later). --consistency OLD_CHECKPOINT proves that the ledger
only grew since OLD_CHECKPOINT was signed. --print-key prints the public key to publish.

The signing key is $VIGIL_LEDGER_KEY or ledger.key in the data directory (made on first use).`)
	keyArg := fset.String("key", "", "public verifier `key` (NAME+HASH+DATA, or @FILE) to check signatures with instead of the data directory's")
	sign := fset.Bool("checkpoint", false, "after a clean verification, sign a checkpoint of the ledger and print it")
	consistency := fset.String("consistency", "", "`file` holding an older signed checkpoint: prove the ledger only grew since")
	printKey := fset.Bool("print-key", false, "print the ledger's public verifier key and exit")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *sign && *consistency != "" {
		return usagef("--checkpoint and --consistency do not go together")
	}
	a, st, err := openLedger(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	if *printKey {
		k, err := ledger.LoadKey(a.Config.DataDir, e.Getenv, true)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, k.VerifierKey)
		return nil
	}
	v, err := verifier(a.Config.DataDir, e, *keyArg)
	if err != nil {
		return err
	}

	if *consistency != "" {
		old, err := readSmall(*consistency, ledger.MaxCheckpointSize)
		if err != nil {
			return err
		}
		if v == nil {
			return errs.E(errs.NotFound, "no ledger key to check %s with: give --key", *consistency)
		}
		oldC, cur, _, err := ledger.Consistency(ctx, st, old, v)
		if err != nil {
			if errs.Is(err, errs.Invalid) {
				fmt.Fprintf(e.Stdout, "ledger: %s\n", oneLine(err.Error()))
				return failedError{1}
			}
			return fmt.Errorf("%s: %w", *consistency, err)
		}
		fmt.Fprintf(e.Stdout, "ok: the ledger of %d leaves extends the checkpoint of %d leaves in %s\n", cur.Size, oldC.Size, *consistency)
		return nil
	}

	res, err := ledger.Verify(ctx, st, ledger.Options{Blobs: a.Blobs, Verifier: v, Log: e.Log})
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(e.Stdout, oneLine(p.String()))
	}
	for _, n := range res.Notes {
		e.Log.Info("verify: " + n)
	}
	if !res.OK() {
		e.Log.Info("verify: failed", "problems", len(res.Problems), "records", res.Records, "leaves", res.Leaves)
		return failedError{len(res.Problems)}
	}
	summary := fmt.Sprintf("ok: %d documents and %d records hold; the ledger has %d leaves", res.Documents, res.Records, res.Leaves)
	if res.Latest != nil {
		summary += fmt.Sprintf(", the latest checkpoint (%d leaves) is signed by %s", res.Latest.Size, res.Latest.Origin)
	}
	if !*sign {
		fmt.Fprintln(e.Stdout, summary)
		return nil
	}
	e.Log.Info(summary)
	k, err := ledger.LoadKey(a.Config.DataDir, e.Getenv, true)
	if err != nil {
		return err
	}
	c, signed, err := ledger.Issue(ctx, st, k)
	if err != nil {
		return err
	}
	if c.Size != res.Tree.Size || c.Hash != res.Tree.Hash {
		return fmt.Errorf("the ledger changed while it was verified (now %d leaves); run vigil verify --checkpoint again", c.Size)
	}
	_, err = e.Stdout.Write(signed)
	return err
}

// openLedger opens the store-backed app and its ledger.
func openLedger(ctx context.Context, cfg *app.Config) (*app.App, store.Ledger, error) {
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return nil, nil, err
	}
	st, ok := a.Store.(store.Ledger)
	if !ok {
		a.Close()
		return nil, nil, errs.E(errs.Unavailable, "this store keeps no ledger yet")
	}
	return a, st, nil
}

// verifier returns the key to check signatures with: the one given
// (NAME+HASH+DATA or @FILE), else the data directory's, else nil.
func verifier(dataDir string, e *Env, arg string) (note.Verifier, error) {
	if arg != "" {
		return parseKeyArg(arg)
	}
	k, err := ledger.LoadKey(dataDir, e.Getenv, false)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return k.Verifier, nil
}

// parseKeyArg parses a --key value: a verifier key, or @FILE holding one.
func parseKeyArg(arg string) (note.Verifier, error) {
	if name, ok := strings.CutPrefix(arg, "@"); ok {
		b, err := readSmall(name, 4096)
		if err != nil {
			return nil, err
		}
		arg = string(b)
	}
	return ledger.ParseVerifierKey(arg)
}

// readSmall reads a file of at most max bytes.
func readSmall(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, errs.E(errs.Invalid, "%s is larger than %d bytes", name, max)
	}
	return b, nil
}
