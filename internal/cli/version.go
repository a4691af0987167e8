package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"
)

// version is set at release time with
// -ldflags "-X github.com/fhirdoctor/fhirdoctor/internal/cli.version=v1.2.3";
// `go install ...@v1.2.3` fills it from the module's build info instead.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	return buildVersion()
}

// buildVersion is the module version from the build info, read once:
// debug.ReadBuildInfo parses it anew on every call, and `probe
// --all-tenants` asks once per tenant.
var buildVersion = sync.OnceValue(func() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
})

func commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return s.Value[:12]
		}
	}
	return ""
}

func newVersionCmd(io *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			line := "fhirdoctor " + versionString()
			if c := commit(); c != "" {
				line += " (" + c + ")"
			}
			_, err := fmt.Fprintf(io.Out, "%s %s %s/%s\n", line, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
