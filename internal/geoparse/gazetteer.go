// Package geoparse finds place names in English and French news text and
// resolves them to gazetteer entries (GeoNames ids, coordinates, admin
// names) for Mali, its neighbours and the world's countries and big cities.
//
// The gazetteer is embedded (data/gazetteer.tsv.gz, made by
// devtools/gengazetteer from GeoNames, CC BY 4.0; see data/README.md); the
// package reads nothing from disk at run time.
package geoparse

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
)

// dataFormat is the first line's tag in gazetteer.tsv.gz.
const dataFormat = "#vigil-gazetteer/1"

//go:embed data/gazetteer.tsv.gz
var gazetteerGz []byte

//go:embed data/countries.tsv
var countriesTSV string

// Entry is one gazetteer record.
type Entry struct {
	ID         int64 // GeoNames geonameid
	Name       string
	ASCII      string
	Alt        []string // alternate names (Latin script)
	Lat, Lon   float64
	Class      string // GeoNames feature class: P (populated place), A (admin unit)
	Code       string // GeoNames feature code: PPL, PPLA, ADM1, PCLI...
	Country    string // ISO 3166-1 alpha-2
	Admin1Code string // GeoNames admin1 code ("05")
	Admin1     string // admin1 name ("Ségou")
	Admin2     string // admin2 name ("Niono")
	Population int64

	// Folded keys, computed once at load for scoring.
	nameKey, asciiKey, a1Key, a2Key string
}

// Gazetteer holds the entries and a folded-name index over them.
type Gazetteer struct {
	entries []Entry
	byID    map[int64]*Entry
	names   map[string][]*Entry // folded name → entries answering to it
	// prefixes holds every proper word prefix of a multi-word folded name
	// ("boucle du" for "boucle du mouhoun"): with names it forms the trie the
	// matcher walks.
	prefixes map[string]struct{}
	maxWords int
}

// Default returns the embedded gazetteer, loading it on first use. Loading
// takes about 0.2 s and keeps about 47 MB of heap for 80,569 entries
// (BenchmarkDefault on a 2-core Xeon); later calls cost nothing.
func Default() (*Gazetteer, error) { return loadDefault() }

var loadDefault = sync.OnceValues(func() (*Gazetteer, error) {
	return load(gazetteerGz)
})

// Lookup returns the entries whose name, ASCII name or an alternate name
// folds to the same key as name (case, diacritics, hyphens and apostrophes
// ignored), sorted by id.
func (g *Gazetteer) Lookup(name string) []*Entry {
	return g.names[fold.String(name)]
}

// ByID returns the entry with the given geonameid, or nil.
func (g *Gazetteer) ByID(id int64) *Entry { return g.byID[id] }

// Len returns the number of entries.
func (g *Gazetteer) Len() int { return len(g.entries) }

func load(gz []byte) (*Gazetteer, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("geoparse: open gazetteer: %w", err)
	}
	defer zr.Close()
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("geoparse: gazetteer is empty: %w", sc.Err())
	}
	head := strings.Split(sc.Text(), "\t")
	if len(head) != 2 || head[0] != dataFormat {
		return nil, fmt.Errorf("geoparse: gazetteer header %q, want %s", sc.Text(), dataFormat)
	}
	n, err := strconv.Atoi(head[1])
	if err != nil {
		return nil, fmt.Errorf("geoparse: gazetteer row count: %w", err)
	}
	g := &Gazetteer{
		entries:  make([]Entry, 0, n),
		byID:     make(map[int64]*Entry, n),
		names:    make(map[string][]*Entry, n*2),
		prefixes: map[string]struct{}{},
	}
	line := 1
	for sc.Scan() {
		line++
		t := sc.Text()
		if strings.HasPrefix(t, "#") {
			continue
		}
		e, err := parseRow(t)
		if err != nil {
			return nil, fmt.Errorf("geoparse: gazetteer line %d: %w", line, err)
		}
		g.entries = append(g.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("geoparse: read gazetteer: %w", err)
	}
	if len(g.entries) != n {
		return nil, fmt.Errorf("geoparse: gazetteer has %d rows, header says %d", len(g.entries), n)
	}
	for i := range g.entries {
		e := &g.entries[i]
		e.nameKey, e.asciiKey = fold.String(e.Name), fold.String(e.ASCII)
		if e.Admin1 != "" {
			e.a1Key = e.Country + "|" + fold.String(e.Admin1)
		}
		if e.Admin2 != "" {
			e.a2Key = e.Country + "|" + fold.String(e.Admin2)
		}
		g.byID[e.ID] = e
		g.add(e, e.nameKey)
		if e.asciiKey != e.nameKey {
			g.add(e, e.asciiKey)
		}
		for _, a := range e.Alt {
			g.add(e, fold.String(a))
		}
	}
	return g, nil
}

// add indexes e under a folded key, once.
func (g *Gazetteer) add(e *Entry, k string) {
	if k == "" {
		return
	}
	list := g.names[k]
	if len(list) > 0 && list[len(list)-1] == e {
		return
	}
	g.names[k] = append(list, e)
	words := 1
	for i := 0; i < len(k); i++ {
		if k[i] == ' ' {
			g.prefixes[k[:i]] = struct{}{}
			words++
		}
	}
	g.maxWords = max(g.maxWords, words)
}

func parseRow(t string) (Entry, error) {
	f := strings.Split(t, "\t")
	if len(f) != 13 {
		return Entry{}, fmt.Errorf("%d columns, want 13", len(f))
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("id: %w", err)
	}
	lat, err := strconv.ParseFloat(f[4], 64)
	if err != nil {
		return Entry{}, fmt.Errorf("lat: %w", err)
	}
	lon, err := strconv.ParseFloat(f[5], 64)
	if err != nil {
		return Entry{}, fmt.Errorf("lon: %w", err)
	}
	pop, err := strconv.ParseInt(f[12], 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("population: %w", err)
	}
	e := Entry{
		ID: id, Name: f[1], ASCII: f[2], Lat: lat, Lon: lon,
		Class: f[6], Code: f[7], Country: f[8], Admin1Code: f[9],
		Admin1: f[10], Admin2: f[11], Population: pop,
	}
	if e.ASCII == "" {
		e.ASCII = e.Name
	}
	if f[3] != "" {
		e.Alt = strings.Split(f[3], "|")
	}
	return e, nil
}

// country is one row of the embedded countries.tsv.
type country struct {
	iso3, name string
}

var countries = sync.OnceValue(func() map[string]country {
	m := map[string]country{}
	for _, line := range strings.Split(countriesTSV, "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 3 || strings.HasPrefix(line, "#") {
			continue
		}
		m[f[0]] = country{iso3: f[1], name: f[2]}
	}
	return m
})

// CountryISO3 returns the ISO 3166-1 alpha-3 code of an alpha-2 code
// ("ML" → "MLI"), or "" when unknown.
func CountryISO3(iso2 string) string { return countries()[strings.ToUpper(iso2)].iso3 }

// CountryName returns the English (GeoNames) name of a country given its
// alpha-2 code ("BF" → "Burkina Faso"), or "" when unknown.
func CountryName(iso2 string) string { return countries()[strings.ToUpper(iso2)].name }
