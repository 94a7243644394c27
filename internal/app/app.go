// Package app wires Vigil's parts together for the store-backed commands:
// the configuration, the record store, the blob store and the extractor.
// Parts are opened in order and closed in reverse.
package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/extract"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/postgres"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

// Config is what the store-backed commands share.
type Config struct {
	DataDir string // --data / VIGIL_DATA; default ./vigil-data
	DB      string // --db / VIGIL_DB; empty means the embedded SQLite in DataDir
}

// DefaultDataDir is where Vigil keeps its data when told nothing.
const DefaultDataDir = "vigil-data"

// Validate checks the configuration before anything is opened.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return errs.E(errs.Invalid, "database %q is not a postgres:// URL", redact(c.DB))
	}
	return nil
}

// App holds the opened parts.
type App struct {
	Config    Config
	Store     store.Store
	Blobs     blob.Store
	Extractor *extract.Extractor
	closers   []func() error
}

// Open opens the data directory, the store and the blob store, and loads
// the extractor.
func Open(ctx context.Context, cfg Config) (_ *App, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &App{Config: cfg}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", cfg.DataDir, err)
	}
	if cfg.DB != "" {
		// Records in PostgreSQL; the documents' bytes stay in the data directory.
		st, err := postgres.Open(ctx, cfg.DB)
		if err != nil {
			return nil, fmt.Errorf("opening store: %w", err)
		}
		a.Store = st
	} else {
		st, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "vigil.db"))
		if err != nil {
			return nil, fmt.Errorf("opening store in %s: %w", cfg.DataDir, err)
		}
		a.Store = st
	}
	a.closers = append(a.closers, a.Store.Close)
	bs, err := blob.OpenFS(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return nil, fmt.Errorf("opening document store in %s: %w", cfg.DataDir, err)
	}
	a.Blobs = bs
	a.closers = append(a.closers, bs.Close)
	if a.Extractor, err = extract.New(); err != nil {
		return nil, err
	}
	return a, nil
}

// Close closes the parts in reverse order of opening.
func (a *App) Close() error {
	var errList []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errList = append(errList, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errList...)
}

// IngestInput is one report to store.
type IngestInput struct {
	Doc       *intake.Doc
	Source    string
	URL       string
	Published time.Time // overrides the document's own date when set
}

// Ingest extracts a report's events and stores the document's bytes, the
// document and the report. The same bytes twice are stored once.
func (a *App) Ingest(ctx context.Context, in IngestInput) (store.IngestResult, error) {
	pub := in.Published
	if pub.IsZero() && in.Doc.Published != nil {
		pub = *in.Doc.Published
	}
	ext := a.Extractor.Extract(in.Doc.Text, extract.Options{Published: pub, Lang: in.Doc.Lang})
	sum, err := a.Blobs.Put(ctx, in.Doc.Raw)
	if err != nil {
		return store.IngestResult{}, fmt.Errorf("storing document bytes: %w", err)
	}
	now := time.Now().UTC()
	doc := &model.Document{
		ID: sum, SHA256: sum, Size: int64(len(in.Doc.Raw)), MediaType: in.Doc.MediaType,
		Source: in.Source, URL: in.URL, Title: in.Doc.Title, Retrieved: now, Lang: ext.Lang, Text: in.Doc.Text,
	}
	if !pub.IsZero() {
		p := pub.UTC()
		doc.Published = &p
	}
	rep := &model.Report{
		DocumentID: sum, Extractor: extract.Name, ExtractorVersion: a.Extractor.FullVersion(),
		Events: ext.Events, Places: ext.Places,
	}
	return a.Store.Ingest(ctx, doc, rep)
}

// redact hides a password in a database URL.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.LastIndex(u, "@"); j > i {
			creds := u[i+3 : j]
			if k := strings.Index(creds, ":"); k >= 0 {
				return u[:i+3] + creds[:k] + ":***" + u[j:]
			}
		}
	}
	return u
}
