package clientconf

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	outlookRequestNS   = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
	mobileSyncSchema   = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
	mobileSyncRequstNS = "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"
)

// Requests as clients send them.
var (
	// Outlook for Windows: one line, after a declaration.
	outlookRequest = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="` + outlookRequestNS + `"><Request>` +
		`<EMailAddress>someone@btinternet.com</EMailAddress><AcceptableResponseSchema>` + OutlookSchema +
		`</AcceptableResponseSchema></Request></Autodiscover>`
	// iOS setting up an Exchange account: MobileSync, which is not served.
	iosRequest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Autodiscover xmlns=\"" + mobileSyncRequstNS + "\">\r\n<Request>\r\n" +
		"<EMailAddress>someone@btinternet.com</EMailAddress>\r\n<AcceptableResponseSchema>" + mobileSyncSchema +
		"</AcceptableResponseSchema>\r\n</Request>\r\n</Autodiscover>\r\n"
)

// request builds a request body around the Request element's content.
func request(inner string) string {
	return `<Autodiscover xmlns="` + outlookRequestNS + `"><Request>` + inner + `</Request></Autodiscover>`
}

func TestParseAutodiscoverRequest(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantEmail   string
		wantOutlook bool
	}{
		{name: "Outlook", body: outlookRequest, wantEmail: "someone@btinternet.com", wantOutlook: true},
		{name: "iOS MobileSync", body: iosRequest, wantEmail: "someone@btinternet.com", wantOutlook: false},
		{name: "byte order mark", body: "\xef\xbb\xbf" + outlookRequest, wantEmail: "someone@btinternet.com", wantOutlook: true},
		{name: "EmailAddress", body: request(`<EmailAddress>a@btinternet.com</EmailAddress>`), wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "emailaddress", body: request(`<emailaddress> a@btinternet.com </emailaddress>`), wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "prefixed namespace", body: `<a:Autodiscover xmlns:a="` + outlookRequestNS + `"><a:Request><a:EMailAddress>a@btinternet.com</a:EMailAddress>` +
			`<a:AcceptableResponseSchema>` + OutlookSchema + `</a:AcceptableResponseSchema></a:Request></a:Autodiscover>`, wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "no namespace", body: `<Autodiscover><Request><EMailAddress>a@btinternet.com</EMailAddress></Request></Autodiscover>`,
			wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "other elements", body: request(`<LegacyDN>/o=x</LegacyDN><EMailAddress>a@btinternet.com</EMailAddress>`),
			wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "character reference", body: request(`<EMailAddress>a&#64;btinternet.com</EMailAddress>`), wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "CDATA", body: request(`<EMailAddress><![CDATA[a@btinternet.com]]></EMailAddress>`), wantEmail: "a@btinternet.com", wantOutlook: true},
		{name: "schema in other case", body: request(`<EMailAddress>a@btinternet.com</EMailAddress><AcceptableResponseSchema>` +
			strings.ToUpper(OutlookSchema) + `</AcceptableResponseSchema>`), wantEmail: "a@btinternet.com", wantOutlook: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAutodiscoverRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseAutodiscoverRequest() error = %v", err)
			}
			if got.EMailAddress != tt.wantEmail || got.Outlook() != tt.wantOutlook {
				t.Errorf("ParseAutodiscoverRequest() = %+v (Outlook %v), want %q, Outlook %v", got, got.Outlook(), tt.wantEmail, tt.wantOutlook)
			}
		})
	}
}

// hostileRequests are bodies that must be refused, cheaply.
func hostileRequests() map[string]string {
	const addr = `<EMailAddress>a@btinternet.com</EMailAddress>`
	laughs := `<!DOCTYPE Autodiscover [<!ENTITY lol "lol">`
	for i := 1; i < 10; i++ {
		prev := "&lol;"
		if i > 1 {
			prev = "&lol" + string(rune('0'+i-1)) + ";"
		}
		laughs += `<!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat(prev, 10) + `">`
	}
	laughs += `]>` + request(`<EMailAddress>&lol9;</EMailAddress>`)
	return map[string]string{
		"internal entity":    `<!DOCTYPE r [<!ENTITY x "a@btinternet.com">]>` + request(`<EMailAddress>&x;</EMailAddress>`),
		"external entity":    `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + request(`<EMailAddress>&x;</EMailAddress>`),
		"parameter entity":   `<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]>` + request(addr),
		"billion laughs":     laughs,
		"undefined entity":   request(`<EMailAddress>&x;@btinternet.com</EMailAddress>`),
		"deep nesting":       `<Autodiscover>` + strings.Repeat(`<a>`, 2000) + strings.Repeat(`</a>`, 2000) + `</Autodiscover>`,
		"deep, unclosed":     `<Autodiscover>` + strings.Repeat(`<a>`, 2700),
		"two addresses":      request(addr + `<EMailAddress>b@btinternet.com</EMailAddress>`),
		"no address":         request(`<AcceptableResponseSchema>` + OutlookSchema + `</AcceptableResponseSchema>`),
		"empty address":      request(`<EMailAddress> </EMailAddress>`),
		"address too deep":   `<Autodiscover><Request><x>` + addr + `</x></Request></Autodiscover>`,
		"wrong root":         `<Envelope><Request>` + addr + `</Request></Envelope>`,
		"not XML":            `{"EMailAddress":"a@btinternet.com"}`,
		"empty":              ``,
		"unclosed":           `<Autodiscover><Request>` + addr,
		"mismatched":         `<Autodiscover><Request>` + addr + `</Autodiscover></Request>`,
		"processing inst":    request(`<?php system('id'); ?>` + addr),
		"UTF-16 declared":    `<?xml version="1.0" encoding="UTF-16"?>` + request(addr),
		"invalid UTF-8":      request("<EMailAddress>a\xff@btinternet.com</EMailAddress>"),
		"long text":          request(`<EMailAddress>` + strings.Repeat("a", 2000) + `@btinternet.com</EMailAddress>`),
		"two roots":          request(addr) + request(addr),
		"NUL reference":      request(`<EMailAddress>a&#0;@btinternet.com</EMailAddress>`),
		"over the size":      request(addr + strings.Repeat(" ", MaxAutodiscoverRequest)),
		"attributes flood":   `<Autodiscover ` + strings.Repeat(`a="b" `, 1300) + `/>`,
		"text outside roots": request(addr) + "trailing",
	}
}

