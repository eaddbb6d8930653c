package discover

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
)

const (
	maxLine  = 2048 // the longest server line read
	maxLines = 100  // the most lines in one reply
	// ehloName names us in SMTP EHLO; .invalid (RFC 2606) says it is not
	// a real host.
	ehloName = "mailprofile.invalid"
)

// session is a line-based conversation with a mail server that can be
// upgraded to TLS.
type session struct {
	conn net.Conn
	r    *bufio.Reader
	tls  *tls.Config
}

func newSession(c net.Conn, cfg *tls.Config) *session {
	return &session{conn: c, r: bufio.NewReaderSize(c, maxLine), tls: cfg}
}

// line reads one line without its CR LF.
func (s *session) line() (string, error) {
	b, err := s.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", fmt.Errorf("server sent a line longer than %d bytes", maxLine)
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func (s *session) send(cmd string) error {
	_, err := s.conn.Write([]byte(cmd + "\r\n"))
	return err
}

// startTLS runs the TLS handshake, verifying the certificate for the host
// name. Anything the server sent before the handshake is refused: it
// would be read as if it had come over TLS (CVE-2011-0411 and kin).
func (s *session) startTLS(ctx context.Context) error {
	if s.r.Buffered() > 0 {
		return errors.New("server sent data before the TLS handshake")
	}
	tc := tls.Client(s.conn, s.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("TLS: %w", err)
	}
	s.conn, s.r = tc, bufio.NewReaderSize(tc, maxLine)
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
