package sandbox_test

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// A client trusts the sandbox through CertPool (or Info().CAFile) and talks real HTTPS.
func ExampleStart() {
	srv, err := sandbox.Start(sandbox.Options{Scenario: "secret-rotated"})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}}

	_, secret := srv.Regenerate() // what the Code Console's button does
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"system/Patient.read"}}
	req, _ := http.NewRequest(http.MethodPost, srv.Info().TokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(srv.ClientID()), url.QueryEscape(secret))
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Cache-Control"))
	// Output: 200 no-store
}
