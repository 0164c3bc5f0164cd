# dmabench: `make` builds ./dmabench; `make bench` and `make test` do all the set-up.
#
#   make deps    install the Debian packages that are missing (root), or print the line
#   make bench   deps, build, run the default matrix on what this machine offers
#   make test    deps, build with -Werror, unit tests (plain and ASan/UBSan), CLI tests,
#                and the guests (tests/guests: Debian kernels under QEMU)
#   make clean / make install [PREFIX=/usr/local DESTDIR=]

CC      ?= cc
PREFIX  ?= /usr/local
VERSION := 0.1.0
GIT     := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# What the build and the tests need, by Debian package name: one list.
PACKAGES := build-essential pkg-config libjansson-dev libpfm4-dev zlib1g-dev \
	    libcmocka-dev gnuplot-nox python3 python3-jsonschema

B        := build
OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
WERROR   ?= $(if $(CI),-Werror)
CFLAGS   ?=
BASE     := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(WERROR) -MMD -MP -I$(B)
LDLIBS   := -ljansson -lz -lpthread -lm
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC  := $(filter-out harness/main.c,$(wildcard harness/*.c)) $(wildcard strategies/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(B)/plain/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/plain/%)
UNITS_ASAN := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/%)

.PHONY: all deps bench test unit unit-asan cli test-guests clean install FORCE
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
	$(CC) $(OPT) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcmocka

$(B)/asan/test_%: $(B)/asan/tests/unit/test_%.o $(ASAN_OBJ)
	$(CC) $(OPT) $(SANITIZE) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcmocka

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
	apt-get update -q >/dev/null || true; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

BENCH_ARGS ?=
bench: deps
	$(MAKE) dmabench
	./dmabench run $(BENCH_ARGS)

test: deps
	$(MAKE) WERROR=-Werror dmabench $(B)/dmabench-asan $(UNITS) $(UNITS_ASAN)
	$(MAKE) --no-print-directory WERROR=-Werror unit unit-asan cli test-guests

unit: $(UNITS)
	@for t in $(UNITS); do echo "== $$t"; $$t || exit 1; done

unit-asan: $(UNITS_ASAN)
	@for t in $(UNITS_ASAN); do echo "== $$t (ASan/UBSan)"; $$t || exit 1; done

cli: dmabench $(B)/dmabench-asan
	tests/cli/run.sh ./dmabench $(B)/dmabench-asan

# Debian's own kernels under QEMU (TCG): the harness, and the module once built, for real.
GUEST_ARCHES ?= x86_64
test-guests: dmabench
	@for a in $(GUEST_ARCHES); do tests/guests/run.sh $$a || exit 1; done

install: dmabench
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 dmabench $(DESTDIR)$(PREFIX)/bin/dmabench

clean:
	rm -rf $(B) dmabench

-include $(shell find $(B) -name '*.d' 2>/dev/null)
