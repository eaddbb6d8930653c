package web

import (
	"bytes"
	"testing"

	"github.com/mailprofile/mailprofile/signing"
)

// The DER tags and the signedData OID (1.2.840.113549.1.7.2) the tests'
// hand-made SignedData heads are written with.
const (
	tagInteger  = 0x02
	tagOID      = 0x06
	tagSequence = 0x30
	tagSet      = 0x31
	tagContext0 = 0xa0 // [0], constructed
)

var oidSignedData = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02}

// chainField is the CMS certificates field of s's signatures: the leaf
// and the intermediates, tagged [0].
func chainField(s *signing.Signer) []byte {
	var certs []byte
	for _, c := range s.Chain() {
		certs = append(certs, c.Raw...)
	}
	return tlv(tagContext0, certs)
}

// tlv encodes a DER element (definite lengths up to 64 KiB) for the
// hand-made bodies below.
func tlv(tag byte, parts ...[]byte) []byte {
	value := bytes.Join(parts, nil)
	n := len(value)
	var b []byte
	switch {
	case n < 0x80:
		b = []byte{tag, byte(n)}
	case n < 0x100:
		b = []byte{tag, 0x81, byte(n)}
	default:
		b = []byte{tag, 0x82, byte(n >> 8), byte(n)}
	}
	return append(b, value...)
}

// signedDataEndingIn is a ContentInfo whose SignedData ends with field:
// the certificates, when field is a chain, are the body's last bytes.
func signedDataEndingIn(field []byte) []byte {
	sd := tlv(tagSequence, tlv(tagInteger, []byte{1}), tlv(tagSet), tlv(tagSequence, tlv(tagOID, []byte{1})), field)
	return tlv(tagSequence, tlv(tagOID, oidSignedData), tlv(tagContext0, sd))
}

// TestSplitBody holds the parts of every body, split or not, to the body
// itself, byte for byte, and checks which bodies lose their chain.
func TestSplitBody(t *testing.T) {
	signer := newChainSigner(t, "ecdsa")
	chain := chainField(signer)
	sign := func(content []byte) []byte {
		t.Helper()
		b, err := signer.Sign(content)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signed := sign([]byte("<plist>a profile</plist>"))
	twice := sign(chain) // the run in the signed content, then in the field
	tests := []struct {
		name      string
		body      []byte
		wantChain []byte // nil: kept whole
	}{
		{name: "signed", body: signed, wantChain: chain},
		{name: "run twice", body: twice, wantChain: chain},
		{name: "run at the end", body: signedDataEndingIn(chain), wantChain: chain},
		{name: "run at the start, no SignedData around it", body: append(bytes.Clone(chain), "<plist/>"...)},
		{name: "run alone", body: chain},
		{name: "unsigned", body: []byte(`<?xml version="1.0"?><plist version="1.0"><dict/></plist>`)},
		{name: "empty", body: nil},
		{name: "no certificates", body: signedDataEndingIn(tlv(tagSet))},
		{name: "cut short", body: signed[:len(signed)-1]},
		{name: "a byte after it", body: append(bytes.Clone(signed), 0)},
		{name: "indefinite length", body: append([]byte{tagSequence, 0x80}, signed[2:]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitBody(tt.body)
			checkJoins(t, got, tt.body)
			if !bytes.Equal(got.chain, tt.wantChain) || (got.chain == nil) != (tt.wantChain == nil) {
				t.Errorf("splitBody().chain = %d bytes, want %d", len(got.chain), len(tt.wantChain))
			}
			if tt.wantChain != nil && got.at != bytes.LastIndex(tt.body, tt.wantChain) {
				t.Errorf("splitBody().at = %d, want %d: not the certificates field", got.at, bytes.LastIndex(tt.body, tt.wantChain))
			}
		})
	}
}

// checkJoins fails unless b, joined or written, is want.
func checkJoins(t *testing.T, b profileBody, want []byte) {
	t.Helper()
	if got := b.bytes(); !bytes.Equal(got, want) {
		t.Errorf("joined = %x, want %x", got, want)
	}
	if b.len() != len(want) {
		t.Errorf("len() = %d, want %d", b.len(), len(want))
	}
	var w bytes.Buffer
	if n, err := b.writeTo(&w); err != nil || n != len(want) || !bytes.Equal(w.Bytes(), want) {
		t.Errorf("writeTo() = %d, %v, wrote %x; want %d, nil, %x", n, err, w.Bytes(), len(want), want)
	}
}

// FuzzSplitBody holds the parts of any body to the body.
func FuzzSplitBody(f *testing.F) {
	signer := newChainSigner(f, "ecdsa")
	chain := chainField(signer)
	signed, err := signer.Sign([]byte("<plist/>"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(signedDataEndingIn(chain))
	f.Add([]byte("<plist/>"))
	f.Fuzz(func(t *testing.T, body []byte) {
		b := splitBody(body)
		checkJoins(t, b, body)
		if b.chain != nil && (b.chain[0] != tagContext0 || b.at > len(b.rest)) {
			t.Errorf("splitBody(%x) cut out %x at %d", body, b.chain, b.at)
		}
	})
}
