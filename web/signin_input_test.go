package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
)

// TestSignInBadInput: a name no account can have, or an overlong
// password, is answered 400 before the database sees it; PostgreSQL
// would refuse NUL and invalid UTF-8 with an error (a 500 before).
func TestSignInBadInput(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st := openStore(t, dialect)
			addUser(t, st, testAgent, testPasswd)
			s := newTestServer(t, both(withHelpdesk(st), withClock(timetest.Fixed)))
			tests := []struct {
				name     string
				user     string
				password string
				want     string
			}{
				{name: "NUL", user: "ali\x00ce", password: testPasswd, want: msgBadName},
				{name: "invalid UTF-8", user: "ali\xffce", password: testPasswd, want: msgBadName},
				{name: "line break", user: "ali\nce", password: testPasswd, want: msgBadName},
				{name: "65 bytes", user: strings.Repeat("a", 65), password: testPasswd, want: msgBadName},
				{name: "empty", user: "  ", password: testPasswd, want: msgBadName},
				{name: "1025 characters", user: testAgent, password: strings.Repeat("é", 1025), want: msgLongPass},
			}
			for i, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					resp := postLogin(t, s, fmt.Sprintf("198.51.100.%d:1", i+1), tt.user, tt.password)
					body := readBody(t, resp)
					if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, htmlEscape(tt.want)) {
						t.Errorf("sign-in as %q: %d, want 400 and %q\n%.600s", tt.user, resp.StatusCode, tt.want, body)
					}
				})
			}
			if n := checks(t, s); n != 0 {
				t.Errorf("bad input cost %d password checks, want 0", n)
			}
			if logs := s.logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
				t.Errorf("bad input logged an error:\n%s", logs)
			}
			// The account is untouched: the right password from the
			// addresses above signs in.
			if resp := postLogin(t, s, "198.51.100.1:1", testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("sign-in after bad input: %d, want 303", resp.StatusCode)
			}
		})
	}
}

// oldHash hashes password with parameters below today's, as an earlier
// release did.
func oldHash(password string) string {
	salt := []byte("sixteen byte sal")
	key := argon2.IDKey([]byte(password), salt, 1, 8*1024, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 8*1024, 1, 1,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// TestSignInUpgradesOldHash: a hash made with older parameters is replaced
// by one with today's at the next successful sign-in, and signs in after.
func TestSignInUpgradesOldHash(t *testing.T) {
	st := openStore(t, store.SQLite)
	old := oldHash(testPasswd)
	if !store.NeedsRehash(old) {
		t.Fatalf("NeedsRehash(%q) = false", old)
	}
	ctx := context.Background()
	if err := st.CreateUser(ctx, testAgent, old, timetest.Fixed()); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, both(withHelpdesk(st), withClock(timetest.Fixed)))
	if resp := postLogin(t, s, "198.51.100.1:1", testAgent, "wrong password!!"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if u, _ := st.User(ctx, testAgent); u.PasswordHash != old {
		t.Errorf("a wrong password changed the hash to %q", u.PasswordHash)
	}
	if resp := postLogin(t, s, "198.51.100.1:1", testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the old hash: %d", resp.StatusCode)
	}
	u, err := st.User(ctx, testAgent)
	if err != nil {
		t.Fatal(err)
	}
	if u.PasswordHash == old || store.NeedsRehash(u.PasswordHash) || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash after sign-in = %q, want one with today's parameters", u.PasswordHash)
	}
	if ok, err := store.CheckPassword(u.PasswordHash, testPasswd); !ok || err != nil {
		t.Errorf("the new hash does not check: %v, %v", ok, err)
	}
	if resp := postLogin(t, s, "198.51.100.2:1", testAgent, testPasswd); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the new hash: %d", resp.StatusCode)
	}
}
