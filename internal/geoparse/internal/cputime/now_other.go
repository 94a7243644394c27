//go:build !unix

package cputime

import "time"

// Now reports false: CPU time is read only on Unix systems.
func Now() (time.Duration, bool) { return 0, false }
