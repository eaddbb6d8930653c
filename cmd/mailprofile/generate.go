package main

import (
	"context"
	"fmt"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web"
)

// generate writes one profile to -o or standard output: of the kind
// --type names, or without one of the provider's preferred kind for
// --device, as /profile would, with the calendars and contacts --services
// asks for. It uses the same data folder as serve, so
// its profiles carry the same identifiers and signature as the downloads.
func generate(ctx context.Context, cfg *Config, args []string, e env) error {
	if len(args) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
	}
	addr, err := profile.ParseAddress(cfg.Email)
	if err != nil {
		return fmt.Errorf("--email: %s", userText(err))
	}
	proto, err := profile.ParseProtocol(cfg.Type)
	if err != nil {
		return fmt.Errorf("--type: %s", userText(err))
	}
	name, err := profile.ParseName(cfg.Name)
	if err != nil {
		return fmt.Errorf("--name: %s", userText(err))
	}
	services, err := profile.ParseServices(cfg.Services)
	if err != nil {
		return fmt.Errorf("--services: %s", userText(err))
	}
	a, err := newApp(cfg, newLogger(cfg, e.stderr), time.Now())
	if err != nil {
		return err
	}
	kind, found, err := web.ChooseKind(ctx, a.finder, addr, proto, cfg.Device)
	if err != nil {
		return err
	}
	if err := found.Offer(services, kind); err != nil {
		return fmt.Errorf("--services: %w", err)
	}
	opts, err := web.ProfileOptions(cfg.Lang, a.options)
	if err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	acct := found.Account(addr, kind, name)
	acct.Services = services
	doc, err := profile.Build(acct, opts)
	if err != nil {
		return err
	}
	if found.Origin.Discovered() {
		fmt.Fprintf(e.stderr, "mailprofile generate: settings found by %s (%s confidence), not from the catalog", found.Origin.Method, found.Origin.Confidence)
		if !cfg.SignDiscovered {
			fmt.Fprint(e.stderr, "; the profile is unsigned (use --sign-discovered to sign it)")
		}
		fmt.Fprintln(e.stderr)
	}
	if a.signs(found, cfg.SignDiscovered) {
		if doc, err = a.signer.Sign(doc); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
	}
	if cfg.Output == "" || cfg.Output == "-" {
		_, err = e.stdout.Write(doc)
		return err
	}
	return writeFileAtomic(cfg.Output, doc, 0o644)
}

// userText is the message of an input error without its field prefix.
func userText(err error) string {
	if ie, ok := err.(*profile.InputError); ok {
		return ie.Message
	}
	return err.Error()
}
