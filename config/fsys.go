package config

import (
	"io/fs"
	"os"
	"path/filepath"
)

// fsys is the file system Save works through, so tests can fail any step
// (a full disk, a failing fsync, a refused rename) and check that the
// original survives.
type fsys interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	EvalSymlinks(name string) (string, error)
	OpenFile(name string, flag int, perm fs.FileMode) (file, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	Glob(pattern string) ([]string, error)
	SyncDir(dir string) error
}

type file interface {
	Write(p []byte) (int, error)
	Sync() error
	Chmod(mode fs.FileMode) error
	Close() error
}

type osFS struct{}

func (osFS) ReadFile(name string) ([]byte, error)     { return os.ReadFile(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)    { return os.Stat(name) }
func (osFS) EvalSymlinks(name string) (string, error) { return filepath.EvalSymlinks(name) }
func (osFS) Rename(oldpath, newpath string) error     { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                 { return os.Remove(name) }
func (osFS) Glob(pattern string) ([]string, error)    { return filepath.Glob(pattern) }
func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	return os.OpenFile(name, flag, perm)
}

// SyncDir makes a rename durable: without it a crash can forget the new
// directory entry even though the file's data reached the disk.
func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
