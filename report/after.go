package report

import (
	"fmt"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/internal/afterwrite"
)

// writeRemains renders the "What remains" section: the rotation is done
// when the running system uses the new credentials
// (docs/after-the-write.md).
func writeRemains(b *strings.Builder, r afterwrite.Remains) {
	for _, l := range r.Lines() {
		mark, text, _ := strings.Cut(l, " ")
		box := "[ ]"
		if mark == "✓" {
			box = "[x]"
		}
		fmt.Fprintf(b, "- %s %s\n", box, mdEscape(strings.TrimSpace(text)))
	}
}

// writeThen renders the "After the write" section: each command, how it
// ended, and the end of its output (already scrubbed of every known
// secret).
func writeThen(b *strings.Builder, results []afterwrite.Result) {
	for _, r := range results {
		fmt.Fprintf(b, "- %s `%s` in `%s`: %s\n", map[bool]string{true: "✓", false: "✗"}[r.OK()], strings.ReplaceAll(r.Command, "`", "'"), r.Dir, r.Outcome())
		if out := strings.TrimRight(r.Output, "\n"); out != "" {
			fence := "```"
			for strings.Contains(out, fence) {
				fence += "`"
			}
			fmt.Fprintf(b, "\n  %s\n", fence)
			for _, l := range strings.Split(out, "\n") {
				fmt.Fprintf(b, "  %s\n", l)
			}
			fmt.Fprintf(b, "  %s\n\n", fence)
		}
	}
}

// mdEscape keeps a line's underscores and stars literal.
func mdEscape(s string) string {
	return strings.NewReplacer("_", `\_`, "*", `\*`).Replace(s)
}
