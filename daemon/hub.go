package daemon

import (
	"sync"

	"github.com/mailwarden/mailwarden/localapi"
)

// hub fans events out to the local API's subscribers. A subscriber that
// does not keep up loses events: the daemon never waits for a client.
type hub struct {
	mu   sync.Mutex
	subs map[chan localapi.Event]struct{}
}

func newHub() *hub { return &hub{subs: map[chan localapi.Event]struct{}{}} }

func (h *hub) Subscribe() (<-chan localapi.Event, func()) {
	ch := make(chan localapi.Event, 64)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, ch)
			h.mu.Unlock()
		})
	}
}

func (h *hub) publish(ev localapi.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}
