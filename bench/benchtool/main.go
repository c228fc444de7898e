//go:build linux

// Command benchtool drives mailwarden's side-by-side benchmarks (bench/peers.sh
// and bench/speed.sh): it prepares corpora with the label headers stripped,
// runs mailwarden, bogofilter, spamprobe and SpamAssassin's Bayes through the
// same TREC full-feedback protocol (internal/eval) and prints one table.
//
//	benchtool prepare [--split] CORPUS OUTDIR
//	benchtool peers [flags] CORPUS...
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "prepare":
		err = cmdPrepare(ctx, os.Args[2:])
	case "peers":
		err = cmdPeers(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchtool %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  benchtool prepare [--split] CORPUS OUTDIR
      write CORPUS (NAME.tar.xz, a directory, or a shared corpus name) to
      OUTDIR/index + OUTDIR/data/ with X-Spam*/X-Bogosity headers stripped and
      LF line ends; with --split, also OUTDIR/train/{spam,ham}/ (first half in
      index order) and OUTDIR/test/ (second half) as hard links
  benchtool peers [flags] CORPUS...
      run every tool through the TREC full-feedback protocol; -h for flags`)
	os.Exit(2)
}
