package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/fetch"
	"github.com/vigil-hr/vigil/internal/incident"
	"github.com/vigil-hr/vigil/internal/intake"
	"github.com/vigil-hr/vigil/internal/ledger"
	"github.com/vigil-hr/vigil/internal/store"
)

// storeFlags adds the flags every store-backed command shares.
func storeFlags(fs *flag.FlagSet, e *Env) *app.Config {
	cfg := &app.Config{DataDir: e.Getenv("VIGIL_DATA"), DB: e.Getenv("VIGIL_DB")}
	if cfg.DataDir == "" {
		cfg.DataDir = app.DefaultDataDir
	}
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "`directory` for the embedded database, documents and keys (env VIGIL_DATA)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "postgres:// `URL` to keep records in PostgreSQL instead (env VIGIL_DB)")
	return cfg
}

type ingestLine struct {
	Input    string   `json:"input"`
	Document string   `json:"document,omitempty"`
	SHA256   string   `json:"sha256,omitempty"`
	Events   []string `json:"events"`
	Existing bool     `json:"existing,omitempty"`
	Queued   bool     `json:"queued,omitempty"` // extraction was queued for `vigil worker` (--nats)
	Error    string   `json:"error,omitempty"`
}

// reportExts are the files a directory walk takes as reports.
var reportExts = map[string]bool{".txt": true, ".text": true, ".html": true, ".htm": true, ".md": true, ".pdf": true, ".docx": true}

func runIngest(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "ingest", "vigil ingest [--published YYYY-MM-DD] [--source NAME] [--data DIR] FILE|DIR|- ...",
		`Store reports, extract their events and keep both. Prints one JSON line per input:
{"input","document","sha256","events":[ids],"existing"?,"error"?}. The same bytes twice are stored once.
A directory is read recursively for .txt, .html, .htm, .md, .pdf and .docx files. An http(s) URL is fetched
(time and size limits, bounded redirects, private and loopback addresses refused unless --allow-private); the
raw response is kept as a WARC record, the evidence, and its main text is extracted. A bad input is reported and
skipped; it never changes the store. A signed checkpoint of the ledger is issued after the batch.
Exit status 1 if any input failed.
With --nats (env VIGIL_NATS), the bytes are stored and their extraction is queued for 'vigil worker': the line then
says "queued":true and lists no events.`)
	published := fset.String("published", "", "publication `date` (YYYY-MM-DD) of the reports, when their metadata lacks it")
	source := fset.String("source", "", "`name` of the source (outlet, organisation, field team)")
	maxBytes := fset.Int64("max-bytes", intake.DefaultMaxBytes, "largest report accepted, in bytes")
	allowPrivate := fset.Bool("allow-private", false, "let URLs reach private, loopback and link-local addresses (an operator's choice)")
	linkNow := fset.Bool("link", true, "link new reports into incidents at once (false: leave it to 'vigil link')")
	cfg := storeFlags(fset, e)
	natsFlags(fset, e, cfg)
	inputs, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return usagef("no input given: name files, directories or - for standard input")
	}
	pub, err := parsePublished(*published)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	failed, done := 0, 0
	start := time.Now()
	last := start
	// New reports join incidents at once; one linker for the run reuses
	// the incidents it has loaded. 'vigil link' catches up on any miss.
	var linker *incident.Stored
	if ist, ok := a.Store.(store.IncidentStore); ok && a.Jobs == nil && *linkNow {
		if linker, err = incident.NewStored(ist, incident.Config{}); err != nil {
			return err
		}
	}
	link := func(line ingestLine) {
		if linker == nil || line.Error != "" || len(line.Events) == 0 {
			return
		}
		if _, err := linker.LinkDocuments(ctx, []string{line.Document}); err != nil {
			e.Log.Warn("linking failed; 'vigil link' will retry", "document", line.Document, "err", err)
		}
	}
	one := func(name string) error {
		line := ingestOne(ctx, e, a, name, *source, pub, *maxBytes)
		link(line)
		if line.Error != "" {
			failed++
			fmt.Fprintf(e.Stderr, "vigil ingest: %s\n", line.Error)
		}
		done++
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			e.Log.Info("ingest progress", "done", done, "failed", failed, "per_second", fmt.Sprintf("%.1f", float64(done)/time.Since(start).Seconds()))
		}
		return enc.Encode(line)
	}
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(in, "http://") || strings.HasPrefix(in, "https://") {
			line := ingestURL(ctx, a, in, *source, pub, fetch.Options{MaxBytes: *maxBytes, AllowPrivate: *allowPrivate})
			link(line)
			if line.Error != "" {
				failed++
				fmt.Fprintf(e.Stderr, "vigil ingest: %s\n", line.Error)
			}
			done++
			if err := enc.Encode(line); err != nil {
				return err
			}
			continue
		}
		if st, err := os.Stat(in); err == nil && st.IsDir() {
			err := filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					if path != in && strings.HasPrefix(d.Name(), ".") {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.Type().IsRegular() || !reportExts[strings.ToLower(filepath.Ext(path))] {
					return nil
				}
				return one(path)
			})
			if err != nil {
				return fmt.Errorf("%s: %w", in, err)
			}
			continue
		}
		if err := one(in); err != nil {
			return err
		}
	}
	e.Log.Debug("ingest done", "inputs", done, "failed", failed, "seconds", time.Since(start).Seconds())
	if done > failed {
		checkpoint(ctx, e, a, cfg.DataDir)
	}
	if failed > 0 {
		return failedError{failed}
	}
	return nil
}

