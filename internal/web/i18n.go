package web

import (
	"fmt"
	"net/http"

	"golang.org/x/text/language"
)

// Locale translates the UI's messages. Keys are the English messages;
// French is in catalogue. Taxonomy names (ACLED's) stay in English, as
// analysts and exports use them.
type Locale struct {
	Lang string // "en" or "fr"
	msgs map[string]string
}

// T returns key in the locale's language, formatted with args.
func (l *Locale) T(key string, args ...any) string {
	msg := key
	if m, ok := l.msgs[key]; ok {
		msg = m
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

const langCookie = "vigil_lang"

var (
	supported = []language.Tag{language.English, language.French}
	matcher   = language.NewMatcher(supported)
)

// localeFor picks the language: the cookie set from the language switch,
// else the browser's Accept-Language, else English.
func localeFor(r *http.Request) *Locale {
	lang := "en"
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "en" || c.Value == "fr") {
		lang = c.Value
	} else if al := r.Header.Get("Accept-Language"); al != "" {
		if len(al) > 512 {
			al = al[:512]
		}
		tags, _, _ := language.ParseAcceptLanguage(al)
		_, i, conf := matcher.Match(tags...)
		if conf != language.No && i == 1 {
			lang = "fr"
		}
	}
	if lang == "fr" {
		return &Locale{Lang: "fr", msgs: catalogue["fr"]}
	}
	return &Locale{Lang: "en"}
}

// catalogue holds the translations, by language then English message.
var catalogue = map[string]map[string]string{
	"fr": {
		"Events":                          "Événements",
		"Map":                             "Carte",
		"Timeline":                        "Chronologie",
		"Intake":                          "Saisie",
		"Language":                        "Langue",
		"Filters":                         "Filtres",
		"From":                            "Du",
		"To":                              "Au",
		"Country":                         "Pays",
		"Event type":                      "Type d'événement",
		"Sub-event type":                  "Sous-type",
		"Certainty":                       "Certitude",
		"Search":                          "Recherche",
		"Any":                             "Tous",
		"Apply":                           "Appliquer",
		"Clear":                           "Effacer",
		"Date":                            "Date",
		"Type":                            "Type",
		"Place":                           "Lieu",
		"Actors":                          "Acteurs",
		"Fatalities":                      "Morts",
		"Confidence":                      "Confiance",
		"%d events":                       "%d événements",
		"No event matches these filters.": "Aucun événement ne correspond à ces filtres.",
		"Previous":                        "Précédent",
		"Next":                            "Suivant",
		"Page %d of %d":                   "Page %d sur %d",
		"alleged":                         "allégué",
		"reported":                        "rapporté",
		"confirmed":                       "confirmé",
		"Field":                           "Champ",
		"Value":                           "Valeur",
		"Precision":                       "Précision",
		"Evidence":                        "Preuves",
		"Source text":                     "Texte source",
		"Why this type":                   "Pourquoi ce type",
		"Linked report":                   "Rapport lié",
		"Other events in this report":     "Autres événements de ce rapport",
		"Already known?":                  "Déjà connu ?",
		"Dataset":                         "Jeu de données",
		"days":                            "jours",
		"No imported event is near this one in place, date and type.": "Aucun événement importé n'est proche de celui-ci par le lieu, la date et le type.",
		"Disorder type":                     "Type de désordre",
		"Location":                          "Localisation",
		"Injured":                           "Blessés",
		"Abducted":                          "Enlevés",
		"Displaced":                         "Déplacés",
		"Structures destroyed":              "Bâtiments détruits",
		"Sources":                           "Sources",
		"day":                               "jour",
		"week":                              "semaine",
		"month":                             "mois",
		"the day is known":                  "le jour est connu",
		"only the week":                     "seulement la semaine",
		"only the month":                    "seulement le mois",
		"year inferred":                     "année déduite",
		"the named town":                    "la localité nommée",
		"near a town or part of a district": "près d'une localité ou partie d'un district",
		"only a region":                     "seulement une région",
		"%d span(s)":                        "%d passage(s)",
		"not stated":                        "non précisé",
		"Hover a field to light up the words that support it.":              "Survolez un champ pour éclairer les mots qui l'étayent.",
		"Event confidence: %.2f (the model's; no per-field confidence yet)": "Confiance de l'événement : %.2f (celle du modèle ; pas encore de confiance par champ)",
		"Title":                                  "Titre",
		"Published":                              "Publié",
		"Language of the text":                   "Langue du texte",
		"Extractor":                              "Extracteur",
		"Document":                               "Document",
		"Events per %s":                          "Événements par %s",
		"Interval":                               "Intervalle",
		"Click a bar to narrow the dates to it.": "Cliquez sur une barre pour restreindre les dates à celle-ci.",
		"Paste a report":                         "Coller un rapport",
		"or upload a file (text, HTML, PDF, DOCX)":     "ou téléverser un fichier (texte, HTML, PDF, DOCX)",
		"Source (outlet or organisation)":              "Source (média ou organisation)",
		"Publication date":                             "Date de publication",
		"Extract and store":                            "Extraire et enregistrer",
		"At most %d MiB.":                              "%d Mio au plus.",
		"Give either text or a file.":                  "Donnez soit un texte, soit un fichier.",
		"Intake is not available on this server.":      "La saisie n'est pas disponible sur ce serveur.",
		"No event was found in this report.":           "Aucun événement n'a été trouvé dans ce rapport.",
		"Events at this place":                         "Événements à cet endroit",
		"Only the first %d matching events are shown.": "Seuls les %d premiers événements correspondants sont affichés.",
		"Something went wrong":                         "Une erreur s'est produite",
		"Not found":                                    "Introuvable",
		"Back to the events":                           "Retour aux événements",
		"Located events on the map: %d of %d.":         "Événements localisés sur la carte : %d sur %d.",
		"Stored reports of violence, with every field tied to its words.": "Rapports de violences enregistrés, chaque champ lié à ses mots.",
		"Basemap: Natural Earth (public domain).":                         "Fond de carte : Natural Earth (domaine public).",
		"Sign in":  "Se connecter",
		"Sign out": "Se déconnecter",
		"Name":     "Nom",
		"Password": "Mot de passe",
		"Without signing in, you see only published records.":         "Sans vous connecter, vous ne voyez que les fiches publiées.",
		"There are no accounts on this server: no sign-in is needed.": "Ce serveur n'a pas de comptes : aucune connexion n'est nécessaire.",
		"Wrong name or password.":                                     "Nom ou mot de passe incorrect.",
		"Sign in to see this page.":                                   "Connectez-vous pour voir cette page.",
		"Your role (%s) may not do this.":                             "Votre rôle (%s) ne permet pas de faire ceci.",
		"Not allowed":                                                 "Non autorisé",
		"Too many sign-ins at once; try again in a moment.":           "Trop de connexions simultanées ; réessayez dans un instant.",
		"You are not signed in: you see only published records.":      "Vous n'êtes pas connecté : vous ne voyez que les fiches publiées.",
		"Single-user local mode: no one signs in and everyone who reaches this server acts as admin. Add a user with 'vigil user add' to require sign-in.": "Mode local mono-utilisateur : personne ne se connecte et quiconque atteint ce serveur agit en administrateur. Ajoutez un utilisateur avec « vigil user add » pour exiger une connexion.",
		"admin":    "administrateur",
		"analyst":  "analyste",
		"reviewer": "relecteur",
		"viewer":   "lecteur",
		"public":   "public",
	},
}
