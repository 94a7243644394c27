// Package model holds Vigil's plain domain types. They carry no behaviour
// beyond small helpers, and their JSON form is the outside contract of
// `vigil extract` (see docs/contract.md): fields may be added, never renamed.
//
// Offsets: inside Vigil every Span counts bytes of the UTF-8 text. The JSON
// that leaves Vigil counts Unicode code points, as the contract requires;
// the conversion happens once, in package extract, just before output.
package model

import "time"

// Span is a half-open byte range [Start, End) of a text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Date precision, after ACLED's time_precision.
const (
	PrecisionDay   = 1 // the day is known
	PrecisionWeek  = 2 // only the week (or a span of a few days)
	PrecisionMonth = 3 // only the month
)

// Geo precision, after ACLED's geo_precision.
const (
	GeoTown   = 1 // the named town or village itself
	GeoNear   = 2 // near a town, or part of a district
	GeoRegion = 3 // only a region is known
)

// Certainty of an event as the text presents it.
const (
	CertaintyAlleged   = "alleged"   // attributed claims, unverified or denied
	CertaintyReported  = "reported"  // reported as fact by the source
	CertaintyConfirmed = "confirmed" // confirmed by an authority or independent verification
)

// Count is a reported number of people or things (fatalities, displaced...).
// A nil *Count means the text says nothing about it.
type Count struct {
	Best *int   `json:"best"`
	Low  *int   `json:"low,omitempty"`
	High *int   `json:"high,omitempty"`
	Text string `json:"text,omitempty"`
	// Span locates Text in the input (byte offsets; not serialised).
	Span Span `json:"-"`
}

// Actor is a participant in an event in one of ACLED's roles:
// actor1, assoc_actor1, actor2, assoc_actor2.
type Actor struct {
	Role     string   `json:"role"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Country  string   `json:"country,omitempty"` // ISO 3166-1 alpha-3
	Mentions []string `json:"mentions,omitempty"`
	// ID is the actor dictionary's stable key (not serialised in extract).
	ID string `json:"-"`
}

// Location is where an event happened, resolved to a gazetteer entry.
type Location struct {
	Name         string  `json:"name"`
	GeonameID    int64   `json:"geonameid,omitempty"`
	Latitude     float64 `json:"latitude"`
	Longitude    float64 `json:"longitude"`
	Country      string  `json:"country,omitempty"`
	ISO3         string  `json:"iso3,omitempty"`
	Admin1       string  `json:"admin1,omitempty"`
	Admin2       string  `json:"admin2,omitempty"`
	GeoPrecision int     `json:"geo_precision"`
}

// Place is a toponym found in a text and what it was resolved to.
// Latitude/Longitude are nil when no candidate fits.
type Place struct {
	Text         string   `json:"text"`
	Start        int      `json:"start"`
	End          int      `json:"end"`
	Name         string   `json:"name,omitempty"`
	GeonameID    int64    `json:"geonameid,omitempty"`
	Latitude     *float64 `json:"latitude"`
	Longitude    *float64 `json:"longitude"`
	CountryCode  string   `json:"country_code,omitempty"`
	Admin1       string   `json:"admin1,omitempty"`
	Admin2       string   `json:"admin2,omitempty"`
	FeatureClass string   `json:"feature_class,omitempty"`
	FeatureCode  string   `json:"feature_code,omitempty"`
	Population   int64    `json:"population,omitempty"`
	Score        float64  `json:"score,omitempty"`
	// Why says in words why this candidate was chosen.
	Why string `json:"why,omitempty"`
}

// Source is who reported an event: an outlet, a witness, an organisation.
type Source struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // media, witness, ngo, official, local, perpetrator, other
}

// Evidence ties one field of an event to the words that support it.
type Evidence struct {
	Field string `json:"field"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Event is one incident as a single report describes it.
type Event struct {
	ID                  string     `json:"id,omitempty"`
	EventDate           string     `json:"event_date,omitempty"` // YYYY-MM-DD
	DatePrecision       int        `json:"date_precision,omitempty"`
	DateYearInferred    bool       `json:"date_year_inferred,omitempty"`
	DisorderType        string     `json:"disorder_type"`
	EventType           string     `json:"event_type"`
	SubEventType        string     `json:"sub_event_type"`
	Actors              []Actor    `json:"actors"`
	Location            *Location  `json:"location"`
	Fatalities          *Count     `json:"fatalities"`
	Injured             *Count     `json:"injured"`
	Abducted            *Count     `json:"abducted"`
	Displaced           *Count     `json:"displaced"`
	StructuresDestroyed *Count     `json:"structures_destroyed"`
	Certainty           string     `json:"certainty"`
	Sources             []Source   `json:"sources"`
	Confidence          float64    `json:"confidence"`
	Evidence            []Evidence `json:"evidence"`
	// Why lists, in words, what drove the event-type decision.
	Why []string `json:"why,omitempty"`
}

// Extraction is the result of running the pipeline over one text.
type Extraction struct {
	ID        string  `json:"id,omitempty"`
	Lang      string  `json:"lang"`
	Published string  `json:"published,omitempty"`
	Events    []Event `json:"events"`
	Places    []Place `json:"places"`
	Error     string  `json:"error,omitempty"`
}

// Document is one stored report: its original bytes live in the blob store
// under SHA256; Text is what intake reduced them to (offsets refer to it).
type Document struct {
	ID        string     `json:"id"` // equals SHA256
	SHA256    string     `json:"sha256"`
	Size      int64      `json:"size"`
	MediaType string     `json:"media_type"` // text/plain, text/html
	Source    string     `json:"source,omitempty"`
	URL       string     `json:"url,omitempty"`
	Title     string     `json:"title,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Retrieved time.Time  `json:"retrieved"`
	Lang      string     `json:"lang"`
	Text      string     `json:"text,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Report records one run of an extractor over a document and what it produced.
type Report struct {
	ID               string    `json:"id"`
	DocumentID       string    `json:"document_id"`
	Extractor        string    `json:"extractor"`
	ExtractorVersion string    `json:"extractor_version"`
	CreatedAt        time.Time `json:"created_at"`
	Events           []Event   `json:"events"`
	Places           []Place   `json:"places"`
}

// StoredEvent is an event as kept in the store, with its provenance.
type StoredEvent struct {
	Event
	ReportID   string    `json:"report_id"`
	DocumentID string    `json:"document_id"`
	CreatedAt  time.Time `json:"created_at"`
}
