package incident

import (
	"math"
	"slices"
	"sync"
)

// Key is a cell of the candidate index: a level, a date bucket and a grid
// cell.
//
// An event's date and place each go to a fine or a coarse grid, after
// their precision: a day- or week-precise date to a week, a month-precise
// one to a 32-day bucket; a town- or district-precise place to a 0.5° cell
// (about 55 km), a region-precise one to a 2° cell. Level says which
// (LevelCoarseDate, LevelCoarsePlace), so looking up an event never has to
// enumerate the hundreds of fine cells a region covers, and the many
// precise incidents stay out of the wide windows imprecise ones need.
// Events without a place go to cell NoCell.
type Key struct {
	Level  uint8
	Bucket int32
	Cell   int32
}

// Key levels: bit flags.
const (
	LevelCoarseDate  = 1
	LevelCoarsePlace = 2
)

// NoCell is the grid cell of events without a place.
const NoCell = math.MinInt32

const (
	fineDays     = 7
	fineDegrees  = 0.5
	coarseDays   = 32
	coarseDegree = 2.0
	kmPerDegree  = 111.2
)

// Entry is one event of an incident as the index files it: enough to rule
// most candidates out without loading the incident.
type Entry struct {
	ID       string // the incident's ID
	Key      Key
	Day      int32 // days since 1970-01-01
	Lat, Lon float32
	DatePrec uint8 // 0: no date
	GeoPrec  uint8 // 0: no place
}

// Index finds the incidents filed under some keys. Implementations must be
// safe for concurrent use.
type Index interface {
	// Add files entries, each under its Key.
	Add(entries []Entry)
	// Remove takes every entry of incident id out of the given keys.
	Remove(id string, keys []Key)
	// Lookup calls visit with every entry filed under any of keys; an
	// incident may come up more than once. visit must not keep e or call
	// back into the index.
	Lookup(keys []Key, visit func(e *Entry))
}

// MemIndex is an in-memory Index.
type MemIndex struct {
	mu sync.RWMutex
	m  map[Key][]Entry
}

// NewMemIndex returns an empty MemIndex.
func NewMemIndex() *MemIndex { return &MemIndex{m: map[Key][]Entry{}} }

// Add files entries.
func (x *MemIndex) Add(entries []Entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range entries {
		x.m[e.Key] = append(x.m[e.Key], e)
	}
}

// Remove takes incident id's entries out of keys.
func (x *MemIndex) Remove(id string, keys []Key) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range keys {
		es := slices.DeleteFunc(x.m[k], func(e Entry) bool { return e.ID == id })
		if len(es) == 0 {
			delete(x.m, k)
		} else {
			x.m[k] = es
		}
	}
}

// Lookup calls visit with the entries filed under keys.
func (x *MemIndex) Lookup(keys []Key, visit func(e *Entry)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, k := range keys {
		es := x.m[k]
		for i := range es {
			visit(&es[i])
		}
	}
}

// Len returns how many keys hold entries.
func (x *MemIndex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.m)
}

// entryOf is how an event of incident id is filed.
func entryOf(id string, f *features) Entry {
	e := Entry{ID: id, Key: indexKey(f), Day: int32(f.day), Lat: float32(f.lat), Lon: float32(f.lon)}
	if f.hasDate {
		e.DatePrec = uint8(f.datePrec)
	}
	if f.hasPlace {
		e.GeoPrec = uint8(f.geoPrec)
	}
	return e
}

// mayMatch rules out, from its entry alone, an event that compare would
// veto on date or distance. It errs on the side of keeping.
func mayMatch(f *features, e *Entry) bool {
	if f.hasDate && e.DatePrec > 0 {
		if d := f.day - int(e.Day); d > dateWindow[max(f.datePrec, int(e.DatePrec))] || -d > dateWindow[max(f.datePrec, int(e.DatePrec))] {
			return false
		}
	}
	if f.hasPlace && e.GeoPrec > 0 {
		tol := placeTolerance[max(f.geoPrec, int(e.GeoPrec))] * 1.05
		dy := (f.lat - float64(e.Lat)) * kmPerDegree
		dx := (f.lon - float64(e.Lon)) * kmPerDegree * math.Cos((f.lat+float64(e.Lat))/2*math.Pi/180)
		if dy*dy+dx*dx > tol*tol+1 {
			return false
		}
	}
	return true
}

func level(f *features) uint8 {
	var l uint8
	if f.datePrec >= 3 {
		l |= LevelCoarseDate
	}
	if f.geoPrec >= 3 {
		l |= LevelCoarsePlace
	}
	return l
}

func grid(l uint8) (days int, deg float64) {
	days, deg = fineDays, fineDegrees
	if l&LevelCoarseDate != 0 {
		days = coarseDays
	}
	if l&LevelCoarsePlace != 0 {
		deg = coarseDegree
	}
	return days, deg
}

// indexKey is where an event is filed.
func indexKey(f *features) Key {
	k := Key{Level: level(f), Cell: NoCell}
	days, deg := grid(k.Level)
	k.Bucket = int32(floorDiv(f.day, days))
	if f.hasPlace {
		k.Cell = cell(f.lat, f.lon, deg)
	}
	return k
}

// queryKeys appends to keys those under which an incident that could
// match f may be filed: at each level, the buckets within the widest date
// window f's precision and the level's allow, and the cells within the
// widest distance.
func queryKeys(keys []Key, f *features) []Key {
	for l := uint8(0); l < 4; l++ {
		days, deg := grid(l)
		win := dateWindow[2]
		if l&LevelCoarseDate != 0 || f.datePrec >= 3 {
			win = dateWindow[3]
		}
		km := placeTolerance[2]
		if l&LevelCoarsePlace != 0 || f.geoPrec >= 3 {
			km = placeTolerance[3]
		}
		for b := floorDiv(f.day-win, days); b <= floorDiv(f.day+win, days); b++ {
			keys = append(keys, Key{Level: l, Bucket: int32(b), Cell: NoCell})
			if !f.hasPlace {
				continue
			}
			dLat := km / kmPerDegree
			dLon := km / (kmPerDegree * math.Max(0.05, math.Cos(f.lat*math.Pi/180)))
			i0, i1 := int(math.Floor((f.lat-dLat)/deg)), int(math.Floor((f.lat+dLat)/deg))
			j0, j1 := int(math.Floor((f.lon-dLon)/deg)), int(math.Floor((f.lon+dLon)/deg))
			for i := i0; i <= i1; i++ {
				for j := j0; j <= j1; j++ {
					keys = append(keys, Key{Level: l, Bucket: int32(b), Cell: cellIJ(i, j)})
				}
			}
		}
	}
	return keys
}

func cell(lat, lon, deg float64) int32 {
	return cellIJ(int(math.Floor(lat/deg)), int(math.Floor(lon/deg)))
}

func cellIJ(i, j int) int32 {
	// Longitudes wrap; latitude indexes fit in 15 bits.
	n := int(360 / fineDegrees)
	j = ((j % n) + n) % n
	return int32(i)<<16 | int32(j&0xffff)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}
