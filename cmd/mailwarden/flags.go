package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
)

// newFlags makes a FlagSet whose parse errors become usage errors.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("mailwarden "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// (`mailwarden account remove work --json`); "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				// Asked for: the flags on stdout, and success.
				fs.SetOutput(os.Stdout)
				fmt.Println(lang.T("flags usage", fs.Name()))
				fs.PrintDefaults()
				return exitCode{exitOK, ""}
			}
			// The flag package's words, inside a line in the user's language.
			return usageError{lang.T("bad flag", err.Error(), fs.Name())}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// isHelp reports whether arg asks for help (-h, --help, help).
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// storeFlag adds --store, defaulting to the user's data directory.
func storeFlag(fs *flag.FlagSet) *string {
	def, err := config.DefaultDataDir()
	if err != nil {
		def = ""
	}
	return fs.String("store", def, "data directory: token store and state (default: the user's data directory)")
}

func needStore(dir string) error {
	if dir == "" {
		return usageError{lang.T("no store")}
	}
	return nil
}

// needTrainedStore is needStore for the commands that only read the token
// store (classify, explain): the store must exist, so that a mistyped
// --store is an error instead of a new empty directory and every message
// judged "unsure".
func needTrainedStore(dir string) error {
	if err := needStore(dir); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, classifier.StoreFile)); err != nil {
		return errors.New(lang.T("no token store", dir, dir))
	}
	return nil
}
