package dataset

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/export"
)

// readAll reads every row, returning the records and the bad rows.
func readAll(t testing.TB, text string, format export.Format) ([]Record, []*RowError, error) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(text), format)
	if err != nil {
		return nil, nil, err
	}
	var recs []Record
	var bad []*RowError
	for {
		var r Record
		err := rd.Read(&r)
		var re *RowError
		switch {
		case err == nil:
			recs = append(recs, r)
		case errors.As(err, &re):
			bad = append(bad, re)
		case errors.Is(err, io.EOF):
			return recs, bad, nil
		default:
			return recs, bad, err
		}
	}
}

func TestReadACLED(t *testing.T) {
	header := "event_id_cnty,event_date,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,inter2,interaction,civilian_targeting,iso,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities,timestamp\n"
	text := "\ufeff" + header +
		"MLI1,2025-03-13,1,Political violence,Violence against civilians,Attack,Military Forces of Mali (2021-),Wagner Group,State forces,Civilians (Mali),Civilians,State forces-Civilians,Civilian targeting,466,Mali,Segou,Nampala,15.2807,-5.5549,1,NAN,\"Soldiers came,\n\"\"many\"\" fled.\",4,1742000000\n" +
		"MLI2,13 March 2025,2,Demonstrations,Protests,Peaceful protest,Protesters (Mali),,6,,,60,,466,Mali,Bamako,Bamako,12.65,-8,1,,,0,\n" +
		"MLI3,2025-02-30,1,,,,,,,,,,,,,,,,,,,,,\n" + // no such day
		"MLI4,2025-03-01,1,,,,,,9,,,,,,,,,91,0,,,,,\n" + // bad inter and latitude
		"MLI5,2025-03-01\n" + // too few fields
		"MLI6,2025-03-01,1,,,,,,,,,,,,Niger,,,,,,,'=HYPERLINK(1),-2,\n" + // negative fatalities
		"MLI7,02-January-2024,3,Political violence,Battles,Armed clash,JNIM,,2,Military Forces of Burkina Faso,1,12,,,Burkina Faso,,Djibo,14.1,-1.63,2,,'=cmd,1.0,\n"
	recs, bad, err := readAll(t, text, export.ACLEDCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || len(bad) != 4 {
		t.Fatalf("got %d records and %d bad rows: %+v", len(recs), len(bad), bad)
	}
	r := recs[0]
	if r.Line != 2 || r.SourceID != "MLI1" || r.DateStart != "2025-03-13" || r.DateEnd != r.DateStart || r.DatePrecision != 1 ||
		r.Inter1 != 1 || r.Inter2 != 7 || r.Interaction != 17 || !r.CivilianTargeting || r.Violence != export.OneSided ||
		r.ISO3 != "MLI" || r.ISONum != 466 || !r.HasCoords || r.Latitude != 15.2807 || r.Longitude != -5.5549 ||
		r.Notes != "Soldiers came,\n\"many\" fled." || r.Fatalities != 4 || r.FatalitiesHigh != 4 || r.Timestamp != 1742000000 ||
		r.AssocActor1 != "Wagner Group" {
		t.Errorf("first record: %+v", r)
	}
	if r := recs[1]; r.Line != 4 || r.DateStart != "2025-03-13" || r.Interaction != 60 || r.Inter1 != 6 || r.Violence != 0 || r.Longitude != -8 {
		t.Errorf("second record (long date form, line after a multi-line field): %+v", r)
	}
	if r := recs[2]; r.DateStart != "2024-01-02" || r.Violence != export.StateBased || r.Notes != "=cmd" || r.ISO3 != "BFA" || r.Fatalities != 1 {
		t.Errorf("third record: %+v", r)
	}
	wantBad := []struct {
		line int
		msg  string
	}{
		{5, `event_date "2025-02-30" is not a date`},
		{6, `inter1 "9" is not an actor type`},
		{7, "has 2 fields, the header has 24"},
		{8, `fatalities "-2" is not a whole number`},
	}
	for i, w := range wantBad {
		if bad[i].Line != w.line || !strings.Contains(bad[i].Msg, w.msg) {
			t.Errorf("bad row %d = line %d %q, want line %d %q", i, bad[i].Line, bad[i].Msg, w.line, w.msg)
		}
	}
	if !strings.Contains(bad[1].Msg, "coordinates") {
		t.Errorf("bad row on line 6 should also name the coordinates: %q", bad[1].Msg)
	}
}

func TestReadUCDPWithHXLRow(t *testing.T) {
	// The shape of HDX's UCDP files: a row-number column and an HXL row.
	text := csvText(
		[]string{"", "id", "relid", "year", "type_of_violence", "side_a", "side_b", "source_article", "where_prec",
			"where_coordinates", "adm_1", "adm_2", "latitude", "iso3", "longitude", "country", "country_id", "region",
			"date_prec", "date_start", "date_end", "best", "high", "low"},
		[]string{"0", "", "", "#date+year", "", "#group+name+first", "#group+name+second", "#meta+source", "",
			"#loc+name", "#adm1+name", "#adm2+name", "#geo+lat", "#country+code", "#geo+lon", "#country+name", "",
			"#region+name", "", "#date+start", "#date+end", "#affected+killed", "", ""},
		[]string{"1", "15960.0", "NIG-2009-1-793-1", "2009", "1.0", "Government of Nigeria", "Jama'atu Ahlis Sunna", "x", "1.0",
			"Maiduguri town", "Borno state", "Maiduguri lga", "11.846440", "NGA", "13.160274", "Nigeria", "475.0", "Africa",
			"2.0", "2009-06-09 00:00:00.000", "2009-06-11 00:00:00.000", "3", "14.0", "0.0"},
		[]string{"2", "15961.0", "", "2009", "3.0", "Boko Haram", "Civilians", "", "4.0",
			"Borno state", "Borno state", "", "", "", "", "Nigeria", "475", "Africa",
			"5", "2009-07-26", "2009-07-01", "", "", ""},
	)
	recs, bad, err := readAll(t, text, export.UCDPCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || len(bad) != 1 {
		t.Fatalf("got %d records, bad %+v", len(recs), bad)
	}
	r := recs[0]
	if r.Line != 3 || r.SourceID != "15960" || r.Violence != 1 || r.Actor1 != "Government of Nigeria" || r.NativeGeoPrec != 1 ||
		r.GeoPrecision != 1 || r.NativeDatePrec != 2 || r.DatePrecision != 2 || r.DateStart != "2009-06-09" || r.DateEnd != "2009-06-11" ||
		r.Fatalities != 3 || r.FatalitiesHigh != 14 || r.FatalitiesLow != 0 || r.ISO3 != "NGA" || r.Location != "Maiduguri town" ||
		r.Admin1 != "Borno state" || r.Latitude != 11.84644 || r.CivilianTargeting {
		t.Errorf("record: %+v", r)
	}
	if bad[0].Line != 4 || !strings.Contains(bad[0].Msg, "ends (2009-07-01) before it starts") {
		t.Errorf("bad row: %+v", bad[0])
	}
}

func TestReadHXLPlacesUnnamedColumns(t *testing.T) {
	text := "Date,Armed group,Killed,Lat,Lon,Remarks\n" +
		"#date+occurred,#group+first+name,#affected+killed,#geo+lat,#geo+lon,#description\n" +
		"2024-02-03,JNIM,4,14.1,-1.6,a made-up note\n"
	recs, bad, err := readAll(t, text, export.ACLEDCSV)
	if err != nil || len(bad) != 0 || len(recs) != 1 {
		t.Fatalf("records %+v, bad %+v, %v", recs, bad, err)
	}
	if r := recs[0]; r.Line != 3 || r.DateStart != "2024-02-03" || r.Actor1 != "JNIM" || r.Fatalities != 4 || !r.HasCoords || r.Notes != "a made-up note" {
		t.Errorf("record: %+v", r)
	}
}

func TestReadFatal(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		format     export.Format
		want       string
	}{
		{"empty", "", export.ACLEDCSV, "the file is empty"},
		{"no date column", "event_id_cnty,country\nA,Mali\n", export.ACLEDCSV, "lacks the column event_date"},
		{"ucdp header for acled", "id,date_start\n1,2020-01-01\n", export.ACLEDCSV, "lacks the column event_date"},
		{"unknown format", "a\n", "geojson", "is not one of acled-csv, ucdp-csv"},
		{"unclosed quote", "event_date,notes\n2020-01-01,\"" + strings.Repeat("words and more words\n", MaxRowBytes/20), export.ACLEDCSV, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.text, tc.format)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want an invalid-input error containing %q", err, tc.want)
			}
		})
	}
}

