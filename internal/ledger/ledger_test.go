package ledger_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-hr/vigil/internal/ledger"
)

var when = time.Date(2025, 3, 16, 8, 0, 0, 123456789, time.UTC)

func sampleLeaf() ledger.Leaf {
	return ledger.Leaf{V: 1, Kind: "event", ID: "e1", Op: "create", Actor: "extractor:rules/v1",
		SHA256: strings.Repeat("ab", 32), Time: ledger.FormatTime(when)}
}

func TestLeafEncoding(t *testing.T) {
	b, err := sampleLeaf().Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"actor":"extractor:rules/v1","id":"e1","kind":"event","op":"create","sha256":"` + strings.Repeat("ab", 32) +
		`","time":"2025-03-16T08:00:00.123456Z","v":1}`
	if string(b) != want {
		t.Fatalf("Encode =\n%s\nwant\n%s", b, want)
	}
	l, err := ledger.ParseLeaf(b)
	if err != nil || !reflect.DeepEqual(l, sampleLeaf()) {
		t.Fatalf("ParseLeaf = %+v, %v", l, err)
	}
	// Keys sorted even with the optional members.
	l.Note, l.Refs, l.Op = "<edit>", []string{"event:e2"}, "merge"
	b, _ = l.Encode()
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	if strings.Join(keys, ",") != "actor,id,kind,note,op,refs,sha256,time,v" || !strings.Contains(string(b), "<edit>") {
		t.Errorf("encoding %s", b)
	}
}

func TestParseLeafRejects(t *testing.T) {
	good, _ := sampleLeaf().Encode()
	s := string(good)
	tests := map[string]string{
		"not canonical (space)":  strings.Replace(s, `"id":`, `"id": `, 1),
		"not canonical (order)":  `{"id":"e1","actor":"extractor:rules/v1","kind":"event","op":"create","sha256":"` + strings.Repeat("ab", 32) + `","time":"2025-03-16T08:00:00.123456Z","v":1}`,
		"unknown member":         strings.Replace(s, `"v":1}`, `"v":1,"x":1}`, 1),
		"version":                strings.Replace(s, `"v":1`, `"v":2`, 1),
		"bad digest":             strings.Replace(s, "abab", "ABAB", 1),
		"bad time":               strings.Replace(s, ".123456Z", "Z", 1),
		"bad kind":               strings.Replace(s, `"kind":"event"`, `"kind":"Event"`, 1),
		"delete with digest":     strings.Replace(s, `"op":"create"`, `"op":"delete_request"`, 1),
		"trailing data":          s + "\n",
		"empty id":               strings.Replace(s, `"id":"e1"`, `"id":""`, 1),
		"not json":               "leaf",
		"escaped html differs":   strings.Replace(s, `"e1"`, `"\u003ce1"`, 1),
		"duplicate member (id)":  strings.Replace(s, `"id":"e1",`, `"id":"e0","id":"e1",`, 1),
		"very long":              strings.Repeat(" ", ledger.MaxLeafSize+1),
		"null digest for create": strings.Replace(s, `"sha256":"`+strings.Repeat("ab", 32)+`",`, ``, 1),
	}
	for name, in := range tests {
		if _, err := ledger.ParseLeaf([]byte(in)); err == nil {
			t.Errorf("%s: ParseLeaf accepted %s", name, in)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	k, err := ledger.LoadKey(t.TempDir(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	c := ledger.Checkpoint{Origin: k.Name(), Size: 42, Hash: tlog.RecordHash([]byte("x"))}
	signed, err := c.Sign(k)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ledger.OpenCheckpoint(signed, k.Verifier)
	if err != nil || got != c {
		t.Fatalf("OpenCheckpoint = %+v, %v", got, err)
	}
	if !strings.HasPrefix(string(signed), c.Body()+"\n\u2014 "+k.Name()+" ") {
		t.Errorf("not a signed note:\n%s", signed)
	}
	// A verifier made from the published key works too.
	v, err := ledger.ParseVerifierKey(k.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.OpenCheckpoint(signed, v); err != nil {
		t.Fatal(err)
	}
	// Tampered body.
	bad := strings.Replace(string(signed), "\n42\n", "\n43\n", 1)
	if _, err := ledger.OpenCheckpoint([]byte(bad), k.Verifier); err == nil {
		t.Error("tampered checkpoint opened")
	}
	// The env var wins over the file, and is parsed the same way.
	k2, err := ledger.LoadKey(t.TempDir(), func(string) string { skey, _ := ledger.GenerateKey(); return skey }, false)
	if err != nil || k2.Name() == k.Name() {
		t.Fatalf("LoadKey from env: %v", err)
	}
	if _, err := ledger.LoadKey(t.TempDir(), nil, false); err == nil {
		t.Error("LoadKey without a key and without create succeeded")
	}
}

func TestParseCheckpoint(t *testing.T) {
	h := "0ipOIg6uONuHYg+E8ljPf/uEwK/xBwodHtz1DD2VBb8="
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"o\n1\n" + h + "\n", true},
		{"o\n1\n" + h + "\next\n", true},
		{"o\n1\n" + h, false},
		{"o\n01\n" + h + "\n", false},
		{"o\n-1\n" + h + "\n", false},
		{"o o\n1\n" + h + "\n", false},
		{"\n1\n" + h + "\n", false},
		{"o\n1\nAAAA\n", false},
		{"o\n1\n" + h + "\n\n", false},
	} {
		_, err := ledger.ParseCheckpoint(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseCheckpoint(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// Append computes the same stored hashes as tlog does leaf by leaf, for
// any split of the leaves into batches.
func TestAppendMatchesTlog(t *testing.T) {
	var want []tlog.Hash
	mem := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ix))
		for i, x := range ix {
			out[i] = want[x]
		}
		return out, nil
	})
	var leaves [][]byte
	for i := range 70 {
		leaves = append(leaves, fmt.Appendf(nil, "leaf %d", i))
		hs, err := tlog.StoredHashes(int64(i), leaves[i], mem)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, hs...)
	}
	for _, batch := range []int{1, 2, 3, 5, 8, 70} {
		var got []tlog.Hash
		reads := 0
		r := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
			reads++
			out := make([]tlog.Hash, len(ix))
			for i, x := range ix {
				if x >= int64(len(got)) {
					return nil, fmt.Errorf("read of unwritten hash %d", x)
				}
				out[i] = got[x]
			}
			return out, nil
		})
		for n := 0; n < len(leaves); n += batch {
			end := min(n+batch, len(leaves))
			hs, err := ledger.Append(int64(n), leaves[n:end], r)
			if err != nil {
				t.Fatalf("batch %d at %d: %v", batch, n, err)
			}
			got = append(got, hs...)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("batch %d: stored hashes differ from tlog's", batch)
		}
		if max := (len(leaves) + batch - 1) / batch; reads > max {
			t.Errorf("batch %d: %d reads, want at most one per batch (%d)", batch, reads, max)
		}
	}
}

