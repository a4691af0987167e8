package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fhirdoctor/fhirdoctor/probe"
)

// JUnit XML for CI dashboards (`probe --format junit`): one test suite per
// tenant, one test case per check. A failed check is a <failure>, a skipped
// one <skipped>, a warning passes with its evidence in <system-out>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// JUnit writes the reports (one per tenant) as JUnit XML.
func JUnit(w io.Writer, reports []*probe.Report) error {
	doc := junitSuites{Name: "fhirdoctor probe"}
	var total time.Duration
	for _, r := range reports {
		s := junitSuite{
			Name:      "fhirdoctor probe · tenant " + r.Tenant,
			Time:      seconds(r.Duration),
			Timestamp: r.StartedAt.UTC().Format("2006-01-02T15:04:05"),
			Properties: []junitProperty{
				{"config", r.ConfigPath},
				{"tenant", r.Tenant},
				{"diagnosis", string(r.Diagnosis.Top)},
				{"exit_code", fmt.Sprint(probe.ExitCode(r.Diagnosis.Top))},
			},
		}
		total += r.Duration
		for _, c := range r.Checks {
			tc := junitCase{Name: c.ID, Classname: "fhirdoctor.probe." + r.Tenant, Time: seconds(c.Duration)}
			detail := strings.Join(c.Evidence, "\n")
			if c.Remedy != "" {
				detail = strings.TrimPrefix(detail+"\nfix: "+c.Remedy, "\n")
			}
			switch c.Status {
			case probe.StatusFail:
				tc.Failure = &junitMessage{Message: c.Summary, Type: string(causeOf(c)), Text: detail}
				s.Failures++
			case probe.StatusSkip:
				tc.Skipped = &junitMessage{Message: c.Summary}
				s.Skipped++
			case probe.StatusWarn:
				tc.SystemOut = "warning: " + c.Summary + "\n" + detail
			}
			s.Tests++
			s.Cases = append(s.Cases, tc)
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// causeOf is the cause a failed check points to, for the failure's type.
func causeOf(c probe.CheckResult) probe.CauseID {
	if c.Facts != nil && c.Facts.Cause != "" {
		return c.Facts.Cause
	}
	return "fail"
}
