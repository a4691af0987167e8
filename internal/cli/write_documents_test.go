package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/fhirdoctor/fhirdoctor/probe"
	"github.com/fhirdoctor/fhirdoctor/report"
)

// TestWriteDocumentsIsMarshalIndent: the streamed array is byte for byte
// the json.MarshalIndent of the documents it replaced.
func TestWriteDocumentsIsMarshalIndent(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			reports := make([]*probe.Report, n)
			docs := make([]report.Document, n)
			for i := range reports {
				reports[i] = configFailureReport("/x/config.yaml", fmt.Sprintf("t<%d>&", i), errors.New(`bad "value" <here>`))
				docs[i] = report.NewDocument(reports[i], versionString())
			}
			want, err := json.MarshalIndent(docs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var got bytes.Buffer
			if err := writeDocuments(&got, reports); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("streamed:\n%s\nMarshalIndent:\n%s", got.Bytes(), want)
			}
		})
	}
}
