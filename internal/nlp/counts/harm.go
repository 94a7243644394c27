package counts

import (
	"slices"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp"
)

// Kind is what happened to the people or things counted; its values are
// the names of model.Event's count fields.
type Kind string

// Harm kinds.
const (
	KindKilled     Kind = "fatalities"
	KindInjured    Kind = "injured"
	KindAbducted   Kind = "abducted"
	KindDisplaced  Kind = "displaced"
	KindStructures Kind = "structures_destroyed"
)

// Harm is a count linked to what happened: "12 people were killed".
// Span covers the count, the noun and the cue; Cue covers the words that
// say what happened ("killed", "death toll", "setting ... ablaze").
// Negated harms ("no one was killed") have Quantity.Best 0.
type Harm struct {
	Kind     Kind
	Quantity Quantity
	Span     model.Span
	Cue      model.Span
	Negated  bool
}

// cueMatch is a cue found at tokens [i, j).
type cueMatch struct {
	cue
	i, j  int
	start int // token where the cue's span starts ("setting" of "setting homes ablaze")
	used  bool
}

// nounPhrase is what follows a count.
type nounPhrase int

const (
	npBare      nounPhrase = iota // nothing: "killed 12.", "12 were killed"
	npPerson                      // "12 civilians"
	npStructure                   // "40 homes"
	npCue                         // "12 dead", "douze morts"
	npBlocked                     // something else: "30 kilometers", "12 vehicles"
)

// FindHarms links the counts of text to harm cues in the same sentence, in
// either order and in English or French: "killed 12 people", "12 people
// were killed", "douze morts", "enlevé une vingtaine de personnes",
// "displacement of hundreds of civilians", "burned 40 homes". Structures
// destroyed without a number ("setting homes ablaze", "incendié des
// maisons") give a Quantity without Best whose Text is the noun. Negations
// ("no one was killed", "aucune victime", "sans faire de victimes") give
// Negated harms with Best 0. Counts of other things (vehicles, distances,
// money, ages, times) are not linked. Vague counts of structures ("several
// houses") have no Best: the codebook values are for people.
func FindHarms(text, lang string) []Harm {
	all := tokens(text)
	var out []Harm
	// Work sentence by sentence.
	k := 0
	for _, sp := range nlp.Sentences(text) {
		for k < len(all) && all[k].Start < sp.Start {
			k++
		}
		e := k
		for e < len(all) && all[e].End <= sp.End {
			e++
		}
		if e > k {
			s := &scanner{text: text, lang: lang, ts: all[k:e]}
			out = append(out, s.harms()...)
		}
		k = e
	}
	slices.SortStableFunc(out, func(a, b Harm) int { return a.Span.Start - b.Span.Start })
	return out
}

func (s *scanner) cues() []cueMatch {
	var cs []cueMatch
	for i := 0; i < len(s.ts); i++ {
		for _, ci := range cueStarts[s.low(i)] {
			c := cueWords[ci]
			j, ok := s.seq(i, c.words)
			if !ok {
				continue
			}
			m := cueMatch{cue: c, i: i, j: j, start: i}
			if w := c.words[0]; w == "ablaze" || w == "alight" || (w == "on" && c.words[1] == "fire") {
				// "setting homes ablaze", "set them alight"
				for b := i - 1; b >= 0 && b >= i-4; b-- {
					if l := s.low(b); l == "set" || l == "setting" || l == "sets" {
						m.start = b
						break
					}
				}
			}
			cs = append(cs, m)
			i = j - 1
			break
		}
	}
	return cs
}

