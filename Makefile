# mailwarden — `make demo` and `make test` do all set-up on a fresh Debian machine.
GO      ?= go
BIN     := bin/mailwarden
# The daemon and CLI are pure Go; only the tray (cmd/mailwarden-tray) needs cgo.
export CGO_ENABLED ?= 0
# Tests never silently skip the real-server parts when run through make.
export MAILWARDEN_REQUIRE_DOVECOT := 1

.PHONY: all deps build demo test test-short fuzz vet clean

all: build

deps:
	@scripts/install-deps.sh
	@$(GO) mod download

build: deps
	$(GO) build -o $(BIN) ./cmd/mailwarden

# The main job on the embedded default: a local Dovecot seeded with real mail,
# `mailwarden run` filtering it, a report (also in demo-report.json).
demo: build
	./$(BIN) demo --report demo-report.json

# The whole suite: unit tests, fuzz seeds, and integration tests against real Dovecot.
test: deps
	$(GO) vet ./...
	$(GO) test -timeout 14m ./...

test-short: deps
	$(GO) test -short ./...

# A short fuzzing pass over every fuzz target (crashers land in testdata/fuzz and become tests).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Profile-guided optimisation: cmd/mailwarden/default.pgo is a CPU profile of
# classifying and training real mail, which go build uses by default (about 3%
# fewer instructions to classify). Regenerate it after large classifier changes.
.PHONY: pgo
pgo:
	$(GO) test ./classifier -run '^$$' -bench '^(BenchmarkClassify|BenchmarkTrain)$$' -benchtime 5s \
	  -o /dev/null -cpuprofile cmd/mailwarden/default.pgo

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	$(GO) vet ./...

clean:
	rm -rf bin demo-report.json

# Side-by-side benchmarks (bench/; results in bench/out, not committed).
.PHONY: bench bench-peers
# Batch speed: train on half a corpus, classify the other half, mailwarden vs bogofilter -B.
bench:
	bench/speed.sh

# Accuracy against bogofilter, spamprobe and SpamAssassin's Bayes (TREC protocol; about 30 minutes).
bench-peers:
	bench/peers.sh

# The daemon's targets (issue 6): `mailwarden run` on three IMAP accounts with IDLE and a 20,000-message
# store, against Thunderbird under Xvfb: memory, CPU over a 5-minute idle window, delivery -> Junk latency
# (bench/out/daemon-DATE.md; about 15 minutes). DAEMON_BENCH_FLAGS="-idle 30s" for a smoke run.
.PHONY: bench-daemon
bench-daemon:
	bench/daemon.sh $(DAEMON_BENCH_FLAGS)
