// Package blob keeps the original bytes of documents, addressed by their
// SHA-256. The sum is both the name and the checksum of a blob: every read
// is verified against it, so corruption or tampering never goes unnoticed.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Store is a content-addressed store of byte strings.
type Store interface {
	// Put stores data and returns its SHA-256 as 64 lower-case hex digits.
	// Putting bytes that are already stored is a no-op.
	Put(ctx context.Context, data []byte) (sum string, err error)
	// Get returns the bytes stored under sum, verified against it.
	// It fails with errs.NotFound when there is no such blob.
	Get(ctx context.Context, sum string) ([]byte, error)
	// Stat reports the size of the blob stored under sum, and whether it exists.
	Stat(ctx context.Context, sum string) (size int64, ok bool, err error)
	// Walk calls fn with the sum of every stored blob, in lexical order,
	// and stops at the first error fn returns.
	Walk(ctx context.Context, fn func(sum string) error) error
}

// Sum returns the SHA-256 of data as 64 lower-case hex digits, the form
// Store uses to name blobs.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// ValidSum reports whether s is a well-formed sum: exactly 64 lower-case
// hexadecimal digits.
func ValidSum(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func checkSum(sum string) error {
	if !ValidSum(sum) {
		return errs.E(errs.Invalid, "malformed blob sum %q: want 64 lower-case hex digits", sum)
	}
	return nil
}

// topDir is the directory, under the store's root, that holds the blobs.
// Naming it after the hash leaves room for another hash later.
const topDir = "sha256"

// blobPath returns where a blob lives relative to the root:
// sha256/ab/cd/abcd.... sum must be valid.
func blobPath(sum string) string {
	return path.Join(topDir, sum[0:2], sum[2:4], sum)
}

// FS is a Store kept in a directory of the local file system. Every access
// goes through an os.Root, so no name can lead outside the directory.
type FS struct {
	root *os.Root
}

var _ Store = (*FS)(nil)

// OpenFS opens the blob store in dir, creating dir if needed.
func OpenFS(dir string) (_ *FS, err error) {
	defer errs.Wrap(&err, "blob.OpenFS(%q)", dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	if err := root.MkdirAll(topDir, 0o755); err != nil {
		root.Close()
		return nil, err
	}
	return &FS{root: root}, nil
}

// Close releases the directory handle.
func (s *FS) Close() error { return s.root.Close() }

// Put stores data under its sum. The bytes go to a temporary file that is
// synced and then renamed into place, so a blob is either whole or absent.
// A blob already present with the right content is left alone; one whose
// content no longer matches its name is replaced.
func (s *FS) Put(ctx context.Context, data []byte) (sum string, err error) {
	sum = Sum(data)
	defer errs.Wrap(&err, "blob.Put(%s)", sum)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	name := blobPath(sum)
	if existing, err := s.root.ReadFile(name); err == nil && Sum(existing) == sum {
		return sum, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	dir := path.Dir(name)
	if err := s.root.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := path.Join(dir, ".tmp-"+rand.Text())
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			s.root.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := s.root.Rename(tmp, name); err != nil {
		return "", err
	}
	return sum, s.syncDir(dir)
}

// syncDir makes a rename in dir durable.
func (s *FS) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Get returns the blob stored under sum after checking that its content
// still hashes to sum.
func (s *FS) Get(ctx context.Context, sum string) (_ []byte, err error) {
	defer errs.Wrap(&err, "blob.Get(%q)", sum)
	if err := checkSum(sum); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := s.root.ReadFile(blobPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(errs.NotFound, "no blob %s", sum)
	}
	if err != nil {
		return nil, err
	}
	if got := Sum(data); got != sum {
		return nil, fmt.Errorf("blob %s is corrupt or was tampered with: its content hashes to %s", sum, got)
	}
	return data, nil
}

// Stat reports the size of the blob stored under sum without reading it.
func (s *FS) Stat(ctx context.Context, sum string) (size int64, ok bool, err error) {
	defer errs.Wrap(&err, "blob.Stat(%q)", sum)
	if err := checkSum(sum); err != nil {
		return 0, false, err
	}
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	fi, err := s.root.Stat(blobPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if !fi.Mode().IsRegular() {
		return 0, false, fmt.Errorf("blob %s is not a regular file", sum)
	}
	return fi.Size(), true, nil
}

// Walk calls fn with the sum of every blob in the store, in lexical order.
// Files that are not blobs (temporary files, strays) are skipped, and so is
// a blob filed under the wrong directory.
func (s *FS) Walk(ctx context.Context, fn func(sum string) error) error {
	return fs.WalkDir(s.root.FS(), topDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		sum := d.Name()
		if !ValidSum(sum) || p != blobPath(sum) {
			return nil
		}
		return fn(sum)
	})
}
