package ddm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// The declarative checker holds declarations to Apple's schema in
// ../shared/spec/apple/declarative/, as verify-profile holds profiles to
// spec/apple/: every key of every payload known, required keys present,
// types and allowed values as the schema says, every asset reference
// pointing at a declaration of the set of an allowed type, and no
// password anywhere.

// schemaKey is one entry of a schema's payloadkeys.
type schemaKey struct {
	Key        string      `yaml:"key"`
	Type       string      `yaml:"type"`
	Presence   string      `yaml:"presence"`
	RangeList  []any       `yaml:"rangelist"`
	AssetTypes []string    `yaml:"assettypes"`
	SubKeys    []schemaKey `yaml:"subkeys"`
}

// schemaDoc is one YAML file of the declarative schema.
type schemaDoc struct {
	Payload struct {
		DeclarationType string `yaml:"declarationtype"`
	} `yaml:"payload"`
	PayloadKeys []schemaKey `yaml:"payloadkeys"`
}

// declarativeSchema reads the declaration types of the shared schema, or
// skips the test when ../shared is not beside this clone.
func declarativeSchema(t *testing.T) map[string][]schemaKey {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "spec", "apple", "declarative")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Skip("skipping the declarative checker: ../shared is not beside this clone")
	}
	types := map[string][]schemaKey{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc schemaDoc
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if doc.Payload.DeclarationType != "" {
			types[doc.Payload.DeclarationType] = doc.PayloadKeys
		}
	}
	return types
}

// checkDeclarations returns the problems of a set of declarations, read
// from its JSON as a DDM server sends it.
func checkDeclarations(schema map[string][]schemaKey, doc []byte) []string {
	var set []map[string]any
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	dec.UseNumber()
	if err := dec.Decode(&set); err != nil {
		return []string{"not a JSON array of declarations: " + err.Error()}
	}
	c := checker{types: map[string]string{}}
	for _, d := range set {
		id, _ := d["Identifier"].(string)
		if _, dup := c.types[id]; dup {
			c.fail("%s: identifier used twice", id)
		}
		c.types[id], _ = d["Type"].(string)
	}
	for _, d := range set {
		id, _ := d["Identifier"].(string)
		for k, v := range d {
			switch k {
			case "Type", "Identifier", "ServerToken":
				if s, ok := v.(string); !ok || s == "" {
					c.fail("%s: %s must be a non-empty string", id, k)
				}
			case "Payload":
			default:
				c.fail("%s: unknown top-level key %s", id, k)
			}
		}
		keys, ok := schema[c.types[id]]
		if !ok {
			c.fail("%s: type %q is not in the declarative schema", id, d["Type"])
			continue
		}
		p, ok := d["Payload"].(map[string]any)
		if !ok {
			c.fail("%s: Payload must be a dictionary", id)
			continue
		}
		c.dict(id, p, keys)
	}
	return c.problems
}

type checker struct {
	types    map[string]string // identifier -> type, of the whole set
	problems []string
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// dict checks one dictionary against its schema keys.
func (c *checker) dict(where string, m map[string]any, keys []schemaKey) {
	for k := range m {
		if !slices.ContainsFunc(keys, func(s schemaKey) bool { return s.Key == k }) {
			c.fail("%s: unknown key %s", where, k)
		}
		if strings.Contains(strings.ToLower(k), "password") {
			c.fail("%s: %s: no password may be in a declaration", where, k)
		}
	}
	for _, s := range keys {
		v, ok := m[s.Key]
		if !ok {
			if s.Presence == "required" {
				c.fail("%s: required key %s is missing", where, s.Key)
			}
			continue
		}
		c.value(where+"."+s.Key, v, s)
	}
}

// value checks one value against its schema key: type, allowed values,
// asset references, and what a dictionary or array holds.
func (c *checker) value(where string, v any, s schemaKey) {
	switch s.Type {
	case "<string>":
		str, ok := v.(string)
		if !ok {
			c.fail("%s: %v is not a string", where, v)
			return
		}
		if len(s.AssetTypes) > 0 && !slices.Contains(s.AssetTypes, c.types[str]) {
			c.fail("%s: %q is no declaration of type %s in the set", where, str, strings.Join(s.AssetTypes, " or "))
		}
	case "<integer>":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			c.fail("%s: %v is not an integer", where, v)
			return
		}
	case "<boolean>":
		if _, ok := v.(bool); !ok {
			c.fail("%s: %v is not a boolean", where, v)
		}
	case "<dictionary>":
		m, ok := v.(map[string]any)
		if !ok {
			c.fail("%s: %v is not a dictionary", where, v)
			return
		}
		c.dict(where, m, s.SubKeys)
	case "<array>":
		items, ok := v.([]any)
		if !ok || len(s.SubKeys) != 1 {
			c.fail("%s: %v is not an array of one kind of item", where, v)
			return
		}
		for i, item := range items {
			c.value(fmt.Sprintf("%s[%d]", where, i), item, s.SubKeys[0])
		}
	default:
		c.fail("%s: the schema's type %q is not checked", where, s.Type)
	}
	if len(s.RangeList) > 0 && !slices.ContainsFunc(s.RangeList, func(r any) bool { return fmt.Sprint(r) == fmt.Sprint(v) }) {
		c.fail("%s: %v is not one of %v", where, v, s.RangeList)
	}
}
