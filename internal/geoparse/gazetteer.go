// Package geoparse finds place names in English and French news text and
// resolves them to gazetteer entries (GeoNames ids, coordinates, admin
// names) for Mali, its neighbours and the world's countries and big cities.
//
// The gazetteer is embedded (data/gazetteer.vgz, made by
// devtools/gengazetteer from GeoNames, CC BY 4.0; see data/README.md); the
// package reads nothing from disk at run time.
package geoparse

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
	"github.com/vigil-hr/vigil/internal/geoparse/gazdata"
)

//go:embed data/gazetteer.vgz
var gazetteerIndex []byte

//go:embed data/countries.tsv
var countriesTSV string

// Entry is one gazetteer record.
type Entry struct {
	ID         int64 // GeoNames geonameid (1–99: a region GeoNames has no single entry for)
	Name       string
	ASCII      string
	Alt        []string // alternate names (Latin script)
	Lat, Lon   float64
	Class      string // GeoNames feature class: P (populated place), A (admin unit), L (region, continent)
	Code       string // GeoNames feature code: PPL, PPLA, ADM1, PCLI, CONT, RGN...
	Country    string // ISO 3166-1 alpha-2
	Admin1Code string // GeoNames admin1 code ("05")
	Admin1     string // admin1 name ("Ségou")
	Admin2     string // admin2 name ("Niono")
	Population int64

	// prior is the part of the parser's score that depends on the entry
	// alone (feature code, population): see basePrior. Set when the
	// gazetteer is built; 0 means not yet.
	prior float64
}

// basePrior is the score an entry starts from whatever the text:
// countries, continents and regions before capitals, capitals before
// villages, and for populated places the population.
func basePrior(e *Entry) float64 {
	p := codePrior(e.Code)
	if p == 0 {
		p = 0.3
	}
	if e.Population > 0 && e.Class == "P" {
		// Regions' populations say nothing about how often a bare name
		// means the region rather than its capital.
		p += min(1.2, 0.2*math.Log10(float64(e.Population)))
	}
	return p
}

// Gazetteer holds the entries and a folded-name index over them.
type Gazetteer struct {
	entries []Entry // sorted by ID
	keys    *gazdata.KeyTable
	// index maps a folded name, or a proper word prefix of a multi-word
	// name ("boucle du" for "boucle du mouhoun"), to its key number: with
	// the prefix flags it forms the trie the matcher walks.
	index    keyIndex
	maxWords int
	overlay  *Overlay // analysts' places, consulted before the index
	// mainMemo remembers, two bits a posting of keys (known, yes),
	// whether the key is the entry's own name rather than an alternate
	// one: parsing asks for every candidate, and the answer (a fold of
	// the entry's name) never changes. Filled as texts are parsed.
	mainMemo []atomic.Uint32
}

// Default returns the gazetteer, loading it on first use: the index
// imported into the data directory ($VIGIL_DATA, default ./vigil-data; see
// Import) when there is one, else the embedded one. Places analysts added
// there (see Overlay) are merged in. Later calls cost nothing.
func Default() (*Gazetteer, error) { return loadDefault() }

var loadDefault = sync.OnceValues(func() (*Gazetteer, error) {
	dir := os.Getenv("VIGIL_DATA")
	if dir == "" {
		dir = "./vigil-data"
	}
	return Open(dir)
})

// Embedded returns the embedded gazetteer, without any data-directory
// index or overlay.
func Embedded() (*Gazetteer, error) { return loadEmbedded() }

var loadEmbedded = sync.OnceValues(func() (*Gazetteer, error) { return load(gazetteerIndex) })

// Lookup returns the entries whose name, ASCII name or an alternate name
// folds to the same key as name (case, diacritics, hyphens and apostrophes
// ignored), sorted by id. Analysts' places come first.
func (g *Gazetteer) Lookup(name string) []*Entry { return g.cands(fold.String(name)) }

