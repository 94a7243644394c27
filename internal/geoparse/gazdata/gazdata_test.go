package gazdata

import (
	"bytes"
	"reflect"
	"testing"
)

func sample() []Record {
	return []Record{
		{ID: 2453133, Name: "Nampala", Alt: []string{"Nanpala"}, Lat: 15.2807, Lon: -5.5549, Class: "P", Code: "PPL", Country: "ML", Admin1Code: "05", Admin1: "Ségou", Admin2: "Niono"},
		{ID: 2451478, Name: "Ségou", ASCII: "Segou", Alt: []string{"Segu", "Ségoukoro"}, Lat: 13.4317, Lon: -6.2157, Class: "P", Code: "PPLA", Country: "ML", Admin1Code: "05", Admin1: "Ségou", Population: 130690},
		{ID: 1, Name: "Sahel", Lat: 14.5, Lon: 2, Class: "L", Code: "RGN"},
	}
}

func TestRoundTrip(t *testing.T) {
	var b bytes.Buffer
	recs := sample()
	if err := Write(&b, recs); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := Write(&again, sample()); err != nil || !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Fatal("Write is not deterministic")
	}
	d, err := Read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got := make([]Record, d.N)
	if err := d.Decode(func(i int, r *Record) { got[i] = *r }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, recs) { // recs was sorted by Write
		t.Errorf("round trip:\n got %+v\nwant %+v", got, recs)
	}
	kt, err := d.DecodeKeys()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]int32{}
	for i := range kt.Len() {
		keys[kt.Key(i)] = kt.Postings(i)
	}
	if p := keys["segou"]; len(p) != 1 || got[p[0]].ID != 2451478 {
		t.Errorf("postings of segou = %v", p)
	}
	if _, ok := keys["segoukoro"]; !ok {
		t.Error("alternate name not indexed")
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	if err := Write(&b, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(Magic + "\x03\x01\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read(data)
		if err != nil {
			return
		}
		if d.N > 1<<20 {
			return
		}
		_ = d.Decode(func(int, *Record) {})
		_, _ = d.DecodeKeys()
	})
}
