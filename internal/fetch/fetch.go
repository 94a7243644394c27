// Package fetch retrieves web pages and feeds for Vigil without letting a
// hostile URL reach inside the operator's network, and keeps what the server
// answered as evidence.
//
// Every connection is checked at dial time, on the resolved address the socket
// is about to connect to (net.Dialer.Control), for every redirect hop: private,
// loopback, link-local, multicast, CGNAT and other special-purpose addresses
// are refused unless Options.AllowPrivate is set. Only http and https are
// fetched; the whole fetch has a deadline; bodies are size-limited both as
// received and after gzip decoding; redirects are followed by hand, bounded,
// and recorded. Environment proxies are ignored on purpose: a proxy would make
// the dial-time check look at the proxy, not the target.
//
// Response.WARC writes every request and response of a fetch as WARC/1.1
// records; ReadWARC and FromWARC read them back.
package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Defaults for Options left zero.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 10 << 20
	DefaultMaxRedirects = 5
	DefaultUserAgent    = "Vigil/1 (+https://github.com/vigil-hr/vigil; human-rights incident documentation)"
)

// Resolver resolves host names; *net.Resolver satisfies it. Tests use their
// own to make a name resolve to any address without touching DNS.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options bound one fetch. The zero value is safe: public addresses only,
// DefaultTimeout, DefaultMaxBytes, DefaultMaxRedirects.
type Options struct {
	Timeout      time.Duration // the whole fetch: every hop, headers and body
	MaxBytes     int64         // largest body, as received and after decoding
	MaxRedirects int           // redirects followed; negative: none, the redirect is the answer
	AllowPrivate bool          // allow private, loopback and other special addresses
	UserAgent    string
	Header       http.Header // extra request headers (Accept, If-None-Match, If-Modified-Since...)
	Resolver     Resolver    // nil: net.DefaultResolver
	Now          func() time.Time

	isPublic func(netip.Addr) bool // tests only: stands in for Public
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Exchange is one request and the server's answer, as evidence.
type Exchange struct {
	URL        string      // the URL requested
	Time       time.Time   // when the request was sent (UTC)
	PeerIP     netip.Addr  // the address connected to; invalid when unknown
	Request    []byte      // the request as sent: request line and headers
	StatusLine string      // e.g. "HTTP/1.1 200 OK"
	Status     int         // e.g. 200
	Header     http.Header // response headers
	// Body is the body as received: its content coding (gzip) intact, its
	// transfer coding (chunked) removed.
	Body []byte

	requestID, responseID string // WARC-Record-IDs, fixed at fetch time
}

// Response is the result of a fetch: the final answer and every exchange
// that led to it.
type Response struct {
	RequestURL string      // the URL asked for
	URL        string      // the final URL, after redirects
	Status     int         // the final status code
	Header     http.Header // the final response headers
	// Body is the final body with its content coding removed (gzip decoded).
	// Character sets are left to intake.
	Body      []byte
	Exchanges []*Exchange // every request made, in order; the last one answered
}

// Final returns the exchange that gave the final answer.
func (r *Response) Final() *Exchange { return r.Exchanges[len(r.Exchanges)-1] }

// Fetch retrieves rawURL within the limits of opts. Any complete HTTP answer
// is returned without error, whatever its status (a feed poller needs 304);
// callers check Status. Errors carry kinds: Invalid for a bad URL, an
// oversized body or a redirect loop, Forbidden for a refused address,
// Unavailable for network failures and timeouts.
func Fetch(ctx context.Context, rawURL string, opts Options) (resp *Response, err error) {
	defer errs.Wrap(&err, "%s", rawURL)
	opts = opts.withDefaults()
	u, err := CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	client := newClient(opts)
	defer client.CloseIdleConnections()

	resp = &Response{RequestURL: u.String()}
	seen := map[string]bool{}
	for hop := 0; ; hop++ {
		if seen[u.String()] {
			return nil, errs.E(errs.Invalid, "redirect loop: %s was already visited", u)
		}
		seen[u.String()] = true
		ex, err := roundTrip(ctx, client, u, opts)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
				return nil, errs.E(errs.Unavailable, "no complete answer within %s", opts.Timeout)
			}
			return nil, err
		}
		resp.Exchanges = append(resp.Exchanges, ex)
		loc := ex.Header.Get("Location")
		if !isRedirect(ex.Status) || loc == "" || opts.MaxRedirects < 0 {
			break
		}
		if hop >= opts.MaxRedirects {
			return nil, errs.E(errs.Invalid, "more than %d redirects", opts.MaxRedirects)
		}
		next, err := u.Parse(loc)
		if err != nil {
			return nil, errs.E(errs.Invalid, "redirect to a malformed location %q", loc)
		}
		if u, err = CheckURL(next.String()); err != nil {
			return nil, fmt.Errorf("redirect: %w", err)
		}
	}
	final := resp.Final()
	resp.URL, resp.Status, resp.Header = final.URL, final.Status, final.Header
	resp.Body, err = Decode(final.Header, final.Body, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// CheckURL parses rawURL and accepts only absolute http and https URLs with
// a host and without credentials.
func CheckURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, errs.E(errs.Invalid, "not a valid URL: %v", err)
	}
	switch u.Scheme {
	case "http", "https":
	default:
		return nil, errs.E(errs.Invalid, "only http and https URLs are fetched, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errs.E(errs.Invalid, "URL has no host")
	}
	if u.User != nil {
		return nil, errs.E(errs.Invalid, "URLs with credentials are not fetched")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func newClient(opts Options) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: dialControl(opts)}
	tr := &http.Transport{
		Proxy:                  nil, // see the package comment
		DialContext:            dialer{d, opts}.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    10 * time.Second,
		DisableKeepAlives:      true,
		DisableCompression:     true, // we ask for gzip ourselves and keep the encoded bytes
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// dialer resolves names itself so that it dials the exact addresses it
// checked; Control checks them again on the socket.
type dialer struct {
	d    *net.Dialer
	opts Options
}

func (x dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("bad port %q", portStr)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip} // a literal is checked as written: ::ffff:127.0.0.1 is refused
	} else {
		found, err := x.opts.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, errs.E(errs.Unavailable, "cannot resolve %s: %v", host, err)
		}
		for _, ip := range found {
			ips = append(ips, ip.Unmap()) // the resolver may hand IPv4 answers back mapped
		}
	}
	if len(ips) == 0 {
		return nil, errs.E(errs.Unavailable, "%s has no address", host)
	}
	var firstErr error
	for _, ip := range ips {
		if err := checkAddr(ip, x.opts); err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		c, err := x.d.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
		if err == nil {
			return c, nil
		}
		firstErr = cmpErr(firstErr, err)
	}
	if errs.KindOf(firstErr) == errs.Other {
		firstErr = &errs.Error{Kind: errs.Unavailable, Err: firstErr}
	}
	return nil, firstErr
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// roundTrip makes one request and reads its whole body within the limits.
func roundTrip(ctx context.Context, client *http.Client, u *url.URL, opts Options) (*Exchange, error) {
	ex := &Exchange{URL: u.String(), requestID: newRecordID(), responseID: newRecordID()}
	trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if ap, err := netip.ParseAddrPort(ci.Conn.RemoteAddr().String()); err == nil {
			ex.PeerIP = ap.Addr()
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errs.E(errs.Invalid, "cannot build request: %v", err)
	}
	for k, vs := range opts.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	req.Header.Set("Accept-Encoding", "gzip")
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5")
	}
	var rb bytes.Buffer
	if err := req.Write(&rb); err != nil {
		return nil, err
	}
	ex.Request = rb.Bytes()
	ex.Time = opts.Now().UTC()

	res, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errs.KindOf(err) == errs.Other && !errors.Is(err, context.DeadlineExceeded) {
			err = &errs.Error{Kind: errs.Unavailable, Err: err}
		}
		return nil, err
	}
	defer res.Body.Close()
	ex.Status, ex.Header = res.StatusCode, res.Header
	ex.StatusLine = res.Proto + " " + res.Status
	if res.ContentLength > opts.MaxBytes {
		return nil, errs.E(errs.Invalid, "the body (%d bytes) is larger than the %d-byte limit", res.ContentLength, opts.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, opts.MaxBytes+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, errs.E(errs.Unavailable, "reading the body: %v", err)
	}
	if int64(len(body)) > opts.MaxBytes {
		return nil, errs.E(errs.Invalid, "the body is larger than the %d-byte limit", opts.MaxBytes)
	}
	ex.Body = body
	return ex, nil
}

// Decode removes the content coding named in h from body, refusing output
// larger than max bytes (a gzip bomb). Identity and gzip are understood; Vigil
// asks for nothing else.
func Decode(h http.Header, body []byte, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	switch enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); enc {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, errs.E(errs.Invalid, "the gzip-encoded body is corrupt: %v", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, max+1))
		if err != nil {
			return nil, errs.E(errs.Invalid, "the gzip-encoded body is corrupt: %v", err)
		}
		if int64(len(out)) > max {
			return nil, errs.E(errs.Invalid, "the gzip-encoded body decodes to more than the %d-byte limit", max)
		}
		return out, nil
	default:
		return nil, errs.E(errs.Invalid, "unsupported content encoding %q", enc)
	}
}

// newRecordID returns a fresh WARC-Record-ID (a random UUID URN).
func newRecordID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
