#!/usr/bin/env bash
# Start-up time of the ecswiz binary: builds bin/ecswiz, then times `ecswiz version` and
# `ecswiz render -f examples/production.tfvars` N times each after 5 warm-up runs (and
# bench/sdkfloor, a program that only links the same AWS SDK clients), and
# prints the median and p90 wall time in milliseconds, plus the binary's size, as Go
# benchmark lines (units in internal/measure) that bench/report reads.
#
#   bench/startup.sh [N]      (N defaults to 50; also BENCH_RUNS=N)
set -euo pipefail

cd "$(dirname "$0")/.."

source bench/lib.sh
bench_runs bench/startup.sh 50 "$@"

make --no-print-directory build >/dev/null
bin=bin/ecswiz
# The floor: a program that links the same AWS SDK clients and only prints a line.
"${GO:-go}" build -o bin/sdkfloor ./bench/sdkfloor

# time_ms CMD...: one run's wall time in milliseconds (three decimals), output discarded.
# Bash's EPOCHREALTIME is read without a fork, so the clock adds nothing to what is
# measured; `date +%s%N` is the fallback for bash < 5.
time_ms() {
	local start end
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		start=${EPOCHREALTIME/[.,]/}
		"$@" >/dev/null 2>&1
		end=${EPOCHREALTIME/[.,]/}
	else
		start=$(($(date +%s%N) / 1000))
		"$@" >/dev/null 2>&1
		end=$(($(date +%s%N) / 1000))
	fi
	awk -v us="$((10#$end - 10#$start))" 'BEGIN { printf "%.3f\n", us / 1000 }'
}

# bench NAME CMD...: warm-up, then the benchmark line for CMD.
bench() {
	local name=$1
	shift
	# Warm up: page cache and the dynamic loader, so the first cold run doesn't skew.
	for _ in 1 2 3 4 5; do "$@" >/dev/null 2>&1 || {
		echo "bench: '$*' failed" >&2
		exit 1
	}; done
	local samples=()
	for ((i = 0; i < runs; i++)); do
		samples+=("$(time_ms "$@")")
	done
	read -r median p90 < <(printf '%s\n' "${samples[@]}" | stats)
	printf 'Benchmark%s 1 %s ecswiz-ms %s p90-ms %d runs %s load\n' "$name" "$median" "$p90" "$runs" "$(load)"
}

echo "# ecswiz start-up, $runs runs per command after 5 warm-up runs ($(go version | awk '{print $3}'), $(nproc) CPUs)"
printf 'BenchmarkStartup/binary 1 %d bytes\n' "$(wc -c <"$bin")"
bench Startup/version "$bin" version
bench Startup/render "$bin" render -f examples/production.tfvars
bench Startup/sdk-floor bin/sdkfloor
