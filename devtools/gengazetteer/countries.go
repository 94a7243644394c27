package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// country is one row of countryInfo.txt with a reference point.
type country struct {
	iso2, iso3, name, capital string
	id, pop                   int64
	lat, lon                  float64
	alt                       []string
}

// otherNames gives the French (and common English) names that countryInfo
// lacks, for the countries Sahel reports mention most. These are facts
// (country names), written here by hand.
var otherNames = map[string][]string{
	"ML": {"République du Mali"},
	"BF": {"Burkina", "Haute-Volta", "Upper Volta"},
	"NE": {"République du Niger"},
	"MR": {"Mauritanie"},
	"SN": {"Sénégal"},
	"GN": {"Guinée", "Guinea-Conakry", "Guinée-Conakry"},
	"GW": {"Guinée-Bissau"},
	"CI": {"Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast"},
	"DZ": {"Algérie"},
	"NG": {"Nigéria"},
	"TD": {"Tchad"},
	"CM": {"Cameroun"},
	"BJ": {"Bénin"},
	"LY": {"Libye"},
	"MA": {"Maroc"},
	"TN": {"Tunisie"},
	"EG": {"Égypte"},
	"SD": {"Soudan"},
	"SS": {"Soudan du Sud"},
	"CF": {"Centrafrique", "République centrafricaine"},
	"CD": {"RDC", "République démocratique du Congo", "DR Congo"},
	"GM": {"Gambie"},
	"GH": {"Ghana"},
	"LR": {"Libéria"},
	"SL": {"Sierra Leone"},
	"CV": {"Cap-Vert"},
	"EH": {"Sahara occidental"},
	"FR": {"France"},
	"RU": {"Russie", "Fédération de Russie"},
	"US": {"États-Unis", "Etats-Unis", "USA", "United States of America"},
	"GB": {"Royaume-Uni", "UK", "Britain", "Great Britain"},
	"DE": {"Allemagne"},
	"CN": {"Chine"},
	"TR": {"Turquie"},
	"UA": {"Ukraine"},
	"BE": {"Belgique"},
	"ES": {"Espagne"},
	"IT": {"Italie"},
	"SA": {"Arabie saoudite"},
	"QA": {"Qatar"},
	"AE": {"Émirats arabes unis"},
	"ET": {"Éthiopie"},
	"SO": {"Somalie"},
}

// readCountries reads countryInfo.txt and gives each country its capital's
// point (from the PPLC rows of cities500), else its biggest city's point,
// else none (0, 0).
func readCountries(path string, capitals []*row, biggest map[string]*row, pcli map[string]*row) ([]country, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byCC := map[string][]*row{}
	for _, r := range capitals {
		byCC[r.cc] = append(byCC[r.cc], r)
	}
	var out []country
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) < 17 {
			return nil, fmt.Errorf("%s: short row %q", path, line)
		}
		id, _ := strconv.ParseInt(c[16], 10, 64)
		pop, _ := strconv.ParseInt(c[7], 10, 64)
		k := country{iso2: c[0], iso3: c[1], name: c[4], capital: c[5], id: id, pop: pop, alt: otherNames[c[0]]}
		if pt, ok := countryPoints[k.iso2]; ok {
			k.lat, k.lon = pt[0], pt[1]
		} else if r := pcli[k.iso2]; r != nil {
			k.lat, k.lon = r.lat, r.lon
		} else if cap := pickCapital(byCC[k.iso2], k.capital); cap != nil {
			k.lat, k.lon = cap.lat, cap.lon
		} else if b := biggest[k.iso2]; b != nil {
			k.lat, k.lon = b.lat, b.lon
		}
		out = append(out, k)
	}
	return out, sc.Err()
}

// pickCapital prefers the PPLC row named like the capital, else the most
// populous one.
func pickCapital(rows []*row, name string) *row {
	var best *row
	for _, r := range rows {
		if r.name == name || r.ascii == name {
			return r
		}
		if best == nil || r.pop > best.pop {
			best = r
		}
	}
	return best
}

func writeCountries(path string, cs []country) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "#iso2\tiso3\tname\tcapital\tgeonameid\tlat\tlon")
	for _, c := range cs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", c.iso2, c.iso3, c.name, c.capital, c.id, coord(c.lat), coord(c.lon))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
