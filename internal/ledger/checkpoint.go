package ledger

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/errs"
)

// MaxCheckpointSize bounds a signed checkpoint; parsers refuse longer input.
const MaxCheckpointSize = 8 << 10

// Checkpoint is a commitment to the log's first Size leaves, in the C2SP
// tlog-checkpoint format: the origin line, the size in decimal, the root
// hash in standard base64, each ending in a newline. Signed, it is a C2SP
// signed note.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Body returns the checkpoint's text, the note that is signed.
func (c Checkpoint) Body() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Hash[:]))
}

// ParseCheckpoint parses a checkpoint's text (a note's body). Extension
// lines after the hash are allowed and ignored. Errors are of kind
// errs.Invalid.
func ParseCheckpoint(text string) (Checkpoint, error) {
	var c Checkpoint
	bad := func(format string, args ...any) error {
		return errs.E(errs.Invalid, "checkpoint: "+format, args...)
	}
	if len(text) > MaxCheckpointSize {
		return c, bad("%d bytes exceeds %d", len(text), MaxCheckpointSize)
	}
	if !strings.HasSuffix(text, "\n") {
		return c, bad("does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return c, bad("has %d lines, want at least 3 (origin, size, hash)", len(lines))
	}
	c.Origin = lines[0]
	if c.Origin == "" || strings.IndexFunc(c.Origin, unicode.IsSpace) >= 0 {
		return c, bad("origin %q is empty or has spaces", shorten(c.Origin, 80))
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return c, bad("size %q is not a decimal number", shorten(lines[1], 40))
	}
	c.Size = n
	h, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize || base64.StdEncoding.EncodeToString(h) != lines[2] {
		return c, bad("root hash %q is not %d bytes in base64", shorten(lines[2], 60), tlog.HashSize)
	}
	copy(c.Hash[:], h)
	for _, l := range lines[3:] {
		if l == "" {
			return c, bad("has an empty extension line")
		}
	}
	return c, nil
}

// Sign returns the checkpoint signed with k, as a signed note.
func (c Checkpoint) Sign(k *Key) ([]byte, error) {
	if c.Origin != k.Name() {
		return nil, fmt.Errorf("ledger: checkpoint origin %q differs from the key's name %q", c.Origin, k.Name())
	}
	return note.Sign(&note.Note{Text: c.Body()}, k.Signer)
}

// OpenCheckpoint checks a signed checkpoint's signature with v and returns
// the checkpoint. Its origin must be v's name. Errors are of kind
// errs.Invalid and say what is wrong.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	if len(msg) > MaxCheckpointSize {
		return Checkpoint{}, errs.E(errs.Invalid, "signed checkpoint of %d bytes exceeds %d", len(msg), MaxCheckpointSize)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unknown *note.UnknownVerifierError
		var unverified *note.UnverifiedNoteError
		switch {
		case errors.As(err, &unknown), errors.As(err, &unverified):
			return Checkpoint{}, errs.E(errs.Invalid, "checkpoint is not signed by key %s", v.Name())
		default:
			return Checkpoint{}, errs.E(errs.Invalid, "checkpoint signature does not verify with key %s: %v", v.Name(), err)
		}
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return c, err
	}
	if c.Origin != v.Name() {
		return c, errs.E(errs.Invalid, "checkpoint origin %q is not the key's name %q", c.Origin, v.Name())
	}
	return c, nil
}
