// Package mailer sends the helpdesk's email: a message built here (text
// and HTML, inline images, the headers RFC 5322 and RFC 3834 ask for)
// through the operator's relay, over TLS only (smtps://, or smtp:// with
// STARTTLS required) and with a password, which no error ever shows.
package mailer
