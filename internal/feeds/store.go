package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
)

// Feed is a feed the operator subscribed to.
type Feed struct {
	URL    string    `json:"url"`
	Source string    `json:"source,omitempty"` // name recorded as the source of its items
	Added  time.Time `json:"added"`
	State  State     `json:"state"`
}

// State is what the poller remembers of a feed between polls.
type State struct {
	Title        string    `json:"title,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastPoll     time.Time `json:"last_poll,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	NextPoll     time.Time `json:"next_poll,omitzero"` // zero: due now
	Failures     int       `json:"failures,omitempty"` // consecutive
	LastError    string    `json:"last_error,omitempty"`
}

// Store keeps feeds, their state and the items already handed on.
// Implementations are safe for concurrent use.
type Store interface {
	// AddFeed subscribes to f.URL; errs.Conflict if it is already there.
	AddFeed(ctx context.Context, f Feed) error
	// Feeds lists the subscriptions, ordered by URL.
	Feeds(ctx context.Context) ([]Feed, error)
	// RemoveFeed unsubscribes and forgets the feed's seen items;
	// errs.NotFound if it is not there.
	RemoveFeed(ctx context.Context, url string) error
	// SetState records the polling state of a feed; errs.NotFound if the
	// feed is not there (it may have been removed during a poll).
	SetState(ctx context.Context, url string, s State) error
	// Seen reports whether the item was handed on already.
	Seen(ctx context.Context, url, itemID string) (bool, error)
	// MarkSeen records that the items were handed on at time at.
	MarkSeen(ctx context.Context, url string, at time.Time, itemIDs ...string) error
}

// MaxSeenPerFeed bounds the seen set of one feed: the oldest entries go
// first. Feeds list their latest tens of items, so an item this far back
// never comes round again.
const MaxSeenPerFeed = 20_000

// data is the state both implementations keep; its JSON form is the file.
type data struct {
	Version int                             `json:"version"`
	Feeds   map[string]*Feed                `json:"feeds"`
	Seen    map[string]map[string]time.Time `json:"seen"` // feed URL -> item ID -> when
}

func newData() *data {
	return &data{Version: 1, Feeds: map[string]*Feed{}, Seen: map[string]map[string]time.Time{}}
}

func (d *data) add(f Feed) error {
	if _, ok := d.Feeds[f.URL]; ok {
		return errs.E(errs.Conflict, "feed %s is already subscribed", f.URL)
	}
	d.Feeds[f.URL] = &f
	return nil
}

func (d *data) list() []Feed {
	out := make([]Feed, 0, len(d.Feeds))
	for _, f := range d.Feeds {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Feed) int { return strings.Compare(a.URL, b.URL) })
	return out
}

func (d *data) remove(url string) error {
	if _, ok := d.Feeds[url]; !ok {
		return errs.E(errs.NotFound, "feed %s is not subscribed", url)
	}
	delete(d.Feeds, url)
	delete(d.Seen, url)
	return nil
}

func (d *data) setState(url string, s State) error {
	f, ok := d.Feeds[url]
	if !ok {
		return errs.E(errs.NotFound, "feed %s is not subscribed", url)
	}
	f.State = s
	return nil
}

func (d *data) seen(url, id string) bool {
	_, ok := d.Seen[url][id]
	return ok
}

func (d *data) markSeen(url string, at time.Time, ids ...string) error {
	if _, ok := d.Feeds[url]; !ok {
		return errs.E(errs.NotFound, "feed %s is not subscribed", url)
	}
	m := d.Seen[url]
	if m == nil {
		m = map[string]time.Time{}
		d.Seen[url] = m
	}
	for _, id := range ids {
		m[id] = at.UTC()
	}
	if len(m) > MaxSeenPerFeed {
		type entry struct {
			id string
			at time.Time
		}
		all := make([]entry, 0, len(m))
		for k, v := range m {
			all = append(all, entry{k, v})
		}
		slices.SortFunc(all, func(a, b entry) int { return a.at.Compare(b.at) })
		for _, e := range all[:len(m)-MaxSeenPerFeed] {
			delete(m, e.id)
		}
	}
	return nil
}

// MemStore is a Store in memory, for tests and for runs that keep nothing.
type MemStore struct {
	mu sync.Mutex
	d  *data
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{d: newData()} }

