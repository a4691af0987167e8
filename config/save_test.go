package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// faultFS fails the named step of a save, like a full disk or a dying
// device would. crash makes the failure look like the process was killed:
// nothing is cleaned up afterwards.
type faultFS struct {
	osFS
	step  string
	err   error
	crash bool
}

func (f *faultFS) fail(step string) error {
	if f.step == step {
		return f.err
	}
	return nil
}

func (f *faultFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	step := "create-temp"
	if strings.Contains(name, ".bak.") {
		step = "create-backup"
	}
	if err := f.fail(step); err != nil {
		return nil, err
	}
	fh, err := f.osFS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if step == "create-backup" {
		prefix = "backup-"
	}
	return &faultFile{file: fh, fs: f, prefix: prefix}, nil
}

func (f *faultFS) Rename(o, n string) error {
	if err := f.fail("rename"); err != nil {
		return err
	}
	return f.osFS.Rename(o, n)
}

func (f *faultFS) Remove(name string) error {
	if f.crash {
		return nil
	}
	return f.osFS.Remove(name)
}

func (f *faultFS) SyncDir(dir string) error {
	if err := f.fail("sync-dir"); err != nil {
		return err
	}
	return f.osFS.SyncDir(dir)
}

type faultFile struct {
	file
	fs     *faultFS
	prefix string
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.fs.fail(f.prefix + "write"); err != nil {
		// A full disk takes part of the data before refusing the rest.
		n, _ := f.file.Write(p[:len(p)/2])
		return n, err
	}
	return f.file.Write(p)
}

func (f *faultFile) Sync() error {
	if err := f.fs.fail(f.prefix + "sync"); err != nil {
		return err
	}
	return f.file.Sync()
}

func (f *faultFile) Chmod(m fs.FileMode) error {
	if err := f.fs.fail(f.prefix + "chmod"); err != nil {
		return err
	}
	return f.file.Chmod(m)
}

func (f *faultFile) Close() error {
	err := f.file.Close()
	if ferr := f.fs.fail(f.prefix + "close"); ferr != nil {
		return ferr
	}
	return err
}

// leftovers lists files in dir other than the config itself.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != "config.yaml" {
			out = append(out, e.Name())
		}
	}
	return out
}

var backupName = regexp.MustCompile(`^config\.yaml\.bak\.\d{8}T\d{6}Z(\.\d+)?$`)

func TestSaveReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, validConfig)
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetSecret("", PathClientSecret, NewSecret(fakeSecret)); err != nil {
		t.Fatal(err)
	}
	res, err := f.Save(SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, p); got != string(f.Bytes()) {
		t.Error("the file does not hold the edited content")
	}
	if res.Path != p || !backupName.MatchString(filepath.Base(res.BackupPath)) {
		t.Errorf("result = %+v", res)
	}
	if got := mustRead(t, res.BackupPath); got != validConfig {
		t.Error("the backup is not the original")
	}
	for _, name := range []string{p, res.BackupPath} {
		if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o640 {
			t.Errorf("%s mode = %v, want 0640", filepath.Base(name), fi.Mode().Perm())
		}
	}
	if l := leftovers(t, dir); len(l) != 1 {
		t.Errorf("files left: %v", l)
	}
	// A second save right away keeps the first backup.
	if err := f.Set("", PathClientID, "55555555-2222-4333-8444-555555555555"); err != nil {
		t.Fatal(err)
	}
	res2, err := f.Save(SaveOptions{})
	if err != nil || res2.BackupPath == res.BackupPath {
		t.Fatalf("second save: %+v, %v", res2, err)
	}
	if got := mustRead(t, res.BackupPath); got != validConfig {
		t.Error("the second save overwrote the first backup")
	}
	// Saving without changes writes nothing.
	res3, err := f.Save(SaveOptions{})
	if err != nil || res3.BackupPath != "" || len(leftovers(t, dir)) != 2 {
		t.Errorf("no-op save: %+v, %v, %v", res3, err, leftovers(t, dir))
	}
}

