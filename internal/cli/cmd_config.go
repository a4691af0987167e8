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
		Short: "Print the resolved tenant, secrets masked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, t, err := g.loadTenant(io)
			if err != nil {
				return err
			}
			if showJSON {
				// The file holds the secret on this branch of the config
				// package; a secret read from elsewhere names its source.
				b, err := report.ShowJSON(f.Path(), t, f.Path())
				if err != nil {
					return err
				}
				_, err = io.Out.Write(b)
				return err
			}
			_, err = fmt.Fprint(io.Out, describeTenant(f.Path(), t))
			return err
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print the tenant as JSON, each secret as its sha256 fingerprint and where it lives")
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
	summary := fmt.Sprintf("%s: %d error%s, %d warning%s", path, errs, plural(errs), warns, plural(warns))
	if errs > 0 {
		if format != formatText {
			// stdout already says everything; stderr gets the count.
			fmt.Fprintln(io.Err, summary)
			return errSilent
		}
		return errors.New(summary)
	}
	if format == formatText {
		fmt.Fprintf(io.Out, "%s: valid (%d tenant%s, %d warning%s)\n", path, len(tenants), plural(len(tenants)), warns, plural(warns))
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// describeTenant renders `config show`: the resolved values, secret masked.
// Values start in one column whatever the nesting.
func describeTenant(path string, t config.Tenant) string {
	const valueCol = 23 // two columns past the longest key, provider_app.authorization_url, at its depth
	var b strings.Builder
	row := func(indent int, k, v string) {
		pad := strings.Repeat("  ", indent) + k
		fmt.Fprintf(&b, "%-*s %s\n", valueCol-1, pad, v)
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
