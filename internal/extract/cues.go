package extract

import (
	"regexp"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
)

// Cue lexicons for certainty, sources and background. They are regular
// expressions over the original text, case-insensitive, whole words.

func words(alts ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(` + strings.Join(alts, "|") + `)(?:$|[^\p{L}\p{N}])`)
}

// alleged (strong): the text says the account is unverified, attributes
// blame, or someone denies it.
var allegedRe = words(
	`allegedly`, `alleged`, `accus(?:e|es|ed|ing|ation|ations)`, `purportedly`,
	`denie[sd]`, `deny`, `denial`, `rejected the accusations?`, `could not be (?:independently )?verified`,
	`unverified`, `not independently confirmed`, `is said to have`, `are said to have`, `were said to have`,
	`présumée?s?`, `présum[ée]s?`, `aurai(?:t|ent) (?:été )?\p{L}+`, `accus(?:e|ent|é|és|ée|ées|ation|ations)`,
	`dément(?:i|ent)?`, `démenti`, `n'a pas pu être vérifiée?`, `invérifiable`, `non confirmée?s?`, `prétendue?s?`,
	`attribuée?s? à`, `attribu(?:ent|e) (?:aux?|à)`, `mis en cause`, `mise en cause`, `imputée?s? à`,
)

// claimed (weak): the account rests on what witnesses or parties say.
var claimedRe = words(
	`claims?`, `claimed`, `affirme(?:nt)?`, `assure(?:nt)?`,
	`selon (?:des|plusieurs|de nombreux|certains) (?:témoins|habitants|rescapés|survivants|sources locales)`,
)

// confirmed: an authority or independent check confirms the event.
var confirmedRe = words(
	`confirmed`, `confirms`, `officially`, `said in a statement`, `in an official statement`,
	`army said`, `military said`, `government said`, `ministry said`, `the army announced`, `verified by`,
	`a confirmé`, `ont confirmé`, `confirme(?:nt)?`, `officiellement`, `dans un communiqué`, `communiqué officiel`,
	`selon l'armée`, `selon les autorités`, `l'armée a annoncé`, `état-major`,
)

// background: the sentence recalls the past, a pattern or a fear, not the
// incident being reported.
var backgroundRe = words(
	`previously`, `have long`, `has long`, `had long`, `in the past`, `in recent years`, `over the years`,
	`past (?:few )?(?:years|months)`, `(?:a|the) (?:disturbing )?trend`, `have become common`, `has become common`,
	`often`, `frequently`, `routinely`, `repeatedly`, `history of`, `similar (?:operations|attacks|incidents|abuses)`,
	`further attacks`, `fear of`, `calls? for`, `renewed calls`, `investigations? into`, `happen before`,
	`will come back`, `could happen`, `last year`,
	`précédemment`, `par le passé`, `ces dernières années`, `depuis des années`,
	`à plusieurs reprises`, `régulièrement`, `souvent`, `tendance`, `de nouvelles attaques`, `appel(?:le|lent|s)? à`,
	`depuis des mois`,
	`enquêtes? (?:indépendantes? )?sur`, `l'an dernier`, `l'année dernière`, `déjà été`, `similaires`,
)

// nonPolitical: the harm in the sentence comes from nature, an accident or
// sport, not from political violence.
var nonPoliticalRe = words(
	`floods?`, `flooding`, `floodwaters?`, `drown(?:ed|ing)`, `heavy rains?`, `torrential`, `downpours?`,
	`collapsed`, `landslides?`, `lightning`, `storms?`, `cholera`, `epidemic`, `outbreak`, `road accident`,
	`crash(?:ed)?`, `capsized`, `wildfire`, `bushfire`, `inondations?`, `crues?`, `pluies diluviennes`,
	`pluies torrentielles`, `noyée?s?`, `effondr(?:é|ée|és|ées|ement)`, `éboulement`, `accident de (?:la route|la circulation)`,
	`épidémie`, `naufrage`, `chavir(?:é|ement)`, `foudre`, `intempéries`,
	`match`, `derby`, `goals?`, `striker`, `penalty`, `league`, `championship`, `tournament`, `kick-?off`,
	`halftime`, `half-time`, `second half`, `first half`, `tackle`, `footballers?`, `players`, `coach`,
	`championnat`, `buts?`, `buteur`, `entraîneur`, `joueurs`, `mi-temps`, `coupe d'afrique`, `éliminatoires`,
)

// datelineRes find the report's own datelines and bylines: where and when it
// was filed, not where and when the incident happened.
var datelineRes = []*regexp.Regexp{
	// OUAGADOUGOU, Nov 18 (Sahel Wire) -   BAMAKO (AFP) -   Niamey, 3 mars (Reuters) –
	regexp.MustCompile(`(?m)^[ \t]*\p{Lu}[\p{L}'’. -]{1,40},?[ \t]+(?:le[ \t]+)?[^\n(]{0,30}\([^)\n]{1,40}\)[ \t]*[-–—:]`),
	// Ouagadougou, le 10 septembre 2024    (a line of its own)
	regexp.MustCompile(`(?m)^[ \t]*\p{Lu}[\p{L}'’ -]{1,40},[ \t]+(?:le[ \t]+)?\d{1,2}(?:er)?[ \t]+\p{L}+[ \t]+\d{4}[ \t]*$`),
	// Publié le 06/02/2025   Published on 12 March 2025   Mis à jour ...
	regexp.MustCompile(`(?mi)^[ \t]*(?:publié|mis à jour|published|updated|posted)\b[^\n]{0,60}$`),
	// By: A. Reporter — 16 mars 2025    Par Awa Dembélé – 16 mars 2025
	regexp.MustCompile(`(?m)^[ \t]*(?:By|Par)\b:?[^\n]{0,80}$`),
}