func (s *scanner) harms() []Harm {
	qs := s.all()
	cs := s.cues()
	if len(cs) == 0 {
		return nil
	}
	cueStarting := func(i int) int {
		for k, c := range cs {
			if c.i == i {
				return k
			}
		}
		return -1
	}
	cueEnding := func(j int) int {
		for k, c := range cs {
			if c.j == j {
				return k
			}
		}
		return -1
	}
	inQty := func(i int) bool {
		for _, q := range qs {
			if i >= q.i && i < q.j {
				return true
			}
		}
		return false
	}
	var out []Harm
	usedNoun := map[int]bool{}
	chained := map[int]int{} // token after a linked count's phrase → its cue
	for _, q := range qs {
		np, nounAt, after := s.nounPhrase(q.j)
		if q.Best == nil && q.j-q.i > 1 {
			// "multiple villages": the noun is part of the quantity.
			switch w := s.low(q.j - 1); {
			case structureNouns[w]:
				np, nounAt = npStructure, q.j-1
			case personNouns[w]:
				np, nounAt = npPerson, q.j-1
			}
		}
		if np == npBlocked {
			continue
		}
		// A: the cue follows ("12 people were killed", "douze morts").
		bestCue, bestDist := -1, 1<<30
		if np == npCue {
			bestCue, bestDist = cueStarting(nounAt), 0
		} else {
			// Through auxiliaries ("were", "ont été") and at most one short
			// prepositional phrase after the noun ("cinq passagers d'un
			// minibus ont été tués", "12 residents of the village were killed").
			budget := -1
			for p, d := after, 0; p < len(s.ts) && d <= 8; p, d = p+1, d+1 {
				if c := cueStarting(p); c >= 0 {
					if !cs[c].negOnly {
						bestCue, bestDist = c, d
					}
					break
				}
				w := s.low(p)
				switch {
				case auxWords[w]:
				case budget < 0 && d == 0 && np == npPerson && prepositions[w]:
					budget = 3
				case budget > 0 && s.ts[p].Kind == nlp.Word && !stopClause[w]:
					budget--
				default:
					p = len(s.ts) // stop
				}
			}
		}
		// B: the cue precedes ("killed 12 people", "death toll rose to 20"),
		// possibly through a count it already governs ("killed 12
		// soldiers and three civilians").
		for p, d := q.i, 0; p > 0 && d <= 4 && d < bestDist; p, d = p-1, d+1 {
			if c, ok := chained[p-1]; ok && (s.low(p-1) == "and" || s.low(p-1) == "et" || s.low(p-1) == ",") {
				bestCue, bestDist = c, d
				break
			}
			if c := cueEnding(p); c >= 0 {
				if !cs[c].negOnly {
					bestCue, bestDist = c, d
				}
				break
			}
			if !bridgeWords[s.low(p-1)] {
				break
			}
		}
		if bestCue < 0 {
			continue
		}
		c := &cs[bestCue]
		structural := c.kind == KindStructures
		if structural != (np == npStructure) {
			continue
		}
		h := Harm{Kind: c.kind, Quantity: q.Quantity, Cue: s.span(c.start, c.j)}
		if np == npPerson || np == npStructure {
			usedNoun[nounAt] = true
		}
		if structural && (h.Quantity.Vague || h.Quantity.Best == nil) {
			// Codebook values are for people; say what is qualified.
			h.Quantity.Best, h.Quantity.Low, h.Quantity.High = nil, nil, nil
			end := max(q.j, nounAt+1)
			h.Quantity.Span = s.span(q.i, end)
			h.Quantity.Text = s.text[h.Quantity.Span.Start:h.Quantity.Span.End]
		}
		lo, hi := q.i, max(q.j, c.j)
		if np != npBare {
			hi = max(hi, nounAt+1)
		}
		lo = min(lo, c.start)
		h.Span = s.span(lo, hi)
		c.used = true
		out = append(out, h)
		if c.kind != KindStructures && c.j <= q.i {
			chained[hi] = bestCue
		}
	}
	// Structures destroyed without a count: "setting homes ablaze".
	for k := range cs {
		c := &cs[k]
		if c.kind != KindStructures || c.used {
			continue
		}
		n := s.structureNear(c, inQty)
		if n < 0 || usedNoun[n] {
			continue
		}
		usedNoun[n] = true
		qs := s.span(n, n+1)
		h := Harm{
			Kind:     KindStructures,
			Quantity: Quantity{Span: qs, Text: s.text[qs.Start:qs.End]},
			Cue:      s.span(c.start, c.j),
			Span:     s.span(min(n, c.start), max(n+1, c.j)),
		}
		out = append(out, h)
	}
	out = append(out, s.negations(cs, inQty)...)
	return out
}

