package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
)

// MaxRowBytes bounds one CSV row (to within the 4 KiB read ahead); a longer one (an unclosed quote, say)
// stops the import, since the rest of the file cannot be read reliably.
const MaxRowBytes = 1 << 20

// Formats are the formats Reader understands.
var Formats = []export.Format{export.ACLEDCSV, export.UCDPCSV}

// RowError is a bad row: Reader skips it and reads on.
type RowError struct {
	Line int
	Msg  string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// field is a Record field a column can fill.
type field int

const (
	fNone field = iota
	fSourceID
	fRelID
	fDate // ACLED event_date: start and end
	fDateStart
	fDateEnd
	fTimePrecision // ACLED
	fDatePrec      // UCDP
	fDisorderType
	fEventType
	fSubEventType
	fViolence
	fActor1
	fAssocActor1
	fInter1
	fActor2
	fAssocActor2
	fInter2
	fInteraction
	fCivilianTargeting
	fISONum
	fISO3
	fCountry
	fCountryGW
	fRegion
	fAdmin1
	fAdmin2
	fAdmin3
	fLocation
	fLatitude
	fLongitude
	fGeoPrecision // ACLED
	fWherePrec    // UCDP
	fFatalities
	fLow
	fHigh
	fSource
	fSourceScale
	fSourceOffice
	fSourceOriginal
	fNotes
	fTags
	fTimestamp
	nFields
)

// acledNames and ucdpNames map each format's column names (lower case) to
// fields; alternative spellings seen in published files are included.
var acledNames = map[string]field{
	"event_id_cnty": fSourceID, "event_date": fDate, "time_precision": fTimePrecision,
	"disorder_type": fDisorderType, "event_type": fEventType, "sub_event_type": fSubEventType,
	"actor1": fActor1, "assoc_actor_1": fAssocActor1, "assoc_actor1": fAssocActor1, "inter1": fInter1,
	"actor2": fActor2, "assoc_actor_2": fAssocActor2, "assoc_actor2": fAssocActor2, "inter2": fInter2,
	"interaction": fInteraction, "civilian_targeting": fCivilianTargeting,
	"iso": fISONum, "iso3": fISO3, "region": fRegion, "country": fCountry,
	"admin1": fAdmin1, "admin2": fAdmin2, "admin3": fAdmin3, "location": fLocation,
	"latitude": fLatitude, "longitude": fLongitude, "geo_precision": fGeoPrecision,
	"source": fSource, "source_scale": fSourceScale, "notes": fNotes, "fatalities": fFatalities,
	"tags": fTags, "timestamp": fTimestamp,
}

var ucdpNames = map[string]field{
	"id": fSourceID, "relid": fRelID, "type_of_violence": fViolence,
	"side_a": fActor1, "side_b": fActor2,
	"source_article": fSource, "source_office": fSourceOffice, "source_original": fSourceOriginal,
	"where_prec": fWherePrec, "where_coordinates": fLocation, "where_description": fNotes,
	"adm_1": fAdmin1, "adm_2": fAdmin2, "latitude": fLatitude, "longitude": fLongitude,
	"country": fCountry, "country_id": fCountryGW, "iso3": fISO3, "region": fRegion,
	"date_prec": fDatePrec, "date_start": fDateStart, "date_end": fDateEnd,
	"best": fFatalities, "low": fLow, "high": fHigh,
}

// hxlTags map HXL hashtags (attributes sorted, lower case) to fields, for
// columns whose header the format does not name.
var hxlTags = map[string]field{
	"#event+code": fSourceID, "#event+id": fSourceID,
	"#date+occurred": fDate, "#date": fDate, "#date+start": fDateStart, "#date+end": fDateEnd,
	"#event+type": fEventType, "#event+sub+type": fSubEventType, "#event+disorder+type": fDisorderType,
	"#group+first+name": fActor1, "#group+name+second": fActor2,
	"#country+name": fCountry, "#country+code": fISO3, "#region+name": fRegion,
	"#adm1+name": fAdmin1, "#adm2+name": fAdmin2, "#adm3+name": fAdmin3, "#loc+name": fLocation,
	"#geo+lat": fLatitude, "#geo+lon": fLongitude,
	"#meta+source": fSource, "#description": fNotes, "#affected+killed": fFatalities,
}

// normTag lower-cases an HXL hashtag and sorts its attributes.
func normTag(t string) string {
	parts := strings.Split(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(t), " ", "")), "+")
	if len(parts) == 0 || !strings.HasPrefix(parts[0], "#") {
		return ""
	}
	slices.Sort(parts[1:])
	return strings.Join(parts, "+")
}

