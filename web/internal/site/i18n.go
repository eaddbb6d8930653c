// Package site is what the public pages and the helpdesk share: the
// message catalogs and the choice of language, the public side of errors,
// the trust in proxies, and rendering a page. Both web and web/helpdesk
// import it; it imports neither.
package site

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
)

// Every visible text of the pages comes from the message catalogs in
// messages/, one JSON object per language. English is complete by
// definition; the other languages must have every English key, which
// loadCatalog checks at start-up.
//
// A message may hold {placeholders}, filled by T and TH. Keys ending in
// "_html" are trusted markup (the catalog is our own source) and their
// arguments are escaped; all other messages are plain text that the
// template escapes.

//go:embed messages/*.json
var messageFiles embed.FS

// Languages are the supported languages, the default first.
var Languages = []language.Tag{language.English, language.German, language.French}

var langMatcher = language.NewMatcher(Languages)

// Catalog maps a language's base code ("en") to its messages.
type Catalog map[string]map[string]string

// LoadCatalog reads the embedded catalogs and checks that every language
// has every English key.
func LoadCatalog() (Catalog, error) {
	cat := Catalog{}
	for _, tag := range Languages {
		code := tag.String()
		m := map[string]string{}
		// Each language's catalog is one: the public pages' file and the
		// files of one area each ("helpdesk.de.json"), kept apart only so
		// that they change apart.
		parts, err := fs.Glob(messageFiles, "messages/*."+code+".json")
		if err != nil {
			return nil, fmt.Errorf("site: messages for %s: %w", code, err)
		}
		names := []string{code + ".json"}
		for _, p := range parts {
			names = append(names, path.Base(p))
		}
		for _, name := range names {
			b, err := messageFiles.ReadFile(path.Join("messages", name))
			if err != nil {
				return nil, fmt.Errorf("site: messages for %s: %w", code, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("site: messages/%s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("site: messages/%s: %s is in two files", name, k)
				}
				m[k] = v
			}
		}
		cat[code] = m
	}
	var missing []string
	for key := range cat["en"] {
		for code, m := range cat {
			if m[key] == "" {
				missing = append(missing, code+":"+key)
			}
		}
	}
	for code, m := range cat {
		for key := range m {
			if _, ok := cat["en"][key]; !ok {
				missing = append(missing, code+":"+key+" (not in English)")
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("site: message catalog incomplete: %s", strings.Join(missing, ", "))
	}
	return cat, nil
}

// ChooseLanguage picks the page language: a supported ?lang= wins, then
// the best match for Accept-Language, then English. explicit reports a
// ?lang= choice, which links between pages then carry along.
func ChooseLanguage(c echo.Context) (code string, explicit bool) {
	if q := c.QueryParam("lang"); q != "" {
		if tag, err := language.Parse(q); err == nil {
			if _, idx, conf := langMatcher.Match(tag); conf >= language.High {
				return BaseCode(idx), true
			}
		}
	}
	tags, _, err := language.ParseAcceptLanguage(c.Request().Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "en", false
	}
	_, idx, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return "en", false
	}
	return BaseCode(idx), false
}

// BaseCode is the code ("de") of Languages[idx].
func BaseCode(idx int) string { return Languages[idx].String() }

// Messages is one language's view of the catalog, used by templates.
type Messages struct {
	lang string
	m    map[string]string
	en   map[string]string
}

// ForLang is the catalog in the language code, or in English when the
// catalog has no such language.
func (c Catalog) ForLang(code string) Messages {
	m, ok := c[code]
	if !ok {
		code, m = "en", c["en"]
	}
	return Messages{lang: code, m: m, en: c["en"]}
}

func (ms Messages) raw(key string) string {
	if s, ok := ms.m[key]; ok {
		return s
	}
	if s, ok := ms.en[key]; ok {
		return s
	}
	return key // a missing key shows, and the catalog test catches it
}

// T returns the plain-text message key with its {placeholders} filled
// from name, value pairs.
func (ms Messages) T(key string, args ...any) string {
	return fill(ms.raw(key), args, func(s string) string { return s })
}

// TH returns a markup message (key ending in _html) with its placeholders
// filled with escaped values.
func (ms Messages) TH(key string, args ...any) template.HTML {
	if !strings.HasSuffix(key, "_html") {
		return template.HTML(template.HTMLEscapeString(ms.T(key, args...)))
	}
	// Values that are markup already (template.HTML, such as a <time>
	// the page made) go in as they are; the rest are escaped here.
	vals := make([]any, len(args))
	for i, a := range args {
		switch h, ok := a.(template.HTML); {
		case i%2 == 0:
			vals[i] = a
		case ok:
			vals[i] = string(h)
		default:
			vals[i] = template.HTMLEscapeString(fmt.Sprint(a))
		}
	}
	return template.HTML(fill(ms.raw(key), vals, func(s string) string { return s })) //nolint:gosec // the catalog is trusted; values are escaped above
}

func fill(msg string, args []any, escape func(string) string) string {
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", escape(fmt.Sprint(args[i+1])))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// Lang is the language code of ms.
func (ms Messages) Lang() string { return ms.lang }

// Has reports whether the English catalog has key, which every language
// then has too.
func (ms Messages) Has(key string) bool {
	_, ok := ms.en[key]
	return ok
}

// LanguageNames are each language's own name for itself.
var LanguageNames = map[string]string{"en": "English", "de": "Deutsch", "fr": "Français"}
