// Command vigil turns reports of violence against civilians into incident
// records that hold up. See README.md and docs/.
package main

import (
	"context"
	"os"

	"github.com/vigil-hr/vigil/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], &cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
	}))
}
