package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/export"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
)

func init() {
	register(command{"export", "write stored events as ACLED/UCDP-shaped CSV, GeoJSON, HXL or JSONL", 50, runExport})
}

func runExport(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "export", "vigil export --format acled-csv|ucdp-csv|geojson|hxl-csv|jsonl [--out FILE] [--public] [filters] [--data DIR]",
		`Write the stored events, newest first, in a format analysts' tools read:
  acled-csv  ACLED's column names and conventions (inter codes, interaction, iso, notes, tags)
  ucdp-csv   UCDP GED's columns; only organised violence (the rest is counted as skipped)
  geojson    an RFC 7946 FeatureCollection of points (null geometry when the place is unknown)
  hxl-csv    CSV with a second row of HXL hashtags
  jsonl      one event per line: extract's fields plus id, documents and independent_sources
--public removes what must not leave Vigil: evidence text, the words reports used for actors, and
the names of witnesses; it blurs the place of a sensitive event (one a sensitive testimony reports,
or sexual violence) to the centroid of its admin2 region (admin1 when unknown; withheld when neither
is known) and publishes its small counts of people as a range. No protected field of a testimony is
ever exported. The filters are those of the API. Formats are described in docs/formats.md.`)
	format := fs.String("format", "", "`format`: acled-csv, ucdp-csv, geojson, hxl-csv or jsonl")
	out := fs.String("out", "", "write to `FILE` (replaced only when the export succeeds) instead of standard output")
	public := fs.Bool("public", false, "redact for publication (see above)")
	var f store.EventFilter
	fs.StringVar(&f.From, "from", "", "only events on or after this `date` (YYYY-MM-DD)")
	fs.StringVar(&f.To, "to", "", "only events on or before this `date` (YYYY-MM-DD)")
	fs.StringVar(&f.SubEventType, "sub-event-type", "", "only events of this ACLED sub-event `type`")
	fs.StringVar(&f.Country, "country", "", "only events in this country (`ISO3` code, such as MLI)")
	cfg := storeFlags(fs, e)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("takes no arguments, got %q (write to a file with --out)", rest[0])
	}
	if *format == "" {
		return usagef("--format is required: acled-csv, ucdp-csv, geojson, hxl-csv or jsonl")
	}
	fmtName, err := export.ParseFormat(*format)
	if err != nil {
		return usagef("%v", err)
	}
	f.Country = strings.ToUpper(f.Country)
	if _, err := f.Normalize(); err != nil {
		return usagef("%v", err)
	}

	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	w := e.Stdout
	var tmp *os.File
	if *out != "" {
		dir := filepath.Dir(*out)
		if tmp, err = os.CreateTemp(dir, "."+filepath.Base(*out)+".*.tmp"); err != nil {
			return fmt.Errorf("%s: %w", *out, err)
		}
		defer func() {
			if tmp != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
		w = tmp
	}
	opts := export.Options{Format: fmtName, Filter: f, Public: *public}
	if *public {
		// The publication gate: centroids from the data directory's
		// gazetteer, sensitive events from the testimonies.
		opts.Gate = &redact.Gate{Centroids: &lazyCentroids{dataDir: cfg.DataDir}}
		if ts, ok := a.Store.(export.TestimonyLister); ok {
			if opts.Sensitive, err = export.SensitiveEvents(ctx, ts); err != nil {
				return fmt.Errorf("reading which events are sensitive: %w", err)
			}
		}
	}
	st, err := export.Write(ctx, w, a.Store, opts)
	if err != nil {
		return err
	}
	if tmp != nil {
		if err := closeAndRename(tmp, *out); err != nil {
			return err
		}
		tmp = nil
	}
	args2 := []any{"format", fmtName, "events", st.Written}
	if st.Skipped > 0 {
		args2 = append(args2, "skipped", st.Skipped, "why", "not organised violence, which UCDP does not count")
	}
	if *out != "" {
		args2 = append(args2, "out", *out)
	}
	e.Log.Info("exported", args2...)
	return nil
}

// closeAndRename syncs and closes a finished temporary file and moves it to
// its final name. The file keeps CreateTemp's mode (0600): exports that are
// not --public hold evidence, and only their owner should read them.
func closeAndRename(tmp *os.File, name string) error {
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
