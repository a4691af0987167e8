package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/report"
)

func newConfigCmd(io *IOStreams, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show or validate the config file",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print the resolved tenant, secrets masked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, t, err := g.loadTenant(io)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(io.Out, describeTenant(f.Path(), t))
			return err
		},
	}, &cobra.Command{
		Use:   "validate",
		Short: "Check every tenant of the config file; exit 1 on any error",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := g.loadFile(io)
			if err != nil {
				return err
			}
			path := f.Path()
			findings := f.Validate()
			var errs, warns int
			for _, x := range findings {
				fmt.Fprintln(io.Out, x.String())
				if x.Severity == config.SeverityError {
					errs++
				} else {
					warns++
				}
			}
			if errs > 0 {
				return fmt.Errorf("%s: %d error%s, %d warning%s", path, errs, report.Plural(errs), warns, report.Plural(warns))
			}
			fmt.Fprintf(io.Out, "%s: valid (%d tenant%s, %d warning%s)\n", path, len(f.TenantNames()), report.Plural(len(f.TenantNames())), warns, report.Plural(warns))
			return nil
		},
	})
	return cmd
}

// describeTenant renders `config show`: the resolved values, secret masked.
func describeTenant(path string, t config.Tenant) string {
	var b strings.Builder
	row := func(indent int, k, v string) {
		fmt.Fprintf(&b, "%s%-*s %s\n", strings.Repeat("  ", indent), 18-2*indent, k, v)
	}
	row(0, "config", path)
	row(0, "tenant", t.Name)
	c := t.Cerner
	base := c.FHIRBaseURL
	if c.FHIRBaseDerived {
		base += "  (derived from token_url)"
	}
	b.WriteString("cerner\n")
	row(1, "fhir_base_url", base)
	row(1, "test_patient_id", c.TestPatientID)
	b.WriteString("  system_app\n")
	row(2, "client_id", c.SystemApp.ClientID)
	row(2, "client_secret", c.SystemApp.ClientSecret.Mask())
	row(2, "token_url", c.SystemApp.TokenURL)
	row(2, "scopes", strings.Join(c.SystemApp.Scopes, " "))
	if p := c.ProviderApp; p != nil {
		b.WriteString("  provider_app\n")
		row(2, "client_id", p.ClientID)
		row(2, "authorization_url", p.AuthorizationURL)
		row(2, "redirect_uri", p.RedirectURI)
		row(2, "scopes", strings.Join(p.Scopes, " "))
	}
	return b.String()
}
