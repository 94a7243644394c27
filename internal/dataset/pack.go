package dataset

import (
	"fmt"
	"strconv"
	"strings"
)

// sep separates packed fields. Reader replaces it in cells with a space,
// so it never occurs in a value.
const sep = "\x1f"

// packed lists the record fields kept in the "fields" column, in order.
// Appending a field is backward compatible (unpack tolerates fewer);
// removing or reordering one is not.
func packed(r *Record) []any {
	return []any{
		&r.DatePrecision, &r.NativeDatePrec, &r.DisorderType, &r.EventType,
		&r.Actor1, &r.AssocActor1, &r.Inter1, &r.Actor2, &r.AssocActor2, &r.Inter2, &r.Interaction, &r.CivilianTargeting,
		&r.ISONum, &r.Country, &r.Region, &r.Admin1, &r.Admin2, &r.Admin3, &r.Location,
		&r.GeoPrecision, &r.NativeGeoPrec, &r.FatalitiesLow, &r.FatalitiesHigh,
		&r.Source, &r.SourceScale, &r.SourceOffice, &r.SourceOriginal, &r.Notes, &r.Tags, &r.Timestamp,
	}
}

// pack writes the packed fields of a record.
func pack(r *Record) string {
	var b strings.Builder
	b.Grow(len(r.Notes) + len(r.Source) + len(r.Actor1) + len(r.Actor2) + 128)
	for i, p := range packed(r) {
		if i > 0 {
			b.WriteString(sep)
		}
		switch v := p.(type) {
		case *string:
			b.WriteString(*v)
		case *int:
			b.WriteString(strconv.Itoa(*v))
		case *int64:
			b.WriteString(strconv.FormatInt(*v, 10))
		case *bool:
			if *v {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
	}
	return b.String()
}

// unpack reads packed fields into a record.
func unpack(s string, r *Record) error {
	dst := packed(r)
	parts := strings.Split(s, sep)
	if len(parts) > len(dst) {
		return fmt.Errorf("stored record has %d packed fields, this program knows %d", len(parts), len(dst))
	}
	for i, v := range parts {
		var err error
		switch p := dst[i].(type) {
		case *string:
			*p = v
		case *int:
			*p, err = strconv.Atoi(v)
		case *int64:
			*p, err = strconv.ParseInt(v, 10, 64)
		case *bool:
			*p = v == "1"
		}
		if err != nil {
			return fmt.Errorf("stored record field %d: %w", i, err)
		}
	}
	return nil
}
