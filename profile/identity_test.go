package profile

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// referenceUUID is derivedUUID written with crypto/hmac.
func referenceUUID(secret []byte, parts ...string) string {
	m := hmac.New(sha256.New, secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	var u [16]byte
	copy(u[:], m.Sum(nil))
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	h := strings.ToUpper(hex.EncodeToString(u[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func TestDerivedUUIDHMAC(t *testing.T) {
	long := strings.Repeat("local-part.", 40) + "@example.com" // past the 256-byte buffer
	for _, secret := range [][]byte{
		nil, []byte("s"), bytes.Repeat([]byte{0xa5}, 32),
		bytes.Repeat([]byte{1}, 64), bytes.Repeat([]byte{2}, 65), bytes.Repeat([]byte{3}, 200), // past one block: hashed first
	} {
		for _, parts := range [][]string{
			{"com.example.mail.someone_40btinternet.com", "profile", "imap"},
			{"", "", ""}, {long, "mail", "pop"}, {},
		} {
			if got, want := derivedUUID(secret, parts...), referenceUUID(secret, parts...); got != want {
				t.Errorf("derivedUUID(%d-byte secret, %q) = %s, crypto/hmac gives %s", len(secret), parts, got, want)
			}
		}
	}
}

func FuzzDerivedUUID(f *testing.F) {
	f.Add([]byte("secret"), "com.example.mail.someone_40btinternet.com", "imap")
	f.Add(bytes.Repeat([]byte{7}, 70), strings.Repeat("x", 300), "")
	f.Fuzz(func(t *testing.T, secret []byte, id, proto string) {
		if got, want := derivedUUID(secret, id, "mail", proto), referenceUUID(secret, id, "mail", proto); got != want {
			t.Errorf("derivedUUID = %s, crypto/hmac gives %s", got, want)
		}
	})
}
