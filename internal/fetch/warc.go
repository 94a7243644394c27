package fetch

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

// WARC returns the fetch as WARC/1.1 (ISO 28500:2017) records: for each
// exchange, in order, a request record and the response record it is
// concurrent to. Digests are SHA-256 in lowercase hex, so a payload digest
// can be compared with a Vigil document ID directly. The response block is
// the status line, the headers as received and the body as received (content
// coding intact, transfer coding removed; when the server sent the body
// chunked, the Transfer-Encoding header is absent from the record).
func (r *Response) WARC() []byte {
	var b bytes.Buffer
	for _, ex := range r.Exchanges {
		date := ex.Time.UTC().Format(time.RFC3339Nano)
		writeRecord(&b, []field{
			{"WARC-Type", "request"},
			{"WARC-Record-ID", ex.requestID},
			{"WARC-Date", date},
			{"WARC-Target-URI", ex.URL},
			{"WARC-Concurrent-To", ex.responseID},
			{"Content-Type", "application/http;msgtype=request"},
		}, ex.Request, nil)

		var block bytes.Buffer
		block.WriteString(ex.StatusLine)
		block.WriteString("\r\n")
		_ = ex.Header.Write(&block)
		block.WriteString("\r\n")
		block.Write(ex.Body)
		fields := []field{
			{"WARC-Type", "response"},
			{"WARC-Record-ID", ex.responseID},
			{"WARC-Date", date},
			{"WARC-Target-URI", ex.URL},
		}
		if ex.PeerIP.IsValid() {
			fields = append(fields, field{"WARC-IP-Address", ex.PeerIP.String()})
		}
		fields = append(fields, field{"Content-Type", "application/http;msgtype=response"})
		writeRecord(&b, fields, block.Bytes(), ex.Body)
	}
	return b.Bytes()
}

type field struct{ name, value string }

func writeRecord(b *bytes.Buffer, fields []field, block, payload []byte) {
	b.WriteString("WARC/1.1\r\n")
	for _, f := range fields {
		fmt.Fprintf(b, "%s: %s\r\n", f.name, f.value)
	}
	fmt.Fprintf(b, "WARC-Block-Digest: sha256:%s\r\n", hexDigest(block))
	if payload != nil {
		fmt.Fprintf(b, "WARC-Payload-Digest: sha256:%s\r\n", hexDigest(payload))
	}
	fmt.Fprintf(b, "Content-Length: %d\r\n\r\n", len(block))
	b.Write(block)
	b.WriteString("\r\n\r\n")
}

func hexDigest(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}

// Record is one WARC record read back.
type Record struct {
	Version string               // "WARC/1.1" or "WARC/1.0"
	Header  textproto.MIMEHeader // the named fields, canonicalised
	Block   []byte
}

// Type returns the record's WARC-Type.
func (r *Record) Type() string { return r.Header.Get("WARC-Type") }

// Limits of ReadWARC.
const (
	maxWARCHeaderBytes = 64 << 10
	maxWARCFields      = 256
)

// ReadWARC reads WARC records until EOF. No block may exceed maxBlock bytes
// (DefaultMaxBytes plus headroom when maxBlock <= 0). A block digest, when
// present in SHA-256 form, is verified.
func ReadWARC(r io.Reader, maxBlock int64) ([]*Record, error) {
	if maxBlock <= 0 {
		maxBlock = DefaultMaxBytes + 1<<20
	}
	br := bufio.NewReader(r)
	var out []*Record
	for {
		if _, err := br.Peek(1); err == io.EOF {
			return out, nil
		}
		rec, err := readRecord(br, maxBlock)
		if err != nil {
			return nil, errs.E(errs.Invalid, "WARC record %d: %v", len(out)+1, err)
		}
		out = append(out, rec)
	}
}

