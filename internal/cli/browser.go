package cli

import (
	"errors"
	"os/exec"
	"runtime"
	"strings"
)

// errNoBrowser says the user must open the link themselves; callers always
// print the URL as well, so this is information, not a failure.
var errNoBrowser = errors.New("no browser can be opened here: open the link yourself")

// browserOpener returns the function that opens a URL in the user's
// browser: $BROWSER, then the platform's opener. Over SSH there is no local
// browser to open, so it does not try. The environment comes from IOStreams
// so tests decide what it holds.
func browserOpener(getenv func(string) string) func(url string) error {
	return func(url string) error {
		if overSSH(getenv) {
			return errNoBrowser
		}
		var cmd *exec.Cmd
		switch {
		case strings.TrimSpace(getenv("BROWSER")) != "":
			// $BROWSER may carry arguments ("firefox --new-window"):
			// split on blanks, never through a shell, and add the URL last.
			argv := strings.Fields(getenv("BROWSER"))
			cmd = exec.Command(argv[0], append(argv[1:], url)...)
		case runtime.GOOS == "darwin":
			cmd = exec.Command("open", url)
		case runtime.GOOS == "windows":
			cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
		default:
			if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
				return errNoBrowser
			}
			cmd = exec.Command("xdg-open", url)
		}
		cmd.Stdout, cmd.Stderr = nil, nil
		if err := cmd.Start(); err != nil {
			return errNoBrowser
		}
		// The opener returns at once or lives on as the browser; never wait.
		go func() { _ = cmd.Wait() }()
		return nil
	}
}

// overSSH says the browser, if any, runs on another machine than this
// process: opening one here would be wrong, and a redirect reaches this
// machine only through a forwarded port.
func overSSH(getenv func(string) string) bool {
	return getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
}
