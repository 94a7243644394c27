// Package neardup finds near-duplicate documents: syndicated copies of one
// story and lightly edited versions of it. (Exact copies never get here: the
// store keeps each byte sequence once, under its SHA-256.)
//
// A document becomes the set of its word shingles (runs of Config.Shingle
// consecutive words of its folded text, see nlp.Fold), the set becomes a
// MinHash signature whose agreement with another signature estimates the
// Jaccard similarity of the two sets, and the signature is cut into bands
// for locality-sensitive hashing: two documents become candidates when one
// whole band agrees. Candidates are then checked against Config.Threshold.
//
// The Index is incremental: Add one document, get its near-duplicates back
// at once; nothing already indexed is recomputed. Near-duplicates are also
// grouped transitively (a copy of a copy joins the original's group).
//
// Signatures depend only on the Config and the text, so they can be stored
// and handed back to a new Index with AddSignature.
package neardup

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/nlp"
)

// Config sets the shingle size, the signature's shape and the threshold.
// The zero Config means DefaultConfig.
type Config struct {
	Shingle   int     // words per shingle
	Bands     int     // LSH bands
	Rows      int     // signature values per band; the signature has Bands*Rows values
	Threshold float64 // least estimated Jaccard similarity of near-duplicates
	MaxWords  int     // words of a document considered; the rest is ignored
}

// DefaultConfig suits news reports of a hundred words and more: 3-word
// shingles, 128 values in 32 bands of 4 (a pair at similarity 0.5 becomes a
// candidate with probability 0.87, at 0.6 with 0.99, at 0.2 with 0.05) and
// a threshold of 0.5.
var DefaultConfig = Config{Shingle: 3, Bands: 32, Rows: 4, Threshold: 0.5, MaxWords: 20000}

func (c Config) withDefaults() Config {
	if c == (Config{}) {
		return DefaultConfig
	}
	return c
}

// Validate reports a Config that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Shingle < 1 || c.Shingle > 16:
		return errs.E(errs.Invalid, "neardup: shingle size %d is not between 1 and 16", c.Shingle)
	case c.Bands < 1 || c.Rows < 1 || c.Bands*c.Rows > 1024:
		return errs.E(errs.Invalid, "neardup: %d bands of %d rows is not between 1 and 1024 values", c.Bands, c.Rows)
	case c.Threshold <= 0 || c.Threshold > 1 || math.IsNaN(c.Threshold):
		return errs.E(errs.Invalid, "neardup: threshold %v is not in (0, 1]", c.Threshold)
	case c.MaxWords < c.Shingle:
		return errs.E(errs.Invalid, "neardup: MaxWords %d is below the shingle size", c.MaxWords)
	}
	return nil
}

// Words returns the words of text after folding (lower case, no
// diacritics): runs of letters and digits, at most max of them (max <= 0:
// all). Apostrophes split words, so "l'armée" gives "l" and "armee".
func Words(text string, max int) []string {
	f := nlp.Fold(text)
	var out []string
	start := -1
	for i := 0; i <= len(f); {
		r, size := utf8.RuneError, 1
		if i < len(f) {
			r, size = utf8.DecodeRuneInString(f[i:])
		}
		inWord := i < len(f) && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			out = append(out, f[start:i])
			start = -1
			if max > 0 && len(out) >= max {
				return out
			}
		}
		i += size
	}
	return out
}

// Shingles returns the distinct hashes of text's k-word shingles, sorted.
// A text of fewer than k words (but at least one) gives one shingle of all
// its words; an empty text gives none.
func Shingles(text string, k, maxWords int) []uint64 {
	return shinglesOf(Words(text, maxWords), k)
}

