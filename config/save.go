package config

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

var (
	// ErrChangedOnDisk is wrapped when the file on disk is no longer what
	// was loaded (an editor or another process wrote it): nothing is written.
	ErrChangedOnDisk = errors.New("config file changed on disk since it was read")
	// ErrLocked is wrapped when another fhirdoctor holds the write lock.
	ErrLocked = errors.New("config file is locked by another writer")
)

// tempInfix marks the temporary files Save creates, so a later Save can
// remove the ones a killed process left behind.
const tempInfix = ".fhirdoctor-tmp-"

// backupStamp is the UTC time format in backup names.
const backupStamp = "20060102T150405Z"

func (f *File) fsys() fsys {
	if f.fs == nil {
		return osFS{}
	}
	return f.fs
}

// Save writes the current content over the file atomically: a temporary
// file in the same directory is written and fsynced, renamed over the
// original, and the directory is fsynced. A symlink is followed and its
// target replaced. The original's permission bits are kept (a new file
// gets 0600) and, unless opts.NoBackup, the original is first copied to
// <file>.bak.<UTC yyyymmddThhmmssZ>. Save refuses with ErrChangedOnDisk
// when the file changed since it was loaded, and with ErrLocked while
// another fhirdoctor writes it. When nothing changed, nothing is written.
func (f *File) Save(opts SaveOptions) (SaveResult, error) {
	res, err := f.save(opts)
	if err != nil {
		return res, fmt.Errorf("config: saving %s: %w", f.path, err)
	}
	return res, nil
}

func (f *File) save(opts SaveOptions) (SaveResult, error) {
	res, replaced, err := saveBytes(f.fsys(), f.path, f.base, f.src, f.fromDisk, opts)
	if replaced {
		f.base, f.fromDisk = f.src, true
	}
	return res, err
}

// saveBytes replaces the file at path, which was read as base (fromDisk) or
// is new, with src: the whole of Save's contract, shared by the config file
// and the .env files. replaced says whether src is now on disk.
func saveBytes(fsys fsys, path string, base, src []byte, fromDisk bool, opts SaveOptions) (res SaveResult, replaced bool, err error) {
	target, err := fsys.EvalSymlinks(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if fromDisk {
			return SaveResult{}, false, fmt.Errorf("the file (or a symlink's target) was deleted since it was read; nothing written: %w", ErrChangedOnDisk)
		}
		target = path // a new file
	case err != nil:
		return SaveResult{}, false, fmt.Errorf("resolving the path: %w", err)
	}
	res = SaveResult{Path: target}
	dir, name := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	unlock, err := lockFile(target)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return res, false, fmt.Errorf("cannot create files in %s (permission denied); nothing written: %w", dir, err)
		}
		return res, false, err
	}
	defer unlock()
	pauseAt("locked")

	cur, err := fsys.ReadFile(target)
	exists := err == nil
	switch {
	case errors.Is(err, fs.ErrNotExist) && fromDisk:
		return res, false, fmt.Errorf("the file was deleted since it was read; nothing written: %w", ErrChangedOnDisk)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return res, false, fmt.Errorf("re-reading before writing: %w", err)
	case exists && !bytes.Equal(cur, base):
		return res, false, fmt.Errorf("it was modified (by an editor or another process) since fhirdoctor read it; nothing written, reload and try again: %w", ErrChangedOnDisk)
	case exists && bytes.Equal(cur, src):
		return res, false, nil
	}
	mode := fs.FileMode(0o600)
	if exists {
		fi, err := fsys.Stat(target)
		if err != nil {
			return res, false, fmt.Errorf("reading permissions: %w", err)
		}
		mode = fi.Mode().Perm()
	}
	removeStaleTemps(fsys, dir, name)
	if exists && !opts.NoBackup {
		if res.BackupPath, err = writeBackup(fsys, target, cur, mode, time.Now()); err != nil {
			return res, false, fmt.Errorf("writing the backup (the original is unchanged): %w", err)
		}
	}
	pauseAt("after-backup")
	replaced, err = replaceFile(fsys, dir, name, src, mode)
	if err != nil && !replaced && res.BackupPath != "" {
		// Nothing changed, so a backup would only be clutter.
		fsys.Remove(res.BackupPath)
		res.BackupPath = ""
	}
	return res, replaced, err
}

// replaceFile is the atomic write. Until the rename, any failure removes
// the temporary file and leaves the original as it was.
func replaceFile(fsys fsys, dir, base string, data []byte, mode fs.FileMode) (replaced bool, err error) {
	target := filepath.Join(dir, base)
	tmp := filepath.Join(dir, "."+base+tempInfix+randomSuffix())
	fh, err := fsys.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return false, fmt.Errorf("cannot create files in %s (permission denied); the original is unchanged: %w", dir, err)
		}
		return false, fmt.Errorf("creating a temporary file (the original is unchanged): %w", err)
	}
	abandon := func(step string, err error) error {
		fh.Close()
		fsys.Remove(tmp)
		return fmt.Errorf("%s (the original is unchanged): %w", step, err)
	}
	// The umask may have narrowed the mode on creation; set it exactly.
	if err := fh.Chmod(mode); err != nil {
		return false, abandon("setting permissions on the temporary file", err)
	}
	if _, err := fh.Write(data); err != nil {
		return false, abandon("writing the temporary file", err)
	}
	pauseAt("after-temp-write")
	if err := fh.Sync(); err != nil {
		return false, abandon("flushing the temporary file to disk", err)
	}
	pauseAt("after-fsync")
	if err := fh.Close(); err != nil {
		fsys.Remove(tmp)
		return false, fmt.Errorf("closing the temporary file (the original is unchanged): %w", err)
	}
	pauseAt("before-rename")
	if err := fsys.Rename(tmp, target); err != nil {
		fsys.Remove(tmp)
		return false, fmt.Errorf("replacing the file (the original is unchanged): %w", err)
	}
	pauseAt("after-rename")
	if err := fsys.SyncDir(dir); err != nil {
		return true, fmt.Errorf("the new content is in place, but syncing directory %s failed, so a crash now could lose it: %w", dir, err)
	}
	return true, nil
}

// writeBackup copies the original next to it, never overwriting an
// existing backup (two saves within a second get .1, .2, ...).
func writeBackup(fsys fsys, target string, data []byte, mode fs.FileMode, now time.Time) (string, error) {
	name := target + ".bak." + now.UTC().Format(backupStamp)
	for i := 1; ; i++ {
		fh, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			name = fmt.Sprintf("%s.bak.%s.%d", target, now.UTC().Format(backupStamp), i)
			continue
		}
		if err != nil {
			return "", err
		}
		err = fh.Chmod(mode)
		if err == nil {
			_, err = fh.Write(data)
		}
		if err == nil {
			err = fh.Sync()
		}
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fsys.Remove(name)
			return "", err
		}
		return name, nil
	}
}

// removeStaleTemps deletes temporary files a killed Save left behind. The
// caller holds the lock, so none of them belongs to a running Save.
func removeStaleTemps(fsys fsys, dir, base string) {
	matches, _ := fsys.Glob(filepath.Join(dir, globEscape("."+base+tempInfix)+"*"))
	for _, m := range matches {
		fsys.Remove(m)
	}
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func randomSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
