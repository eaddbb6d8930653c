package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailprofile/mailprofile/ddm"
)

// ddmDeclarations writes the Declarative Device Management declarations
// of --domain and --type: to standard output or FILE.json as one JSON
// array, or into the folder -o names, one file per declaration.
func ddmDeclarations(_ context.Context, cfg *Config, args []string, e env) error {
	if len(args) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", args[0]))
	}
	acct, err := templateAccount(cfg, e)
	if err != nil {
		return err
	}
	ds, err := ddm.Build(acct, ddm.Options{IdentifierPrefix: cfg.IdentifierPrefix, CredentialURL: cfg.CredentialURL})
	if err != nil {
		if errors.Is(err, ddm.ErrCredentialURL) {
			return fmt.Errorf("--credential-url%s", strings.TrimPrefix(err.Error(), ddm.ErrCredentialURL.Error()))
		}
		return err
	}
	if cfg.Output == "" || cfg.Output == "-" || strings.HasSuffix(cfg.Output, ".json") {
		doc, err := ddm.JSON(ds)
		if err != nil {
			return err
		}
		return writeOutput(e, cfg.Output, doc)
	}
	if err := os.MkdirAll(cfg.Output, 0o755); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	for _, d := range ds {
		doc, err := ddm.FileJSON(d)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(cfg.Output, d.FileName()), doc, 0o644); err != nil {
			return err
		}
	}
	return nil
}
