package main

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// testDNS serves SRV records for x.test on loopback and NXDOMAIN for
// everything else, like a domain with RFC 6186 records and nothing more.
func testDNS(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	records := map[string]string{
		"_imaps._tcp.x.test.":       "_imaps._tcp.x.test. 60 IN SRV 0 1 993 mail.x.test.",
		"_pop3s._tcp.x.test.":       "_pop3s._tcp.x.test. 60 IN SRV 0 1 995 mail.x.test.",
		"_submissions._tcp.x.test.": "_submissions._tcp.x.test. 60 IN SRV 0 1 465 smtp.x.test.",
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		if rr, ok := records[strings.ToLower(q.Name)]; ok && q.Qtype == dns.TypeSRV {
			a, err := dns.NewRR(rr)
			if err == nil {
				m.Answer = append(m.Answer, a)
			}
		} else {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

func TestLookupDiscovery(t *testing.T) {
	server := testDNS(t)
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
