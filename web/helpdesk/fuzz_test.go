package helpdesk

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// FuzzReadBulk feeds arbitrary CSV to the bulk upload's parser: rows it
// accepts are valid requests, problems name a line, and the row limit
// holds.
func FuzzReadBulk(f *testing.F) {
	f.Add([]byte("email,name,type\none@btinternet.com,One,imap\n"), "3", "1")
	f.Add([]byte("one@btinternet.com,One,imap\nbad address,Two,imap\nthree@btinternet.com,Three,exchange\n"), "", "")
	f.Add([]byte("=two@talk21.com,\"=HYPERLINK(\"\"x\"\")\",pop\n"), "30", "20")
	f.Add([]byte("\"unterminated,x\n"), "0", "-1")
	f.Add([]byte("a,b,c,d\n\n\n  ,\n"), "1e309", "99999999999999999999")
	f.Add([]byte("\xff\xfe,\x00,\r\r\n"), "7", "3")
	s := newTestDesk(f)
	e := echo.New()
	f.Fuzz(func(t *testing.T, data []byte, days, downloads string) {
		c := e.NewContext(httptest.NewRequest(http.MethodPost, "/admin/links/bulk", nil), httptest.NewRecorder())
		reqs, problems := s.readBulk(c, s.messages.ForLang("en"), bytes.NewReader(data), days, downloads)
		if len(reqs) == 0 && len(problems) == 0 {
			t.Fatal("readBulk() = no rows and no problems")
		}
		if len(reqs) > maxBulkRows {
			t.Fatalf("readBulk() accepted %d rows, the limit is %d", len(reqs), maxBulkRows)
		}
		for _, p := range problems {
			if !strings.HasPrefix(p, "Line ") && p != "The file has no rows." {
				t.Fatalf("readBulk() problem %q names no line", p)
			}
		}
		for _, r := range reqs {
			again, err := site.ParseAccount(r.Addr.String(), string(r.Proto), r.Name)
			if err != nil || again != r.Account {
				t.Fatalf("readBulk() accepted %+v, which does not validate again: %v", r, err)
			}
			if r.Downloads < 1 || r.Downloads > maxLinkDownloads || r.Lifetime < 24*time.Hour || r.Lifetime > maxLinkDays*24*time.Hour {
				t.Fatalf("readBulk() accepted limits %+v", r)
			}
		}
	})
}

// FuzzParseLinkForm checks the new-link form's number fields.
func FuzzParseLinkForm(f *testing.F) {
	for _, n := range [][2]string{{"7", "3"}, {"", ""}, {" 30 ", "20"}, {"31", "0"}, {"-1", "+1"}, {"1e3", "0x10"}, {"9223372036854775808", "\uff11"}} {
		f.Add(n[0], n[1])
	}
	f.Fuzz(func(t *testing.T, days, downloads string) {
		r, err := parseLinkForm(linkForm{Email: "someone@btinternet.com", Days: days, Downloads: downloads})
		if err != nil {
			var ie *profile.InputError
			if !errors.As(err, &ie) || (ie.Field != "days" && ie.Field != "downloads") {
				t.Fatalf("parseLinkForm(%q, %q) error %v does not name the field", days, downloads, err)
			}
			return
		}
		if r.Downloads < 1 || r.Downloads > maxLinkDownloads || r.Lifetime < 24*time.Hour || r.Lifetime > maxLinkDays*24*time.Hour {
			t.Fatalf("parseLinkForm(%q, %q) = %+v, outside the limits", days, downloads, r)
		}
	})
}

// FuzzSafeNext checks the redirect after sign-in: it always stays on
// this site, inside the helpdesk area.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/admin", "/admin/links/1", "//evil.example", "/admin@evil.example", `/admin\..\evil`, "/admin\r\nX: 1", "https://evil.example/admin", "/admin/../..//evil.example"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://mail.example.com/admin/login")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/admin") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		// A browser drops tabs and newlines before resolving.
		cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(got)
		if u, err := url.Parse(cleaned); err == nil && base.ResolveReference(u).Host != base.Host {
			t.Fatalf("safeNext(%q) = %q leads to %s", next, got, base.ResolveReference(u).Host)
		}
	})
}

// FuzzNormalizeCode checks the reading of a typed short code: what it
// accepts is exactly ten ASCII digits, and a code it made reads back.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"482 913 0557", "482-913-0557", "4829130557", "48291305570", "４８２９１３０５５７", "482\x00913 0557", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		code, ok := normalizeCode(typed)
		if !ok {
			return
		}
		if len(code) != codeDigits || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("normalizeCode(%q) = %q, want ten digits", typed, code)
		}
		if again, ok := normalizeCode(formatCode(code)); !ok || again != code {
			t.Fatalf("normalizeCode(formatCode(%q)) = %q, %v", code, again, ok)
		}
	})
}
