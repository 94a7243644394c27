// Package actors holds Vigil's actor dictionary for West Africa and the
// Sahel (armed forces, armed groups, militias, civilians, protesters...) and
// finds mentions of those actors in English and French text.
//
// The dictionary is a curated, versioned data file embedded in the binary
// (actors.json; see README.md). Names and types follow ACLED's conventions.
// Some entries are generic ("soldiers", "terroristes", "villagers"): they
// stand for an actor whose identity depends on the country in context, and
// Resolve turns them into a concrete entry.
package actors

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/model"
)

// ACLED actor types: every entry has exactly one.
const (
	TypeState      = "State forces"
	TypeRebel      = "Rebel groups"
	TypePolitical  = "Political militias"
	TypeIdentity   = "Identity militias"
	TypeRioters    = "Rioters"
	TypeProtesters = "Protesters"
	TypeCivilians  = "Civilians"
	TypeExternal   = "External/Other forces"
)

// Types lists the valid actor types in ACLED's order (inter codes 1 to 8).
var Types = []string{TypeState, TypeRebel, TypePolitical, TypeIdentity, TypeRioters, TypeProtesters, TypeCivilians, TypeExternal}

// RoleCivilians is the role of the per-country civilian entries.
const RoleCivilians = "civilians"

// Alias is one way a text names an actor.
type Alias struct {
	Text string `json:"text"`
	// Lang is "en", "fr", or empty when the form is used in both.
	Lang string `json:"lang,omitempty"`
	// CaseSensitive aliases (short acronyms such as "FAMa" or "JNIM") match
	// only with the exact letter case given; the others ignore case.
	CaseSensitive bool `json:"case_sensitive,omitempty"`
	// Weak aliases name the actor only probably ("Russian allies" for the
	// Wagner Group): a mention through one has Mention.Weak set.
	Weak bool `json:"weak,omitempty"`
}

// Actor is one dictionary entry. Values returned by the Dictionary are
// shared: treat them as read-only.
type Actor struct {
	ID      string `json:"id"`      // stable key, lower-case words joined by '-'
	Name    string `json:"name"`    // canonical name, ACLED style
	Type    string `json:"type"`    // one of Types
	Country string `json:"country"` // ISO 3166-1 alpha-3 of the state it belongs to, if any
	// Countries lists where an actor without a single country operates
	// (JNIM: MLI, BFA, NER...). Resolve uses it with Role.
	Countries []string `json:"countries,omitempty"`
	From      int      `json:"from,omitempty"` // first active year, 0 if unknown
	To        int      `json:"to,omitempty"`   // last active year, 0 if still active or unknown
	Aliases   []Alias  `json:"aliases"`
	// Generic entries ("soldiers", "jihadists") stand for whichever actor
	// fills RoleHint in the country in context; see Dictionary.Resolve.
	Generic bool `json:"generic,omitempty"`
	// Role is the slot a concrete actor fills in its country ("military",
	// "police", "civilians", "unidentified-armed-group"...).
	Role string `json:"role,omitempty"`
	// RoleHint is, for a generic entry, the Role it resolves to, and
	// FallbackRole the one tried when no actor fills RoleHint there.
	RoleHint     string `json:"role_hint,omitempty"`
	FallbackRole string `json:"fallback_role,omitempty"`
	// Successor is the ID of the actor that took over this one's place
	// (Wagner Group → Africa Corps). Resolve uses it for weak mentions only.
	Successor string `json:"successor,omitempty"`
	Note      string `json:"note,omitempty"`
}

// ActiveIn reports whether the actor is known to be active in year; a zero
// year or an open bound always passes.
func (a *Actor) ActiveIn(year int) bool {
	if year == 0 {
		return true
	}
	return (a.From == 0 || a.From <= year) && (a.To == 0 || year <= a.To)
}

// operatesIn reports whether the actor belongs to or operates in iso3.
func (a *Actor) operatesIn(iso3 string) bool {
	return a.Country == iso3 || slices.Contains(a.Countries, iso3)
}

