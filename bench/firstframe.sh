#!/usr/bin/env bash
# Time to the wizard's first frame: builds bin/ecswiz, starts `ecswiz --demo` N times in
# a tmux pane of 120×40 (a real pty) with every call of the demo account delayed by
# ECSWIZ_DEMO_LATENCY (2s), and polls the pane until the header and the first step are
# on screen. The AWS session is still loading when the frame is read: the script checks
# that the frame says so. Prints the median and p90 in milliseconds, next to the same
# measure for a program that prints the same lines at once (the harness's own cost:
# tmux starting the process, and the polling every FIRSTFRAME_POLL_MS=3 ms), as Go
# benchmark lines (units in internal/measure) that bench/report reads. Prints to stdout
# only.
#
#   bench/firstframe.sh [N]      (N defaults to 10, at least 5; also BENCH_RUNS=N)
set -euo pipefail

cd "$(dirname "$0")/.."

source bench/lib.sh
bench_runs bench/firstframe.sh 10 "$@"

make --no-print-directory build >/dev/null
bin=$PWD/bin/ecswiz

start_tmux bench/firstframe.sh

# nap waits $poll_ms between polls without forking (read times out on a pipe that never
# speaks): polling flat out would take the CPUs from the program it measures.
poll_ms=${FIRSTFRAME_POLL_MS:-3}
exec {napfd}<> <(:)
nap() { read -r -t "0.$(printf '%03d' "$poll_ms")" -u "$napfd" || true; }

now_us() {
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		echo "${EPOCHREALTIME/[.,]/}"
	else
		echo $(($(date +%s%N) / 1000))
	fi
}

# first_frame NAME CMD: starts CMD in a new window and prints the milliseconds until the
# pane shows the header and the first step while the session is still loading.
first_frame() {
	local name=$1 cmd=$2 start end screen
	start=$(now_us)
	tmux_ new-window -d -t bench: -n "$name" "$cmd"
	for ((poll = 0; poll < 2000; poll++)); do
		nap
		screen=$(tmux_ capture-pane -p -t "bench:$name" 2>/dev/null || true)
		if [[ $screen == *"1 Application"* && $screen == *"App name"* ]]; then
			end=$(now_us)
			if [[ $screen != *"loading profile, Region and account"* ]]; then
				echo "bench/firstframe.sh: the first frame of $name did not show the session loading:" >&2
				echo "$screen" >&2
				exit 1
			fi
			tmux_ kill-window -t "bench:$name"
			awk -v us="$((10#$end - 10#$start))" 'BEGIN { printf "%.3f\n", us / 1000 }'
			return
		fi
	done
	echo "bench/firstframe.sh: $name drew no first frame; the pane shows:" >&2
	tmux_ capture-pane -p -t "bench:$name" >&2 || true
	exit 1
}

wizard="env TERM=xterm-256color ECSWIZ_CONFIG_DIR=$tmp/config ECSWIZ_DEMO_LATENCY=2s $bin --demo"
# The same lines at once, then waiting like the wizard: what tmux and the polling cost.
baseline="printf 'ecswiz  1 Application\nAWS  loading profile, Region and account\nApp name\n'; sleep 60"

# bench NAME CMD: a warm-up, then the benchmark line of N first frames of CMD.
bench() {
	local name=$1 cmd=$2 samples=() i
	first_frame "warm-$name" "$cmd" >/dev/null # page cache, dynamic loader
	for ((i = 0; i < runs; i++)); do
		samples+=("$(first_frame "$name-$i" "$cmd")")
	done
	read -r median p90 < <(printf '%s\n' "${samples[@]}" | stats)
	printf 'BenchmarkFirstFrame/%s 1 %s ecswiz-ms %s p90-ms %d runs %s load\n' "$name" "$median" "$p90" "$runs" "$(load)"
}

echo "# ecswiz first frame in a 120×40 tmux pane, $runs runs after a warm-up ($(go version | awk '{print $3}'), $(nproc) CPUs)"
bench wizard "$wizard"
bench baseline "$baseline"
