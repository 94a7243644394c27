package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true},
		{"41.73.1.1", true},
		{"2a00:1450:4007:80e::200e", true},
		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // CGNAT
		{"100.127.255.254", false},
		{"0.0.0.0", false},
		{"255.255.255.255", false},
		{"224.0.0.1", false},
		{"198.18.0.1", false},
		{"192.0.2.10", false},
		{"::", false},
		{"::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:8.8.8.8", false}, // IPv4-mapped: refused as written
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		{"2002:a00:1::1", false},  // 6to4 of 10.0.0.1
		{"2001:0:4136:e378::1", false},
		{"fd00::1", false},
		{"fe80::1", false},
		{"ff02::1", false},
		{"2001:db8::1", false},
	}
	for _, tt := range tests {
		if got := Public(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

func TestDialControl(t *testing.T) {
	ctl := dialControl(Options{})
	for _, addr := range []string{"127.0.0.1:80", "[::1]:443", "[::ffff:127.0.0.1]:80", "10.0.0.1:8080", "[fe80::1%lo]:80", "169.254.169.254:80", "junk"} {
		if err := ctl("tcp", addr, nil); err == nil {
			t.Errorf("control(%q) = nil, want refusal", addr)
		}
	}
	if err := ctl("tcp4", "8.8.8.8:443", nil); err != nil {
		t.Errorf("control(8.8.8.8:443) = %v, want nil", err)
	}
	if err := dialControl(Options{AllowPrivate: true})("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("with AllowPrivate, control(127.0.0.1) = %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	for _, u := range []string{"ftp://example.org/x", "file:///etc/passwd", "gopher://x", "http://", "//example.org", "http://user:pw@example.org/", "javascript:alert(1)", "%zz"} {
		if _, err := CheckURL(u); !errs.Is(err, errs.Invalid) {
			t.Errorf("CheckURL(%q) = %v, want an Invalid error", u, err)
		}
	}
	u, err := CheckURL(" https://example.org/a?b=c#frag ")
	if err != nil || u.String() != "https://example.org/a?b=c" {
		t.Errorf("CheckURL = %v, %v", u, err)
	}
}

// server starts a test server on ip (127.0.0.1 or another loopback address)
// and counts the requests it gets.
func server(t *testing.T, ip string, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	s.Listener.Close()
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
	return s, &hits
}

func gzipped(t testing.TB, p []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(p)
	zw.Close()
	return b.Bytes()
}

const page = "<html><head><title>Rapport</title></head><body><p>Des hommes armés ont attaqué le village.</p></body></html>"

func TestFetchGzipAndWARCRoundTrip(t *testing.T) {
	body := gzipped(t, []byte(page))
	s, _ := server(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/article", http.StatusMovedPermanently)
			return
		}
		if r.Header.Get("Accept-Encoding") != "gzip" || !strings.HasPrefix(r.UserAgent(), "Vigil/") {
			http.Error(w, "bad request headers", 400)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("ETag", `"v1"`)
		w.Write(body)
	}))
	now := time.Date(2025, 3, 16, 8, 30, 0, 123, time.UTC)
	resp, err := Fetch(context.Background(), s.URL+"/old#top", Options{AllowPrivate: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != page || resp.URL != s.URL+"/article" || resp.RequestURL != s.URL+"/old" {
		t.Fatalf("got status %d url %s body %q", resp.Status, resp.URL, resp.Body)
	}
	if len(resp.Exchanges) != 2 || resp.Exchanges[0].Status != 301 {
		t.Fatalf("want 2 exchanges starting with a 301, got %d", len(resp.Exchanges))
	}
	final := resp.Final()
	if !bytes.Equal(final.Body, body) {
		t.Error("the final exchange does not keep the body as received (gzip)")
	}
	if final.PeerIP != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("peer IP %v", final.PeerIP)
	}
	if !bytes.HasPrefix(final.Request, []byte("GET /article HTTP/1.1\r\n")) {
		t.Errorf("request: %q", final.Request)
	}

	w := resp.WARC()
	recs, err := ReadWARC(bytes.NewReader(w), 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, r := range recs {
		types = append(types, r.Type())
	}
	if got := strings.Join(types, ","); got != "request,response,request,response" {
		t.Fatalf("record types %s", got)
	}
	if got := recs[3].Header.Get("WARC-Payload-Digest"); got != "sha256:"+hexDigest(body) {
		t.Errorf("payload digest %s", got)
	}
	if recs[2].Header.Get("WARC-Concurrent-To") != recs[3].Header.Get("WARC-Record-ID") {
		t.Error("request record not concurrent to its response")
	}
	back, err := FromWARC(w, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, resp) {
		t.Errorf("FromWARC(WARC()) differs:\n got %+v\nwant %+v", back, resp)
	}
	if !bytes.Equal(back.WARC(), w) {
		t.Error("WARC is not stable across a round trip")
	}
}

func TestConditionalRequest(t *testing.T) {
	s, _ := server(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("fresh"))
	}))
	resp, err := Fetch(context.Background(), s.URL, Options{AllowPrivate: true, Header: http.Header{"If-None-Match": {`"v1"`}}})
	if err != nil || resp.Status != 304 || len(resp.Body) != 0 {
		t.Fatalf("got %v, %v", resp, err)
	}
}

