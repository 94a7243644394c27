// Package dataset keeps event datasets imported from elsewhere (ACLED- and
// UCDP GED-shaped CSV files) apart from Vigil's own records, in their own
// SQLite database (datasets.db in the data directory), and answers "which
// known events are nearest to this one by place, date and type?".
//
// Files are read as streams: Reader turns one CSV row at a time into a
// Record, reporting bad rows with their line numbers without stopping;
// DB.Import loads a file with flat memory.
package dataset

// Record is one imported event. It holds the fields ACLED- and UCDP-shaped
// files share with Vigil's events, normalised (dates as YYYY-MM-DD,
// precisions on ACLED's scales), plus the file's own precision codes.
type Record struct {
	Line     int    // line of the file where the row starts
	SourceID string // ACLED event_id_cnty; UCDP id (or relid)

	DateStart, DateEnd string // YYYY-MM-DD; equal unless the file gives a span (UCDP)
	DatePrecision      int    // 1 day, 2 week, 3 month or more (ACLED's time_precision)
	NativeDatePrec     int    // the file's own code: ACLED time_precision, UCDP date_prec

	DisorderType, EventType, SubEventType string // ACLED's taxonomy; empty in UCDP files
	Violence                              int    // UCDP type_of_violence (1-3); derived for ACLED rows; 0 none

	Actor1, AssocActor1 string // UCDP side_a in Actor1
	Inter1              int    // ACLED inter code 1-8, 0 unknown
	Actor2, AssocActor2 string // UCDP side_b in Actor2
	Inter2              int
	Interaction         int  // ACLED's two-digit interaction code
	CivilianTargeting   bool // ACLED civilian_targeting; UCDP one-sided violence

	ISO3    string // ISO 3166-1 alpha-3, from the file or its country
	ISONum  int    // ISO 3166-1 numeric (ACLED's iso)
	Country string
	Region  string
	Admin1  string
	Admin2  string
	Admin3  string
	// Location is the place's name: ACLED location, UCDP where_coordinates.
	Location string

	HasCoords           bool // false when the row gives no coordinates
	Latitude, Longitude float64
	GeoPrecision        int // 1 town, 2 near a town, 3 region (ACLED's geo_precision)
	NativeGeoPrec       int // the file's own code: ACLED geo_precision, UCDP where_prec

	Fatalities     int // ACLED fatalities; UCDP best
	FatalitiesLow  int // UCDP low (ACLED: = Fatalities)
	FatalitiesHigh int // UCDP high (ACLED: = Fatalities)

	Source         string // ACLED source; UCDP source_article
	SourceScale    string // ACLED source_scale
	SourceOffice   string // UCDP source_office
	SourceOriginal string // UCDP source_original
	Notes          string // ACLED notes; UCDP where_description
	Tags           string // ACLED tags
	Timestamp      int64  // ACLED timestamp (Unix seconds), 0 if none
}
