package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

func TestLookupDiscovery(t *testing.T) {
	server := dnstest.Serve(t, dnstest.XTest...)
	envm := map[string]string{
		"MAILPROFILE_DATA_DIR": t.TempDir(), "MAILPROFILE_DISCOVERY": "true",
		"MAILPROFILE_DNS_SERVER": server, "MAILPROFILE_ISPDB_URL": "", "MAILPROFILE_DISCOVERY_TIMEOUT": "3s",
	}
	r := runCmd(t, envm, "lookup", "someone@x.test")
	if r.code != 0 {
		t.Fatalf("lookup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("mailprofile lookup someone@x.test:\n%s", r.stdout)
	for _, want := range []string{"steps:", "catalog", "srv", "found", "mail.x.test:993 SSL/TLS", "smtp.x.test:465", "mail.x.test:995",
		"srv, unsigned unless --sign-discovered"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lookup output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCmd(t, envm, "lookup", "--json", "someone@x.test")
	var got struct {
		Results   []lookupResult
		Discovery struct {
			Found bool
			Steps []struct {
				Source, Outcome string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("lookup --json: %v\n%s", err, r.stdout)
	}
	if !got.Discovery.Found || len(got.Discovery.Steps) == 0 || got.Results[0].Origin.Method != "srv" {
		t.Errorf("lookup --json = %+v", got)
	}

	// generate serves discovered settings unsigned unless told otherwise.
	r = runCmd(t, envm, "generate", "--email", "someone@x.test")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "<?xml") || !strings.Contains(r.stderr, "the profile is unsigned") {
		t.Errorf("generate for a discovered domain: exit %d, %q, stdout starts %.10q", r.code, r.stderr, r.stdout)
	}
	r = runCmd(t, envm, "generate", "--email", "someone@x.test", "--sign-discovered")
	if r.code != 0 || strings.HasPrefix(r.stdout, "<?xml") {
		t.Errorf("generate --sign-discovered: exit %d, %q", r.code, r.stderr)
	}

	// Catalog only: the same domain is unknown.
	envm["MAILPROFILE_DISCOVERY"] = "false"
	r = runCmd(t, envm, "lookup", "someone@x.test")
	if r.code != 1 || !strings.Contains(r.stdout, "no settings are known for x.test") {
		t.Errorf("lookup --discovery=false: exit %d\n%s", r.code, r.stdout)
	}
}
