// Command mailprofile turns an email address into a signed Apple
// configuration profile holding a ready mail account. It serves the web app
// (serve), writes one profile (generate), checks a profile (inspect),
// shows the settings found for an address (lookup), prints the DNS
// records that lead other mail clients to the server (dns) and writes the
// templates and declarations of device management (mdm, ddm).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

const usage = `mailprofile: signed Apple mail profiles for any email address

usage:
  mailprofile serve    [flags]                 run the web app
  mailprofile generate --email ADDR [--type imap|pop] [--name NAME] [-o FILE]
  mailprofile inspect  [--ca ROOT.pem] FILE    check a profile's signature and content
  mailprofile lookup   [--json] ADDR           show the settings found for an address
  mailprofile dns      --public-host HOST [--json] DOMAIN   DNS records that lead every mail client here
  mailprofile user     add|passwd|remove NAME, list   manage helpdesk accounts
  mailprofile mdm      --vendor V --domain D --type T [-o FILE]   unsigned template for a device management service
  mailprofile ddm      --domain D --type T [-o DIR|FILE.json]   declarations for Declarative Device Management

Every flag also reads MAILPROFILE_<FLAG> (e.g. --data-dir: MAILPROFILE_DATA_DIR).
Run "mailprofile COMMAND -h" for the flags of a command.
`

// env is what a command gets from the process, so tests can run it.
type env struct {
	lookupEnv func(string) (string, bool)
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer

	// setMemoryLimit is debug.SetMemoryLimit; nil in tests, which run
	// serve inside the test process.
	setMemoryLimit func(int64) int64
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{
		lookupEnv:      os.LookupEnv,
		stdin:          os.Stdin,
		stdout:         os.Stdout,
		stderr:         os.Stderr,
		setMemoryLimit: debug.SetMemoryLimit,
	}))
}

// run executes one subcommand and returns the exit code: 0 success, 1 a
// failure, 2 a usage error.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var fn func(context.Context, *Config, []string, env) error
	switch cmd {
	case "serve":
		fn = serve
	case "generate":
		fn = generate
	case "inspect":
		fn = inspect
	case "lookup":
		fn = lookup
	case "dns":
		fn = dnsRecords
	case "user":
		fn = user
	case "mdm":
		fn = mdmTemplate
	case "ddm":
		fn = ddmDeclarations
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return 0
	default:
		fmt.Fprintf(e.stderr, "mailprofile: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, pos, err := parseConfig(cmd, rest, e.lookupEnv, e.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "mailprofile %s: %s\n", cmd, strings.ReplaceAll(err.Error(), "\n", "\nmailprofile "+cmd+": "))
		return 2
	}
	if err := fn(ctx, cfg, pos, e); err != nil {
		var ue usageError
		fmt.Fprintf(e.stderr, "mailprofile %s: %v\n", cmd, err)
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a wrong use of a command (missing argument and the like).
type usageError string

func (u usageError) Error() string { return string(u) }

// newLogger builds the slog logger the settings ask for, writing to w.
func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	level, _ := parseLevel(cfg.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("%q: want debug, info, warn or error", s)
	}
	return l, nil
}
