package config_test

import (
	"errors"
	"fmt"

	"github.com/fhirdoctor/fhirdoctor/config"
)

func ExampleFile_Set() {
	f, _ := config.Parse("config.yaml", []byte(`tenants:
  default:   # the sandbox
    cerner:
      system_app:
        client_id: "11111111-2222-4333-8444-555555555555"
        client_secret:   # paste here
`))
	_ = f.Set("", config.PathClientID, "012345")
	_ = f.SetSecret("", config.PathClientSecret, config.NewSecret("FAKE: #x"))
	fmt.Print(string(f.Bytes()))
	// Output:
	// tenants:
	//   default:   # the sandbox
	//     cerner:
	//       system_app:
	//         client_id: "012345"
	//         client_secret: "FAKE: #x"   # paste here
}

func ExampleParseError_Finding() {
	_, err := config.Parse("config.yaml", []byte("tenants:\n  a: [1\n"))
	var pe *config.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Finding())
	}
	// Output:
	// config.yaml:2:6: error: malformed YAML: sequence end token ']' not found
}
