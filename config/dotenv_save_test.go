package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// The .env writer has Save's guarantees (docs/config.md): these are the
// YAML writer's tests (save_test.go) run on a .env file.

const dotenvFixture = "# dev secrets\nOTHER=keep # comment\nexport CERNER_CLIENT_SECRET='FAKE-old-secret'\n"

func writeDotenv(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, ".env")
	if err := os.WriteFile(p, []byte(dotenvFixture), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadDotenvEdited(t *testing.T, p string) *Dotenv {
	t.Helper()
	d, err := LoadDotenv(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetSecret("CERNER_CLIENT_SECRET", NewSecret(fakeSecret)); err != nil {
		t.Fatal(err)
	}
	return d
}

func dotenvLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != ".env" {
			out = append(out, e.Name())
		}
	}
	return out
}

var dotenvBackupName = regexp.MustCompile(`^\.env\.bak\.\d{8}T\d{6}Z(\.\d+)?$`)

func TestDotenvSaveReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	p := writeDotenv(t, dir)
	d := loadDotenvEdited(t, p)
	res, err := d.Save(SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if mustRead(t, p) != string(d.Bytes()) || !dotenvBackupName.MatchString(filepath.Base(res.BackupPath)) {
		t.Errorf("result %+v", res)
	}
	if mustRead(t, res.BackupPath) != dotenvFixture {
		t.Error("the backup is not the original")
	}
	for _, name := range []string{p, res.BackupPath} {
		if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o640 {
			t.Errorf("%s mode = %v, want the original's 0640", filepath.Base(name), fi.Mode().Perm())
		}
	}
	if l := dotenvLeftovers(t, dir); len(l) != 1 {
		t.Errorf("files left: %v", l)
	}
	if res, err := d.Save(SaveOptions{}); err != nil || res.BackupPath != "" {
		t.Errorf("no-op save: %+v %v", res, err)
	}
}

func TestDotenvSaveSymlinkAndNoBackup(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.Mkdir(real, 0o700)
	target := writeDotenv(t, real)
	link := filepath.Join(dir, ".env")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	d := loadDotenvEdited(t, link)
	res, err := d.Save(SaveOptions{NoBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if res.Path != target || res.BackupPath != "" || mustRead(t, target) != string(d.Bytes()) {
		t.Errorf("result %+v", res)
	}
}

func TestDotenvSaveRefusesChangedOnDisk(t *testing.T) {
	for name, change := range map[string]func(p string){
		"rewritten": func(p string) { os.WriteFile(p, []byte(dotenvFixture+"NEW=1\n"), 0o640) },
		"same size": func(p string) { os.WriteFile(p, []byte(strings.Replace(dotenvFixture, "keep", "KEEP", 1)), 0o640) },
		"deleted":   func(p string) { os.Remove(p) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeDotenv(t, dir)
			d := loadDotenvEdited(t, p)
			change(p)
			before, _ := os.ReadFile(p)
			_, err := d.Save(SaveOptions{})
			if !errors.Is(err, ErrChangedOnDisk) {
				t.Fatalf("err = %v, want ErrChangedOnDisk", err)
			}
			noSecret(t, "error", err.Error())
			after, _ := os.ReadFile(p)
			if string(before) != string(after) || len(dotenvLeftovers(t, dir)) != 0 {
				t.Errorf("something was written: %v", dotenvLeftovers(t, dir))
			}
		})
	}
}

func TestDotenvSaveLocked(t *testing.T) {
	dir := t.TempDir()
	p := writeDotenv(t, dir)
	unlock, err := lockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	d := loadDotenvEdited(t, p)
	if _, err := d.Save(SaveOptions{}); !errors.Is(err, ErrLocked) || mustRead(t, p) != dotenvFixture {
		t.Fatalf("err = %v, want ErrLocked and nothing written", err)
	}
	unlock()
	if _, err := d.Save(SaveOptions{NoBackup: true}); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if l := dotenvLeftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestDotenvSaveFailsAtEveryStep(t *testing.T) {
	for _, tc := range []struct {
		step     string
		err      error
		replaced bool
	}{
		{"create-backup", syscall.ENOSPC, false}, {"backup-write", syscall.ENOSPC, false}, {"backup-sync", syscall.EIO, false},
		{"create-temp", fs.ErrPermission, false}, {"chmod", syscall.EPERM, false}, {"write", syscall.ENOSPC, false},
		{"sync", syscall.EIO, false}, {"close", syscall.EIO, false}, {"rename", syscall.EXDEV, false}, {"sync-dir", syscall.EIO, true},
	} {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			p := writeDotenv(t, dir)
			d := loadDotenvEdited(t, p)
			d.fs = &faultFS{step: tc.step, err: tc.err}
			_, err := d.Save(SaveOptions{})
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want it to wrap %v", err, tc.err)
			}
			noSecret(t, "error", err.Error())
			got := mustRead(t, p)
			if tc.replaced {
				if got != string(d.Bytes()) {
					t.Error("the file is neither old nor new")
				}
				return
			}
			if got != dotenvFixture {
				t.Error("the original changed")
			}
			for _, l := range dotenvLeftovers(t, dir) {
				if strings.Contains(l, tempInfix) || strings.Contains(l, ".bak.") {
					t.Errorf("left behind: %s", l)
				}
			}
			d.fs = nil
			if _, err := d.Save(SaveOptions{}); err != nil || mustRead(t, p) != string(d.Bytes()) {
				t.Fatalf("retry: %v", err)
			}
		})
	}
}
