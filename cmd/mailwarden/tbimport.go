package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/localapi"
)

// tbImportsFile, in the data directory, records every training.dat imported
// (by content hash) so the same training is not added twice by accident.
const tbImportsFile = "thunderbird-imports.json"

type tbImportRecord struct {
	SHA256    string    `json:"sha256"`
	Path      string    `json:"path"`
	Time      time.Time `json:"time"`
	Scale     float64   `json:"scale"`
	SpamAdded uint32    `json:"spam_added"`
	HamAdded  uint32    `json:"ham_added"`
	Tokens    int       `json:"tokens"`
}

func cmdImportThunderbird(ctx context.Context, args []string) error {
	fs := newFlags("import-thunderbird")
	storeDir := storeFlag(fs)
	profile := fs.String("profile", "", "Thunderbird profile directory holding training.dat (or the directory of profiles, if it holds one)")
	full := fs.Bool("full", false, "add Thunderbird's counts unscaled, however large (default: they weigh at most as much as your own training, or 2,000 messages)")
	again := fs.Bool("again", false, "import a training.dat that was imported before (its counts are added a second time)")
	dryRun := fs.Bool("dry-run", false, "read and map the file, print what would be added, change nothing")
	socket := fs.String("socket", "", "the daemon's socket, to check that it is not running (default: the one `mailwarden run` uses; \"none\": do not check)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 || (fs.NArg() == 1 && *profile != "") {
		return usageError{lang.T("usage tbimport")}
	}
	if err := needStore(*storeDir); err != nil {
		return err
	}
	path, err := findTrainingDat(*profile, fs.Arg(0))
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read Thunderbird training data: %w", err)
	}
	d, err := classifier.ParseTrainingDat(raw)
	if err != nil {
		var te *classifier.TrainingDatError
		if errors.As(err, &te) {
			te.Path = path
		}
		return err
	}
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])

	if !*dryRun {
		if err := daemonNotRunning(ctx, *socket, *storeDir); err != nil {
			return err
		}
	}
	m, err := classifier.Open(*storeDir, classifier.DefaultOptions())
	if err != nil {
		return storeError(err, *storeDir, false)
	}
	recsPath := filepath.Join(*storeDir, tbImportsFile)
	recsRaw, recs, err := readImportRecords(recsPath)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(recs, func(r tbImportRecord) bool { return r.SHA256 == hash }); i >= 0 && !*again && !*dryRun {
		r := recs[i]
		return errors.New(lang.T("tb already", r.Time.Local().Format("2006-01-02 15:04"), r.Path, r.SpamAdded, r.HamAdded))
	}

	rep := m.ImportTrainingData(d, *full)
	printImportReport(path, rep, *full)
	if *dryRun {
		fmt.Println(lang.T("tb dry run"))
		return nil
	}
	// The record first, then the store: a crash between the two leaves a
	// record of an import that did not happen (`--again` fixes it), never an
	// import without a record (which a second run would add twice).
	abs, _ := filepath.Abs(path)
	recs = append(recs, tbImportRecord{SHA256: hash, Path: cmp.Or(abs, path), Time: time.Now().UTC(), Scale: rep.Scale,
		SpamAdded: rep.AddedSpam, HamAdded: rep.AddedHam, Tokens: rep.AddedTokens})
	if err := writeImportRecords(recsPath, recs); err != nil {
		return err
	}
	if err := m.Save(); err != nil {
		if recsRaw == nil {
			os.Remove(recsPath)
		} else {
			writeFileAtomic(recsPath, recsRaw)
		}
		return err
	}
	s, h := m.Counts()
	fmt.Println(lang.T("tb added", m.Path(), s, h, thousands(m.TokenCount())))
	return nil
}

