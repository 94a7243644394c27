package export

import (
	"math"
	"strings"

	"github.com/vigil-hr/vigil/internal/model"
)

// UCDPColumns are the columns of a UCDP GED-shaped CSV, with the GED's
// names in its order. Columns that hold UCDP's own identifiers (conflict
// and dyad IDs) are left empty: Vigil has no such IDs.
var UCDPColumns = []string{
	"id", "relid", "year", "active_year", "code_status", "type_of_violence",
	"conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
	"side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
	"number_of_sources", "source_article", "source_office", "source_date", "source_headline", "source_original",
	"where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
	"priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
	"deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
}

// UCDP's types of violence.
const (
	StateBased = 1 // a government is one side
	NonState   = 2 // organised groups, no government
	OneSided   = 3 // an organised actor against civilians
)

// ViolenceType returns the UCDP type of violence of an event, or 0 when
// the event is not organised violence as UCDP counts it (protests, riots,
// strategic developments, or no organised first actor).
func ViolenceType(ev *model.Event) int {
	_, t1 := actorsByRole(ev, "actor1")
	_, t2 := actorsByRole(ev, "actor2")
	return ViolenceTypeOf(ev.DisorderType, ev.EventType, InterCode(t1), InterCode(t2))
}

// ViolenceTypeOf is ViolenceType for an event given by its disorder type,
// event type and the inter codes of its actors. An empty disorder type (in
// files from before ACLED had the column) is inferred from the event type.
func ViolenceTypeOf(disorderType, eventType string, inter1, inter2 int) int {
	if disorderType == "" {
		switch eventType {
		case "Battles", "Explosions/Remote violence", "Violence against civilians":
			disorderType = "Political violence"
		}
	}
	if disorderType != "Political violence" || eventType == "Riots" || eventType == "Protests" {
		return 0
	}
	organised := func(i int) bool { return i >= 1 && i <= 4 || i == 8 }
	switch {
	case !organised(inter1):
		return 0
	case eventType == "Violence against civilians" || inter2 == 7:
		return OneSided
	case inter1 == 1 || inter2 == 1:
		return StateBased
	}
	return NonState
}

// WherePrec maps Vigil's geo precision to UCDP's where_prec: the town
// (1 → 1), near a town (2 → 2), a region (3 → 4, first-order admin).
func WherePrec(geoPrecision int) int {
	switch geoPrecision {
	case model.GeoTown:
		return 1
	case model.GeoNear:
		return 2
	case model.GeoRegion:
		return 4
	}
	return 0
}

// GeoPrecisionFromWherePrec maps UCDP's where_prec (1-7) back to Vigil's
// and ACLED's geo precision (1-3).
func GeoPrecisionFromWherePrec(wherePrec int) int {
	switch {
	case wherePrec == 1:
		return model.GeoTown
	case wherePrec == 2:
		return model.GeoNear
	case wherePrec >= 3:
		return model.GeoRegion
	}
	return 0
}

// DatePrec maps Vigil's date precision to UCDP's date_prec: the day
// (1 → 1), the week (2 → 3), the month (3 → 4).
func DatePrec(precision int) int {
	switch precision {
	case model.PrecisionDay:
		return 1
	case model.PrecisionWeek:
		return 3
	case model.PrecisionMonth:
		return 4
	}
	return 0
}

// PrecisionFromDatePrec maps UCDP's date_prec (1-5) back to Vigil's and
// ACLED's time precision (1-3).
func PrecisionFromDatePrec(datePrec int) int {
	switch {
	case datePrec == 1:
		return model.PrecisionDay
	case datePrec == 2 || datePrec == 3:
		return model.PrecisionWeek
	case datePrec >= 4:
		return model.PrecisionMonth
	}
	return 0
}

// PrioGridID returns the PRIO-GRID cell (half a degree square) that holds a
// point, numbered row by row from the south-west corner, as UCDP's
// priogrid_gid column does.
func PrioGridID(lat, lon float64) int {
	row := int(math.Floor((lat+90)/0.5)) + 1
	col := int(math.Floor((lon+180)/0.5)) + 1
	row = min(max(row, 1), 360)
	col = min(max(col, 1), 720)
	return (row-1)*720 + col
}

