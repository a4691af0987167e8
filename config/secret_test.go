package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(fakeSecret)
	mask := "•••••• " + Fingerprint(fakeSecret)
	type holder struct {
		ClientSecret Secret `json:"client_secret"`
		Ptr          *Secret
	}
	h := holder{ClientSecret: s, Ptr: &s}
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("token", "secret", s, "holder", h)
	var textBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&textBuf, nil)).Info("token", "secret", s)
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := s.MarshalText()
	forms := map[string]string{
		"String":     s.String(),
		"GoString":   s.GoString(),
		"%v":         fmt.Sprintf("%v", s),
		"%+v":        fmt.Sprintf("%+v", s),
		"%#v":        fmt.Sprintf("%#v", s),
		"%s":         fmt.Sprintf("%s", s),
		"%q":         fmt.Sprintf("%q", s),
		"%x":         fmt.Sprintf("%x", s),
		"%X":         fmt.Sprintf("%X", s),
		"%d":         fmt.Sprintf("%d", s),
		"struct %+v": fmt.Sprintf("%+v", h),
		"struct %#v": fmt.Sprintf("%#v", h),
		"pointer %v": fmt.Sprintf("%v", &s),
		"slice %v":   fmt.Sprint([]Secret{s}),
		"json":       string(js),
		"text":       string(txt),
		"slog json":  logBuf.String(),
		"slog text":  textBuf.String(),
		"error %w":   fmt.Errorf("wrapped: %v", s).Error(),
		"Tenant %+v": fmt.Sprintf("%+v", Tenant{Cerner: Cerner{SystemApp: SystemApp{ClientSecret: s}}}),
	}
	hexRaw := fmt.Sprintf("%x", fakeSecret)
	for name, out := range forms {
		t.Run(name, func(t *testing.T) {
			noSecret(t, name, out, strings.ToUpper(hexRaw), hexRaw)
			if !strings.Contains(out, Fingerprint(fakeSecret)) {
				t.Errorf("%s output lacks the fingerprint", name)
			}
		})
	}
	if s.String() != mask || fmt.Sprintf("%q", s) != fmt.Sprintf("%q", mask) {
		t.Errorf("mask = %s", s)
	}
	if !strings.Contains(string(js), `"client_secret":"`+mask+`"`) {
		t.Errorf("json = %s", js)
	}
	if NewSecret("").String() != "(empty)" || !NewSecret("").IsZero() || !s.Equal(NewSecret(fakeSecret)) {
		t.Error("empty/equal")
	}
}
