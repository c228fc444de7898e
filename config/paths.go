package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir is where mailwarden keeps its state and token store:
// $XDG_DATA_HOME/mailwarden (~/.local/share/mailwarden) on Linux and BSD,
// ~/Library/Application Support/mailwarden on macOS, %LocalAppData%\mailwarden
// on Windows.
func DefaultDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "mailwarden"), nil
		}
	case "darwin":
		dir, err := os.UserConfigDir() // ~/Library/Application Support
		if err == nil {
			return filepath.Join(dir, "mailwarden"), nil
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "mailwarden"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "mailwarden"), nil
}