// ByID returns the entry with the given geonameid, or nil.
func (g *Gazetteer) ByID(id int64) *Entry {
	if g.overlay != nil {
		if e := g.overlay.byID(id); e != nil {
			return e
		}
	}
	i := sort.Search(len(g.entries), func(i int) bool { return g.entries[i].ID >= id })
	if i < len(g.entries) && g.entries[i].ID == id {
		return &g.entries[i]
	}
	return nil
}

// Len returns the number of entries.
func (g *Gazetteer) Len() int { return len(g.entries) }

// cands returns the entries answering to folded key k.
func (g *Gazetteer) cands(k string) []*Entry { return g.appendCands(nil, k) }

// appendCands appends the entries answering to folded key k to dst:
// analysts' places first, then the index's, by id.
func (g *Gazetteer) appendCands(dst []*Entry, k string) []*Entry {
	ov, post, _ := g.postings(k)
	dst = append(dst, ov...)
	for _, p := range post {
		dst = append(dst, &g.entries[p])
	}
	return dst
}

// appendCandsMain is appendCands that also appends to main, for each
// entry, whether k is its own name (isMainName).
func (g *Gazetteer) appendCandsMain(dst []*Entry, main []bool, k string) ([]*Entry, []bool) {
	ov, post, base := g.postings(k)
	for _, e := range ov {
		dst, main = append(dst, e), append(main, isMainName(e, k))
	}
	for j, p := range post {
		e := &g.entries[p]
		dst, main = append(dst, e), append(main, g.isMainPosting(base+j, e, k))
	}
	return dst, main
}

// isMainPosting is isMainName(e, k) for e, posting i of key k, through
// mainMemo.
func (g *Gazetteer) isMainPosting(i int, e *Entry, k string) bool {
	if i/16 >= len(g.mainMemo) {
		return isMainName(e, k)
	}
	w, shift := &g.mainMemo[i/16], uint(i%16)*2
	if bits := w.Load() >> shift; bits&1 != 0 {
		return bits&2 != 0
	}
	main := isMainName(e, k)
	bits := uint32(1)
	if main {
		bits = 3
	}
	w.Or(bits << shift)
	return main
}

// postings returns the analysts' places answering to folded key k and the
// numbers of the index's entries that do, without copying either, and
// where those postings start in the key table.
func (g *Gazetteer) postings(k string) (ov []*Entry, post []int32, base int) {
	if g.overlay != nil {
		ov = g.overlay.names[k]
	}
	if ki := g.index.find(g.keys, k, hashKey(k)); ki >= 0 {
		post = g.keys.Postings(ki)
		if ki > 0 {
			base = int(g.keys.PostEnd[ki-1])
		}
	}
	return ov, post, base
}

// lookupKey reports whether k is a name, and more reports whether it is a
// proper word prefix of a longer one. h is hashKey(k).
func (g *Gazetteer) lookupKey(k string, h uint64) (name, more bool) {
	if g.overlay != nil {
		name, more = g.overlay.has(k)
	}
	ki := g.index.find(g.keys, k, h)
	if ki < 0 {
		return name, more
	}
	kt := g.keys
	s := uint32(0)
	if ki > 0 {
		s = kt.PostEnd[ki-1]
	}
	return name || kt.PostEnd[ki] > s, more || kt.Prefix[ki]
}

// names returns whether k names something (for tests and the matcher).
func (g *Gazetteer) isName(k string) bool {
	n, _ := g.lookupKey(k, hashKey(k))
	return n
}

func load(b []byte) (*Gazetteer, error) {
	d, err := gazdata.Read(b)
	if err != nil {
		return nil, fmt.Errorf("geoparse: %w", err)
	}
	g := &Gazetteer{}
	var kerr error
	var wg sync.WaitGroup
	wg.Go(func() {
		g.keys, kerr = d.DecodeKeys()
		if kerr != nil {
			return
		}
		g.index, g.maxWords = buildIndex(g.keys)
		g.mainMemo = make([]atomic.Uint32, (len(g.keys.Post)+15)/16)
	})
	g.entries = make([]Entry, d.N)
	err = d.Decode(func(i int, r *gazdata.Record) {
		g.entries[i] = Entry{
			ID: r.ID, Name: r.Name, ASCII: r.ASCII, Alt: r.Alt, Lat: r.Lat, Lon: r.Lon,
			Class: r.Class, Code: r.Code, Country: r.Country, Admin1Code: r.Admin1Code,
			Admin1: r.Admin1, Admin2: r.Admin2, Population: r.Population,
		}
		if r.ASCII == "" {
			g.entries[i].ASCII = r.Name
		}
		g.entries[i].prior = basePrior(&g.entries[i])
	})
	wg.Wait()
	if err = errors.Join(err, kerr); err != nil {
		return nil, fmt.Errorf("geoparse: %w", err)
	}
	return g, nil
}

