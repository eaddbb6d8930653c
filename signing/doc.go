// Package signing signs configuration profiles as CMS SignedData, the form
// iOS and macOS accept for a signed .mobileconfig, and checks such files.
//
// The package is pure: it takes PEM bytes, content bytes and the current time
// and returns values. Reading the certificate and key files, writing the
// self-signed pair to disk and logging are the caller's job.
//
// What the device requires (apple-profiles.md §5): exactly one signer, the
// content attached (never detached), a SHA-256 digest, an RSA or ECDSA key,
// and the intermediates embedded, because devices do not reliably fetch them.
// A profile that replaces an installed signed profile must be signed with the
// identical leaf certificate, so a long-lived signing certificate is better
// than a rotating TLS one (see [NewSelfSigned]).
//
// Sign writes the CMS with a fixed-shape DER writer (cms.go): Load encodes
// the certificates, the signer's name and the algorithm identifiers once,
// and each signature only adds the content, the signed attributes and the
// signature. Its output is held byte for byte to go.mozilla.org/pkcs7's by
// tests and fuzzing. pkcs7 parses and verifies; it is imported only by
// verify.go (and the tests), so that swapping it for a fork is a one-file
// change.
package signing
