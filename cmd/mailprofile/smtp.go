package main

import (
	"fmt"
	"net/mail"
	"os"
	"strings"

	"github.com/mailprofile/mailprofile/mailer"
	"github.com/mailprofile/mailprofile/web"
	"github.com/mailprofile/mailprofile/web/helpdesk"
)

// validateSMTP checks the relay's settings; no message quotes the URL,
// which may hold the password.
func (c *Config) validateSMTP(bad func(flagName, format string, args ...any)) {
	if c.SMTPURL == "" {
		for _, f := range []struct{ name, value string }{{"smtp-from", c.SMTPFrom}, {"smtp-reply-to", c.SMTPReplyTo}, {"smtp-password-file", c.SMTPPasswordFile}} {
			if f.value != "" {
				bad(f.name, "needs --smtp-url")
			}
		}
		return
	}
	// The password may be in a file read only at start: check the rest.
	if _, err := mailer.ParseURL(c.SMTPURL, "checked later"); err != nil {
		bad("smtp-url", "%v", err)
	}
	if c.SMTPFrom == "" {
		bad("smtp-from", "is required with --smtp-url")
	} else if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		bad("smtp-from", "%q is not an address such as \"Example ISP <helpdesk@example.com>\"", c.SMTPFrom)
	}
	if c.SMTPReplyTo != "" {
		if _, err := mail.ParseAddress(c.SMTPReplyTo); err != nil {
			bad("smtp-reply-to", "%q is not an address", c.SMTPReplyTo)
		}
	}
	if c.SMTPTimeout <= 0 {
		bad("smtp-timeout", "must be positive")
	}
}

// smtpMail is the helpdesk's mail settings, or none without --smtp-url.
// The password comes from --smtp-password-file, else
// $MAILPROFILE_SMTP_PASSWORD, else the URL.
func smtpMail(cfg *Config) (web.HelpdeskConfig, error) {
	var hc web.HelpdeskConfig
	if cfg.SMTPURL == "" {
		return hc, nil
	}
	password := cfg.SMTPPassword
	if cfg.SMTPPasswordFile != "" {
		b, err := readLimited(cfg.SMTPPasswordFile, 4096)
		if err != nil {
			return hc, fmt.Errorf("--smtp-password-file: %w", err)
		}
		password, _, _ = strings.Cut(string(b), "\n")
		password = strings.TrimSuffix(password, "\r")
	}
	relay, err := mailer.ParseURL(cfg.SMTPURL, password)
	if err != nil {
		return hc, fmt.Errorf("--smtp-url: %w", err)
	}
	from, _ := mail.ParseAddress(cfg.SMTPFrom)
	hc.Mail = helpdesk.MailConfig{Mailer: &mailer.Client{Relay: relay, Timeout: cfg.SMTPTimeout, LocalName: hostName()},
		From: *from, Timeout: cfg.SMTPTimeout}
	if cfg.SMTPReplyTo != "" {
		hc.Mail.ReplyTo, _ = mail.ParseAddress(cfg.SMTPReplyTo)
	}
	return hc, nil
}

// hostName is this machine's name for EHLO.
func hostName() string {
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \t\r\n") {
		return h
	}
	return "localhost"
}
