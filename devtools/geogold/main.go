// Command geogold turns the team's annotated texts into the gold files of
// the geoparsing evaluation (testdata/geoparse/{dev,test}.jsonl), looking
// every marked toponym up in the embedded gazetteer.
//
//	go run ./devtools/geogold testdata/geoparse/src/dev.txt > testdata/geoparse/dev.jsonl
//
// Input: one text a line, "lang<TAB>text", toponyms marked [[Name]] or
// [[Name|HINT]]. HINT narrows the lookup: a country code ("NG"), a feature
// code ("ADM1", "PCLI", "RGN"), both ("NG ADM1"), a geonameid ("2457163"),
// "=Other Name" to look up another spelling, or "@lat,lon" for a place
// the gazetteer lacks (its geonameid is then 0). Among the entries left the
// most prominent wins (countries, continents, regions, capitals, first-
// level units, then population). Lines starting with # are comments.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/geoparse"
	"github.com/vigil-hr/vigil/internal/geoparse/eval"
)

var mark = regexp.MustCompile(`\[\[([^\]|]+)(?:\|([^\]]+))?\]\]`)

func main() {
	log.SetFlags(0)
	if len(os.Args) != 2 {
		log.Fatal("usage: geogold FILE")
	}
	g, err := geoparse.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	prefix := strings.TrimSuffix(filepath.Base(os.Args[1]), ".txt")
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(f)
	n, bad := 0, 0
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		lang, body, ok := strings.Cut(t, "\t")
		if !ok {
			log.Fatalf("line %d: no tab after the language", line)
		}
		n++
		gold := eval.Gold{ID: fmt.Sprintf("%s-%03d", prefix, n), Lang: lang}
		var b strings.Builder
		last := 0
		for _, m := range mark.FindAllStringSubmatchIndex(body, -1) {
			b.WriteString(body[last:m[0]])
			name := body[m[2]:m[3]]
			hint := ""
			if m[4] >= 0 {
				hint = body[m[4]:m[5]]
			}
			start := utf8.RuneCountInString(b.String())
			b.WriteString(name)
			last = m[1]
			var e *geoparse.Entry
			if lat, lon, ok := point(hint); ok {
				e = &geoparse.Entry{Lat: lat, Lon: lon} // not in the gazetteer: id 0
			} else {
				e = pick(g, name, hint)
			}
			if e == nil {
				log.Printf("line %d: %q (%s) not found", line, name, hint)
				bad++
				continue
			}
			gold.Places = append(gold.Places, eval.GoldPlace{Start: start, End: start + utf8.RuneCountInString(name),
				Text: name, GeonameID: e.ID, Lat: e.Lat, Lon: e.Lon})
		}
		b.WriteString(body[last:])
		gold.Text = b.String()
		if err := enc.Encode(gold); err != nil {
			log.Fatal(err)
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	if bad > 0 {
		log.Fatalf("%d toponyms not found", bad)
	}
}

var rank = map[string]int{"PCLI": 9, "CONT": 8, "RGN": 7, "PPLC": 6, "PPLA": 5, "ADM1": 4, "PPLA2": 3, "ADM2": 2}

func pick(g *geoparse.Gazetteer, name, hint string) *geoparse.Entry {
	look := name
	var cc, code string
	for _, h := range strings.Fields(hint) {
		switch {
		case strings.HasPrefix(h, "="):
			look = strings.TrimPrefix(h, "=")
		case len(h) == 2 && strings.ToUpper(h) == h:
			cc = h
		default:
			if id, err := strconv.ParseInt(h, 10, 64); err == nil {
				return g.ByID(id)
			}
			code = h
		}
	}
	if strings.HasPrefix(hint, "=") {
		look = strings.TrimPrefix(hint, "=")
		cc, code = "", ""
	}
	var best *geoparse.Entry
	for _, e := range g.Lookup(look) {
		if cc != "" && e.Country != cc || code != "" && e.Code != code {
			continue
		}
		if best == nil || rank[e.Code] > rank[best.Code] || rank[e.Code] == rank[best.Code] && e.Population > best.Population {
			best = e
		}
	}
	return best
}

// point reads a "@lat,lon" hint.
func point(hint string) (lat, lon float64, ok bool) {
	s, found := strings.CutPrefix(hint, "@")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(s, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(a, 64)
	lon, err2 := strconv.ParseFloat(b, 64)
	return lat, lon, err1 == nil && err2 == nil
}
