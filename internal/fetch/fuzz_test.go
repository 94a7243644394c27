package fetch

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// FuzzReadWARC feeds arbitrary bytes to the WARC reader and to FromWARC:
// they must return an error or records, never panic or allocate past limits.
func FuzzReadWARC(f *testing.F) {
	ex := &Exchange{
		URL: "https://example.org/a", Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Request:    []byte("GET /a HTTP/1.1\r\nHost: example.org\r\n\r\n"),
		StatusLine: "HTTP/1.1 200 OK", Status: 200,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("bonjour"),
		requestID: "<urn:uuid:1>", responseID: "<urn:uuid:2>",
	}
	f.Add((&Response{Exchanges: []*Exchange{ex}}).WARC())
	f.Add([]byte("WARC/1.1\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n"))
	f.Add([]byte("WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999999\r\n\r\n"))
	f.Add([]byte("WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: x\r\nContent-Length: 4\r\n\r\nHTTP\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadWARC(bytes.NewReader(data), 1<<20)
		if err == nil {
			for _, r := range recs {
				if int64(len(r.Block)) > 1<<20 {
					t.Fatalf("block of %d bytes past the limit", len(r.Block))
				}
			}
		}
		if resp, err := FromWARC(data, 1<<20); err == nil && len(resp.Exchanges) == 0 {
			t.Fatal("FromWARC succeeded without exchanges")
		}
	})
}
