package geoparse

import (
	"strings"

	"github.com/vigil-hr/vigil/internal/geoparse/fold"
)

// demonyms maps folded nationality adjectives and nouns (English and
// French, all genders and numbers) to the country they name.
var demonyms = func() map[string]string {
	m := map[string]string{}
	add := func(cc string, words ...string) {
		for _, w := range words {
			m[fold.String(w)] = cc
		}
	}
	frForms := func(stem string) []string { // malien → malien, malienne, maliens, maliennes
		return []string{stem, stem + "ne", stem + "s", stem + "nes"}
	}
	add("ML", append(frForms("malien"), "Malian", "Malians")...)
	add("BF", "Burkinabè", "Burkinabé", "Burkinabe", "Burkinabès", "Burkinabés", "Burkinabes")
	add("NE", append(frForms("nigérien"), "Nigerien", "Nigeriens", "Nigérien")...)
	add("MR", "Mauritanian", "Mauritanians", "mauritanien", "mauritanienne", "mauritaniens", "mauritaniennes")
	add("SN", "Senegalese", "sénégalais", "sénégalaise", "sénégalaises")
	add("GN", "Guinean", "Guineans", "guinéen", "guinéenne", "guinéens", "guinéennes")
	add("CI", "Ivorian", "Ivorians", "ivoirien", "ivoirienne", "ivoiriens", "ivoiriennes")
	add("DZ", "Algerian", "Algerians", "algérien", "algérienne", "algériens", "algériennes")
	add("NG", "Nigerian", "Nigerians", "nigérian", "nigériane", "nigérians", "nigérianes")
	add("TD", "Chadian", "Chadians", "tchadien", "tchadienne", "tchadiens", "tchadiennes")
	add("GH", "Ghanaian", "Ghanaians", "ghanéen", "ghanéenne", "ghanéens", "ghanéennes")
	add("BJ", "Beninese", "béninois", "béninoise", "béninoises")
	add("TG", "Togolese", "togolais", "togolaise", "togolaises")
	add("CM", "Cameroonian", "Cameroonians", "camerounais", "camerounaise", "camerounaises")
	add("LY", "Libyan", "Libyans", "libyen", "libyenne", "libyens", "libyennes")
	add("MA", "Moroccan", "Moroccans", "marocain", "marocaine", "marocains", "marocaines")
	add("FR", "French", "français", "française", "françaises")
	add("RU", "Russian", "Russians", "russe", "russes")
	add("US", "American", "Americans", "américain", "américaine", "américains", "américaines")
	add("GB", "British")
	add("TR", "Turkish", "turc", "turque", "turcs", "turques")
	add("CN", "Chinese", "chinois", "chinoise", "chinoises")
	add("UA", "Ukrainian", "Ukrainians", "ukrainien", "ukrainienne", "ukrainiens", "ukrainiennes")
	return m
}()

// demonymShape has bit n of [0][b] set when a demonym of n bytes starts
// with byte b, and of [1][b] when one ends with it: a cheap test that
// spares most words a map lookup.
var demonymShape = func() (t [2][256]uint64) {
	for w := range demonyms {
		if len(w) < 64 {
			t[0][w[0]] |= 1 << len(w)
			t[1][w[len(w)-1]] |= 1 << len(w)
		}
	}
	return t
}()

// mayBeDemonym reports whether folded word w may be in demonyms (false
// means it surely is not).
func mayBeDemonym(w string) bool {
	if len(w) == 0 || len(w) >= 64 {
		return false
	}
	return demonymShape[0][w[0]]&demonymShape[1][w[len(w)-1]]&(1<<len(w)) != 0
}

// DemonymCountry reports the country (ISO 3166-1 alpha-2) a nationality
// word names: "Malian", "maliennes", "Burkinabè", "Nigerien", "Mauritanian".
// Case and diacritics do not matter.
func DemonymCountry(word string) (iso2 string, ok bool) {
	iso2, ok = demonyms[fold.String(word)]
	return iso2, ok
}

// stopWords are common English and French words (folded) that are also names
// in the gazetteer; they are never taken as places on their own.
var stopWords = set(`
a an the and or but if of in on at to by for from with as is are was were be been
it its this that these those he she they we you i his her their our my your who whom
which what when where why how all any some many much more most other such no not
only own same so than too very can will just should now then there here also after
before during while since until about against between into through over under again
further once both each few off out up down new old said says say told according
le la les un une des du de et ou mais donc or ni car au aux en dans par pour sur sous
avec sans chez vers entre selon depuis pendant lors ce cet cette ces il elle ils elles
on nous vous je tu leur leurs son sa ses qui que quoi dont ou est sont ete etait
monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi
vendredi samedi dimanche january february march april may june july august september
october november december janvier fevrier mars avril mai juin juillet aout septembre
octobre novembre decembre today yesterday tomorrow aujourd hui hier demain
police army military armed forces force soldiers soldier troops government state
president minister ministre gouvernement armee gendarmerie national nationale
general colonel captain commander chief lieutenant sergeant mayor prefet governor
north south east west central northern southern eastern western nord sud est ouest
centre center centrale
islamic islam muslim christian catholic church mosque god allah dieu
union united nations african european international
group groupe groups people population village villages town city region commune
cercle province district country pays
residents survivors witnesses eyewitness families fear thick rights human
hope peace liberty independence victory freedom justice
reuters afp press news radio report reports media
mobile split nice reading bath deal mercy
alliance stade rue avenue boulevard palais hopital l d qu google amazon apple twitter facebook human university hospital market bridge street court
congress council post hope obama biden trump putin wagner boko white company camp
david george mary paul michael peter john james mark grace victoria florence
`)

