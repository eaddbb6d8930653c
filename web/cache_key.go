package web

import (
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// cacheKey is the SHA-256 of the canonical encoding of everything that
// shapes a profile's bytes, followed by the profile's shapeKey (see
// profileCache.key). The hash alone tells entries apart; the shape only
// tells the cache which entries to compact against one another.
type cacheKey [sha256.Size + shapeKeySize]byte

// shapeKey names the profiles that differ only by the address and the
// name: those of one provider, kind, language, signer and set of servers
// (cache_compact.go). The zero shapeKey is no shape: such an entry is
// never compacted (a key made by hand, in tests).
type shapeKey [shapeKeySize]byte

const shapeKeySize = 8

// shape is the shape of the profile of k.
func (k cacheKey) shape() shapeKey { return shapeKey(k[sha256.Size:]) }

// key hashes everything that shapes the bytes of acct's profile. signer
// is the signing certificate's identity, empty for an unsigned profile.
//
// The encoding puts first what every profile of one shape has in common,
// whose hash is the shape, and then what depends on the address and the
// name (the address, the name, the usernames, the DAV principals); the
// SHA-256 covers the whole. Each field has its length or a fixed size,
// so no two inputs share an encoding.
func (pc *profileCache) key(acct profile.Account, origin provider.Origin, signer, lang string) cacheKey {
	var stack [1024]byte // the encoding of a usual profile fits: no allocation
	b := append(stack[:0], "mailprofile cache v2\x00"...)
	b = append(b, pc.options...)
	b = appendKeyString(b, string(acct.Protocol))
	b = appendKeyBool(b, acct.Name != "") // a profile without a name has one element less
	b = appendKeyString(b, acct.Provider)
	for _, srv := range []profile.Server{acct.Incoming, acct.Outgoing} {
		b = appendKeyString(b, srv.Host)
		b = binary.AppendVarint(b, int64(srv.Port))
		b = appendKeyBool(b, srv.UseSSL)
		b = appendKeyBool(b, srv.STARTTLS)
		b = appendKeyString(b, string(srv.Auth))
	}
	b = append(b, byte(acct.Services))
	for _, srv := range []profile.DAVServer{acct.Calendar, acct.Contacts} {
		b = appendKeyString(b, srv.Host)
		b = binary.AppendVarint(b, int64(srv.Port))
	}
	b = appendKeyString(b, string(origin.Method))
	b = appendKeyString(b, string(origin.Confidence))
	b = appendKeyString(b, origin.Via)
	b = appendKeyBool(b, signer != "")
	b = appendKeyString(b, signer)
	b = appendKeyString(b, lang) // the profile's texts are in the visitor's language
	shape := maphash.Bytes(pc.seed, b)

	b = appendKeyString(b, acct.Address.String()) // the local part keeps its case in EmailAddress
	b = appendKeyString(b, acct.Address.Key())
	b = appendKeyString(b, acct.Name)
	for _, srv := range []profile.Server{acct.Incoming, acct.Outgoing} {
		b = appendKeyString(b, srv.Username)
	}
	for _, srv := range []profile.DAVServer{acct.Calendar, acct.Contacts} {
		b = appendKeyString(b, srv.PrincipalURL)
		b = appendKeyString(b, srv.Username)
	}
	var k cacheKey
	sum := sha256.Sum256(b)
	copy(k[:], sum[:])
	binary.LittleEndian.PutUint64(k[sha256.Size:], max(shape, 1)) // never the zero shape
	return k
}

// appendKeyString appends s to a key's encoding, preceded by its length,
// so that ("ab", "c") and ("a", "bc") encode differently.
func appendKeyString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendKeyBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}
