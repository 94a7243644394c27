package ledger_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/ledger"
)

// bundleOf writes the bundle of the fixture's first event.
func bundleOf(t testing.TB, f *fixture) ([]byte, string) {
	t.Helper()
	st, bs := f.open(t)
	defer st.Close()
	defer bs.Close()
	var id string
	if err := f.db(t).QueryRow(`SELECT id FROM events ORDER BY rowid LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ledger.WriteBundle(t.Context(), &b, st, bs, f.key, f.key.Verifier, id); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), id
}

func unzip(t *testing.T, data []byte) (names []string, files map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files = map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		files[f.Name] = b
	}
	return names, files
}

func rezip(t *testing.T, names []string, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	zw.Close()
	return b.Bytes()
}

func TestBundleVerifies(t *testing.T) {
	f := newFixture(t)
	data, id := bundleOf(t, f)
	res, err := ledger.VerifyBundle(bytes.NewReader(data), int64(len(data)), f.key.VerifierKey)
	if err != nil || !res.OK() {
		t.Fatalf("VerifyBundle = %+v, %v", res, err)
	}
	if res.Subject != "event:"+id || res.KeyName != f.key.Name() {
		t.Errorf("result = %+v", res)
	}
	// Signed by another key than the one pinned.
	other, _ := ledger.LoadKey(t.TempDir(), nil, true)
	res, err = ledger.VerifyBundle(bytes.NewReader(data), int64(len(data)), other.VerifierKey)
	if err != nil || res.OK() || !strings.Contains(strings.Join(res.Problems, "\n"), "not the key given") {
		t.Fatalf("VerifyBundle with another pinned key = %+v, %v", res, err)
	}
}

// Follow the README by hand: key hash, leaf hash, inclusion path (RFC
// 9162, 2.1.3.2) and record digest, with nothing but sha256 and base64.
func TestBundleReadmeByHand(t *testing.T) {
	f := newFixture(t)
	data, _ := bundleOf(t, f)
	_, files := unzip(t, data)
	var m ledger.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	body, _, _ := strings.Cut(string(files["checkpoint.txt"]), "\n\n")
	lines := strings.Split(body, "\n")
	root, _ := base64.StdEncoding.DecodeString(lines[2])
	var size int64
	json.Unmarshal([]byte(lines[1]), &size)

	h := func(parts ...[]byte) []byte {
		s := sha256.New()
		for _, p := range parts {
			s.Write(p)
		}
		return s.Sum(nil)
	}
	for _, r := range m.Records {
		for _, l := range r.Leaves {
			hash := h([]byte{0}, files[l.File])
			fn, sn := l.Index, size-1
			for _, p64 := range l.Proof {
				p, _ := base64.StdEncoding.DecodeString(p64)
				if sn == 0 {
					t.Fatal("proof too long")
				}
				if fn&1 == 1 || fn == sn {
					hash = h([]byte{1}, p, hash)
					if fn&1 == 0 {
						for fn&1 == 0 && fn != 0 {
							fn >>= 1
							sn >>= 1
						}
					}
				} else {
					hash = h([]byte{1}, hash, p)
				}
				fn >>= 1
				sn >>= 1
			}
			if sn != 0 || !bytes.Equal(hash, root) {
				t.Errorf("%s %s leaf %d: by-hand inclusion check fails", r.Kind, r.ID, l.Index)
			}
		}
		// Record digest by hand.
		var members map[string]json.RawMessage
		json.Unmarshal(files[r.Content], &members)
		fields := map[string]string{}
		for k, v := range members {
			var inner map[string]json.RawMessage
			if v[0] == '{' && json.Unmarshal(v, &inner) == nil && len(inner) > 0 {
				for k2, v2 := range inner {
					fields[k+"."+k2] = hex.EncodeToString(h(v2))
				}
				continue
			}
			fields[k] = hex.EncodeToString(h(v))
		}
		fj, _ := json.Marshal(fields) // sorted keys, no spaces
		var leaf struct{ SHA256 string }
		json.Unmarshal(files[r.Leaves[len(r.Leaves)-1].File], &leaf)
		if got := hex.EncodeToString(h(fj)); got != leaf.SHA256 {
			t.Errorf("%s %s: by-hand digest %s, leaf says %s", r.Kind, r.ID, got, leaf.SHA256)
		}
	}
}

// Flipping one byte of any file but the README makes the bundle fail.
func TestTamperedBundleFails(t *testing.T) {
	f := newFixture(t)
	data, _ := bundleOf(t, f)
	names, files := unzip(t, data)
	for _, name := range names {
		if name == "README.txt" {
			continue
		}
		for _, pos := range []string{"first", "middle", "last"} {
			t.Run(name+"/"+pos, func(t *testing.T) {
				changed := map[string][]byte{}
				for k, v := range files {
					changed[k] = slices.Clone(v)
				}
				b := changed[name]
				i := map[string]int{"first": 0, "middle": len(b) / 2, "last": len(b) - 2}[pos]
				if i < 0 {
					i = 0
				}
				b[i] ^= 0x04
				bad := rezip(t, names, changed)
				res, err := ledger.VerifyBundle(bytes.NewReader(bad), int64(len(bad)), "")
				if err == nil && res.OK() {
					t.Fatalf("bundle with byte %d of %s flipped verifies", i, name)
				}
			})
		}
	}
	// A file added, or one removed.
	extra := rezip(t, append(slices.Clone(names), "notes.txt"), files)
	if res, err := ledger.VerifyBundle(bytes.NewReader(extra), int64(len(extra)), ""); err == nil && res.OK() {
		t.Error("bundle with an unlisted file verifies")
	}
	for _, drop := range names[1:] {
		less := rezip(t, slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == drop }), files)
		if res, err := ledger.VerifyBundle(bytes.NewReader(less), int64(len(less)), ""); err == nil && res.OK() {
			t.Errorf("bundle without %s verifies", drop)
		}
	}
}

func FuzzVerifyBundle(f *testing.F) {
	data, _ := bundleOf(f, newFixture(f))
	f.Add(data)
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ledger.VerifyBundle(bytes.NewReader(data), int64(len(data)), "")
		if err == nil && res == nil {
			t.Fatal("no result and no error")
		}
	})
}
