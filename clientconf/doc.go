// Package clientconf renders the documents that mail clients other than
// Apple's ask a mail service for, from the same catalog entries that the
// profiles are built from, and the DNS records that lead clients to them:
//
//   - Thunderbird's autoconfig, clientConfig v1.1 (also read by Thunderbird
//     for Android/K-9, KMail, Evolution and FairEmail);
//   - Outlook's Autodiscover: the POX 2006 request, the 2006a response
//     and the v2 JSON redirect to it;
//   - the IETF's PACC document (draft-ietf-mailmaint-pacc, -03 and later)
//     and the digest its DNS TXT record carries;
//   - the CNAME, SRV (RFC 6186, RFC 8314) and TXT records to publish.
//
// Each format says only what it can say honestly. No document lists a
// server without TLS: a profile never offers one, and neither do these.
// Autoconfig lists every other server with all its sign-in methods in the
// file's order, OAuth2 included, as Thunderbird's own ISPDB does; the
// client picks the first it supports. That includes the type="exchange"
// servers that Exchange profiles use, and the extension element that
// marks Google accounts, which other clients ignore. Autodiscover has no word for OAuth2
// or CRAM-MD5, so it carries the servers a profile would use, when they
// take a password (SPA off) or NTLM (SPA on). PACC says only "password":
// true, provider-wide, with implicit TLS on the standard ports and the
// full address as user name, and no way to say "app passwords only" or
// "switch IMAP on first"; so it lists a server only when password sign-in
// is its first method and the provider asks nothing of the user first,
// and it never advertises OAuth, whose issuer we cannot vouch for: so it
// never lists an Exchange server or a Google account either.
//
// The package is pure, like provider: no HTTP, no files, no clock, no
// logging. The web package serves these bytes and cmd prints the records.
package clientconf
