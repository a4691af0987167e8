package config

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// TestDotenvAgreesWithNode runs Node's dotenv on every case of the parser's
// table, when scripts/node-consumer.sh provides it, so the table's
// expectations are Node's and not ours.
func TestDotenvAgreesWithNode(t *testing.T) {
	modules := os.Getenv("FHIRDOCTOR_NODE_MODULES")
	node, err := exec.LookPath("node")
	if modules == "" || err != nil {
		t.Skip("needs node and FHIRDOCTOR_NODE_MODULES (scripts/node-consumer.sh)")
	}
	var srcs []string
	for _, tc := range dotenvCases {
		srcs = append(srcs, tc.src)
	}
	in, _ := json.Marshal(srcs)
	cmd := exec.Command(node, "-e", `const d=require('dotenv');const c=JSON.parse(require('fs').readFileSync(0,'utf8'));process.stdout.write(JSON.stringify(c.map(s=>d.parse(Buffer.from(s)))))`)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	stdin, _ := cmd.StdinPipe()
	go func() { stdin.Write(in); stdin.Close() }()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got []map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for i, tc := range dotenvCases {
		ours := ParseDotenv(".env", []byte(tc.src)).values()
		if len(got[i]) != len(ours) {
			t.Errorf("%q: node %q, fhirdoctor %q", tc.src, got[i], ours)
			continue
		}
		for k, v := range got[i] {
			if ours[k] != v {
				t.Errorf("%q: node %q, fhirdoctor %q", tc.src, got[i], ours)
				break
			}
		}
	}
}