// findTrainingDat resolves --profile DIR or FILE (a file, or a directory
// taken as a profile) to a training.dat; with neither, it looks in the
// usual Thunderbird profile locations and takes the only one there is.
func findTrainingDat(profile, arg string) (string, error) {
	dir := profile
	if arg != "" {
		st, err := os.Stat(arg)
		if err != nil {
			return "", fmt.Errorf("Thunderbird training data: %w", err)
		}
		if !st.IsDir() {
			return arg, nil
		}
		dir = arg
	}
	if dir != "" {
		p := filepath.Join(dir, classifier.TrainingDatFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if _, err := os.Stat(dir); err != nil {
			return "", fmt.Errorf("Thunderbird profile: %w", err)
		}
		// The directory of profiles (~/.thunderbird, .../Profiles)?
		found := profilesIn([]string{dir, filepath.Join(dir, "Profiles")})
		switch len(found) {
		case 0:
			return "", errors.New(lang.T("tb no file", classifier.TrainingDatFile, dir))
		case 1:
			return found[0], nil
		}
		return "", errors.New(lang.T("tb several in", dir, strings.Join(found, "\n  ")))
	}
	found := profilesIn(defaultThunderbirdRoots())
	switch len(found) {
	case 0:
		return "", errors.New(lang.T("tb none found", strings.Join(defaultThunderbirdRoots(), ", ")))
	case 1:
		return found[0], nil
	}
	return "", errors.New(lang.T("tb several", strings.Join(found, "\n  ")))
}

// profilesIn returns the training.dat files one directory below roots.
func profilesIn(roots []string) []string {
	var out []string
	for _, r := range roots {
		m, _ := filepath.Glob(filepath.Join(r, "*", classifier.TrainingDatFile))
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// defaultThunderbirdRoots are where Thunderbird keeps its profiles.
func defaultThunderbirdRoots() []string {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("APPDATA"); d != "" {
			return []string{filepath.Join(d, "Thunderbird", "Profiles")}
		}
		return nil
	case "darwin":
		return []string{filepath.Join(home, "Library", "Thunderbird", "Profiles")}
	}
	return []string{
		filepath.Join(home, ".thunderbird"),
		filepath.Join(home, "snap", "thunderbird", "common", ".thunderbird"),
		filepath.Join(home, ".var", "app", "org.mozilla.Thunderbird", ".thunderbird"),
	}
}

// daemonNotRunning refuses while a daemon answers on the socket: it keeps
// the token store in memory and its next save would drop the import.
func daemonNotRunning(ctx context.Context, socket, storeDir string) error {
	if socket == "none" {
		return nil
	}
	if socket == "" {
		socket = localapi.DefaultSocketPath(storeDir)
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := localapi.NewClient(socket).Status(cctx); err == nil {
		return errors.New(lang.T("tb daemon running", socket))
	}
	return storeNotLocked(storeDir)
}

func readImportRecords(path string) ([]byte, []tbImportRecord, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	var recs []tbImportRecord
	if err := json.Unmarshal(raw, &recs); err != nil {
		return nil, nil, fmt.Errorf("%s is damaged (%v): move it aside to import anyway", path, err)
	}
	return raw, recs, nil
}

func writeImportRecords(path string, recs []tbImportRecord) error {
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// writeFileAtomic writes a 0600 file through a temporary file and a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func printImportReport(path string, rep classifier.ImportReport, full bool) {
	fmt.Println(lang.T("tb report file", path))
	fmt.Println(lang.T("tb report trained", thousands(int(rep.JunkMsgs)), thousands(int(rep.GoodMsgs)), thousands(rep.Records)))
	fmt.Println(lang.T("tb report mapped", thousands(rep.Mapped), thousands(rep.Tokens), byCount(rep.MappedBy)))
	fmt.Println(lang.T("tb report dropped", thousands(rep.Dropped), byCount(rep.DroppedBy)))
	own := uint64(rep.OwnSpam) + uint64(rep.OwnHam)
	switch {
	case rep.Scale == 1 && full:
		fmt.Println(lang.T("tb report full"))
	case rep.Scale == 1:
		fmt.Println(lang.T("tb report within",
			thousands(int(rep.JunkMsgs)+int(rep.GoodMsgs)), thousands(int(max(own, classifier.PriorFloor))), thousands(int(own)), thousands(classifier.PriorFloor)))
	default:
		fmt.Println(lang.T("tb report scaled",
			rep.Scale, thousands(int(rep.AddedSpam)+int(rep.AddedHam)), thousands(int(own)), thousands(classifier.PriorFloor)))
	}
	fmt.Println(lang.T("tb report adds", thousands(int(rep.AddedSpam)), thousands(int(rep.AddedHam)), thousands(rep.AddedTokens)))
	for _, c := range []struct {
		n    uint32
		name string
	}{{rep.GoodMsgs, "good"}, {rep.JunkMsgs, "junk"}} {
		if c.n < 10 {
			fmt.Println(lang.T("tb report thin "+c.name, c.n))
		}
	}
}

// byCount lists "name n" pairs, largest first.
func byCount(m map[string]int) string {
	type kv struct {
		k string
		n int
	}
	var list []kv
	for k, n := range m {
		list = append(list, kv{k, n})
	}
	slices.SortFunc(list, func(a, b kv) int { return cmp.Or(b.n-a.n, strings.Compare(a.k, b.k)) })
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.k + " " + thousands(e.n)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
