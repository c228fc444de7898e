package quota

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func reading(h int, usedMiB float64) Usage {
	return Usage{Time: t0.Add(time.Duration(h) * time.Hour), Used: int64(usedMiB * (1 << 20)), Limit: 100 << 20}
}

func kinds(ev []Event) string {
	s := ""
	for _, e := range ev {
		s += string(e.Kind) + ":" + e.Level.String() + " "
	}
	return s
}

func TestMonitorCrossesOnceWithHysteresis(t *testing.T) {
	m := NewMonitor(DefaultLevels)
	steps := []struct {
		h    int
		used float64
		want string
	}{
		{0, 50, ""},
		{1, 76, "crossed:show "},
		{2, 81, "crossed:warn "},
		{3, 79.5, ""},              // wobble below 80%: within hysteresis, no alert, still warn
		{4, 80.5, ""},              // back above: not a new crossing
		{5, 77, "recovered:show "}, // clearly below 80 - 2
		{6, 80.2, "crossed:warn "}, // a real new crossing after recovery
		{7, 96, "crossed:critical "},
		{8, 96, ""},
		{7 + 24, 96, "reminder:critical "}, // a day after the last alert
		{8 + 24, 96, ""},
		{9 + 24, 10, "recovered:ok "},
	}
	for _, s := range steps {
		if got := kinds(m.Observe(reading(s.h, s.used))); got != s.want {
			t.Errorf("hour %d at %.1f%%: events %q, want %q", s.h, s.used, got, s.want)
		}
	}
}

func TestMonitorUnknownLimitIsSilent(t *testing.T) {
	m := NewMonitor(DefaultLevels)
	if ev := m.Observe(Usage{Time: t0, Used: 1 << 40}); len(ev) != 0 {
		t.Fatalf("events without a limit: %v", ev)
	}
}

func TestLevelsValidate(t *testing.T) {
	if err := DefaultLevels.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Levels{0.9, 0.8, 0.95}).Validate(); err == nil {
		t.Fatal("falling levels accepted")
	}
}

func TestFullIn(t *testing.T) {
	// 1 MiB a day on a 100 MiB box at 40 MiB: full in 60 days.
	var h []Usage
	for d := 0; d <= 10; d++ {
		h = append(h, reading(d*24, 30+float64(d)))
	}
	got, ok := FullIn(h, 30*24*time.Hour)
	if !ok {
		t.Fatal("no estimate on a steady rise")
	}
	if days := got.Hours() / 24; days < 59.5 || days > 60.5 {
		t.Fatalf("full in %.2f days, want 60", days)
	}
	// Flat and falling say nothing.
	var flat, falling []Usage
	for d := 0; d <= 10; d++ {
		flat = append(flat, reading(d*24, 40))
		falling = append(falling, reading(d*24, 60-float64(d)))
	}
	if _, ok := FullIn(flat, 30*24*time.Hour); ok {
		t.Error("estimate on a flat history")
	}
	if _, ok := FullIn(falling, 30*24*time.Hour); ok {
		t.Error("estimate on a falling history")
	}
	// Under a day of history is too little to say.
	if _, ok := FullIn([]Usage{reading(0, 10), reading(1, 20), reading(2, 30)}, 30*24*time.Hour); ok {
		t.Error("estimate from two hours of history")
	}
}

// A restart restores the state: no second alert for the same crossing, and
// the reminder comes a day after the last alert, not a day after the start.
func TestMonitorStateSurvivesRestart(t *testing.T) {
	m := NewMonitor(DefaultLevels)
	m.Observe(reading(0, 85))
	st := m.State()
	m2 := NewMonitor(DefaultLevels)
	m2.Restore(st)
	if ev := m2.Observe(reading(1, 86)); len(ev) != 0 {
		t.Fatalf("alerted again after a restart: %v", kinds(ev))
	}
	if got := kinds(m2.Observe(reading(24, 86))); got != "reminder:warn " {
		t.Fatalf("a day later: %q", got)
	}
	m2.Restore(MonitorState{Level: 42})
	if m2.Level != OK {
		t.Fatalf("a bad stored level restored as %v", m2.Level)
	}
}

// Refusals repeat while the watcher retries: one event, again after a day,
// or at once after space was freed (the level fell) and it filled again.
func TestMonitorRefusedOnce(t *testing.T) {
	m := NewMonitor(DefaultLevels)
	m.Observe(reading(0, 99))
	if ev, ok := m.Refused(reading(1, 99)); !ok || ev.Kind != OverQuota || ev.Level != Critical {
		t.Fatalf("first refusal: %v %v", ev, ok)
	}
	if _, ok := m.Refused(reading(2, 99)); ok {
		t.Fatal("second refusal an hour later alerted again")
	}
	if _, ok := m.Refused(reading(25, 99)); !ok {
		t.Fatal("no alert a day later")
	}
	m.Observe(reading(26, 50)) // cleaned up
	m.Observe(reading(27, 99))
	if _, ok := m.Refused(reading(27, 99)); !ok {
		t.Fatal("no alert after the mailbox filled again")
	}
}

// The MESSAGE limit counts as much as the storage limit.
func TestFractionCountsMessages(t *testing.T) {
	u := Usage{Used: 10, Limit: 100, Messages: 90, MessageLimit: 100}
	if f := u.Fraction(); f != 0.9 {
		t.Fatalf("fraction %v, want 0.9", f)
	}
	if !(Usage{MessageLimit: 5}).Known() || (Usage{Used: 5}).Known() {
		t.Fatal("Known")
	}
	if l, ok := ParseLevel("warn"); !ok || l != Warn {
		t.Fatal("ParseLevel")
	}
}
