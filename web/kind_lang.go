package web

import (
	"strings"

	"github.com/mailprofile/mailprofile/web/internal/site"
)

// Local is the refusal in the language of ms (site.Localized), as Error
// says it in English.
func (e *notInstallableError) Local(ms site.Messages) string {
	kind := kindName(e.Kind)
	var t string
	if e.Device.onIOS() {
		path := ms.T("err.path_ios_"+iosPathKey(e.Device.IOS)) + " > " + ms.T("err.add_account")
		t = ms.T("err.not_installable_ios", "kind", kind, "version", e.Device.IOS, "min", e.Kind.MinIOS(),
			"provider", e.Provider, "path", path+" > "+e.Option)
	} else {
		t = ms.T("err.not_installable_mac", "kind", kind, "provider", e.Provider, "path", ms.T("err.path_mac")+" > "+e.Option)
	}
	if len(e.Instead) > 0 {
		names := make([]string, len(e.Instead))
		for i, k := range e.Instead {
			names[i] = kindName(k)
		}
		t += " " + ms.T("err.not_installable_instead", "instead", strings.Join(names, " / "))
	}
	return t
}

// iosPathKey names, as the catalog's err.path_ios_* keys do, where the
// iOS version keeps mail accounts (iosAccountsPath).
func iosPathKey(ios int) string {
	switch p := iosPlace(ios); p {
	case "14", "12", "11":
		return p
	}
	return "18"
}
