// Package cli implements Vigil's command line: one function per command,
// each parsing its own flags with the standard library and writing results
// to stdout and one-line errors to stderr. Exit codes follow the contract:
// 0 success, 1 the work failed, 2 wrong usage.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// Env is what a command sees of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Log    *slog.Logger
}

type command struct {
	name, summary string
	order         int // position in the help listing
	run           func(ctx context.Context, e *Env, args []string) error
}

var registry []command

// register adds a command; each command's file calls it from init.
func register(c command) {
	for _, x := range registry {
		if x.name == c.name {
			panic("cli: command registered twice: " + c.name)
		}
	}
	registry = append(registry, c)
}

func commands() []command {
	out := slices.Clone(registry)
	slices.SortStableFunc(out, func(a, b command) int {
		if a.order != b.order {
			return a.order - b.order
		}
		return strings.Compare(a.name, b.name)
	})
	return out
}

func init() {
	register(command{"extract", "read reports and print the events they describe (stores nothing)", 10, runExtract})
	register(command{"geoparse", "find place names in text and resolve them to coordinates", 20, runGeoparse})
	register(command{"ingest", "store reports, extract their events and keep both", 30, runIngest})
	register(command{"serve", "serve the stored events over HTTP", 40, runServe})
	register(command{"version", "print Vigil's version", 1000, runVersion})
}

// usageError marks an error as wrong usage (exit 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// failedError says that some inputs failed after their errors were printed.
type failedError struct{ n int }

func (f failedError) Error() string { return fmt.Sprintf("%d input(s) failed", f.n) }

// Main runs the command named in args and returns the process exit code.
func Main(ctx context.Context, args []string, e *Env) int {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.Log == nil {
		level := slog.LevelInfo
		if strings.EqualFold(e.Getenv("VIGIL_LOG_LEVEL"), "debug") {
			level = slog.LevelDebug
		}
		e.Log = slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: level}))
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		topUsage(e.Stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var ue usageError
		var fe failedError
		switch {
		case err == nil:
			return ExitOK
		case errors.Is(err, flag.ErrHelp):
			return ExitOK
		case errors.As(err, &ue):
			fmt.Fprintf(e.Stderr, "vigil %s: %s (see 'vigil %s --help')\n", c.name, ue.msg, c.name)
			return ExitUsage
		case errors.As(err, &fe):
			return ExitFail
		default:
			fmt.Fprintf(e.Stderr, "vigil %s: %s\n", c.name, oneLine(err.Error()))
			return ExitFail
		}
	}
	fmt.Fprintf(e.Stderr, "vigil: unknown command %q (see 'vigil --help')\n", args[0])
	return ExitUsage
}

func topUsage(w io.Writer) {
	fmt.Fprint(w, `Vigil turns reports of violence against civilians into incident records that hold up.

Usage: vigil COMMAND [flags] [args]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'vigil COMMAND --help' for a command's flags. Exit status: 0 success, 1 the work failed, 2 wrong usage.
`)
}

// newFlags makes a flag set whose errors and help go where they should.
func newFlags(e *Env, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.Stdout, "Usage: %s\n\n%s\n", synopsis, about)
		fs.SetOutput(e.Stdout)
		fmt.Fprintln(e.Stdout, "\nFlags:")
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags (anywhere among the arguments) and turns flag errors
// into usage errors.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.Usage()
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
		if rest[len(rest)-1] == "--" {
			return append(rest[:len(rest)-1], args...), nil
		}
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3";
// otherwise the module version or VCS revision is used.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

func runVersion(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "version", "vigil version", "Print Vigil's version and the versions of its extractor's resources.")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "vigil %s\n", version())
	if x, err := extractor(); err == nil {
		fmt.Fprintf(e.Stdout, "extractor %s\n", x.FullVersion())
	}
	return nil
}
