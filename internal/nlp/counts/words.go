package counts

// Word lists, all in folded form (nlp.Fold: lower case, no diacritics,
// hyphens as spaces).

// numberWords maps number words to values; lang is "en", "fr" or "" (both).
var numberWords = map[string]struct {
	v    int
	lang string
}{
	"zero": {0, ""}, "one": {1, "en"}, "two": {2, "en"}, "three": {3, "en"}, "four": {4, "en"},
	"five": {5, "en"}, "six": {6, ""}, "seven": {7, "en"}, "eight": {8, "en"}, "nine": {9, "en"},
	"ten": {10, "en"}, "eleven": {11, "en"}, "twelve": {12, "en"}, "thirteen": {13, "en"},
	"fourteen": {14, "en"}, "fifteen": {15, "en"}, "sixteen": {16, "en"}, "seventeen": {17, "en"},
	"eighteen": {18, "en"}, "nineteen": {19, "en"}, "twenty": {20, "en"}, "thirty": {30, "en"},
	"forty": {40, "en"}, "fourty": {40, "en"}, "fifty": {50, "en"}, "sixty": {60, "en"},
	"seventy": {70, "en"}, "eighty": {80, "en"}, "ninety": {90, "en"},

	"un": {1, "fr"}, "une": {1, "fr"}, "deux": {2, "fr"}, "trois": {3, "fr"}, "quatre": {4, "fr"},
	"cinq": {5, "fr"}, "sept": {7, "fr"}, "huit": {8, "fr"}, "neuf": {9, "fr"}, "dix": {10, "fr"},
	"onze": {11, "fr"}, "douze": {12, "fr"}, "treize": {13, "fr"}, "quatorze": {14, "fr"},
	"quinze": {15, "fr"}, "seize": {16, "fr"}, "vingt": {20, "fr"}, "vingts": {20, "fr"},
	"trente": {30, "fr"}, "quarante": {40, "fr"}, "cinquante": {50, "fr"}, "soixante": {60, "fr"},
	"septante": {70, "fr"}, "huitante": {80, "fr"}, "octante": {80, "fr"}, "nonante": {90, "fr"},
}

// multipliers scale what precedes them.
var multipliers = map[string]struct {
	v    int
	lang string
}{
	"hundred": {100, "en"}, "thousand": {1000, "en"}, "million": {1000000, ""},
	"cent": {100, "fr"}, "cents": {100, "fr"}, "mille": {1000, "fr"}, "millions": {1000000, "fr"},
}

// approxNouns are French "about N" nouns: "une vingtaine" (about 20).
// vague marks the ones whose value is ACLED's codebook convention.
var approxNouns = map[string]struct {
	v     int
	vague bool
}{
	"dizaine": {10, true}, "douzaine": {12, true}, "quinzaine": {15, false},
	"vingtaine": {20, false}, "trentaine": {30, false}, "quarantaine": {40, false},
	"cinquantaine": {50, false}, "soixantaine": {60, false}, "centaine": {100, true},
	"millier": {1000, true},
}

// vaguePhrases are count words without a numeral, with ACLED's codebook
// values; v < 0 means no number can be given ("multiple houses").
type vaguePhrase struct {
	words []string
	v     int
	lang  string
}

