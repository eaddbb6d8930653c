package signing

import (
	"bytes"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

func TestVerifyChain(t *testing.T) {
	p := newTestPKI(t, pkiOptions{})
	other := newTestPKI(t, pkiOptions{name: "Other "})
	signed, err := p.signer(t).Sign([]byte("content"))
	if err != nil {
		t.Fatalf("Sign() = %v, want nil", err)
	}
	tests := []struct {
		name        string
		roots       *x509.CertPool
		now         time.Time
		wantChainOK bool
		wantExpired bool
		checkErr    func(error) bool
	}{
		{name: "trusted root", roots: p.roots(), now: timetest.Fixed(), wantChainOK: true,
			checkErr: func(err error) bool { return err == nil }},
		{name: "no roots", roots: nil, now: timetest.Fixed(),
			checkErr: func(err error) bool { return err == nil }},
		{name: "unknown root", roots: other.roots(), now: timetest.Fixed(),
			checkErr: func(err error) bool { return errors.As(err, new(x509.UnknownAuthorityError)) }},
		{name: "after expiry", roots: p.roots(), now: p.leaf.NotAfter.Add(time.Hour), wantExpired: true,
			checkErr: func(err error) bool {
				var invalid x509.CertificateInvalidError
				return errors.As(err, &invalid) && invalid.Reason == x509.Expired
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Verify(signed, tt.roots, tt.now)
			if err != nil {
				t.Fatalf("Verify() = %v, want nil", err)
			}
			if !v.SignatureOK {
				t.Errorf("Verify() SignatureOK = false, want true")
			}
			if v.ChainOK != tt.wantChainOK || !tt.checkErr(v.ChainErr) {
				t.Errorf("Verify() ChainOK, ChainErr = %v, %v; want %v and another error", v.ChainOK, v.ChainErr, tt.wantChainOK)
			}
			if v.Expired != tt.wantExpired {
				t.Errorf("Verify() Expired = %v, want %v", v.Expired, tt.wantExpired)
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	p := newTestPKI(t, pkiOptions{})
	signed, err := p.signer(t).Sign(plistContent())
	if err != nil {
		t.Fatalf("Sign() = %v, want nil", err)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{name: "xml plist", data: plistContent(),
			wantErr: "not a CMS signed message: the data is an unsigned XML property list"},
		{name: "binary plist", data: []byte("bplist00\xd1\x01\x02"),
			wantErr: "not a CMS signed message: the data is an unsigned binary property list"},
		{name: "empty", data: nil,
			wantErr: "not a CMS signed message: the data is empty"},
		{name: "other DER", data: p.leaf.Raw,
			wantErr: "not a CMS signed message: the data does not start with a CMS SignedData header"},
		{name: "truncated", data: signed[:len(signed)/2],
			wantErr: "not a CMS signed message: ber2der: BER tag length is more than available data"},
		{name: "trailing data", data: append(bytes.Clone(signed), 0),
			wantErr: "not a CMS signed message: 1 trailing bytes after the CMS message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Verify(tt.data, nil, timetest.Fixed())
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Verify() = %v, want %v", err, tt.wantErr)
			}
			if !errors.Is(err, ErrNotSigned) || v != nil {
				t.Errorf("Verify() = %p, %v; want nil and ErrNotSigned", v, err)
			}
		})
	}
}

// TestVerifyOpenSSL checks messages made by OpenSSL: the usual attached DER,
// BER with indefinite lengths (-stream), and the two shapes devices refuse.
func TestVerifyOpenSSL(t *testing.T) {
	requireOpenSSL(t)
	// openssl cms -sign stamps the machine's time, which cannot be given
	// to it: the certificates are made valid then, and checked then.
	now := timetest.Wall()
	from, until := now.Add(-time.Hour), now.Add(90*24*time.Hour)
	p := newTestPKI(t, pkiOptions{alg: "rsa", name: "Wall ", notBefore: from, notAfter: until})
	second := newTestPKI(t, pkiOptions{name: "Wall Second ", notBefore: from, notAfter: until})
	content := plistContent()
	secondDir := t.TempDir()
	twoSigners := []string{"-nodetach",
		"-signer", writeTemp(t, secondDir, "leaf.pem", pemCerts(second.leaf)),
		"-inkey", writeTemp(t, secondDir, "leaf.key", second.keyPEM(t))}
	tests := []struct {
		name    string
		extra   []string
		wantErr string
	}{
		{name: "attached DER", extra: []string{"-nodetach"}},
		{name: "attached BER stream", extra: []string{"-nodetach", "-stream"}},
		{name: "detached", extra: nil,
			wantErr: "the message carries no content (a detached signature); devices need it attached"},
		{name: "two signers", extra: twoSigners,
			wantErr: "the message has 2 signers; devices require exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed := opensslSign(t, p, content, tt.extra...)
			if !IsSigned(signed) {
				t.Errorf("IsSigned() = false, want true")
			}
			v, err := Verify(signed, p.roots(), now)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("Verify() = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Verify() = %v, want nil", err)
			}
			if !bytes.Equal(v.Content, content) || !v.ChainOK || !v.DigestSHA256 {
				t.Errorf("Verify() = content equal %v, chain %v (%v), sha256 %v; want true, true, true",
					bytes.Equal(v.Content, content), v.ChainOK, v.ChainErr, v.DigestSHA256)
			}
		})
	}
}

func TestIsSigned(t *testing.T) {
	p := newTestPKI(t, pkiOptions{})
	signed, err := p.signer(t).Sign([]byte("content"))
	if err != nil {
		t.Fatalf("Sign() = %v, want nil", err)
	}
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{name: "signed", data: signed, want: true},
		{name: "xml plist", data: plistContent(), want: false},
		{name: "binary plist", data: []byte("bplist00"), want: false},
		{name: "empty", data: nil, want: false},
		{name: "certificate DER", data: p.leaf.Raw, want: false},
		{name: "truncated", data: signed[:40], want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsSigned(tt.data); got != tt.want {
				t.Errorf("IsSigned() = %v, want %v", got, tt.want)
			}
		})
	}
}
