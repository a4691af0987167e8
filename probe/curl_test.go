package probe

import (
	"context"
	"strings"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/config"
)

func TestCurlLine(t *testing.T) {
	secret := config.NewSecret("FAKE+secret/with=reserved:chars%")
	tests := []struct {
		name string
		enc  basicEncoding
	}{{"form", encodingForm}, {"raw", encodingRaw}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, body, err := tokenRequest(context.Background(), "https://authorization.example/tenants/t/token", "FAKE-CLIENT", secret, []string{"system/Patient.read"}, tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			line := CurlLine(req, body)
			want := `curl -sS -i -X POST 'https://authorization.example/tenants/t/token' -H 'Accept: application/json' -u "FAKE-CLIENT:$FHIRDOCTOR_CLIENT_SECRET" -H 'Content-Type: application/x-www-form-urlencoded' --data 'grant_type=client_credentials&scope=system%2FPatient.read'`
			if line != want {
				t.Fatalf("got\n%s\nwant\n%s", line, want)
			}
			for _, leak := range []string{secret.Reveal(), basicValue("FAKE-CLIENT", secret.Reveal(), tt.enc), strings.Split(req.Header.Get("Authorization"), " ")[1]} {
				if strings.Contains(line, leak) {
					t.Fatal("curl line leaks a credential")
				}
			}
		})
	}
}

// TestCurlLineClientIDQuoting: an id holding what a shell interprets inside
// double quotes stays literal; only the secret's variable expands.
func TestCurlLineClientIDQuoting(t *testing.T) {
	req, body, err := tokenRequest(context.Background(), "https://authorization.example/t", "FAKE-$HOME-\"x\"-"+"`id`", config.NewSecret("FAKE-secret"), nil, encodingRaw)
	if err != nil {
		t.Fatal(err)
	}
	line := CurlLine(req, body)
	want := `-u "FAKE-\$HOME-\"x\"-\` + "`id\\`" + `:$FHIRDOCTOR_CLIENT_SECRET"`
	if !strings.Contains(line, want) {
		t.Fatalf("got\n%s\nwant it to hold\n%s", line, want)
	}
	if strings.Contains(line, "base64") {
		t.Fatal("the curl line still pipes through base64")
	}
}

func TestTokenRequestRefusesPlainHTTP(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://authorization.cerner.com/t", true},
		{"http://127.0.0.1:8080/t", true},
		{"http://[::1]/t", true},
		{"http://localhost/t", true},
		{"http://authorization.cerner.com/t", false},
		{"ftp://x/t", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, _, err := tokenRequest(context.Background(), tt.url, "FAKE", config.NewSecret("FAKE-SECRET"), nil, encodingForm)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "refusing") {
				t.Fatalf("unclear refusal: %v", err)
			}
		})
	}
}

func TestGrantsRead(t *testing.T) {
	scopes := []string{"system/Patient.read", "system/Observation.rs", "system/Encounter.write", "system/Binary.cruds"}
	for res, want := range map[string]bool{"Patient": true, "Observation": true, "Encounter": false, "Binary": true, "DocumentReference": false} {
		if got := grantsRead(scopes, res); got != want {
			t.Errorf("grantsRead(%s) = %v, want %v", res, got, want)
		}
	}
}
