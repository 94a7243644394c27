package web

import (
	"html/template"
)

// pageNames are the pages; each is parsed with the layout and the partials.
var pageNames = []string{"events", "event", "document", "map", "timeline", "intake", "error", "login"}

func parsePages(a *assets) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs(a)).ParseFS(templateFS,
			"templates/layout.html", "templates/filters.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}
