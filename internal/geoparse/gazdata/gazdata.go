// Package gazdata reads and writes the geoparser's binary gazetteer index
// ("vigil-gazetteer/2"): the embedded one made by devtools/gengazetteer and
// the on-disk one made by `vigil gazetteer import`.
//
// Layout: the magic line "VGZ2\n", a uvarint section count, each section's
// raw and compressed length (uvarints), then the sections, each gzip'd on
// its own so that they inflate in parallel:
//
//   - rows: one record per entry, sorted by geonameid, fields as uvarints
//     (id, lat and lon in 1e-5 degrees zig-zag coded, population, string
//     references into the pool, the alternate names' count and references);
//   - pool: every distinct string once, as uvarint length + bytes;
//     a reference is a byte offset into the pool (0 is "");
//   - keys: the folded names (see package fold), sorted, each as uvarint
//     length + bytes, a flag byte (1: also a proper word prefix of a longer
//     name) and its postings (count, then row indices delta-coded).
//
// The output of Write is deterministic: same records, same bytes.
package gazdata

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
)

// Magic starts every index.
const Magic = "VGZ2\n"

// ChunkRows is the number of rows per rows section.
const ChunkRows = 48000

// MaxSection bounds one section's inflated size (hostile input).
const MaxSection = 1 << 30

// Record is one gazetteer entry as stored.
type Record struct {
	ID         int64
	Name       string
	ASCII      string // "" when equal to Name
	Alt        []string
	Lat, Lon   float64
	Class      string
	Code       string
	Country    string
	Admin1Code string
	Admin1     string
	Admin2     string
	Population int64
}

// Keys returns the folded keys a record answers to, without repeats.
func (r *Record) Keys() []string {
	out := make([]string, 0, 2+len(r.Alt))
	add := func(s string) {
		k := fold.String(s)
		if k == "" {
			return
		}
		for _, o := range out {
			if o == k {
				return
			}
		}
		out = append(out, k)
	}
	add(r.Name)
	add(r.ASCII)
	for _, a := range r.Alt {
		add(a)
	}
	return out
}

// meta is the part of a record many records share.
type meta struct{ class, code, cc, a1code, a1, a2 string }

