package cli

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	vigil "github.com/vigil-hr/vigil"
	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/intake"
)

// loadDemo stores the embedded demo reports. Each report's bytes are stored
// once, so loading twice changes nothing.
func loadDemo(ctx context.Context, e *Env, a *app.App) error {
	var n, events, existing int
	err := fs.WalkDir(vigil.DemoReports, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(vigil.DemoReports, p)
		if err != nil {
			return err
		}
		doc, err := intake.Parse(raw, p)
		if err != nil {
			return fmt.Errorf("demo report %s: %w", p, err)
		}
		res, err := a.Ingest(ctx, app.IngestInput{Doc: doc, Source: "Vigil demo (fiction)", URL: "demo:" + path.Base(p)})
		if err != nil {
			return fmt.Errorf("demo report %s: %w", p, err)
		}
		n++
		events += len(res.EventIDs)
		if res.Existing {
			existing++
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.Log.Info("demo reports loaded", "reports", n, "already_stored", existing, "events", events)
	return nil
}
