package export

import (
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

// Country holds the codes and names the ACLED- and UCDP-shaped formats use
// for one country.
type Country struct {
	ISO3        string // ISO 3166-1 alpha-3
	ISONum      int    // ISO 3166-1 numeric (ACLED's "iso" column)
	Name        string // ACLED's English name
	ACLEDRegion string // ACLED's region ("Western Africa", ...)
	GWNo        int    // Gleditsch and Ward state number (UCDP's country_id, gwnoa/gwnob)
	UCDPName    string // UCDP's name, when it differs from Name
	UCDPRegion  string // UCDP's region ("Africa", ...)
}

// countryTable lists the countries of Africa, where Vigil works. Other
// countries export with their names and coordinates but empty codes.
var countryTable = []Country{
	{"DZA", 12, "Algeria", "Northern Africa", 615, "", "Africa"},
	{"AGO", 24, "Angola", "Middle Africa", 540, "", "Africa"},
	{"BEN", 204, "Benin", "Western Africa", 434, "", "Africa"},
	{"BWA", 72, "Botswana", "Southern Africa", 571, "", "Africa"},
	{"BFA", 854, "Burkina Faso", "Western Africa", 439, "", "Africa"},
	{"BDI", 108, "Burundi", "Eastern Africa", 516, "", "Africa"},
	{"CPV", 132, "Cape Verde", "Western Africa", 402, "", "Africa"},
	{"CMR", 120, "Cameroon", "Middle Africa", 471, "", "Africa"},
	{"CAF", 140, "Central African Republic", "Middle Africa", 482, "", "Africa"},
	{"TCD", 148, "Chad", "Middle Africa", 483, "", "Africa"},
	{"COM", 174, "Comoros", "Eastern Africa", 581, "", "Africa"},
	{"COG", 178, "Republic of Congo", "Middle Africa", 484, "Congo", "Africa"},
	{"COD", 180, "Democratic Republic of Congo", "Middle Africa", 490, "DR Congo (Zaire)", "Africa"},
	{"CIV", 384, "Ivory Coast", "Western Africa", 437, "", "Africa"},
	{"DJI", 262, "Djibouti", "Eastern Africa", 522, "", "Africa"},
	{"EGY", 818, "Egypt", "Northern Africa", 651, "", "Middle East"},
	{"GNQ", 226, "Equatorial Guinea", "Middle Africa", 411, "", "Africa"},
	{"ERI", 232, "Eritrea", "Eastern Africa", 531, "", "Africa"},
	{"SWZ", 748, "eSwatini", "Southern Africa", 572, "Kingdom of eSwatini (Swaziland)", "Africa"},
	{"ETH", 231, "Ethiopia", "Eastern Africa", 530, "", "Africa"},
	{"GAB", 266, "Gabon", "Middle Africa", 481, "", "Africa"},
	{"GMB", 270, "Gambia", "Western Africa", 420, "", "Africa"},
	{"GHA", 288, "Ghana", "Western Africa", 452, "", "Africa"},
	{"GIN", 324, "Guinea", "Western Africa", 438, "", "Africa"},
	{"GNB", 624, "Guinea-Bissau", "Western Africa", 404, "", "Africa"},
	{"KEN", 404, "Kenya", "Eastern Africa", 501, "", "Africa"},
	{"LSO", 426, "Lesotho", "Southern Africa", 570, "", "Africa"},
	{"LBR", 430, "Liberia", "Western Africa", 450, "", "Africa"},
	{"LBY", 434, "Libya", "Northern Africa", 620, "", "Africa"},
	{"MDG", 450, "Madagascar", "Eastern Africa", 580, "Madagascar (Malagasy)", "Africa"},
	{"MWI", 454, "Malawi", "Southern Africa", 553, "", "Africa"},
	{"MLI", 466, "Mali", "Western Africa", 432, "", "Africa"},
	{"MRT", 478, "Mauritania", "Western Africa", 435, "", "Africa"},
	{"MUS", 480, "Mauritius", "Eastern Africa", 590, "", "Africa"},
	{"MAR", 504, "Morocco", "Northern Africa", 600, "", "Africa"},
	{"MOZ", 508, "Mozambique", "Southern Africa", 541, "", "Africa"},
	{"NAM", 516, "Namibia", "Southern Africa", 565, "", "Africa"},
	{"NER", 562, "Niger", "Western Africa", 436, "", "Africa"},
	{"NGA", 566, "Nigeria", "Western Africa", 475, "", "Africa"},
	{"RWA", 646, "Rwanda", "Eastern Africa", 517, "", "Africa"},
	{"STP", 678, "Sao Tome and Principe", "Middle Africa", 403, "", "Africa"},
	{"SEN", 686, "Senegal", "Western Africa", 433, "", "Africa"},
	{"SYC", 690, "Seychelles", "Eastern Africa", 591, "", "Africa"},
	{"SLE", 694, "Sierra Leone", "Western Africa", 451, "", "Africa"},
	{"SOM", 706, "Somalia", "Eastern Africa", 520, "", "Africa"},
	{"ZAF", 710, "South Africa", "Southern Africa", 560, "", "Africa"},
	{"SSD", 728, "South Sudan", "Eastern Africa", 626, "", "Africa"},
	{"SDN", 729, "Sudan", "Northern Africa", 625, "", "Africa"},
	{"TZA", 834, "Tanzania", "Eastern Africa", 510, "", "Africa"},
	{"TGO", 768, "Togo", "Western Africa", 461, "", "Africa"},
	{"TUN", 788, "Tunisia", "Northern Africa", 616, "", "Africa"},
	{"UGA", 800, "Uganda", "Eastern Africa", 500, "", "Africa"},
	{"ZMB", 894, "Zambia", "Southern Africa", 551, "", "Africa"},
	{"ZWE", 716, "Zimbabwe", "Southern Africa", 552, "Zimbabwe (Rhodesia)", "Africa"},
}

// aliases are other names datasets and the gazetteer give countries.
var aliases = map[string]string{
	"cabo verde":                       "CPV",
	"congo":                            "COG",
	"republic of the congo":            "COG",
	"congo-brazzaville":                "COG",
	"dr congo":                         "COD",
	"democratic republic of the congo": "COD",
	"congo-kinshasa":                   "COD",
	"cote d'ivoire":                    "CIV",
	"cote d’ivoire":                    "CIV",
	"swaziland":                        "SWZ",
	"the gambia":                       "GMB",
	"sao tome & principe":              "STP",
	"united republic of tanzania":      "TZA",
}

type countryMaps struct {
	byKey         map[string]*Country
	byNum, byGWNo map[int]*Country
}

var countryIndex = sync.OnceValue(func() countryMaps {
	byKey := map[string]*Country{}
	byNum := map[int]*Country{}
	byGWNo := map[int]*Country{}
	for i := range countryTable {
		c := &countryTable[i]
		byKey[c.ISO3] = c
		byKey[foldName(c.Name)] = c
		if c.UCDPName != "" {
			byKey[foldName(c.UCDPName)] = c
		}
		byNum[c.ISONum] = c
		byGWNo[c.GWNo] = c
	}
	for name, iso3 := range aliases {
		byKey[foldName(name)] = byKey[iso3]
	}
	return countryMaps{byKey, byNum, byGWNo}
})

// foldName lower-cases a name and strips its accents ("Côte d'Ivoire" →
// "cote d'ivoire").
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		if r >= 0x300 && r <= 0x36f { // combining diacritical marks
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// LookupCountry finds a country by ISO3 code or by any of its names
// (accents and case ignored). It returns nil when the country is unknown.
func LookupCountry(codeOrName string) *Country {
	byKey := countryIndex().byKey
	if c := byKey[strings.TrimSpace(codeOrName)]; c != nil {
		return c
	}
	return byKey[foldName(codeOrName)]
}

// CountryByISONum finds a country by its ISO 3166-1 numeric code.
func CountryByISONum(n int) *Country {
	return countryIndex().byNum[n]
}

// CountryByGWNo finds a country by its Gleditsch-Ward number (UCDP's
// country_id).
func CountryByGWNo(n int) *Country {
	return countryIndex().byGWNo[n]
}
