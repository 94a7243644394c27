package vault_test

import (
	"testing"

	"github.com/vigil-hr/vigil/internal/vault"
)

func BenchmarkSealTestimony(b *testing.B) {
	keys, _, err := vault.Load(b.TempDir(), nil, true)
	if err != nil {
		b.Fatal(err)
	}
	w := witness("")
	for b.Loop() {
		if _, err := keys.Seal(w); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	keys, _, err := vault.Load(b.TempDir(), nil, true)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		keys.BlindIndex(vault.FieldWitnessName, "Kouyaté, Aïssata")
	}
}
