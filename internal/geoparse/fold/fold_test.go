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
	for _, s := range []string{"Ségou", "Côte d’Ivoire", "a--b", "\xff", "St. Louis", "Ɲɔnɔ", "e\u0301 x", " A\u0301.b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := String(s)
		if String(k) != k {
			t.Errorf("String not idempotent: %q → %q → %q", s, k, String(k))
		}
		if !Equal(s, k) {
			t.Errorf("Equal(%q, String(s) = %q) = false", s, k)
		}
		for _, other := range []string{"", k + "a", k + " a", "a" + k, "segou", "cote d ivoire"} {
			if Equal(s, other) != (k == other) {
				t.Errorf("Equal(%q, %q) = %v, String(s) = %q", s, other, !(k == other), k)
			}
		}
		if len(k) > 1 && Equal(s, k[:len(k)-1]) {
			t.Errorf("Equal(%q, %q) = true, String(s) = %q", s, k[:len(k)-1], k)
		}
		if len(k) > 0 && (k[0] == ' ' || k[len(k)-1] == ' ') {
			t.Errorf("String(%q) = %q has outer spaces", s, k)
		}
	})
}
