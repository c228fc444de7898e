#!/usr/bin/env bash
# bench/speed.sh [CORPUS] — batch speed, mailwarden against bogofilter's bulk
# mode on the same files in the same run: train on the first half of CORPUS
# (index order), classify the second half. One process per step
# (bogofilter trains spam and ham in two, as its -s/-n flags require), every
# process pinned to CPU 0, timed with /usr/bin/time (wall seconds, max RSS).
# Accuracy on the test half is printed too, as a sanity check.
#
# CORPUS: a name in ../shared/corpus (or $MAILWARDEN_CORPUS), NAME.tar.xz or
# an unpacked directory; default trec07p-1-20000. Label headers
# (X-Spam*, X-Bogosity) are stripped first. Output: a table on stdout, also
# in bench/out/speed-DATE.md. SPEED_RUNS (default 5): how many times each
# tool classifies the test half (the median run is reported).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

corpus=${1:-trec07p-1-20000}
need_pkgs bogofilter:bogofilter /usr/bin/time:time xz:xz-utils taskset:util-linux
root=$PWD
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
bin=$w/bin
build_tools "$bin"
"$bin/benchtool" prepare --split "$corpus" "$w/c" >&2
cd "$w/c"

ntrain_spam=$(find train/spam -type f | wc -l)
ntrain_ham=$(find train/ham -type f | wc -l)
ntrain=$((ntrain_spam + ntrain_ham))
ntest=$(find test -type f | wc -l)

# timed NAME CMD... runs CMD on CPU 0 with stdout to $w/NAME.out and
# leaves "seconds maxrss_kb user_s sys_s" in $w/NAME.time, and returns
# CMD's exit status. /usr/bin/time gives RSS and CPU time; the wall time
# is taken from bash's clock instead, to the microsecond (time's is in
# hundredths: 5% of a 0.2 s run).
timed() {
	local name=$1 t0 t1 rc=0
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%e %M %U %S' -o "$w/$name.time" taskset -c 0 "$@" >"$w/$name.out" || rc=$?
	t1=$EPOCHREALTIME
	tail -n1 "$w/$name.time" | awk -v a="$t0" -v b="$t1" '{ $1 = sprintf("%.4f", b - a); print }' >"$w/$name.time.tmp"
	mv "$w/$name.time.tmp" "$w/$name.time"
	return "$rc"
}
# warm DIR...: read every file under DIR... so that the timed run after it
# finds them in the page cache. Some machines (VMs whose host reclaims
# their page cache) drop cached files within seconds: a run would then
# wait for the disk, the same few milliseconds for either tool, which
# skews the ratio against the faster one.
warm() { find "$@" -type f -exec cat {} + >/dev/null; }
secs() { tail -n1 "$w/$1.time" | cut -d' ' -f1; }
rss() { tail -n1 "$w/$1.time" | cut -d' ' -f2; }
# cpu NAME: user+sys seconds. CPU 0 is shared with whatever else runs there;
# CPU time is what a process used of it, so the CPU ratio moves less than
# the wall-time one when the machine is busy.
cpu() { tail -n1 "$w/$1.time" | awk '{ print $3 + $4 }'; }

runs=${SPEED_RUNS:-5}
echo "training on $ntrain ($ntrain_spam spam, $ntrain_ham ham), classifying $ntest $runs times..." >&2
# shellcheck disable=SC2046
{
	warm train
	timed mw-train "$bin/mailwarden" train --store "$w/mw" --spam train/spam --ham train/ham
	mkdir -p "$w/bf"
	warm train
	timed bf-train-spam bogofilter -d "$w/bf" -s -B $(find train/spam -type f | sort)
	timed bf-train-ham bogofilter -d "$w/bf" -n -B $(find train/ham -type f | sort)
	# Classification is read-only: each tool classifies the test half
	# $runs times, the two alternating so that whatever else the machine
	# does falls on both, and the median run (by wall time) is reported.
	for i in $(seq "$runs"); do
		warm test "$w/mw"
		timed "mw-classify.$i" "$bin/mailwarden" classify --store "$w/mw" test
		warm test "$w/bf"
		# -T: one "FILE LETTER SCORE" line per message; exit 0/1/2 is the last verdict.
		timed "bf-classify.$i" bogofilter -d "$w/bf" -T -B $(find test -type f | sort) || [ $? -le 2 ]
	done
}
# median NAME: NAME.time and NAME.out become those of NAME's median run.
median() {
	local name=$1 i
	for i in $(seq "$runs"); do tail -n1 "$w/$name.$i.time"; done | sort -n -k1,1 | sed -n "$(((runs + 1) / 2))p" >"$w/$name.time"
	cp "$w/$name.1.out" "$w/$name.out"
}
median mw-classify
median bf-classify
# The classify ratio of each pair of runs, lowest and highest.
ratios=$(for i in $(seq "$runs"); do
	awk -v m="$(tail -n1 "$w/mw-classify.$i.time" | cut -d' ' -f1)" -v b="$(tail -n1 "$w/bf-classify.$i.time" | cut -d' ' -f1)" \
		'BEGIN { if (m > 0) printf "%.1f\n", b / m }'
done | sort -n | sed -n '1p;$p' | paste -sd- -)

