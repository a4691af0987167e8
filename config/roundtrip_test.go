package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lineChanges lists the lines that differ between a and b, which must
// have the same number of lines.
func lineChanges(t *testing.T, a, b string) []int {
	t.Helper()
	la, lb := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	if len(la) != len(lb) {
		t.Fatalf("line count changed: %d -> %d", len(la), len(lb))
	}
	var out []int
	for i := range la {
		if la[i] != lb[i] {
			out = append(out, i+1)
		}
	}
	return out
}

// TestRotateEveryShapeAndSource writes a new secret into each shape, with
// the secret in the YAML and in a .env file, and proves that exactly one
// line of one file changed and that the tenant then reads the new secret
// from the same place.
func TestRotateEveryShapeAndSource(t *testing.T) {
	shapes := map[Shape]string{ShapeCurrent: shapeCurrentYAML, ShapeLegacy: shapeLegacyYAML,
		ShapeEHR: strings.Replace(strings.Replace(shapeEHRYAML, "        private_key_path: keys/app.pem\n        key_id: k1\n", "        client_secret: %SECRET%\n", 1), "vendor: Epic", "vendor: cerner", 1)}
	const dotenv = "# dev secrets\nOTHER=keep me # comment\nexport CERNER_CLIENT_SECRET=\"FAKE-old-dotenv\"\nLAST='x'\n"
	for _, shape := range Shapes {
		for _, in := range []string{"yaml", "dotenv"} {
			t.Run(shape.String()+"/"+in, func(t *testing.T) {
				root := t.TempDir()
				dir := filepath.Join(root, ".settings.dev")
				os.Mkdir(dir, 0o700)
				secret := "FAKE-old-yaml"
				if in == "dotenv" {
					secret = "${CERNER_CLIENT_SECRET}"
					if err := os.WriteFile(filepath.Join(root, ".env"), []byte(dotenv), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				yamlBefore := strings.ReplaceAll(shapes[shape], "%SECRET%", secret)
				path := writeTemp(t, dir, yamlBefore)
				load := func() (*File, Tenant) {
					f, err := Load(path)
					if err != nil {
						t.Fatal(err)
					}
					e := EnvironmentFor(path, "")
					e.LookupEnv = func(string) (string, bool) { return "", false }
					f.SetEnvironment(e)
					ten, err := f.Tenant("")
					if err != nil {
						t.Fatal(err)
					}
					return f, ten
				}
				f, ten := load()
				if ten.Shape != shape {
					t.Fatalf("shape %v, want %v", ten.Shape, shape)
				}
				preview, err := f.Clone().StageCredentials(ten, ten.Cerner.SystemApp.ClientID, NewSecret(fakeSecret))
				if err != nil {
					t.Fatal(err)
				}
				diff := preview.Diff()
				noSecret(t, "diff", diff)
				if !strings.Contains(diff, "client_secret") && !strings.Contains(diff, "CERNER_CLIENT_SECRET") {
					t.Errorf("diff does not show the change:\n%s", diff)
				}
				if f.Changed() || mustRead(t, path) != yamlBefore {
					t.Fatal("the preview changed the original")
				}
				ce, err := f.StageCredentials(ten, ten.Cerner.SystemApp.ClientID, NewSecret(fakeSecret))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := ce.Save(SaveOptions{NoBackup: true}); err != nil {
					t.Fatal(err)
				}
				yamlAfter := mustRead(t, path)
				if in == "yaml" {
					if got := lineChanges(t, yamlBefore, yamlAfter); len(got) != 1 || !strings.Contains(strings.Split(yamlAfter, "\n")[got[0]-1], "client_secret: "+fakeSecret) {
						t.Errorf("changed lines %v:\n%s", got, yamlAfter)
					}
				} else {
					if yamlAfter != yamlBefore {
						t.Errorf("the YAML changed, the placeholder must stay:\n%s", yamlAfter)
					}
					envAfter := mustRead(t, filepath.Join(root, ".env"))
					if got := lineChanges(t, dotenv, envAfter); len(got) != 1 || got[0] != 3 {
						t.Errorf("changed .env lines %v:\n%s", got, envAfter)
					}
					if !strings.HasPrefix(strings.Split(envAfter, "\n")[2], "export CERNER_CLIENT_SECRET=\"") {
						t.Errorf("export prefix or quoting lost: %q", strings.Split(envAfter, "\n")[2])
					}
				}
				_, ten2 := load()
				got := ten2.Cerner.SystemApp.ClientSecret
				if got.Reveal() != fakeSecret || got.Source().Kind != ten.Cerner.SystemApp.ClientSecret.Source().Kind {
					t.Errorf("reads %s from %s after the rotation", got.Fingerprint(), got.Source())
				}
			})
		}
	}
}

// TestRotateRefusesEnvironment: a secret that lives in the process
// environment is not written anywhere, and the message says what to do.
func TestRotateRefusesEnvironment(t *testing.T) {
	root := t.TempDir()
	path := writeTemp(t, root, strings.ReplaceAll(shapeLegacyYAML, "%SECRET%", "${CERNER_CLIENT_SECRET}"))
	os.WriteFile(filepath.Join(root, ".env"), []byte("CERNER_CLIENT_SECRET=FAKE-shadowed\n"), 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	e := EnvironmentFor(path, "")
	e.LookupEnv = func(k string) (string, bool) { return "FAKE-from-env", k == "CERNER_CLIENT_SECRET" }
	f.SetEnvironment(e)
	ten, _ := f.Tenant("")
	if src := ten.Cerner.SystemApp.ClientSecret.Source(); src.String() != "environment (CERNER_CLIENT_SECRET)" || src.Shadowed.Line != 1 {
		t.Fatalf("source %v", src)
	}
	_, err = f.StageCredentials(ten, ten.Cerner.SystemApp.ClientID, NewSecret(fakeSecret))
	var ev *EnvironmentValueError
	if !errors.As(err, &ev) || !errors.Is(err, ErrNotWritable) {
		t.Fatalf("err = %v, want an EnvironmentValueError", err)
	}
	for _, want := range []string{"cerner.client_secret is ${CERNER_CLIENT_SECRET} (" + path + ":6:22)", "set in the process environment", ".env:1 defines CERNER_CLIENT_SECRET too, but the environment shadows that line", "nothing was written"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	noSecret(t, "error", err.Error(), "FAKE-from-env", "FAKE-shadowed")
	if f.Changed() {
		t.Error("the config was edited")
	}
	// The YAML writer refuses to put a value over a placeholder, whoever asks.
	if err := f.SetSecret("", ten.Cerner.SystemApp.Key("client_secret"), NewSecret(fakeSecret)); !errors.Is(err, ErrEdit) {
		t.Errorf("SetSecret over a placeholder: %v", err)
	}
}

// TestNewClientIDEveryShape: a rotation to another app changes the client
// id's line in the tenant's own shape, and the secret where it lives.
func TestNewClientIDEveryShape(t *testing.T) {
	const id = "99999999-2222-4333-8444-555555555555"
	for shape, y := range map[Shape]string{ShapeCurrent: shapeCurrentYAML, ShapeLegacy: shapeLegacyYAML} {
		t.Run(shape.String(), func(t *testing.T) {
			before := strings.ReplaceAll(y, "%SECRET%", "FAKE-old")
			f := mustParse(t, before)
			ten, err := f.Tenant("")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.StageCredentials(ten, id, NewSecret(fakeSecret)); err != nil {
				t.Fatal(err)
			}
			after := string(f.Bytes())
			got := lineChanges(t, before, after)
			lines := strings.Split(after, "\n")
			if len(got) != 2 || !strings.Contains(lines[got[0]-1], "client_id: "+id) || !strings.Contains(lines[got[1]-1], "client_secret: "+fakeSecret) {
				t.Errorf("changed lines %v", got)
			}
			ten2, _ := f.Tenant("")
			if ten2.Cerner.SystemApp.ClientID != id || ten2.Shape != shape {
				t.Errorf("reads back %q in shape %v", ten2.Cerner.SystemApp.ClientID, ten2.Shape)
			}
		})
	}
}
