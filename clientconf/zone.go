package clientconf

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// groupComments introduce each group of records in a zone file.
var groupComments = map[string]string{
	ForAutoconfig:   "Thunderbird, Thunderbird for Android (K-9), KMail, Evolution: autoconfig",
	ForAutodiscover: "Outlook: Autodiscover, through autodiscover. or the SRV record",
	ForPACC:         "PACC: the TXT record is the SHA-256 of the exact document served; publish the new one whenever the settings change",
	ForMail:         `RFC 6186 and RFC 8314 mail services; "0 0 0 ." says a service is not offered`,
}

var missingNames = map[string]string{ForAutoconfig: "autoconfig", ForAutodiscover: "Autodiscover", ForPACC: "PACC"}

// WriteZone writes z in zone-file syntax: comments saying what each group
// of records is for and which names the HTTPS certificate must cover,
// then one aligned line per record.
func (z Zone) WriteZone(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "; %s (%s): clients find its settings at %s\n", z.Domain, z.Provider, z.PublicHost)
	if len(z.CertificateNames) > 0 {
		fmt.Fprintf(bw, "; the HTTPS certificate of %s must also cover %s\n", z.PublicHost, strings.Join(z.CertificateNames, ", "))
	}
	for _, what := range []string{ForAutoconfig, ForAutodiscover, ForPACC} {
		if why, ok := z.Missing[what]; ok {
			fmt.Fprintf(bw, "; no %s records: %s\n", missingNames[what], why)
		}
	}
	width := 0
	for _, r := range z.Records {
		width = max(width, len(r.Name))
	}
	group := ""
	for _, r := range z.Records {
		if r.For != group {
			group = r.For
			fmt.Fprintf(bw, "\n; %s\n", groupComments[group])
		}
		data := r.Data
		if r.Type == "TXT" {
			data = strconv.Quote(data) // the digest is ASCII: Go's quoting is the zone file's
		}
		fmt.Fprintf(bw, "%-*s %d IN %-5s %s\n", width, r.Name, r.TTL, r.Type, data)
	}
	return bw.Flush()
}