func TestRecordFields(t *testing.T) {
	rec, err := ledger.EventRecord("e1", "r1", "d1", 2, when, []byte(`{"id":"e1","certainty":"alleged","location":{"name":"Nampala"},"actors":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	again, err := ledger.ParseRecord("event", "e1", rec.Content)
	if err != nil || again.SHA256 != rec.SHA256 {
		t.Fatalf("ParseRecord = %+v, %v", again, err)
	}
	changed, _ := ledger.EventRecord("e1", "r1", "d1", 3, when, []byte(`{"id":"e1","certainty":"confirmed","location":{"name":"Nampala"},"actors":[]}`))
	diff, err := ledger.DiffFields(rec.Fields, changed.Fields)
	if err != nil || strings.Join(diff, ",") != "event.certainty,seq" {
		t.Errorf("DiffFields = %v, %v", diff, err)
	}
	if ledger.FieldsDigest(rec.Fields) != rec.SHA256 {
		t.Error("SHA256 is not the digest of Fields")
	}
	for name, bad := range map[string]string{
		"spaces":         strings.Replace(string(rec.Content), `,"id"`, `, "id"`, 1),
		"other id":       strings.Replace(string(rec.Content), `"id":"e1","report_id"`, `"id":"e2","report_id"`, 1),
		"duplicate key":  strings.Replace(string(rec.Content), `{"created_at"`, `{"seq":1,"created_at"`, 1),
		"not an object":  `[]`,
		"field collides": `{"a.b":1,"a":{"b":2},"id":"e1"}`,
	} {
		if _, err := ledger.ParseRecord("event", "e1", []byte(bad)); err == nil {
			t.Errorf("%s: ParseRecord accepted %s", name, bad)
		}
	}
}

func FuzzParseLeaf(f *testing.F) {
	good, _ := sampleLeaf().Encode()
	f.Add(good)
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ledger.ParseLeaf(data)
		if err != nil {
			return
		}
		again, err := l.Encode()
		if err != nil || string(again) != string(data) {
			t.Fatalf("accepted %q but encodes it as %q (%v)", data, again, err)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add("o\n1\n0ipOIg6uONuHYg+E8ljPf/uEwK/xBwodHtz1DD2VBb8=\n")
	f.Add("o\n1\nx\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ledger.ParseCheckpoint(text)
		if err != nil {
			return
		}
		again, err := ledger.ParseCheckpoint(c.Body())
		if err != nil || again != c || !strings.HasPrefix(text, c.Body()) {
			t.Fatalf("accepted %q as %+v; its body %q does not round-trip (%v)", text, c, c.Body(), err)
		}
	})
}

func FuzzParseRecord(f *testing.F) {
	rec, _ := ledger.EventRecord("e1", "r1", "d1", 2, when, []byte(`{"id":"e1","location":{"name":"N"}}`))
	f.Add(rec.Content)
	f.Add([]byte(`{"id":"e1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ledger.ParseRecord("event", "e1", data)
		if err != nil {
			return
		}
		if string(r.Content) != string(data) || ledger.FieldsDigest(r.Fields) != r.SHA256 {
			t.Fatalf("accepted %q but rebuilt %q", data, r.Content)
		}
	})
}
