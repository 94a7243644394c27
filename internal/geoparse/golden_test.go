package geoparse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.txt from the parser's output")

// goldText is one text of the team's gold sets, with its gold spans as
// byte offsets.
type goldText struct {
	id    string
	text  string
	spans []model.Span
}

// readGold reads a gold file of testdata/geoparse (offsets in code
// points) and turns its spans into byte offsets.
func readGold(t *testing.T, path string) []goldText {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("gold set absent: %v", err)
	}
	var out []goldText
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var g struct {
			ID     string `json:"id"`
			Text   string `json:"text"`
			Places []struct {
				Start int `json:"start"`
				End   int `json:"end"`
			} `json:"places"`
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// Code point offset → byte offset.
		byteAt := make([]int, 0, len(g.Text)+1)
		for i := range g.Text {
			byteAt = append(byteAt, i)
		}
		byteAt = append(byteAt, len(g.Text))
		gt := goldText{id: g.ID, text: g.Text}
		for _, p := range g.Places {
			if p.Start < 0 || p.End >= len(byteAt) || p.Start >= p.End {
				t.Fatalf("%s %s: bad span %d:%d", path, g.ID, p.Start, p.End)
			}
			gt.spans = append(gt.spans, model.Span{Start: byteAt[p.Start], End: byteAt[p.End]})
		}
		out = append(out, gt)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGolden pins the parser's whole output (every field of every place,
// `why` included) on the team's dev texts, alone and eight to a story as
// BenchmarkParseNews reads them, in both modes, and on the benchmark text.
// (Not on the test set, which stays aside: `vigil eval geoparse --set
// test`.) A change of behaviour shows up as a diff here; when it
// is intended, rewrite the files with
//
//	go test ./internal/geoparse -run TestGolden -update
//
// and review the diff.
func TestGolden(t *testing.T) {
	p := parser(t)
	for _, set := range []string{"dev"} {
		t.Run(set, func(t *testing.T) {
			golds := readGold(t, "../../testdata/geoparse/"+set+".jsonl")
			var b bytes.Buffer
			var story strings.Builder
			for i, g := range golds {
				writePlaces(&b, "parse "+g.id, g.text, p.Parse(g.text))
				writePlaces(&b, "spans "+g.id, g.text, p.ResolveSpans(g.text, g.spans))
				story.WriteString(g.text)
				story.WriteString("\n\n")
				if i%8 == 7 || i == len(golds)-1 {
					s := story.String()
					writePlaces(&b, fmt.Sprintf("story %d", i/8), s, p.Parse(s))
					story.Reset()
				}
			}
			checkGolden(t, "testdata/golden/"+set+".txt", b.Bytes())
		})
	}
	t.Run("bench", func(t *testing.T) {
		text, err := os.ReadFile("testdata/bench_en_fr.txt")
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		writePlaces(&b, "parse bench_en_fr.txt", string(text), p.Parse(string(text)))
		checkGolden(t, "testdata/golden/bench.txt", b.Bytes())
	})
}

// writePlaces writes one line per place: offsets, the text, the entry and
// its fields, the score and the reason.
func writePlaces(b *bytes.Buffer, head, text string, places []model.Place) {
	fmt.Fprintf(b, "## %s (%d places)\n", head, len(places))
	for _, pl := range places {
		if pl.Latitude == nil {
			fmt.Fprintf(b, "%d:%d %q unresolved\n", pl.Start, pl.End, pl.Text)
			continue
		}
		if !utf8.ValidString(pl.Text) || (pl.Start >= 0 && pl.End <= len(text) && text[pl.Start:pl.End] != pl.Text) {
			fmt.Fprintf(b, "BAD TEXT ")
		}
		fmt.Fprintf(b, "%d:%d %q → %d %q %s/%s %s %s/%s pop %d at %.5f,%.5f score %.2f: %s\n",
			pl.Start, pl.End, pl.Text, pl.GeonameID, pl.Name, pl.FeatureClass, pl.FeatureCode, pl.CountryCode,
			pl.Admin1, pl.Admin2, pl.Population, *pl.Latitude, *pl.Longitude, pl.Score, pl.Why)
	}
}

// checkGolden compares got with the file at path, or rewrites the file
// under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll("testdata/golden", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	shown := 0
	for i := 0; i < max(len(gl), len(wl)) && shown < 10; i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("%s line %d:\n got  %s\n want %s", path, i+1, g, w)
			shown++
		}
	}
	if shown == 0 {
		t.Errorf("%s differs", path)
	}
}
