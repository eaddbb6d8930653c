package signing

import (
	"testing"
	"time"
)

// FuzzSignMatchesPKCS7 holds the CMS writer to go.mozilla.org/pkcs7 for any
// content and signing time: byte for byte the same CMS, with the signature
// made once and remembered (see pkcs7SignAt). wide picks a time from all of
// encoding/asn1's range (years 0 to 9999, GeneralizedTime outside 1950 to
// 2049) instead of UTCTime's; key picks the signer and, with its high bit,
// a time zone other than UTC.
func FuzzSignMatchesPKCS7(f *testing.F) {
	ecPKI := newTestPKI(f, pkiOptions{alg: "ecdsa"})
	rsaPKI := newTestPKI(f, pkiOptions{alg: "rsa"})
	signers := []*Signer{ecPKI.signer(f), rsaPKI.signer(f)}
	f.Add([]byte("<plist><dict/></plist>"), int64(1767225600), uint32(0), false, uint8(0))
	f.Add(plistContent(), int64(-631152000), uint32(999999999), false, uint8(1))
	f.Add(testContent(128), int64(2524607999), uint32(1), true, uint8(0x80))
	f.Add([]byte{0}, int64(-62167219200), uint32(0), true, uint8(0x81))

	utcFrom := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	utcUntil := time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	wideFrom := time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC).Unix() // a year past each end
	wideUntil := time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	zone := time.FixedZone("UTC-09:30", -(9*3600 + 30*60))
	f.Fuzz(func(t *testing.T, content []byte, sec int64, nsec uint32, wide bool, key uint8) {
		s := signers[int(key&0x7f)%len(signers)]
		from, until := utcFrom, utcUntil
		if wide {
			from, until = wideFrom, wideUntil
		}
		span := until - from
		tm := time.Unix(from+(sec%span+span)%span, int64(nsec%1e9))
		if key&0x80 != 0 {
			tm = tm.In(zone)
		}
		if len(content) == 0 {
			if _, err := s.signAt(content, tm); err == nil {
				t.Fatal("signAt(empty content) = nil error, want one")
			}
			return
		}
		memo := newMemoSigner(s.key)
		want, ok := pkcs7SignAt(t, s, memo, content, tm)
		got, err := withKey(s, memo).signAt(content, tm)
		if !ok {
			if err == nil {
				t.Fatalf("signAt(%v) = nil error; pkcs7 cannot encode that time", tm)
			}
			return
		}
		if err != nil {
			t.Fatalf("signAt(%v) = %v, want nil", tm, err)
		}
		requireSameBytes(t, got, want)
	})
}