var vaguePhrases = []vaguePhrase{
	{[]string{"tens", "of", "thousands"}, 10000, "en"},
	{[]string{"hundreds", "of", "thousands"}, 100000, "en"},
	{[]string{"several", "dozen"}, 12, "en"},
	{[]string{"several", "hundred"}, 100, "en"},
	{[]string{"several", "thousand"}, 1000, "en"},
	{[]string{"a", "number", "of"}, 10, "en"},
	{[]string{"a", "dozen"}, 12, "en"},
	{[]string{"a", "few"}, -1, "en"},
	{[]string{"dozens"}, 12, "en"},
	{[]string{"scores"}, 20, "en"},
	{[]string{"hundreds"}, 100, "en"},
	{[]string{"thousands"}, 1000, "en"},
	{[]string{"several"}, 10, "en"},
	{[]string{"many"}, 10, "en"},
	{[]string{"numerous"}, 10, "en"},
	{[]string{"multiple"}, -1, "en"},

	{[]string{"des", "dizaines", "de", "milliers"}, 10000, "fr"},
	{[]string{"des", "centaines", "de", "milliers"}, 100000, "fr"},
	{[]string{"plusieurs", "dizaines"}, 12, "fr"},
	{[]string{"plusieurs", "centaines"}, 100, "fr"},
	{[]string{"plusieurs", "milliers"}, 1000, "fr"},
	{[]string{"quelques", "dizaines"}, 12, "fr"},
	{[]string{"quelques", "centaines"}, 100, "fr"},
	{[]string{"un", "certain", "nombre"}, 10, "fr"},
	{[]string{"des", "dizaines"}, 12, "fr"},
	{[]string{"des", "centaines"}, 100, "fr"},
	{[]string{"des", "milliers"}, 1000, "fr"},
	{[]string{"de", "nombreux"}, 10, "fr"},
	{[]string{"de", "nombreuses"}, 10, "fr"},
	{[]string{"nombreux"}, 10, "fr"},
	{[]string{"nombreuses"}, 10, "fr"},
	{[]string{"plusieurs"}, 10, "fr"},
	{[]string{"beaucoup"}, 10, "fr"},
	{[]string{"quelques"}, -1, "fr"},
	{[]string{"multiples"}, -1, "fr"},
}

// modifier semantics.
type bound int

const (
	about bound = iota // "about 30": Best only
	lower              // "at least 12": Best and Low
	upper              // "up to 30": Best and High
)

type modifier struct {
	words []string
	b     bound
	lang  string
}

var modifiers = []modifier{
	{[]string{"at", "least"}, lower, "en"},
	{[]string{"no", "fewer", "than"}, lower, "en"},
	{[]string{"no", "less", "than"}, lower, "en"},
	{[]string{"not", "less", "than"}, lower, "en"},
	{[]string{"more", "than"}, lower, "en"},
	{[]string{"upwards", "of"}, lower, "en"},
	{[]string{"in", "excess", "of"}, lower, "en"},
	{[]string{"over"}, lower, "en"},
	{[]string{"up", "to"}, upper, "en"},
	{[]string{"as", "many", "as"}, upper, "en"},
	{[]string{"at", "most"}, upper, "en"},
	{[]string{"nearly"}, upper, "en"},
	{[]string{"almost"}, upper, "en"},
	{[]string{"close", "to"}, upper, "en"},
	{[]string{"fewer", "than"}, upper, "en"},
	{[]string{"less", "than"}, upper, "en"},
	{[]string{"an", "estimated"}, about, "en"},
	{[]string{"a", "total", "of"}, about, "en"},
	{[]string{"about"}, about, "en"},
	{[]string{"around"}, about, "en"},
	{[]string{"some"}, about, "en"},
	{[]string{"approximately"}, about, "en"},
	{[]string{"roughly"}, about, "en"},
	{[]string{"estimated"}, about, "en"},

	{[]string{"au", "moins"}, lower, "fr"},
	{[]string{"au", "minimum"}, lower, "fr"},
	{[]string{"pas", "moins", "de"}, lower, "fr"},
	{[]string{"plus", "de"}, lower, "fr"},
	{[]string{"jusqu'", "a"}, upper, "fr"},
	{[]string{"pres", "de"}, upper, "fr"},
	{[]string{"presque"}, upper, "fr"},
	{[]string{"au", "plus"}, upper, "fr"},
	{[]string{"pas", "plus", "de"}, upper, "fr"},
	{[]string{"moins", "de"}, upper, "fr"},
	{[]string{"environ"}, about, "fr"},
	{[]string{"quelque"}, about, "fr"},
	{[]string{"autour", "de"}, about, "fr"},
	{[]string{"approximativement"}, about, "fr"},
	{[]string{"un", "total", "de"}, about, "fr"},
}

