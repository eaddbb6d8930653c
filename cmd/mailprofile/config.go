package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile/mdm"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web"
)

// Config is every setting of every subcommand, filled from flags whose
// defaults come from MAILPROFILE_<FLAG> environment variables.
type Config struct {
	// Shared by serve, generate and lookup.
	DataDir          string
	SignCert         string
	SignKey          string
	Unsigned         bool
	Providers        string
	Organization     string
	IdentifierPrefix string
	ProfileName      string
	ProfileDesc      string
	ProfileSignIn    string
	LogFormat        string
	LogFlush         time.Duration
	LogLevel         string

	// serve
	Addr            string
	ServiceName     string
	Logo            string
	AccentColor     string
	SupportURL      string
	SupportPhone    string
	RateLimit       float64
	RateBurst       int
	ShutdownTimeout time.Duration
	ProfileCache    int

	// generate
	Email    string
	Type     string
	Device   string
	Name     string
	Lang     string
	Output   string
	Services string

	// inspect, lookup and dns
	CAFile string
	JSON   bool

	// dns: the host name clients reach this server at over HTTPS.
	PublicHost string

	// mdm and ddm: the templates and declarations of one domain.
	Domain string
	Vendor string
	// The generic vendor's variables (mdm).
	AddressVariable   string
	NameVariable      string
	LocalPartVariable string
	// CredentialURL is where a DDM server serves each user's user name
	// (ddm).
	CredentialURL string

	// Discovery of settings for domains outside the catalog (serve,
	// generate, lookup).
	Discovery        bool
	ISPDBURL         string
	DNSServer        string
	DiscoveryTimeout time.Duration
	SignDiscovered   bool
	// Discovery's bounds (serve).
	DiscoveryConcurrency int
	DiscoveryPerClient   int

	// TLS (serve).
	TLSCert       string
	TLSKey        string
	ACMEDomain    string
	ACMEDirectory string
	ACMEEmail     string
	ACMECACert    string

	// The helpdesk (serve, user).
	DatabaseURL    string
	AuthHeader     string
	TrustedProxies string
	AuditRetention time.Duration
	SessionIdle    time.Duration
	SessionMax     time.Duration
	// SignInConcurrency bounds the password hashes of helpdesk sign-ins
	// that run at once; 0 sizes it from the cores and the memory limit.
	SignInConcurrency int

	// The relay that sends helpdesk links by email (serve). The password
	// comes from the URL, SMTPPasswordFile or $MAILPROFILE_SMTP_PASSWORD
	// (SMTPPassword), never from a flag of its own.
	SMTPURL          string
	SMTPPasswordFile string
	SMTPPassword     string
	SMTPFrom         string
	SMTPReplyTo      string
	SMTPTimeout      time.Duration
}

// envSMTPPassword holds the relay's password, for those who keep it out
// of the URL and of files.
const envSMTPPassword = "MAILPROFILE_SMTP_PASSWORD"

