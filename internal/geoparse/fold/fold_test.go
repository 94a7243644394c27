package fold

import "testing"

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ségou", "segou"},
		{"TOMBOUCTOU", "tombouctou"},
		{"Gorom-Gorom", "gorom gorom"},
		{"Côte d’Ivoire", "cote d ivoire"},
		{"Birni N'Konni", "birni n konni"},
		{"  Diafarabé ", "diafarabe"},
		{"St. Louis", "st louis"},
		{"Œuvre", "oeuvre"},
		{"Ɲɔnɔ", "nono"},
		{"Tin-Essako (Cercle)", "tin essako cercle"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"Ségou", "Côte d’Ivoire", "a--b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := String(s)
		if String(k) != k {
			t.Errorf("String not idempotent: %q → %q → %q", s, k, String(k))
		}
		if len(k) > 0 && (k[0] == ' ' || k[len(k)-1] == ' ') {
			t.Errorf("String(%q) = %q has outer spaces", s, k)
		}
	})
}
