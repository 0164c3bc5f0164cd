# dmabench: `make` builds ./dmabench; `make bench` and `make test` do all the set-up.
#
#   make deps    install the Debian packages that are missing (root), or print the line
#   make bench   deps, build, run the default matrix on what this machine offers
#   make test    deps, build with -Werror, unit tests (plain and ASan/UBSan), CLI tests,
#                the fuzzers for a short while, valgrind, and the guests (tests/guests:
#                Debian kernels under QEMU)
#   make fuzz    each libFuzzer target (tests/fuzz) for FUZZ_SECONDS (600)
#   make dist [ARCH=x86_64|arm64|armhf]  dist/dmabench-VERSION-ARCH.tar.gz: a static
#                dmabench, the module's sources, plots/, dmabench.1, README.md, BUILD-INFO (tools/dist.sh)
#   make clean / make install [PREFIX=/usr/local DESTDIR=]: dmabench, plots/, the man page

CC      ?= cc
PREFIX  ?= /usr/local
VERSION := 0.1.0
GIT     := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# What the build and the tests need, by Debian package name: one list.
PACKAGES := build-essential pkg-config libjansson-dev libpfm4-dev zlib1g-dev \
	    libcmocka-dev gnuplot-nox python3 python3-jsonschema clang valgrind \
	    python3-yaml busybox-static groff-base

