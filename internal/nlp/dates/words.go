package dates

import "time"

// monthWord is a month name or abbreviation in folded form.
type monthWord struct {
	month time.Month
	lang  string
	abbr  bool
}

var months = map[string]monthWord{}

var weekdays = map[string]struct {
	day  time.Weekday
	lang string
}{}

// initWords fills months and weekdays; dates.go's init calls it first.
func initWords() {
	en := []string{"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"}
	fr := []string{"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
		"aout", "septembre", "octobre", "novembre", "decembre"}
	for i := range en {
		months[en[i]] = monthWord{time.Month(i + 1), "en", false}
		months[fr[i]] = monthWord{time.Month(i + 1), "fr", false}
	}
	for w, m := range map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12} {
		months[w] = monthWord{m, "en", true}
	}
	for w, m := range map[string]time.Month{"janv": 1, "fevr": 2, "avr": 4, "juil": 7} {
		months[w] = monthWord{m, "fr", true}
	}
	enDays := []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
	frDays := []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	for i := range enDays {
		weekdays[enDays[i]] = struct {
			day  time.Weekday
			lang string
		}{time.Weekday(i), "en"}
		weekdays[frDays[i]] = struct {
			day  time.Weekday
			lang string
		}{time.Weekday(i), "fr"}
	}
}

// relKind is what a relative expression denotes.
type relKind int

const (
	relDay       relKind = iota // anchor + days
	relThisWeek                 // Monday of the anchor's week to the anchor
	relLastWeek                 // the week before the anchor's
	relWeekend                  // the latest Saturday–Sunday before the anchor
	relThisMonth                // first of the anchor's month to the anchor
	relLastMonth                // the month before the anchor's
)

type relPhrase struct {
	words []string // folded tokens
	lang  string
	kind  relKind
	days  int
}

// relPhrases are tried longest first (see init in dates.go).
var relPhrases = []relPhrase{
	{[]string{"the", "day", "before", "yesterday"}, "en", relDay, -2},
	{[]string{"yesterday"}, "en", relDay, -1},
	{[]string{"today"}, "en", relDay, 0},
	{[]string{"tonight"}, "en", relDay, 0},
	{[]string{"this", "morning"}, "en", relDay, 0},
	{[]string{"early", "this", "morning"}, "en", relDay, 0},
	{[]string{"earlier", "today"}, "en", relDay, 0},
	{[]string{"this", "afternoon"}, "en", relDay, 0},
	{[]string{"this", "evening"}, "en", relDay, 0},
	{[]string{"last", "night"}, "en", relDay, -1},
	{[]string{"late", "last", "night"}, "en", relDay, -1},
	{[]string{"earlier", "this", "week"}, "en", relThisWeek, 0},
	{[]string{"this", "week"}, "en", relThisWeek, 0},
	{[]string{"last", "week"}, "en", relLastWeek, 0},
	{[]string{"the", "previous", "week"}, "en", relLastWeek, 0},
	{[]string{"over", "the", "weekend"}, "en", relWeekend, 0},
	{[]string{"last", "weekend"}, "en", relWeekend, 0},
	{[]string{"this", "weekend"}, "en", relWeekend, 0},
	{[]string{"at", "the", "weekend"}, "en", relWeekend, 0},
	{[]string{"earlier", "this", "month"}, "en", relThisMonth, 0},
	{[]string{"this", "month"}, "en", relThisMonth, 0},
	{[]string{"last", "month"}, "en", relLastMonth, 0},

	{[]string{"avant hier"}, "fr", relDay, -2},
	{[]string{"hier"}, "fr", relDay, -1},
	{[]string{"aujourd'hui"}, "fr", relDay, 0},
	{[]string{"ce", "matin"}, "fr", relDay, 0},
	{[]string{"tot", "ce", "matin"}, "fr", relDay, 0},
	{[]string{"cet", "apres midi"}, "fr", relDay, 0},
	{[]string{"ce", "soir"}, "fr", relDay, 0},
	{[]string{"la", "nuit", "derniere"}, "fr", relDay, -1},
	{[]string{"plus", "tot", "cette", "semaine"}, "fr", relThisWeek, 0},
	{[]string{"en", "debut", "de", "semaine"}, "fr", relThisWeek, 0},
	{[]string{"cette", "semaine"}, "fr", relThisWeek, 0},
	{[]string{"la", "semaine", "derniere"}, "fr", relLastWeek, 0},
	{[]string{"la", "semaine", "passee"}, "fr", relLastWeek, 0},
	{[]string{"le", "week end", "dernier"}, "fr", relWeekend, 0},
	{[]string{"ce", "week end"}, "fr", relWeekend, 0},
	{[]string{"le", "week end"}, "fr", relWeekend, 0},
	{[]string{"durant", "le", "week end"}, "fr", relWeekend, 0},
	{[]string{"pendant", "le", "week end"}, "fr", relWeekend, 0},
	{[]string{"plus", "tot", "ce", "mois ci"}, "fr", relThisMonth, 0},
	{[]string{"ce", "mois ci"}, "fr", relThisMonth, 0},
	{[]string{"le", "mois", "dernier"}, "fr", relLastMonth, 0},
	{[]string{"le", "mois", "passe"}, "fr", relLastMonth, 0},
}

