// Command vendorweb copies the web UI's front-end libraries from their npm
// packages into internal/web/static/vendor, and records in VENDOR.json the
// version, licence, the package's integrity hash and the SHA-256 of every
// file copied. npm is needed only here, at development time: the copies are
// committed, and neither the binary nor CI ever runs Node.
//
//	go run ./devtools/vendorweb [-out internal/web/static/vendor]
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// pkg is one npm package to vendor: which files of its tarball (paths
// under package/) go where.
type pkg struct {
	Name, Version string
	Files         map[string]string // tarball path (without "package/") -> path under the vendor dir
}

// The pinned packages. Bumping a version is editing this list and rerunning.
var pkgs = []pkg{
	{"leaflet", "1.9.4", map[string]string{
		"dist/leaflet.js":               "leaflet/leaflet.js",
		"dist/leaflet.css":              "leaflet/leaflet.css",
		"dist/images/layers.png":        "leaflet/images/layers.png",
		"dist/images/layers-2x.png":     "leaflet/images/layers-2x.png",
		"dist/images/marker-icon.png":   "leaflet/images/marker-icon.png",
		"dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
		"LICENSE":                       "leaflet/LICENSE",
	}},
	{"htmx.org", "2.0.4", map[string]string{
		"dist/htmx.min.js": "htmx/htmx.min.js",
		"LICENSE":          "htmx/LICENSE",
	}},
}

// record is one package's entry in VENDOR.json.
type record struct {
	Name      string            `json:"name"`
	Version   string            `json:"version"`
	License   string            `json:"license"`
	Integrity string            `json:"integrity"` // npm's dist.integrity of the tarball
	Files     map[string]string `json:"files"`     // vendored path -> sha256
}

func main() {
	out := flag.String("out", "internal/web/static/vendor", "vendor directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "vendorweb:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	tmp, err := os.MkdirTemp("", "vendorweb")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var recs []record
	for _, p := range pkgs {
		r, err := vendor(p, tmp, out)
		if err != nil {
			return fmt.Errorf("%s@%s: %w", p.Name, p.Version, err)
		}
		recs = append(recs, r)
		slog.Info("vendored", "package", p.Name, "version", p.Version, "license", r.License, "files", len(r.Files))
	}
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "VENDOR.json"), append(b, '\n'), 0o644)
}

func vendor(p pkg, tmp, out string) (record, error) {
	cmd := exec.Command("npm", "pack", "--json", "--pack-destination", tmp, p.Name+"@"+p.Version)
	cmd.Stderr = os.Stderr
	js, err := cmd.Output()
	if err != nil {
		return record{}, fmt.Errorf("npm pack: %w", err)
	}
	var packed []struct {
		Filename  string `json:"filename"`
		Integrity string `json:"integrity"`
	}
	if err := json.Unmarshal(js, &packed); err != nil || len(packed) != 1 {
		return record{}, fmt.Errorf("npm pack printed %q: %v", js, err)
	}
	tgz, err := os.ReadFile(filepath.Join(tmp, packed[0].Filename))
	if err != nil {
		return record{}, err
	}
	files, err := untar(tgz)
	if err != nil {
		return record{}, err
	}
	var meta struct {
		Version string `json:"version"`
		License string `json:"license"`
	}
	if err := json.Unmarshal(files["package.json"], &meta); err != nil {
		return record{}, fmt.Errorf("package.json: %w", err)
	}
	if meta.Version != p.Version {
		return record{}, fmt.Errorf("tarball holds version %s", meta.Version)
	}
	rec := record{Name: p.Name, Version: p.Version, License: meta.License, Integrity: packed[0].Integrity, Files: map[string]string{}}
	srcs := make([]string, 0, len(p.Files))
	for s := range p.Files {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for _, src := range srcs {
		b, ok := files[src]
		if !ok {
			return record{}, fmt.Errorf("the package has no %s", src)
		}
		dst := filepath.Join(out, filepath.FromSlash(p.Files[src]))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return record{}, err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return record{}, err
		}
		sum := sha256.Sum256(b)
		rec.Files[p.Files[src]] = hex.EncodeToString(sum[:])
	}
	return rec, nil
}

// untar returns the regular files of an npm tarball by path, with the
// leading "package/" removed. Paths that try to leave the tree are refused.
func untar(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := path.Clean(h.Name)
		if !strings.HasPrefix(name, "package/") || strings.Contains(name, "..") {
			return nil, fmt.Errorf("unexpected path %q in tarball", h.Name)
		}
		b, err := io.ReadAll(io.LimitReader(tr, 16<<20))
		if err != nil {
			return nil, err
		}
		files[strings.TrimPrefix(name, "package/")] = b
	}
}
