# ecswiz — developer and CI entry points. `make test` is what CI runs (through .ci/run).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

GO ?= go
BIN := bin/ecswiz

# Build metadata for `ecswiz version`; recursively expanded so only `make build` asks git.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS = -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

FUZZ_SMOKE_TIME ?= 10s
FUZZTIME ?= 5m

.PHONY: all test fmt-check vet staticcheck test-go fuzz-smoke fuzz-target-exists build bench reliability fuzz clean

all: test build

# test: everything CI checks — formatting, vet, staticcheck, the tests with the race
# detector against a real moto_server, and a short fuzz run.
test: fmt-check vet staticcheck test-go fuzz-smoke

fmt-check:
	@unformatted=$$(gofmt -l .); \
	if [[ -n $$unformatted ]]; then \
		echo "gofmt: these files are not formatted (run gofmt -w on them):" >&2; \
		echo "$$unformatted" | sed 's/^/  /' >&2; \
		exit 1; \
	fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

test-go:
	scripts/with-moto $(GO) test -race ./...

# The fuzz targets of internal/model: the two spec readers (.tfvars, .tfvars.json), the
# --set parser, the task definition importer and the stopped-task classifier.
FUZZ_TARGETS := FuzzParseTFVars FuzzParseTFVarsJSON FuzzSetVariable FuzzImportTaskDefinition FuzzDiagnose

# fuzz-smoke: a short run of each fuzzer; prints (and keeps in bin/fuzz-smoke.txt) one
# line a target with its count of executions, the figure docs/RELIABILITY.md records.
fuzz-smoke: fuzz-target-exists
	@mkdir -p bin
	GO=$(GO) scripts/fuzz-smoke -t $(FUZZ_SMOKE_TIME) $(FUZZ_TARGETS) | tee bin/fuzz-smoke.txt

# fuzz: a longer run of each fuzzer (FUZZTIME=5m by default), summed up in bin/fuzz.txt.
fuzz: fuzz-target-exists
	@mkdir -p bin
	GO=$(GO) scripts/fuzz-smoke -t $(FUZZTIME) $(FUZZ_TARGETS) | tee bin/fuzz.txt

# -fuzz with no matching target passes silently; make sure each target exists.
fuzz-target-exists:
	@listed=$$($(GO) test -list '^Fuzz' ./internal/model); \
	for target in $(FUZZ_TARGETS); do \
		grep -qx "$$target" <<<"$$listed" || { echo "$$target not found in ./internal/model" >&2; exit 1; }; \
	done

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ecswiz

# bench: every scenario of docs/PERFORMANCE.md, ecswiz and its peers on the same fake
# AWS; prints the table and rewrites it in the document (bench/run.sh, bench/report).
bench:
	GO=$(GO) bench/run.sh

# reliability: runs the fault matrix and rewrites its table in docs/RELIABILITY.md.
reliability:
	RELIABILITY_DOC=docs/RELIABILITY.md $(GO) test ./cmd/ecswiz -run TestFaultMatrix -count=1

clean:
	rm -rf bin dist
