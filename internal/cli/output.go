package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/fhirdoctor/fhirdoctor/config"
	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// Output formats of `probe` (docs: README "Scripts and CI").
const (
	formatText   = "text"
	formatJSON   = "json"
	formatJUnit  = "junit"
	formatGitHub = "github"
)

var probeFormats = []string{formatText, formatJSON, formatJUnit, formatGitHub}

// resolveFormat merges --json into --format and rejects unknown formats.
func resolveFormat(format string, jsonFlag, formatSet bool, valid []string) (string, error) {
	if jsonFlag {
		if formatSet && format != formatJSON {
			return "", fmt.Errorf("--json is --format json; it cannot be combined with --format %s", format)
		}
		return formatJSON, nil
	}
	for _, v := range valid {
		if format == v {
			return format, nil
		}
	}
	return "", fmt.Errorf("unknown --format %q: choose one of %s", format, strings.Join(valid, ", "))
}

// writeReports prints one or more probe reports in format. A single report
// in json is one document; several (--all-tenants) are an array.
func (g *globals) writeReports(io *IOStreams, format string, reports []*probe.Report, all bool) error {
	switch format {
	case formatJSON:
		if !all {
			b, err := report.JSON(reports[0], versionString())
			if err != nil {
				return err
			}
			_, err = io.Out.Write(b)
			return err
		}
		return writeDocuments(io.Out, reports)
	case formatJUnit:
		return report.JUnit(io.Out, reports)
	case formatGitHub:
		return report.GitHub(io.Out, reports)
	}
	for i, r := range reports {
		if i > 0 || all {
			fmt.Fprintln(io.Out)
		}
		if err := report.Text(io.Out, r, report.TextOptions{Style: g.textStyle(io), Verbose: g.verbose, Width: outputWidth(io)}); err != nil {
			return err
		}
	}
	return nil
}

// outputWidth is the terminal's width when stdout is one, else $COLUMNS
// when set (a script that wants wrapped text asks for it), else 0: no
// wrapping, whole lines for grep and files.
func outputWidth(io *IOStreams) int {
	if f, ok := io.Out.(term.File); ok && io.StdoutTTY {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(io.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}

// configFailureReport stands for a config that cannot be used at all (not
// found, unparseable, no such tenant), so that machine formats still print
// one document with a failed config check and exit 1.
func configFailureReport(path, tenant string, err error) *probe.Report {
	line := err.Error()
	var pe *config.ParseError
	if errors.As(err, &pe) {
		line = pe.Finding().String()
		if path == "" {
			path = pe.Pos.File
		}
	}
	checks := []probe.CheckResult{{ID: "config", Title: "Configuration", Result: probe.Result{
		Status: probe.StatusFail, Summary: "the config cannot be used: " + line, Evidence: []string{line},
		Remedy: "Fix the config file (fhirdoctor config validate shows every problem with its line and column).",
		Facts:  &probe.Facts{Cause: probe.CauseConfigInvalid, ConfigErrors: []string{line}},
	}}}
	for _, c := range probe.Catalogue()[1:] {
		checks = append(checks, probe.CheckResult{ID: c.ID, Title: c.Title, Result: probe.Result{Status: probe.StatusSkip, Summary: "needs config, which failed"}})
	}
	return &probe.Report{Tenant: tenant, ConfigPath: path, StartedAt: time.Now(), Checks: checks, Diagnosis: probe.Diagnose(checks)}
}
