package incident

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/neardup"
	"github.com/vigil-hr/vigil/internal/nlp"
)

// wires are the wire services whose stories other outlets carry. A report
// that cites one (or is one) carries that wire's story.
var wires = map[string]bool{"NAN": true, "AFP": true, "Reuters": true, "AP": true, "ANP": true, "AMAP": true, "AIB": true}

// agencies are named organisations whose statements outlets relay. A report
// whose only cited source is one of them relays its statement.
var agencies = map[string]bool{"Human Rights Watch": true, "Amnesty International": true, "MINUSMA": true,
	"OCHA": true, "UNHCR": true, "army statement": true, "government": true}

// denialCues are folded words that report a denial.
var denialCues = []string{
	"denied", "denies", "deny", "denying", "rejected the allegations", "rejected the accusations",
	"rejects the allegations", "dismissed the reports", "false information", "fake news",
	"dementi", "dementent", "dement", "a nie", "ont nie", "nie toute", "nient", "rejete les accusations",
	"rejette les accusations", "fausses informations", "infox",
}

// analyse records what a report's text and events say about its origin.
func analyse(r Report, events []model.Event) *ReportInfo {
	info := &ReportInfo{DocumentID: r.DocumentID, Outlet: r.Outlet, Kind: r.Kind, Published: r.Published}
	if wires[r.Outlet] {
		info.Wires = append(info.Wires, r.Outlet)
	}
	var cited []model.Source
	for _, ev := range events {
		for _, s := range ev.Sources {
			if !slices.ContainsFunc(cited, func(c model.Source) bool { return c.Name == s.Name }) {
				cited = append(cited, s)
			}
		}
	}
	for _, s := range cited {
		if wires[s.Name] && !slices.Contains(info.Wires, s.Name) && s.Name != r.Outlet {
			info.Wires = append(info.Wires, s.Name)
		}
	}
	if r.Kind == KindLocalMedia || r.Kind == KindIntlMedia {
		var named []string
		own := false
		for _, s := range cited {
			switch {
			case agencies[s.Name]:
				named = append(named, s.Name)
			case wires[s.Name]:
			default:
				own = true // its own witnesses, residents, local sources
			}
		}
		if len(named) == 1 && !own {
			info.Agency = named[0]
		}
	}
	info.Quotes = quoteShingles(r.Text)
	info.Denial = denial(r.Text)
	return info
}