// envName is the environment variable for a flag: --data-dir reads
// MAILPROFILE_DATA_DIR.
func envName(flagName string) string {
	return "MAILPROFILE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envFlags registers flags whose defaults come from the environment. A
// malformed variable is remembered and reported by parse, naming it.
type envFlags struct {
	fs        *flag.FlagSet
	lookupEnv func(string) (string, bool)
	errs      []error
}

func (e *envFlags) env(name string) (string, bool) {
	return e.lookupEnv(envName(name))
}

func (e *envFlags) String(p *string, name, def, usage string) {
	def = envDefault(e, name, def, func(s string) (string, error) { return s, nil }, "")
	e.fs.StringVar(p, name, def, usage+" ($"+envName(name)+")")
}

// envDefault returns the flag's default: the environment variable parsed
// with parse when set, def otherwise. A malformed value is remembered with
// what was wanted. A string variable set to nothing is an empty string (so
// MAILPROFILE_ISPDB_URL= turns the ISPDB off); other types treat it as
// unset.
func envDefault[T any](e *envFlags, name string, def T, parse func(string) (T, error), want string) T {
	v, ok := e.env(name)
	if !ok || (v == "" && want != "") {
		return def
	}
	x, err := parse(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want %s", envName(name), v, want))
		return def
	}
	return x
}

func (e *envFlags) Bool(p *bool, name string, def bool, usage string) {
	def = envDefault(e, name, def, strconv.ParseBool, "true or false")
	e.fs.BoolVar(p, name, def, usage+" ($"+envName(name)+")")
}

func (e *envFlags) Int(p *int, name string, def int, usage string) {
	def = envDefault(e, name, def, strconv.Atoi, "a whole number")
	e.fs.IntVar(p, name, def, usage+" ($"+envName(name)+")")
}

func (e *envFlags) Float(p *float64, name string, def float64, usage string) {
	parse := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	def = envDefault(e, name, def, parse, "a number")
	e.fs.Float64Var(p, name, def, usage+" ($"+envName(name)+")")
}

func (e *envFlags) Duration(p *time.Duration, name string, def time.Duration, usage string) {
	def = envDefault(e, name, def, time.ParseDuration, "a duration such as 15s")
	e.fs.DurationVar(p, name, def, usage+" ($"+envName(name)+")")
}

// maxSignInConcurrency bounds --sign-in-concurrency: each hash takes
// 19 MiB and a core.
const maxSignInConcurrency = 64

// Defaults of the operator's settings.
const (
	defaultAddr             = "127.0.0.1:8080"
	defaultDataDir          = "./data"
	defaultOrganization     = "mailprofile"
	defaultIdentifierPrefix = "local.mailprofile"
)

const providersUsage = "folder of clientConfig v1.1 XML files that add to and override the built-in catalog"

// parseConfig reads the flags of one subcommand. It returns the remaining
// positional arguments. Output goes to w (usage and flag errors).
func parseConfig(cmd string, args []string, lookupEnv func(string) (string, bool), w io.Writer) (*Config, []string, error) {
	cfg := &Config{}
	fs := flag.NewFlagSet("mailprofile "+cmd, flag.ContinueOnError)
	fs.SetOutput(w)
	e := &envFlags{fs: fs, lookupEnv: lookupEnv}

	if cmd != "inspect" {
		e.String(&cfg.DataDir, "data-dir", defaultDataDir, "folder for the signing certificate, the identifier secret and the database")
		e.String(&cfg.LogFormat, "log-format", "text", "log format: text or json")
		e.String(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	}
	if cmd == "serve" || cmd == "generate" || cmd == "lookup" {
		e.String(&cfg.Providers, "providers", "", providersUsage)
		e.Bool(&cfg.Discovery, "discovery", true, "find settings for domains outside the catalog (autoconfig, ISPDB, MX, SRV, probing); false: catalog only, no network")
		e.String(&cfg.ISPDBURL, "ispdb-url", discover.DefaultISPDBURL, "ISPDB service, fetched as URL+domain; empty turns it off")
		e.String(&cfg.DNSServer, "dns-server", "", "DNS server for discovery, host or host:port (default: the system's)")
		e.Duration(&cfg.DiscoveryTimeout, "discovery-timeout", discover.DefaultBudget, "time budget of one discovery")
	}
	if cmd == "serve" || cmd == "user" {
		e.String(&cfg.DatabaseURL, "database-url", "", "helpdesk database: empty for SQLite in the data folder, or postgres://user@host/db")
	}
	if cmd == "mdm" || cmd == "ddm" {
		e.String(&cfg.Providers, "providers", "", providersUsage)
		e.String(&cfg.IdentifierPrefix, "identifier-prefix", defaultIdentifierPrefix, "reverse-DNS prefix of identifiers; set it once and keep it")
		e.String(&cfg.Domain, "domain", "", "mail domain, from the catalog or --providers (required)")
		e.String(&cfg.Type, "type", "", "account type: imap, pop, exchange or google (required)")
		e.String(&cfg.Output, "o", "", outputUsage[cmd])
	}
	if cmd == "mdm" {
		e.String(&cfg.Vendor, "vendor", "", "device management service: "+strings.Join(mdm.IDs(), ", ")+" (required)")
		e.String(&cfg.AddressVariable, "address-variable", "", "generic vendor: the variable your MDM replaces with the user's address")
		e.String(&cfg.NameVariable, "name-variable", "", "generic vendor: the variable for the user's full name (default: no name)")
		e.String(&cfg.LocalPartVariable, "local-part-variable", "", "generic vendor: the variable for the part of the address before the @ (default: none)")
		e.String(&cfg.Organization, "org", defaultOrganization, "organization name shown as the profile's source")
		e.String(&cfg.ProfileName, "profile-name", profile.DefaultDisplayName, "profile display name; {provider}, {email} and {organization} are replaced")
		e.String(&cfg.ProfileDesc, "profile-description", profile.DefaultDescription, "profile description; same placeholders")
		e.String(&cfg.ProfileSignIn, "profile-signin-description", profile.DefaultSignInDescription, "description of Exchange and Google profiles; same placeholders")
	}
	if cmd == "ddm" {
		e.String(&cfg.CredentialURL, "credential-url", "", "imap and pop: https URL where your DDM server serves each user's user name, without a password")
	}
	if cmd == "serve" || cmd == "generate" {
		e.Bool(&cfg.SignDiscovered, "sign-discovered", false, "also sign profiles whose settings were found at run time (signing vouches for the servers)")
		e.String(&cfg.SignCert, "sign-cert", "", "signing certificate PEM: the leaf first, then intermediates (fullchain.pem)")
		e.String(&cfg.SignKey, "sign-key", "", "signing key PEM: PKCS#1, PKCS#8 or SEC1; RSA or ECDSA")
		e.Bool(&cfg.Unsigned, "unsigned", false, "serve plain, unsigned profiles")
		e.String(&cfg.Organization, "org", defaultOrganization, "organization name shown as the profile's source")
		e.String(&cfg.IdentifierPrefix, "identifier-prefix", defaultIdentifierPrefix, "reverse-DNS prefix of profile identifiers; set it once and keep it")
		e.String(&cfg.ProfileName, "profile-name", "", "profile display name, in every language; {provider}, {email} and {organization} are replaced (default: \""+profile.DefaultDisplayName+"\" in the visitor's language)")
		e.String(&cfg.ProfileDesc, "profile-description", "", "profile description, in every language; same placeholders (default: in the visitor's language)")
		e.String(&cfg.ProfileSignIn, "profile-signin-description", "", "description of Exchange and Google profiles, which sign in after installing, in every language; same placeholders (default: in the visitor's language)")
	}
	switch cmd {
	case "serve":
		e.String(&cfg.Addr, "addr", defaultAddr, "address to listen on")
		e.String(&cfg.ServiceName, "service-name", "", "name of the service shown on the pages (default: \"Mail setup\" in the visitor's language)")
		e.String(&cfg.Logo, "logo", "", "logo image file shown on the pages (SVG, PNG, JPEG, WebP or GIF, at most 256 KiB)")
		e.String(&cfg.AccentColor, "accent-color", "", "accent colour of buttons and links, as #rrggbb")
		e.String(&cfg.SupportURL, "support-url", "", "where visitors get help: an https:, http: or mailto: URL")
		e.String(&cfg.SupportPhone, "support-phone", "", "helpdesk phone number shown on the pages")
		e.Float(&cfg.RateLimit, "rate-limit", 5, "requests per second allowed per client address on public endpoints (0: no limit)")
		e.Int(&cfg.RateBurst, "rate-burst", 30, "burst of requests allowed per client address")
		e.Duration(&cfg.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to wait for requests in flight on shutdown")
		e.Duration(&cfg.LogFlush, "log-flush", logFlushEvery, "how long log lines may wait to be written together; warnings and errors are written at once (0: every line at once)")
		e.Int(&cfg.DiscoveryConcurrency, "discovery-concurrency", discover.DefaultMaxLookups, "lookups of new domains in flight at once; beyond it they are refused at once (503, Retry-After)")
		e.Int(&cfg.DiscoveryPerClient, "discovery-per-client", discover.DefaultClientLookups, "new domains one client address may look up per minute, in bursts as large; beyond it 429 (0: no per-client budget)")
		e.Int(&cfg.ProfileCache, "profile-cache", web.DefaultProfileCacheSize, "finished profiles kept in memory, so a repeat download costs no signature; a typical one counts about 1 KiB, kept against the first profile of its provider and kind (0: off)")
		e.String(&cfg.TLSCert, "tls-cert", "", "serve HTTPS with this certificate chain (PEM); default plain HTTP, e.g. behind a proxy")
		e.String(&cfg.TLSKey, "tls-key", "", "private key of --tls-cert (PEM, mode 0600)")
		e.String(&cfg.ACMEDomain, "acme-domain", "", "get HTTPS certificates automatically for these comma-separated names (TLS-ALPN-01 on this listener, port 443)")
		e.String(&cfg.ACMEDirectory, "acme-directory", letsEncrypt, "ACME directory URL")
		e.String(&cfg.ACMEEmail, "acme-email", "", "contact address for the ACME account")
		e.String(&cfg.ACMECACert, "acme-ca-cert", "", "PEM file of the CA that signs a private ACME server's own HTTPS certificate")
		e.String(&cfg.AuthHeader, "auth-header", "", "header with the helpdesk user's name set by a single-sign-on proxy; trusted only from --trusted-proxies")
		e.String(&cfg.TrustedProxies, "trusted-proxies", "", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-* headers are trusted")
		e.Duration(&cfg.AuditRetention, "audit-retention", 0, "delete helpdesk audit events older than this, e.g. 8760h (0: keep them)")
		e.Duration(&cfg.SessionIdle, "session-idle", time.Hour, "helpdesk sessions end after this long without a request")
		e.Duration(&cfg.SessionMax, "session-max", 12*time.Hour, "helpdesk sessions end this long after sign-in")
		e.String(&cfg.SMTPURL, "smtp-url", "", "relay that sends helpdesk links by email: smtp://user@host:587 (STARTTLS required) or smtps://user@host:465; password in the URL, --smtp-password-file or $"+envSMTPPassword)
		e.String(&cfg.SMTPPasswordFile, "smtp-password-file", "", "file holding the relay's password (first line)")
		e.String(&cfg.SMTPFrom, "smtp-from", "", "From of the helpdesk's email, as \"Example ISP <helpdesk@example.com>\" (required with --smtp-url)")
		e.String(&cfg.SMTPReplyTo, "smtp-reply-to", "", "Reply-To of the helpdesk's email (default: none)")
		e.Duration(&cfg.SMTPTimeout, "smtp-timeout", 20*time.Second, "how long one email may take, from connecting to the relay's answer")
		cfg.SMTPPassword, _ = lookupEnv(envSMTPPassword)
		e.Int(&cfg.SignInConcurrency, "sign-in-concurrency", 0, fmt.Sprintf("helpdesk password hashes run at once, %d MiB each (0: half the cores, within GOMEMLIMIT)", store.HashMemory()>>20))
	case "generate":
		e.String(&cfg.Email, "email", "", "email address (required)")
		e.String(&cfg.Type, "type", "", "account type: imap, pop, exchange or google (default: the provider's preferred one for --device)")
		e.String(&cfg.Device, "device", "ios", "device the profile is for: ios (iPhone, iPad) or macos")
		e.String(&cfg.Name, "name", "", "sender's display name")
		e.String(&cfg.Lang, "lang", "en", "language of the texts the device shows: en, de or fr")
		e.String(&cfg.Services, "services", "", "what the profile sets up: mail, calendar and contacts, comma-separated (default: mail); calendars and contacts where the provider offers them")
		e.String(&cfg.Output, "o", "", "output file (default: standard output)")
	case "inspect":
		e.String(&cfg.CAFile, "ca", "", "PEM file of trusted roots to check the signer chain against")
		e.Bool(&cfg.JSON, "json", false, "print JSON")
	case "lookup":
		e.Bool(&cfg.JSON, "json", false, "print JSON")
	case "dns":
		e.String(&cfg.Providers, "providers", "", providersUsage)
		e.String(&cfg.PublicHost, "public-host", "", "host name this server answers on over HTTPS, which the CNAME and SRV records point at (required)")
		e.Bool(&cfg.JSON, "json", false, "print JSON")
	}
	// Flags may come before or after the arguments: parse, take the next
	// argument, parse the rest.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...) // everything after -- is an argument
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	if len(e.errs) > 0 {
		return nil, nil, errors.Join(e.errs...)
	}
	if err := cfg.Validate(cmd); err != nil {
		return nil, nil, err
	}
	return cfg, pos, nil
}

// Validate checks the settings of cmd; each error names the setting.
func (c *Config) Validate(cmd string) error {
	var errs []error
	bad := func(flagName, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s ($%s): %s", flagName, envName(flagName), fmt.Sprintf(format, args...)))
	}
	if cmd == "serve" || cmd == "generate" || cmd == "lookup" {
		if c.DiscoveryTimeout <= 0 {
			bad("discovery-timeout", "must be positive")
		}
		if c.ISPDBURL != "" {
			if u, err := url.Parse(c.ISPDBURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad("ispdb-url", "%q is not an http(s) URL", c.ISPDBURL)
			} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
				bad("ispdb-url", "%q: want no query, fragment or user; the domain is added to the path", c.ISPDBURL)
			}
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("database-url", "want a postgres:// URL, or nothing for SQLite in the data folder")
	}
	if cmd != "inspect" {
		if c.DataDir == "" {
			bad("data-dir", "must not be empty")
		}
		if c.LogFlush < 0 || c.LogFlush > time.Minute {
			bad("log-flush", "%s: want 0 to 1m", c.LogFlush)
		}
		if c.LogFormat != "text" && c.LogFormat != "json" {
			bad("log-format", "%q: want text or json", c.LogFormat)
		}
		if _, err := parseLevel(c.LogLevel); err != nil {
			bad("log-level", "%v", err)
		}
	}
	if cmd == "serve" || cmd == "generate" {
		switch {
		case c.Unsigned && (c.SignCert != "" || c.SignKey != ""):
			bad("unsigned", "cannot be combined with --sign-cert or --sign-key")
		case (c.SignCert == "") != (c.SignKey == ""):
			if c.SignCert == "" {
				bad("sign-cert", "is required with --sign-key")
			} else {
				bad("sign-key", "is required with --sign-cert")
			}
		}
		if err := profile.ValidateIdentifierPrefix(c.IdentifierPrefix); err != nil {
			bad("identifier-prefix", "%v", err)
		}
		if c.Organization == "" {
			bad("org", "must not be empty")
		}
	}
	if cmd == "mdm" || cmd == "ddm" {
		c.validateTemplate(cmd, bad)
	}
	switch cmd {
	case "serve":
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			bad("addr", "%q is not host:port: %v", c.Addr, err)
		}
		if c.RateLimit < 0 || math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) {
			bad("rate-limit", "must be a number, not negative")
		}
		if c.RateBurst < 0 {
			bad("rate-burst", "must not be negative")
		}
		if c.ShutdownTimeout <= 0 {
			bad("shutdown-timeout", "must be positive")
		}
		if _, err := parsePrefixes(c.TrustedProxies); err != nil {
			bad("trusted-proxies", "%v", err)
		}
		if c.AuthHeader != "" && c.TrustedProxies == "" {
			bad("auth-header", "needs --trusted-proxies: the header is believed only from those proxies")
		}
		c.validateTLS(bad)
		if c.ProfileCache < 0 {
			bad("profile-cache", "must not be negative")
		}
		if c.DiscoveryConcurrency < 1 {
			bad("discovery-concurrency", "must be at least 1 (--discovery=false turns discovery off)")
		}
		if c.DiscoveryPerClient < 0 {
			bad("discovery-per-client", "must not be negative (0: no per-client budget)")
		}
		if c.AuditRetention < 0 {
			bad("audit-retention", "must not be negative")
		}
		if c.SignInConcurrency < 0 || c.SignInConcurrency > maxSignInConcurrency {
			bad("sign-in-concurrency", "must be 0 (automatic) to %d", maxSignInConcurrency)
		}
		c.validateSMTP(bad)
		if c.SessionIdle <= 0 || c.SessionMax <= 0 || c.SessionIdle > c.SessionMax {
			bad("session-idle", "and --session-max must be positive, the idle time no longer than the maximum")
		}
	case "generate":
		if c.Email == "" {
			bad("email", "is required")
		}
		if c.Device != "ios" && c.Device != "macos" {
			bad("device", "must be ios or macos")
		}
	case "dns":
		if c.PublicHost == "" {
			bad("public-host", "is required: the host name this server answers on over HTTPS (its certificate must also cover autoconfig., autodiscover. and ua-auto-config. of the domain), which the records point at")
		}
	}
	return errors.Join(errs...)
}

// parsePrefixes reads a comma-separated list of addresses and CIDR ranges.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
