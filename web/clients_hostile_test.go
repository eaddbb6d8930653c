package web

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailprofile/mailprofile/profile"
)

// TestClientRoutesHostile sends every hostile input of the house's list
// (hostile_test.go) as each address of the client documents: autoconfig's
// emailaddress, Autodiscover's EMailAddress (XML-escaped), Autodiscover
// v2's path and Email and Protocol, and as the Host. Each answer is below
// 500, well-formed in its format, and names the address only when it is
// valid, normalised; nothing else of the request comes back.
func TestClientRoutesHostile(t *testing.T) {
	s := newClientServer(t, nil)
	// Ordinary refusals of each format: an input found in one is its
	// text, not an echo.
	var refs []string
	for _, r := range []*http.Request{
		request(http.MethodGet, autoconfigPath, "", "emailaddress=x"),
		httptest.NewRequest(http.MethodPost, "/autodiscover/autodiscover.xml", strings.NewReader(autodiscoverBody("x", ""))),
		request(http.MethodGet, autodiscoverV2Path, "", "Protocol=x"),
		request(http.MethodGet, autodiscoverV2Path, "", "Protocol=ews"),
		request(http.MethodGet, autodiscoverV2Path, "", "Protocol=AutodiscoverV1&Email=x"),
		request(http.MethodGet, paccPath, "", ""),
	} {
		r.Host = "autoconfig.btinternet.com"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		refs = append(refs, rec.Body.String())
	}
	ordinary := func(in string) bool {
		for _, r := range refs {
			if strings.Contains(r, in) {
				return true
			}
		}
		return false
	}
	var xmlEsc strings.Builder
	for _, in := range hostileInputs() {
		addr, addrErr := profile.ParseAddress(in.value)
		xmlEsc.Reset()
		_ = xml.EscapeText(&xmlEsc, []byte(in.value))
		reqs := []struct {
			label string
			req   *http.Request
		}{
			{"autoconfig", request(http.MethodGet, autoconfigPath, "", "emailaddress="+url.QueryEscape(in.value))},
			{"autodiscover", httptest.NewRequest(http.MethodPost, "/autodiscover/autodiscover.xml", strings.NewReader(autodiscoverBody(xmlEsc.String(), "")))},
			{"v2 query", request(http.MethodGet, autodiscoverV2Path, "", "Protocol=AutodiscoverV1&Email="+url.QueryEscape(in.value))},
			{"v2 path", request(http.MethodGet, autodiscoverV2Path+"/v1.0/"+in.value, autodiscoverV2Path+"/v1.0/"+url.PathEscape(in.value), "Protocol=AutodiscoverV1")},
			{"v2 protocol", request(http.MethodGet, autodiscoverV2Path, "", "Email=someone%40btinternet.com&Protocol="+url.QueryEscape(in.value))},
			{"PACC host", request(http.MethodGet, paccPath, "", "")},
		}
		for _, r := range reqs {
			label := r.label + " [" + in.name + "]"
			r.req.Host = "autoconfig.btinternet.com"
			switch {
			case r.label == "PACC host":
				r.req.Host = in.value
			case strings.HasPrefix(r.label, "v2"), r.label == "autodiscover":
				r.req.Host = "autodiscover.btinternet.com"
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r.req)
			body := rec.Body.String()
			if rec.Code >= 500 {
				t.Errorf("%s: status %d", label, rec.Code)
				continue
			}
			switch ct := rec.Header().Get("Content-Type"); {
			case strings.HasPrefix(ct, "application/json"):
				if !json.Valid(rec.Body.Bytes()) || strings.ContainsAny(body, "<>&") {
					t.Errorf("%s: JSON %.200q invalid or unescaped", label, body)
				}
			case strings.HasPrefix(ct, "text/xml"):
				if err := xml.Unmarshal(rec.Body.Bytes(), new(struct{})); err != nil {
					t.Errorf("%s: XML not well-formed: %v", label, err)
				}
			case strings.HasPrefix(ct, "text/plain"):
				if !utf8.ValidString(body) {
					t.Errorf("%s: text is not UTF-8", label)
				}
			case in.value == "" && r.label == "v2 path" && rec.Code == http.StatusNotFound:
				// …/v1.0/ with no address is no route: the pages' 404.
			default:
				t.Errorf("%s: Content-Type %q", label, ct)
			}
			named := xmlText(addr.Local) // the documents that fill in the user name
			switch r.label {
			case "v2 query", "v2 path":
				named = "autodiscover." + addr.Domain + "/"
			case "v2 protocol", "PACC host":
				named = ""
			}
			if rec.Code == http.StatusOK && named != "" && (addrErr != nil || !strings.Contains(body, named)) && !(r.label == "autoconfig" && in.value == "") {
				t.Errorf("%s: 200 for an address ParseAddress refuses (%v), or without it", label, addrErr)
			}
			if rec.Code != http.StatusOK && in.value != "" && !ordinary(in.value) && strings.Contains(body, in.value) {
				t.Errorf("%s: refusal repeats the input: %.200s", label, body)
			}
		}
	}
}

// xmlText is s as encoding/xml writes it in text.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
