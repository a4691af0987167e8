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
	// Width wraps lines at word boundaries to this many columns (the
	// terminal's width); 0 leaves them whole, as pipes and files want.
	Width int
}

// Text writes the doctor-style report of `fhirdoctor probe`.
func Text(w io.Writer, r *probe.Report, opt TextOptions) error {
	st := opt.Style
	var b strings.Builder
	b.WriteString(Wrap(st.apply(st.Bold, "fhirdoctor probe")+"  ", fmt.Sprintf("tenant %s · %s", r.Tenant, r.ConfigPath), "  ", opt.Width) + "\n\n")
	idw := 0
	for _, c := range r.Checks {
		idw = max(idw, len(c.ID))
	}
	width := opt.Width
	hang := strings.Repeat(" ", 2+idw+2)
	for _, c := range r.Checks {
		text := c.Summary
		if d := Duration(c.Duration); d != "" {
			text += "  " + st.apply(st.Dim, d)
		}
		b.WriteString(Wrap(fmt.Sprintf("%s %-*s  ", st.Mark(c.Status), idw, c.ID), text, hang, width) + "\n")
		if c.Status == probe.StatusWarn || c.Status == probe.StatusFail || (opt.Verbose && c.Status == probe.StatusPass) {
			for _, e := range c.Evidence {
				b.WriteString(Wrap("    ", e, "      ", width) + "\n")
			}
		}
		if c.Remedy != "" && (c.Status == probe.StatusWarn || c.Status == probe.StatusFail) {
			b.WriteString(styleLines(st.Bold, Wrap("    → ", c.Remedy, "      ", width)) + "\n")
		}
	}
	b.WriteString("\n")
	writeDiagnosis(&b, r.Diagnosis, opt)
	code := probe.ExitCode(r.Diagnosis.Top)
	b.WriteString("\n" + Wrap("", fmt.Sprintf("%s · %s · exit %d", Count(r.Checks), Duration(r.Duration), code), "", opt.Width) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDiagnosis(b *strings.Builder, d probe.Diagnosis, opt TextOptions) {
	st := opt.Style
	switch {
	case d.Top == probe.CauseOK && d.Untested != "":
		b.WriteString(Wrap(st.apply(st.Bold, "Diagnosis: ok as far as checked")+": ", "no check failed, but the credentials were not tested ("+d.Untested+").", "  ", opt.Width) + "\n")
	case d.Top == probe.CauseOK:
		b.WriteString(st.apply(st.Bold, "Diagnosis: ok") + ": the credentials work end to end.\n")
	default:
		b.WriteString(Wrap(st.apply(st.Bold, "Diagnosis:")+" ", Headline(d.Top), "  ", opt.Width) + "\n")
	}
	var shown []probe.Cause
	for _, c := range d.Causes {
		if c.ID == probe.CauseOK {
			continue
		}
		if c.Verdict == probe.VerdictRuledOut && !opt.Verbose && d.Top == probe.CauseOK {
			continue
		}
		shown = append(shown, c)
	}
	// Numbers are right-aligned so that 10. lines up with 9.; the text
	// under a cause starts where its id does.
	nw := len(fmt.Sprint(len(shown)))
	indent := strings.Repeat(" ", 2+nw+2)
	idw := 18
	for _, c := range shown {
		idw = max(idw, len(c.ID))
	}
	for i, c := range shown {
		fmt.Fprintf(b, "  %*d. %-*s %s\n", nw, i+1, idw, c.ID, verdictStyle(st, c.Verdict))
		for _, e := range c.Evidence {
			b.WriteString(Wrap(indent+"  ", e, indent+"    ", opt.Width) + "\n")
		}
		if c.Fix != "" && c.Verdict != probe.VerdictRuledOut {
			fix := c.Fix
			if c.Step > 0 {
				fix = StepTitle(c.Step) + ": " + fix
			}
			b.WriteString(styleLines(st.Bold, Wrap(indent+"  ", "fix: "+fix, indent+"       ", opt.Width)) + "\n")
		}
	}
}

// styleLines styles each line of s apart, after its indentation, so that a
// wrapped line keeps its style and the indentation stays plain.
func styleLines(f func(string) string, s string) string {
	if f == nil {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		body := strings.TrimLeft(l, " ")
		lines[i] = l[:len(l)-len(body)] + f(body)
	}
	return strings.Join(lines, "\n")
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
