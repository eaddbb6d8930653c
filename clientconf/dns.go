package clientconf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mailprofile/mailprofile/provider"
)

// recordTTL is the TTL of every record: an hour, so that a new PACC
// digest or a moved server spreads within the hour.
const recordTTL = 3600

// What a record is for: the document it leads to, or the mail services.
const (
	ForAutoconfig   = "autoconfig"
	ForAutodiscover = "autodiscover"
	ForPACC         = "pacc"
	ForMail         = "mail"
)

// Record is one DNS resource record to publish.
type Record struct {
	Name string `json:"name"` // fully qualified, with the final dot
	TTL  int    `json:"ttl"`
	Type string `json:"type"` // CNAME, SRV or TXT
	// Data is the record's data as a zone file writes it, except that a
	// TXT record's text is not quoted.
	Data string `json:"data"`
	For  string `json:"for"` // one of the For constants
}

// Zone is what one domain publishes so that every client finds its
// settings on this server.
type Zone struct {
	Domain     string   `json:"domain"`
	Provider   string   `json:"provider"`
	PublicHost string   `json:"public_host"`
	Records    []Record `json:"records"`
	// CertificateNames are the names the HTTPS certificate of PublicHost
	// must cover besides its own: a CNAME does not change the name a
	// client checks.
	CertificateNames []string `json:"certificate_names"`
	// Missing says, per document (For constant), why it is not offered
	// for this domain; its records are left out.
	Missing map[string]string `json:"missing,omitempty"`
}

// Records returns the records e.Domain publishes when this server is
// reachable over HTTPS as publicHost: CNAMEs of autoconfig., autodiscover.
// and ua-auto-config. to it; the _autodiscover._tcp SRV record; the
// _ua-auto-config TXT record with the digest of the exact PACC bytes
// served (PACC and PACCDigest); and the six RFC 6186/8314 SRV records,
// "0 0 0 ." where a service is not offered. The records of a document the
// entry cannot be described in are left out, and Missing says why.
func Records(e Entry, publicHost string) (Zone, error) {
	public := strings.ToLower(strings.TrimSuffix(publicHost, "."))
	if err := provider.CheckHostname(public); err != nil {
		return Zone{}, fmt.Errorf("%q is not a host name: %w", publicHost, err)
	}
	d := e.Domain
	z := Zone{Domain: d, Provider: e.Provider.DisplayName, PublicHost: public, Missing: map[string]string{}}
	cname := func(label, what string) {
		name := label + "." + d
		z.CertificateNames = append(z.CertificateNames, name)
		z.add(name, "CNAME", public+".", what)
	}
	if _, err := Autoconfig(e, nil); err != nil {
		z.missing(ForAutoconfig, err)
	} else {
		cname("autoconfig", ForAutoconfig)
	}
	if err := AutodiscoverOffered(e); err != nil {
		z.missing(ForAutodiscover, err)
	} else {
		cname("autodiscover", ForAutodiscover)
		z.add("_autodiscover._tcp."+d, "SRV", "0 0 443 "+public+".", ForAutodiscover)
	}
	if doc, err := PACC(e); err != nil {
		z.missing(ForPACC, err)
	} else {
		cname("ua-auto-config", ForPACC)
		z.add("_ua-auto-config."+d, "TXT", PACCDigest(doc), ForPACC)
	}
	for _, name := range z.CertificateNames {
		if name == public {
			return Zone{}, fmt.Errorf("%s would be a CNAME of itself: name the host this server answers on", public)
		}
	}
	for _, svc := range provider.SRVServices {
		z.add(svc.Name+"."+d, "SRV", srvData(e, svc.Type, svc.SocketType), ForMail)
	}
	if len(z.Missing) == 0 {
		z.Missing = nil
	}
	return z, nil
}

func (z *Zone) add(name, typ, data, what string) {
	z.Records = append(z.Records, Record{Name: name + ".", TTL: recordTTL, Type: typ, Data: data, For: what})
}

func (z *Zone) missing(what string, err error) {
	var ns *NotServedError
	if errors.As(err, &ns) {
		z.Missing[what] = ns.Reason
		return
	}
	z.Missing[what] = err.Error()
}

// srvData is the SRV data for the first encrypted server of type typ and
// socket type socket: priority 10 for each server the provider lists
// before it, so that the order of preference between IMAP and POP3
// (RFC 6186, section 3.4) and between the submission ports survives;
// "0 0 0 ." when there is none.
func srvData(e Entry, typ, socket string) string {
	list := e.Provider.Incoming
	if typ == "smtp" {
		list = e.Provider.Outgoing
	}
	for i, s := range list {
		if host, ok := hostIn(s, e.Domain); ok && s.Type == typ && s.SocketType == socket {
			return strconv.Itoa(10*i) + " 1 " + strconv.Itoa(s.Port) + " " + host + "."
		}
	}
	return "0 0 0 ."
}
