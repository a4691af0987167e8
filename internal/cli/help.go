package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

// exitStatusHelp is the exit code table (one place: exitCode and
// probe.ExitCode implement it) for the man page and `probe --help`.
const exitStatusHelp = `0    every check passed (warnings allowed)
1    usage or config error
2    network, DNS, TLS or clock problem
3    credentials rejected (wrong secret, unknown or revoked client)
4    blocked before the OAuth server (an edge, WAF or IP 403 without an OAuth error)
5    scope or tenant problem
6    the token works but FHIR reads fail
7    server outage (5xx, timeouts on a reachable host)
8    written and verified, but a --then command failed
130  interrupted (ctrl+c, SIGTERM, SIGHUP); nothing is left behind`

// environmentHelp lists the variables fhirdoctor reads.
const environmentHelp = `FHIRDOCTOR_CONFIG           the config file, when --config is not given
FHIRDOCTOR_TENANT           the tenant, when --tenant is not given
NODE_ENV                    the environment (.settings.<env>/), when --env is not given; default dev
FHIRDOCTOR_CLIENT_SECRET    rotate's new secret when not piped; also read by the curl lines that re-run a token request
FHIRDOCTOR_ACCESS_TOKEN     read by the curl lines that re-run a FHIR read
CERNER_BASE_URL, CERNER_CLIENT_ID, CERNER_CLIENT_SECRET, CERNER_TOKEN_URL, CERNER_SCOPES
                            what probe --from-env reads, as the backend does without its YAML
NO_COLOR                    no colours (as --no-color)
ACCESSIBLE                  plain line prompts (as --accessible)
COLUMNS                     wrap probe's text to this width when stdout is not a terminal
BROWSER                     the command (with arguments) that opens a URL
SSL_CERT_FILE               extra trusted root certificates (as --cacert)
HTTPS_PROXY, NO_PROXY       the proxy to reach the EHR through`

// manCmd replaces fang's man page generator, which has no way to add
// sections: the same page (mango-cobra) with EXIT STATUS and ENVIRONMENT.
func manCmd() *cobra.Command {
	return &cobra.Command{
		Use:                   "man",
		Short:                 "Generate the man page",
		Hidden:                true,
		DisableFlagsInUseLine: true,
		Args:                  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			page, err := mcobra.NewManPage(1, cmd.Root())
			if err != nil {
				return err
			}
			page.WithSection("Exit Status", exitStatusHelp).WithSection("Environment", environmentHelp)
			_, err = fmt.Fprint(cmd.OutOrStdout(), page.Build(roff.NewDocument()))
			return err
		},
	}
}

// noArgsOrSuggest rejects arguments to a command that takes none, and names
// the subcommand a typo was probably meant for ("prob": probe). Cobra
// suggests only for a root without a Run; ours runs the wizard.
func noArgsOrSuggest(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, applied only on its own path
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += ": did you mean " + strings.Join(s, " or ") + "?"
	} else if cmd.HasAvailableSubCommands() {
		msg += " (" + cmd.CommandPath() + " --help lists the commands)"
	}
	return errors.New(msg)
}

// helpWhenNoArgs is the RunE of a command that only groups subcommands.
func helpWhenNoArgs(cmd *cobra.Command, _ []string) error { return cmd.Help() }

// completions gives flag values to shell completion, by flag name, in every
// command that has the flag (so flags added later complete too).
func completions(root *cobra.Command, g *globals, io *IOStreams) {
	fixed := func(values ...string) cobra.CompletionFunc {
		return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
	}
	var scenarios []string
	for _, s := range sandbox.Scenarios() {
		scenarios = append(scenarios, s.Name+"\t"+s.Description)
	}
	byName := map[string]cobra.CompletionFunc{
		"scenario":     fixed(scenarios...),
		"vendor":       fixed("cerner\tCerner (Oracle Health): client secret, Basic auth", "epic\tEpic: SMART Backend Services, JWT assertion"),
		"only":         completeCheckIDs,
		"skip":         completeCheckIDs,
		"tenant":       g.completeTenants(io),
		"env":          completeEnvs,
		"config-shape": fixed("current", "legacy", "ehr"),
		"secret-in":    fixed("yaml", "dotenv"),
		"alg":          fixed("RS384", "ES384"),
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.NonInheritedFlags().VisitAll(func(f *pflag.Flag) {
			fn := byName[f.Name]
			if f.Name == "format" {
				fn = fixed(formatsOf(c)...)
			}
			if fn != nil {
				// Registering twice (a flag seen from two commands) is
				// refused by cobra, harmlessly.
				_ = c.RegisterFlagCompletionFunc(f.Name, fn)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func formatsOf(c *cobra.Command) []string {
	switch c.Name() {
	case "probe":
		return probeFormats
	case "validate":
		return validateFormats
	case "report":
		return []string{"markdown", "json"}
	}
	return nil
}

// completeCheckIDs completes a comma-separated list of check ids.
func completeCheckIDs(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, _ := cutLast(toComplete, ",")
	var out []cobra.Completion
	for _, c := range probe.Catalogue() {
		out = append(out, done+c.ID+"\t"+c.Description)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// cutLast splits "a,b,c" into "a,b," and "c".
func cutLast(s, sep string) (string, string) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s
	}
	return s[:i+1], s[i+1:]
}

// completeTenants completes --tenant from the config file that --config (or
// discovery) finds.
func (g *globals) completeTenants(io *IOStreams) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		f, err := g.loadFile(io)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return f.TenantNames(), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeEnvs completes --env from the .settings.<env> folders here and in
// ./backend, where the backend keeps them.
func completeEnvs(_ *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	seen := map[string]bool{}
	for _, dir := range []string{".", "backend"} {
		matches, _ := filepath.Glob(filepath.Join(dir, ".settings.*"))
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				seen[strings.TrimPrefix(filepath.Base(m), ".settings.")] = true
			}
		}
	}
	var out []string
	for e := range seen {
		out = append(out, e)
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}