// ucdpSides orders an event's actors as UCDP does: for state-based
// violence the government's side is side_a. It returns the sides' names
// and types.
func ucdpSides(ev *model.Event, violence int) (a, ta, b, tb string) {
	a, ta = actorsByRole(ev, "actor1")
	b, tb = actorsByRole(ev, "actor2")
	if violence == StateBased && InterCode(ta) != 1 && InterCode(tb) == 1 {
		a, ta, b, tb = b, tb, a, ta
	}
	return a, ta, b, tb
}

// gwNo returns the Gleditsch-Ward number of the government an actor of a
// given type and country stands for, or "" when it is not state forces.
func gwNo(ev *model.Event, name, typ string) string {
	if InterCode(typ) != 1 {
		return ""
	}
	for _, a := range ev.Actors {
		if a.Name == name && a.Country != "" {
			if c := LookupCountry(a.Country); c != nil {
				return itoa(c.GWNo)
			}
		}
	}
	return ""
}

// ucdpRow fills row (len(UCDPColumns)) with an event. It reports false
// when the event is not organised violence and has no place in a GED file.
func ucdpRow(row []string, se *model.StoredEvent) bool {
	ev := &se.Event
	violence := ViolenceType(ev)
	if violence == 0 {
		return false
	}
	sideA, typeA, sideB, typeB := ucdpSides(ev, violence)
	dyad := sideA
	if sideB != "" {
		dyad += " - " + sideB
	}
	year := ""
	if len(ev.EventDate) >= 4 {
		year = ev.EventDate[:4]
	}
	var office, original []string
	for _, s := range ev.Sources {
		if s.Name == "" {
			continue
		}
		if s.Kind == "media" || s.Kind == "ngo" {
			office = append(office, s.Name)
		} else {
			original = append(original, s.Name)
		}
	}
	var (
		wherePrec, whereCoords, whereDesc, adm1, adm2, lat, lon, wkt, grid, country, countryID, region string
	)
	if loc := ev.Location; loc != nil {
		wherePrec = optInt(WherePrec(loc.GeoPrecision))
		whereCoords = loc.Name
		parts := []string{}
		for _, p := range []string{loc.Name, loc.Admin2, loc.Admin1} {
			if p != "" && (len(parts) == 0 || parts[len(parts)-1] != p) {
				parts = append(parts, p)
			}
		}
		whereDesc = strings.Join(parts, ", ")
		adm1, adm2 = loc.Admin1, loc.Admin2
		lat, lon = formatCoord(loc.Latitude), formatCoord(loc.Longitude)
		wkt = "POINT (" + lon + " " + lat + ")"
		grid = itoa(PrioGridID(loc.Latitude, loc.Longitude))
		country = countryName(loc)
		if c := countryOf(loc); c != nil {
			countryID, region = itoa(c.GWNo), c.UCDPRegion
			if c.UCDPName != "" {
				country = c.UCDPName
			}
		}
	}
	best, low, high := 0, 0, 0
	if f := ev.Fatalities; f != nil {
		best = countBest(f)
		low, high = best, best
		if f.Low != nil {
			low = *f.Low
		}
		if f.High != nil {
			high = *f.High
		}
	}
	civilians, unknown := 0, best
	if violence == OneSided {
		civilians, unknown = best, 0
	}
	article := ""
	if se.DocumentID != "" {
		article = "Vigil document " + se.DocumentID
	}
	values := []string{
		se.ID, "", year, "", "", itoa(violence),
		"", "", "", "", "", dyad,
		"", "", sideA, "", "", sideB,
		itoa(len(office) + len(original)), article, strings.Join(office, "; "), "", "", strings.Join(original, "; "),
		wherePrec, whereCoords, whereDesc, adm1, adm2, lat, lon, wkt,
		grid, country, countryID, region, "1", optInt(DatePrec(ev.DatePrecision)), ev.EventDate, ev.EventDate,
		"0", "0", itoa(civilians), itoa(unknown), itoa(best), itoa(high), itoa(low),
		gwNo(ev, sideA, typeA), gwNo(ev, sideB, typeB),
	}
	copy(row, values)
	return true
}