// country is one row of the embedded countries.tsv.
type country struct {
	iso3, name string
	id         int64
}

var countries = sync.OnceValue(func() map[string]country {
	m := map[string]country{}
	for _, line := range strings.Split(countriesTSV, "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 5 || strings.HasPrefix(line, "#") {
			continue
		}
		id, _ := strconv.ParseInt(f[4], 10, 64)
		m[f[0]] = country{iso3: f[1], name: f[2], id: id}
	}
	return m
})

// CountryISO3 returns the ISO 3166-1 alpha-3 code of an alpha-2 code
// ("ML" → "MLI"), or "" when unknown.
func CountryISO3(iso2 string) string { return countries()[strings.ToUpper(iso2)].iso3 }

// CountryName returns the English (GeoNames) name of a country given its
// alpha-2 code ("BF" → "Burkina Faso"), or "" when unknown.
func CountryName(iso2 string) string { return countries()[strings.ToUpper(iso2)].name }

// countryNames holds CountryName's answers by countryIndex, for the
// explanations, which ask for a name each.
var countryNames = sync.OnceValue(func() *[otherCountry + 1]string {
	var t [otherCountry + 1]string
	for cc, c := range countries() {
		if i := countryIndex(cc); i != otherCountry {
			t[i] = c.name
		}
	}
	return &t
})

// countryName is CountryName for upper-case codes.
func countryName(iso2 string) string {
	if i := countryIndex(iso2); i != otherCountry {
		return countryNames()[i]
	}
	return CountryName(iso2)
}

// keyIndex is an open-addressing hash table over the key table: slot
// holds key number + 1, 0 when empty. It builds several times faster than
// a map and takes 4 bytes a slot.
type keyIndex struct {
	slots []int32
	mask  uint64
}

// hashKey is 64-bit FNV-1a.
func hashKey(s string) uint64 { return hashMore(14695981039346656037, s) }

// hashMore continues hash h over s: hashMore(hashKey(a), b) is
// hashKey(a+b), which lets the matcher hash "boucle du mouhoun" word by
// word.
func hashMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func buildIndex(kt *gazdata.KeyTable) (keyIndex, int) {
	size := 1
	for size < 2*kt.Len() {
		size <<= 1
	}
	ix := keyIndex{slots: make([]int32, size), mask: uint64(size - 1)}
	words := 0
	for i := range kt.Len() {
		k := kt.Key(i)
		j := hashKey(k) & ix.mask
		for ix.slots[j] != 0 {
			j = (j + 1) & ix.mask
		}
		ix.slots[j] = int32(i + 1)
		if kt.Prefix[i] {
			words = max(words, strings.Count(k, " ")+2)
		}
	}
	return ix, max(words, 1)
}

// find returns the number of key k, whose hashKey is h, or -1.
func (ix *keyIndex) find(kt *gazdata.KeyTable, k string, h uint64) int {
	if len(ix.slots) == 0 {
		return -1
	}
	for j := h & ix.mask; ix.slots[j] != 0; j = (j + 1) & ix.mask {
		if i := int(ix.slots[j] - 1); kt.Key(i) == k {
			return i
		}
	}
	return -1
}

// country returns the gazetteer's entry for a country (ISO2), or nil.
func (g *Gazetteer) country(iso2 string) *Entry {
	if c, ok := countries()[strings.ToUpper(iso2)]; ok && c.id > 0 {
		return g.ByID(c.id)
	}
	return nil
}

func foldKey(s string) string { return fold.String(s) }
