package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Where the signing key comes from.
const (
	// EnvKey names the environment variable that may hold the signing key
	// (a note signer key, "PRIVATE+KEY+NAME+HASH+DATA"); it wins over the
	// key file.
	EnvKey = "VIGIL_LEDGER_KEY"
	// KeyFile is the signing key's file in the data directory (mode 0600).
	KeyFile = "ledger.key"
	// PubFile is the verifier key's file in the data directory, for
	// publishing.
	PubFile = "ledger.pub"
)

// Key is the ledger's signing key. Its name is the log's origin: the first
// line of every checkpoint it signs.
type Key struct {
	Signer      note.Signer
	Verifier    note.Verifier
	VerifierKey string // the public key in note's text form: NAME+HASH+DATA
}

// Name returns the key's name, the log's origin.
func (k *Key) Name() string { return k.Signer.Name() }

// GenerateKey makes a new Ed25519 signing key named
// "vigil-ledger/" followed by random hex digits.
func GenerateKey() (skey string, err error) {
	var b [8]byte
	rand.Read(b[:])
	skey, _, err = note.GenerateKey(rand.Reader, "vigil-ledger/"+hex.EncodeToString(b[:]))
	return skey, err
}

// ParseKey parses a note signer key and derives its verifier key.
// Errors are of kind errs.Invalid and never echo the key.
func ParseKey(skey string) (*Key, error) {
	skey = strings.TrimSpace(skey)
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, errs.E(errs.Invalid, "ledger signing key is malformed (want PRIVATE+KEY+NAME+HASH+DATA, as note.GenerateKey writes)")
	}
	// PRIVATE+KEY+NAME+HASH+DATA; DATA, in base64, may itself hold '+'.
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return nil, errs.E(errs.Invalid, "ledger signing key is not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, errs.E(errs.Invalid, "ledger signing key: %v", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, errs.E(errs.Invalid, "ledger signing key: %v", err)
	}
	if v.KeyHash() != s.KeyHash() {
		return nil, errs.E(errs.Invalid, "ledger signing key: its hash does not match its public key")
	}
	return &Key{Signer: s, Verifier: v, VerifierKey: vkey}, nil
}

// ParseVerifierKey parses a public verifier key (NAME+HASH+DATA).
// Errors are of kind errs.Invalid.
func ParseVerifierKey(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, errs.E(errs.Invalid, "verifier key %q is malformed: %v", shorten(vkey, 80), err)
	}
	return v, nil
}

// LoadKey returns the signing key from the environment variable EnvKey
// (getenv) or from KeyFile in dataDir. With create, a missing key file is
// generated (mode 0600) with PubFile beside it; without, a missing key
// fails with errs.NotFound. A key file that others can read is refused.
func LoadKey(dataDir string, getenv func(string) string, create bool) (*Key, error) {
	if getenv != nil {
		if s := getenv(EnvKey); s != "" {
			k, err := ParseKey(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", EnvKey, err)
			}
			return k, nil
		}
	}
	path := filepath.Join(dataDir, KeyFile)
	data, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, errs.E(errs.NotFound, "no ledger key: %s does not exist and %s is not set", path, EnvKey)
		}
		return createKey(dataDir)
	}
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, errs.E(errs.Forbidden, "ledger key %s is readable by others (mode %v); run chmod 600 on it", path, fi.Mode().Perm())
	}
	return os.ReadFile(path)
}

// createKey generates a key into dataDir. Two processes racing to create
// it both end up with the one that was written first.
func createKey(dataDir string) (*Key, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	skey, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(skey)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, KeyFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(dataDir, nil, false)
	}
	if err != nil {
		return nil, fmt.Errorf("creating ledger key: %w", err)
	}
	_, err = f.WriteString(skey + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("writing ledger key %s: %w", path, err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, PubFile), []byte(k.VerifierKey+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("writing ledger verifier key: %w", err)
	}
	return k, nil
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
