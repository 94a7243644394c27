package geoparse

import (
	"strings"
	"testing"

	"github.com/vigil-hr/vigil/internal/errs"
)

func TestOverlay(t *testing.T) {
	dir := t.TempDir()
	p, err := AppendPlace(dir, AddedPlace{Name: "Matuzgi", Aliases: []string{"Matuzgi village"}, Lat: 12.42, Lon: 6.05,
		Country: "ng", Admin1: "Zamfara", Admin2: "Talata Mafara", Note: "analyst test"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != AddedIDBase || p.Country != "NG" {
		t.Errorf("stored %+v", p)
	}
	p2, err := AppendPlace(dir, AddedPlace{Name: "Kawaye", Lat: 12.5, Lon: 6.1, Country: "NG"})
	if err != nil || p2.ID != AddedIDBase+1 {
		t.Fatalf("second place: %+v, %v", p2, err)
	}
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e := g.ByID(AddedIDBase); e == nil || e.Name != "Matuzgi" {
		t.Fatalf("ByID = %+v", e)
	}
	if g.ByID(2453133) == nil {
		t.Error("the embedded entries are gone")
	}
	places := NewParser(g).Parse("Gunmen attacked the village of Matuzgi in Talata Mafara LGA, Zamfara State.")
	found := false
	for _, pl := range places {
		if pl.Text == "Matuzgi" {
			found = pl.GeonameID == AddedIDBase && strings.Contains(pl.Why, "candidate")
		}
	}
	if !found {
		t.Errorf("Matuzgi not resolved to the added place: %+v", places)
	}
	bad := []AddedPlace{
		{Name: "", Lat: 1, Lon: 1, Country: "ML"},
		{Name: "X", Lat: 91, Lon: 1, Country: "ML"},
		{Name: "X", Lat: 1, Lon: 1, Country: "QQ"},
		{ID: 5, Name: "X", Lat: 1, Lon: 1, Country: "ML"},
	}
	for _, b := range bad {
		if _, err := AppendPlace(dir, b); !errs.Is(err, errs.Invalid) {
			t.Errorf("AppendPlace(%+v) = %v, want Invalid", b, err)
		}
	}
}
