package main

import (
	"bufio"
	"os"
)

func newLineWriter(f *os.File) *bufio.Writer { return bufio.NewWriterSize(f, 64<<10) }
