package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Client sends messages through one relay.
type Client struct {
	Relay Relay
	// TLS is the TLS configuration (nil: the system's roots, the relay's
	// host name); tests give their own roots.
	TLS *tls.Config
	// Timeout bounds one send, from the connection to the relay's answer.
	Timeout time.Duration
	// LocalName is the name said in EHLO.
	LocalName string
}

// Error is a send that failed: Message says what happened in words fit
// for the agent (what the relay answered, or that it did not answer);
// Temporary is a refusal the relay says may pass (4xx) or a time-out.
type Error struct {
	Message   string
	Temporary bool
	err       error
}

func (e *Error) Error() string { return "mailer: " + e.Message }
func (e *Error) Unwrap() error { return e.err }

// Send sends msg from from to the addresses in to, and returns the
// relay's answer to the message (a queue ID, typically).
func (c *Client) Send(ctx context.Context, from string, to []string, msg []byte) (string, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", c.Relay.Addr())
	if err != nil {
		return "", c.fail(ctx, err)
	}
	// The whole dialogue ends with ctx: a relay that stops answering
	// cannot hold the agent's request.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	reply, err := c.dialogue(conn, from, to, msg)
	if err != nil {
		return "", c.fail(ctx, err)
	}
	return reply, nil
}

func (c *Client) dialogue(conn net.Conn, from string, to []string, msg []byte) (string, error) {
	cfg := &tls.Config{ServerName: c.Relay.Host, MinVersion: tls.VersionTLS12}
	if c.TLS != nil {
		cfg = c.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = c.Relay.Host
		}
	}
	var (
		sc  *smtp.Client
		err error
	)
	if c.Relay.Implicit {
		sc = smtp.NewClient(tls.Client(conn, cfg))
	} else if sc, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
		return "", err
	}
	defer sc.Close()
	if c.LocalName != "" {
		if err := sc.Hello(c.LocalName); err != nil {
			return "", err
		}
	}
	if err := sc.Auth(sasl.NewPlainClient("", c.Relay.User, c.Relay.password)); err != nil {
		return "", err
	}
	if err := sc.Mail(from, nil); err != nil {
		return "", err
	}
	for _, rcpt := range to {
		if err := sc.Rcpt(rcpt, nil); err != nil {
			return "", err
		}
	}
	w, err := sc.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(msg); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	_ = sc.Quit()
	return strings.TrimSpace(fmt.Sprintf("250 %s", resp.StatusText)), nil
}

// fail describes err for the agent, without the password (which only the
// AUTH command carries, and no error repeats).
func (c *Client) fail(ctx context.Context, err error) error {
	var se *smtp.SMTPError
	switch {
	case errors.As(err, &se):
		code := fmt.Sprintf("%d", se.Code)
		if se.EnhancedCode != (smtp.EnhancedCode{}) && se.EnhancedCode != smtp.NoEnhancedCode {
			code += fmt.Sprintf(" %d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
		}
		return &Error{Message: "the relay answered " + code + " " + strings.TrimSpace(se.Message), Temporary: se.Temporary(), err: err}
	case ctx.Err() != nil:
		return &Error{Message: "the relay did not answer in time", Temporary: true, err: err}
	}
	return &Error{Message: "the relay could not be reached: " + err.Error(), Temporary: true, err: err}
}
