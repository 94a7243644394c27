package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
)

func init() {
	register(command{"user", "add, list and disable users; make and revoke their API tokens", 80, runUser})
}

// writeJSON prints v as one JSON line.
func writeJSON(e *Env, v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

const cliActor = "system:cli"

func runUser(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "user", "vigil user add NAME --role ROLE | list | disable NAME | enable NAME | token NAME [--name WHAT] [--ttl DUR] | revoke TOKEN_ID",
		`Manage who may use Vigil. Roles: viewer (reads records), reviewer (and reviews them), analyst (and ingests,
takes testimony, reads protected fields), admin (and manages users and keys). The public, without an account,
sees published records only.

  add NAME --role ROLE   reads the password from the first line of stdin (at least 12 characters)
  list                   prints one JSON line per user
  disable NAME           ends its sessions and stops its tokens; enable NAME undoes it
  token NAME             prints a new API token for scripts (Authorization: Bearer TOKEN): it is shown once
  revoke TOKEN_ID        revokes a token`)
	role := fset.String("role", "", "add: the user's `role`: viewer, reviewer, analyst or admin")
	tokenName := fset.String("name", "", "token: what the token is for")
	ttl := fset.Duration("ttl", 0, "token: how long the token is valid (e.g. 720h); 0 until revoked")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("want a subcommand: add, list, disable, enable, token, revoke")
	}
	sub, rest := rest[0], rest[1:]
	want := map[string]int{"add": 1, "list": 0, "disable": 1, "enable": 1, "token": 1, "revoke": 1}
	n, ok := want[sub]
	if !ok {
		return usagef("unknown subcommand %q", sub)
	}
	if len(rest) != n {
		return usagef("%s takes %d argument(s)", sub, n)
	}
	if sub == "add" {
		if _, err := auth.ParseRole(*role); err != nil {
			return usagef("--role: %v", err)
		}
	}
	if *ttl < 0 {
		return usagef("--ttl must not be negative")
	}
	a, st, err := openProtected(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	svc := &auth.Service{Store: st}
	switch sub {
	case "add":
		pw, err := readPassword(e.Stdin)
		if err != nil {
			return err
		}
		u, err := svc.AddUser(ctx, cliActor, rest[0], auth.Role(*role), pw)
		if err != nil {
			return err
		}
		return writeJSON(e, userLine{u.ID, u.Name, u.Role, u.Disabled, u.CreatedAt})
	case "list":
		us, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		if len(us) == 0 {
			return nil
		}
		for _, u := range us {
			if err := writeJSON(e, userLine{u.ID, u.Name, u.Role, u.Disabled, u.CreatedAt}); err != nil {
				return err
			}
		}
		return nil
	case "disable", "enable":
		return svc.SetDisabled(ctx, cliActor, rest[0], sub == "disable")
	case "token":
		tok, rec, err := svc.NewToken(ctx, cliActor, rest[0], *tokenName, *ttl)
		if err != nil {
			return err
		}
		return writeJSON(e, map[string]any{"id": rec.ID, "user": rest[0], "token": tok, "expires": rec.ExpiresAt,
			"note": "store the token now: Vigil keeps only its hash and cannot show it again"})
	case "revoke":
		return svc.RevokeToken(ctx, cliActor, rest[0])
	}
	return nil
}

type userLine struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	Disabled bool      `json:"disabled"`
	Created  time.Time `json:"created_at"`
}

// readPassword reads the first line of r.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, auth.MaxPassword+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if err := auth.CheckPassword(line); err != nil {
		return "", fmt.Errorf("the password on stdin: %w", err)
	}
	return line, nil
}