# Scores for a sanity check of accuracy: "gold score verdict" per test message.
awk 'NR==FNR { gold[$2] = $1; next } { print gold[$1], $2, $3 }' test.index FS='\t' "$w/mw-classify.out" FS=' ' >"$w/mailwarden.scores"
awk 'NR==FNR { gold[$2] = $1; next } { print gold[$1], $3, $2 }' test.index "$w/bf-classify.out" >"$w/bogofilter.scores"
"$bin/mailwarden" eval --scores "$w/mailwarden.scores" "$w/bogofilter.scores" >"$w/acc.txt"

row() { # tool train_secs train_rss classify_secs classify_rss store_bytes
	awk -v t="$1" -v ts="$2" -v tr="$3" -v cs="$4" -v cr="$5" -v sb="$6" -v nt="$ntrain" -v nc="$ntest" 'BEGIN {
		printf "| %s | %d | %.3f | %.0f | %.1f MB | %d | %.3f | %.0f | %.1f MB | %.1f MB |\n",
			t, nt, ts, (ts > 0 ? nt / ts : 0), tr / 1024, nc, cs, (cs > 0 ? nc / cs : 0), cr / 1024, sb / 1048576 }'
}
bf_train_secs=$(awk "BEGIN { print $(secs bf-train-spam) + $(secs bf-train-ham) }")
bf_train_rss=$(( $(rss bf-train-spam) > $(rss bf-train-ham) ? $(rss bf-train-spam) : $(rss bf-train-ham) ))
mw_store=$(du -sb "$w/mw" | cut -f1)
bf_store=$(du -sb "$w/bf" | cut -f1)
table=$(
	echo "| tool | train msgs | train s | train msgs/s | train peak RSS | classify msgs | classify s | classify msgs/s | classify peak RSS | store |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	row "mailwarden train / classify" "$(secs mw-train)" "$(rss mw-train)" "$(secs mw-classify)" "$(rss mw-classify)" "$mw_store"
	row "bogofilter -s/-n -B / -T -B" "$bf_train_secs" "$bf_train_rss" "$(secs bf-classify)" "$(rss bf-classify)" "$bf_store"
)
mw_rate=$(awk "BEGIN { print $ntest / $(secs mw-classify) }")
bf_rate=$(awk "BEGIN { print $ntest / $(secs bf-classify) }")
ratio=$(awk "BEGIN { printf \"%.1f\", $mw_rate / $bf_rate }")
train_ratio=$(awk "BEGIN { printf \"%.1f\", $bf_train_secs / $(secs mw-train) }")
bf_train_cpu=$(awk "BEGIN { print $(cpu bf-train-spam) + $(cpu bf-train-ham) }")
cpu_ratio=$(awk "BEGIN { printf \"%.1f\", $(cpu bf-classify) / $(cpu mw-classify) }")
cpu_train_ratio=$(awk "BEGIN { printf \"%.1f\", $bf_train_cpu / $(cpu mw-train) }")
report=$(
	echo "# Batch speed, $(date '+%Y-%m-%d %H:%M'): $corpus, first half trained, second half classified"
	echo
	echo "$table"
	echo
	echo "mailwarden classifies ${ratio}x as fast as bogofilter and trains ${train_ratio}x as fast (one core: every process pinned to CPU 0;"
	echo "wall time including process start and reading the files; bogofilter trains spam and ham in two processes, its times added;"
	echo "classification: the median of $runs runs of each tool, alternating; the $runs pairs of runs gave ${ratios}x)."
	echo "In CPU time (user+sys: $(cpu mw-train) s / $(cpu mw-classify) s for mailwarden, $bf_train_cpu s / $(cpu bf-classify) s for bogofilter)"
	echo "mailwarden classifies ${cpu_ratio}x and trains ${cpu_train_ratio}x as fast."
	echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), bogofilter $(dpkg-query -W -f '${Version}' bogofilter 2>/dev/null || echo '?'), mailwarden $(git -C "$root" describe --always --dirty)."
	echo
	echo "Accuracy on the classified half (sanity check; verdicts at each tool's default threshold):"
	echo
	echo '```'
	cut -c1-200 "$w/acc.txt"
	echo '```'
)
echo "$report"
mkdir -p "$root/bench/out"
echo "$report" >"$root/bench/out/speed-$(date +%Y-%m-%d-%H%M%S).md"
