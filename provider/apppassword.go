package provider

import "strings"

// AppPassword reports whether a mail app must sign in to p with an app
// password rather than the account's usual one (Gmail, Yahoo, iCloud,
// Fastmail, AOL, Yandex): its <enable> block, in the default language,
// says so. The review page then puts creating one before the download.
func (p *Provider) AppPassword() bool {
	if p == nil || p.Enable == nil {
		return false
	}
	t := strings.ToLower(p.Enable.Text(""))
	return strings.Contains(t, "app password") || strings.Contains(t, "app-specific password")
}
