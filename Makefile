# Mesoscope: the two set-up commands are `make demo` and `make test` (see README.md).
#
# Release builds target Haswell (AVX2 + FMA) on x86-64: swiftc otherwise emits baseline
# SSE2 code and SIMD arithmetic becomes library calls. The binary still runs on any AVX2 CPU.
ARCH := $(shell uname -m)
ifeq ($(ARCH),x86_64)
SWIFT_BUILD_FLAGS ?= -Xswiftc -target-cpu -Xswiftc haswell
endif
export SWIFT_BUILD_FLAGS
RELEASE_BIN = $(shell swift build -c release $(SWIFT_BUILD_FLAGS) --show-bin-path)

.PHONY: setup build test demo bench clean

setup:
	scripts/setup

build: setup
	swift build -c release $(SWIFT_BUILD_FLAGS)

# The suite runs in release (the golden tests push 40 images through the networks), with
# -enable-testing so that tests may reach the engine's internal kernels.
test: setup
	swift test -c release $(SWIFT_BUILD_FLAGS) -Xswiftc -enable-testing

demo: build
	$(RELEASE_BIN)/mesoscope predict ../shared/mesonet/test_images 2>/dev/null \
	  || $(RELEASE_BIN)/mesoscope predict examples

bench: setup
	scripts/bench

clean:
	rm -rf .build out