// ingestURL fetches a report and stores the raw HTTP exchange, as a WARC
// record, as its evidence; the text is extracted from the response body.
func ingestURL(ctx context.Context, a *app.App, url, source string, pub time.Time, opts fetch.Options) ingestLine {
	line := ingestLine{Input: url, Events: []string{}}
	resp, err := fetch.Fetch(ctx, url, opts)
	if err != nil {
		line.Error = oneLine(err.Error())
		return line
	}
	if resp.Status != 200 {
		line.Error = oneLine(fmt.Sprintf("%s: the server answered %q", url, resp.Final().StatusLine))
		return line
	}
	doc, err := intake.Parse(resp.Body, url)
	if err != nil {
		line.Error = oneLine(err.Error())
		return line
	}
	// The evidence is the whole exchange: what was asked, what answered,
	// when and from which address.
	doc.Raw, doc.MediaType = resp.WARC(), "application/warc"
	res, err := a.Ingest(ctx, app.IngestInput{Doc: doc, Source: source, URL: resp.URL, Published: pub})
	if err != nil {
		line.Error = oneLine(fmt.Sprintf("%s: %v", url, err))
		return line
	}
	line.Document, line.SHA256, line.Existing = res.DocumentID, res.DocumentID, res.Existing
	if res.EventIDs != nil {
		line.Events = res.EventIDs
	}
	return line
}

// checkpoint signs a checkpoint of the ledger after a batch, so that what
// was just stored is covered by a signature. A store without a ledger
// (PostgreSQL, for now) has nothing to sign.
func checkpoint(ctx context.Context, e *Env, a *app.App, dataDir string) {
	lg, ok := a.Store.(store.Ledger)
	if !ok {
		return
	}
	key, err := ledger.LoadKey(dataDir, e.Getenv, true)
	if err != nil {
		e.Log.Warn("no checkpoint signed", "err", err)
		return
	}
	if _, _, err := ledger.Issue(ctx, lg, key); err != nil {
		e.Log.Warn("no checkpoint signed", "err", err)
	}
}

func ingestOne(ctx context.Context, e *Env, a *app.App, name, source string, pub time.Time, maxBytes int64) ingestLine {
	line := ingestLine{Input: name, Events: []string{}}
	doc, err := readDoc(e, name, maxBytes)
	if err != nil {
		line.Error = oneLine(err.Error())
		return line
	}
	in := app.IngestInput{Doc: doc, Source: source, Published: pub}
	if a.Jobs != nil {
		sum, err := a.Submit(ctx, in, name)
		if err != nil {
			line.Error = oneLine(fmt.Sprintf("%s: %v", name, err))
			return line
		}
		line.Document, line.SHA256, line.Queued = sum, sum, true
		return line
	}
	res, err := a.Ingest(ctx, in)
	if err != nil {
		if errs.KindOf(err) == errs.Other {
			err = fmt.Errorf("%s: %w", name, err)
		}
		line.Error = oneLine(err.Error())
		return line
	}
	line.Document, line.SHA256, line.Existing = res.DocumentID, res.DocumentID, res.Existing
	if res.EventIDs != nil {
		line.Events = res.EventIDs
	}
	return line
}
