// Package vault protects what could expose the people who speak to
// investigators: a witness's name and contact, the exact place of a
// sensitive testimony, notes an analyst marks as protected.
//
// Each protected field is encrypted on its own with age (filippo.io/age,
// X25519) to two kinds of recipient: the server's key, which lives in the
// data directory or the environment, and one or more escrow keys whose
// private halves are kept offline, so the data can be recovered with the
// plain age tool if the server's key is lost. Neither private key is ever
// in the database. Fields that are looked up (the witness's name and
// contact) also get a blind index: HMAC-SHA-256 under a third key over the
// normalised value, which finds the same witness again without decrypting
// anything and reveals nothing to whoever lacks the key.
//
// Rotate re-wraps every protected field to a new server key (and, if
// asked, new escrow recipients), in batches that are each one
// transaction, resumably. See docs/adr/0008-witness-protection.md.
package vault

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Where keys come from. Environment variables win over files.
const (
	// EnvKey may hold the server's age identity (AGE-SECRET-KEY-1...).
	EnvKey = "VIGIL_VAULT_KEY"
	// EnvIndexKey may hold the blind-index key (64 hex digits).
	EnvIndexKey = "VIGIL_VAULT_INDEX_KEY"
	// EnvEscrow may hold the escrow recipients (age1..., separated by
	// spaces or commas).
	EnvEscrow = "VIGIL_VAULT_ESCROW"

	// KeyFile is the server's identity in the data directory (mode 0600),
	// in age-keygen's format, so `age -d -i vault.key` reads it.
	KeyFile = "vault.key"
	// IndexKeyFile is the blind-index key (mode 0600), 64 hex digits.
	IndexKeyFile = "vault-index.key"
	// EscrowFile lists the escrow recipients, one age1... per line (age's
	// recipients-file format, `age -R`). It holds no secret.
	EscrowFile = "vault-escrow.txt"
	// EscrowIdentityFile is where an escrow identity generated on first
	// use is written (mode 0600). It must be moved offline: while it sits
	// beside the data it protects against nothing.
	EscrowIdentityFile = "vault-escrow.key"
	// NextKeyFile and NextEscrowFile hold the keys a rotation is moving
	// to, until it completes.
	NextKeyFile    = "vault.key.next"
	NextEscrowFile = "vault-escrow.txt.next"
)

// Keys are the vault's keys.
type Keys struct {
	// identities decrypt: the current server key, then the next one
	// while a rotation is under way.
	identities []age.Identity
	// recipients encrypt: the server's public key and the escrow keys.
	recipients []age.Recipient
	recipStr   []string // sorted
	indexKey   []byte
	id         string
}

// ID names the set of recipients new ciphertexts are made for: the first
// 16 hex digits of the SHA-256 of the sorted recipients. It is stored with
// each testimony so rotation knows which rows are done.
func (k *Keys) ID() string { return k.id }

// Recipients returns the recipients new ciphertexts are made for, sorted.
func (k *Keys) Recipients() []string { return slices.Clone(k.recipStr) }

// newKeys assembles keys from a server identity, escrow recipients and an
// index key.
func newKeys(server *age.X25519Identity, extra []age.Identity, escrow []string, indexKey []byte) (*Keys, error) {
	if len(escrow) == 0 {
		return nil, errs.E(errs.Invalid, "vault: no escrow recipient: without one, losing the server key loses every protected field")
	}
	if len(indexKey) != 32 {
		return nil, errs.E(errs.Invalid, "vault: the blind-index key must be 32 bytes")
	}
	k := &Keys{identities: append([]age.Identity{server}, extra...), indexKey: indexKey}
	strs := []string{server.Recipient().String()}
	k.recipients = []age.Recipient{server.Recipient()}
	for _, e := range escrow {
		r, err := age.ParseX25519Recipient(e)
		if err != nil {
			return nil, errs.E(errs.Invalid, "vault: escrow recipient %q is not an age X25519 public key (age1...)", shorten(e, 70))
		}
		if slices.Contains(strs, r.String()) {
			continue
		}
		k.recipients = append(k.recipients, r)
		strs = append(strs, r.String())
	}
	if len(k.recipients) < 2 {
		return nil, errs.E(errs.Invalid, "vault: the escrow recipient is the server's own key")
	}
	slices.Sort(strs)
	k.recipStr = strs
	sum := sha256.Sum256([]byte(strings.Join(strs, "\n")))
	k.id = hex.EncodeToString(sum[:8])
	return k, nil
}

