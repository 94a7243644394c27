package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// asset is one embedded static file, kept compressed when that helps.
type asset struct {
	body, gz []byte
	ctype    string
	hash     string // first 12 hex digits of its SHA-256: the cache key in URLs
}

// assets serves the embedded static files. URLs carry ?v=HASH (see url):
// with the right hash a file is cached for a year, otherwise revalidated.
type assets struct {
	files map[string]*asset
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		f := &asset{body: b, hash: hex.EncodeToString(sum[:])[:12]}
		name := p
		if strings.HasSuffix(p, ".gz") {
			// Stored compressed (the basemap): served under its name without .gz.
			name = strings.TrimSuffix(p, ".gz")
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return err
			}
			if f.body, err = io.ReadAll(zr); err != nil {
				return err
			}
			f.gz = b
		}
		f.ctype = mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) {
		case ".geojson":
			f.ctype = "application/geo+json"
		case ".js":
			f.ctype = "text/javascript; charset=utf-8"
		case "":
			f.ctype = "text/plain; charset=utf-8"
		}
		if f.gz == nil && compressible(f.ctype) {
			f.gz = gzipBytes(f.body)
		}
		a.files[name] = f
		return nil
	})
	return a, err
}

// url returns the path of a static file with its content hash.
func (a *assets) url(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic("web: no static file " + name) // a template names a file that is not embedded
	}
	return "/static/" + name + "?v=" + f.hash
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == f.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+f.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Vary", "Accept-Encoding")
	w.Header().Set("Content-Type", f.ctype)
	if f.gz != nil && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(f.gz)
		return
	}
	w.Write(f.body)
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "javascript") || strings.Contains(ctype, "svg")
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// writeCompressed writes body, gzipped when the client accepts it and it
// is worth it.
func writeCompressed(w http.ResponseWriter, r *http.Request, status int, ctype string, body []byte) {
	w.Header().Set("Content-Type", ctype)
	if len(body) > 1024 && acceptsGzip(r) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(body)
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		body = buf.Bytes()
	}
	w.WriteHeader(status)
	w.Write(body)
}