func TestSaveNoBackupNewFileAndSymlink(t *testing.T) {
	t.Run("no backup", func(t *testing.T) {
		dir := t.TempDir()
		p := writeTemp(t, dir, validConfig)
		f, _ := Load(p)
		_ = f.Set("", PathClientID, "55555555-2222-4333-8444-555555555555")
		res, err := f.Save(SaveOptions{NoBackup: true})
		if err != nil || res.BackupPath != "" || len(leftovers(t, dir)) != 0 {
			t.Fatalf("%+v %v %v", res, err, leftovers(t, dir))
		}
	})
	t.Run("new file is 0600", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "config.yaml")
		f, err := Parse(p, []byte(validConfig))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Save(SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(p)
		if fi.Mode().Perm() != 0o600 || mustRead(t, p) != validConfig {
			t.Errorf("mode %v", fi.Mode().Perm())
		}
	})
	t.Run("symlink target replaced", func(t *testing.T) {
		dir := t.TempDir()
		real := filepath.Join(dir, "real")
		if err := os.Mkdir(real, 0o755); err != nil {
			t.Fatal(err)
		}
		target := writeTemp(t, real, validConfig)
		link := filepath.Join(dir, "link.yaml")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		f, _ := Load(link)
		_ = f.Set("", PathClientID, "55555555-2222-4333-8444-555555555555")
		res, err := f.Save(SaveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
			t.Error("the symlink was replaced by a file")
		}
		if res.Path != target || mustRead(t, target) != string(f.Bytes()) || filepath.Dir(res.BackupPath) != real {
			t.Errorf("result %+v", res)
		}
	})
}

func TestSaveRefusesChangedOnDisk(t *testing.T) {
	tests := []struct {
		name   string
		change func(p string)
	}{
		{"rewritten", func(p string) { os.WriteFile(p, []byte(validConfig+"# edited elsewhere\n"), 0o640) }},
		{"same size", func(p string) { os.WriteFile(p, []byte(strings.Replace(validConfig, "default", "DEFAULT", 1)), 0o640) }},
		{"deleted", func(p string) { os.Remove(p) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeTemp(t, dir, validConfig)
			f, _ := Load(p)
			_ = f.SetSecret("", PathClientSecret, NewSecret(fakeSecret))
			tc.change(p)
			before, _ := os.ReadFile(p)
			_, err := f.Save(SaveOptions{})
			if !errors.Is(err, ErrChangedOnDisk) {
				t.Fatalf("err = %v, want ErrChangedOnDisk", err)
			}
			noSecret(t, "error", err.Error())
			after, _ := os.ReadFile(p)
			if string(before) != string(after) || len(leftovers(t, dir)) != 0 {
				t.Errorf("something was written: %v", leftovers(t, dir))
			}
		})
	}
}

func TestSaveLocked(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, validConfig)
	unlock, err := lockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := Load(p)
	_ = f.Set("", PathClientID, "55555555-2222-4333-8444-555555555555")
	_, err = f.Save(SaveOptions{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another fhirdoctor is writing") {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if mustRead(t, p) != validConfig {
		t.Error("a locked save wrote")
	}
	unlock()
	if _, err := f.Save(SaveOptions{NoBackup: true}); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("lock file left behind: %v", l)
	}
}

