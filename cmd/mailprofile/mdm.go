package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/mdm"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// outputUsage is the -o flag's text of mdm and ddm.
var outputUsage = map[string]string{
	"mdm": "output file (default: standard output)",
	"ddm": "output: a folder, one NAME.json per declaration, or FILE.json, all in one array (default: the array on standard output)",
}

// validateTemplate checks the flags that mdm and ddm share, and mdm's.
func (c *Config) validateTemplate(cmd string, bad func(flagName, format string, args ...any)) {
	if c.Domain == "" {
		bad("domain", "is required")
	}
	if c.Type == "" {
		bad("type", "is required: imap, pop, exchange or google")
	} else if _, err := profile.ParseProtocol(c.Type); err != nil {
		bad("type", "%s", userText(err))
	}
	if err := profile.ValidateIdentifierPrefix(c.IdentifierPrefix); err != nil {
		bad("identifier-prefix", "%v", err)
	}
	if cmd != "mdm" {
		return
	}
	if c.Vendor == "" {
		bad("vendor", "is required: %s", strings.Join(mdm.IDs(), ", "))
	}
	if c.Vendor != mdm.Generic && c.AddressVariable+c.NameVariable+c.LocalPartVariable != "" {
		bad("address-variable", "and --name-variable and --local-part-variable are for --vendor generic only")
	}
	if c.Organization == "" {
		bad("org", "must not be empty")
	}
}

// templateAccount is the account of the stand-in user of --domain, of
// --type, from the catalog and --providers only: a template goes to every
// device of a company, so it never rests on settings discovered at run
// time.
func templateAccount(cfg *Config, e env) (profile.Account, error) {
	addr, err := profile.TemplateAddress(cfg.Domain)
	if err != nil {
		return profile.Account{}, fmt.Errorf("--domain: %q is not a domain name", cfg.Domain)
	}
	kind, _ := profile.ParseProtocol(cfg.Type) // checked by Validate
	catalog, err := loadCatalog(cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return profile.Account{}, err
	}
	found, err := catalog.Find(context.Background(), addr, kind)
	if err != nil {
		if errors.Is(err, provider.ErrNotFound) {
			return profile.Account{}, fmt.Errorf("%s is neither in the built-in catalog nor in --providers", addr.Domain)
		}
		return profile.Account{}, err
	}
	return found.Account(addr, kind, ""), nil
}

// mdmTemplate writes the unsigned template of --domain and --type for
// --vendor's device management, with its variables for each user's
// values.
func mdmTemplate(_ context.Context, cfg *Config, args []string, e env) error {
	if len(args) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
	}
	v, err := mdm.Lookup(cfg.Vendor, profile.Placeholders{Address: cfg.AddressVariable, Name: cfg.NameVariable, LocalPart: cfg.LocalPartVariable})
	if err != nil {
		return fmt.Errorf("--%s", err)
	}
	acct, err := templateAccount(cfg, e)
	if err != nil {
		return err
	}
	if err := ensureDataDir(cfg.DataDir); err != nil {
		return err
	}
	secret, err := loadSecret(cfg.DataDir)
	if err != nil {
		return err
	}
	opts, err := profileOptions(cfg, secret)
	if err != nil {
		return err
	}
	doc, err := mdm.Template(acct, v, opts)
	if err != nil {
		return err
	}
	return writeOutput(e, cfg.Output, doc)
}

// writeOutput writes doc to the file -o names, or to standard output
// for none or "-".
func writeOutput(e env, path string, doc []byte) error {
	if path == "" || path == "-" {
		_, err := e.stdout.Write(doc)
		return err
	}
	return writeFileAtomic(path, doc, 0o644)
}
