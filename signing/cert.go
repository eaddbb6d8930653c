package signing

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// parseCertificates decodes every CERTIFICATE block, in order. Blocks of other
// types are ignored, so a combined "certificate + key" file also works.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	blocks, problem := pemBlocks(data)
	if problem != "" {
		return nil, certError(problem, nil)
	}
	var certs []*x509.Certificate
	var others []string
	for _, b := range blocks {
		if b.Type != "CERTIFICATE" {
			others = append(others, b.Type)
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, certError(fmt.Sprintf("certificate %d cannot be parsed", len(certs)+1), err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		problem := fmt.Sprintf("no CERTIFICATE block found (found %s)", strings.Join(others, ", "))
		if hasKeyBlock(others) {
			problem = "no CERTIFICATE block found, only a private key: is this the key file?"
		}
		return nil, certError(problem, nil)
	}
	return certs, nil
}

func hasKeyBlock(types []string) bool {
	for _, t := range types {
		if strings.HasSuffix(t, "PRIVATE KEY") {
			return true
		}
	}
	return false
}

// checkChain checks that each certificate is issued by the next one, which is
// the order in certbot's fullchain.pem. Devices build the path themselves,
// but a wrong order usually means a wrong file. Sign names the signer by the
// leaf's issuer, which pkcs7's AddSignerChain takes from the subject of the
// second certificate: checking they are the same bytes keeps the two equal.
func checkChain(certs []*x509.Certificate) error {
	for i := 0; i+1 < len(certs); i++ {
		child, parent := certs[i], certs[i+1]
		if err := child.CheckSignatureFrom(parent); err != nil {
			return certError(fmt.Sprintf("certificate %d (%s) is not signed by certificate %d (%s)",
				i+1, certName(child), i+2, certName(parent)), err)
		}
		if !bytes.Equal(child.RawIssuer, parent.RawSubject) {
			return certError(fmt.Sprintf("certificate %d (%s) names its issuer %s, but certificate %d is %s",
				i+1, certName(child), child.Issuer, i+2, parent.Subject), nil)
		}
	}
	return nil
}

// checkValidity refuses a leaf that is not valid at now: the device would show
// the profile as "Not Verified".
func checkValidity(leaf *x509.Certificate, now time.Time) error {
	if now.Before(leaf.NotBefore) {
		return certError("the leaf certificate is not valid until "+formatTime(leaf.NotBefore), nil)
	}
	if now.After(leaf.NotAfter) {
		return certError("the leaf certificate expired on "+formatTime(leaf.NotAfter), nil)
	}
	return nil
}

// withoutRoot drops a trailing self-signed certificate, unless it is the leaf.
// Devices only trust a root that is already in their trust store, and Apple's
// profile code removes self-signed CAs from the list before evaluating trust.
func withoutRoot(certs []*x509.Certificate) []*x509.Certificate {
	if len(certs) < 2 {
		return certs
	}
	last := certs[len(certs)-1]
	if bytes.Equal(last.RawIssuer, last.RawSubject) && last.CheckSignatureFrom(last) == nil {
		return certs[:len(certs)-1]
	}
	return certs
}

func certName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return "CN=" + c.Subject.CommonName
	}
	return c.Subject.String()
}

func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
