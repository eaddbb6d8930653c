package signing

import (
	"bytes"
	"crypto/x509"
	"testing"

	"go.mozilla.org/pkcs7"
)

// signWithChain is how Sign used to build the CMS: pkcs7's AddSignerChain,
// which checks the chain's signatures on every call.
func signWithChain(t *testing.T, p *testPKI, content []byte) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSignerChain(p.leaf, p.leafKey, []*x509.Certificate{p.intermediate}, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatal(err)
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestSignSameAsAddSignerChain shows that skipping the per-call chain check
// changes nothing a verifier sees: the same certificates in the same order,
// the same signer identity, digest and attributes. RSA PKCS #1 v1.5
// signatures are deterministic, so there the whole CMS must be byte for
// byte the same when signed at the signing time pkcs7 wrote.
func TestSignSameAsAddSignerChain(t *testing.T) {
	for _, alg := range []string{"rsa", "ecdsa"} {
		t.Run(alg, func(t *testing.T) {
			p := newTestPKI(t, pkiOptions{alg: alg})
			s := p.signer(t)
			content := plistContent()
			// pkcs7 stamps the machine's clock: sign at the time it wrote.
			want := signWithChain(t, p, content)
			got, err := s.signAt(content, pkcs7SigningTime(t, want))
			if err != nil {
				t.Fatalf("signAt() = %v, want nil", err)
			}
			if alg == "rsa" && !bytes.Equal(got, want) {
				t.Errorf("Sign() differs from AddSignerChain:\n got %x\nwant %x", got, want)
			}
			g, err := pkcs7.Parse(got)
			if err != nil {
				t.Fatalf("pkcs7.Parse(Sign()) = %v", err)
			}
			w, err := pkcs7.Parse(want)
			if err != nil {
				t.Fatalf("pkcs7.Parse(AddSignerChain) = %v", err)
			}
			if !bytes.Equal(g.Content, w.Content) {
				t.Errorf("content differs")
			}
			assertChain(t, "Sign() certificates", g.Certificates, w.Certificates)
			if len(g.Signers) != 1 || len(w.Signers) != 1 {
				t.Fatalf("signers = %d and %d, want 1 and 1", len(g.Signers), len(w.Signers))
			}
			gs, ws := g.Signers[0], w.Signers[0]
			if !bytes.Equal(gs.IssuerAndSerialNumber.IssuerName.FullBytes, ws.IssuerAndSerialNumber.IssuerName.FullBytes) ||
				gs.IssuerAndSerialNumber.SerialNumber.Cmp(ws.IssuerAndSerialNumber.SerialNumber) != 0 {
				t.Errorf("signer = %x/%v, want %x/%v",
					gs.IssuerAndSerialNumber.IssuerName.FullBytes, gs.IssuerAndSerialNumber.SerialNumber,
					ws.IssuerAndSerialNumber.IssuerName.FullBytes, ws.IssuerAndSerialNumber.SerialNumber)
			}
			if !bytes.Equal(gs.IssuerAndSerialNumber.IssuerName.FullBytes, p.intermediate.RawSubject) {
				t.Errorf("signer issuer is not the intermediate's subject")
			}
			if gs.Version != ws.Version ||
				!gs.DigestAlgorithm.Algorithm.Equal(ws.DigestAlgorithm.Algorithm) ||
				!gs.DigestEncryptionAlgorithm.Algorithm.Equal(ws.DigestEncryptionAlgorithm.Algorithm) {
				t.Errorf("signer algorithms = v%d %v %v, want v%d %v %v", gs.Version, gs.DigestAlgorithm.Algorithm,
					gs.DigestEncryptionAlgorithm.Algorithm, ws.Version, ws.DigestAlgorithm.Algorithm, ws.DigestEncryptionAlgorithm.Algorithm)
			}
			if len(gs.AuthenticatedAttributes) != len(ws.AuthenticatedAttributes) {
				t.Fatalf("signed attributes = %d, want %d", len(gs.AuthenticatedAttributes), len(ws.AuthenticatedAttributes))
			}
			for i, a := range gs.AuthenticatedAttributes {
				if !a.Type.Equal(ws.AuthenticatedAttributes[i].Type) {
					t.Errorf("signed attribute %d = %v, want %v", i, a.Type, ws.AuthenticatedAttributes[i].Type)
				}
			}
			// pkcs7 checks the signing time against the leaf, which is
			// valid at the test's time, not necessarily at pkcs7's.
			signed, err := s.Sign(content)
			if err != nil {
				t.Fatalf("Sign() = %v, want nil", err)
			}
			if p7, err := pkcs7.Parse(signed); err != nil {
				t.Errorf("pkcs7.Parse(Sign()) = %v", err)
			} else if err := p7.Verify(); err != nil {
				t.Errorf("pkcs7 Verify(Sign()) = %v, want nil", err)
			}
		})
	}
}
