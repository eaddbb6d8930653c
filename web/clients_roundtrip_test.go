package web

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
	"github.com/mailprofile/mailprofile/signing/signingtest"
)

// selfSignedTLS is a certificate for names that is its own root, and the
// pool that trusts it.
func selfSignedTLS(t *testing.T, names []string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := signingtest.SelfSigned(t, key, &x509.Certificate{
		SerialNumber: big.NewInt(1),
		DNSNames:     names,
		// crypto/tls checks it against the machine's clock.
		NotBefore:             timetest.Wall().Add(-time.Hour),
		NotAfter:              timetest.Wall().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return cert, pool
}

// TestAutoconfigRoundTrip serves the catalog's autoconfig over HTTPS on
// loopback and lets our own discovery find it, as Thunderbird would, at
// https://autoconfig.<domain>/mail/config-v1.1.xml: for every provider of
// the catalog, IMAP and POP, discovery's settings are the catalog's, and
// so are the profile's bytes.
func TestAutoconfigRoundTrip(t *testing.T) {
	catalog := newCatalog(t)
	var domains, names, records []string
	for _, p := range catalog.Providers() {
		d := catalog.DomainsOf(p)[0]
		domains = append(domains, d)
		names = append(names, "autoconfig."+d, d)
		records = append(records, "autoconfig."+d+". 60 IN A 127.0.0.1", d+". 60 IN A 127.0.0.1")
	}
	cert, pool := selfSignedTLS(t, names)
	s := newClientServer(t, func(c *Config) { c.Catalog = catalog })
	srv := httptest.NewUnstartedServer(s)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p443, _ := strconv.Atoi(port)

	d, err := discover.New(nil, discover.Config{
		DNSServer:   dnstest.Serve(t, records...),
		StepTimeout: 10 * time.Second, // a loaded machine under -race
		Budget:      20 * time.Second,
		Testing: discover.Testing{
			AllowLoopback: true,
			RootCAs:       pool,
			Ports:         map[int]int{443: p443},
			ProbeDelay:    time.Hour, // the autoconfig answers; probing would only add noise
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dom := range domains {
		t.Run(dom, func(t *testing.T) {
			addr := profile.Address{Local: "Fred.Smith", Domain: dom}
			for _, proto := range []profile.Protocol{profile.IMAP, profile.POP} {
				want, wantErr := catalog.Find(context.Background(), addr, proto)
				got, err := d.Find(context.Background(), addr, proto)
				if wantErr != nil {
					if err == nil || err.Error() != wantErr.Error() {
						t.Errorf("%s: discovered error %v, catalog's %v", proto, err, wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: discovery error = %v", proto, err)
				}
				if got.Origin.Method != provider.MethodAutoconfig {
					t.Errorf("%s: found by %s (%s), want the autoconfig", proto, got.Origin.Method, got.Origin.Via)
				}
				if got.Incoming != want.Incoming || got.Outgoing != want.Outgoing || got.ProviderName() != want.ProviderName() || !slices.Equal(got.Notes, want.Notes) ||
					got.Calendar != want.Calendar || got.Contacts != want.Contacts {
					t.Errorf("%s: discovered %+v, catalog %+v", proto, got, want)
				}
				// With every service the catalog offers: calendars and
				// contacts come back too (Fastmail).
				gotAcct, wantAcct := got.Account(addr, proto, "Fred Smith"), want.Account(addr, proto, "Fred Smith")
				gotAcct.Services, wantAcct.Services = want.Services(), want.Services()
				gotDoc, err1 := profile.Build(gotAcct, testOptions)
				wantDoc, err2 := profile.Build(wantAcct, testOptions)
				if err1 != nil || err2 != nil || !bytes.Equal(gotDoc, wantDoc) {
					t.Errorf("%s: profiles differ (errors %v, %v)", proto, err1, err2)
				}
			}
		})
	}
}

// TestClientDocumentsNotDiscovered: a domain discovery finds (here by its
// SRV records) gets a profile, but no document for other clients: those
// come from the operator's catalog only.
func TestClientDocumentsNotDiscovered(t *testing.T) {
	s := newClientServer(t, func(c *Config) { c.Finder = newDiscoverer(t) })
	if rec := s.get(t, "/api/v1/settings?email=someone@x.test"); rec.Code != http.StatusOK {
		t.Fatalf("settings for x.test: %d, want discovery to find them", rec.Code)
	}
	checks := []struct {
		method, host, target, body string
	}{
		{http.MethodGet, "autoconfig.x.test", autoconfigPath, ""},
		{http.MethodGet, "x.test", autoconfigWellKnown, ""},
		{http.MethodGet, "ua-auto-config.x.test", paccPath, ""},
		{http.MethodPost, "autodiscover.x.test", "/autodiscover/autodiscover.xml", autodiscoverBody("someone@x.test", "")},
		{http.MethodGet, "autodiscover.x.test", "/autodiscover/autodiscover.json/v1.0/someone@x.test?Protocol=AutodiscoverV1", ""},
	}
	for _, c := range checks {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		rec := s.ask(t, c.method, c.host, c.target, body)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s %s on %s: %d, want 404: %s", c.method, c.target, c.host, rec.Code, rec.Body)
		}
	}
}
