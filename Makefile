# Thin entry points; CMake does the work. Each target installs what is missing first.
.PHONY: deps build test demo bench fuzz asan tsan sanitize clean

JOBS ?= $(shell nproc)

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build build -j $(JOBS)

test: build
	@cd build && ctest --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo

bench: build
	@bench/run

# Runs every libFuzzer target for FUZZ_SECONDS each (clang + ASan build in build-fuzz/).
FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@scripts/run-fuzzers build-fuzz $(FUZZ_SECONDS)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ctest --output-on-failure -j $(JOBS)

tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	@cd build-tsan && ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer over the threaded code only — core's parallel helpers and the scan pipeline
# (its in-process and CLI tests; the cairn binary they run is TSan-built too): STYLE.md's TSan
# run. Not part of `make test`: on this 2-core machine, beside other builds, the TSan build of
# those targets took 40 min and the two test binaries 2.5 min — far over a 6-minute CI budget.
sanitize: deps
	@cmake --preset tsan >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target cairn_core_test cairn_scan_test
	@cd build-tsan && ctest --output-on-failure -j $(JOBS) -R '^cairn_(core|scan)_test$$'

clean:
	rm -rf build build-debug build-asan build-tsan build-fuzz