// required lists, per format, the fields a file must have a column for.
var required = map[export.Format][]field{
	export.ACLEDCSV: {fDate},
	export.UCDPCSV:  {fDateStart},
}

var fieldNames = map[field]string{fDate: "event_date", fDateStart: "date_start"}

// Reader reads the rows of an ACLED- or UCDP-shaped CSV file as Records.
// The header row names the columns (any order, any case; unknown columns
// are ignored); an HXL hashtag row right under it is recognised, skipped,
// and used to place columns the header does not name.
type Reader struct {
	format export.Format
	cr     *csv.Reader
	lim    *rowLimiter
	ncols  int
	cols   [nFields]int // column index of each field, -1 if absent
	// pending holds the row read while looking for a tag row, if it was
	// not one.
	pending struct {
		set  bool
		row  []string
		err  error
		line int
	}
	line int // line of the row last returned
}

// NewReader reads the header (and HXL tag row, if any) of a file in the
// given format. A file without the columns the format needs fails with
// errs.Invalid.
func NewReader(r io.Reader, format export.Format) (*Reader, error) {
	var names map[string]field
	switch format {
	case export.ACLEDCSV:
		names = acledNames
	case export.UCDPCSV:
		names = ucdpNames
	default:
		return nil, errs.E(errs.Invalid, "import format %q is not one of acled-csv, ucdp-csv", format)
	}
	lim := &rowLimiter{r: r, max: MaxRowBytes}
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	rd := &Reader{format: format, cr: cr, lim: lim}
	for i := range rd.cols {
		rd.cols[i] = -1
	}

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errs.E(errs.Invalid, "the file is empty: a header row naming the columns is needed")
	}
	if err != nil {
		return nil, rd.fatal(err)
	}
	lim.reset()
	rd.ncols = len(header)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i, h := range header {
		if f, ok := names[strings.ToLower(strings.TrimSpace(h))]; ok && rd.cols[f] < 0 {
			rd.cols[f] = i
		}
	}

	// An HXL tag row right under the header?
	row, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
	case err != nil && !isRowError(err):
		return nil, rd.fatal(err)
	case err == nil && export.IsHXLTagRow(row):
		lim.reset()
		for i, t := range row {
			f, ok := hxlTags[normTag(t)]
			if ok && rd.cols[f] < 0 && (i >= len(header) || names[strings.ToLower(strings.TrimSpace(header[i]))] == fNone) {
				rd.cols[f] = i
			}
		}
	default:
		rd.pending.set, rd.pending.row, rd.pending.err = true, append([]string(nil), row...), err
		rd.pending.line = rd.rowLine(row, err)
	}

	var missing []string
	for _, f := range required[format] {
		if rd.cols[f] < 0 {
			missing = append(missing, fieldNames[f])
		}
	}
	if len(missing) > 0 {
		return nil, errs.E(errs.Invalid, "the header row lacks the column %s that %s files have", strings.Join(missing, ", "), format)
	}
	return rd, nil
}

func isRowError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe) && !errors.Is(err, errRowTooLong)
}

// fatal turns an error that stops reading into one that names the line.
func (rd *Reader) fatal(err error) error {
	if errors.Is(err, errRowTooLong) {
		return errs.E(errs.Invalid, "after line %d: a row is longer than %d bytes (an unclosed quote?); the rest of the file cannot be read", rd.line, MaxRowBytes)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errs.E(errs.Invalid, "%v", pe)
	}
	return err
}

