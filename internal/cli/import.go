package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/dataset"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
)

func init() {
	register(command{"import", "load an ACLED- or UCDP-shaped dataset to cross-check reports against", 60, runImport})
}

// maxBadRowsShown is how many bad rows import prints one by one.
const maxBadRowsShown = 50

type importLine struct {
	Dataset       string  `json:"dataset"`
	Format        string  `json:"format"`
	File          string  `json:"file"`
	Rows          int     `json:"rows"`
	BadRows       int     `json:"bad_rows"`
	Seconds       float64 `json:"seconds"`
	RowsPerSecond float64 `json:"rows_per_second"`
}

func runImport(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "import", "vigil import --format acled-csv|ucdp-csv [--name NAME] [--replace] [--data DIR] FILE|-",
		`Load an existing event dataset (ACLED- or UCDP GED-shaped CSV, as their exports and HDX publish them)
into datasets.db in the data directory, apart from Vigil's own records, to answer "is this incident
already known?". The header names the columns; an HXL hashtag row under it is understood. Bad rows are
reported on standard error with their line numbers and skipped; the import goes on. A progress line
is shown on standard error. Prints one JSON line: {"dataset","format","file","rows","bad_rows",
"seconds","rows_per_second"}. A failed import leaves nothing behind.`)
	format := fs.String("format", "", "`format` of the file: acled-csv or ucdp-csv")
	name := fs.String("name", "", "`name` of the dataset (default: the file's name without extension)")
	replace := fs.Bool("replace", false, "replace the dataset of the same name")
	maxBytes := fs.Int64("max-bytes", 16<<30, "largest file accepted, in bytes")
	cfg := storeFlags(fs, e)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *format == "":
		return usagef("--format is required: acled-csv or ucdp-csv")
	case *format != string(export.ACLEDCSV) && *format != string(export.UCDPCSV):
		return usagef("import format %q is not one of acled-csv, ucdp-csv", *format)
	case len(rest) != 1:
		return usagef("name one file to import (or - for standard input)")
	}
	file := rest[0]
	if *name == "" {
		if file == "-" {
			return usagef("--name is required when reading standard input")
		}
		*name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}

	var (
		r    io.Reader = e.Stdin
		size int64
	)
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if st.IsDir() {
			return errs.E(errs.Invalid, "%s is a directory", file)
		}
		if st.Size() > *maxBytes {
			return errs.E(errs.Invalid, "%s is %d bytes, over the limit of %d (see --max-bytes)", file, st.Size(), *maxBytes)
		}
		r, size = f, st.Size()
	}
	r = &capReader{r: r, left: *maxBytes, name: file}

	// Datasets live in the data directory's SQLite file whichever store
	// keeps Vigil's own records.
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory %s: %w", cfg.DataDir, err)
	}
	db, err := dataset.Open(ctx, filepath.Join(cfg.DataDir, dataset.FileName))
	if err != nil {
		return err
	}
	defer db.Close()

	prog := newImportProgress(e.Stderr, size)
	bad := 0
	res, err := db.Import(ctx, r, dataset.ImportOptions{
		Name: *name, Format: export.Format(*format), File: file, Replace: *replace, Size: size,
		OnBadRow: func(re *dataset.RowError) {
			bad++
			if bad <= maxBadRowsShown {
				prog.clear()
				fmt.Fprintf(e.Stderr, "vigil import: %s:%d: %s (row skipped)\n", file, re.Line, oneLine(re.Msg))
			}
		},
		OnProgress: prog.update,
	})
	prog.done()
	if bad > maxBadRowsShown {
		fmt.Fprintf(e.Stderr, "vigil import: %s: %d more bad rows skipped\n", file, bad-maxBadRowsShown)
	}
	if err != nil {
		if errs.Is(err, errs.Conflict) {
			return fmt.Errorf("%w; use --replace or --name", err)
		}
		return err
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	secs := res.Elapsed.Seconds()
	return enc.Encode(importLine{
		Dataset: res.Dataset.Name, Format: res.Dataset.Format, File: file, Rows: res.Dataset.Rows,
		BadRows: res.Dataset.BadRows, Seconds: round2(secs), RowsPerSecond: round2(float64(res.Dataset.Rows) / max(secs, 1e-9)),
	})
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// capReader fails a read past its limit, for input whose size is not known
// beforehand (standard input).
type capReader struct {
	r    io.Reader
	left int64
	name string
}

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, errs.E(errs.Invalid, "%s is larger than the limit (see --max-bytes)", c.name)
	}
	return n, err
}

// importProgress shows how far an import has got on one line of standard
// error: redrawn in place on a terminal, a new line every few seconds
// otherwise.
type importProgress struct {
	w        io.Writer
	size     int64
	terminal bool
	last     time.Time
	shown    bool
	p        dataset.Progress
}

func newImportProgress(w io.Writer, size int64) *importProgress {
	terminal := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			terminal = true
		}
	}
	return &importProgress{w: w, size: size, terminal: terminal, last: time.Now()}
}

func (p *importProgress) update(pr dataset.Progress) {
	p.p = pr
	every := 5 * time.Second
	if p.terminal {
		every = 200 * time.Millisecond
	}
	if time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *importProgress) draw() {
	pr := p.p
	rate := float64(pr.Rows) / max(pr.Elapsed.Seconds(), 1e-9)
	line := fmt.Sprintf("importing: %d rows, %d bad, %.0f rows/s", pr.Rows, pr.Bad, rate)
	if p.size > 0 {
		frac := min(float64(pr.Bytes)/float64(p.size), 1)
		const width = 24
		n := int(frac * width)
		line = fmt.Sprintf("[%s%s] %3.0f%% %s", strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, line)
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.shown = true
}

// clear makes room for a message on a terminal.
func (p *importProgress) clear() {
	if p.terminal && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *importProgress) done() {
	if p.terminal && p.shown {
		p.draw()
		fmt.Fprintln(p.w)
	}
}
