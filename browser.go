package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// errNoBrowser says the user must open the link themselves; callers always
// print the URL as well, so this is information, not a failure.
var errNoBrowser = errors.New("no browser can be opened here: open the link yourself")

// openBrowser opens url in the user's browser: $BROWSER, then the platform's
// opener. Over SSH there is no local browser to open, so it does not try.
func openBrowser(url string) error {
	if os.Getenv("SSH_CONNECTION") != "" || os.Getenv("SSH_TTY") != "" {
		return errNoBrowser
	}
	var cmd *exec.Cmd
	switch {
	case os.Getenv("BROWSER") != "":
		cmd = exec.Command(os.Getenv("BROWSER"), url)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", url)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
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
