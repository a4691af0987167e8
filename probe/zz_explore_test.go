package probe

import (
	"context"
	"testing"
	"time"

	"github.com/fhirdoctor/fhirdoctor/sandbox"
)

func TestZZExplore(t *testing.T) {
	for _, m := range sandbox.HostileModes() {
		t.Run(m.Name, func(t *testing.T) {
			srv, opts := startSandbox(t, sandbox.Options{Hostile: m.Name}, 500*time.Millisecond)
			rep, err := Run(context.Background(), opts, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("top %s\n%s", rep.Diagnosis.Top, reportText(rep))
			if m.Name == sandbox.HostileRedirect {
				a, b := srv.OtherHostRequests()
				t.Logf("other host: %d %d", a, b)
			}
		})
	}
}
