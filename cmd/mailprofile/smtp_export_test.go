package main

import (
	"reflect"

	"github.com/mailprofile/mailprofile/mailer"
	"github.com/mailprofile/mailprofile/web"
)

// mailerPassword reads the relay's password, which mailer keeps
// unexported so that nothing prints it by accident.
func mailerPassword(hc web.HelpdeskConfig) string {
	c := hc.Mail.Mailer.(*mailer.Client)
	return reflect.ValueOf(c.Relay).FieldByName("password").String()
}