func TestParseAutodiscoverRequestHostile(t *testing.T) {
	for name, body := range hostileRequests() {
		t.Run(name, func(t *testing.T) {
			got, err := ParseAutodiscoverRequest([]byte(body))
			var re *RequestError
			if err == nil || !(errors.As(err, &re) || errors.Is(err, ErrRequestTooLarge)) {
				t.Fatalf("ParseAutodiscoverRequest(%s) = %+v, %v, want a *RequestError", name, got, err)
			}
			// The message never repeats the request.
			if strings.Contains(err.Error(), "btinternet") || strings.Contains(err.Error(), "passwd") {
				t.Errorf("error %q repeats the request", err)
			}
		})
	}
}

// TestParseAutodiscoverRequestMemory holds the memory one hostile request
// costs to a small multiple of the largest body accepted. (A thousand
// attributes cost the most: encoding/xml allocates each.)
func TestParseAutodiscoverRequestMemory(t *testing.T) {
	const limit = 32 * MaxAutodiscoverRequest
	var most uint64
	worst := ""
	for name, body := range hostileRequests() {
		data := []byte(body)
		got := allocated(func() { _, _ = ParseAutodiscoverRequest(data) })
		if got > limit {
			t.Errorf("ParseAutodiscoverRequest(%s) allocated %d bytes, want at most %d", name, got, limit)
		}
		if got > most {
			most, worst = got, name
		}
	}
	t.Logf("most allocated for one hostile request: %d bytes (%s)", most, worst)
}

// allocated is how many bytes f allocates, on average over a few runs.
func allocated(f func()) uint64 {
	const runs = 5
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}

func TestReadAutodiscoverRequest(t *testing.T) {
	got, err := ReadAutodiscoverRequest(strings.NewReader(outlookRequest))
	if err != nil || got.EMailAddress != "someone@btinternet.com" {
		t.Errorf("ReadAutodiscoverRequest(Outlook) = %+v, %v", got, err)
	}
	// An endless body is read no further than the limit.
	r := &countingReader{}
	if _, err := ReadAutodiscoverRequest(r); !errors.Is(err, ErrRequestTooLarge) || r.n > MaxAutodiscoverRequest+512 {
		t.Errorf("ReadAutodiscoverRequest(endless) error = %v after %d bytes, want ErrRequestTooLarge after at most %d", err, r.n, MaxAutodiscoverRequest+512)
	}
}

// countingReader is an endless body of spaces that counts what is read.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	r.n += len(p)
	return len(p), nil
}

func FuzzParseAutodiscoverRequest(f *testing.F) {
	f.Add([]byte(outlookRequest))
	f.Add([]byte(iosRequest))
	for _, body := range hostileRequests() {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseAutodiscoverRequest(body)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) && !errors.Is(err, ErrRequestTooLarge) {
				t.Fatalf("error %T %v, want *RequestError or ErrRequestTooLarge", err, err)
			}
			return
		}
		if req.EMailAddress == "" || len(req.EMailAddress) > maxAddressText || !utf8.ValidString(req.EMailAddress) ||
			strings.TrimSpace(req.EMailAddress) != req.EMailAddress {
			t.Fatalf("EMailAddress = %q: want trimmed, valid UTF-8, 1 to %d bytes", req.EMailAddress, maxAddressText)
		}
		if len(body) > MaxAutodiscoverRequest || bytes.Contains(body, []byte("<!DOCTYPE")) {
			t.Fatalf("accepted a body of %d bytes, or with a DOCTYPE", len(body))
		}
		again, err := ReadAutodiscoverRequest(bytes.NewReader(body))
		if err != nil || again != req {
			t.Fatalf("ReadAutodiscoverRequest = %+v, %v; ParseAutodiscoverRequest = %+v", again, err, req)
		}
	})
}