func shinglesOf(words []string, k int) []uint64 {
	if len(words) == 0 {
		return nil
	}
	if k > len(words) {
		k = len(words)
	}
	out := make([]uint64, 0, len(words)-k+1)
	for i := 0; i+k <= len(words); i++ {
		h := uint64(fnvOffset)
		for j, w := range words[i : i+k] {
			if j > 0 {
				h = (h ^ ' ') * fnvPrime
			}
			for n := 0; n < len(w); n++ {
				h = (h ^ uint64(w[n])) * fnvPrime
			}
		}
		out = append(out, h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Signature is a MinHash signature. An empty document has an empty one.
type Signature []uint32

// Jaccard estimates the Jaccard similarity of the shingle sets behind two
// signatures of the same Config: the share of positions where they agree.
// It is 0 when either is empty or they differ in length.
func (s Signature) Jaccard(t Signature) float64 {
	if len(s) == 0 || len(s) != len(t) {
		return 0
	}
	same := 0
	for i := range s {
		if s[i] == t[i] {
			same++
		}
	}
	return float64(same) / float64(len(s))
}

// Signer computes signatures for one Config; it is safe for concurrent use.
type Signer struct {
	cfg  Config
	a, b []uint64 // multiply-shift hash functions, a odd
}

// NewSigner returns a Signer for cfg (zero: DefaultConfig).
func NewSigner(cfg Config) (*Signer, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := cfg.Bands * cfg.Rows
	s := &Signer{cfg: cfg, a: make([]uint64, n), b: make([]uint64, n)}
	seed := uint64(0x5eed_0f_71_61_1e_00) // fixed: signatures must be stable across runs
	for i := range n {
		s.a[i] = splitmix(&seed) | 1
		s.b[i] = splitmix(&seed)
	}
	return s, nil
}

// Config returns the signer's configuration.
func (s *Signer) Config() Config { return s.cfg }

// Sign returns text's signature.
func (s *Signer) Sign(text string) Signature {
	return s.SignShingles(Shingles(text, s.cfg.Shingle, s.cfg.MaxWords))
}

// SignShingles returns the signature of a set of shingle hashes.
func (s *Signer) SignShingles(sh []uint64) Signature {
	if len(sh) == 0 {
		return nil
	}
	sig := make(Signature, len(s.a))
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	for _, x := range sh {
		x = mix(x)
		for i, a := range s.a {
			if v := uint32((a*x + s.b[i]) >> 32); v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// mix is splitmix64's finaliser: it spreads FNV's weak low bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return mix(*state)
}

// Match is an indexed document similar to the one asked about.
type Match struct {
	ID      string
	Jaccard float64 // estimated Jaccard similarity of the shingle sets
}

// Index holds signatures for near-duplicate lookup. It is safe for
// concurrent use.
type Index struct {
	signer *Signer

	mu     sync.RWMutex
	ids    []string
	sigs   []Signature
	pos    map[string]int32
	bands  []map[uint64][]int32
	parent []int32 // union-find over near-duplicate groups
}

// New returns an empty Index for cfg (zero: DefaultConfig).
func New(cfg Config) (*Index, error) {
	s, err := NewSigner(cfg)
	if err != nil {
		return nil, err
	}
	ix := &Index{signer: s, pos: map[string]int32{}, bands: make([]map[uint64][]int32, s.cfg.Bands)}
	for i := range ix.bands {
		ix.bands[i] = map[uint64][]int32{}
	}
	return ix, nil
}

// Signer returns the index's signer.
func (ix *Index) Signer() *Signer { return ix.signer }

// Len returns how many documents are indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Add indexes the document id with the given text and returns the
// documents already indexed that are its near-duplicates, most similar
// first. Adding an id twice fails with errs.Conflict.
func (ix *Index) Add(id, text string) ([]Match, error) {
	return ix.AddSignature(id, ix.signer.Sign(text))
}

// AddSignature is Add for a signature computed earlier with the same
// Config (for example, kept in a store).
func (ix *Index) AddSignature(id string, sig Signature) ([]Match, error) {
	if n := ix.signer.cfg.Bands * ix.signer.cfg.Rows; len(sig) != 0 && len(sig) != n {
		return nil, errs.E(errs.Invalid, "neardup: signature of document %q has %d values, want %d", id, len(sig), n)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if _, dup := ix.pos[id]; dup {
		return nil, errs.E(errs.Conflict, "neardup: document %q is already indexed", id)
	}
	matches, near := ix.query(sig)
	p := int32(len(ix.ids))
	ix.ids = append(ix.ids, id)
	ix.sigs = append(ix.sigs, sig)
	ix.parent = append(ix.parent, p)
	ix.pos[id] = p
	if len(sig) > 0 {
		for b, key := range ix.bandKeys(sig) {
			ix.bands[b][key] = append(ix.bands[b][key], p)
		}
	}
	for _, q := range near {
		ix.union(p, q)
	}
	return matches, nil
}

// Query returns the indexed near-duplicates of text without adding it.
func (ix *Index) Query(text string) []Match {
	return ix.QuerySignature(ix.signer.Sign(text))
}

// QuerySignature is Query for a signature.
func (ix *Index) QuerySignature(sig Signature) []Match {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	m, _ := ix.query(sig)
	return m
}

// Similar returns the estimated similarity of two indexed documents.
func (ix *Index) Similar(a, b string) (float64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	pa, oka := ix.pos[a]
	pb, okb := ix.pos[b]
	if !oka || !okb {
		return 0, errs.E(errs.NotFound, "neardup: %q or %q is not indexed", a, b)
	}
	return ix.sigs[pa].Jaccard(ix.sigs[pb]), nil
}

// Group returns the id of the first document indexed in id's group of
// near-duplicates (id itself when it has none), and false when id is not
// indexed. Groups only grow: a later document can join two groups.
func (ix *Index) Group(id string) (string, bool) {
	ix.mu.Lock() // find compresses paths
	defer ix.mu.Unlock()
	p, ok := ix.pos[id]
	if !ok {
		return "", false
	}
	return ix.ids[ix.find(p)], true
}

func (ix *Index) query(sig Signature) (matches []Match, near []int32) {
	if len(sig) == 0 {
		return nil, nil
	}
	seen := map[int32]bool{}
	for b, key := range ix.bandKeys(sig) {
		for _, q := range ix.bands[b][key] {
			if seen[q] {
				continue
			}
			seen[q] = true
			if j := sig.Jaccard(ix.sigs[q]); j >= ix.signer.cfg.Threshold {
				matches = append(matches, Match{ix.ids[q], j})
				near = append(near, q)
			}
		}
	}
	slices.SortFunc(matches, func(x, y Match) int {
		if x.Jaccard != y.Jaccard {
			if x.Jaccard > y.Jaccard {
				return -1
			}
			return 1
		}
		return ix.cmpPos(x.ID, y.ID)
	})
	return matches, near
}

func (ix *Index) cmpPos(a, b string) int { return int(ix.pos[a] - ix.pos[b]) }

func (ix *Index) bandKeys(sig Signature) []uint64 {
	r := ix.signer.cfg.Rows
	keys := make([]uint64, ix.signer.cfg.Bands)
	for b := range keys {
		h := uint64(fnvOffset) ^ uint64(b)
		for _, v := range sig[b*r : (b+1)*r] {
			h = mix(h ^ uint64(v))
		}
		keys[b] = h
	}
	return keys
}

func (ix *Index) find(p int32) int32 {
	for ix.parent[p] != p {
		ix.parent[p] = ix.parent[ix.parent[p]]
		p = ix.parent[p]
	}
	return p
}

func (ix *Index) union(a, b int32) {
	ra, rb := ix.find(a), ix.find(b)
	if ra == rb {
		return
	}
	if rb < ra { // the earliest document names the group
		ra, rb = rb, ra
	}
	ix.parent[rb] = ra
}

// String describes the configuration.
func (c Config) String() string {
	return fmt.Sprintf("%d-word shingles, %d bands x %d rows, threshold %.2f", c.Shingle, c.Bands, c.Rows, c.Threshold)
}
