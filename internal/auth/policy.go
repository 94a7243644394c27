// Package auth is who may do what in Vigil: users with roles, argon2id
// passwords, web sessions (cookie plus CSRF token), API tokens for
// scripts, the role policy and net/http middleware that enforces it.
//
// Roles, from least to most trusted: public (anonymous: published records
// only), viewer, reviewer, analyst, admin. The policy (Can, Policy) is one
// table; Middleware authenticates each request (Bearer token, else session
// cookie, else public) and Require refuses what the policy does not allow:
// 401 when the caller is anonymous or its credentials are bad, 403 when
// an authenticated caller lacks the permission.
package auth

import (
	"slices"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Role is a user's role.
type Role string

// The roles.
const (
	Public   Role = "public" // anonymous; never stored on a user
	Viewer   Role = "viewer"
	Reviewer Role = "reviewer"
	Analyst  Role = "analyst"
	Admin    Role = "admin"
)

// Roles lists the roles, least trusted first.
var Roles = []Role{Public, Viewer, Reviewer, Analyst, Admin}

// UserRoles lists the roles a user account may have.
var UserRoles = []Role{Viewer, Reviewer, Analyst, Admin}

// ParseRole returns the user role named s; public is not a user role.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(UserRoles, r) {
		return "", errs.E(errs.Invalid, "role %q is not one of viewer, reviewer, analyst, admin", s)
	}
	return r, nil
}

// Action is something the policy allows or refuses.
type Action string

// The actions.
const (
	ReadPublished Action = "read_published" // published records, redacted (what the public sees)
	ReadRecords   Action = "read_records"   // every event, document and report, and testimonies without protected fields
	ReadProtected Action = "read_protected" // protected fields of testimonies (each read logged)
	Ingest        Action = "ingest"         // store documents, take testimonies
	Review        Action = "review"         // accept, edit, reject, merge records
	Administer    Action = "admin"          // users, tokens, keys, checkpoints
)

// Actions lists every action.
var Actions = []Action{ReadPublished, ReadRecords, ReadProtected, Ingest, Review, Administer}

// Policy is the role policy: the actions each role may take. Only the
// roles that take testimonies (analyst) or answer for the deployment
// (admin) read protected fields; a reviewer checks how reports were coded
// and needs no witness's identity.
var Policy = map[Role][]Action{
	Public:   {ReadPublished},
	Viewer:   {ReadPublished, ReadRecords},
	Reviewer: {ReadPublished, ReadRecords, Review},
	Analyst:  {ReadPublished, ReadRecords, ReadProtected, Ingest, Review},
	Admin:    {ReadPublished, ReadRecords, ReadProtected, Ingest, Review, Administer},
}

// Can reports whether role may take action.
func Can(role Role, action Action) bool { return slices.Contains(Policy[role], action) }
