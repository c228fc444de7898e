package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/daemon"
	"github.com/mailwarden/mailwarden/localapi"
)

func cmdRun(ctx context.Context, args []string) error {
	fs := newFlags("run")
	def, _ := config.DefaultPath()
	cfgPath := fs.String("config", def, "config file")
	storeDir := storeFlag(fs)
	dryRun := fs.Bool("dry-run", false, "classify and record what would move, move nothing")
	socket := fs.String("socket", "", "local API socket (default: $XDG_RUNTIME_DIR/mailwarden/mailwarden.sock, else in the data directory); \"none\" to serve no API")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needStore(*storeDir); err != nil {
		return err
	}
	if err := storeIsDir(*storeDir); err != nil {
		return err
	}
	log, err := newLogger(*logFormat, *logLevel)
	if err != nil {
		return err
	}
	// Only the default file is created: a --config path that does not exist
	// is a typo (config.Load says so), and a daemon on a new empty config
	// would do nothing.
	if _, err := os.Stat(*cfgPath); *cfgPath != def && errors.Is(err, os.ErrNotExist) {
		// A path given by hand: not "pass --config", it was.
		return errors.New(*cfgPath + ": " + lang.T("config given missing"))
	}
	if *cfgPath == def {
		created, err := config.Init(*cfgPath)
		if err != nil {
			return fmt.Errorf("%s: %w", lang.T("create config"), err)
		}
		if created {
			log.Info("no config file yet: created one with no account; add one with `mailwarden account add`", "path", *cfgPath)
		}
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	switch *socket {
	case "":
		*socket = localapi.DefaultSocketPath(*storeDir)
	case "none":
		*socket = ""
	}
	d, err := daemon.New(daemon.Options{Config: cfg, StoreDir: *storeDir, Socket: *socket, DryRun: *dryRun, Log: log})
	if err != nil {
		return storeError(err, *storeDir, true)
	}
	// A fixed garbage headroom over the live heap instead of GOGC's
	// doubling: the token table is most of the heap (see LimitMemory).
	defer daemon.LimitMemory(daemon.MemoryHeadroom)()
	log.Info("mailwarden running", "accounts", len(cfg.Accounts), "dry_run", *dryRun || cfg.DryRun, "store", *storeDir)
	return d.Run(ctx)
}
