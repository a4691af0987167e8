package cli

import (
	"fmt"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
)

// tenantYAML renders one tenant of a generated config file. These helpers
// live apart from the unix-only benchmarks because tests on every platform
// use them.
func tenantYAML(name string, t config.Tenant) string {
	sa := t.Cerner.SystemApp
	return fmt.Sprintf("  %s:\n    cerner:\n      fhir_base_url: %q\n      test_patient_id: %q\n      system_app:\n        client_id: %q\n        client_secret: %q\n        token_url: %q\n        scopes: %q\n",
		name, t.Cerner.FHIRBaseURL, t.Cerner.TestPatientID, sa.ClientID, sa.ClientSecret.Reveal(), sa.TokenURL, strings.Join(sa.Scopes, " "))
}

// jwtTenantYAML renders a private_key_jwt tenant in the ehr: shape.
func jwtTenantYAML(name string, t config.Tenant) string {
	sa := t.Cerner.SystemApp
	return fmt.Sprintf("  %s:\n    ehr:\n      vendor: %s\n      base_url: %q\n      patients: [%q]\n      system_app:\n        client_id: %q\n        private_key_path: %q\n        key_id: %q\n        token_url: %q\n        scopes: %q\n        jwks_url: %q\n",
		name, t.Vendor, t.Cerner.FHIRBaseURL, t.Cerner.TestPatientID, sa.ClientID, sa.PrivateKeyPath, sa.KeyID, sa.TokenURL, strings.Join(sa.Scopes, " "), sa.JWKSURL)
}
