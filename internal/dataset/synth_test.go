package dataset

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigil-hr/vigil/internal/export"
)

// synthTowns are real Sahel places with approximate coordinates.
var synthTowns = []struct {
	name, admin1, admin2, country string
	iso                           int
	lat, lon                      float64
}{
	{"Nampala", "Segou", "Niono", "Mali", 466, 15.28, -5.55},
	{"Djibo", "Sahel", "Soum", "Burkina Faso", 854, 14.10, -1.63},
	{"Tillaberi", "Tillaberi", "Tillaberi", "Niger", 562, 14.21, 1.45},
	{"Menaka", "Menaka", "Menaka", "Mali", 466, 15.92, 2.40},
	{"Kaya", "Centre-Nord", "Sanmatenga", "Burkina Faso", 854, 13.09, -1.08},
	{"Maiduguri", "Borno", "Maiduguri", "Nigeria", 566, 11.85, 13.16},
}

var synthTypes = []struct{ disorder, event, sub, actor2 string }{
	{"Political violence", "Violence against civilians", "Attack", "Civilians"},
	{"Political violence", "Battles", "Armed clash", "Rebel groups"},
	{"Political violence", "Violence against civilians", "Abduction/forced disappearance", "Civilians"},
	{"Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", "State forces"},
	{"Demonstrations", "Protests", "Peaceful protest", ""},
}

// synthACLED is an io.Reader of an ACLED-shaped CSV file with n made-up
// rows (newest first, as ACLED's exports are), produced as it is read.
type synthACLED struct {
	n, i int
	buf  bytes.Buffer
	w    *csv.Writer
	row  []string
}

func newSynthACLED(n int) *synthACLED {
	s := &synthACLED{n: n, row: make([]string, len(export.ACLEDColumns))}
	s.w = csv.NewWriter(&s.buf)
	s.w.Write(export.ACLEDColumns)
	return s
}

var synthBase = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)

// synthRow fills row with the i-th made-up event.
func synthRow(row []string, i int) {
	t := synthTowns[i%len(synthTowns)]
	ty := synthTypes[(i/7)%len(synthTypes)]
	date := synthBase.AddDate(0, 0, -(i / 300))
	jitter := float64(i%97) / 1000
	inter2, interaction := "", "60"
	actor1, inter1 := "Protesters ("+t.country+")", "6"
	if ty.actor2 != "" {
		actor1, inter1 = "Unidentified Armed Group ("+t.country+")", "3"
		inter2 = fmt.Sprint(export.InterCode(ty.actor2))
		interaction = fmt.Sprint(export.Interaction(3, export.InterCode(ty.actor2)))
	}
	civ := ""
	if ty.actor2 == "Civilians" {
		civ = export.CivilianTargeting
	}
	copy(row, []string{
		fmt.Sprintf("SYN%d", i), date.Format(time.DateOnly), fmt.Sprint(date.Year()), "1",
		ty.disorder, ty.event, ty.sub, actor1, "", inter1, ty.actor2, "", inter2, interaction, civ,
		fmt.Sprint(t.iso), "Western Africa", t.country, t.admin1, t.admin2, "", t.name,
		fmt.Sprintf("%.4f", t.lat+jitter), fmt.Sprintf("%.4f", t.lon-jitter), fmt.Sprint(1 + i%3),
		"Synthetic Wire; Radio Example", "National",
		fmt.Sprintf("On %s, a made-up event number %d took place near %s for the benchmark.", date.Format("2 January 2006"), i, t.name),
		fmt.Sprint(i % 13), "", fmt.Sprint(1700000000 + i),
	})
}

func (s *synthACLED) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.i < s.n {
		synthRow(s.row, s.i)
		s.w.Write(s.row)
		s.i++
		if s.i%256 == 0 || s.i == s.n {
			s.w.Flush()
		}
	}
	s.w.Flush()
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

// csvText builds a CSV file from rows of cells.
func csvText(rows ...[]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.String()
}
