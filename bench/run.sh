#!/usr/bin/env bash
# `make bench`: runs every scenario of docs/PERFORMANCE.md's table, then bench/report
# prints the table and rewrites it in the document with the date and the machine. Each
# scenario prints Go benchmark lines (units in internal/measure); the raw lines are kept
# in bin/bench.txt. Takes about ten minutes: the peers (the AWS CLI) are slow on purpose.
set -euo pipefail

cd "$(dirname "$0")/.."
go=${GO:-go}
out=bin/bench.txt
mkdir -p bin

{
	bench/startup.sh
	bench/firstframe.sh
	bench/memory.sh
	"$go" test -run '^$' -bench . -benchtime 1x -timeout 60m ./bench/
	"$go" test -run '^$' -bench '^BenchmarkSecretsFilter$' -benchtime 1x ./internal/tui/wizard/
	"$go" test -run '^$' -bench '^BenchmarkDoctorScreens$' -benchtime 1x ./internal/tui/doctor/
} | tee "$out"

echo
"$go" run ./bench/report -doc docs/PERFORMANCE.md "$out"
