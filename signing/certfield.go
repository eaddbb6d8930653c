package signing

import "bytes"

// CertificatesField finds the certificates field of a CMS SignedData in
// body, the run of DER that every signature of one Signer shares (the
// web server's profile cache keeps one copy of it):
//
//	ContentInfo ::= SEQUENCE {
//	    contentType  OID signedData,
//	    content      [0] EXPLICIT SignedData ::= SEQUENCE {
//	        version           INTEGER,
//	        digestAlgorithms  SET,
//	        encapContentInfo  SEQUENCE,
//	        certificates      [0] IMPLICIT ...,   <- body[start:end], tag and length included
//	        ...
//
// It follows the lengths, never searches the bytes, so the plist inside
// (which a visitor shapes) cannot pass for the field. ok is false for
// anything else: a plist, another structure, BER's indefinite lengths.
func CertificatesField(body []byte) (start, end int, ok bool) {
	tag, in, outer, ok := readTLV(body, 0)
	if !ok || tag != tagSequence || outer != len(body) {
		return 0, 0, false
	}
	_, _, next, ok := readTLV(body, in) // contentType
	if !ok || !bytes.Equal(body[in:next], oidSignedData) {
		return 0, 0, false
	}
	if tag, in, _, ok = readTLV(body, next); !ok || tag != tagContext0 { // content
		return 0, 0, false
	}
	if tag, in, _, ok = readTLV(body, in); !ok || tag != tagSequence { // SignedData
		return 0, 0, false
	}
	next = in
	for _, want := range []byte{tagInteger, tagSet, tagSequence} { // up to encapContentInfo
		if tag, _, next, ok = readTLV(body, next); !ok || tag != want {
			return 0, 0, false
		}
	}
	if tag, _, end, ok = readTLV(body, next); !ok || tag != tagContext0 {
		return 0, 0, false
	}
	return next, end, true
}

// readTLV reads the DER element at b[off:]: its tag (one byte: low tag
// numbers only), where its value starts and where it ends. ok is false
// when the element does not fit in b or its length is not definite.
func readTLV(b []byte, off int) (tag byte, value, end int, ok bool) {
	if off < 0 || off+2 > len(b) {
		return 0, 0, 0, false
	}
	tag, n := b[off], int(b[off+1])
	value = off + 2
	if tag&0x1f == 0x1f {
		return 0, 0, 0, false // a high tag number: none in a SignedData's head
	}
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 3 || value+k > len(b) {
			return 0, 0, 0, false // indefinite, or longer than a profile can be
		}
		n = 0
		for _, c := range b[value : value+k] {
			n = n<<8 | int(c)
		}
		value += k
	}
	if n > len(b)-value {
		return 0, 0, 0, false
	}
	return tag, value, value + n, true
}
