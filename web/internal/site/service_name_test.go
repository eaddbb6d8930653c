package site

import (
	"strings"
	"testing"
)

// TestNoServiceNameInSentences: the operator's service name is a name
// of any grammar ("Mail setup", "E-Mail-Einrichtung", "BT"), so no
// sentence of the public pages splices it in; it stands in the header
// and the title only.
func TestNoServiceNameInSentences(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for lang, m := range cat {
		for key, msg := range m {
			if strings.HasPrefix(key, "hd.") {
				continue // the helpdesk's own pages, for agents
			}
			if strings.Contains(msg, "{service}") {
				t.Errorf("%s %s = %q: splices {service} into a sentence", lang, key, msg)
			}
		}
	}
}
