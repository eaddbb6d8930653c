package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the architecture of DESIGN.md: profile and
// signing are pure (no HTTP, no Echo, no logging, no file access of their
// own), only web and its own packages (web/helpdesk, web/internal/site)
// import Echo, and clientconf renders documents without HTTP.
func TestDependencyDirection(t *testing.T) {
	imports := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "github.com/mailprofile/mailprofile/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	forbidden := map[string][]string{
		"profile":  {"net/http", "os", "log", "log/slog", "github.com/labstack/echo/v4", "github.com/mailprofile/mailprofile/web"},
		"signing":  {"net/http", "os", "log", "log/slog", "github.com/labstack/echo/v4", "github.com/mailprofile/mailprofile/web"},
		"provider": {"github.com/labstack/echo/v4", "github.com/mailprofile/mailprofile/web", "github.com/mailprofile/mailprofile/signing"},
		// The client documents are rendered apart from HTTP: web serves them.
		"clientconf": {"net/http", "os", "log", "log/slog", "github.com/labstack/echo/v4", "github.com/mailprofile/mailprofile/web", "github.com/mailprofile/mailprofile/signing"},
		"mdm":        {"net/http", "os", "log", "log/slog", "github.com/labstack/echo/v4", "github.com/mailprofile/mailprofile/web", "github.com/mailprofile/mailprofile/signing"},
		"ddm":        {"net/http", "os", "log", "log/slog", "github.com/labstack/echo/v4", "github.com/mailprofile/mailprofile/web", "github.com/mailprofile/mailprofile/signing"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/mailprofile/mailprofile/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imps, _ := strings.Cut(line, " ")
		web := pkg == "github.com/mailprofile/mailprofile/web" || strings.HasPrefix(pkg, "github.com/mailprofile/mailprofile/web/")
		if !web && strings.Contains(" "+imps+" ", " github.com/labstack/echo/v4 ") {
			t.Errorf("%s imports Echo; only web and its packages may", pkg)
		}
	}
	for pkg, bad := range forbidden {
		for _, imp := range imports(pkg) {
			for _, b := range bad {
				if imp == b {
					t.Errorf("%s imports %s", pkg, imp)
				}
			}
		}
	}
}
