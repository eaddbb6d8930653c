package site

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestMessagesAreValidJSON(t *testing.T) {
	for _, lang := range []string{"en", "de", "fr"} {
		b, err := messageFiles.ReadFile("messages/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		if !json.Valid(b) || dec == nil {
			t.Errorf("messages/%s.json is not valid JSON", lang)
		}
	}
}
