package extract

import (
	"regexp"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/nlp/phrase"
)

// Cue lexicons for certainty, sources, background and the kind of harm.
// They are phrase patterns (package phrase) over folded tokens, compiled into
// one set and matched once per report.

// Cue keys.
const (
	cueAlleged      = "alleged"      // unverified, blame attributed, or denied
	cueClaimed      = "claimed"      // resting on what witnesses or parties say
	cueConfirmed    = "confirmed"    // an authority or independent check confirms
	cueBackground   = "background"   // the past, a pattern, a fear: not the incident
	cueNonPolitical = "nonpolitical" // nature, accidents, sport
	cueCivilian     = "civilian"     // nouns naming civilians
	cueCombatant    = "combatant"    // nouns naming combatants
	sourcePrefix    = "source:"      // a named source: source:NAME
)

var cueEntries = concat(
	phrase.Words(cueAlleged, "allegedly", "alleged", "purportedly", "denied", "denies", "deny",
		"denial", "rejected the accusation*", "could not be verified", "could not be independently verified",
		"unverified", "not independently confirmed", "is said to have", "are said to have", "were said to have",
		"presume*", "aurait", "auraient", "dement", "dementent", "dementi*", "n a pas pu etre verifie*",
		"inverifiable", "non confirme*", "pretendu*", "attribue* a", "attribue* au", "attribue* aux",
		"attribuent a", "attribuent au", "attribuent aux", "mis en cause", "mise en cause", "impute* a"),
	phrase.Words(cueClaimed, "claim", "claims", "claimed", "affirme", "affirment", "assure", "assurent", "accus*"),
	phrase.Words(cueClaimed, cross([]string{"selon des", "selon plusieurs", "selon de nombreux", "selon certains"},
		[]string{"temoins", "habitants", "rescapes", "survivants", "sources locales"})...),
	phrase.Words(cueConfirmed, "confirmed", "confirms", "officially", "said in a statement",
		"in an official statement", "army said", "military said", "government said", "ministry said",
		"the army announced", "verified by", "a confirme", "ont confirme", "confirment", "officiellement",
		"dans un communique", "communique officiel", "selon l armee", "selon les autorites", "l armee a annonce",
		"etat major"),
	phrase.Words(cueBackground, "previously", "have long", "has long", "had long", "in the past",
		"in recent years", "over the years", "past years", "past few years", "past months", "past few months",
		"trend", "have become common", "has become common", "often", "frequently", "routinely", "repeatedly",
		"history of", "similar operations", "similar attacks", "similar incidents", "similar abuses",
		"further attacks", "fear of", "call for", "calls for", "renewed calls", "investigation into",
		"investigations into", "happen before", "will come back", "could happen", "last year",
		"precedemment", "par le passe", "ces dernieres annees", "depuis des annees", "depuis des mois",
		"a plusieurs reprises", "regulierement", "souvent", "tendance", "de nouvelles attaques", "appel a",
		"appelle a", "appellent a", "appels a", "enquete sur", "enquetes sur", "enquete independante sur",
		"enquetes independantes sur", "l an dernier", "l annee derniere", "deja ete", "similaires"),
	phrase.Words(cueNonPolitical, "flood", "floods", "flooding", "floodwater*", "drowned", "drowning",
		"heavy rain", "heavy rains", "torrential", "downpour*", "walls collapsed", "house collapsed",
		"houses collapsed", "landslide*", "struck by lightning", "cholera", "epidemic", "road accident",
		"crash", "crashed", "capsized", "wildfire", "bushfire", "inondation*", "crue", "crues",
		"pluies diluviennes", "pluies torrentielles", "noye", "noyes", "noyee", "noyees", "effondrement",
		"eboulement", "accident de la route", "accident de la circulation", "epidemie", "naufrage", "chavire*",
		"foudre", "intemperies",
		"match", "derby", "goal", "goals", "striker", "penalty", "league", "championship", "tournament",
		"kick off", "kickoff", "halftime", "half time", "second half", "first half", "footballer*",
		"championnat", "buts", "buteur", "entraineur", "joueurs", "mi temps", "coupe d afrique", "eliminatoires"),
	phrase.Words(cueCivilian, "civilian", "civilians", "villagers", "residents", "people", "persons", "women",
		"children", "farmers", "herders", "worshippers", "passengers", "families", "inhabitants", "civil",
		"civils", "villageois", "habitants", "personnes", "femmes", "enfants", "cultivateurs", "eleveurs",
		"fideles", "passagers", "familles", "population", "populations", "deplaces"),
	phrase.Words(cueCombatant, "soldier", "soldiers", "troops", "militant", "militants", "fighters",
		"jihadist", "jihadists", "terrorist", "terrorists", "insurgents", "gunmen", "assailants", "militaires",
		"soldats", "combattants", "djihadistes", "jihadistes", "terroristes", "assaillants"),
	sourceWords("eyewitnesses", "eyewitness", "eyewitnesses", "eye witness*", "witness", "witnesses", "temoin",
		"temoins", "temoins oculaires"),
	sourceWords("survivors", "survivor*", "rescape*", "survivant*"),
	sourceWords("residents", "resident", "residents", "villagers", "habitant", "habitants", "villageois"),
	sourceWords("local sources", "local sources", "local accounts", "sources locales", "sources sur place"),
	sourceWords("local officials", "local official*", "mayor", "maire", "elus locaux", "elu local",
		"autorites locales", "prefet"),
	sourceWords("security sources", "security source*", "source securitaire", "sources securitaires",
		"military source*", "source militaire", "sources militaires"),
	sourceWords("army statement", "army said", "military said", "army statement", "communique de l armee",
		"etat major", "l armee a annonce"),
	sourceWords("government", "government spokes*", "ministry", "porte parole du gouvernement", "ministere"),
	sourceWords("NAN", "=NAN", "News Agency of Nigeria"),
	sourceWords("AFP", "=AFP", "Agence France Presse"),
	sourceWords("Reuters", "=Reuters"),
	sourceWords("AP", "Associated Press"),
	sourceWords("RFI", "=RFI", "Radio France Internationale"),
	sourceWords("BBC", "=BBC"),
	sourceWords("Al Jazeera", "Al Jazeera"),
	sourceWords("Studio Tamani", "Studio Tamani"),
	sourceWords("Malijet", "=Malijet"),
	sourceWords("Sahara Médias", "Sahara Medias"),
	sourceWords("Jeune Afrique", "Jeune Afrique"),
	sourceWords("Le Monde", "=Le =Monde"),
	sourceWords("Premium Times", "Premium Times"),
	sourceWords("Human Rights Watch", "Human Rights Watch", "=HRW"),
	sourceWords("Amnesty International", "Amnesty International", "=Amnesty"),
	sourceWords("MINUSMA", "=MINUSMA"),
	sourceWords("OCHA", "=OCHA"),
	sourceWords("UNHCR", "=UNHCR", "=HCR"),
	sourceWords("human rights organization", "human rights organization*", "human rights organisation*",
		"human rights group*", "rights group*", "organisation de defense des droits", "organisations de defense des droits",
		"association de defense"),
)