// rowLine returns the line where a row just read starts.
func (rd *Reader) rowLine(row []string, err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.StartLine
	}
	if len(row) > 0 {
		line, _ := rd.cr.FieldPos(0)
		return line
	}
	return rd.line
}

// Line returns the line where the row last read starts.
func (rd *Reader) Line() int { return rd.line }

// Read reads the next row into rec. It returns io.EOF at the end, a
// *RowError for a bad row (skip it and call Read again), or another error
// that ends reading.
func (rd *Reader) Read(rec *Record) error {
	var (
		row []string
		err error
	)
	if rd.pending.set {
		row, err, rd.line = rd.pending.row, rd.pending.err, rd.pending.line
		rd.pending.set, rd.pending.row = false, nil
	} else {
		row, err = rd.cr.Read()
		rd.lim.reset()
		rd.line = rd.rowLine(row, err)
	}
	var pe *csv.ParseError
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		return io.EOF
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		// checked below, with the header's count
	case isRowError(err):
		return &RowError{Line: rd.line, Msg: pe.Err.Error()}
	default:
		return rd.fatal(err)
	}
	if len(row) != rd.ncols {
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			return &RowError{Line: rd.line, Msg: "empty row"}
		}
		return &RowError{Line: rd.line, Msg: fmt.Sprintf("has %d fields, the header has %d", len(row), rd.ncols)}
	}
	*rec = Record{Line: rd.line}
	if msg := rd.fill(rec, row); msg != "" {
		return &RowError{Line: rd.line, Msg: msg}
	}
	return nil
}

// cell returns the trimmed, valid UTF-8 text of a field's column.
func (rd *Reader) cell(row []string, f field) string {
	i := rd.cols[f]
	if i < 0 || i >= len(row) {
		return ""
	}
	s := row[i]
	// One pass decides whether the cell needs more than a copy.
	plain := true
	for j := 0; j < len(s); j++ {
		if c := s[j]; c < 0x20 || c >= 0x80 || (j == 0 && (c == ' ' || c == '\'')) {
			plain = false
			break
		}
	}
	if plain {
		return strings.TrimRight(s, " ")
	}
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.Contains(s, sep) {
		s = strings.ReplaceAll(s, sep, " ")
	}
	return export.UndefuseCell(s)
}