func datelines(text string) []model.Span {
	var out []model.Span
	for _, re := range datelineRes {
		for _, m := range re.FindAllStringIndex(text, -1) {
			out = append(out, model.Span{Start: m[0], End: m[1]})
		}
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

// sourceEntry is a kind of source and the words that name it.
type sourceEntry struct {
	name, kind string
	re         *regexp.Regexp
}

var sourceDict = []sourceEntry{
	{"eyewitnesses", "witness", words(`eye-?witness(?:es)?`, `witness(?:es)?`, `témoins?(?: oculaires?)?`)},
	{"survivors", "witness", words(`survivors?`, `rescapés?`, `survivants?`)},
	{"residents", "witness", words(`residents?`, `villagers`, `habitants?`, `villageois`)},
	{"local sources", "local", words(`local sources`, `local accounts`, `sources locales`, `sources sur place`)},
	{"local officials", "official", words(`local officials?`, `mayor`, `maire`, `élus? locaux`, `autorités locales`, `préfet`)},
	{"security sources", "official", words(`security sources?`, `sources? sécuritaires?`, `military sources?`, `sources? militaires?`)},
	{"army statement", "official", words(`army said`, `military said`, `army statement`, `communiqué de l'armée`, `état-major`, `l'armée a annoncé`)},
	{"government", "official", words(`government spokes(?:man|woman|person)`, `ministry`, `porte-parole du gouvernement`, `ministère`)},
	{"NAN", "media", regexp.MustCompile(`\bNAN\b|News Agency of Nigeria`)},
	{"AFP", "media", regexp.MustCompile(`\bAFP\b|Agence France-Presse`)},
	{"Reuters", "media", regexp.MustCompile(`\bReuters\b`)},
	{"AP", "media", regexp.MustCompile(`\bAssociated Press\b|\(AP\)`)},
	{"RFI", "media", regexp.MustCompile(`\bRFI\b|Radio France Internationale`)},
	{"BBC", "media", regexp.MustCompile(`\bBBC\b`)},
	{"Al Jazeera", "media", regexp.MustCompile(`\bAl Jazeera\b`)},
	{"Studio Tamani", "media", regexp.MustCompile(`\bStudio Tamani\b`)},
	{"Malijet", "media", regexp.MustCompile(`\bMalijet\b`)},
	{"Sahara Médias", "media", regexp.MustCompile(`\bSahara M[ée]dias\b`)},
	{"Jeune Afrique", "media", regexp.MustCompile(`\bJeune Afrique\b`)},
	{"Le Monde", "media", regexp.MustCompile(`\bLe Monde\b`)},
	{"Premium Times", "media", regexp.MustCompile(`\bPremium Times\b`)},
	{"Human Rights Watch", "ngo", regexp.MustCompile(`\bHuman Rights Watch\b|\bHRW\b`)},
	{"Amnesty International", "ngo", regexp.MustCompile(`\bAmnesty International\b|\bAmnesty\b`)},
	{"MINUSMA", "official", regexp.MustCompile(`\bMINUSMA\b`)},
	{"OCHA", "official", regexp.MustCompile(`\bOCHA\b`)},
	{"UNHCR", "official", regexp.MustCompile(`\bUNHCR\b|\bHCR\b`)},
	{"human rights organization", "ngo", words(`(?:local )?human rights (?:organi[sz]ation|group)s?`, `rights groups?`, `organisations? de défense des droits`, `association de défense`)},
}

type cue struct {
	span model.Span
	text string
}

func findCues(re *regexp.Regexp, text string, within model.Span) []cue {
	seg := text[within.Start:within.End]
	var out []cue
	for _, m := range re.FindAllStringSubmatchIndex(seg, -1) {
		s, e := m[2]+within.Start, m[3]+within.Start
		out = append(out, cue{model.Span{Start: s, End: e}, text[s:e]})
	}
	return out
}

type sourceHit struct {
	model.Source
	span model.Span
}

func findSources(text string, within model.Span) []sourceHit {
	var out []sourceHit
	for _, e := range sourceDict {
		seg := text[within.Start:within.End]
		for _, m := range e.re.FindAllStringSubmatchIndex(seg, -1) {
			s, en := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 {
				s, en = m[2], m[3]
			}
			out = append(out, sourceHit{model.Source{Name: e.name, Kind: e.kind}, model.Span{Start: s + within.Start, End: en + within.Start}})
		}
	}
	return out
}
