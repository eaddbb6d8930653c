package clientconf

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestRecordsParse reads every line WriteZone prints back with a real DNS
// library's zone parser, and checks what the records say.
func TestRecordsParse(t *testing.T) {
	c := operator(t)
	for _, d := range []string{"btinternet.com", "web.de", "example.org", "outlook.com"} {
		t.Run(d, func(t *testing.T) {
			e := entry(t, c, d)
			z, err := Records(e, "Setup.Example.NET.")
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := z.WriteZone(&buf); err != nil {
				t.Fatal(err)
			}
			var rrs []dns.RR
			zp := dns.NewZoneParser(&buf, "", "")
			for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
				rrs = append(rrs, rr)
			}
			if err := zp.Err(); err != nil {
				t.Fatalf("zone parser: %v\n%s", err, buf.String())
			}
			if len(rrs) != len(z.Records) {
				t.Fatalf("%d records parsed, want %d", len(rrs), len(z.Records))
			}
			for i, rr := range rrs {
				r := z.Records[i]
				if rr.Header().Name != r.Name || dns.TypeToString[rr.Header().Rrtype] != r.Type || rr.Header().Ttl != uint32(r.TTL) {
					t.Errorf("record %d parsed as %v, want %+v", i, rr, r)
				}
				switch rr := rr.(type) {
				case *dns.CNAME:
					if rr.Target != "setup.example.net." {
						t.Errorf("%s CNAME %s, want setup.example.net.", rr.Hdr.Name, rr.Target)
					}
				case *dns.TXT:
					if want, _ := PACC(e); len(rr.Txt) != 1 || rr.Txt[0] != PACCDigest(want) {
						t.Errorf("TXT %q, want the digest of the PACC document", rr.Txt)
					}
				}
			}
		})
	}
}

func TestRecordsDocuments(t *testing.T) {
	c := operator(t)
	tests := []struct {
		domain      string
		wantFor     []string // documents with records
		wantMissing []string // documents left out
		wantSRV     map[string]string
	}{
		{domain: "btinternet.com", wantFor: []string{ForAutoconfig, ForAutodiscover, ForPACC},
			wantSRV: map[string]string{"_imaps._tcp": "0 1 993 mail.btinternet.com.", "_imap._tcp": "0 0 0 .", "_pop3s._tcp": "10 1 995 mail.btinternet.com.",
				"_submissions._tcp": "0 1 465 mail.btinternet.com.", "_submission._tcp": "0 0 0 ."}},
		{domain: "outlook.com", wantFor: []string{ForAutoconfig}, wantMissing: []string{ForAutodiscover, ForPACC},
			wantSRV: map[string]string{"_imaps._tcp": "0 1 993 outlook.office365.com.", "_submission._tcp": "0 1 587 smtp-mail.outlook.com.", "_submissions._tcp": "0 0 0 ."}},
		{domain: "example.org", wantFor: []string{ForAutoconfig, ForAutodiscover, ForPACC},
			wantSRV: map[string]string{"_imap._tcp": "0 1 143 imap.example.org.", "_imaps._tcp": "10 1 993 imap.example.org.", "_pop3._tcp": "0 0 0 .", "_pop3s._tcp": "0 0 0 ."}},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			z, err := Records(entry(t, c, tt.domain), "setup.example.net")
			if err != nil {
				t.Fatal(err)
			}
			has := map[string]bool{}
			srv := map[string]string{}
			for _, r := range z.Records {
				has[r.For] = true
				if r.For == ForMail {
					srv[strings.TrimSuffix(r.Name, "."+tt.domain+".")] = r.Data
				}
			}
			for _, f := range tt.wantFor {
				if !has[f] || z.Missing[f] != "" {
					t.Errorf("no %s records (missing: %q)", f, z.Missing[f])
				}
			}
			for _, f := range tt.wantMissing {
				if has[f] || z.Missing[f] == "" {
					t.Errorf("%s records present, or no reason given: %q", f, z.Missing[f])
				}
			}
			if len(srv) != 6 {
				t.Errorf("%d mail SRV records, want all 6", len(srv))
			}
			for name, want := range tt.wantSRV {
				if srv[name] != want {
					t.Errorf("%s SRV %q, want %q", name, srv[name], want)
				}
			}
		})
	}
}

func TestRecordsPublicHost(t *testing.T) {
	c := builtin(t)
	e := entry(t, c, "btinternet.com")
	for _, h := range []string{"", "localhost", "https://setup.example.net", "setup.example.net:443", "192.0.2.1", "autoconfig.btinternet.com"} {
		if _, err := Records(e, h); err == nil {
			t.Errorf("Records(public host %q) succeeded, want an error", h)
		}
	}
}

// TestZoneComments says in comments what each group is for and which
// names the certificate must cover.
func TestZoneComments(t *testing.T) {
	z, err := Records(entry(t, builtin(t), "outlook.com"), "setup.example.net")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := z.WriteZone(&buf); err != nil {
		t.Fatal(err)
	}
	var comments []string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), ";") {
			comments = append(comments, sc.Text())
		}
	}
	text := strings.Join(comments, "\n")
	for _, want := range []string{"must also cover autoconfig.outlook.com\n", "; no Autodiscover records: ", "; no PACC records: "} {
		if !strings.Contains(text+"\n", want) {
			t.Errorf("comments lack %q:\n%s", want, text)
		}
	}
}
