package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultParams follow RFC 9106's second recommended option scaled to a
// laptop (64 MiB, 3 passes, 2 lanes): about 0.4 s a hash on two cores
// (BenchmarkHashPassword), paid once per login.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// Bounds on what a stored hash may ask for, so a tampered hash cannot make
// a login burn the server's memory.
const (
	maxMemory       = 1 << 20 // 1 GiB
	maxTime         = 16
	saltLen, keyLen = 16, 32
)

// Password length limits, in bytes.
const (
	MinPassword = 12
	MaxPassword = 1024
)

// CheckPassword says whether a new password is acceptable.
func CheckPassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return errs.E(errs.Invalid, "password is not UTF-8")
	case utf8.RuneCountInString(pw) < MinPassword:
		return errs.E(errs.Invalid, "password is shorter than %d characters", MinPassword)
	case len(pw) > MaxPassword:
		return errs.E(errs.Invalid, "password is longer than %d bytes", MaxPassword)
	}
	return nil
}

// HashPassword hashes pw with argon2id and a random salt, in the PHC
// string format: $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH.
func HashPassword(pw string, p Params) (string, error) {
	if len(pw) > MaxPassword {
		return "", errs.E(errs.Invalid, "password is longer than %d bytes", MaxPassword)
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash, comparing in constant
// time. A malformed hash fails with errs.Invalid.
func VerifyPassword(pw, hash string) (bool, error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	if len(pw) > MaxPassword {
		return false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash reads a PHC argon2id string.
func parseHash(h string) (p Params, salt, key []byte, err error) {
	bad := func() (Params, []byte, []byte, error) {
		return Params{}, nil, nil, errs.E(errs.Invalid, "stored password hash is not a PHC argon2id string")
	}
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad()
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return bad()
	}
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || n != 3 {
		return bad()
	}
	if p.Memory < 8 || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 {
		return bad()
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return bad()
	}
	if key, err = enc.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return bad()
	}
	return p, salt, key, nil
}
