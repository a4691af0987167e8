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
	var showJSON bool
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the tenant as the backend reads it, secrets as fingerprints with where they live",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, t, err := g.loadTenant(io)
			if err != nil {
				return err
			}
			findings := f.ValidateTenant(t.Name)
			if showJSON {
				b, err := describeTenantJSON(f, t, findings)
				if err != nil {
					return err
				}
				_, err = io.Out.Write(b)
				return err
			}
			// What is wrong with the tenant, once, above what it holds.
			for _, x := range findings {
				fmt.Fprintln(io.Err, x.String())
			}
			_, err = fmt.Fprint(io.Out, describeTenant(f, t))
			return err
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print a JSON document (schema 1) instead")
	cmd.AddCommand(show, &cobra.Command{
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

// describeTenant renders `config show`: the tenant as the backend reads
// it, in any shape, with each secret masked and the place it lives.
func describeTenant(f *config.File, t config.Tenant) string {
	var b strings.Builder
	row := func(indent int, k, v string) {
		if v == "" {
			return
		}
		fmt.Fprintf(&b, "%s%-*s %s\n", strings.Repeat("  ", indent), 20-2*indent, k, v)
	}
	secret := func(s config.Secret) string {
		if src := s.Source(); src.Kind == config.SourceUnresolved {
			return "unresolved: $" + src.Var + " is not set (fhirdoctor config validate says where it looked)"
		}
		if s.IsZero() && s.Source().Kind == config.SourceNone {
			return ""
		}
		out := s.Mask()
		if src := s.Source().String(); src != "" {
			out += "  from " + src
		}
		return out
	}
	env := f.Environment()
	row(0, "config", f.Path())
	row(0, "environment", env.Name+"  (backend root "+env.Root+")")
	row(0, "tenant", t.Name)
	row(0, "shape", t.Shape.String()+"  ("+shapeHint[t.Shape]+")")
	row(0, "vendor", t.Vendor)
	c := t.Cerner
	base := c.FHIRBaseURL
	if c.FHIRBaseDerived {
		base += "  (derived from token_url)"
	}
	b.WriteString(strings.Join(c.Key(""), ".") + "\n")
	row(1, "base_url", base)
	row(1, "patients", strings.Join(c.Patients, " "))
	row(1, "test_patient_id", c.TestPatientID)
	app := c.SystemApp
	fmt.Fprintf(&b, "  %s  (%s)\n", strings.Join(app.Key(""), "."), app.AuthMethod())
	row(2, "client_id", app.ClientID)
	row(2, "client_secret", secret(app.ClientSecret))
	row(2, "private_key_path", app.PrivateKeyPath)
	row(2, "key_id", app.KeyID)
	row(2, "token_url", app.TokenURL)
	row(2, "jwks_url", app.JWKSURL)
	row(2, "scopes", strings.Join(app.Scopes, " "))
	if p := c.ProviderApp; p != nil {
		kind := "public"
		if p.Confidential() {
			kind = "confidential, " + string(p.AuthMethod())
		}
		fmt.Fprintf(&b, "  %s  (%s)\n", strings.Join(p.Key(""), "."), kind)
		row(2, "client_id", p.ClientID)
		row(2, "client_secret", secret(p.ClientSecret))
		row(2, "private_key_path", p.PrivateKeyPath)
		row(2, "key_id", p.KeyID)
		row(2, "authorization_url", p.AuthorizationURL)
		row(2, "token_url", p.TokenURL)
		row(2, "redirect_uri", p.RedirectURI)
		row(2, "scopes", strings.Join(p.Scopes, " "))
	}
	if others := config.OtherEnvironmentConfigs(f.Path()); len(others) > 0 {
		b.WriteString("other environments beside this one\n")
		for _, o := range others {
			row(1, o.Env, o.Path)
		}
	}
	return b.String()
}

var shapeHint = map[config.Shape]string{
	config.ShapeCurrent: "cerner: with system_app:",
	config.ShapeLegacy:  "legacy flat cerner: keys",
	config.ShapeEHR:     "vendor-agnostic ehr:",
}
