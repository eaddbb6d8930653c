package profile

import (
	"strings"
	"testing"

	"howett.net/plist"
)

// germanTexts are texts in another language, as web passes them.
var germanTexts = Texts{
	DisplayName:        "E-Mail {provider} ({email})",
	Description:        "Richtet das E-Mail-Konto {email} ein.",
	SignInDescription:  "Richtet das Konto {email} ein; Anmeldung danach.",
	MailPayloadName:    "E-Mail-Konto {email} ({kind})",
	GooglePayloadName:  "Google-Konto {email}",
	AccountDescription: "{provider}: {email}",
}

// decoded is a built profile's top level and first payload as maps.
func decoded(t *testing.T, acct Account, opts Options) (top, payload map[string]any) {
	t.Helper()
	doc, err := Build(acct, opts)
	if err != nil {
		t.Fatalf("Build() error: %v", err)
	}
	if _, err := plist.Unmarshal(doc, &top); err != nil {
		t.Fatalf("plist.Unmarshal: %v", err)
	}
	return top, top["PayloadContent"].([]any)[0].(map[string]any)
}

func TestBuildTexts(t *testing.T) {
	de := testOptions
	de.Texts = germanTexts
	bt := btAccount(t, "someone@btinternet.com", POP, "")
	g := btAccount(t, "someone@gmail.com", Google, "")
	g.Provider, g.Incoming, g.Outgoing = "Google", Server{}, Server{}
	tests := []struct {
		name string
		acct Account
		want map[string]string // payload key (or "top."+key) -> value
	}{
		{"mail", bt, map[string]string{
			"top.PayloadDisplayName":  "E-Mail BT Mail (someone@btinternet.com)",
			"top.PayloadDescription":  "Richtet das E-Mail-Konto someone@btinternet.com ein.",
			"PayloadDisplayName":      "E-Mail-Konto someone@btinternet.com (POP)",
			"EmailAccountDescription": "BT Mail: someone@btinternet.com",
		}},
		{"google", g, map[string]string{
			"top.PayloadDescription": "Richtet das Konto someone@gmail.com ein; Anmeldung danach.",
			"PayloadDisplayName":     "Google-Konto someone@gmail.com",
			"AccountDescription":     "Google: someone@gmail.com",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enTop, enPayload := decoded(t, tt.acct, testOptions)
			top, payload := decoded(t, tt.acct, de)
			for k, want := range tt.want {
				got := payload[k]
				if name, ok := strings.CutPrefix(k, "top."); ok {
					got = top[name]
				}
				if got != want {
					t.Errorf("Build(%s, German texts)[%s] = %q, want %q", tt.name, k, got, want)
				}
			}
			// The language must not make a second profile or account.
			for _, k := range []string{"PayloadIdentifier", "PayloadUUID"} {
				if top[k] != enTop[k] || payload[k] != enPayload[k] {
					t.Errorf("Build(%s) %s differs by language: %v/%v, want %v/%v", tt.name, k, top[k], payload[k], enTop[k], enPayload[k])
				}
			}
		})
	}
}

func TestTextsValidate(t *testing.T) {
	o := testOptions
	o.MailPayloadName = "bad\x00name"
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "mail payload name") {
		t.Errorf("Validate(control character in MailPayloadName) = %v, want an error naming it", err)
	}
}
