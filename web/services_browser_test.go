package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/mailprofile/mailprofile/profile"
)

// TestBrowserServices ticks the review page's boxes for calendars and
// contacts in a real Chromium with scripts turned off, presses Download,
// and checks that the download the browser asks for carries the choice
// and gives a profile with just those payloads.
func TestBrowserServices(t *testing.T) {
	b := newBrowser(t)
	for _, tt := range []struct {
		name      string
		untick    []string // boxes to click before downloading
		wantQuery []string // the services parameters sent
		wantTypes []string
	}{
		{name: "as offered", wantQuery: []string{"mail", "calendar", "contacts"},
			wantTypes: []string{mailType, calDAVType, cardDAVType}},
		{name: "contacts only beside the mail", untick: []string{"#service-calendar"}, wantQuery: []string{"mail", "contacts"},
			wantTypes: []string{mailType, cardDAVType}},
		{name: "mail only", untick: []string{"#service-calendar", "#service-contacts"}, wantQuery: []string{"mail"},
			wantTypes: []string{mailType}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := b.tab(t, iPhoneSafari)
			asks := make(chan string, 4)
			if err := chromedp.Listen(ctx, func(ev any) {
				if e, ok := ev.(*network.EventRequestWillBeSent); ok && strings.Contains(e.Request.URL, "/profile?") {
					select {
					case asks <- e.Request.URL:
					default:
					}
				}
			}); err != nil {
				t.Fatal(err)
			}
			b.do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				// The choice must work without a script.
				_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
				return err
			}),
				chromedp.Navigate(b.server.URL+"/setup?email=someone%40fastmail.com"),
				chromedp.WaitVisible(chromedp.CSS("#services-form")),
			)
			mustContain(t, "choice", text(t, b, ctx, "#services-form"), "Also set up", "Calendars", "Contacts")
			for _, box := range []string{"#service-calendar", "#service-contacts"} {
				if !run(t, b, ctx, chromedp.AttributeValue(chromedp.CSS(box), "checked")).Exists {
					t.Errorf("%s is not ticked by default", box)
				}
			}
			for _, box := range tt.untick {
				b.do(t, ctx, chromedp.Click(chromedp.CSS(box)))
			}
			b.do(t, ctx, chromedp.Click(chromedp.CSS("#download")))
			// The download leaves the page as it is: wait for its request
			// (the limit only guards against a hang; Chromium runs on the
			// wall clock).
			var asked string
			wait, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			select {
			case asked = <-asks:
			case <-wait.Done():
				t.Fatalf("pressing Download sent no request for /profile%s", b.failShot(t, ctx))
			}
			u, err := url.Parse(asked)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if q.Get("email") != "someone@fastmail.com" || q.Get("type") != "imap" || !slices.Equal(q["services"], tt.wantQuery) {
				t.Errorf("download asked %s, want the address, imap and services %q", asked, tt.wantQuery)
			}
			req, _ := http.NewRequest(http.MethodGet, asked, nil)
			req.Header.Set("User-Agent", uaIPhoneSafari)
			res, err := b.server.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("download %s: %d", asked, res.StatusCode)
			}
			sum, err := profile.Parse(verifyProfile(t, body))
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, p := range sum.Payloads {
				types = append(types, p.Type)
			}
			if !slices.Equal(types, tt.wantTypes) {
				t.Errorf("downloaded payloads = %q, want %q", types, tt.wantTypes)
			}
		})
	}
}
