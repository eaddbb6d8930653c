package web

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
	"github.com/mailprofile/mailprofile/signing/signingtest"
)

// newRSASigner makes a self-signed RSA-2048 signer.
func newRSASigner(b testing.TB) *signing.Signer {
	b.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "bench RSA signer"},
		NotBefore:    timetest.Fixed().Add(-time.Hour),
		NotAfter:     timetest.Fixed().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	certPEM, keyPEM := signingtest.SelfSigned(b, key, tmpl)
	s, err := signing.Load(certPEM, keyPEM, timetest.Fixed())
	if err != nil {
		b.Fatal(err)
	}
	return s.WithClock(timetest.Fixed)
}

// BenchmarkDownload measures the whole handler: router, parsing, catalog
// lookup, plist building, signing and writing, without the network.
func BenchmarkDownload(b *testing.B) {
	for _, bc := range []struct {
		name   string
		signer func(testing.TB) *signing.Signer
	}{
		{"ECDSA-P256", newSigner},
		{"RSA-2048", newRSASigner},
		{"unsigned", nil},
		{"ECDSA-P256-cached", newSigner},
		{"ECDSA-P256-distinct", newSigner},      // a new address each time, with the cache on: the load test's uncached run
		{"ECDSA-P256-distinct-echo", newSigner}, // the same through Echo's chain, as when the fast path cannot answer
		{"unsigned-distinct", nil},
		{"unsigned-distinct-echo", nil},
		{"ECDSA-P256-exchange", newSigner}, // no type, an iPhone: the kind is chosen, an Exchange account
		{"ECDSA-P256-exchange-cached", newSigner},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newTestServer(b, func(c *Config) {
				c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
				c.Signer = nil
				if bc.signer != nil {
					c.Signer = bc.signer(b)
				}
				if strings.HasSuffix(bc.name, "-cached") || strings.Contains(bc.name, "-distinct") {
					c.ProfileCacheSize = DefaultProfileCacheSize
				}
			})
			target := profileURL("someone@btinternet.com", "imap", "Some One")
			ua := ""
			if strings.Contains(bc.name, "-exchange") {
				target, ua = profileURL("someone@outlook.com", "", "Some One"), uaIPhoneSafari
			}
			distinct := strings.Contains(bc.name, "-distinct")
			serve := s.ServeHTTP
			if strings.HasSuffix(bc.name, "-echo") {
				serve = s.echo.ServeHTTP
			}
			n := 0
			// The response's bytes go into one buffer, reused: net/http
			// writes them into its pooled bufio.Writer, so what a recorder
			// allocates as its buffer grows is not the server's.
			body := new(bytes.Buffer)
			b.ReportAllocs()
			for b.Loop() {
				if distinct {
					n++
					target = "/profile?email=someone" + strconv.Itoa(n) + "%40btinternet.com&type=imap&name=Some+One"
				}
				rec := httptest.NewRecorder()
				body.Reset()
				rec.Body = body
				req := httptest.NewRequest(http.MethodGet, target, nil)
				if ua != "" {
					req.Header.Set("User-Agent", ua)
				}
				serve(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// newChainSigner makes a signer with a root -> intermediate -> leaf chain
// of alg ("rsa" for RSA-2048, "ecdsa" for P-256), the shape of a real
// certificate and of scripts/loadtest's signers: the leaf and the
// intermediate are embedded in every signature.
func newChainSigner(b testing.TB, alg string) *signing.Signer {
	b.Helper()
	s, _ := newChainSignerRoot(b, alg)
	return s
}

// newChainSignerRoot is newChainSigner with the chain's root, for a pool
// of roots that trusts the signer.
func newChainSignerRoot(b testing.TB, alg string) (*signing.Signer, *x509.Certificate) {
	b.Helper()
	newKey := func() crypto.Signer {
		var k crypto.Signer
		var err error
		if alg == "rsa" {
			k, err = rsa.GenerateKey(rand.Reader, 2048)
		} else {
			k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		}
		if err != nil {
			b.Fatal(err)
		}
		return k
	}
	issue := func(tmpl, parent *x509.Certificate, key, parentKey crypto.Signer) *x509.Certificate {
		if parent == nil {
			parent = tmpl
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
		if err != nil {
			b.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	ca := func(serial int64, cn string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: timetest.Fixed().Add(-time.Hour), NotAfter: timetest.Fixed().Add(48 * time.Hour),
			KeyUsage: x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		}
	}
	rootKey, interKey, leafKey := newKey(), newKey(), newKey()
	root := issue(ca(1, "bench root"), nil, rootKey, rootKey)
	inter := issue(ca(2, "bench intermediate"), root, interKey, rootKey)
	leaf := issue(&x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "bench signer"},
		NotBefore: timetest.Fixed().Add(-time.Hour), NotAfter: timetest.Fixed().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}, inter, leafKey, interKey)
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		b.Fatal(err)
	}
	var certPEM []byte
	for _, c := range []*x509.Certificate{leaf, inter} {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	s, err := signing.Load(certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), timetest.Fixed())
	if err != nil {
		b.Fatal(err)
	}
	return s.WithClock(timetest.Fixed), root
}

// BenchmarkBuildAndSign is the work of one uncached signed download
// without HTTP: build the plist and sign it. scripts/loadtest compares the
// server's rate with this one's (RSA-2048) on the same core.
func BenchmarkBuildAndSign(b *testing.B) {
	for _, bc := range []struct{ name, alg string }{{"RSA-2048", "rsa"}, {"ECDSA-P256", "ecdsa"}} {
		b.Run(bc.name, func(b *testing.B) {
			signer := newChainSigner(b, bc.alg)
			addr, err := profile.ParseAddress("someone@btinternet.com")
			if err != nil {
				b.Fatal(err)
			}
			found, err := newCatalog(b).Find(b.Context(), addr, profile.IMAP)
			if err != nil {
				b.Fatal(err)
			}
			acct := found.Account(addr, profile.IMAP, "Some One")
			b.ReportAllocs()
			for b.Loop() {
				doc, err := profile.Build(acct, testOptions)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := signer.Sign(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
