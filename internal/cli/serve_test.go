package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serving runs `vigil serve` with args until the test ends and returns
// its base URL and a function that stops it and returns what it wrote.
func serving(t *testing.T, dir string, args ...string) (string, func() result) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main(ctx, append([]string{"serve", "--data", dir, "--addr", addr}, args...), &Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		})
		done <- result{code, out.String(), errb.String()}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case r := <-done:
			t.Fatalf("serve stopped early: exit %d: %s", r.code, r.stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer")
		}
	}
	stopped := false
	var res result
	stop := func() result {
		if !stopped {
			cancel()
			res, stopped = <-done, true
		}
		return res
	}
	t.Cleanup(func() { stop() })
	return "http://" + addr, stop
}

func call(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeModes: with no user, serve on loopback runs in single-user
// local mode (and says so), and refuses any other address in one line;
// once a user exists, the public sees nothing unpublished and a token
// opens what its role allows.
func TestServeModes(t *testing.T) {
	dir := ingestFixture(t)

	// No user, an address that is not loopback: refused, in one line.
	r := run(t, "", nil, "serve", "--data", dir, "--addr", "0.0.0.0:0")
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "vigil user add") {
		t.Errorf("no user on 0.0.0.0: exit %d, stderr %q", r.code, r.stderr)
	}

	// No user, loopback: local mode, every record visible without sign-in.
	base, stop := serving(t, dir)
	if code, body := call(t, base+"/api/v1/documents", ""); code != 200 || strings.Contains(body, `"total":0`) {
		t.Errorf("local mode: documents %d %.200s", code, body)
	}
	if code, body := call(t, base+"/events", ""); code != 200 || !strings.Contains(body, "Single-user local mode") {
		t.Errorf("local mode: events page %d without the banner", code)
	}
	if res := stop(); res.code != 0 || !strings.Contains(res.stderr, "single-user local mode") {
		t.Errorf("local mode: exit %d, log %s", res.code, res.stderr)
	}

	// A user exists: sign-in required, on loopback too.
	if r := run(t, "a long enough password\n", nil, "user", "add", "--data", dir, "--role", "viewer", "vera"); r.code != 0 {
		t.Fatalf("user add: %d %s", r.code, r.stderr)
	}
	r = run(t, "", nil, "user", "token", "--data", dir, "vera")
	var tok struct{ Token string }
	if err := json.Unmarshal([]byte(r.stdout), &tok); r.code != 0 || err != nil || tok.Token == "" {
		t.Fatalf("user token: %d %s %s", r.code, r.stdout, r.stderr)
	}
	base, stop = serving(t, dir)
	for _, c := range []struct {
		path, token string
		status      int
		body        string
	}{
		{"/api/v1/events", "", 200, `"total":0`},
		{"/api/v1/documents", "", 401, "sign in"},
		{"/api/v1/events", tok.Token, 200, `"events":[{`},
		{"/api/v1/documents", tok.Token, 200, `"documents":[{`},
		{"/intake", tok.Token, 403, "may not do this"},
		{"/intake", "", 401, `action="/login"`},
		{"/api/v1/events", "vigil_forged", 401, ""},
	} {
		if code, body := call(t, base+c.path, c.token); code != c.status || !strings.Contains(body, c.body) {
			t.Errorf("%s (token %v): %d, want %d with %q: %.200s", c.path, c.token != "", code, c.status, c.body, body)
		}
	}
	if res := stop(); res.code != 0 || !strings.Contains(res.stderr, "sign-in required") || strings.Contains(res.stderr, "single-user local mode") {
		t.Errorf("with a user: exit %d, log %s", res.code, res.stderr)
	}

	// With a user, any address is allowed (sign-in protects it).
	if _, err := serveMode("0.0.0.0:0"); err != nil {
		t.Error(err)
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:0": true, "127.3.2.1:1": true,
		"0.0.0.0:8080": false, ":8080": false, "10.1.2.3:80": false} {
		if got, err := serveMode(addr); err != nil || got != want {
			t.Errorf("serveMode(%q) = %v, %v; want %v", addr, got, err, want)
		}
	}
}