// fill sets rec from a row; it returns what is wrong with the row, or "".
func (rd *Reader) fill(rec *Record, row []string) string {
	var bad []string
	num := func(f field, name string, lo, hi int) int {
		s := rd.cell(row, f)
		if s == "" {
			return 0
		}
		n, err := parseIntLoose(s)
		if err != nil || n < lo || n > hi {
			bad = append(bad, fmt.Sprintf("%s %q is not a whole number from %d to %d", name, clip(s), lo, hi))
			return 0
		}
		return n
	}
	date := func(f field, name string) string {
		s := rd.cell(row, f)
		if s == "" {
			return ""
		}
		d, ok := parseDate(s)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s %q is not a date", name, clip(s)))
		}
		return d
	}
	text := func(f field) string { return rd.cell(row, f) }

	rec.SourceID = normalizeID(text(fSourceID))
	if rec.SourceID == "" {
		rec.SourceID = text(fRelID)
	}
	const maxCount = 1 << 40
	switch rd.format {
	case export.ACLEDCSV:
		rec.DateStart = date(fDate, "event_date")
		rec.DateEnd = rec.DateStart
		rec.NativeDatePrec = num(fTimePrecision, "time_precision", 1, 3)
		rec.DatePrecision = rec.NativeDatePrec
		rec.NativeGeoPrec = num(fGeoPrecision, "geo_precision", 1, 3)
		rec.GeoPrecision = rec.NativeGeoPrec
		rec.Fatalities = num(fFatalities, "fatalities", 0, maxCount)
		rec.FatalitiesLow, rec.FatalitiesHigh = rec.Fatalities, rec.Fatalities
		rec.Inter1 = inter(text(fInter1), &bad, "inter1")
		rec.Inter2 = inter(text(fInter2), &bad, "inter2")
		rec.Interaction = interaction(text(fInteraction), &bad)
		rec.CivilianTargeting = strings.EqualFold(text(fCivilianTargeting), export.CivilianTargeting)
		rec.ISONum = num(fISONum, "iso", 0, 999)
		rec.Timestamp = int64(num(fTimestamp, "timestamp", 0, math.MaxInt32*4))
	case export.UCDPCSV:
		rec.DateStart = date(fDateStart, "date_start")
		rec.DateEnd = date(fDateEnd, "date_end")
		if rec.DateEnd == "" {
			rec.DateEnd = rec.DateStart
		}
		rec.NativeDatePrec = num(fDatePrec, "date_prec", 1, 5)
		rec.DatePrecision = export.PrecisionFromDatePrec(rec.NativeDatePrec)
		rec.NativeGeoPrec = num(fWherePrec, "where_prec", 1, 7)
		rec.GeoPrecision = export.GeoPrecisionFromWherePrec(rec.NativeGeoPrec)
		rec.Violence = num(fViolence, "type_of_violence", 1, 3)
		rec.Fatalities = num(fFatalities, "best", 0, maxCount)
		rec.FatalitiesLow = num(fLow, "low", 0, maxCount)
		rec.FatalitiesHigh = num(fHigh, "high", 0, maxCount)
		if rd.cols[fLow] < 0 {
			rec.FatalitiesLow = rec.Fatalities
		}
		if rd.cols[fHigh] < 0 {
			rec.FatalitiesHigh = rec.Fatalities
		}
		rec.CivilianTargeting = rec.Violence == export.OneSided
		if gw := num(fCountryGW, "country_id", 0, 9999); gw != 0 {
			if c := export.CountryByGWNo(gw); c != nil {
				rec.ISO3 = c.ISO3
			}
		}
	}
	dateField := fDate
	if rd.format == export.UCDPCSV {
		dateField = fDateStart
	}
	if rd.cell(row, dateField) == "" {
		bad = append(bad, "no date")
	} else if rec.DateStart != "" && rec.DateEnd != "" && rec.DateEnd < rec.DateStart {
		bad = append(bad, fmt.Sprintf("ends (%s) before it starts (%s)", rec.DateEnd, rec.DateStart))
	}
	rec.DisorderType, rec.EventType, rec.SubEventType = text(fDisorderType), text(fEventType), text(fSubEventType)
	rec.Actor1, rec.AssocActor1 = text(fActor1), text(fAssocActor1)
	rec.Actor2, rec.AssocActor2 = text(fActor2), text(fAssocActor2)
	rec.Country, rec.Region = text(fCountry), text(fRegion)
	rec.Admin1, rec.Admin2, rec.Admin3, rec.Location = text(fAdmin1), text(fAdmin2), text(fAdmin3), text(fLocation)
	rec.Source, rec.SourceScale, rec.Notes, rec.Tags = text(fSource), text(fSourceScale), text(fNotes), text(fTags)
	rec.SourceOffice, rec.SourceOriginal = text(fSourceOffice), text(fSourceOriginal)

	if iso3 := strings.ToUpper(text(fISO3)); len(iso3) == 3 {
		rec.ISO3 = iso3
	}
	if rec.ISO3 == "" && rec.ISONum != 0 {
		if c := export.CountryByISONum(rec.ISONum); c != nil {
			rec.ISO3 = c.ISO3
		}
	}
	if rec.ISO3 == "" && rec.Country != "" {
		if c := export.LookupCountry(rec.Country); c != nil {
			rec.ISO3 = c.ISO3
		}
	}
	if rd.format == export.ACLEDCSV {
		rec.Violence = export.ViolenceTypeOf(rec.DisorderType, rec.EventType, rec.Inter1, rec.Inter2)
	}

	lat, lon := text(fLatitude), text(fLongitude)
	switch {
	case lat == "" && lon == "":
	case lat == "" || lon == "":
		bad = append(bad, "gives only one coordinate")
	default:
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180) {
			bad = append(bad, fmt.Sprintf("coordinates %q, %q are not a latitude and a longitude", clip(lat), clip(lon)))
		} else {
			rec.HasCoords, rec.Latitude, rec.Longitude = true, la, lo
		}
	}
	return strings.Join(bad, "; ")
}

