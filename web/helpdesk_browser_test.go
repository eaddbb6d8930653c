package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mailprofile/mailprofile/store"
)

// TestHelpdeskBrowser is the helpdesk in a real browser: an agent signs
// in, makes a link, the customer opens it on an iPhone and downloads the
// profile, the agent sees both in the audit trail, revokes the link, and
// the customer then gets the 410 page.
func TestHelpdeskBrowser(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	b := newBrowser(t, withHelpdesk(st))
	desk := b.tab(t, windowsChrome)

	b.do(t, desk,
		chromedp.Navigate(b.server.URL+"/admin"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#name"), testAgent),
		chromedp.SendKeys(chromedp.CSS("#password"), testPasswd),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#new-heading")),
		chromedp.SendKeys(chromedp.CSS("#email"), "someone@btinternet.com"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Some One"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/links"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#link-url")),
	)
	link := run(t, b, desk, chromedp.Value(chromedp.CSS("#link-url")))
	if !strings.HasPrefix(link, b.server.URL+"/l/") {
		t.Fatalf("link = %q", link)
	}
	mustContain(t, "mailto", attr(t, b, desk, `a[href^="mailto:"]`, "href"), "mailto:someone%40btinternet.com?subject=", url.QueryEscape(link))
	mustContain(t, "QR code", attr(t, b, desk, ".qr img", "src"), "data:image/svg+xml;base64,")

	// The customer, on an iPhone.
	phone := b.tab(t, iPhoneSafari)
	b.do(t, phone, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#download")))
	mustContain(t, "link page", text(t, b, phone, "main"), "Your helpdesk sent you this link", "Profile Downloaded", "mail.btinternet.com")
	b.checkDownload(t, phone, uaIPhoneSafari, "EmailTypeIMAP")

	// The agent's page shows the visit and the download as they happen,
	// without a reload (static/helpdesk.js).
	run(t, b, desk, chromedp.Poll[bool](`document.querySelector("table.audit").textContent.includes("downloaded")`,
		chromedp.WithPollingTimeout(15*time.Second)))
	mustContain(t, "audit trail", text(t, b, desk, "table.audit"), "created", testAgent, "opened", "downloaded", "iPhone")
	b.do(t, desk,
		chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p[role=status]`)),
	)
	mustContain(t, "after revoking", text(t, b, desk, "main"), "revoked")

	// The customer now gets the 410 page.
	b.do(t, phone, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1")))
	mustContain(t, "revoked link", text(t, b, phone, "main"), "This link has been withdrawn", "contact your helpdesk")
	resp, err := b.server.Client().Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("revoked link status = %d, want 410", resp.StatusCode)
	}
}