// Mention is one place where a text names an actor.
type Mention struct {
	ActorID string
	Name    string
	Type    string
	Country string
	Span    model.Span // byte offsets in the text given to Find
	Text    string     // the text under Span
	Generic bool       // the actor is a generic entry, not yet resolved
	Weak    bool       // matched through a weak alias
	// GenericID is set by Resolve to the generic entry the mention was
	// resolved from.
	GenericID string
}

// Dictionary is a parsed actor dictionary with its matcher. It is safe for
// concurrent use.
type Dictionary struct {
	version string
	actors  []Actor
	byID    map[string]int
	byRole  map[string][]int // role+"/"+ISO3 → actor indexes, in file order
	m       matcher
}

type file struct {
	Version     string  `json:"version"`
	Description string  `json:"description"`
	Actors      []Actor `json:"actors"`
}

//go:embed actors.json
var embedded []byte

var loadDefault = sync.OnceValues(func() (*Dictionary, error) {
	d, err := Parse(embedded)
	if err != nil {
		return nil, fmt.Errorf("embedded actors.json: %w", err)
	}
	return d, nil
})

// Default returns the dictionary embedded in the binary, parsed once.
func Default() (*Dictionary, error) { return loadDefault() }

var (
	idRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	iso3RE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Parse reads a dictionary in the actors.json format and checks it: unique
// ids, valid types and countries, aliases that tokenize, and no alias shared
// by two actors. Errors are of kind errs.Invalid.
func Parse(data []byte) (*Dictionary, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, errs.E(errs.Invalid, "actors: decode: %w", err)
	}
	if strings.TrimSpace(f.Version) == "" {
		return nil, errs.E(errs.Invalid, "actors: missing version")
	}
	d := &Dictionary{
		version: f.Version,
		actors:  f.Actors,
		byID:    make(map[string]int, len(f.Actors)),
		byRole:  make(map[string][]int),
	}
	for i := range d.actors {
		a := &d.actors[i]
		if err := check(a); err != nil {
			return nil, errs.E(errs.Invalid, "actors: entry %d (%q): %w", i, a.ID, err)
		}
		if _, dup := d.byID[a.ID]; dup {
			return nil, errs.E(errs.Invalid, "actors: duplicate id %q", a.ID)
		}
		d.byID[a.ID] = i
		if a.Role != "" {
			for _, c := range roleCountries(a) {
				k := a.Role + "/" + c
				d.byRole[k] = append(d.byRole[k], i)
			}
		}
	}
	for i := range d.actors {
		if s := d.actors[i].Successor; s != "" {
			if _, ok := d.byID[s]; !ok {
				return nil, errs.E(errs.Invalid, "actors: %q: unknown successor %q", d.actors[i].ID, s)
			}
		}
	}
	if err := d.m.build(d.actors); err != nil {
		return nil, errs.E(errs.Invalid, "actors: %w", err)
	}
	return d, nil
}

func roleCountries(a *Actor) []string {
	if a.Country == "" {
		return a.Countries
	}
	return append([]string{a.Country}, a.Countries...)
}

// check validates one entry on its own.
func check(a *Actor) error {
	switch {
	case !idRE.MatchString(a.ID):
		return fmt.Errorf("bad id %q", a.ID)
	case strings.TrimSpace(a.Name) == "":
		return fmt.Errorf("missing name")
	case !slices.Contains(Types, a.Type):
		return fmt.Errorf("bad type %q", a.Type)
	case a.Country != "" && !iso3RE.MatchString(a.Country):
		return fmt.Errorf("bad country %q", a.Country)
	case a.From != 0 && (a.From < 1900 || a.From > 2100), a.To != 0 && (a.To < 1900 || a.To > 2100):
		return fmt.Errorf("bad active period %d-%d", a.From, a.To)
	case a.From != 0 && a.To != 0 && a.From > a.To:
		return fmt.Errorf("active period %d-%d ends before it starts", a.From, a.To)
	case a.Generic && a.Role != "":
		return fmt.Errorf("generic entry with a role (use role_hint)")
	case !a.Generic && (a.RoleHint != "" || a.FallbackRole != ""):
		return fmt.Errorf("role_hint on a non-generic entry")
	case a.Generic && a.Country != "":
		return fmt.Errorf("generic entry with a country")
	}
	for _, c := range a.Countries {
		if !iso3RE.MatchString(c) {
			return fmt.Errorf("bad country %q in countries", c)
		}
	}
	for _, al := range a.Aliases {
		switch {
		case strings.TrimSpace(al.Text) == "":
			return fmt.Errorf("empty alias")
		case al.Lang != "" && al.Lang != "en" && al.Lang != "fr":
			return fmt.Errorf("alias %q: bad lang %q", al.Text, al.Lang)
		}
	}
	return nil
}

