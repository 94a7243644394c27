package geoparse

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/geoparse/fold"
	"github.com/vigil-hr/vigil/internal/geoparse/gazdata"
)

// Files in the data directory (see Open).
const (
	// IndexFile is the imported index, relative to the data directory.
	IndexFile = "gazetteer/index.vgz"
	// PlacesFile holds the analysts' places, one JSON object a line.
	PlacesFile = "gazetteer/places.jsonl"
)

// AddedIDBase is the first id given to analysts' places: GeoNames ids stay
// far below it, so the two never collide.
const AddedIDBase = 1_000_000_000_000

// AddedPlace is a place an analyst adds because the gazetteer lacks it: a
// village named in reports, a camp, a new commune.
type AddedPlace struct {
	ID      int64    `json:"id"` // AddedIDBase and up; given by Overlay.Add when 0
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Lat     float64  `json:"lat"`
	Lon     float64  `json:"lon"`
	Country string   `json:"country"`          // ISO 3166-1 alpha-2
	Admin1  string   `json:"admin1,omitempty"` // region name as the gazetteer has it ("Ségou")
	Admin2  string   `json:"admin2,omitempty"` // district name ("Niono")
	Code    string   `json:"code,omitempty"`   // GeoNames feature code, PPL when empty
	Note    string   `json:"note,omitempty"`   // who added it and from what source
}

// Validate checks an added place.
func (a *AddedPlace) Validate() error {
	switch {
	case strings.TrimSpace(a.Name) == "" || fold.String(a.Name) == "":
		return errs.E(errs.Invalid, "added place: no name")
	case len(a.Name) > 200 || len(a.Aliases) > 50:
		return errs.E(errs.Invalid, "added place: name or aliases too long")
	case math.IsNaN(a.Lat) || math.IsNaN(a.Lon) || a.Lat < -90 || a.Lat > 90 || a.Lon < -180 || a.Lon > 180:
		return errs.E(errs.Invalid, "added place %q: coordinates %v,%v out of range", a.Name, a.Lat, a.Lon)
	case len(a.Country) != 2 || CountryName(a.Country) == "":
		return errs.E(errs.Invalid, "added place %q: unknown country code %q", a.Name, a.Country)
	case a.ID != 0 && a.ID < AddedIDBase:
		return errs.E(errs.Invalid, "added place %q: id %d below %d", a.Name, a.ID, int64(AddedIDBase))
	}
	return nil
}

// Overlay holds analysts' places. The parser consults it before the main
// index: an added place competes with same-named entries like any other
// candidate. An Overlay is not safe for concurrent Add; a Gazetteer built
// with WithOverlay must not see later Adds (make a new one instead).
type Overlay struct {
	entries []*Entry
	places  []AddedPlace
	names   map[string][]*Entry
	prefix  map[string]bool
	next    int64
}

// NewOverlay returns an empty overlay.
func NewOverlay() *Overlay {
	return &Overlay{names: map[string][]*Entry{}, prefix: map[string]bool{}, next: AddedIDBase}
}

// Places returns the added places, in the order they were added.
func (o *Overlay) Places() []AddedPlace { return o.places }

// Add validates p, gives it an id when it has none, and indexes it.
func (o *Overlay) Add(p AddedPlace) (AddedPlace, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	p.Country = strings.ToUpper(p.Country)
	if p.Code == "" {
		p.Code = "PPL"
	}
	if p.ID == 0 {
		p.ID = o.next
	}
	if o.byID(p.ID) != nil {
		return p, errs.E(errs.Conflict, "added place id %d twice", p.ID)
	}
	o.next = max(o.next, p.ID+1)
	cls := "P"
	if strings.HasPrefix(p.Code, "ADM") {
		cls = "A"
	}
	rec := gazdata.Record{Name: p.Name, Alt: p.Aliases}
	e := &Entry{
		ID: p.ID, Name: p.Name, ASCII: p.Name, Alt: p.Aliases, Lat: p.Lat, Lon: p.Lon,
		Class: cls, Code: p.Code, Country: p.Country, Admin1: p.Admin1, Admin2: p.Admin2,
	}
	e.prior = basePrior(e)
	for _, k := range rec.Keys() {
		o.names[k] = append(o.names[k], e)
		for j := 0; j < len(k); j++ {
			if k[j] == ' ' {
				o.prefix[k[:j]] = true
			}
		}
	}
	o.entries = append(o.entries, e)
	o.places = append(o.places, p)
	return p, nil
}

func (o *Overlay) has(k string) (name, more bool) { return len(o.names[k]) > 0, o.prefix[k] }

func (o *Overlay) byID(id int64) *Entry {
	for _, e := range o.entries {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// ReadOverlay reads analysts' places (JSON lines) from r.
func ReadOverlay(r io.Reader) (*Overlay, error) {
	o := NewOverlay()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var p AddedPlace
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			return nil, errs.E(errs.Invalid, "places line %d: %w", n, err)
		}
		if _, err := o.Add(p); err != nil {
			return nil, fmt.Errorf("places line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading places: %w", err)
	}
	return o, nil
}

// AppendPlace validates p, gives it the next free id and appends it to the
// places file of data directory dir (creating it), returning it as stored.
func AppendPlace(dir string, p AddedPlace) (AddedPlace, error) {
	path := filepath.Join(dir, PlacesFile)
	o := NewOverlay()
	if f, err := os.Open(path); err == nil {
		o, err = ReadOverlay(f)
		f.Close()
		if err != nil {
			return p, fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return p, err
	}
	p, err := o.Add(p)
	if err != nil {
		return p, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return p, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return p, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return p, err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return p, fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return p, err
	}
	return p, f.Close()
}

// WithOverlay returns a gazetteer that answers with o's places as well as
// g's. g is not changed.
func (g *Gazetteer) WithOverlay(o *Overlay) *Gazetteer {
	c := *g
	c.overlay = o
	for _, e := range o.entries {
		c.maxWords = max(c.maxWords, strings.Count(fold.String(e.Name), " ")+1)
		for _, a := range e.Alt {
			c.maxWords = max(c.maxWords, strings.Count(fold.String(a), " ")+1)
		}
	}
	return &c
}

// Open returns the gazetteer of data directory dir: the index imported
// there (IndexFile) when present, else the embedded one, with the places
// of PlacesFile when present.
func Open(dir string) (*Gazetteer, error) {
	var g *Gazetteer
	path := filepath.Join(dir, IndexFile)
	if b, err := os.ReadFile(path); err == nil {
		if g, err = load(b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("opening gazetteer: %w", err)
	} else if g, err = Embedded(); err != nil {
		return nil, err
	}
	pf := filepath.Join(dir, PlacesFile)
	f, err := os.Open(pf)
	if errors.Is(err, os.ErrNotExist) {
		return g, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening places: %w", err)
	}
	defer f.Close()
	o, err := ReadOverlay(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pf, err)
	}
	return g.WithOverlay(o), nil
}
