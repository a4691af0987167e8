package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/report"
)

var validateFormats = []string{formatText, formatJSON, formatGitHub}

func newConfigCmd(io *IOStreams, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show or validate the config file",
		Args:  noArgsOrSuggest,
		RunE:  helpWhenNoArgs,
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
	show.Flags().BoolVar(&showJSON, "json", false, "print a JSON document (schema 1) instead: each secret as its sha256 fingerprint and where it lives")
	var format string
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Check every tenant of the config file; exit 1 on any error",
		Example: `  fhirdoctor config validate
  fhirdoctor config validate --format json | jq '.findings[] | select(.severity == "error")'
  fhirdoctor config validate --format github   # annotations on the file in a pull request`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fm, err := resolveFormat(format, false, true, validateFormats)
			if err != nil {
				return err
			}
			return runValidate(io, g, fm)
		},
	}
	validate.Flags().StringVar(&format, "format", formatText, "output: text (file:line:col: lines), json or github (workflow annotations on the file)")
	cmd.AddCommand(show, validate)
	return cmd
}

func runValidate(io *IOStreams, g *globals, format string) error {
	var path string
	var tenants []string
	var findings []config.Finding
	f, err := g.loadFile(io)
	var pe *config.ParseError
	switch {
	case err == nil:
		path, tenants, findings = f.Path(), f.TenantNames(), f.Validate()
	case format != formatText && errors.As(err, &pe):
		// A file that does not parse is one error finding, in every format.
		path, findings = pe.Pos.File, []config.Finding{pe.Finding()}
	default:
		return err
	}
	errs, warns := report.CountFindings(findings)
	switch format {
	case formatJSON:
		b, err := report.ValidateJSON(path, tenants, findings)
		if err != nil {
			return err
		}
		if _, err := io.Out.Write(b); err != nil {
			return err
		}
	case formatGitHub:
		if err := report.FindingsGitHub(io.Out, findings); err != nil {
			return err
		}
	default:
		for _, x := range findings {
			fmt.Fprintln(io.Out, x.String())
		}
	}
	summary := fmt.Sprintf("%s: %d error%s, %d warning%s", path, errs, report.Plural(errs), warns, report.Plural(warns))
	if errs > 0 {
		if format != formatText {
			// stdout already says everything; stderr gets the count.
			fmt.Fprintln(io.Err, summary)
			return errSilent
		}
		return errors.New(summary)
	}
	if format == formatText {
		fmt.Fprintf(io.Out, "%s: valid (%d tenant%s, %d warning%s)\n", path, len(tenants), report.Plural(len(tenants)), warns, report.Plural(warns))
	}
	return nil
}

// describeTenant renders `config show`: the tenant as the backend reads
// it, in any shape, with each secret masked and the place it lives.
// Values start in one column whatever the nesting.
func describeTenant(f *config.File, t config.Tenant) string {
	const valueCol = 23 // two columns past the longest keys (private_key_path, authorization_url) at their depth
	var b strings.Builder
	row := func(indent int, k, v string) {
		if v == "" {
			return
		}
		fmt.Fprintf(&b, "%-*s %s\n", valueCol-1, strings.Repeat("  ", indent)+k, v)
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
