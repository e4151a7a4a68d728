# shellcheck shell=bash
# What bench/startup.sh, bench/firstframe.sh and bench/memory.sh share: the count of runs,
# the statistics, the load average, and a private tmux server. Sourced, not run.

# bench_runs SCRIPT DEFAULT [N]: sets runs to N (or BENCH_RUNS, or DEFAULT), at least 5
# (internal/measure's MinRuns), or exits with the usage.
bench_runs() {
	runs=${3:-${BENCH_RUNS:-$2}}
	if ! [[ $runs =~ ^[1-9][0-9]*$ ]] || ((runs < 5)); then
		echo "usage: $1 [N]  (N: measured runs, at least 5; default $2; also BENCH_RUNS=N)" >&2
		exit 2
	fi
}

# load: the 1-minute load average, the machine note of every row.
load() { awk '{ print $1 }' /proc/loadavg 2>/dev/null || echo 0; }

# stats: reads one number a line; prints "median p90" (nearest-rank).
stats() {
	sort -n | awk '{ v[NR] = $1 }
		END {
			n = NR
			mid = int((n + 1) / 2)
			median = (n % 2) ? v[mid] : (v[mid] + v[mid + 1]) / 2
			p = int(0.9 * n + 0.999999); if (p < 1) p = 1
			printf "%.1f %.1f\n", median, v[p]
		}'
}

# start_tmux SCRIPT: a tmux server of this script's own with a 120×40 session "bench"
# (started once, so no run pays for it; each run opens a window), and tmp, a directory;
# both go when the script exits. Calls tmux through tmux_.
start_tmux() {
	if ! command -v tmux >/dev/null; then
		echo "$1: tmux is not installed; it gives ecswiz the terminal it draws on" >&2
		exit 1
	fi
	sock=ecswiz-bench-$$
	tmp=$(mktemp -d)
	trap 'tmux_ kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
	tmux_ new-session -d -x 120 -y 40 -s bench "sleep 3600"
}
tmux_() { tmux -L "$sock" -f /dev/null "$@"; }