// Load reads the vault's keys from the environment (getenv; nil reads
// none) or from dataDir. With create, missing key files are generated:
// the server key, the index key and, when there is no escrow recipient at
// all, an escrow identity written to EscrowIdentityFile, which the
// operator must move offline (Load's caller is told by Created).
// Without create, a missing key fails with errs.NotFound. Key files that
// others can read are refused.
//
// When a rotation is under way (NextKeyFile exists), the next key also
// decrypts, so fields already re-wrapped stay readable.
func Load(dataDir string, getenv func(string) string, create bool) (_ *Keys, created []string, err error) {
	defer errs.Wrap(&err, "vault keys in %s", dataDir)
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if create {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, nil, err
		}
	}
	if err := finishSwap(dataDir); err != nil {
		return nil, nil, err
	}
	server, made, err := loadIdentity(dataDir, KeyFile, getenv(EnvKey), create)
	if err != nil {
		return nil, nil, err
	}
	if made {
		created = append(created, KeyFile)
	}
	indexKey, made, err := loadIndexKey(dataDir, getenv(EnvIndexKey), create)
	if err != nil {
		return nil, nil, err
	}
	if made {
		created = append(created, IndexKeyFile)
	}
	escrow, made, err := loadEscrow(dataDir, getenv(EnvEscrow), create)
	if err != nil {
		return nil, nil, err
	}
	if made {
		created = append(created, EscrowIdentityFile, EscrowFile)
	}
	var extra []age.Identity
	next, _, err := loadIdentity(dataDir, NextKeyFile, "", false)
	switch {
	case err == nil:
		extra = append(extra, next)
	case !errs.Is(err, errs.NotFound):
		return nil, nil, err
	}
	k, err := newKeys(server, extra, escrow, indexKey)
	return k, created, err
}

// loadIdentity reads an X25519 identity from env (when set) or the file
// name in dir, generating the file with create. made says it was.
func loadIdentity(dir, name, env string, create bool) (_ *age.X25519Identity, made bool, err error) {
	if env != "" {
		id, err := parseIdentity([]byte(env))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", EnvKey, err)
		}
		return id, false, nil
	}
	path := filepath.Join(dir, name)
	data, err := readSecret(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, false, errs.E(errs.NotFound, "no vault key: %s does not exist and %s is not set", path, EnvKey)
		}
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, false, err
		}
		if err := writeExclusive(path, identityFile(id, "Vigil vault server key"), 0o600); errors.Is(err, fs.ErrExist) {
			return loadIdentity(dir, name, env, false) // another process made it first
		} else if err != nil {
			return nil, false, err
		}
		return id, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	id, err := parseIdentity(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return id, false, nil
}

// identityFile renders id as age-keygen writes it.
func identityFile(id *age.X25519Identity, what string) []byte {
	return fmt.Appendf(nil, "# %s, created %s\n# public key: %s\n%s\n",
		what, time.Now().UTC().Format(time.RFC3339), id.Recipient(), id)
}

// parseIdentity reads one X25519 identity from an age identity file (or
// a bare AGE-SECRET-KEY-1 line). Errors never echo the key.
func parseIdentity(data []byte) (*age.X25519Identity, error) {
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil || len(ids) != 1 {
		return nil, errs.E(errs.Invalid, "not exactly one age identity (AGE-SECRET-KEY-1...)")
	}
	id, ok := ids[0].(*age.X25519Identity)
	if !ok {
		return nil, errs.E(errs.Invalid, "the age identity is not an X25519 key")
	}
	return id, nil
}

func loadIndexKey(dir, env string, create bool) (_ []byte, made bool, err error) {
	parse := func(s string) ([]byte, error) {
		b, err := hex.DecodeString(strings.TrimSpace(s))
		if err != nil || len(b) != 32 {
			return nil, errs.E(errs.Invalid, "blind-index key is not 64 hex digits")
		}
		return b, nil
	}
	if env != "" {
		b, err := parse(env)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", EnvIndexKey, err)
		}
		return b, false, nil
	}
	path := filepath.Join(dir, IndexKeyFile)
	data, err := readSecret(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, false, errs.E(errs.NotFound, "no blind-index key: %s does not exist and %s is not set", path, EnvIndexKey)
		}
		b := make([]byte, 32)
		rand.Read(b)
		if err := writeExclusive(path, []byte(hex.EncodeToString(b)+"\n"), 0o600); errors.Is(err, fs.ErrExist) {
			return loadIndexKey(dir, env, false)
		} else if err != nil {
			return nil, false, err
		}
		return b, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	b, err := parse(string(data))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return b, false, nil
}

