package auth

import "testing"

// BenchmarkHashPassword measures DefaultParams: a login costs one hash.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}