// Write encodes recs (sorted here by id; ids must be distinct) to w.
func Write(w io.Writer, recs []Record) error {
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
	for i := 1; i < len(recs); i++ {
		if recs[i].ID == recs[i-1].ID {
			return fmt.Errorf("gazdata: id %d twice", recs[i].ID)
		}
	}
	if len(recs) > 0 && recs[0].ID < 0 {
		return fmt.Errorf("gazdata: negative id %d", recs[0].ID)
	}
	// Shared tuples, most frequent first so their indices are short.
	freq := map[meta]int{}
	for i := range recs {
		freq[metaOf(&recs[i])]++
	}
	metas := make([]meta, 0, len(freq))
	for m := range freq {
		metas = append(metas, m)
	}
	sort.Slice(metas, func(i, j int) bool {
		a, b := metas[i], metas[j]
		if freq[a] != freq[b] {
			return freq[a] > freq[b]
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	})
	metaIdx := make(map[meta]uint64, len(metas))
	var pool []byte
	pool = binary.AppendUvarint(pool, uint64(len(metas)))
	for i, m := range metas {
		metaIdx[m] = uint64(i)
		for _, s := range []string{m.class, m.code, m.cc, m.a1code, m.a1, m.a2} {
			pool = appendString(pool, s)
		}
	}
	// Rows in chunks of ChunkRows, each with its own columns (ids, lat,
	// lon, population, tuple, names), so that chunks inflate and decode in
	// parallel.
	postings := map[string][]uint32{}
	prefix := map[string]bool{}
	var chunks [][]byte
	for lo := 0; lo < len(recs); lo += ChunkRows {
		hi := min(len(recs), lo+ChunkRows)
		var cols [6][]byte
		var prevID, prevLat, prevLon int64
		for i := lo; i < hi; i++ {
			r := &recs[i]
			cols[0] = binary.AppendUvarint(cols[0], uint64(r.ID-prevID))
			prevID = r.ID
			lat, lon := int64(math.Round(r.Lat*1e5)), int64(math.Round(r.Lon*1e5))
			cols[1] = binary.AppendVarint(cols[1], lat-prevLat)
			cols[2] = binary.AppendVarint(cols[2], lon-prevLon)
			prevLat, prevLon = lat, lon
			cols[3] = binary.AppendUvarint(cols[3], uint64(max(r.Population, 0)))
			cols[4] = binary.AppendUvarint(cols[4], metaIdx[metaOf(r)])
			ascii := r.ASCII
			if ascii == r.Name {
				ascii = ""
			}
			cols[5] = appendString(cols[5], r.Name)
			cols[5] = appendString(cols[5], ascii)
			cols[5] = binary.AppendUvarint(cols[5], uint64(len(r.Alt)))
			for _, a := range r.Alt {
				cols[5] = appendString(cols[5], a)
			}
			for _, k := range r.Keys() {
				postings[k] = append(postings[k], uint32(i))
				for j := 0; j < len(k); j++ {
					if k[j] == ' ' {
						prefix[k[:j]] = true
					}
				}
			}
		}
		var rows []byte
		rows = binary.AppendUvarint(rows, uint64(lo))
		rows = binary.AppendUvarint(rows, uint64(hi-lo))
		for _, c := range cols {
			rows = binary.AppendUvarint(rows, uint64(len(c)))
		}
		for _, c := range cols {
			rows = append(rows, c...)
		}
		chunks = append(chunks, rows)
	}
	keys := make([]string, 0, len(postings)+len(prefix))
	for k := range postings {
		keys = append(keys, k)
	}
	for k := range prefix {
		if _, ok := postings[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	// Keys front-coded: bytes shared with the previous key, then the rest.
	var kb []byte
	kb = binary.AppendUvarint(kb, uint64(len(keys)))
	prev := ""
	for _, k := range keys {
		n := 0
		for n < len(k) && n < len(prev) && k[n] == prev[n] {
			n++
		}
		kb = binary.AppendUvarint(kb, uint64(n))
		kb = appendString(kb, k[n:])
		prev = k
		flag := byte(0)
		if prefix[k] {
			flag = 1
		}
		kb = append(kb, flag)
		ps := postings[k]
		kb = binary.AppendUvarint(kb, uint64(len(ps)))
		last := uint32(0)
		for _, p := range ps {
			kb = binary.AppendUvarint(kb, uint64(p-last))
			last = p
		}
	}
	head := binary.AppendUvarint(nil, uint64(len(recs)))
	sections := append([][]byte{head, pool, kb}, chunks...)
	zs := make([][]byte, len(sections))
	for i, s := range sections {
		var b bytes.Buffer
		z, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if err != nil {
			return err
		}
		if _, err := z.Write(s); err != nil {
			return err
		}
		if err := z.Close(); err != nil {
			return err
		}
		zs[i] = b.Bytes()
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(Magic)
	bw.Write(binary.AppendUvarint(nil, uint64(len(sections))))
	for i := range sections {
		bw.Write(binary.AppendUvarint(nil, uint64(len(sections[i]))))
		bw.Write(binary.AppendUvarint(nil, uint64(len(zs[i]))))
	}
	for _, z := range zs {
		bw.Write(z)
	}
	return bw.Flush()
}

func metaOf(r *Record) meta {
	return meta{r.Class, r.Code, r.Country, r.Admin1Code, r.Admin1, r.Admin2}
}

func appendString(b []byte, s string) []byte {
	if len(s) > 255 {
		s = s[:255]
	}
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Data is an index with its header, pool and key sections inflated; the
// rows sections inflate in Decode, in parallel.
type Data struct {
	N         int    // number of rows
	Pool      string // the shared tuples
	Keys      string // the key section
	rowChunks []zsection
}

type zsection struct {
	z   []byte
	raw uint64
}

// Read checks an index's header and inflates its small sections.
func Read(b []byte) (*Data, error) {
	if !bytes.HasPrefix(b, []byte(Magic)) {
		return nil, errors.New("gazdata: not a vigil-gazetteer/2 index")
	}
	p := b[len(Magic):]
	next := func() (uint64, error) {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, errors.New("gazdata: truncated header")
		}
		p = p[n:]
		return v, nil
	}
	n, err := next()
	if err != nil {
		return nil, err
	}
	if n < 3 || n > 1<<16 {
		return nil, fmt.Errorf("gazdata: %d sections", n)
	}
	secs := make([]zsection, n)
	zlen := make([]uint64, n)
	for i := range secs {
		if secs[i].raw, err = next(); err != nil {
			return nil, err
		}
		if zlen[i], err = next(); err != nil {
			return nil, err
		}
		if secs[i].raw > MaxSection {
			return nil, fmt.Errorf("gazdata: section %d too large (%d bytes)", i, secs[i].raw)
		}
	}
	for i := range secs {
		if zlen[i] > uint64(len(p)) {
			return nil, fmt.Errorf("gazdata: section %d truncated", i)
		}
		secs[i].z, p = p[:zlen[i]], p[zlen[i]:]
	}
	d := &Data{rowChunks: secs[3:]}
	var out [3]string
	var errs [3]error
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() { out[i], errs[i] = inflate(secs[i].z, secs[i].raw) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	c := Cursor{S: out[0]}
	d.N = int(c.Uvarint())
	if c.Err != nil || d.N > MaxSection {
		return nil, errors.New("gazdata: corrupt header section")
	}
	d.Pool, d.Keys = out[1], out[2]
	return d, nil
}

func inflate(z []byte, size uint64) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return "", fmt.Errorf("gazdata: %w", err)
	}
	var sb strings.Builder
	sb.Grow(int(size))
	m, err := io.Copy(&sb, io.LimitReader(zr, int64(size)+1))
	if err != nil {
		return "", fmt.Errorf("gazdata: inflate: %w", err)
	}
	if uint64(m) != size {
		return "", fmt.Errorf("gazdata: section is %d bytes, header says %d", m, size)
	}
	return sb.String(), nil
}

// Cursor reads uvarints and strings from a section.
type Cursor struct {
	S   string
	Pos int
	Err error
}

// Uvarint reads one unsigned varint.
func (c *Cursor) Uvarint() uint64 {
	var x uint64
	var s uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if c.Pos >= len(c.S) {
			c.fail()
			return 0
		}
		b := c.S[c.Pos]
		c.Pos++
		if b < 0x80 {
			return x | uint64(b)<<s
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
	c.fail()
	return 0
}

// Varint reads one zig-zag signed varint.
func (c *Cursor) Varint() int64 {
	u := c.Uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// Bytes reads n bytes as a substring.
func (c *Cursor) Bytes(n int) string {
	if n < 0 || c.Pos+n > len(c.S) {
		c.fail()
		return ""
	}
	s := c.S[c.Pos : c.Pos+n]
	c.Pos += n
	return s
}

func (c *Cursor) fail() {
	if c.Err == nil {
		c.Err = fmt.Errorf("gazdata: truncated or corrupt section at byte %d", c.Pos)
	}
	c.Pos = len(c.S)
}

// String reads a uvarint length and that many bytes.
func (c *Cursor) String() string { return c.Bytes(int(c.Uvarint())) }

// Decode calls each for every record, from several goroutines at once
// (one per rows section; each i once). rec is reused between one
// goroutine's calls, except its Alt slice, which stays valid.
func (d *Data) Decode(each func(i int, rec *Record)) error {
	pc := Cursor{S: d.Pool}
	nm := pc.Uvarint()
	if nm > uint64(len(d.Pool)) {
		return errors.New("gazdata: corrupt pool")
	}
	metas := make([]meta, nm)
	for i := range metas {
		metas[i] = meta{pc.String(), pc.String(), pc.String(), pc.String(), pc.String(), pc.String()}
	}
	if pc.Err != nil {
		return pc.Err
	}
	errs := make([]error, len(d.rowChunks))
	var wg sync.WaitGroup
	for ci, zs := range d.rowChunks {
		wg.Go(func() {
			rows, err := inflate(zs.z, zs.raw)
			if err == nil {
				err = d.decodeChunk(rows, metas, each)
			}
			errs[ci] = err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (d *Data) decodeChunk(rows string, metas []meta, each func(i int, rec *Record)) error {
	rc := Cursor{S: rows}
	base, n := rc.Uvarint(), rc.Uvarint()
	if base+n > uint64(d.N) {
		return errors.New("gazdata: rows outside the row count")
	}
	var cols [6]Cursor
	var lens [6]int
	for i := range cols {
		lens[i] = int(rc.Uvarint())
	}
	if rc.Err != nil {
		return rc.Err
	}
	off := rc.Pos
	for i := range cols {
		if lens[i] < 0 || off+lens[i] > len(rows) {
			return errors.New("gazdata: corrupt columns")
		}
		cols[i] = Cursor{S: rows[off : off+lens[i]]}
		off += lens[i]
	}
	var altBuf []string
	var rec Record
	var id, lat, lon int64
	for i := 0; i < int(n); i++ {
		id += int64(cols[0].Uvarint())
		lat += cols[1].Varint()
		lon += cols[2].Varint()
		rec.ID, rec.Lat, rec.Lon = id, float64(lat)/1e5, float64(lon)/1e5
		rec.Population = int64(cols[3].Uvarint())
		mi := cols[4].Uvarint()
		if mi >= uint64(len(metas)) {
			return fmt.Errorf("gazdata: row %d: bad tuple %d", i, mi)
		}
		m := metas[mi]
		rec.Class, rec.Code, rec.Country, rec.Admin1Code, rec.Admin1, rec.Admin2 = m.class, m.code, m.cc, m.a1code, m.a1, m.a2
		c := &cols[5]
		rec.Name = c.String()
		rec.ASCII = c.String()
		na := int(c.Uvarint())
		if na > len(c.S)-c.Pos {
			return fmt.Errorf("gazdata: row %d: bad name count", i)
		}
		rec.Alt = nil
		if na > 0 {
			if cap(altBuf)-len(altBuf) < na {
				altBuf = make([]string, 0, max(4096, na))
			}
			start := len(altBuf)
			for range na {
				altBuf = append(altBuf, c.String())
			}
			rec.Alt = altBuf[start:len(altBuf):len(altBuf)]
		}
		for k := range cols {
			if cols[k].Err != nil {
				return fmt.Errorf("row %d: %w", i, cols[k].Err)
			}
		}
		each(int(base)+i, &rec)
	}
	return nil
}

// KeyTable is the decoded folded-name index: key i is
// Text[End[i-1]:End[i]] (End[-1] = 0), a proper word prefix of a longer
// key when Prefix[i], with postings Post[PostEnd[i-1]:PostEnd[i]] (row
// indices, ascending). Keys are sorted.
type KeyTable struct {
	Text    string
	End     []uint32
	Prefix  []bool
	PostEnd []uint32
	Post    []int32
}

// Len returns the number of keys.
func (t *KeyTable) Len() int { return len(t.End) }

// Key returns key i.
func (t *KeyTable) Key(i int) string {
	s := uint32(0)
	if i > 0 {
		s = t.End[i-1]
	}
	return t.Text[s:t.End[i]]
}

// Postings returns key i's row indices.
func (t *KeyTable) Postings(i int) []int32 {
	s := uint32(0)
	if i > 0 {
		s = t.PostEnd[i-1]
	}
	return t.Post[s:t.PostEnd[i]:t.PostEnd[i]]
}

// DecodeKeys decodes the key section.
func (d *Data) DecodeKeys() (*KeyTable, error) {
	c := Cursor{S: d.Keys}
	n := c.Uvarint()
	if n > uint64(len(d.Keys)) {
		return nil, errors.New("gazdata: corrupt key count")
	}
	t := &KeyTable{End: make([]uint32, n), Prefix: make([]bool, n), PostEnd: make([]uint32, n)}
	buf := make([]byte, 0, len(d.Keys)*2)
	post := make([]int32, 0, n*3/2)
	prev := 0
	for i := range int(n) {
		shared := int(c.Uvarint())
		rest := c.String()
		if shared > len(buf)-prev {
			return nil, errors.New("gazdata: corrupt key")
		}
		start := len(buf)
		buf = append(buf, buf[prev:prev+shared]...)
		buf = append(buf, rest...)
		prev = start
		t.End[i] = uint32(len(buf))
		if c.Pos >= len(c.S) {
			return nil, errors.New("gazdata: truncated keys")
		}
		t.Prefix[i] = c.S[c.Pos] == 1
		c.Pos++
		np := c.Uvarint()
		if np > uint64(len(c.S)-c.Pos) {
			return nil, errors.New("gazdata: corrupt postings")
		}
		last := int32(0)
		for range np {
			last += int32(c.Uvarint())
			post = append(post, last)
		}
		t.PostEnd[i] = uint32(len(post))
		if c.Err != nil {
			return nil, c.Err
		}
	}
	t.Text, t.Post = string(buf), post
	return t, nil
}
