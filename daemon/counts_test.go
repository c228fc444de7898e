package daemon

import (
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/config"
)

// JUDGED and MOVED are totals since the daemon started: a pause and
// resume, a new password or a reload that changes the account start it
// afresh but keep its counts.
func TestCountsSurviveARestartedAccount(t *testing.T) {
	cfg, err := config.Parse("test.toml", []byte("[[account]]\nname = \"work\"\nhost = \"127.0.0.1\"\nport = 1\nusername = \"u\"\npassword_env = \"MW_TEST_UNSET_PASSWORD\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := startDaemon(t, cfg, t.TempDir())
	defer r.stop()
	d := r.d
	counts := func() (int, int) {
		st := d.Status()
		if len(st.Accounts) != 1 {
			t.Fatalf("accounts %+v", st.Accounts)
		}
		return st.Accounts[0].Judged, st.Accounts[0].Moved
	}
	waitFor(t, 5*time.Second, "the account to start", func() bool { return len(d.Status().Accounts) == 1 })
	d.mu.Lock()
	s := d.accounts[0]
	d.mu.Unlock()
	for range 10 {
		s.count(true, false)
	}
	for range 6 {
		s.count(true, true)
	}
	if j, m := counts(); j != 16 || m != 6 {
		t.Fatalf("counts %d/%d, want 16/6", j, m)
	}
	d.restartAccount("work")
	if j, m := counts(); j != 16 || m != 6 {
		t.Errorf("after a restart (new password): %d/%d, want 16/6", j, m)
	}
	d.SetPaused(true)
	d.SetPaused(false)
	if j, m := counts(); j != 16 || m != 6 {
		t.Errorf("after pause and resume: %d/%d, want 16/6", j, m)
	}
	changed := *cfg
	changed.Accounts = append([]config.Account(nil), cfg.Accounts...)
	changed.Accounts[0].Port = 2
	d.applyConfig(&changed)
	if j, m := counts(); j != 16 || m != 6 {
		t.Errorf("after a reload that changed the account: %d/%d, want 16/6", j, m)
	}
}
