package clientconf

import (
	"encoding/xml"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// autoconfigDAVs are the provider's CalDAV or CardDAV servers as
// root-level sections named elem (calendar, addressBook), in the shape
// of the draft's sample: <url>, <authentication>, <username>. With addr
// the URL and user name are filled in, as the profile fills them; without,
// the placeholders stay for the client, but for %EMAILDOMAIN% in the host
// name, which takes domain as the mail servers' host names do. A section
// whose URL the address makes invalid is left out.
func autoconfigDAVs(elem string, list []provider.DAV, domain string, addr *profile.Address) []xmlServer {
	var out []xmlServer
	for _, d := range list {
		x := xmlServer{XMLName: xml.Name{Local: elem}, Type: d.Type, Auth: d.Auth, URL: d.URLIn(domain), Username: d.Username}
		if addr != nil {
			srv, err := d.Server(*addr)
			if err != nil {
				continue
			}
			x.URL, x.Username = srv.PrincipalURL, srv.Username
		} else if x.Username == "" {
			x.Username = "%EMAILADDRESS%" // what an empty pattern means; say it
		}
		out = append(out, x)
	}
	return out
}
