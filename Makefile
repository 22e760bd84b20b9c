# dncctl: see README.md. Every target runs on a fresh machine with Go installed.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/dncctl
DEMO    := demo
FUZZTIME ?= 20s

.PHONY: all build test lint bench verify-fast-path docs demo sample fuzz install clean

all: lint test build

build:
	go build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/dncctl

# The whole test suite: unit tests, fuzz seed corpora, end-to-end scripts.
# The gendocs tag builds the hidden gen-docs command, which the test that
# docs/cli is up to date runs.
test:
	go test -race -count=1 -timeout 14m -tags gendocs ./...

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	go vet ./...
	go vet -tags gendocs ./cmd/dncctl
	go tool staticcheck ./...
	go tool staticcheck -tags gendocs ./cmd/dncctl

# Go benchmarks for the hot paths, then issue 7's table: bench/run times the
# binary on generated data (cached in bench/data) and prints the table. Size
# it with BENCHFLAGS, e.g. BENCHFLAGS="-big-rows 10000000 -big-registry 100000000"
# (see go run ./bench/run -h; docs/performance.md).
BENCHFLAGS ?=
bench: build
	go test -run '^$$' -bench . -benchmem ./scrub ./importers ./exporters
	go run ./bench/run -bin $(BIN) $(BENCHFLAGS)

# The fast path's whole differential test: 10M generated numbers, each
# normalized with and without it (make test replays 200k of them).
verify-fast-path:
	DNCCTL_FASTPATH_N=10000000 go test -count=1 -timeout 90m -run '^TestFastPathDifferential$$' -v ./scrub

# Man pages and markdown for every command, in docs/cli (deterministic).
docs:
	rm -rf docs/cli
	go run -tags gendocs ./cmd/dncctl gen-docs --dir docs/cli

# The main job on the shipped sample: import the sample lists into a fresh
# store in demo/, then scrub both sample lead files.
demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN) --db $(DEMO)/dncctl.db optout import testdata/sample/optouts.txt --region ES --reason "sample opt-outs" --refused $(DEMO)/optouts.refused.csv
	$(BIN) --db $(DEMO)/dncctl.db optout import testdata/sample/optouts-sms.txt --region ES --channel sms --reason "sample SMS opt-outs" --refused $(DEMO)/optouts-sms.refused.csv
	$(BIN) --db $(DEMO)/dncctl.db blacklist import testdata/sample/blacklist.csv --region ES --reason "sample blacklist" --refused $(DEMO)/blacklist.refused.csv
	$(BIN) --db $(DEMO)/dncctl.db whitelist import testdata/sample/whitelist.csv --region ES --tag vip --refused $(DEMO)/whitelist.refused.csv
	$(BIN) --db $(DEMO)/dncctl.db scrub testdata/sample/leads.csv testdata/sample/leads.xlsx --region ES --out-dir $(DEMO) --summary-json $(DEMO)/summary.json
	@echo "Outputs are in $(DEMO)/: open $(DEMO)/leads.clean.csv and $(DEMO)/leads.rejected.csv"

# Rebuild the fixtures in testdata/sample from their generator.
sample:
	go generate ./cmd/gensample

# Run each fuzz target for FUZZTIME (plain "make test" replays their corpora).
FUZZ_TARGETS := scrub:FuzzNormalize scrub:FuzzFastPath scrub:FuzzClassify importers:FuzzCSV importers:FuzzLines importers:FuzzDetectEncoding \
	exporters:FuzzNeutralize exporters:FuzzCSVWriter cmd/dncctl:FuzzParseLogTime cmd/dncctl:FuzzParseCallDuration cmd/dncctl:FuzzParsePrefix \
	cmd/dncctl:FuzzMaskNumbers importers:FuzzXLSXSheet importers:FuzzXLSXSharedStrings
# -fuzzminimizetime: the XLSX targets open a workbook with excelize per
# input, and the default minimizing would take most of the time.
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10x ./$$pkg || exit 1; \
	done

install:
	go install -ldflags "$(LDFLAGS)" ./cmd/dncctl

clean:
	rm -rf bin $(DEMO) bench/data
