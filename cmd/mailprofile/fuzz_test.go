package main

import (
	"bytes"
	"strings"
	"testing"
)

// configCommands are the subcommands whose flags parseConfig reads.
var configCommands = []string{"serve", "generate", "inspect", "lookup", "user"}

// FuzzParseConfig feeds fuzzed arguments (one per line) and environment
// (NAME=value lines) to parseConfig: it never panics, and a configuration
// it accepts validates again.
func FuzzParseConfig(f *testing.F) {
	f.Add(uint8(0), "--addr\n127.0.0.1:1234", "MAILPROFILE_DATA_DIR=/srv/mp\nMAILPROFILE_UNSIGNED=true")
	f.Add(uint8(0), "--rate-limit=-1\n--trusted-proxies\n10.0.0.0/8, ::1", "MAILPROFILE_RATE_BURST=lots")
	f.Add(uint8(0), "--tls-cert\nc.pem\n--acme-domain\nexample.com", "MAILPROFILE_ACME_DIRECTORY=http://x")
	f.Add(uint8(1), "--email\nsomeone@btinternet.com\n--type\npop\n--\n-o", "MAILPROFILE_SIGN_CERT=c.pem")
	f.Add(uint8(2), "--ca\nroots.pem\nfile.mobileconfig\n--json", "")
	f.Add(uint8(3), "someone@btinternet.com\n--discovery-timeout\n0s", "MAILPROFILE_ISPDB_URL=ftp://x")
	f.Add(uint8(4), "--database-url\nmysql://x", "MAILPROFILE_LOG_LEVEL=loud")
	f.Add(uint8(0), "-h", "MAILPROFILE_SESSION_IDLE=-1h")
	f.Fuzz(func(t *testing.T, which uint8, args, env string) {
		cmd := configCommands[int(which)%len(configCommands)]
		var argv []string
		if args != "" {
			argv = strings.Split(args, "\n")
		}
		vars := map[string]string{}
		for _, line := range strings.Split(env, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				vars[k] = v
			}
		}
		lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
		var out bytes.Buffer
		cfg, pos, err := parseConfig(cmd, argv, lookup, &out)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("parseConfig(%q, %q) = empty error", cmd, argv)
			}
			return
		}
		if cfg == nil || len(pos) > len(argv) {
			t.Fatalf("parseConfig(%q, %q) = %+v, %q", cmd, argv, cfg, pos)
		}
		if err := cfg.Validate(cmd); err != nil {
			t.Fatalf("parseConfig(%q, %q) accepted a config that does not validate: %v", cmd, argv, err)
		}
		if cmd == "serve" {
			if _, err := parsePrefixes(cfg.TrustedProxies); err != nil {
				t.Fatalf("parseConfig(%q) accepted --trusted-proxies %q: %v", argv, cfg.TrustedProxies, err)
			}
			if cfg.RateBurst < 0 || cfg.SessionIdle <= 0 || cfg.SessionIdle > cfg.SessionMax {
				t.Fatalf("parseConfig(%q) accepted %+v", argv, cfg)
			}
		}
	})
}
