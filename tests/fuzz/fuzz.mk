# libFuzzer harnesses (tests/fuzz/README.md). Included by the Makefile.
#   make fuzz [FUZZ_SECONDS=60] [FUZZERS="grubcfg grubenv"]   run each in turn
#   make fuzz-build                                            only build them
#   make fuzz-replay     the harnesses as plain programs (gcc, ASan) for CI replays
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZERS      ?= grubcfg grubenv xen_cmdline evidence grubcfg_edit
FUZZ_SAN     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS    := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRCS))
FUZZ_BINS    := $(patsubst %,build/fuzz/fuzz_%,$(FUZZERS))

# The sources instrumented for coverage; only the harness links libFuzzer's main.
build/fuzz/obj/%.o: src/%.c $(wildcard src/*/*.h) | build/version.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE) -Ibuild $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(BASE) -Ibuild $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

# The same harnesses without libFuzzer, with the project's compiler: replay
# corpora and crash reproducers as regression tests (tests/t/610-fuzz.sh).
REPLAY_BINS  := $(patsubst %,build/fuzz/replay_%,$(FUZZERS))

build/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -Ibuild $(SANFLAGS) -o $@ tests/fuzz/replay.c $< $(SAN_OBJS) $(LDLIBS)

fuzz-replay: $(REPLAY_BINS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@for f in $(FUZZERS); do tests/fuzz/run.sh $$f $(FUZZ_SECONDS) || exit 1; done

.PHONY: fuzz fuzz-build fuzz-replay
