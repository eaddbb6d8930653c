package signing

import (
	"bytes"
	"encoding/pem"
)

// pemBlocks returns every PEM block in data. When there is none it returns a
// problem that says why, because "no PEM block" alone does not help an
// operator who passed a DER file or an empty one.
func pemBlocks(data []byte) ([]*pem.Block, string) {
	var blocks []*pem.Block
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) > 0 {
		return blocks, ""
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, "the file is empty"
	case trimmed[0] == 0x30: // ASN.1 SEQUENCE: certificates and keys in DER
		return nil, "not a PEM file: looks like DER"
	}
	return nil, "no PEM block found"
}

// isEncrypted reports whether a block uses the legacy OpenSSL PEM encryption
// ("Proc-Type: 4,ENCRYPTED").
func isEncrypted(b *pem.Block) bool {
	return bytes.Contains([]byte(b.Headers["Proc-Type"]), []byte("ENCRYPTED"))
}
