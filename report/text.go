package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// Style colours text. The zero Style prints plain text, which is what pipes,
// NO_COLOR and golden files get.
type Style struct {
	Pass, Warn, Fail, Skip, Dim, Bold func(string) string
}

func (s Style) apply(f func(string) string, v string) string {
	if f == nil {
		return v
	}
	return f(v)
}

// Mark is the doctor-style mark of a status: ✓ ! ✗ and - for skipped.
func Mark(st probe.Status) string {
	switch st {
	case probe.StatusPass:
		return "✓"
	case probe.StatusWarn:
		return "!"
	case probe.StatusFail:
		return "✗"
	}
	return "-"
}

// Mark is the mark of a status in its colour.
func (s Style) Mark(st probe.Status) string {
	m := Mark(st)
	switch st {
	case probe.StatusPass:
		return s.apply(s.Pass, m)
	case probe.StatusWarn:
		return s.apply(s.Warn, m)
	case probe.StatusFail:
		return s.apply(s.Fail, m)
	}
	return s.apply(s.Skip, m)
}

// Duration formats a check's duration the way every renderer shows it.
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// Counts tallies statuses.
type Counts struct{ Pass, Warn, Fail, Skip int }

// Count tallies a report's checks.
func Count(checks []probe.CheckResult) Counts {
	var c Counts
	for _, r := range checks {
		switch r.Status {
		case probe.StatusPass:
			c.Pass++
		case probe.StatusWarn:
			c.Warn++
		case probe.StatusFail:
			c.Fail++
		default:
			c.Skip++
		}
	}
	return c
}

// Passed counts the checks that passed, warnings included.
func (c Counts) Passed() int { return c.Pass + c.Warn }

// Ran counts the checks that ran: skipped ones did not.
func (c Counts) Ran() int { return c.Pass + c.Warn + c.Fail }

// PassedLine is the one-line verdict of a run, "N of M checks passed",
// worded as docs/design.md fixes it for Step 5 and the summary.
func PassedLine(c Counts) string {
	return fmt.Sprintf("%d of %d checks passed", c.Passed(), c.Ran())
}

func (c Counts) String() string {
	parts := []string{fmt.Sprintf("%d passed", c.Pass)}
	if c.Warn > 0 {
		parts = append(parts, fmt.Sprintf("%d warning%s", c.Warn, Plural(c.Warn)))
	}
	parts = append(parts, fmt.Sprintf("%d failed", c.Fail))
	if c.Skip > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", c.Skip))
	}
	return strings.Join(parts, ", ")
}

// Plural is the "s" a count of n takes in English.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// TextOptions tune the doctor output.
type TextOptions struct {
	Style Style
	// Verbose shows evidence under passing checks too, and ruled-out causes.
	Verbose bool
}

// Text writes the doctor-style report of `fhirdoctor probe`.
func Text(w io.Writer, r *probe.Report, opt TextOptions) error {
	st := opt.Style
	var b strings.Builder
	fmt.Fprintf(&b, "%s  tenant %s · %s\n\n", st.apply(st.Bold, "fhirdoctor probe"), r.Tenant, r.ConfigPath)
	idw := 0
	for _, c := range r.Checks {
		idw = max(idw, len(c.ID))
	}
	for _, c := range r.Checks {
		line := fmt.Sprintf("%s %-*s  %s", st.Mark(c.Status), idw, c.ID, c.Summary)
		if d := Duration(c.Duration); d != "" {
			line += "  " + st.apply(st.Dim, d)
		}
		b.WriteString(line + "\n")
		if c.Status == probe.StatusWarn || c.Status == probe.StatusFail || (opt.Verbose && c.Status == probe.StatusPass) {
			for _, e := range c.Evidence {
				b.WriteString("    " + e + "\n")
			}
		}
		if c.Remedy != "" && (c.Status == probe.StatusWarn || c.Status == probe.StatusFail) {
			b.WriteString("    " + st.apply(st.Bold, "→ "+c.Remedy) + "\n")
		}
	}
	b.WriteString("\n")
	writeDiagnosis(&b, r.Diagnosis, opt)
	code := probe.ExitCode(r.Diagnosis.Top)
	fmt.Fprintf(&b, "\n%s · %s · exit %d\n", Count(r.Checks), Duration(r.Duration), code)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDiagnosis(b *strings.Builder, d probe.Diagnosis, opt TextOptions) {
	st := opt.Style
	switch {
	case d.Top == probe.CauseOK && d.Untested != "":
		b.WriteString(st.apply(st.Bold, "Diagnosis: ok as far as checked") + ": no check failed, but the credentials were not tested (" + d.Untested + ").\n")
	case d.Top == probe.CauseOK:
		b.WriteString(st.apply(st.Bold, "Diagnosis: ok") + ": the credentials work end to end.\n")
	default:
		fmt.Fprintf(b, "%s %s\n", st.apply(st.Bold, "Diagnosis:"), Headline(d.Top))
	}
	n := 0
	for _, c := range d.Causes {
		if c.ID == probe.CauseOK {
			continue
		}
		if c.Verdict == probe.VerdictRuledOut && !opt.Verbose && d.Top == probe.CauseOK {
			continue
		}
		n++
		fmt.Fprintf(b, "  %d. %-18s %s\n", n, c.ID, verdictStyle(st, c.Verdict))
		for _, e := range c.Evidence {
			b.WriteString("       " + e + "\n")
		}
		if c.Fix != "" && c.Verdict != probe.VerdictRuledOut {
			fix := c.Fix
			if c.Step > 0 {
				fix = StepTitle(c.Step) + ": " + fix
			}
			b.WriteString("       " + st.apply(st.Bold, "fix: "+fix) + "\n")
		}
	}
}

func verdictStyle(st Style, v probe.Verdict) string {
	switch v {
	case probe.VerdictConfirmed:
		return st.apply(st.Fail, string(v))
	case probe.VerdictLikely:
		return st.apply(st.Warn, string(v))
	case probe.VerdictRuledOut:
		return st.apply(st.Dim, string(v))
	}
	return string(v)
}