// TestSaveFailsAtEveryStep fails each I/O step in turn: before the rename
// the original must be byte-identical and no temporary file may remain.
func TestSaveFailsAtEveryStep(t *testing.T) {
	tests := []struct {
		step     string
		err      error
		replaced bool // the failure comes after the rename
		want     string
	}{
		{"create-backup", syscall.ENOSPC, false, "writing the backup (the original is unchanged): no space left on device"},
		{"backup-write", syscall.ENOSPC, false, "writing the backup (the original is unchanged): no space left on device"},
		{"backup-sync", syscall.EIO, false, "writing the backup (the original is unchanged): input/output error"},
		{"create-temp", fs.ErrPermission, false, "cannot create files in"},
		{"chmod", syscall.EPERM, false, "setting permissions on the temporary file (the original is unchanged)"},
		{"write", syscall.ENOSPC, false, "writing the temporary file (the original is unchanged): no space left on device"},
		{"sync", syscall.EIO, false, "flushing the temporary file to disk (the original is unchanged): input/output error"},
		{"close", syscall.EIO, false, "closing the temporary file (the original is unchanged)"},
		{"rename", syscall.EXDEV, false, "replacing the file (the original is unchanged)"},
		{"sync-dir", syscall.EIO, true, "the new content is in place, but syncing directory"},
	}
	for _, tc := range tests {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			p := writeTemp(t, dir, validConfig)
			f, _ := Load(p)
			_ = f.SetSecret("", PathClientSecret, NewSecret(fakeSecret))
			f.fs = &faultFS{step: tc.step, err: tc.err}
			_, err := f.Save(SaveOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want it to say %q and wrap %v", err, tc.want, tc.err)
			}
			noSecret(t, "error", err.Error())
			got := mustRead(t, p)
			if tc.replaced {
				if got != string(f.Bytes()) {
					t.Error("the file is neither old nor new")
				}
				return
			}
			if got != validConfig {
				t.Error("the original changed")
			}
			for _, l := range leftovers(t, dir) {
				if strings.Contains(l, tempInfix) || strings.Contains(l, ".bak.") {
					t.Errorf("left behind: %s", l)
				}
			}
			// The same save succeeds once the fault is gone.
			f.fs = nil
			if _, err := f.Save(SaveOptions{}); err != nil || mustRead(t, p) != string(f.Bytes()) {
				t.Fatalf("retry: %v", err)
			}
		})
	}
}

// TestSaveAfterCrash simulates a process killed between writing the
// temporary file and renaming it: the original is intact, and the next
// save removes the stale temporary file.
func TestSaveAfterCrash(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, validConfig)
	f, _ := Load(p)
	_ = f.SetSecret("", PathClientSecret, NewSecret(fakeSecret))
	f.fs = &faultFS{step: "rename", err: errors.New("killed"), crash: true}
	if _, err := f.Save(SaveOptions{NoBackup: true}); err == nil {
		t.Fatal("save succeeded")
	}
	if mustRead(t, p) != validConfig {
		t.Fatal("the original changed")
	}
	stale := leftovers(t, dir)
	if len(stale) != 1 || !strings.HasPrefix(stale[0], ".config.yaml"+tempInfix) {
		t.Fatalf("expected one stale temporary file, got %v", stale)
	}
	g, _ := Load(p)
	_ = g.Set("", PathClientID, "55555555-2222-4333-8444-555555555555")
	if _, err := g.Save(SaveOptions{NoBackup: true}); err != nil {
		t.Fatal(err)
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("stale files survived: %v", l)
	}
}

func TestSaveReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions; TestSaveFailsAtEveryStep/create-temp covers the message")
	}
	dir := t.TempDir()
	p := writeTemp(t, dir, validConfig)
	f, _ := Load(p)
	_ = f.Set("", PathClientID, "55555555-2222-4333-8444-555555555555")
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	_, err := f.Save(SaveOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot create files in") || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("err = %v", err)
	}
	if mustRead(t, p) != validConfig {
		t.Error("the original changed")
	}
}

// TestSaveConcurrentWriters races several writers loaded from the same
// content: exactly one wins, the others are refused, and the file holds the
// winner's bytes, never a mix.
func TestSaveConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, validConfig)
	const n = 8
	files := make([]*File, n)
	for i := range files {
		f, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Set("", PathClientID, fmt.Sprintf("%08d-2222-4333-8444-555555555555", i)); err != nil {
			t.Fatal(err)
		}
		files[i] = f
	}
	errs := make(chan error, n)
	start := make(chan struct{})
	for _, f := range files {
		go func() {
			<-start
			_, err := f.Save(SaveOptions{NoBackup: true})
			errs <- err
		}()
	}
	close(start)
	wins := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			wins++
		case errors.Is(err, ErrLocked), errors.Is(err, ErrChangedOnDisk):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won, want 1", wins)
	}
	got := mustRead(t, p)
	matched := 0
	for _, f := range files {
		if got == string(f.Bytes()) {
			matched++
		}
	}
	if matched != 1 {
		t.Error("the file holds no single writer's content")
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
}
