// Package app wires Vigil's parts together for the store-backed commands:
// the configuration, the record store, the blob store and the extractor.
// Parts are opened in order and closed in reverse.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/extract"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/queue"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/store/postgres"
	"github.com/vigil-hr/vigil/internal/store/sqlite"
)

// Config is what the store-backed commands share.
type Config struct {
	DataDir string // --data / VIGIL_DATA; default ./vigil-data
	DB      string // --db / VIGIL_DB; empty means the embedded SQLite in DataDir
	// NATS is the NATS server whose JetStream queue carries extraction
	// jobs to `vigil worker` (--nats / VIGIL_NATS); empty means documents
	// are extracted in-process.
	NATS string
	// Queue names the JetStream queue (env VIGIL_NATS_QUEUE); default
	// queue.DefaultName.
	Queue string
	// Log receives the parts' messages; nil means slog.Default().
	Log *slog.Logger
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
	if c.NATS != "" && !strings.HasPrefix(c.NATS, "nats://") && !strings.HasPrefix(c.NATS, "tls://") {
		return errs.E(errs.Invalid, "queue %q is not a nats:// URL", queue.Redact(c.NATS))
	}
	return nil
}

// App holds the opened parts.
type App struct {
	Config    Config
	Store     store.Store
	Blobs     blob.Store
	Extractor *extract.Extractor
	// Queue takes extraction jobs: the JetStream queue when Config.NATS is
	// set (then Jobs is the same queue, for workers), else queue.Direct
	// over ProcessJob.
	Queue   queue.Queue
	Jobs    *queue.JetStream
	closers []func() error
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
	a.Queue = queue.Direct{Handle: a.ProcessJob}
	if cfg.NATS != "" {
		q, err := queue.Open(ctx, queue.Config{URL: cfg.NATS, Name: cfg.Queue, Log: cmp.Or(cfg.Log, slog.Default())})
		if err != nil {
			return nil, err
		}
		a.Queue, a.Jobs = q, q
		a.closers = append(a.closers, q.Close)
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

// Submit stores a report's bytes and queues its extraction: on the
// JetStream queue when one is configured, at once in-process otherwise.
// It returns the document's digest. The bytes travel inside the job when
// they are at most queue.InlineLimit long; larger ones are read back from
// the blob store, which the workers must then share (docs/adr/0007-queue.md).
func (a *App) Submit(ctx context.Context, in IngestInput, name string) (string, error) {
	sum, err := a.Blobs.Put(ctx, in.Doc.Raw)
	if err != nil {
		return "", fmt.Errorf("storing document bytes: %w", err)
	}
	j := queue.Job{SHA256: sum, Name: name, Source: in.Source, URL: in.URL, Published: in.Published}
	if len(in.Doc.Raw) <= queue.InlineLimit {
		j.Data = in.Doc.Raw
	}
	return sum, a.Queue.Enqueue(ctx, j)
}

// ProcessJob is the workers' handler: it takes the job's bytes (carried,
// or from the blob store), reduces them to text, extracts and stores the
// document and its report. The same document twice is stored once, so a
// job run twice changes nothing the second time. Bytes that are not a
// report fail with errs.Invalid (the queue parks such jobs at once).
func (a *App) ProcessJob(ctx context.Context, j queue.Job) error {
	raw := j.Data
	if raw == nil {
		var err error
		if raw, err = a.Blobs.Get(ctx, j.SHA256); err != nil {
			if errs.Is(err, errs.NotFound) {
				// Retried: a shared volume may not show the file yet.
				return errs.E(errs.Unavailable, "job %s: its bytes are not in the document store of %s; workers on other machines need the same data directory (a shared volume): %v", j, a.Config.DataDir, err)
			}
			return fmt.Errorf("job %s: reading its bytes: %w", j, err)
		}
	}
	name := j.Name
	if name == "" {
		name = j.SHA256
	}
	doc, err := intake.Parse(raw, name)
	if err != nil {
		return err
	}
	if _, err := a.Ingest(ctx, IngestInput{Doc: doc, Source: j.Source, URL: j.URL, Published: j.Published}); err != nil {
		return fmt.Errorf("job %s: %w", j, err)
	}
	return nil
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
