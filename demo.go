// Package vigil holds what the whole module shares at its root: the demo
// reports the Vigil team wrote, embedded so that `vigil serve --demo` shows a
// newcomer real output with nothing to download.
package vigil

import "embed"

// DemoReports are the team's own fictional reports about real places, in
// English and French (testdata/reports/*.txt, testdata/html/*.html).
//
//go:embed testdata/reports/*.txt testdata/html/*.html
var DemoReports embed.FS