// personNouns are the people a count may count.
var personNouns = set(
	"people", "persons", "person", "civilians", "civilian", "villagers", "villager", "residents",
	"resident", "inhabitants", "men", "man", "women", "woman", "children", "child", "kids", "boys",
	"boy", "girls", "girl", "youths", "youth", "teenagers", "students", "pupils", "soldiers",
	"soldier", "troops", "servicemen", "militants", "militant", "fighters", "fighter", "jihadists",
	"jihadist", "terrorists", "terrorist", "insurgents", "insurgent", "gunmen", "gunman",
	"assailants", "assailant", "attackers", "attacker", "rebels", "rebel", "militiamen", "members",
	"member", "herders", "herder", "herdsmen", "farmers", "farmer", "traders", "merchants",
	"worshippers", "worshipers", "passengers", "passenger", "travellers", "travelers", "miners",
	"workers", "teachers", "officials", "officers", "officer", "policemen", "policeman",
	"gendarmes", "gendarme", "guards", "elders", "chiefs", "families", "family", "households",
	"relatives", "others", "individuals", "individual", "victims", "hostages", "hunters",
	"volunteers", "dozos", "peacekeepers", "displaced", "refugees", "survivors",
	"personnes", "personne", "civils", "civil", "villageois", "habitants", "habitant", "hommes", "homme",
	"femmes", "femme", "enfants", "enfant", "jeunes", "jeune", "filles", "fille", "garcons",
	"garcon", "eleves", "etudiants", "soldats", "soldat", "militaires", "militaire", "terroristes",
	"terroriste", "jihadistes", "djihadistes", "djihadiste", "jihadiste", "assaillants",
	"assaillant", "insurges", "rebelles", "combattants", "eleveurs", "agriculteurs",
	"cultivateurs", "commercants", "fideles", "passagers", "voyageurs", "orpailleurs",
	"travailleurs", "enseignants", "fonctionnaires", "policiers", "gardes", "notables", "chefs",
	"familles", "menages", "proches", "autres", "individus", "individu", "victimes", "otages",
	"volontaires", "chasseurs", "membres", "casques", "refugies", "rescapes", "bergers", "berger",
	"shepherds", "shepherd", "imams", "imam", "pecheurs", "fishermen", "drivers", "chauffeurs",
)

// structureNouns are buildings and settlements that can be destroyed.
var structureNouns = set(
	"homes", "home", "houses", "house", "huts", "hut", "buildings", "building", "shops", "shop",
	"stores", "villages", "village", "structures", "schools", "school", "mosques", "mosque",
	"churches", "church", "granaries", "granary", "markets", "market", "clinics", "clinic",
	"dwellings", "compounds", "homesteads", "hamlets", "shelters", "tents", "kiosks", "stalls",
	"warehouses", "centres", "centers", "offices", "hospitals", "hospital",
	"maisons", "maison", "habitations", "habitation", "cases", "case", "huttes", "boutiques",
	"boutique", "magasins", "batiments", "batiment", "hameaux", "ecoles", "ecole", "mosquees",
	"mosquee", "eglises", "eglise", "greniers", "grenier", "marche", "concessions", "domiciles",
	"domicile", "commerces", "abris", "tentes", "etals", "hopitaux", "bureaux", "dispensaires",
)

// stopWords may follow a count directly when the count stands alone
// ("killed 12 in Gao", "12 were killed").
var stopWords = set(
	"and", "or", "in", "on", "at", "from", "by", "near", "during", "when", "while", "after",
	"before", "as", "including", "were", "was", "are", "is", "have", "has", "had", "been", "who",
	"that", "which", "more", "of", "them", "us", "whom", "among", "with", "across", "since",
	"last", "this", "yesterday", "overnight", "according", "but", "so", "the", "earlier",
	"et", "ou", "dans", "a", "au", "aux", "en", "pres", "lors", "pendant", "ont", "sont", "ete",
	"qui", "dont", "selon", "parmi", "y", "se", "s'", "ne", "n'", "de", "d'", "des", "le", "la",
	"les", "l'", "sur", "depuis", "hier", "mais", "eux", "avec", "par", "apres", "avant", "contre",
	"est", "etaient", "etait", "seraient", "auraient", "ainsi", "dont", "egalement", "aussi",
)

// auxWords may stand between a count (and its noun) and a following cue:
// "12 people were reportedly killed", "12 personnes ont été tuées".
var auxWords = set(
	"were", "was", "are", "is", "have", "has", "had", "been", "being", "be", "reportedly",
	"allegedly", "also", "all", "later", "who", "that", "subsequently", "brutally", "summarily",
	"apparently", "reported", "believed", "confirmed", "feared", "to", "got", "left", "now",
	"ont", "sont", "ete", "a", "auraient", "seraient", "aurait", "serait", "qui", "avaient",
	"etaient", "ayant", "tous", "toutes", "egalement", "aussi", "deja", "finalement",
	"se", "s'", "sommairement", "froidement", "more", "found", "retrouves", "retrouvees",
	"plus", "d'autres",
)

