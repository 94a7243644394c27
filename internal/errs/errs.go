// Package errs gives Vigil's errors a kind (not found, invalid input, ...)
// that survives wrapping, so the CLI can pick an exit code and the HTTP API a
// status without string matching.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error.
type Kind int

const (
	Other       Kind = iota // unclassified: an internal failure
	NotFound                // the thing asked for does not exist
	Invalid                 // the input is malformed or out of bounds
	Conflict                // the request clashes with stored state
	Forbidden               // the caller may not do this
	Unavailable             // a dependency (database, network) is not reachable
)

func (k Kind) String() string {
	switch k {
	case NotFound:
		return "not found"
	case Invalid:
		return "invalid"
	case Conflict:
		return "conflict"
	case Forbidden:
		return "forbidden"
	case Unavailable:
		return "unavailable"
	}
	return "internal"
}

// Error is an error with a kind.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// E returns a new error of kind k with a formatted message.
func E(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

// KindOf reports the kind of the first *Error in err's chain, or Other.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Other
}

// Is reports whether err has kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Wrap prefixes *errp with a formatted context when it is non-nil. Use it
// deferred: defer errs.Wrap(&err, "Store.GetDocument(%q)", id).
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// HTTPStatus maps an error's kind to an HTTP status code.
func HTTPStatus(err error) int {
	switch KindOf(err) {
	case NotFound:
		return http.StatusNotFound
	case Invalid:
		return http.StatusBadRequest
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
