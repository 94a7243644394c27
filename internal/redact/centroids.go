package redact

import (
	"strings"

	"github.com/vigil-hr/vigil/internal/geoparse"
)

// Gazetteer finds centroids in the gazetteer: the point GeoNames gives
// the admin2 (ADM2) or admin1 (ADM1) unit of that name, in that country
// and, for admin2, that admin1 region.
type Gazetteer struct{ G *geoparse.Gazetteer }

// Centroid implements Centroids.
func (g Gazetteer) Centroid(iso3, admin1, admin2 string) (lat, lon float64, ok bool) {
	if g.G == nil {
		return 0, 0, false
	}
	name, code := admin1, "ADM1"
	if admin2 != "" {
		name, code = admin2, "ADM2"
	}
	for _, e := range g.G.Lookup(name) {
		if e.Code != code || (iso3 != "" && !strings.EqualFold(geoparse.CountryISO3(e.Country), iso3)) {
			continue
		}
		if admin2 != "" && admin1 != "" && e.Admin1 != "" && !strings.EqualFold(e.Admin1, admin1) {
			continue
		}
		return e.Lat, e.Lon, true
	}
	return 0, 0, false
}
