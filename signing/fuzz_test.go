package signing

import (
	"errors"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// FuzzVerify feeds arbitrary bytes to Verify and IsSigned, which inspect runs
// on files of unknown origin: no panic, and success only for a sound message.
func FuzzVerify(f *testing.F) {
	p := newTestPKI(f, pkiOptions{})
	// A short content keeps the seed small: the fuzzer minimises every new
	// interesting input (up to -fuzzminimizetime, 60s by default), which is
	// slow for kilobyte inputs and shows as "0/sec".
	signed, err := p.signer(f).Sign([]byte("<plist><dict/></plist>"))
	if err != nil {
		f.Fatalf("Sign() = %v, want nil", err)
	}
	f.Add(signed)
	f.Add(signed[:len(signed)/3])
	f.Add(plistContent())
	f.Add([]byte("bplist00"))
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80})
	roots, now := p.roots(), timetest.Fixed()
	f.Fuzz(func(t *testing.T, data []byte) {
		signed := IsSigned(data)
		v, err := Verify(data, roots, now)
		if err != nil {
			return
		}
		if !signed || !v.SignatureOK || v.Signers != 1 || v.Signer == nil || len(v.Content) == 0 {
			t.Errorf("Verify() = %+v, nil for data IsSigned calls %v; want a sound message", v, signed)
		}
	})
}

// FuzzLoad feeds arbitrary PEM input to Load: no panic, and every error is a
// *LoadError naming a part.
func FuzzLoad(f *testing.F) {
	p := newTestPKI(f, pkiOptions{})
	f.Add(p.fullchain(), p.keyPEM(f))
	f.Add(p.keyPEM(f), p.fullchain())
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), []byte(""))
	now := timetest.Fixed()
	f.Fuzz(func(t *testing.T, certPEM, keyPEM []byte) {
		s, err := Load(certPEM, keyPEM, now)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || (le.Part != PartCertificate && le.Part != PartKey) {
				t.Errorf("Load() = %v (%T), want a *LoadError with a part", err, err)
			}
			return
		}
		if s.Leaf() == nil || len(s.Chain()) == 0 {
			t.Errorf("Load() = %+v, nil; want a signer with a leaf", s)
		}
	})
}
