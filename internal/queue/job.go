// Package queue hands extraction jobs from whoever receives documents
// (vigil ingest, later vigil serve) to whoever extracts and stores them.
//
// Queue is the small interface both sides share. Direct runs each job at
// once in the caller's goroutine: Vigil on one laptop. JetStream spreads
// jobs over any number of `vigil worker` processes through a NATS
// JetStream work queue: at least once, acknowledged only after the store
// has committed, retried with back-off, and parked with its error on a
// dead-letter stream when it keeps failing. Jobs are idempotent because
// they name their document by its SHA-256 and the store keeps the same
// bytes once. docs/adr/0007-queue.md explains the choices.
package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/vigil-hr/vigil/internal/blob"
	"github.com/vigil-hr/vigil/internal/errs"
)

// Size limits of a job.
const (
	// InlineLimit is the largest document whose bytes travel inside the
	// job. Larger ones travel by digest only and the worker reads them from
	// the blob store, which must then be shared. Base64 makes an inline
	// job about 4/3 of the document, below NATS's default 1 MiB payload.
	InlineLimit = 512 << 10
	// MaxJobBytes is the largest encoded job DecodeJob accepts.
	MaxJobBytes = 1 << 20
	// maxText bounds the free-text fields of a job (name, source, URL).
	maxText = 4096
)

// Job asks for one document to be extracted and stored.
type Job struct {
	// SHA256 names the document: its bytes are Data, or the blob store's
	// entry under this digest.
	SHA256 string `json:"sha256"`
	// Name is what the document was called where it came from (a file
	// name); only for logs and errors.
	Name      string    `json:"name,omitempty"`
	Source    string    `json:"source,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published time.Time `json:"published,omitzero"` // overrides the document's own date when set
	// Data holds the document's bytes when they are at most InlineLimit
	// long; nil means "read them from the blob store".
	Data     []byte    `json:"data,omitempty"`
	Enqueued time.Time `json:"enqueued,omitzero"`
}

// Handler processes one job. An error of kind errs.Invalid says the job
// can never succeed (its bytes are not a report): it is parked at once.
// Any other error is retried.
type Handler func(ctx context.Context, j Job) error

// Queue takes jobs. Enqueue returns once the job is safe: processed
// (Direct) or stored by the queue (JetStream). Enqueueing a job whose
// document was enqueued before is harmless: it is processed once more at
// most, and the store keeps the document once.
type Queue interface {
	Enqueue(ctx context.Context, j Job) error
	Close() error
}

// Direct is the in-process queue: Enqueue runs the handler at once.
type Direct struct {
	Handle Handler
}

// Enqueue validates j and runs the handler on it.
func (d Direct) Enqueue(ctx context.Context, j Job) error {
	if err := j.Validate(); err != nil {
		return err
	}
	return d.Handle(ctx, j)
}

// Close does nothing.
func (Direct) Close() error { return nil }

// Validate checks a job: a well-formed digest, inline bytes that match it
// and are within InlineLimit, bounded text fields.
func (j *Job) Validate() error {
	if !blob.ValidSum(j.SHA256) {
		return errs.E(errs.Invalid, "job: sha256 %.80q is not a lowercase hex SHA-256 digest", j.SHA256)
	}
	for _, f := range []struct{ name, v string }{{"name", j.Name}, {"source", j.Source}, {"url", j.URL}} {
		if len(f.v) > maxText {
			return errs.E(errs.Invalid, "job %s: %s is %d bytes long, more than %d", j.SHA256, f.name, len(f.v), maxText)
		}
	}
	if j.Data != nil {
		if len(j.Data) > InlineLimit {
			return errs.E(errs.Invalid, "job %s: %d inline bytes, more than the %d-byte limit", j.SHA256, len(j.Data), InlineLimit)
		}
		if sum := blob.Sum(j.Data); sum != j.SHA256 {
			return errs.E(errs.Invalid, "job %s: its bytes have digest %s", j.SHA256, sum)
		}
	}
	return nil
}

// EncodeJob validates j and encodes it as JSON.
func EncodeJob(j Job) ([]byte, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// DecodeJob decodes and validates a job as EncodeJob wrote it. It refuses
// input longer than MaxJobBytes, unknown fields and trailing data.
func DecodeJob(data []byte) (Job, error) {
	var j Job
	if len(data) > MaxJobBytes {
		return j, errs.E(errs.Invalid, "job: %d bytes, more than the %d-byte limit", len(data), MaxJobBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return Job{}, errs.E(errs.Invalid, "job: not a job's JSON: %v", err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return Job{}, errs.E(errs.Invalid, "job: data after the job's JSON")
	}
	if err := j.Validate(); err != nil {
		return Job{}, err
	}
	return j, nil
}

// String names the job in logs.
func (j Job) String() string {
	if j.Name != "" {
		return fmt.Sprintf("%s (%.12s)", j.Name, j.SHA256)
	}
	return j.SHA256
}
