package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

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
	return formPageKeyOf(c.Request().URL.RawQuery, c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
}

// formPageKeyOf is formPageKey for the raw query raw, its lang parameter
// and the Accept-Language header.
func formPageKeyOf(raw, langParam, acceptLanguage string) (string, bool) {
	lang, explicit := site.PickLanguage(langParam, acceptLanguage)
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

// serveFormCached answers GET / from formPages before Echo sees the
// request, as serveCached answers a repeat download, and reports whether
// it did: for a query formPageKey shares ("" or "lang=xx", whose lang
// parameter is read here without a map) and a page already rendered,
// with the headers, count and log line of showForm's answer.
func (s *Server) serveFormCached(w http.ResponseWriter, r *http.Request) bool {
	start := time.Now()
	raw, param := r.URL.RawQuery, ""
	if raw != "" {
		v, ok := strings.CutPrefix(raw, "lang=")
		if !ok || strings.ContainsAny(v, "&;%+") {
			return false // not a shared page, or a query to read the long way
		}
		param = v
	}
	key, shared := formPageKeyOf(raw, param, r.Header.Get("Accept-Language"))
	if !shared {
		return false
	}
	page, lang, ok := s.formPages.get(key)
	if !ok {
		return false
	}
	id, ip, ok := s.fastBegin(w, r, setSecurityHeaders)
	if !ok {
		return false
	}
	h := w.Header()
	h[echo.HeaderVary] = append(h[echo.HeaderVary], varyPage)
	site.SetPageHeaders(h, len(page), lang)
	h[echo.HeaderContentType] = htmlContentType
	w.WriteHeader(http.StatusOK)
	n, _ := w.Write(page)
	s.fastEnd(r, s.metrics.formOK, n, start, id, ip)
	return true
}

var htmlContentType = []string{echo.MIMETextHTMLCharsetUTF8}
