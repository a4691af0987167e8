package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// names fang's help must not turn into "Json", "Tls" or "Markdown or json":
// fang title-cases the first word of every flag's help (and lower-cases the
// rest of that word), so a help string must start with a plain word.
var notFirst = map[string]bool{"json": true, "markdown": true, "text": true, "junit": true, "github": true, "yaml": true,
	"tls": true, "url": true, "pem": true, "jwt": true, "id": true, "ids": true, "http": true, "https": true}

var plainWord = regexp.MustCompile(`^[a-z]+[:,]?$`)

func TestFlagHelpCapitalises(t *testing.T) {
	root := newRootCmd(&IOStreams{Getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.NonInheritedFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden {
				return
			}
			first, _, _ := strings.Cut(f.Usage, " ")
			if !plainWord.MatchString(first) || notFirst[strings.TrimRight(first, ":,")] {
				t.Errorf("%s --%s: help %q starts with %q, which fang capitalises badly", c.CommandPath(), f.Name, f.Usage, first)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
