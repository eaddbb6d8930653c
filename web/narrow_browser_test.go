package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
)

// overflowJS lists what reaches beyond the viewport: the document wider
// than the window, and every element whose right edge is past it, but
// for content that scrolls inside a box of its own (the box is checked).
const overflowJS = `(() => {
  const w = window.innerWidth, out = [];
  if (document.documentElement.scrollWidth > w) out.push("document " + document.documentElement.scrollWidth + "px");
  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true; } return false; };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 0.5 || scrolls(el)) continue;
    out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "") +
      " to " + Math.round(r.right) + "px: " + (el.textContent || "").trim().slice(0, 40));
  }
  return out.slice(0, 8).join("; ");
})()`

// midWordJS lists the settings' cells, and the address in the intro,
// whose text goes on a new line after anything but a dot, an @, a hyphen
// or a space: "Authenticati/on" and "mail.btinternet.c/om" are broken.
const midWordJS = `(() => {
  const bad = [];
  for (const cell of document.querySelectorAll("table.settings th, table.settings td, #intro strong")) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let top = null, prev = "";
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (let i = 0; i < n.length; i++) {
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const rect = r.getBoundingClientRect();
        // A space that ends a line has no width: it still counts as the
        // character before the break.
        if (rect.width > 0) {
          if (top !== null && rect.top > top + 2 && !/[.@\s-]/.test(prev))
            bad.push(JSON.stringify(cell.textContent.trim().slice(0, 40)) + " breaks after " + JSON.stringify(prev));
          top = rect.top;
        }
        prev = n.data[i];
      }
    }
  }
  return bad.slice(0, 5).join("; ");
})()`

// TestNarrowScreens: at 320 px nothing is wider than the screen, on
// every public page and state, on an iPhone, a Mac and an Android phone,
// in every language, with a very long address: host names and
// addresses wrap at their dots and @, or scroll inside their box.
func TestNarrowScreens(t *testing.T) {
	st := openStore(t, store.SQLite)
	b := newBrowser(t, withHelpdesk(st))
	const local = "christopher.alexander.montgomery-wellington.accounts.payable"
	long := func(domain string) string { return local + "@" + domain }
	token, hash, err := store.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := timetest.Fixed()
	if _, err := st.CreateLink(context.Background(), store.Link{TokenHash: hash, Email: long("btinternet.com"), Type: "imap",
		CreatedBy: testAgent, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), MaxDownloads: 5}); err != nil {
		t.Fatal(err)
	}
	setup := func(email, typ string) string {
		v := url.Values{"email": {email}, "name": {"Christopher Alexander Montgomery-Wellington"}}
		if typ != "" {
			v.Set("type", typ)
		}
		return "/setup?" + v.Encode()
	}
	pages := []struct{ name, path string }{
		{"form", "/?email=" + url.QueryEscape(long("btinternet.com"))},
		{"form, unknown domain", setup(local+"@a-very-long-subdomain-of-mail.departments.example-organisation.co.uk", "imap")},
		{"form, bad address", setup(local+"..x@btinternet.com", "imap")},
		{"form, bad name", "/setup?email=" + url.QueryEscape(long("btinternet.com")) + "&name=%0A"},
		{"IMAP", setup(long("btinternet.com"), "imap")},
		{"POP", setup(long("btinternet.com"), "pop")},
		{"Gmail, app password", setup(long("gmail.com"), "imap")},
		{"exchange", setup(long("outlook.com"), "exchange")},
		{"google", setup(long("gmail.com"), "google")},
		{"code", "/code"},
		{"helpdesk link", "/l/" + token},
		{"not found", "/no-such-page"},
	}
	devices := []struct {
		name string
		dev  browserDevice
	}{
		{"iPhone", browserDevice{ua: uaIPhoneSafari, width: 320, height: 640, mobile: true, touchPoints: 5}},
		{"Mac", browserDevice{ua: uaMacSafari, width: 320, height: 640}},
		{"Android", browserDevice{ua: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
			width: 320, height: 640, mobile: true, touchPoints: 5}},
	}
	for _, d := range devices {
		t.Run(d.name, func(t *testing.T) {
			ctx := b.tab(t, d.dev)
			for _, lang := range []string{"en", "de", "fr"} {
				for _, p := range pages {
					target := b.server.URL + p.path + "&lang=" + lang
					if u, _ := url.Parse(p.path); u.RawQuery == "" {
						target = b.server.URL + p.path + "?lang=" + lang
					}
					b.do(t, ctx, chromedp.Navigate(target), chromedp.WaitReady(chromedp.CSS("footer")))
					if got := run(t, b, ctx, chromedp.Evaluate[string](overflowJS)); got != "" {
						t.Errorf("%s, %s, 320 px: wider than the screen: %s", p.name, lang, got)
					}
					if got := run(t, b, ctx, chromedp.Evaluate[string](midWordJS)); got != "" {
						t.Errorf("%s, %s, 320 px: broken inside a word: %s", p.name, lang, got)
					}
				}
			}
		})
	}
}
