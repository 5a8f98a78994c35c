# dom0cuda: GNU Make, C11, no autotools.
#   make            build/dom0cuda (release flags)
#   make check      every test (unit + golden + the rest), sanitizers on
#   make install    PREFIX=/usr/local DESTDIR=
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

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

test-build: build/dom0cuda build/san/dom0cuda $(UNIT_BINS)

check: test-build
	tests/run.sh

# Regenerate tests/expected/* after a deliberate change; review the diff.
golden-update: build/san/dom0cuda
	tests/golden.sh --update

install: build/dom0cuda
	install -D -m 0755 build/dom0cuda $(DESTDIR)$(SBINDIR)/dom0cuda
	install -D -m 0644 man/dom0cuda.8 $(DESTDIR)$(MANDIR)/man8/dom0cuda.8

clean:
	rm -rf build

.PHONY: all check test-build golden-update install clean FORCE