// bridgeWords may stand between a cue and a following count: "killed at
// least 12", "the death toll rose to 20", "le bilan s'élève à 20".
var bridgeWords = set(
	"the", "a", "an", "of", "to", "at", "rose", "risen", "climbed", "reached", "stood", "stands",
	"is", "was", "has", "had", "now", "some", "another", "further", "more", "than", "some",
	"s'", "eleve", "elevait", "est", "etait", "passe", "de", "d'", "a", "au", "atteint", "fait",
	"provisoire", "officiel", "lourd", "les", "des", "la", "le", "l'", "environ",
)

// pronouns after "of"/"d'entre" stand for people: "12 of them".
var pronouns = set("them", "us", "whom", "eux", "elles", "nous")

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// cue is a word or phrase that says what happened to the people or
// structures counted.
type cue struct {
	words   []string
	kind    Kind
	noun    bool // can head the count itself: "12 dead", "douze morts"
	negOnly bool // only in negations: "no casualties", "aucune victime"
}

var cueWords = []cue{
	// killed
	{words: []string{"killed"}, kind: KindKilled},
	{words: []string{"kill"}, kind: KindKilled},
	{words: []string{"kills"}, kind: KindKilled},
	{words: []string{"killing"}, kind: KindKilled},
	{words: []string{"slain"}, kind: KindKilled},
	{words: []string{"slaughtered"}, kind: KindKilled},
	{words: []string{"massacred"}, kind: KindKilled},
	{words: []string{"murdered"}, kind: KindKilled},
	{words: []string{"executed"}, kind: KindKilled},
	{words: []string{"died"}, kind: KindKilled},
	{words: []string{"perished"}, kind: KindKilled},
	{words: []string{"dead"}, kind: KindKilled, noun: true},
	{words: []string{"deaths"}, kind: KindKilled, noun: true},
	{words: []string{"fatalities"}, kind: KindKilled, noun: true},
	{words: []string{"bodies"}, kind: KindKilled, noun: true},
	{words: []string{"corpses"}, kind: KindKilled, noun: true},
	{words: []string{"death", "toll"}, kind: KindKilled},
	{words: []string{"toll"}, kind: KindKilled},
	{words: []string{"shot", "dead"}, kind: KindKilled},
	{words: []string{"lost", "their", "lives"}, kind: KindKilled},
	{words: []string{"tue"}, kind: KindKilled, noun: true},
	{words: []string{"tues"}, kind: KindKilled, noun: true},
	{words: []string{"tuee"}, kind: KindKilled},
	{words: []string{"tuees"}, kind: KindKilled, noun: true},
	{words: []string{"tuant"}, kind: KindKilled},
	{words: []string{"tuer"}, kind: KindKilled},
	{words: []string{"mort"}, kind: KindKilled, noun: true},
	{words: []string{"morts"}, kind: KindKilled, noun: true},
	{words: []string{"deces"}, kind: KindKilled, noun: true},
	{words: []string{"decedes"}, kind: KindKilled, noun: true},
	{words: []string{"massacres"}, kind: KindKilled},
	{words: []string{"executes"}, kind: KindKilled},
	{words: []string{"assassines"}, kind: KindKilled},
	{words: []string{"abattus"}, kind: KindKilled},
	// "neutralised" is how armies report the enemies they killed; ACLED
	// counts them as fatalities.
	{words: []string{"neutralised"}, kind: KindKilled},
	{words: []string{"neutralized"}, kind: KindKilled},
	{words: []string{"neutralising"}, kind: KindKilled},
	{words: []string{"neutralizing"}, kind: KindKilled},
	{words: []string{"neutralise"}, kind: KindKilled},
	{words: []string{"neutralises"}, kind: KindKilled},
	{words: []string{"neutralisees"}, kind: KindKilled},
	{words: []string{"neutralisant"}, kind: KindKilled},
	{words: []string{"lynched"}, kind: KindKilled},
	{words: []string{"lynche"}, kind: KindKilled},
	{words: []string{"lynches"}, kind: KindKilled},
	{words: []string{"lynchees"}, kind: KindKilled},
	{words: []string{"executed"}, kind: KindKilled},
	{words: []string{"executes"}, kind: KindKilled},
	{words: []string{"executees"}, kind: KindKilled},
	{words: []string{"beheaded"}, kind: KindKilled},
	{words: []string{"decapites"}, kind: KindKilled},
	{words: []string{"slaughtered"}, kind: KindKilled},
	{words: []string{"egorges"}, kind: KindKilled},
	{words: []string{"massacred"}, kind: KindKilled},
	{words: []string{"beaten", "to", "death"}, kind: KindKilled},
	{words: []string{"battus", "a", "mort"}, kind: KindKilled},
	{words: []string{"burned", "alive"}, kind: KindKilled},
	{words: []string{"brules", "vifs"}, kind: KindKilled},
	{words: []string{"cadavres"}, kind: KindKilled, noun: true},
	{words: []string{"corps"}, kind: KindKilled, noun: true},
	{words: []string{"peri"}, kind: KindKilled},
	{words: []string{"bilan"}, kind: KindKilled},
	{words: []string{"perdu", "la", "vie"}, kind: KindKilled},
	{words: []string{"casualties"}, kind: KindKilled, negOnly: true},
	{words: []string{"casualty"}, kind: KindKilled, negOnly: true},
	{words: []string{"victims"}, kind: KindKilled, negOnly: true},
	{words: []string{"victimes"}, kind: KindKilled, negOnly: true},
	{words: []string{"victime"}, kind: KindKilled, negOnly: true},
	{words: []string{"pertes"}, kind: KindKilled, negOnly: true},
	{words: []string{"loss", "of", "life"}, kind: KindKilled, negOnly: true},
	{words: []string{"lives", "were", "lost"}, kind: KindKilled, negOnly: true},
	// injured
	{words: []string{"injured"}, kind: KindInjured, noun: true},
	{words: []string{"injuring"}, kind: KindInjured},
	{words: []string{"wounded"}, kind: KindInjured, noun: true},
	{words: []string{"wounding"}, kind: KindInjured},
	{words: []string{"hurt"}, kind: KindInjured},
	{words: []string{"injuries"}, kind: KindInjured, negOnly: true},
	{words: []string{"blesses"}, kind: KindInjured, noun: true},
	{words: []string{"blessees"}, kind: KindInjured, noun: true},
	{words: []string{"blesse"}, kind: KindInjured, noun: true},
	{words: []string{"blessee"}, kind: KindInjured},
	{words: []string{"blessant"}, kind: KindInjured},
	// abducted
	{words: []string{"abducted"}, kind: KindAbducted},
	{words: []string{"abducting"}, kind: KindAbducted},
	{words: []string{"kidnapped"}, kind: KindAbducted},
	{words: []string{"kidnapping"}, kind: KindAbducted},
	{words: []string{"abduction"}, kind: KindAbducted},
	{words: []string{"hostages"}, kind: KindAbducted, noun: true},
	{words: []string{"taken", "hostage"}, kind: KindAbducted},
	{words: []string{"enleves"}, kind: KindAbducted, noun: true},
	{words: []string{"enlevees"}, kind: KindAbducted, noun: true},
	{words: []string{"enleve"}, kind: KindAbducted},
	{words: []string{"enlevee"}, kind: KindAbducted},
	{words: []string{"enlevant"}, kind: KindAbducted},
	{words: []string{"enlevement"}, kind: KindAbducted},
	{words: []string{"kidnappes"}, kind: KindAbducted, noun: true},
	{words: []string{"kidnappe"}, kind: KindAbducted},
	{words: []string{"otages"}, kind: KindAbducted, noun: true},
	{words: []string{"pris", "en", "otage"}, kind: KindAbducted},
	// displaced
	{words: []string{"displaced"}, kind: KindDisplaced, noun: true},
	{words: []string{"displacement"}, kind: KindDisplaced},
	{words: []string{"displacing"}, kind: KindDisplaced},
	{words: []string{"fled"}, kind: KindDisplaced},
	{words: []string{"flee"}, kind: KindDisplaced},
	{words: []string{"fleeing"}, kind: KindDisplaced},
	{words: []string{"uprooted"}, kind: KindDisplaced},
	{words: []string{"deplaces"}, kind: KindDisplaced, noun: true},
	{words: []string{"deplacees"}, kind: KindDisplaced, noun: true},
	{words: []string{"deplacement"}, kind: KindDisplaced},
	{words: []string{"fui"}, kind: KindDisplaced},
	{words: []string{"fuir"}, kind: KindDisplaced},
	{words: []string{"fuyant"}, kind: KindDisplaced},
	{words: []string{"fuient"}, kind: KindDisplaced},
	{words: []string{"pris", "la", "fuite"}, kind: KindDisplaced},
	{words: []string{"prendre", "la", "fuite"}, kind: KindDisplaced},
	{words: []string{"prenant", "la", "fuite"}, kind: KindDisplaced},
	{words: []string{"fuite"}, kind: KindDisplaced},
	{words: []string{"exode"}, kind: KindDisplaced},
	{words: []string{"fled", "their", "homes"}, kind: KindDisplaced},
	{words: []string{"forced", "to", "flee"}, kind: KindDisplaced},
	{words: []string{"contraints", "de", "fuir"}, kind: KindDisplaced},
	{words: []string{"livres", "aux", "flammes"}, kind: KindStructures},
	{words: []string{"livrees", "aux", "flammes"}, kind: KindStructures},
	{words: []string{"partie", "en", "fumee"}, kind: KindStructures},
	{words: []string{"parties", "en", "fumee"}, kind: KindStructures},
	// structures
	{words: []string{"burned"}, kind: KindStructures},
	{words: []string{"burnt"}, kind: KindStructures},
	{words: []string{"burning"}, kind: KindStructures},
	{words: []string{"torched"}, kind: KindStructures},
	{words: []string{"torching"}, kind: KindStructures},
	{words: []string{"razed"}, kind: KindStructures},
	{words: []string{"destroyed"}, kind: KindStructures},
	{words: []string{"destroying"}, kind: KindStructures},
	{words: []string{"destruction"}, kind: KindStructures},
	{words: []string{"demolished"}, kind: KindStructures},
	{words: []string{"ablaze"}, kind: KindStructures},
	{words: []string{"alight"}, kind: KindStructures},
	{words: []string{"set", "fire", "to"}, kind: KindStructures},
	{words: []string{"setting", "fire", "to"}, kind: KindStructures},
	{words: []string{"on", "fire"}, kind: KindStructures},
	{words: []string{"reduced", "to", "ashes"}, kind: KindStructures},
	{words: []string{"consumed", "by", "fire"}, kind: KindStructures},
	{words: []string{"incendie"}, kind: KindStructures},
	{words: []string{"incendies"}, kind: KindStructures},
	{words: []string{"incendiees"}, kind: KindStructures},
	{words: []string{"incendiant"}, kind: KindStructures},
	{words: []string{"incendier"}, kind: KindStructures},
	{words: []string{"brule"}, kind: KindStructures},
	{words: []string{"brules"}, kind: KindStructures},
	{words: []string{"brulees"}, kind: KindStructures},
	{words: []string{"brulant"}, kind: KindStructures},
	{words: []string{"detruit"}, kind: KindStructures},
	{words: []string{"detruits"}, kind: KindStructures},
	{words: []string{"detruites"}, kind: KindStructures},
	{words: []string{"detruisant"}, kind: KindStructures},
	{words: []string{"rasees"}, kind: KindStructures},
	{words: []string{"mis", "le", "feu"}, kind: KindStructures},
	{words: []string{"mettant", "le", "feu"}, kind: KindStructures},
	{words: []string{"en", "cendres"}, kind: KindStructures},
}

// prepositions open the short phrase a count's noun may carry before its
// cue: "passagers d'un minibus ont été tués".
var prepositions = map[string]bool{
	"of": true, "from": true, "in": true, "at": true, "de": true, "d'": true, "du": true, "des": true, "a": true,
	"en": true, "dans": true,
}

// stopClause ends that phrase: a new clause or a conjunction.
var stopClause = map[string]bool{
	"and": true, "but": true, "who": true, "which": true, "that": true, "et": true, "mais": true, "qui": true,
	"que": true, "dont": true, "when": true, "while": true, "lorsque": true, "quand": true,
}

// negators open a negated count: "no one was killed", "aucune victime".
var negators = [][]string{
	{"no", "one"}, {"nobody"}, {"no"}, {"none"}, {"without"}, {"aucune"}, {"aucun"},
	{"sans"}, {"pas", "de"}, {"personne", "n'"}, {"personne", "ne"},
}