// sourceKinds gives each named source its kind.
var sourceKinds = map[string]string{
	"eyewitnesses": "witness", "survivors": "witness", "residents": "witness", "local sources": "local",
	"local officials": "official", "security sources": "official", "army statement": "official",
	"government": "official", "MINUSMA": "official", "OCHA": "official", "UNHCR": "official",
	"Human Rights Watch": "ngo", "Amnesty International": "ngo", "human rights organization": "ngo",
}

func sourceKind(name string) string {
	if k, ok := sourceKinds[name]; ok {
		return k
	}
	return "media"
}

var cues = func() *phrase.Set {
	s, err := phrase.CompileIndependent(cueEntries)
	if err != nil {
		panic("extract: cue lexicon: " + err.Error())
	}
	return s
}()

func sourceWords(name string, patterns ...string) []phrase.Entry {
	return phrase.Words(sourcePrefix+name, patterns...)
}

func concat(lists ...[]phrase.Entry) []phrase.Entry {
	var out []phrase.Entry
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func cross(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+" "+y)
		}
	}
	return out
}

type cue struct {
	span model.Span
	text string
}

// cuesOf returns a sentence's cues of one kind.
func cuesOf(text string, s *sentence, key string) []cue {
	var out []cue
	for _, h := range s.cues {
		if h.Key == key {
			out = append(out, cue{h.Span, text[h.Span.Start:h.Span.End]})
		}
	}
	return out
}