// loadEscrow returns the escrow recipients from env or EscrowFile. With
// create and neither, it generates an escrow identity into
// EscrowIdentityFile and its recipient into EscrowFile.
func loadEscrow(dir, env string, create bool) (_ []string, made bool, err error) {
	if env != "" {
		return splitRecipients(env), false, nil
	}
	path := filepath.Join(dir, EscrowFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, false, errs.E(errs.NotFound, "no escrow recipient: %s does not exist and %s is not set", path, EnvEscrow)
		}
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, false, err
		}
		if err := writeExclusive(filepath.Join(dir, EscrowIdentityFile), identityFile(id, "Vigil vault ESCROW key: move it offline, then delete it here"), 0o600); err != nil {
			return nil, false, err
		}
		if err := writeExclusive(path, RecipientsFile([]string{id.Recipient().String()}), 0o644); err != nil {
			return nil, false, err
		}
		return []string{id.Recipient().String()}, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	rs := splitRecipients(string(data))
	if len(rs) == 0 {
		return nil, false, errs.E(errs.Invalid, "%s lists no recipient", path)
	}
	return rs, false, nil
}

// RecipientsFile renders recipients in age's recipients-file format.
func RecipientsFile(rs []string) []byte {
	var b bytes.Buffer
	b.WriteString("# Vigil vault escrow recipients (public keys; the private keys are kept offline)\n")
	for _, r := range rs {
		b.WriteString(r + "\n")
	}
	return b.Bytes()
}

// splitRecipients reads recipients separated by space, commas or lines,
// skipping # comments.
func splitRecipients(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		out = append(out, strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })...)
	}
	return out
}

// ParseRecipients checks that each of rs is an age X25519 recipient.
func ParseRecipients(rs []string) error {
	for _, r := range rs {
		if _, err := age.ParseX25519Recipient(r); err != nil {
			return errs.E(errs.Invalid, "%q is not an age X25519 public key (age1...)", shorten(r, 70))
		}
	}
	return nil
}

// readSecret reads a key file, refusing one that others can read.
func readSecret(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, errs.E(errs.Forbidden, "key file %s is readable by others (mode %v); run chmod 600 on it", path, fi.Mode().Perm())
	}
	if fi.Size() > 64<<10 {
		return nil, errs.E(errs.Invalid, "key file %s is over 64 KiB", path)
	}
	return os.ReadFile(path)
}

// writeExclusive creates path with data, failing with fs.ErrExist if it
// exists; the file is synced before it is closed.
func writeExclusive(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// seal encrypts plaintext to the vault's recipients. The result is a
// binary age file: `age -d -i KEY` decrypts it.
func (k *Keys) seal(plaintext []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := age.Encrypt(&b, k.recipients...)
	if err != nil {
		return nil, fmt.Errorf("vault: encrypting: %w", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("vault: encrypting: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("vault: encrypting: %w", err)
	}
	return b.Bytes(), nil
}

// MaxPlaintext bounds what Open returns.
const MaxPlaintext = 32 << 10

// open decrypts a ciphertext made by seal. A ciphertext no key of the
// vault opens, or that was altered, fails with errs.Invalid.
func (k *Keys) open(ciphertext []byte) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(ciphertext), k.identities...)
	if err != nil {
		return nil, errs.E(errs.Invalid, "vault: cannot decrypt: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxPlaintext+1))
	if err != nil {
		return nil, errs.E(errs.Invalid, "vault: ciphertext is damaged or was altered: %v", err)
	}
	if len(out) > MaxPlaintext {
		return nil, errs.E(errs.Invalid, "vault: plaintext exceeds %d bytes", MaxPlaintext)
	}
	return out, nil
}

// BlindIndex returns the blind index of a field's value: hex
// HMAC-SHA-256 under the index key of the field's name, a zero byte and
// the value as Normalize leaves it. Equal values (after normalisation)
// of the same field give equal indexes; without the key, an index says
// nothing about its value. An empty value has no index ("").
func (k *Keys) BlindIndex(field, value string) string {
	v := Normalize(field, value)
	if v == "" {
		return ""
	}
	m := hmac.New(sha256.New, k.indexKey)
	m.Write([]byte(field))
	m.Write([]byte{0})
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}
