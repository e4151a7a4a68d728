package main

import (
	"io"

	"github.com/ecswiz/ecswiz/internal/atomicfile"
)

// writeOutput writes data to stdout, or atomically to file when one is given. The file
// gets 0600 like a spec: what is written holds the spec's values.
func writeOutput(stdout io.Writer, file string, data []byte, force bool) error {
	if file == "" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfile.Write(file, data, 0o600, force)
}
