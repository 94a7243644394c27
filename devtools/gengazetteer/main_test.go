package main

import "testing"

func TestCleanAdmin2(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Cercle de Niono", "Niono"},
		{"Cercle d’Abeïbara", "Abeïbara"},
		{"Tenenkou Cercle", "Tenenkou"},
		{"Province du Soum", "Soum"},
		{"Province de l’Oudalan", "Oudalan"},
		{"Kadiogo Province", "Kadiogo"},
		{"Daïra de Tlemcen", "Tlemcen"},
		{"Siguiri Prefecture", "Siguiri"},
		{"Segou", "Segou"},
	}
	for _, tt := range tests {
		if got := cleanAdmin2(tt.in); got != tt.want {
			t.Errorf("cleanAdmin2(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUsefulName(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Tombouctou", true},
		{"Timbuctoo", true},
		{"Ɲɔnɔ", true},
		{"BKO", false},      // IATA code
		{"GABS", false},     // ICAO code
		{"ML-4", false},     // ISO code
		{"Region 4", false}, // digits
		{"tmbktw", false},   // romanisation key
		{"تمبكتو", false},   // Arabic script
		{"Тимбукту", false}, // Cyrillic
		{"BAMAKO", true},    // long enough to be a name
		{"http://x", false}, // link
		{"x", false},        // too short
	}
	for _, tt := range tests {
		if got := usefulName(tt.in); got != tt.want {
			t.Errorf("usefulName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCleanAlt(t *testing.T) {
	got := cleanAlt("Ségou", "Segou", []string{"Segou", "SÉGOU", "Segu", "Ségoukoro", "Segu", "SGU", "Сегу"})
	want := []string{"Segu", "Ségoukoro"}
	if len(got) != len(want) {
		t.Fatalf("cleanAlt = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("cleanAlt = %q, want %q", got, want)
		}
	}
}

func TestCoord(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{{15.2807, "15.2807"}, {-5.55490001, "-5.5549"}, {13, "13"}, {-0.000001, "0"}, {0.123456, "0.12346"}}
	for _, tt := range tests {
		if got := coord(tt.in); got != tt.want {
			t.Errorf("coord(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	// A 10×10 square with a 2×2 hole in the middle.
	f := feature{
		polys: [][][][2]float64{{
			{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}},
		}},
		minX: 0, minY: 0, maxX: 10, maxY: 10,
	}
	tests := []struct {
		x, y float64
		want bool
	}{{1, 1, true}, {9, 5, true}, {5, 5, false}, {11, 5, false}, {-1, -1, false}}
	for _, tt := range tests {
		if got := f.contains(tt.x, tt.y); got != tt.want {
			t.Errorf("contains(%v, %v) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
}