// orgWords are words that, placed before a place name, make it part of an
// organisation's name: "Katiba Macina", "Radio Bamakan", "Hotel Sahel".
var orgWords = set(`katiba brigade battalion bataillon front radio hotel stade stadium
university universite lycee ecole school club association airlines groupe g5 g 5`)

// weakWords are region names that are also common words ("Centre", "Nord",
// "Sahel", "Est"): they count as places only with an administrative cue
// ("région du Nord", "Sahel region").
var weakWords = set(`nord sud est ouest centre centre nord centre est centre ouest centre sud
sud ouest cascades plateau central lacs lagunes
montagnes savanes zanzan`)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		for _, w := range strings.Fields(line) {
			m[w] = true
		}
	}
	return m
}

// cueKind is what a word next to a name says about it.
type cueKind uint8

const (
	cueNone   cueKind = iota
	cuePlace          // "in", "near", "à", "près de": some place
	cueLocal          // "village of", "localité de": a populated place
	cueRegion         // "région de", "X region": an admin-1 unit
	cueAdmin2         // "cercle de", "province du": an admin-2 unit
)

// cuesBefore maps folded word sequences that may precede a name.
var cuesBefore = map[string]cueKind{
	"in": cuePlace, "near": cuePlace, "around": cuePlace, "outside": cuePlace,
	"towards": cuePlace, "toward": cuePlace, "from": cuePlace, "between": cuePlace,
	"at": cuePlace, "nearby": cuePlace, "north of": cuePlace, "south of": cuePlace,
	"east of": cuePlace, "west of": cuePlace, "au": cuePlace, "aux": cuePlace,
	"dans": cuePlace, "vers": cuePlace, "pres de": cuePlace, "pres d": cuePlace,
	"entre": cuePlace, "au nord de": cuePlace, "au sud de": cuePlace,
	"a l est de": cuePlace, "a l ouest de": cuePlace, "en": cuePlace,
	"village of": cueLocal, "town of": cueLocal, "city of": cueLocal,
	"locality of": cueLocal, "commune of": cueLocal, "hamlet of": cueLocal,
	"village de": cueLocal, "village d": cueLocal, "ville de": cueLocal,
	"ville d": cueLocal, "localite de": cueLocal, "localite d": cueLocal,
	"commune de": cueLocal, "commune d": cueLocal, "hameau de": cueLocal,
	"commune rurale de": cueLocal, "villages of": cueLocal, "villages de": cueLocal,
	"region of": cueRegion, "region de": cueRegion, "region du": cueRegion,
	"region d": cueRegion, "regions de": cueRegion, "region des": cueRegion,
	"cercle of": cueAdmin2, "cercle de": cueAdmin2, "cercle d": cueAdmin2,
	"province of": cueAdmin2, "province du": cueAdmin2, "province de": cueAdmin2,
	"province de la": cueAdmin2, "province des": cueAdmin2, "province d": cueAdmin2,
	"state of": cueRegion, "etat de": cueRegion, "etat du": cueRegion, "province of the": cueAdmin2,
	"lga of": cueAdmin2, "county of": cueAdmin2,
	"department of": cueAdmin2, "departement de": cueAdmin2, "prefecture de": cueAdmin2,
}

// cueEnds holds the last words of cuesBefore's keys.
var cueEnds = func() map[string]bool {
	m := map[string]bool{}
	for k := range cuesBefore {
		m[k[strings.LastIndexByte(k, ' ')+1:]] = true
	}
	return m
}()

// cuesAfter maps folded words that may follow a name.
var cuesAfter = map[string]cueKind{
	"region": cueRegion, "regions": cueRegion, "state": cueRegion, "governorate": cueRegion, "oblast": cueRegion,
	"lga": cueAdmin2, "county": cueAdmin2, "prefecture": cueAdmin2,
	"cercle": cueAdmin2, "province": cueAdmin2, "district": cueAdmin2,
	"village": cueLocal, "town": cueLocal, "commune": cueLocal, "area": cuePlace,
}

// maxCueWords is the longest key of cuesBefore, in words.
const maxCueWords = 4