func readRecord(br *bufio.Reader, maxBlock int64) (*Record, error) {
	budget := maxWARCHeaderBytes
	line := func() (string, error) {
		s, err := br.ReadString('\n')
		budget -= len(s)
		if budget < 0 {
			return "", fmt.Errorf("header longer than %d bytes", maxWARCHeaderBytes)
		}
		if err != nil {
			return "", fmt.Errorf("truncated header: %w", err)
		}
		return strings.TrimRight(s, "\r\n"), nil
	}
	version, err := line()
	if err != nil {
		return nil, err
	}
	if version != "WARC/1.1" && version != "WARC/1.0" {
		return nil, fmt.Errorf("not a WARC record (starts %q)", truncate(version, 20))
	}
	rec := &Record{Version: version, Header: textproto.MIMEHeader{}}
	for n := 0; ; n++ {
		s, err := line()
		if err != nil {
			return nil, err
		}
		if s == "" {
			break
		}
		if n >= maxWARCFields {
			return nil, fmt.Errorf("more than %d header fields", maxWARCFields)
		}
		name, value, ok := strings.Cut(s, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("malformed header line %q", truncate(s, 40))
		}
		rec.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	n, err := strconv.ParseInt(rec.Header.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("missing or bad Content-Length")
	}
	if n > maxBlock {
		return nil, fmt.Errorf("block of %d bytes is larger than the %d-byte limit", n, maxBlock)
	}
	rec.Block = make([]byte, n)
	if _, err := io.ReadFull(br, rec.Block); err != nil {
		return nil, fmt.Errorf("truncated block: %w", err)
	}
	var end [4]byte
	if _, err := io.ReadFull(br, end[:]); err != nil || string(end[:]) != "\r\n\r\n" {
		return nil, fmt.Errorf("block not followed by CRLF CRLF")
	}
	if d, ok := strings.CutPrefix(rec.Header.Get("WARC-Block-Digest"), "sha256:"); ok && !strings.EqualFold(d, hexDigest(rec.Block)) {
		return nil, fmt.Errorf("block digest does not match its content")
	}
	return rec, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// FromWARC rebuilds a Response from the records Response.WARC wrote (or any
// WARC holding request and response records for one fetch): each response
// record becomes an exchange, paired with the request record concurrent to
// it; the last response is the final answer, its body decoded within
// maxBytes.
func FromWARC(data []byte, maxBytes int64) (*Response, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	recs, err := ReadWARC(bytes.NewReader(data), maxBytes+1<<20)
	if err != nil {
		return nil, err
	}
	requests := map[string]*Record{}
	for _, rec := range recs {
		if rec.Type() == "request" {
			requests[rec.Header.Get("WARC-Concurrent-To")] = rec
		}
	}
	resp := &Response{}
	for _, rec := range recs {
		if rec.Type() != "response" {
			continue
		}
		ex, err := exchangeFromRecord(rec, requests[rec.Header.Get("WARC-Record-ID")])
		if err != nil {
			return nil, errs.E(errs.Invalid, "WARC response for %s: %v", rec.Header.Get("WARC-Target-URI"), err)
		}
		resp.Exchanges = append(resp.Exchanges, ex)
	}
	if len(resp.Exchanges) == 0 {
		return nil, errs.E(errs.Invalid, "the WARC data holds no response record")
	}
	final := resp.Final()
	resp.RequestURL = resp.Exchanges[0].URL
	resp.URL, resp.Status, resp.Header = final.URL, final.Status, final.Header
	if resp.Body, err = Decode(final.Header, final.Body, maxBytes); err != nil {
		return nil, err
	}
	return resp, nil
}

func exchangeFromRecord(rec, req *Record) (*Exchange, error) {
	ex := &Exchange{URL: rec.Header.Get("WARC-Target-URI"), responseID: rec.Header.Get("WARC-Record-ID")}
	t, err := time.Parse(time.RFC3339Nano, rec.Header.Get("WARC-Date"))
	if err != nil {
		return nil, fmt.Errorf("bad WARC-Date: %v", err)
	}
	ex.Time = t
	if ip := rec.Header.Get("WARC-IP-Address"); ip != "" {
		if ex.PeerIP, err = netip.ParseAddr(ip); err != nil {
			return nil, fmt.Errorf("bad WARC-IP-Address: %v", err)
		}
	}
	i := bytes.Index(rec.Block, []byte("\r\n\r\n"))
	if i < 0 {
		return nil, fmt.Errorf("no end of HTTP headers")
	}
	hr, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(rec.Block[:i+4])), nil)
	if err != nil {
		return nil, fmt.Errorf("bad HTTP header: %v", err)
	}
	hr.Body.Close()
	ex.StatusLine = string(rec.Block[:bytes.IndexByte(rec.Block, '\r')])
	ex.Status, ex.Header = hr.StatusCode, hr.Header
	ex.Body = rec.Block[i+4:]
	if req != nil {
		ex.Request, ex.requestID = req.Block, req.Header.Get("WARC-Record-ID")
	}
	return ex, nil
}