// quoteShingles returns the hashes of the 5-word runs inside the text's
// quotations (« », “ ”, "..."): the same run in two reports means they
// quote the same person.
func quoteShingles(text string) []uint64 {
	var out []uint64
	for _, q := range quotations(text) {
		if w := neardup.Words(q, 400); len(w) >= 5 {
			out = append(out, neardup.Shingles(q, 5, 400)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// quotations returns the quoted passages of text.
func quotations(text string) []string {
	var out []string
	pairs := map[rune]rune{'«': '»', '“': '”', '"': '"'}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		closer, ok := pairs[r]
		if !ok {
			continue
		}
		end := strings.IndexRune(text[i:], closer)
		if end < 0 || end > 2000 {
			continue
		}
		out = append(out, text[i:i+end])
		i += end + utf8.RuneLen(closer)
	}
	return out
}

// denial returns the sentence of text that reports a denial, or "".
func denial(text string) string {
	for _, sp := range nlp.Sentences(text) {
		s := text[sp.Start:sp.End]
		f := " " + strings.Join(neardup.Words(s, 200), " ") + " "
		for _, c := range denialCues {
			if strings.Contains(f, " "+c+" ") {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

// Origin is a set of an incident's reports that share where their
// information came from; an origin counts as one independent source.
type Origin struct {
	Documents []string   // in linking order
	Outlets   []string   // distinct, in linking order
	Kind      SourceKind // the kind of its first report
	// Why says what ties its reports together ("near-duplicate text",
	// "the same wire story (NAN)", "the same quotation", "the same
	// statement (Human Rights Watch)"); empty for a single report.
	Why []string
}

// origins groups an incident's reports by shared origin.
func (l *Linker) origins(inc *Incident) []Origin {
	var reps []*ReportInfo
	for _, m := range inc.Members {
		if !slices.Contains(reps, m.Report) {
			reps = append(reps, m.Report)
		}
	}
	parent := make([]int, len(reps))
	why := make([][]string, len(reps))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	union := func(i, j int, reason string) {
		ri, rj := find(i), find(j)
		if ri != rj {
			parent[rj] = ri
			why[ri] = append(why[ri], why[rj]...)
		}
		if !slices.Contains(why[ri], reason) {
			why[ri] = append(why[ri], reason)
		}
	}
	groups := make([]string, len(reps))
	for i, r := range reps {
		groups[i], _ = l.dup.Group(r.DocumentID)
	}
	for i := range reps {
		for j := range i {
			a, b := reps[i], reps[j]
			switch {
			case groups[i] != "" && groups[i] == groups[j]:
				union(j, i, "near-duplicate text")
			case shared(a.Wires, b.Wires) != "":
				union(j, i, fmt.Sprintf("the same wire story (%s)", shared(a.Wires, b.Wires)))
			case a.Agency != "" && a.Agency == b.Agency:
				union(j, i, fmt.Sprintf("the same statement (%s)", a.Agency))
			case sharesHash(a.Quotes, b.Quotes):
				union(j, i, "the same quotation")
			}
		}
	}
	var out []Origin
	at := map[int]int{}
	for i, r := range reps {
		root := find(i)
		k, ok := at[root]
		if !ok {
			k = len(out)
			at[root] = k
			out = append(out, Origin{Kind: r.Kind, Why: why[root]})
		}
		o := &out[k]
		o.Documents = append(o.Documents, r.DocumentID)
		if r.Outlet != "" && !slices.Contains(o.Outlets, r.Outlet) {
			o.Outlets = append(o.Outlets, r.Outlet)
		}
	}
	return out
}

func shared(a, b []string) string {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

// sharesHash reports whether two sorted hash lists share an element.
func sharesHash(a, b []uint64) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// Corroboration levels.
const (
	LevelSingle     = "single source"
	LevelCorrob     = "corroborated"
	LevelWell       = "well corroborated"
	LevelContested  = "contested"
	LevelClaimOnly  = "perpetrator claim only"
	LevelNoEvidence = "no source"
)

// Corroboration is the machine's judgement of how well sources back an
// incident. It is not an analyst's determination.
type Corroboration struct {
	Level       string       `json:"level"`
	Independent int          `json:"independent_sources"`
	Kinds       []SourceKind `json:"kinds"`   // distinct kinds of the independent sources
	Denials     []string     `json:"denials"` // "Outlet: the words of the denial"
	Why         string       `json:"why"`
}

// corroborate grades an incident from its origins and the denials its
// reports carry: one origin is a single source; two agree as
// corroborated; three or more of at least two kinds as well corroborated.
// A denial makes anything short of well corroborated contested, and an
// incident only its perpetrators claim is a claim.
func corroborate(origins []Origin, reps []*ReportInfo) Corroboration {
	c := Corroboration{Independent: len(origins), Kinds: []SourceKind{}, Denials: []string{}}
	claims := 0
	for _, o := range origins {
		if !slices.Contains(c.Kinds, o.Kind) {
			c.Kinds = append(c.Kinds, o.Kind)
		}
		if o.Kind == KindPerpetrator {
			claims++
		}
	}
	for _, r := range reps {
		if r.Denial != "" {
			c.Denials = append(c.Denials, fmt.Sprintf("%s: %s", orDoc(r), r.Denial))
		}
	}
	n := len(origins)
	switch {
	case n == 0:
		c.Level = LevelNoEvidence
	case claims == n:
		c.Level = LevelClaimOnly
	case n >= 3 && len(c.Kinds) >= 2:
		c.Level = LevelWell
	case len(c.Denials) > 0:
		c.Level = LevelContested
	case n >= 2:
		c.Level = LevelCorrob
	default:
		c.Level = LevelSingle
	}
	kinds := make([]string, len(c.Kinds))
	for i, k := range c.Kinds {
		kinds[i] = strings.ReplaceAll(string(k), "_", " ")
	}
	c.Why = fmt.Sprintf("%d independent source(s) of %d report(s) (%s)", n, len(reps), strings.Join(kinds, ", "))
	if len(c.Denials) > 0 {
		c.Why += fmt.Sprintf("; denied in %d report(s)", len(c.Denials))
	}
	return c
}

func orDoc(r *ReportInfo) string {
	if r.Outlet != "" {
		return r.Outlet
	}
	return r.DocumentID
}
