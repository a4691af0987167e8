package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
)

// GitHub Actions workflow commands (`probe --format github`, `config
// validate --format github`): annotations on the run and, with a file and
// line, on the pull request's diff.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions

// ghData escapes an annotation's message.
func ghData(s string) string {
	r := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	return r.Replace(s)
}

// ghProperty escapes a property value (title, file), where , and : end it.
func ghProperty(s string) string {
	r := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	return r.Replace(s)
}

// GitHub writes one annotation per failed (error) or warning check of each
// report, then the diagnosis as a notice and a plain summary line.
func GitHub(w io.Writer, reports []*probe.Report) error {
	var b strings.Builder
	for _, r := range reports {
		prefix := ""
		if len(reports) > 1 {
			prefix = "tenant " + r.Tenant + ": "
		}
		for _, c := range r.Checks {
			level := ""
			switch c.Status {
			case probe.StatusFail:
				level = "error"
			case probe.StatusWarn:
				level = "warning"
			default:
				continue
			}
			msg := prefix + c.Summary
			if len(c.Evidence) > 0 {
				msg += "\n" + strings.Join(c.Evidence, "\n")
			}
			if c.Remedy != "" {
				msg += "\nfix: " + c.Remedy
			}
			fmt.Fprintf(&b, "::%s title=%s::%s\n", level, ghProperty(c.ID), ghData(msg))
		}
		code := probe.ExitCode(r.Diagnosis.Top)
		if r.Diagnosis.Top != probe.CauseOK {
			msg := prefix + string(r.Diagnosis.Top) + ": " + Headline(r.Diagnosis.Top)
			if len(r.Diagnosis.Causes) > 0 && r.Diagnosis.Causes[0].Fix != "" {
				msg += "\nfix: " + r.Diagnosis.Causes[0].Fix
			}
			fmt.Fprintf(&b, "::error title=diagnosis::%s\n", ghData(msg))
		}
		fmt.Fprintf(&b, "fhirdoctor probe: tenant %s: %s; diagnosis %s, exit %d\n", r.Tenant, Count(r.Checks), r.Diagnosis.Top, code)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// FindingsGitHub writes config findings as annotations on the file, line
// and column they name.
func FindingsGitHub(w io.Writer, findings []config.Finding) error {
	var b strings.Builder
	for _, f := range findings {
		level := "error"
		if f.Severity == config.SeverityWarning {
			level = "warning"
		}
		props := []string{"file=" + ghProperty(f.Pos.File)}
		if f.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
		}
		if f.Pos.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
		}
		title := "config"
		if f.Key != "" {
			title = f.Key
		}
		props = append(props, "title="+ghProperty(title))
		fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(f.Message))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