// inter reads an ACLED inter code: a number 1-8 or an actor type's name
// (as ACLED's newer files write it).
func inter(s string, bad *[]string, name string) int {
	if s == "" {
		return 0
	}
	if n, err := parseIntLoose(s); err == nil {
		s = strconv.Itoa(n)
	}
	c := export.InterCode(s)
	if c == 0 {
		*bad = append(*bad, fmt.Sprintf("%s %q is not an actor type or a code from 1 to 8", name, clip(s)))
	}
	return c
}

// interaction reads ACLED's interaction: a code such as "17" or "60", or
// the two actor types ("State forces-Civilians").
func interaction(s string, bad *[]string) int {
	if s == "" {
		return 0
	}
	if n, err := parseIntLoose(s); err == nil && n >= 10 && n <= 88 {
		return n
	}
	a, b, _ := strings.Cut(s, "-")
	if strings.HasPrefix(strings.ToLower(s), "external/other forces") {
		a, b = "External/Other forces", strings.TrimPrefix(strings.TrimPrefix(s[len("External/Other forces"):], "-"), " ")
	} else if i := strings.Index(s, "-External/Other forces"); i >= 0 {
		a, b = s[:i], "External/Other forces"
	}
	i1, i2 := export.InterCode(a), export.InterCode(b)
	if i1 == 0 || (b != "" && i2 == 0) {
		*bad = append(*bad, fmt.Sprintf("interaction %q is not an interaction code", clip(s)))
		return 0
	}
	return export.Interaction(i1, i2)
}

// parseIntLoose reads an integer written as "12" or "12.0".
func parseIntLoose(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return 0, strconv.ErrSyntax
	}
	return int(f), nil
}

// normalizeID writes a numeric ID stored as a float ("15960.0") as an
// integer; other IDs are kept.
func normalizeID(s string) string {
	if strings.HasSuffix(s, ".0") {
		if n, err := parseIntLoose(s); err == nil {
			return strconv.Itoa(n)
		}
	}
	return s
}

// dateLayouts are the date forms published files use, after YYYY-MM-DD.
var dateLayouts = []string{"2 January 2006", "02-January-2006", "2-Jan-06", "2 Jan 2006", "02/01/2006"}

// parseDate reads a date as YYYY-MM-DD (optionally followed by a time, as
// UCDP writes "2009-06-09 00:00:00.000") or in ACLED's older long forms
// ("13 March 2025", "13-March-2025") and day/month/year.
func parseDate(s string) (string, bool) {
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' && (len(s) == 10 || s[10] == ' ' || s[10] == 'T') {
		if _, ok := isoDay(s[:10]); !ok {
			return "", false
		}
		return s[:10], true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1 {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// isoDay returns the days since 1970-01-01 of a YYYY-MM-DD date, and
// whether it is one (years 0001-9999, real days only).
func isoDay(s string) (int64, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return 0, false
			}
			n = n*10 + int(b[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts the days from 1970-01-01 to a proleptic Gregorian
// date, in whole 400-year eras (146,097 days each) plus the day of the era,
// with years starting in March so the leap day comes last.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y >= 0 here
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 719468
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// errRowTooLong stops reading a row longer than MaxRowBytes.
var errRowTooLong = errors.New("row too long")

// rowLimiter fails a read once more than max bytes have been read since
// the last reset; Reader resets it after each row.
type rowLimiter struct {
	r        io.Reader
	max, n   int
	consumed int64 // bytes read in all
}

func (l *rowLimiter) reset() { l.n = 0 }

func (l *rowLimiter) Read(p []byte) (int, error) {
	if l.n >= l.max {
		return 0, errRowTooLong
	}
	if len(p) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	n, err := l.r.Read(p)
	l.n += n
	l.consumed += int64(n)
	return n, err
}

// BytesRead returns how many bytes of the file have been read so far.
func (rd *Reader) BytesRead() int64 { return rd.lim.consumed }
