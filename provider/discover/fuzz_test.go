package discover

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"
)

// scriptConn is a net.Conn that reads a fixed script and discards writes.
type scriptConn struct {
	r io.Reader
}

func (c *scriptConn) Read(b []byte) (int, error)       { return c.r.Read(b) }
func (c *scriptConn) Write(b []byte) (int, error)      { return len(b), nil }
func (c *scriptConn) Close() error                     { return nil }
func (c *scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzDialogue feeds arbitrary server output to the IMAP, POP3 and SMTP
// dialogues: they must never panic, and never report a sign-in method
// for a STARTTLS server without a completed handshake (which a script
// cannot provide).
func FuzzDialogue(f *testing.F) {
	f.Add(uint8(0), false, []byte("* OK hi\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na1 OK done\r\n"))
	f.Add(uint8(0), true, []byte("* OK hi\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK\r\na2 OK go\r\n"))
	f.Add(uint8(1), false, []byte("+OK hi\r\n+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n"))
	f.Add(uint8(1), true, []byte("+OK hi\r\n+OK\r\nSTLS\r\n.\r\n+OK\r\n"))
	f.Add(uint8(2), false, []byte("220-a\r\n220 b\r\n250-x\r\n250-AUTH=LOGIN PLAIN\r\n250 SIZE 1\r\n"))
	f.Add(uint8(2), true, []byte("220 a\r\n250-x\r\n250 STARTTLS\r\n220 go\r\n"))
	f.Fuzz(func(t *testing.T, kind uint8, starttls bool, script []byte) {
		s := newSession(&scriptConn{r: bytes.NewReader(script)}, &tls.Config{ServerName: "x.test"})
		ctx := context.Background()
		var auth string
		var err error
		switch kind % 3 {
		case 0:
			auth, err = probeIMAP(ctx, s, starttls)
		case 1:
			auth, err = probePOP(ctx, s, starttls)
		default:
			auth, err = probeSMTP(ctx, s, starttls)
		}
		if err == nil && auth == "" {
			t.Errorf("dialogue succeeded without an auth method")
		}
		if err == nil && starttls {
			t.Errorf("STARTTLS dialogue succeeded without a TLS handshake")
		}
	})
}

// FuzzSMTPLine checks the reply-line parser's contract.
func FuzzSMTPLine(f *testing.F) {
	for _, s := range []string{"250 ok", "250-more", "220", "999 x", "25", "abc d", "250x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, l string) {
		code, text, more, err := parseSMTPLine(l)
		if err != nil {
			return
		}
		if code < 200 || code > 599 || len(text) > len(l) || (more && l[3] != '-') {
			t.Errorf("parseSMTPLine(%q) = %d, %q, %v", l, code, text, more)
		}
	})
}
