package web

import (
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// The form at / is the page most visitors see first, and without a query
// it is the same for every visitor who reads the same language: nothing in
// it depends on the address, the user agent or the client. Rendering the
// template took most of its cost (issue 16, docs/performance.md), so it is
// rendered once per language, and per whether the language was chosen
// with lang= (its links then keep lang=), and served from memory after.
// A request with any other query is rendered as before.

// formPageKey is the key of the request's form page, and whether the page
// is one every such visitor shares: no query, or exactly "lang=xx" for a
// language the site has.
func formPageKey(c echo.Context) (string, bool) {
	raw := c.Request().URL.RawQuery
	lang, explicit := site.ChooseLanguage(c)
	switch {
	case raw == "":
		return lang, true
	case explicit && raw == "lang="+lang:
		return lang + "!", true
	}
	return "", false
}

// renderedPages holds rendered pages by key. Its keys come from a fixed
// set (formPageKey's), so it needs no bound.
type renderedPages struct {
	mu    sync.RWMutex
	pages map[string]renderedPage
}

type renderedPage struct {
	body []byte
	lang string
}

func (p *renderedPages) get(key string) (body []byte, lang string, ok bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	r, ok := p.pages[key]
	return r.body, r.lang, ok
}

// put keeps body, which the caller must not change after.
func (p *renderedPages) put(key string, body []byte, lang string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pages == nil {
		p.pages = map[string]renderedPage{}
	}
	p.pages[key] = renderedPage{body: body, lang: lang}
}
