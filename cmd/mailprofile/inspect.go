package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
)

// inspectReport is what inspect prints (--json prints it as is).
type inspectReport struct {
	File      string           `json:"file"`
	Signed    bool             `json:"signed"`
	Signature *signatureReport `json:"signature,omitempty"`
	Profile   *profile.Summary `json:"profile,omitempty"`
	Problems  []string         `json:"problems"`
}

type signatureReport struct {
	OK           bool      `json:"ok"`
	Signers      int       `json:"signers"`
	SHA256       bool      `json:"sha256"`
	Signer       string    `json:"signer,omitempty"`
	Issuer       string    `json:"issuer,omitempty"`
	NotAfter     time.Time `json:"not_after"`
	Expired      bool      `json:"expired"`
	Certificates []string  `json:"certificates"`
	ChainChecked bool      `json:"chain_checked"`
	ChainOK      bool      `json:"chain_ok"`
}

const maxProfileSize = 4 << 20

// inspect checks a profile file: the CMS signature and embedded chain when
// signed, then the property list. It fails when either is invalid.
func inspect(_ context.Context, cfg *Config, args []string, e env) error {
	if len(args) != 1 {
		return usageError("want exactly one FILE")
	}
	path := args[0]
	data, err := readLimited(path, maxProfileSize)
	if err != nil {
		return err
	}
	var roots *x509.CertPool
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return fmt.Errorf("--ca: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return fmt.Errorf("--ca %s: no PEM certificate found", cfg.CAFile)
		}
	}
	rep := inspectReport{File: path, Problems: []string{}}
	content := data
	if signing.IsSigned(data) {
		rep.Signed = true
		v, verr := signing.Verify(data, roots, time.Now())
		if v != nil {
			rep.Signature = newSignatureReport(v, roots != nil)
			content = v.Content
		}
		if verr != nil {
			rep.Problems = append(rep.Problems, "signature: "+verr.Error())
		} else if roots != nil && !v.ChainOK {
			rep.Problems = append(rep.Problems, fmt.Sprintf("chain: %v", v.ChainErr))
		}
		if v != nil && v.Expired {
			rep.Problems = append(rep.Problems, "the signing certificate has expired: devices show the profile as Not Verified")
		}
	}
	if len(content) > 0 {
		sum, perr := profile.Parse(content)
		if perr != nil {
			rep.Problems = append(rep.Problems, "plist: "+perr.Error())
		} else {
			rep.Profile = sum
			rep.Problems = append(rep.Problems, sum.Problems...)
		}
	}
	if cfg.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(e.stdout, rep)
	}
	if len(rep.Problems) > 0 {
		return fmt.Errorf("%s: %d problem(s) found", path, len(rep.Problems))
	}
	return nil
}

func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d MiB; not a profile", path, max>>20)
	}
	return data, nil
}

func newSignatureReport(v *signing.Verification, chainChecked bool) *signatureReport {
	r := &signatureReport{
		OK: v.SignatureOK, Signers: v.Signers, SHA256: v.DigestSHA256,
		NotAfter: v.NotAfter, Expired: v.Expired, ChainChecked: chainChecked, ChainOK: v.ChainOK,
		Certificates: []string{},
	}
	if v.Signer != nil {
		r.Signer = v.Signer.Subject.String()
		r.Issuer = v.Signer.Issuer.String()
	}
	for _, c := range v.Certificates {
		r.Certificates = append(r.Certificates, c.Subject.String())
	}
	return r
}

func printReport(w io.Writer, r inspectReport) {
	fmt.Fprintf(w, "file:        %s\n", r.File)
	if s := r.Signature; s != nil {
		fmt.Fprintf(w, "signature:   %s (%d signer, SHA-256: %v)\n", okWord(s.OK), s.Signers, s.SHA256)
		fmt.Fprintf(w, "signer:      %s\n", s.Signer)
		fmt.Fprintf(w, "issuer:      %s\n", s.Issuer)
		fmt.Fprintf(w, "expires:     %s%s\n", s.NotAfter.UTC().Format(time.RFC3339), map[bool]string{true: " (EXPIRED)"}[s.Expired])
		fmt.Fprintf(w, "embedded:    %s\n", strings.Join(s.Certificates, " | "))
		if s.ChainChecked {
			fmt.Fprintf(w, "chain:       %s\n", okWord(s.ChainOK))
		}
	} else if !r.Signed {
		fmt.Fprintf(w, "signature:   none (unsigned profile)\n")
	}
	if p := r.Profile; p != nil {
		fmt.Fprintf(w, "identifier:  %s\n", p.Identifier)
		fmt.Fprintf(w, "uuid:        %s\n", p.UUID)
		fmt.Fprintf(w, "name:        %s\n", p.DisplayName)
		fmt.Fprintf(w, "org:         %s\n", p.Organization)
		for i, pl := range p.Payloads {
			fmt.Fprintf(w, "payload %d:   %s %s\n", i+1, pl.Type, pl.Identifier)
			if m := pl.Mail; m != nil {
				fmt.Fprintf(w, "  account:   %s %s\n", m.AccountType, m.Address)
				fmt.Fprintf(w, "  incoming:  %s:%d ssl=%v %s user=%s\n", m.Incoming.Host, m.Incoming.Port, m.Incoming.UseSSL, m.Incoming.Auth, m.Incoming.Username)
				fmt.Fprintf(w, "  outgoing:  %s:%d ssl=%v %s user=%s\n", m.Outgoing.Host, m.Outgoing.Port, m.Outgoing.UseSSL, m.Outgoing.Auth, m.Outgoing.Username)
			}
			if x := pl.Exchange; x != nil {
				fmt.Fprintf(w, "  account:   Exchange %s\n", x.Address)
				fmt.Fprintf(w, "  exchange:  %s ssl=%v oauth=%v user=%s\n", x.Host, x.SSL, x.OAuth, x.UserName)
			}
			if g := pl.Google; g != nil {
				fmt.Fprintf(w, "  account:   Google %s\n", g.Address)
			}
		}
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "result:      OK")
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "problem:     %s\n", p)
	}
}

func okWord(ok bool) string {
	if ok {
		return "OK"
	}
	return "FAILED"
}
