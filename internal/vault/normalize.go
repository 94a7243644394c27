package vault

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Protected field names.
const (
	FieldWitnessName    = "witness_name"
	FieldWitnessContact = "witness_contact"
	FieldLocation       = "location"        // the exact place, when the testimony is sensitive or the witness asks
	FieldNotes          = "protected_notes" // notes the analyst marked protected
)

// indexed lists the protected fields that get a blind index.
var indexed = map[string]bool{FieldWitnessName: true, FieldWitnessContact: true}

// MaxIndexedLen bounds the value Normalize reads; longer input is cut.
const MaxIndexedLen = 1024

// Normalize returns the form of a field's value its blind index is made
// from, so that spellings of the same value meet:
//   - witness_name: diacritics, case and punctuation dropped, words
//     sorted ("Traoré, Aïssata" and "aissata traore" meet);
//   - witness_contact: an e-mail address lower-cased; otherwise the
//     digits of a phone number, without a leading 00 ("+223 76 12 34 56"
//     and "0022376123456" meet; a number written without its country
//     code does not meet one written with it);
//   - anything else: case folded and spaces collapsed.
func Normalize(field, value string) string {
	if len(value) > MaxIndexedLen {
		value = value[:MaxIndexedLen]
	}
	value = strings.ToValidUTF8(value, "")
	switch field {
	case FieldWitnessName:
		t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		s, _, err := transform.String(t, value)
		if err != nil {
			s = value
		}
		s = caseKey(s)
		words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		slices.Sort(words)
		return strings.Join(words, " ")
	case FieldWitnessContact:
		v := strings.TrimSpace(value)
		if strings.Contains(v, "@") {
			return strings.ToLower(norm.NFKC.String(v))
		}
		var b strings.Builder
		for _, r := range norm.NFKC.String(v) {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		return strings.TrimPrefix(b.String(), "00")
	}
	return strings.Join(strings.Fields(caseKey(norm.NFKC.String(value))), " ")
}

// caseKey folds case so that a value and its fold compare equal, and is
// idempotent: after Unicode case folding (which maps "Straße" to "strasse"
// but, for some scripts such as Cherokee, is not its own fixed point), each
// rune is replaced by the smallest rune of its simple case-fold orbit.
func caseKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, cases.Fold().String(s))
}
