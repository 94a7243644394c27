package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/ledger"
)

func init() {
	register(command{"bundle", "write an event's evidence, with its proofs, to a self-contained archive", 55, runBundle})
	register(command{"verify-bundle", "check an evidence bundle offline, with nothing but the bundle", 56, runVerifyBundle})
}

func runBundle(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "bundle", "vigil bundle [--data DIR] [--out FILE] EVENT_ID",
		`Write a zip archive that lets anyone check one event offline: the source document's original bytes,
the event's, its report's and its document's records, every ledger leaf logging them with its inclusion
proof, a signed checkpoint, the public key and a README on checking it by hand (or with vigil verify-bundle).
A checkpoint is signed first when none covers the event yet.`)
	out := fset.String("out", "", "`file` to write (default event-ID.zip in the current directory)")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("name exactly one event ID")
	}
	id := rest[0]
	if *out == "" {
		if !safeName(id) {
			return usagef("event ID %q cannot name a file: give --out", id)
		}
		*out = "event-" + id + ".zip"
	}
	a, st, err := openLedger(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	k, err := ledger.LoadKey(a.Config.DataDir, e.Getenv, true)
	if err != nil {
		return err
	}

	tmp, err := os.CreateTemp(filepath.Dir(*out), ".vigil-bundle-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = ledger.WriteBundle(ctx, tmp, st, a.Blobs, k, k.Verifier, id)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errs.KindOf(err) == errs.Other {
			err = fmt.Errorf("event %s: %w", id, err)
		}
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, *out)
	return nil
}

// safeName reports whether s can be part of a file name as it is.
func safeName(s string) bool {
	if s == "" || len(s) > 128 || strings.HasPrefix(s, ".") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func runVerifyBundle(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "verify-bundle", "vigil verify-bundle [--key VERIFIER_KEY|@FILE] FILE",
		`Check an evidence bundle with nothing but its contents: the checkpoint's signature, every leaf's inclusion
proof, every record against its leaves, the document's bytes against their SHA-256, and that the records
name each other. Prints one line per problem (exit status 1), or one line saying what holds.
Without --key the bundle is checked against the key it carries, which proves integrity but not who signed:
give the publisher's published key to prove that too. Needs no data directory and no network.`)
	pin := fset.String("key", "", "the publisher's verifier `key` (NAME+HASH+DATA, or @FILE) the bundle must be signed with")
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("name exactly one bundle file")
	}
	name := rest[0]
	pinKey := *pin
	if file, ok := strings.CutPrefix(pinKey, "@"); ok {
		b, err := readSmall(file, 4096)
		if err != nil {
			return err
		}
		pinKey = strings.TrimSpace(string(b))
	}
	if pinKey != "" {
		if _, err := ledger.ParseVerifierKey(pinKey); err != nil {
			return usagef("--key: %v", err)
		}
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	res, err := ledger.VerifyBundle(f, st.Size(), pinKey)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(e.Stdout, "%s: %s\n", name, oneLine(p))
	}
	if !res.OK() {
		return failedError{len(res.Problems)}
	}
	whose := "the key it carries (give --key to check it is the publisher's)"
	if pinKey != "" {
		whose = "the key given"
	}
	fmt.Fprintf(e.Stdout, "ok: %s holds for %s: log %s, %d leaves, signed with %s\n",
		name, res.Subject, res.Checkpoint.Origin, res.Checkpoint.Size, whose)
	return nil
}