func TestRefusals(t *testing.T) {
	target, targetHits := server(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("internal secret"))
	}))
	_, port, _ := net.SplitHostPort(target.Listener.Addr().String())
	// "public" stands for a public web server: it listens on 127.0.0.2, which
	// the test alone treats as public.
	public, _ := server(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-loopback":
			http.Redirect(w, r, target.URL+"/", http.StatusFound)
		case "/to-rebind":
			http.Redirect(w, r, "http://rebind.test:"+port+"/", http.StatusFound)
		default:
			w.Write([]byte("public page"))
		}
	}))
	_, pubPort, _ := net.SplitHostPort(public.Listener.Addr().String())
	onlyDot2 := func(ip netip.Addr) bool { return ip == netip.MustParseAddr("127.0.0.2") }
	var rebindCalls atomic.Int64
	resolver := resolverFunc(func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		switch host {
		case "intranet.test":
			return []netip.Addr{netip.MustParseAddr("10.20.30.40")}, nil
		case "mapped.test":
			return []netip.Addr{netip.MustParseAddr("::ffff:127.0.0.1")}, nil
		case "rebind.test": // public the first time, loopback after
			if rebindCalls.Add(1) == 1 {
				return []netip.Addr{netip.MustParseAddr("127.0.0.2")}, nil
			}
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		return nil, fmt.Errorf("no such host %s", host)
	})
	opts := Options{Resolver: resolver, isPublic: onlyDot2}
	tests := []struct {
		name string
		url  string
		opts Options
	}{
		{"loopback literal", target.URL, Options{}},
		{"localhost name", "http://localhost:" + port + "/", Options{}},
		{"IPv4-mapped literal", "http://[::ffff:127.0.0.1]:" + port + "/", Options{}},
		{"redirect to 127.0.0.1", public.URL + "/to-loopback", opts},
		{"name resolving to a private address", "http://intranet.test:" + port + "/", opts},
		{"name resolving to a mapped loopback", "http://mapped.test:" + port + "/", opts},
		{"DNS rebinding across a redirect", "http://rebind.test:" + pubPort + "/to-rebind", opts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fetch(context.Background(), tt.url, tt.opts)
			if !errs.Is(err, errs.Forbidden) {
				t.Fatalf("got %v, want a Forbidden refusal", err)
			}
			if !strings.Contains(err.Error(), "not a public address") {
				t.Errorf("error does not say why: %v", err)
			}
		})
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("the internal server was reached %d times", n)
	}
	// The same public server is fine.
	resp, err := Fetch(context.Background(), public.URL+"/", opts)
	if err != nil || string(resp.Body) != "public page" {
		t.Fatalf("public fetch: %v", err)
	}
}

type resolverFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

func (f resolverFunc) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return f(ctx, network, host)
}

func TestLimits(t *testing.T) {
	bomb := gzipped(t, make([]byte, 64<<20)) // 64 MiB of zeros in ~64 KiB
	s, _ := server(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop/a":
			http.Redirect(w, r, "/loop/b", http.StatusFound)
		case "/loop/b":
			http.Redirect(w, r, "/loop/a", http.StatusFound)
		case "/slow":
			w.WriteHeader(200)
			for i := 0; i < 100; i++ {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
				w.Write([]byte("drip "))
				w.(http.Flusher).Flush()
			}
		case "/slow-headers":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/huge":
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for i := 0; i < 64; i++ { // 4 MiB, no Content-Length
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/huge-declared":
			w.Header().Set("Content-Length", "104857600")
			w.Write([]byte("a start"))
		case "/bomb":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		case "/brotli":
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("whatever"))
		default:
			var n int
			if _, err := fmt.Sscanf(r.URL.Path, "/chain/%d", &n); err == nil {
				http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusTemporaryRedirect)
				return
			}
			http.NotFound(w, r)
		}
	}))
	base := Options{AllowPrivate: true, MaxBytes: 1 << 20, MaxRedirects: 3, Timeout: 400 * time.Millisecond}
	tests := []struct {
		path string
		kind errs.Kind
		msg  string
	}{
		{"/loop/a", errs.Invalid, "redirect loop"},
		{"/chain/0", errs.Invalid, "more than 3 redirects"},
		{"/slow", errs.Unavailable, "no complete answer within"},
		{"/slow-headers", errs.Unavailable, "no complete answer within"},
		{"/huge", errs.Invalid, "larger than the 1048576-byte limit"},
		{"/huge-declared", errs.Invalid, "larger than the 1048576-byte limit"},
		{"/bomb", errs.Invalid, "decodes to more than"},
		{"/brotli", errs.Invalid, "unsupported content encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			_, err := Fetch(context.Background(), s.URL+tt.path, base)
			if err == nil || errs.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v (kind %v), want kind %v with %q", err, errs.KindOf(err), tt.kind, tt.msg)
			}
			if !strings.Contains(err.Error(), s.URL) {
				t.Errorf("error does not name the URL: %v", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// No redirects followed: the redirect itself is the answer.
	resp, err := Fetch(context.Background(), s.URL+"/chain/0", Options{AllowPrivate: true, MaxRedirects: -1})
	if err != nil || resp.Status != http.StatusTemporaryRedirect {
		t.Fatalf("MaxRedirects -1: %v, %v", resp, err)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fetch(ctx, "http://127.0.0.1:1/", Options{AllowPrivate: true}); err == nil {
		t.Fatal("fetch with a cancelled context succeeded")
	}
}