// Version returns the dictionary's data version.
func (d *Dictionary) Version() string { return d.version }

// Get returns the actor with the given id.
func (d *Dictionary) Get(id string) (*Actor, bool) {
	i, ok := d.byID[id]
	if !ok {
		return nil, false
	}
	return &d.actors[i], true
}

// Actors returns every entry, in file order.
func (d *Dictionary) Actors() []Actor { return slices.Clone(d.actors) }

// Civilians returns the civilian actor of a country ("Civilians (Mali)").
func (d *Dictionary) Civilians(countryISO3 string) (Actor, bool) {
	a, ok := d.byRoleIn(RoleCivilians, strings.ToUpper(countryISO3), 0)
	if !ok {
		return Actor{}, false
	}
	return *a, true
}

// Unidentified returns the unidentified armed group of a country
// ("Unidentified Armed Group (Mali)"), which ACLED codes when a report names
// no perpetrator.
func (d *Dictionary) Unidentified(countryISO3 string) (Actor, bool) {
	a, ok := d.byRoleIn("unidentified-armed-group", strings.ToUpper(countryISO3), 0)
	if !ok {
		return Actor{}, false
	}
	return *a, true
}

// byRoleIn returns the first actor filling role in iso3 that is active in
// year (any year when year is 0).
func (d *Dictionary) byRoleIn(role, iso3 string, year int) (*Actor, bool) {
	if role == "" || iso3 == "" {
		return nil, false
	}
	for _, i := range d.byRole[role+"/"+iso3] {
		if d.actors[i].ActiveIn(year) {
			return &d.actors[i], true
		}
	}
	return nil, false
}

// Resolve makes a mention concrete using the country (ISO3) and year of the
// event; a zero year means unknown.
//
//   - A generic mention ("soldiers", "FDS", "villageois", "terroristes")
//     becomes the actor that fills its role there and then: "soldiers" in
//     MLI → Military Forces of Mali; "jihadists" → Unidentified Armed Group
//     (Mali); "peacekeepers" in MLI 2020 → MINUSMA.
//   - A weak mention ("their Russian allies") of an actor with a successor
//     becomes the successor when the actor had ended by that year, or never
//     operated in that country while the successor did (Wagner Group →
//     Africa Corps in Burkina Faso in 2024, or in Mali in 2026).
//   - Anything else is returned as is: a name the text gives is kept, even
//     where ACLED would code a later actor.
//
// When nothing fits, m is returned unchanged.
func (d *Dictionary) Resolve(m Mention, countryISO3 string, year int) Mention {
	a, ok := d.Get(m.ActorID)
	if !ok {
		return m
	}
	iso3 := strings.ToUpper(countryISO3)
	if a.Generic {
		c, ok := d.byRoleIn(a.RoleHint, iso3, year)
		if !ok {
			c, ok = d.byRoleIn(a.FallbackRole, iso3, year)
		}
		if !ok {
			return m
		}
		r := concrete(m, c)
		r.GenericID = a.ID
		return r
	}
	if m.Weak && a.Successor != "" {
		s, _ := d.Get(a.Successor)
		ended := year != 0 && a.To != 0 && year > a.To
		elsewhere := iso3 != "" && !a.operatesIn(iso3) && s.operatesIn(iso3)
		if (ended || elsewhere) && s.ActiveIn(year) {
			return concrete(m, s)
		}
	}
	return m
}

func concrete(m Mention, a *Actor) Mention {
	m.ActorID, m.Name, m.Type, m.Country, m.Generic = a.ID, a.Name, a.Type, a.Country, false
	return m
}