func (m *MemStore) AddFeed(_ context.Context, f Feed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.d.add(f)
}

func (m *MemStore) Feeds(context.Context) ([]Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.d.list(), nil
}

func (m *MemStore) RemoveFeed(_ context.Context, url string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.d.remove(url)
}

func (m *MemStore) SetState(_ context.Context, url string, s State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.d.setState(url, s)
}

func (m *MemStore) Seen(_ context.Context, url, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.d.seen(url, id), nil
}

func (m *MemStore) MarkSeen(_ context.Context, url string, at time.Time, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.d.markSeen(url, at, ids...)
}

// FileStore is a Store in one JSON file (feeds.json in the data directory,
// until feeds move into the record store). Every change re-reads the file,
// applies itself and replaces the file atomically (write, sync, rename), so
// `vigil feeds add` and a running `vigil serve` do not undo each other's
// changes except in a race within milliseconds.
type FileStore struct {
	mu   sync.Mutex
	path string
	// cache is the file's contents as last read or written, valid while the
	// file's size and modification time are those in stamp.
	cache *data
	stamp fileStamp
}

type fileStamp struct {
	size  int64
	mtime time.Time
}

func stampOf(path string) (fileStamp, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	return fileStamp{st.Size(), st.ModTime()}, true
}

// FileName is the name of the FileStore's file in the data directory.
const FileName = "feeds.json"

// OpenFileStore opens (without creating) the store at path, checking that an
// existing file is readable.
func OpenFileStore(path string) (*FileStore, error) {
	s := &FileStore{path: path}
	if _, err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load returns the current contents, reading the file only when it changed
// since it was last read or written. Callers hold s.mu and must not keep the
// result past their critical section.
func (s *FileStore) load() (*data, error) {
	if st, ok := stampOf(s.path); ok && s.cache != nil && st == s.stamp {
		return s.cache, nil
	}
	s.cache = nil
	d, err := s.read()
	if err != nil {
		return nil, err
	}
	if st, ok := stampOf(s.path); ok {
		s.cache, s.stamp = d, st
	}
	return d, nil
}

func (s *FileStore) read() (*data, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return newData(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("feed list %s: %w", s.path, err)
	}
	d := newData()
	if err := json.Unmarshal(b, d); err != nil {
		return nil, errs.E(errs.Invalid, "feed list %s is damaged: %v", s.path, err)
	}
	if d.Feeds == nil {
		d.Feeds = map[string]*Feed{}
	}
	if d.Seen == nil {
		d.Seen = map[string]map[string]time.Time{}
	}
	return d, nil
}

func (s *FileStore) save(d *data) (err error) {
	defer errs.Wrap(&err, "saving feed list %s", s.path)
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".feeds-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return err
	}
	s.cache = nil
	if st, ok := stampOf(s.path); ok {
		s.cache, s.stamp = d, st
	}
	return nil
}

// update applies fn to the current contents and saves them if fn succeeds.
func (s *FileStore) update(fn func(*data) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.load()
	if err != nil {
		return err
	}
	if err := fn(d); err != nil {
		s.cache = nil // fn may have changed d half-way
		return err
	}
	if err := s.save(d); err != nil {
		s.cache = nil
		return err
	}
	return nil
}

// view runs fn on the current contents without changing them.
func (s *FileStore) view(fn func(*data)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.load()
	if err != nil {
		return err
	}
	fn(d)
	return nil
}

func (s *FileStore) AddFeed(_ context.Context, f Feed) error {
	return s.update(func(d *data) error { return d.add(f) })
}

func (s *FileStore) Feeds(context.Context) (out []Feed, err error) {
	err = s.view(func(d *data) { out = d.list() })
	return out, err
}

func (s *FileStore) RemoveFeed(_ context.Context, url string) error {
	return s.update(func(d *data) error { return d.remove(url) })
}

func (s *FileStore) SetState(_ context.Context, url string, st State) error {
	return s.update(func(d *data) error { return d.setState(url, st) })
}

func (s *FileStore) Seen(_ context.Context, url, id string) (seen bool, err error) {
	err = s.view(func(d *data) { seen = d.seen(url, id) })
	return seen, err
}

func (s *FileStore) MarkSeen(_ context.Context, url string, at time.Time, ids ...string) error {
	return s.update(func(d *data) error { return d.markSeen(url, at, ids...) })
}
