package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
)

func openTemp(t *testing.T) (*FS, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := OpenFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestValidSum(t *testing.T) {
	good := Sum([]byte("x"))
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"computed", good, true},
		{"all zeros", strings.Repeat("0", 64), true},
		{"empty", "", false},
		{"short", good[:63], false},
		{"long", good + "0", false},
		{"upper case", strings.ToUpper(good), false},
		{"non hex", strings.Repeat("g", 64), false},
		{"traversal", "../" + good[3:], false},
		{"slash", good[:10] + "/" + good[11:], false},
		{"nul", good[:63] + "\x00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidSum(tt.in); got != tt.want {
				t.Errorf("ValidSum(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzValidSum(f *testing.F) {
	f.Add(Sum(nil))
	f.Add(strings.ToUpper(Sum(nil)))
	f.Add("../../etc/passwd")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got := ValidSum(s)
		// Reference: a valid sum is exactly what hex encoding of 32 bytes yields.
		b, err := hex.DecodeString(s)
		want := err == nil && len(b) == sha256.Size && hex.EncodeToString(b) == s
		if got != want {
			t.Fatalf("ValidSum(%q) = %v, reference says %v", s, got, want)
		}
		if got && blobPath(s) != filepath.ToSlash(filepath.Join("sha256", s[:2], s[2:4], s)) {
			t.Fatalf("blobPath(%q) = %q escapes its layout", s, blobPath(s))
		}
	})
}

func TestPutGetStat(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	for _, data := range [][]byte{nil, []byte("a"), bytes.Repeat([]byte("Nampala, Ségou. "), 10000)} {
		sum, err := s.Put(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		if want := Sum(data); sum != want {
			t.Fatalf("Put returned %s, want %s", sum, want)
		}
		if _, err := os.Stat(filepath.Join(dir, "sha256", sum[:2], sum[2:4], sum)); err != nil {
			t.Fatalf("blob not at its documented path: %v", err)
		}
		got, err := s.Get(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("Get returned %d bytes, want %d", len(got), len(data))
		}
		size, ok, err := s.Stat(ctx, sum)
		if err != nil || !ok || size != int64(len(data)) {
			t.Fatalf("Stat = %d, %v, %v; want %d, true, nil", size, ok, err, len(data))
		}
	}
}

func TestPutTwiceIsNoOp(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	data := []byte("the same bytes")
	sum, err := s.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "sha256", sum[:2], sum[2:4], sum)
	before, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("second Put of the same bytes replaced the file")
	}
	entries, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the blob", len(entries))
	}
}

func TestGetMissing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	sum := Sum([]byte("never stored"))
	if _, err := s.Get(ctx, sum); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Get(missing) error = %v, want kind NotFound", err)
	}
	if _, ok, err := s.Stat(ctx, sum); ok || err != nil {
		t.Fatalf("Stat(missing) = %v, %v; want false, nil", ok, err)
	}
}

func TestMalformedSums(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	for _, sum := range []string{"", "../../../../etc/passwd", strings.ToUpper(Sum(nil)), Sum(nil)[:40]} {
		if _, err := s.Get(ctx, sum); !errs.Is(err, errs.Invalid) {
			t.Errorf("Get(%q) error = %v, want kind Invalid", sum, err)
		}
		if _, _, err := s.Stat(ctx, sum); !errs.Is(err, errs.Invalid) {
			t.Errorf("Stat(%q) error = %v, want kind Invalid", sum, err)
		}
	}
}

func TestTamperDetected(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	data := []byte("an original report")
	sum, err := s.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "sha256", sum[:2], sum[2:4], sum)
	if err := os.WriteFile(p, []byte("an altered report!"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(ctx, sum)
	if err == nil {
		t.Fatal("Get of a tampered blob succeeded")
	}
	if !strings.Contains(err.Error(), sum) {
		t.Errorf("error %q does not name the blob", err)
	}
	// Putting the original bytes again repairs the blob.
	if _, err := s.Put(ctx, data); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, sum)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after repair Get = %q, %v", got, err)
	}
}

func TestSymlinkEscapeRefused(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	outside := t.TempDir()
	data := []byte("outside")
	sum := Sum(data)
	if err := os.WriteFile(filepath.Join(outside, sum), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sha256", sum[:2]), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "sha256", sum[:2], sum[2:4])); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	if _, err := s.Get(ctx, sum); err == nil {
		t.Fatal("Get followed a symlink out of the store")
	}
}

func TestWalk(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	var want []string
	for _, d := range []string{"one", "two", "three", "four"} {
		sum, err := s.Put(ctx, []byte(d))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, sum)
	}
	slices.Sort(want)
	// Strays are not blobs.
	stray := filepath.Join(dir, "sha256", want[0][:2], want[0][2:4], ".tmp-leftover")
	if err := os.WriteFile(stray, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	misfiled := Sum([]byte("misfiled"))
	if err := os.WriteFile(filepath.Join(dir, "sha256", misfiled), []byte("misfiled"), 0o644); err != nil {
		t.Fatal(err)
	}

	var got []string
	if err := s.Walk(ctx, func(sum string) error { got = append(got, sum); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Walk visited %v, want %v", got, want)
	}

	stop := errors.New("stop")
	n := 0
	err := s.Walk(ctx, func(string) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Walk after fn error: err=%v calls=%d, want stop after 1", err, n)
	}
}

func TestConcurrentPut(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	data := []byte("raced")
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := s.Put(ctx, data)
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Get(ctx, Sum(data)); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func BenchmarkPutGet(b *testing.B) {
	ctx := context.Background()
	s, err := OpenFS(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := bytes.Repeat([]byte("report text "), 2000) // ~24 KB, a long article
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		data[0] = byte(i)
		data[1] = byte(i >> 8)
		sum, err := s.Put(ctx, data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Get(ctx, sum); err != nil {
			b.Fatal(err)
		}
	}
}
