package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/localapi"
)

// clientFlags are the flags every client command shares.
type clientFlags struct {
	socket *string
	json   *bool
}

func addClientFlags(fs *flag.FlagSet) clientFlags {
	return clientFlags{
		socket: fs.String("socket", defaultSocket(), "the daemon's local API socket"),
		json:   fs.Bool("json", false, "print JSON"),
	}
}

func defaultSocket() string {
	dir, err := config.DefaultDataDir()
	if err != nil {
		return ""
	}
	return localapi.DefaultSocketPath(dir)
}

func (c clientFlags) client() *localapi.Client { return localapi.NewClient(*c.socket) }

// printJSON writes v as indented JSON to stdout.
func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// notRunningError marks "no daemon" for its own exit code.
func isNotRunning(err error) bool { return errors.Is(err, localapi.ErrNotRunning) }

func ago(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := time.Since(t).Round(time.Second)
	switch {
	case d < time.Minute:
		return lang.T("seconds ago", int(d.Seconds()))
	case d < time.Hour:
		return lang.T("minutes ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return lang.T("hours ago", int(d.Hours()))
	}
	return t.Local().Format("2006-01-02 15:04")
}
