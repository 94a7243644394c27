package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/events?q=a": "/events?q=a", "/": "/", "": "/", "//evil.example/": "/", "/\\evil.example": "/",
		"/\t/evil.example": "/", "/\n/evil.example": "/", "https://evil.example/": "/", "events": "/",
		"/%2F%2Fevil.example": "/%2F%2Fevil.example", "/\\\\evil": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever a form sends, the redirect stays on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/events", "//evil", "/\\evil", "/\t/evil", "https://x", "/a?b=//c", "/%09/evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: neither the input nor /", next, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.ContainsAny(got, "\\\t\n\r") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}
