package main

import "io"

// io2tee copies what the program writes into w as the test reads it.
func io2tee(r io.Reader, w io.Writer) io.Reader { return io.TeeReader(r, w) }
