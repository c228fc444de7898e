//go:build !unix

package main

// read reads the file at path (readMessage; no reuse on other systems).
func (r *messageReader) read(path string) ([]byte, error) { return readMessage(path) }