// datelineRes find the report's own datelines and bylines: where and when it
// was filed, not where and when the incident happened.
var datelineRes = []*regexp.Regexp{
	// OUAGADOUGOU, Nov 18 (Sahel Wire) -   BAMAKO (AFP) -   Niamey, 3 mars (Reuters) –
	regexp.MustCompile(`^[ \t]*(?:\p{Lu}[\p{Lu}'’. -]{1,30}|\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)?)(?:,[ \t]+[^\n(,]{1,20})?[ \t]*\([^)\n]{1,30}\)[ \t]*[-–—:]`),
	// Ouagadougou, le 10 septembre 2024    (a line of its own)
	regexp.MustCompile(`^[ \t]*\p{Lu}[\p{L}'’ -]{1,40},[ \t]+(?:le[ \t]+)?\d{1,2}(?:er)?[ \t]+\p{L}+[ \t]+\d{4}[ \t]*$`),
	// Publié le 06/02/2025   Published on 12 March 2025   Mis à jour ...
	regexp.MustCompile(`(?i)^[ \t]*(?:publié|mis à jour|published|updated|posted)(?:[ \t:]|$)[^\n]{0,60}$`),
	// By: A. Reporter — 16 mars 2025    Par Awa Dembélé – 16 mars 2025
	regexp.MustCompile(`^[ \t]*(?:By|Par)[ \t:][^\n]{0,80}$`),
}

// datelineLines is how many lines under the headline are looked at for
// datelines and bylines.
const datelineLines = 8

func datelines(text string) []model.Span {
	var out []model.Span
	off := 0
	for n := 0; n < datelineLines && off < len(text); n++ {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		line := text[off : off+end]
		for i, re := range datelineRes {
			probe := line
			if i == 0 { // a wire dateline opens the first paragraph
				probe = line[:min(len(line), 100)]
			} else if len(line) > 160 { // the others are lines of their own
				break
			}
			if m := re.FindStringIndex(probe); m != nil {
				out = append(out, model.Span{Start: off + m[0], End: off + m[1]})
				break
			}
		}
		if strings.TrimSpace(line) == "" {
			n-- // blank lines do not count
		}
		off += end + 1
	}
	return out
}

func inside(spans []model.Span, sp model.Span) bool {
	for _, d := range spans {
		if d.Start <= sp.Start && sp.End <= d.End {
			return true
		}
	}
	return false
}

// locativeRe ends just before a place named as where something happened.
var locativeRe = regexp.MustCompile(`(?i)(?:\b(?:in|at|near|outside|around|village of|town of|locality of|commune of|district of)|\b(?:à|dans|près de|aux environs de|localité de|village de|commune de|ville de|cercle de)|(?:ouest|est|nord|sud|north|south|east|west|km|kilomètres|kilometres|kilometers)\s+(?:de|d'|of|from))\s+(?:the\s+|la\s+|le\s+)?$`)

// routeRe ends just before a place named only as a route's end or a
// direction of travel.
var routeRe = regexp.MustCompile(`(?i)(?:\b(?:between|from|to|towards|toward|linking|road to|entre|vers|et|direction de|en direction de|liaison|axe)|\bfled to|\bfrom)\s+(?:the\s+|la\s+|le\s+)?$`)

// nearRe ends just before a place the event happened near, not in.
var nearRe = regexp.MustCompile(`(?i)(?:\b(?:near|outside|around|close to|près de|aux environs de|non loin de|à proximité de)|(?:km|kilomètres|kilometres|kilometers)\s+(?:\p{L}+\s+){0,4}(?:de|d'|of|from))\s+(?:the\s+|la\s+|le\s+)?$`)
