package timetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// wallCalls are the functions of package time that read the machine's
// clock.
var wallCalls = map[string]bool{"Now": true, "Since": true, "Until": true}

// TestNoWallClock fails when a test, or a package that only tests use
// (signingtest, storetest, ...), reads the machine's clock other than
// through Wall. Such a test mixes the day it runs with the fixed dates of
// the rest of the suite: it passes today and fails on another day, as
// TestSignDeterministic once did. Take Fixed or a Clock instead, or
// Wall with a comment saying why the wall clock is needed.
func TestNoWallClock(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	var checked int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || !testCode(path) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		for _, pos := range wallClockCalls(f) {
			p := fset.Position(pos)
			rel, _ := filepath.Rel(root, p.Filename)
			t.Errorf("%s:%d reads the wall clock: use timetest.Fixed or a timetest.Clock, or timetest.Wall where a real peer reads the clock itself", rel, p.Line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked %d test files under %s, want many more: is the walk broken?", checked, root)
	}
}

// testCode reports whether path is test code: a _test.go file, or a file
// of a package made for tests (a directory named …test). This package,
// which holds Wall, is the one exception.
func testCode(path string) bool {
	dir := filepath.Dir(path)
	if dir == mustAbs(".") {
		return false
	}
	return strings.HasSuffix(path, "_test.go") || strings.HasSuffix(filepath.Base(dir), "test")
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}

// wallClockCalls returns where f calls time.Now, time.Since or time.Until,
// under whatever name it imports package time.
func wallClockCalls(f *ast.File) []token.Pos {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name := "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
			names[name] = true
		}
	}
	if len(names) == 0 {
		return nil
	}
	var out []token.Pos
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && names[id.Name] && wallCalls[sel.Sel.Name] {
			out = append(out, sel.Pos()) // called or passed as a func value alike
		}
		return true
	})
	return out
}

// moduleRoot is the directory holding go.mod, above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir := mustAbs(".")
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