// nounPhrase classifies what follows a count ending at token j and returns
// the noun's token and the token after the phrase.
func (s *scanner) nounPhrase(j int) (nounPhrase, int, int) {
	k := j
	switch s.low(k) {
	case "of", "de", "d'":
		k++
		if s.low(k) == "entre" {
			k++
		}
	case "des":
		k++
	}
	if k < len(s.ts) && pronouns[s.low(k)] {
		return npBare, k, k + 1
	}
	switch s.low(k) {
	case "the", "these", "those", "their", "les", "ces", "leurs", "nos", "our":
		k++
	}
	if k >= len(s.ts) {
		return npBare, k, k
	}
	if t := s.ts[k]; t.Kind == nlp.Punct {
		switch t.Text {
		case "-", "%", "/", ":", "$", "€", "£", "°":
			return npBlocked, k, k
		}
		return npBare, k, k
	}
	for d := 0; d < 3 && k+d < len(s.ts); d++ {
		p := k + d
		w := s.low(p)
		if s.ts[p].Kind != nlp.Word {
			break
		}
		if s.isCueNoun(p) {
			return npCue, p, p
		}
		if personNouns[w] {
			return npPerson, p, p + 1
		}
		if structureNouns[w] {
			return npStructure, p, p + 1
		}
		if d == 0 && (stopWords[w] || auxWords[w] || s.isCue(p)) {
			return npBare, k, k
		}
		if stopWords[w] {
			break
		}
	}
	return npBlocked, k, k
}

func (s *scanner) isCueNoun(p int) bool { return cueNouns[s.low(p)] }

func (s *scanner) isCue(p int) bool {
	for _, ci := range cueStarts[s.low(p)] {
		if !cueWords[ci].negOnly {
			return true
		}
	}
	return false
}

// structureNear finds a structure noun close to a structure cue: after it
// ("burning houses", "incendié des maisons", "destruction of homes") or
// before it ("homes ablaze", "maisons incendiées", "home was reduced to
// ashes"), outside any count.
func (s *scanner) structureNear(c *cueMatch, inQty func(int) bool) int {
	for p, d := c.j, 0; p < len(s.ts) && d < 4; p, d = p+1, d+1 {
		w := s.low(p)
		if structureNouns[w] && !inQty(p) {
			return p
		}
		switch w {
		case "of", "the", "their", "des", "les", "leurs", "de", "d'", "down", "a", "aux", "au", "le", "la", "l'":
			continue
		}
		break
	}
	for p, d := c.i-1, 0; p >= 0 && d < 4; p, d = p-1, d+1 {
		w := s.low(p)
		if structureNouns[w] && !inQty(p) {
			return p
		}
		if !auxWords[w] && w != "their" && w != "the" && w != "leurs" {
			break
		}
	}
	return -1
}

// negations finds "no one was killed", "no casualties", "aucune victime",
// "sans faire de victimes".
func (s *scanner) negations(cs []cueMatch, inQty func(int) bool) []Harm {
	var out []Harm
	for i := 0; i < len(s.ts); i++ {
		if inQty(i) {
			continue
		}
		var j int
		ok := false
		for _, n := range negators {
			if j, ok = s.seq(i, n); ok {
				break
			}
		}
		if !ok {
			continue
		}
		for p := j; p < len(s.ts) && p <= j+4; p++ {
			if s.ts[p].Kind == nlp.Punct || inQty(p) {
				break
			}
			k := slices.IndexFunc(cs, func(c cueMatch) bool { return c.i == p })
			if k < 0 {
				continue
			}
			c := cs[k]
			if c.kind == KindStructures || c.words[0] == "bilan" || c.words[0] == "toll" || c.words[0] == "death" {
				break // "aucun bilan": no figure given, not zero
			}
			qs := s.span(i, j)
			if s.low(j-1) == "n'" || s.low(j-1) == "ne" {
				qs = s.span(i, j-1)
			}
			out = append(out, Harm{
				Kind:     c.kind,
				Quantity: Quantity{Span: qs, Text: s.text[qs.Start:qs.End], Best: ptr(0)},
				Span:     s.span(i, c.j),
				Cue:      s.span(c.i, c.j),
				Negated:  true,
			})
			i = c.j - 1
			break
		}
	}
	return out
}
