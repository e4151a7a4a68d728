#!/usr/bin/env bash
# Peak memory of the whole ecswiz process with the secrets picker holding 10,000
# parameters (goal: under 80 MB). Builds bin/ecswiz, starts `ecswiz --demo` in a tmux pane
# of 120×40 (a real pty) with ECSWIZ_DEMO_PARAMETERS=10000 (that many more String
# parameters under /demo-shop/dev in the demo account), walks the wizard to the Secrets
# step as a person accepting every suggestion would, checks that the picker says it holds
# them, types a filter and deletes it, then reads VmHWM (the peak resident set) from
# /proc/PID/status. The same walk without the extra parameters is the contrast. The demo
# account's fake AWS runs in the same process, so its copy of the parameters counts too.
#
# Prints, on stdout, one line per case in Go benchmark format (MB = 10^6 bytes):
#   BenchmarkPickerMemory/10000  1  <median> peak-MB  <n> runs  <load> load
#   BenchmarkPickerMemory/0      1  <median> peak-MB  <n> runs  <load> load
# Progress and failures go to stderr.
#
#   bench/memory.sh [N]      (N: measured runs per case after a warm-up, at least 5 (the
#                             default); also BENCH_RUNS=N)
set -euo pipefail

cd "$(dirname "$0")/.."

source bench/lib.sh
bench_runs bench/memory.sh 5 "$@"
start_tmux bench/memory.sh

make --no-print-directory build >/dev/null
bin=$PWD/bin/ecswiz

win=""           # the window of the run in progress
timeout_s=${MEMORY_TIMEOUT_S:-30}

screen() { tmux_ capture-pane -p -t "bench:$win" 2>/dev/null || true; }

fail() {
	echo "bench/memory.sh: $win: $*; the pane shows:" >&2
	screen >&2
	exit 1
}

# wait_for TEXT: waits until the pane shows TEXT.
wait_for() {
	local deadline=$((SECONDS + timeout_s))
	while ((SECONDS < deadline)); do
		[[ $(screen) == *"$1"* ]] && return
		sleep 0.05
	done
	fail "\"$1\" did not show within ${timeout_s}s"
}

# wait_for_re REGEX: waits until the pane shows text matching the extended REGEX.
wait_for_re() {
	local deadline=$((SECONDS + timeout_s))
	while ((SECONDS < deadline)); do
		[[ $(screen) =~ $1 ]] && return
		sleep 0.05
	done
	fail "nothing matching /$1/ showed within ${timeout_s}s"
}

# on_step TITLE: whether the step titled TITLE is open (its title is the line under the
# header, rows 3 to 6).
on_step() {
	screen | sed -n '3,6p' | sed 's/^ *//; s/ *$//' | grep -qxF "$1"
}

# enter_until TITLE: presses Enter, as someone accepting every suggestion would, until the
# step titled TITLE opens. Each press waits for the screen to change, so no Enter meant
# for one step lands on the next.
enter_until() {
	local deadline=$((SECONDS + timeout_s)) before wait
	while ((SECONDS < deadline)); do
		before=$(screen)
		tmux_ send-keys -t "bench:$win" Enter
		for ((wait = 0; wait < 100; wait++)); do
			[[ $(screen) != "$before" ]] && break
			sleep 0.05
		done
		sleep 0.06 # a step change may draw in two frames
		on_step "$1" && return
	done
	fail "step $1 did not open within ${timeout_s}s"
}

# peak_mb PARAMS NAME: one run with PARAMS extra parameters; prints VmHWM in MB.
peak_mb() {
	local params=$1 pid count filter=redis/param-01 hwm comm
	win=$2
	pid=$(tmux_ new-window -d -P -F '#{pane_pid}' -t bench: -n "$win" \
		"exec env TERM=xterm-256color ECSWIZ_CONFIG_DIR=$tmp/$win ECSWIZ_DEMO_PARAMETERS=$params $bin --demo")
	wait_for "App name"
	# exec: the pane's process is ecswiz itself, not a shell around it.
	comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
	[[ $comm == ecswiz ]] || fail "pane process $pid is \"$comm\", not ecswiz"

	tmux_ send-keys -t "bench:$win" -l demo-shop
	tmux_ send-keys -t "bench:$win" Enter
	wait_for "App name  demo-shop"
	tmux_ send-keys -t "bench:$win" Enter # environment: dev
	tmux_ send-keys -t "bench:$win" Enter # container name: the app's
	wait_for "ctrl+t: type another value"
	tmux_ send-keys -t "bench:$win" Enter # the demo-shop repository
	wait_for "amd64"
	tmux_ send-keys -t "bench:$win" Enter # its newest amd64 tag
	enter_until Sizing                    # the port
	enter_until Django
	enter_until Secrets

	# The picker holds the demo's own parameters under /demo-shop/dev and the extra ones;
	# while they load the line says "type to filter the parameters as they load".
	wait_for_re "type to filter the [0-9]+ parameters"
	count=$(screen | sed -n 's/.*type to filter the \([0-9][0-9]*\) parameters.*/\1/p' | head -n 1)
	[[ -n $count ]] || fail "no count of parameters on the filter line"
	((count >= params && count < params + 100)) || fail "the picker holds $count parameters, not $params and the demo's own"

	tmux_ send-keys -t "bench:$win" -l "$filter"
	wait_for "Filter $filter▏"
	wait_for " of $count match"
	for ((i = 0; i < ${#filter}; i++)); do
		tmux_ send-keys -t "bench:$win" BSpace
	done
	wait_for "type to filter the $count parameters"

	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
	[[ -n $hwm ]] || fail "no VmHWM in /proc/$pid/status"
	echo "$win: $count parameters in the picker, VmHWM $hwm kB" >&2
	tmux_ kill-window -t "bench:$win"
	awk -v kb="$hwm" 'BEGIN { printf "%.1f\n", kb * 1024 / 1e6 }'
}

bench() {
	local params=$1 samples=() i mb
	peak_mb "$params" "warm-$params" >/dev/null # page cache, dynamic loader
	for ((i = 0; i < runs; i++)); do
		mb=$(peak_mb "$params" "p$params-$i") || exit 1
		samples+=("$mb")
	done
	local median p90
	read -r median p90 < <(printf '%s\n' "${samples[@]}" | stats)
	printf 'BenchmarkPickerMemory/%d\t1\t%s peak-MB\t%d runs\t%s load\n' "$params" "$median" "$runs" "$(load)"
}

bench 10000
bench 0