func TestReadRecoversAfterBadQuote(t *testing.T) {
	text := "event_date,notes\n2020-01-01,fine\n2020-01-02,a \"bare\" quote\n2020-01-03,fine again\n"
	recs, bad, err := readAll(t, text, export.ACLEDCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(bad) != 1 || bad[0].Line != 3 || recs[1].DateStart != "2020-01-03" || recs[1].Line != 4 {
		t.Fatalf("records %+v, bad %+v", recs, bad)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2025-03-13":              "2025-03-13",
		"2009-06-09 00:00:00.000": "2009-06-09",
		"2009-06-09T00:00:00Z":    "2009-06-09",
		"13 March 2025":           "2025-03-13",
		"3 March 2025":            "2025-03-03",
		"13-March-2025":           "2025-03-13",
		"13/03/2025":              "2025-03-13",
		"2025-13-01":              "",
		"2025-03-13x":             "",
		"March 13":                "",
		"":                        "",
	} {
		got, ok := parseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestInteraction(t *testing.T) {
	for in, want := range map[string]int{
		"17": 17, "60": 60, "State forces-Civilians": 17, "Civilians-State forces": 17,
		"Protesters only": 0, "Protesters": 60, "External/Other forces-Civilians": 78, "Rebel groups-External/Other forces": 28,
		"99": 0,
	} {
		var bad []string
		if got := interaction(in, &bad); got != want || (want == 0) != (len(bad) > 0) {
			t.Errorf("interaction(%q) = %d (bad %v), want %d", in, got, bad, want)
		}
	}
}

// FuzzReader feeds arbitrary bytes to both readers: they must not panic,
// every record must be well formed, and every error must be a bad row or
// an invalid-input error.
func FuzzReader(f *testing.F) {
	f.Add("event_date,latitude,longitude\n2020-01-01,1,2\n", true)
	f.Add("\ufeffevent_date,inter1,interaction\n#date,#x,#y\n1 May 2020,Rioters,Rioters-Civilians\n", true)
	f.Add("id,date_start,date_end,best,low,high\n1.0,2020-01-01 00:00:00.000,2020-01-02,3,2,4\n", false)
	f.Add("id,date_start\n\"1,2020-01-01\n\"x\"y,2\n", false)
	f.Add(csvText(export.ACLEDColumns), true)
	f.Fuzz(func(t *testing.T, text string, acled bool) {
		format := export.UCDPCSV
		if acled {
			format = export.ACLEDCSV
		}
		rd, err := NewReader(strings.NewReader(text), format)
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("NewReader: %v is not an invalid-input error", err)
			}
			return
		}
		for i := 0; i < 10000; i++ {
			var r Record
			err := rd.Read(&r)
			var re *RowError
			switch {
			case err == nil:
				if _, ok := parseDate(r.DateStart); !ok || r.DateEnd < r.DateStart {
					t.Fatalf("record with bad dates: %+v", r)
				}
				if r.HasCoords && (r.Latitude < -90 || r.Latitude > 90 || r.Longitude < -180 || r.Longitude > 180) {
					t.Fatalf("record with bad coordinates: %+v", r)
				}
				if r.Line < 2 {
					t.Fatalf("record on line %d", r.Line)
				}
			case errors.As(err, &re):
				if re.Line < 1 {
					t.Fatalf("bad row on line %d", re.Line)
				}
			case errors.Is(err, io.EOF):
				return
			default:
				if !errs.Is(err, errs.Invalid) {
					t.Fatalf("Read: %v is not an invalid-input error", err)
				}
				return
			}
		}
		t.Fatal("reader did not end")
	})
}

func TestIsoDay(t *testing.T) {
	for d := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2200; d = d.AddDate(0, 0, 97) {
		s := d.Format(time.DateOnly)
		got, ok := isoDay(s)
		if !ok || got != d.Unix()/86400 { // midnight: an exact multiple of a day
			t.Fatalf("isoDay(%q) = %d, %v; want %d", s, got, ok, d.Unix()/86400)
		}
		if back := dayDate(got); back != s {
			t.Fatalf("dayDate(%d) = %q, want %q", got, back, s)
		}
	}
	for _, bad := range []string{"2023-02-29", "2024-02-30", "2024-04-31", "0000-01-01", "2024-00-10", "2024-1-10", "20x4-01-01"} {
		if _, ok := isoDay(bad); ok {
			t.Errorf("isoDay(%q) accepted", bad)
		}
	}
	if _, ok := isoDay("2024-02-29"); !ok {
		t.Error("isoDay rejected a leap day")
	}
}