B        := build
OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
WERROR   ?= $(if $(CI),-Werror)
CFLAGS   ?=
BASE     := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(WERROR) -MMD -MP -I$(B)
LDLIBS   := -lpfm -ljansson -lz -lpthread -lm
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC  := $(filter-out harness/main.c,$(wildcard harness/*.c)) $(wildcard analysis/*.c) \
	    $(wildcard strategies/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(B)/plain/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/plain/%)
UNITS_ASAN := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/%)

.PHONY: all deps bench bench-targets test test-lane-host test-lane-x86 test-lane-arm unit unit-asan cli fuzz fuzz-short valgrind test-guests \
	vm-bench clean install FORCE
all: dmabench

dmabench: $(LIB_OBJ) $(B)/plain/harness/main.o
	$(CC) $(OPT) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(B)/dmabench-asan: $(ASAN_OBJ) $(B)/asan/harness/main.o
	$(CC) $(OPT) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# The version and commit, rewritten only when they change (then what includes it rebuilds).
$(B)/version.h: FORCE
	@mkdir -p $(B); v='#define DMAB_VERSION "$(VERSION)"\n#define DMAB_GIT "$(GIT)"'; \
	[ "$$(cat $@ 2>/dev/null)" = "$$(printf "$$v")" ] || printf "$$v\n" > $@
FORCE:

$(B)/plain/%.o: %.c | $(B)/version.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c | $(B)/version.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(SANITIZE) $(CFLAGS) -c -o $@ $<

$(B)/plain/test_%: $(B)/plain/tests/unit/test_%.o $(LIB_OBJ)
	$(CC) $(OPT) -o $@ $^ $(LDFLAGS) $(TEST_LDFLAGS) $(LDLIBS) -lcmocka

$(B)/asan/test_%: $(B)/asan/tests/unit/test_%.o $(ASAN_OBJ)
	$(CC) $(OPT) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(TEST_LDFLAGS) $(LDLIBS) -lcmocka
# kept: in a fresh tree (no .d files yet) make deletes them as intermediate, and the next
# make, which reads their .d files, builds them and the tests again (test-lane-host's
# second make: 17-22 s on the quiet development VM, 48 s loaded)
.SECONDARY: $(UNIT_SRC:tests/unit/%.c=$(B)/plain/tests/unit/%.o) \
	$(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/unit/%.o)

# test_counters stands in for the perf_event_open system call and read()
$(B)/plain/test_counters $(B)/asan/test_counters: TEST_LDFLAGS := \
	-Wl,--wrap=dmab_perf_event_open,--wrap=read

# Installs only what is missing; without root, prints the exact line and fails (status 3).
deps:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || \
			missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "dmabench: missing Debian packages; as root run:" >&2; \
		echo "  apt-get install -y$$missing" >&2; exit 3; \
	fi; \
	echo "dmabench: installing$$missing" >&2; \
	apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null || true; \
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends $$missing

BENCH_ARGS ?=
bench: deps
	$(MAKE) dmabench
	./dmabench run $(BENCH_ARGS)

# Three lanes at once (-j3 on two cores: the CLI tests mostly wait on runs with a
# time budget, the guests are QEMU TCG): the host's tests; the x86 guests and the
# crash tests; the ARM guests. -k: a failure in one lane stops none of the others.
# Lines interleave as they come (no -O: make would hold a guest lane's lines until
# the lane ends); each guest's line names it. No test judges a time by a bound (the
# one timing check, compare's end-to-end, retries).
test: deps
	@$(MAKE) --no-print-directory deps PACKAGES="$(DIST_PACKAGES)"	# lanes make dist
	$(MAKE) -j2 WERROR=-Werror dmabench
	$(MAKE) --no-print-directory -k -j3 WERROR=-Werror test-lane-host test-lane-x86 \
		test-lane-arm

# the rest of the build here, beside the guests: the ARM lane is make test's longest
test-lane-host:
	$(MAKE) --no-print-directory -j1 WERROR=-Werror $(B)/dmabench-asan $(UNITS) $(UNITS_ASAN) \
		$(FUZZERS)
	$(MAKE) --no-print-directory -k -j1 WERROR=-Werror unit unit-asan cli fuzz-short valgrind

test-lane-x86: dmabench
	@$(GUESTS_ENV) tests/guests/all.sh $(GUESTS_X86)

test-lane-arm: dmabench
	@$(GUESTS_ENV) tests/guests/all.sh $(filter-out $(GUESTS_X86),$(GUEST_ARCHES))

unit: $(UNITS)
	@for t in $(UNITS); do echo "== $$t"; $$t || exit 1; done

unit-asan: $(UNITS_ASAN)
	@for t in $(UNITS_ASAN); do echo "== $$t (ASan/UBSan)"; $$t || exit 1; done

cli: dmabench $(B)/dmabench-asan
	tests/cli/run.sh ./dmabench $(B)/dmabench-asan

# libFuzzer targets (tests/fuzz/fuzz-NAME.c), built with clang under ASan/UBSan: the
# readers of files that come from other machines. result: the result file as compare
# and plot read it; console: the console-log reader of dmabench import (a log read whole
# and in pieces). make fuzz runs each for FUZZ_SECONDS; make test (fuzz-short) for
# FUZZ_SHORT_SECONDS, both after replaying tests/fuzz/regressions/TARGET/; the corpus
# stays in build/fuzz/corpus-TARGET between runs. tests/fuzz/run.sh says more.
FUZZ_CC       ?= clang
FUZZ_TARGETS  := result console
FUZZ_SECONDS  ?= 600
# 30 s, not 60: make test must stay under 10 minutes on the development VM (docs/testing.md)
FUZZ_SHORT_SECONDS ?= 30
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_OBJ      := $(LIB_SRC:%.c=$(B)/fuzz/%.o)
FUZZERS       := $(FUZZ_TARGETS:%=$(B)/fuzz-%)

$(B)/fuzz/%.o: %.c | $(B)/version.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE) $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link $(CFLAGS) -c -o $@ $<
.PRECIOUS: $(B)/fuzz/%.o

# result: a good file to compare with; the bootstrap cut to fewer resamples (fuzz-result.c)
$(B)/fuzz/tests/fuzz/fuzz-result.o: BASE += -DDMAB_FUZZ_FIXTURE='"$(CURDIR)/tests/fixtures/base.json"'
$(B)/fuzz-result: FUZZ_LDFLAGS := -Wl,--wrap=dmab_bootstrap_ratio_ci

$(B)/fuzz-%: $(B)/fuzz/tests/fuzz/fuzz-%.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(OPT) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $^ $(LDFLAGS) $(FUZZ_LDFLAGS) \
		$(LDLIBS)

fuzz: $(FUZZERS) dmabench
	@for t in $(FUZZ_TARGETS); do tests/fuzz/run.sh $$t $(FUZZ_SECONDS) ./dmabench || exit 1; done

fuzz-short: $(FUZZERS) dmabench
	@for t in $(FUZZ_TARGETS); do tests/fuzz/run.sh $$t $(FUZZ_SHORT_SECONDS) ./dmabench || exit 1; done

# memcheck over a short run (the user backend's device thread included), compare and
# plot: any error or definite leak fails (tests/valgrind.sh).
valgrind: dmabench
	tests/valgrind.sh ./dmabench

# compare's targets measured on this machine (issue 11): 20 A/A pairs of --quick runs,
# 20 pairs with a planted 10% slowdown, run-to-run CV, speed; about 15 minutes. A
# benchmark, not a test: it prints figures and fails nothing.
bench-targets: dmabench
	tests/bench/targets.sh ./dmabench $(or $(PAIRS),20)

# Debian's own kernels under QEMU (TCG): the harness and the module, for real.
# Every guest runs; the target fails if one of them did. x86_64-bpo is the
# backports' 6.12 cloud kernel (dma-heaps, udmabuf), through a private apt setup;
# x86_64-swiotlb the 6.1 cloud kernel with swiotlb=force (every streaming mapping
# bounces); armv7-a9 QEMU's Exynos4210 (two Cortex-A9, an L2C-310 outer cache,
# PL330 DMA controllers: the Zynq-7000 and i.MX6 class) with Debian's armmp kernel.
GUEST_ARCHES ?= x86_64 x86_64-swiotlb x86_64-bpo arm64 armhf armv7-a9
# Then issue 12's crash tests (tests/guests/crash-host.sh) in those of CRASH_ARCHES that
# ran: kill -9 x100 and a kernel panic mid-run in x86_64, 45-75 s on the loaded
# development VM (arm64 has the kills only, 2-2.5 min: make test-long runs it).
CRASH_ARCHES ?= x86_64
# kmod-fuzz's boot (tests/guests/run.sh) in one guest per architecture; make test-long
# boots it in all six, with 10^5 operations each
FUZZ_BOOT_ARCHES ?= x86_64 arm64 armv7-a9
GUESTS_ENV := FUZZ_BOOT_ARCHES="$(FUZZ_BOOT_ARCHES)" CRASH_ARCHES="$(CRASH_ARCHES)"
GUESTS_X86 := $(filter x86_64%,$(GUEST_ARCHES))
test-guests: dmabench
	@$(GUESTS_ENV) tests/guests/all.sh $(GUEST_ARCHES)

# kmod-fuzz with 10^5 operations in every guest, a boot each: 31-64 s, about 9 min for
# the six (test-guests runs fewer, 6-10 s of it per guest: tests/guests/run.sh, fuzz_ops).
# Then the kill -9 x100 crash test in the arm64 guest (2-2.5 min; no disk there, so
# no panic: tests/guests/crash-host.sh).
.PHONY: test-long
test-long:
	@status=0; for a in $(GUEST_ARCHES); do tests/guests/run.sh $$a --fuzz || status=1; done; \
	for a in $(filter arm64,$(GUEST_ARCHES)); do tests/guests/crash-host.sh $$a || status=1; done; \
	exit $$status

# The default matrix (dmabench run, module loaded) in one guest, its JSON validated and
# kept in results/vm-bench/ARCH-KERNELRELEASE-UTC.json. QEMU's TCG models no caches:
# the timings show every strategy working end to end, not what caches cost.
#   make vm-bench [ARCH=x86_64|x86_64-bpo|arm64|armhf]   (about 3 min each)
vm-bench:
	tests/guests/run.sh $(or $(ARCH),x86_64) --bench

# A static harness for another architecture (the guests use it), in $(B)/cross-TRIPLET:
#   make cross CROSS_COMPILE=aarch64-linux-gnu- CROSS_SYSROOT=/abs/dir
# CROSS_SYSROOT holds the target's Debian -dev packages unpacked (dpkg -x), for
# their headers and .a files; tools/sysroot.sh downloads them (make dist, the guests).
CROSS_TRIPLET = $(CROSS_COMPILE:%-=%)
CROSS_B       = $(B)/cross-$(CROSS_TRIPLET)
CROSS_INC     = $(if $(CROSS_SYSROOT),-I$(CROSS_SYSROOT)/usr/include -I$(CROSS_SYSROOT)/usr/include/$(CROSS_TRIPLET))
CROSS_LIB     = $(if $(CROSS_SYSROOT),-L$(CROSS_SYSROOT)/usr/lib/$(CROSS_TRIPLET))
.PHONY: cross cross-needs-CROSS_COMPILE
cross: $(if $(CROSS_COMPILE),$(CROSS_B)/dmabench,cross-needs-CROSS_COMPILE)

cross-needs-CROSS_COMPILE:
	@echo "make cross: set CROSS_COMPILE (e.g. aarch64-linux-gnu-) and CROSS_SYSROOT" >&2; exit 2

$(CROSS_B)/dmabench: $(LIB_SRC:%.c=$(CROSS_B)/%.o) $(CROSS_B)/harness/main.o
	$(CROSS_COMPILE)gcc $(OPT) -static -o $@ $^ $(CROSS_LIB) $(LDLIBS)

$(CROSS_B)/%.o: %.c | $(B)/version.h
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(BASE) $(CROSS_INC) -c -o $@ $<

# The tarball a board farm fetches (docs/lava.md), for ARCH (default: this machine's):
# the binary by the cross rule above, the target's libraries by tools/sysroot.sh
# (downloaded, not installed), checked with file and run once (qemu-user elsewhere).
DIST_PACKAGES := file qemu-user
DIST_ARCH = $(or $(ARCH),$(patsubst aarch64,arm64,$(patsubst armv7l,armhf,$(shell uname -m))))
.PHONY: dist
dist:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(DIST_PACKAGES)"
	@tools/dist.sh $(DIST_ARCH) $(VERSION)

# dmabench plot finds the scripts beside the binary (plots/) or in ../share/dmabench/plots;
# man dmabench finds the page in share/man/man1 (tests/cli/part-man.sh installs into a DESTDIR)
MANDIR ?= $(PREFIX)/share/man
install: dmabench
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/dmabench/plots \
		$(DESTDIR)$(MANDIR)/man1
	install -m 0755 dmabench $(DESTDIR)$(PREFIX)/bin/dmabench
	install -m 0644 plots/*.gp $(DESTDIR)$(PREFIX)/share/dmabench/plots/
	install -m 0644 dmabench.1 $(DESTDIR)$(MANDIR)/man1/dmabench.1

clean:
	rm -rf $(B) dmabench

-include $(shell find $(B) -path $(B)/guests -prune -o -name '*.d' -type f -print 2>/dev/null)
