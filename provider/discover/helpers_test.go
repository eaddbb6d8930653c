package discover

import (
	"fmt"
	"strings"
)

// bigXML is a clientConfig document for domain with IMAP, POP3 and SMTP
// at mail.<domain>, padded with a comment of pad bytes.
func bigXML(domain string, pad int) string {
	return clientConfig(domain, "mail."+domain) + "<!--" + strings.Repeat("x", pad) + "-->"
}

func clientConfig(domain, host string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="%[1]s">
    <domain>%[1]s</domain>
    <displayName>%[1]s Mail</displayName>
    <incomingServer type="imap">
      <hostname>%[2]s</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>%[2]s</hostname><port>995</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>%[2]s</hostname><port>465</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%%EMAILADDRESS%%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
`, domain, host)
}