// dayParts may follow a day word ("Sunday night", "hier soir") and are
// included in the mention's span.
var dayParts = map[string]bool{
	"morning": true, "afternoon": true, "evening": true, "night": true,
	"matin": true, "soir": true, "apres midi": true, "soiree": true, "nuit": true, "matinee": true,
}

// monthPart is the part of a month a prefix selects.
type monthPart int

const (
	wholeMonth monthPart = iota
	earlyMonth           // days 1–10
	midMonth             // days 11–20
	lateMonth            // day 21 to the end
)

type monthPrefix struct {
	words []string
	part  monthPart
	lang  string
}

// monthPrefixes may introduce a month without a day; one of them is needed
// unless a year follows the month ("May 2024"), so that "may" the verb and
// "Mars" the planet are not taken for months.
var monthPrefixes = []monthPrefix{
	{[]string{"in", "early"}, earlyMonth, "en"},
	{[]string{"in", "mid"}, midMonth, "en"},
	{[]string{"in", "late"}, lateMonth, "en"},
	{[]string{"at", "the", "beginning", "of"}, earlyMonth, "en"},
	{[]string{"at", "the", "start", "of"}, earlyMonth, "en"},
	{[]string{"at", "the", "end", "of"}, lateMonth, "en"},
	{[]string{"the", "beginning", "of"}, earlyMonth, "en"},
	{[]string{"the", "end", "of"}, lateMonth, "en"},
	{[]string{"early"}, earlyMonth, "en"},
	{[]string{"mid"}, midMonth, "en"},
	{[]string{"late"}, lateMonth, "en"},
	{[]string{"in"}, wholeMonth, "en"},
	{[]string{"during"}, wholeMonth, "en"},
	{[]string{"since"}, wholeMonth, "en"},
	{[]string{"until"}, wholeMonth, "en"},

	{[]string{"au", "debut", "du", "mois", "de"}, earlyMonth, "fr"},
	{[]string{"a", "la", "fin", "du", "mois", "de"}, lateMonth, "fr"},
	{[]string{"au", "milieu", "du", "mois", "de"}, midMonth, "fr"},
	{[]string{"courant", "du", "mois", "de"}, wholeMonth, "fr"},
	{[]string{"au", "cours", "du", "mois", "de"}, wholeMonth, "fr"},
	{[]string{"au", "mois", "de"}, wholeMonth, "fr"},
	{[]string{"le", "mois", "de"}, wholeMonth, "fr"},
	{[]string{"a", "la", "fin", "de"}, lateMonth, "fr"},
	{[]string{"au", "debut", "de"}, earlyMonth, "fr"},
	{[]string{"a", "la", "mi"}, midMonth, "fr"},
	{[]string{"a", "la"}, wholeMonth, "fr"},
	{[]string{"debut"}, earlyMonth, "fr"},
	{[]string{"fin"}, lateMonth, "fr"},
	{[]string{"mi"}, midMonth, "fr"},
	{[]string{"courant"}, wholeMonth, "fr"},
	{[]string{"en"}, wholeMonth, "fr"},
	{[]string{"depuis"}, wholeMonth, "fr"},
	{[]string{"jusqu'", "en"}, wholeMonth, "fr"},
}
