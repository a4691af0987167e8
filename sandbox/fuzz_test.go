package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

func FuzzParseResourceScope(f *testing.F) {
	for _, seed := range []string{"system/Patient.read", "patient/Observation.rs", "user/*.read", "system/Patient.*",
		"openid", "system/.read", "system/Patient.sr", "system/Patient.cruds", "system/Observation.rs?category=vital-signs", "system/a.b.c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, ok, err := parseResourceScope(s)
		if !ok || err != nil {
			return
		}
		if sc.resource == "" || sc.ops == "" || !strings.HasPrefix(s, sc.context+"/"+sc.resource+".") {
			t.Errorf("%q parsed to %+v", s, sc)
		}
		if strings.Trim(sc.ops, "cruds") != "" {
			t.Errorf("%q: ops %q outside cruds", s, sc.ops)
		}
		if checkSupported(s) == nil && !sc.readOnly() {
			t.Errorf("%q: a write scope is supported by a read-only server", s)
		}
	})
}

func FuzzBasicCredentials(f *testing.F) {
	f.Add(SystemClientID, "FAKE-sandbox-secret-0001-02ee5a3d", false)
	f.Add("id", "p+s/w=:%zz", true)
	f.Add("", "x", false)
	f.Fuzz(func(t *testing.T, id, secret string, raw bool) {
		s := &Server{opts: Options{RawBasic: raw}}
		header := basic(id, secret)
		if raw {
			header = rawBasic(id, secret)
		}
		r, err := http.NewRequest(http.MethodPost, "https://127.0.0.1/", nil)
		if err != nil {
			t.Skip()
		}
		r.Header.Set("Authorization", header)
		gotID, gotSecret, err := s.basicCredentials(r)
		roundTrips := id != "" && (!raw || !strings.Contains(id, ":"))
		if roundTrips && (err != nil || gotID != id || gotSecret != secret) {
			t.Errorf("id %q secret %q (raw %v) decoded to %q %q, %v", id, secret, raw, gotID, gotSecret, err)
		}
		if err == nil && gotID == "" {
			t.Errorf("empty client id accepted")
		}
	})
}
