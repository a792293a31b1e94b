# Mesoscope: the two set-up commands are `make demo` and `make test` (see README.md).
#
# The engine's CPU target (AVX2 + FMA on x86-64) is set in Package.swift, so plain
# `swift build -c release` gives the same fast binary.
RELEASE_BIN = $(shell swift build -c release --show-bin-path)

.PHONY: setup build test test-sanitize demo bench bench-serve serve fuzz clean

setup:
	scripts/setup

build: setup
	swift build -c release

# The suite runs in release (the golden tests push 40 images through the networks), with
# -enable-testing so that tests may reach the engine's internal kernels.
test: setup
	swift test -c release -Xswiftc -enable-testing

# The suite under ThreadSanitizer and AddressSanitizer, each in its own build folder
# (scripts/test-sanitize, docs/reliability.md). CI runs it after `make test`.
test-sanitize: setup
	scripts/test-sanitize

demo: build
	$(RELEASE_BIN)/mesoscope detect examples

bench: setup
	scripts/bench

# Load on the HTTP API: concurrent photo uploads over loopback for a fixed time (scripts/bench-serve).
bench-serve: setup
	scripts/bench-serve

# The demo page and API on http://127.0.0.1:8080/ (docs/api.md).
serve: build
	$(RELEASE_BIN)/mesoscope serve

# libFuzzer harnesses (Fuzz/), FUZZ_SECONDS each, built apart from the main build in .build-fuzz.
FUZZ_SECONDS ?= 60
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

clean:
	rm -rf .build .build-tsan .build-asan .build-fuzz out
