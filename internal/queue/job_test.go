package queue

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
)

func testJob(text string) Job {
	data := []byte(text)
	return Job{SHA256: blob.Sum(data), Name: "r.txt", Source: "field team", Data: data,
		Published: time.Date(2025, 3, 16, 0, 0, 0, 0, time.UTC)}
}

func TestJobRoundTrip(t *testing.T) {
	j := testJob("Des hommes armés ont attaqué le village.")
	data, err := EncodeJob(j)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeJob(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != j.SHA256 || got.Name != j.Name || got.Source != j.Source ||
		!bytes.Equal(got.Data, j.Data) || !got.Published.Equal(j.Published) {
		t.Errorf("round trip: got %+v, want %+v", got, j)
	}
	// By reference: no bytes.
	ref := j
	ref.Data = nil
	data, err = EncodeJob(ref)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"data"`) {
		t.Errorf("a job by reference carries data: %s", data)
	}
}

func TestDecodeJobRejects(t *testing.T) {
	good := testJob("text")
	enc, _ := EncodeJob(good)
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "not a job"},
		{"not JSON", `hello`, "not a job"},
		{"array", `[]`, "not a job"},
		{"no digest", `{"name":"x"}`, "not a lowercase hex"},
		{"upper-case digest", `{"sha256":"` + strings.ToUpper(good.SHA256) + `"}`, "not a lowercase hex"},
		{"unknown field", `{"sha256":"` + good.SHA256 + `","cmd":"rm"}`, "unknown field"},
		{"trailing data", string(enc) + `{}`, "data after"},
		{"bytes do not match", `{"sha256":"` + good.SHA256 + `","data":"b3RoZXI="}`, "digest"},
		{"long source", `{"sha256":"` + good.SHA256 + `","source":"` + strings.Repeat("s", maxText+1) + `"}`, "source is"},
		{"too large", `{"sha256":"` + strings.Repeat(" ", MaxJobBytes) + `"}`, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJob([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DecodeJob: err %v, want one saying %q", err, tt.want)
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("kind %v, want invalid", errs.KindOf(err))
			}
		})
	}
}

func TestEncodeJobInlineLimit(t *testing.T) {
	data := bytes.Repeat([]byte("a"), InlineLimit+1)
	_, err := EncodeJob(Job{SHA256: blob.Sum(data), Data: data})
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("over the inline limit: err %v, want invalid", err)
	}
}

func FuzzDecodeJob(f *testing.F) {
	enc, _ := EncodeJob(testJob("seed"))
	f.Add(enc)
	f.Add([]byte(`{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}`))
	f.Add([]byte(`{"sha256":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := DecodeJob(data)
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("error of kind %v, want invalid: %v", errs.KindOf(err), err)
			}
			return
		}
		again, err := EncodeJob(j)
		if err != nil {
			t.Fatalf("a decoded job does not encode: %v", err)
		}
		j2, err := DecodeJob(again)
		if err != nil || j2.SHA256 != j.SHA256 || !bytes.Equal(j2.Data, j.Data) || j2.Source != j.Source {
			t.Fatalf("re-decoding: %+v, %v; want %+v", j2, err, j)
		}
	})
}

func TestDirect(t *testing.T) {
	var got []Job
	q := Direct{Handle: func(ctx context.Context, j Job) error {
		got = append(got, j)
		if j.Source == "fail" {
			return errors.New("boom")
		}
		return nil
	}}
	if err := q.Enqueue(t.Context(), testJob("one")); err != nil {
		t.Fatal(err)
	}
	bad := testJob("two")
	bad.Source = "fail"
	if err := q.Enqueue(t.Context(), bad); err == nil || err.Error() != "boom" {
		t.Fatalf("the handler's error is not returned: %v", err)
	}
	if err := q.Enqueue(t.Context(), Job{SHA256: "nope"}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("an invalid job: err %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("handled %d jobs, want 2", len(got))
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no NATS URL"},
		{Config{URL: "http://127.0.0.1:4222"}, "not a nats:// URL"},
		{Config{URL: "nats://u:secret@127.0.0.1:4222,http://x"}, "not a nats:// URL"},
		{Config{URL: "nats://127.0.0.1:4222", Name: "a.b"}, "queue name"},
		{Config{URL: "nats://127.0.0.1:4222", Name: "a b"}, "queue name"},
	}
	for _, tt := range tests {
		err := tt.cfg.setDefaults()
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errs.Is(err, errs.Invalid) {
			t.Errorf("%+v: err %v, want invalid saying %q", tt.cfg, err, tt.want)
		}
	}
	if got := Redact("nats://u:secret@h:4222,nats://h2:4222"); strings.Contains(got, "secret") {
		t.Errorf("Redact kept the password: %s", got)
	}
	c := Config{URL: "nats://127.0.0.1:4222"}
	if err := c.setDefaults(); err != nil || c.Name != DefaultName || c.MaxDeliver != 5 || c.AckWait != 30*time.Second {
		t.Errorf("defaults: %+v, %v", c, err)
	}
}

func TestBackoff(t *testing.T) {
	q := &JetStream{cfg: Config{BackoffBase: time.Second, BackoffMax: 10 * time.Second}}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := q.backoff(uint64(i + 1)); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := q.backoff(1000); got != 10*time.Second {
		t.Errorf("backoff(1000) = %v", got)
	}
}
