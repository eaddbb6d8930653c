package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// The texts a device shows for a profile (its name, description, the
// payload and account names) are in the visitor's language, chosen as
// for the pages (lang, then Accept-Language). The operator's own texts
// (--profile-name and friends) are theirs for every language; the rest
// come from the catalogs' profile.* keys. Identifiers never depend on
// the language, so a profile in another language replaces the one
// installed.

// profileTextKeys are the catalog keys of each profile.Texts field.
var profileTextKeys = []struct {
	key   string
	field func(*profile.Texts) *string
}{
	{"profile.display_name", func(t *profile.Texts) *string { return &t.DisplayName }},
	{"profile.description", func(t *profile.Texts) *string { return &t.Description }},
	{"profile.signin_description", func(t *profile.Texts) *string { return &t.SignInDescription }},
	{"profile.mail_payload", func(t *profile.Texts) *string { return &t.MailPayloadName }},
	{"profile.google_payload", func(t *profile.Texts) *string { return &t.GooglePayloadName }},
	{"profile.account", func(t *profile.Texts) *string { return &t.AccountDescription }},
	{"profile.services_description", func(t *profile.Texts) *string { return &t.ServicesDescription }},
	{"profile.calendar_payload", func(t *profile.Texts) *string { return &t.CalendarPayloadName }},
	{"profile.contacts_payload", func(t *profile.Texts) *string { return &t.ContactsPayloadName }},
	{"profile.word_mail", func(t *profile.Texts) *string { return &t.WordMail }},
	{"profile.word_calendars", func(t *profile.Texts) *string { return &t.WordCalendars }},
	{"profile.word_contacts", func(t *profile.Texts) *string { return &t.WordContacts }},
	{"profile.word_and", func(t *profile.Texts) *string { return &t.WordAnd }},
}

// profileOptions are opts for each language of the catalogs, with the
// texts opts leaves empty in that language.
func profileOptions(cat site.Catalog, opts profile.Options) (map[string]profile.Options, error) {
	out := make(map[string]profile.Options, len(site.Languages))
	for _, tag := range site.Languages {
		code := tag.String()
		ms := cat.ForLang(code)
		o := opts
		for _, k := range profileTextKeys {
			if p := k.field(&o.Texts); *p == "" {
				*p = ms.T(k.key)
			}
		}
		if err := o.Validate(); err != nil {
			return nil, fmt.Errorf("profile texts in %s: %w", code, err)
		}
		out[code] = o
	}
	return out, nil
}

// ProfileOptions is opts with the texts it leaves empty in the language
// lang ("de"), for the command line's generate --lang; an error names
// the languages when the catalogs have no such one.
func ProfileOptions(lang string, opts profile.Options) (profile.Options, error) {
	cat, err := site.LoadCatalog()
	if err != nil {
		return profile.Options{}, err
	}
	byLang, err := profileOptions(cat, opts)
	if err != nil {
		return profile.Options{}, err
	}
	if o, ok := byLang[lang]; ok {
		return o, nil
	}
	codes := make([]string, len(site.Languages))
	for i, tag := range site.Languages {
		codes[i] = tag.String()
	}
	return profile.Options{}, fmt.Errorf("unknown language %q: choose %s", lang, strings.Join(codes, ", "))
}

// optionsFor is the server's profile options in the language lang.
func (s *Server) optionsFor(lang string) profile.Options {
	if o, ok := s.langOptions[lang]; ok {
		return o
	}
	return s.langOptions["en"]
}

// downloadsIn makes the page's download links ask for the profile in
// lang, the language the visitor chose with ?lang= ("" when the browser's
// Accept-Language chose it, which the download sends again).
func (v *setupView) downloadsIn(lang string) {
	if lang == "" {
		return
	}
	add := func(u string) string {
		if strings.Contains(u, "?") {
			return u + "&lang=" + url.QueryEscape(lang)
		}
		return u + "?lang=" + url.QueryEscape(lang)
	}
	v.DownloadURL = add(v.DownloadURL)
	if v.IPad != nil {
		v.IPad.DownloadURL = add(v.IPad.DownloadURL)
	}
}
