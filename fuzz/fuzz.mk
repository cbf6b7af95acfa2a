# fuzz/fuzz.mk - the fuzz targets (see fuzz/README.md).  Included from the
# top Makefile, after its own rules:  include fuzz/fuzz.mk
#
#   make fuzz          each target for FUZZ_SECONDS under libFuzzer (clang),
#                      with the dictionary and corpus; figures and findings
#                      go to reports/fuzz.txt; fails if anything was found.
#                      FUZZ_EMPTY=1: from an empty corpus instead
#   make fuzz-replay   the committed corpus and fuzz/regressions/ through
#                      both targets built without libFuzzer (gcc, ASan+UBSan)
#   make fuzz-merge    keeps in fuzz/corpus/<target> what `make fuzz` reached
#                      beyond the seeds: each reached edge once, as found-*
#                      files (fuzz/merge_found.py); FUZZ_MERGE_FROM=DIR adds
#                      another run's corpora, DIR/<target>
#   make fuzz-corpus   regenerates the seeds from cases/ (make_corpus.py)

FUZZ_TARGETS  := fuzz_recv fuzz_session
FUZZ_SECONDS  ?= 60
FUZZ_CC       ?= clang
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_WORK     := build/fuzz
# The core without its socket layer (netloop.c, main.c, the ev_*.c backends).
FUZZ_LIB_SRC  := fuzz/fakesrv.c fuzz/snapshot.c $(filter-out reference-server/ev_%.c,$(SERVER_LIB)) \
                 $(COMMON_SRC)

# The replay builds are part of `make all`, so `make test` can run them;
# so is the check that the receive guard of fakesrv.c still catches.
all: $(FUZZ_TARGETS:%=bin/%-replay) bin/guardtest

.PHONY: fuzz fuzz-replay fuzz-merge fuzz-corpus fuzz-build

# libFuzzer objects: their own tree, clang with coverage instrumentation -
# except the harness (fakesrv.c, the targets), not under test: its byte loops
# would only add coverage noise and trace-cmp calls to every execution.
FUZZ_COV = $(if $(filter fuzz/fakesrv.c fuzz/snapshot.c fuzz/replay.c $(FUZZ_TARGETS:%=fuzz/%.c),$<),,-fsanitize=fuzzer-no-link)
$(OBJ)/fuzz/%.o: %.c | check-tools
	@mkdir -p $(dir $@)
	@echo '  CC-FUZZ $<'
	@$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_CFLAGS) $(FUZZ_COV) -MMD -MP -c $< -o $@

bin/fuzz_trivial: $(OBJ)/fuzz/fuzz/fuzz_trivial.o
	@mkdir -p bin
	@echo '  LD-FUZZ $@'
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^
$(FUZZ_TARGETS:%=bin/%): bin/%: $(call dir_objs,fuzz,fuzz/%.c $(FUZZ_LIB_SRC))
	@mkdir -p bin
	@echo '  LD-FUZZ $@'
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

# The cost of one input (`make bench`): the libFuzzer build's objects with
# replay.c's -runs=N timing loop as main, and libFuzzer's runtime without its
# main, so every coverage and trace-cmp hook is the real one.
FUZZ_NO_MAIN = $(shell $(FUZZ_CC) --print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer_no_main-x86_64.a
$(FUZZ_TARGETS:%=bin/%-cost): bin/%-cost: $(call dir_objs,fuzz,fuzz/%.c fuzz/replay.c $(FUZZ_LIB_SRC))
	@mkdir -p bin
	@echo '  LD-FUZZ $@'
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(FUZZ_NO_MAIN) -lstdc++ -lpthread -lm

# The same targets as plain programs (gcc, the asan tree of the Makefile).
$(FUZZ_TARGETS:%=bin/%-replay): bin/%-replay: $(call dir_objs,asan,fuzz/%.c fuzz/replay.c $(FUZZ_LIB_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^

bin/guardtest: $(call dir_objs,asan,tests/tools/guardtest.c $(FUZZ_LIB_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^

fuzz-build: $(FUZZ_TARGETS:%=bin/%) bin/fuzz_trivial $(FUZZ_TARGETS:%=bin/%-cost)

fuzz: fuzz-build
	@mkdir -p reports
	$(PYTHON) fuzz/run_fuzz.py --seconds $(FUZZ_SECONDS) --work $(FUZZ_WORK) \
		--report reports/fuzz.txt $(if $(FUZZ_EMPTY),--empty) $(FUZZ_TARGETS)

# Every committed input through every target: bytes meant for one target
# are just as valid (and differently shaped) input for the other.
FUZZ_INPUT_DIRS = $(FUZZ_TARGETS:%=fuzz/corpus/%) $(FUZZ_TARGETS:%=fuzz/regressions/%)
fuzz-replay: $(FUZZ_TARGETS:%=bin/%-replay)
	@for t in $(FUZZ_TARGETS); do \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		./bin/$$t-replay $(FUZZ_INPUT_DIRS) || exit 1; \
	done

fuzz-merge: $(FUZZ_TARGETS:%=bin/%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_WORK)/corpus/$$t && \
		$(PYTHON) fuzz/merge_found.py bin/$$t $$t fuzz/corpus/$$t $(FUZZ_WORK)/corpus/$$t \
			$(if $(FUZZ_MERGE_FROM),$(FUZZ_MERGE_FROM)/$$t) || exit 1; \
	done

fuzz-corpus:
	$(PYTHON) fuzz/make_corpus.py cases fuzz/corpus

# ---- `ircspec fuzz --afl`: refircd with AFL++ edge coverage ----
#   make refircd-afl   bin/refircd-afl (-O2, afl-clang-fast) and
#                      bin/refircd-afl-asan (with ASan+UBSan): each counts
#                      edge hits into the map named by __AFL_SHM_ID, which
#                      `ircspec fuzz --afl` creates and hands it.
AFL_CC ?= afl-clang-fast
all: bin/refircd-afl  # tests/test_fuzz_network.py's grey-box run
.PHONY: refircd-afl
refircd-afl: bin/refircd-afl bin/refircd-afl-asan
$(OBJ)/afl/%.o: %.c | check-tools
	@mkdir -p $(dir $@)
	@echo '  CC-AFL  $<'
	@AFL_QUIET=1 $(AFL_CC) $(CSTD) $(WARN) -O2 -g -MMD -MP -c $< -o $@
$(OBJ)/afl-asan/%.o: %.c | check-tools
	@mkdir -p $(dir $@)
	@echo '  CC-AFLS $<'
	@AFL_QUIET=1 $(AFL_CC) $(CSTD) $(WARN) $(SANFLAGS) -MMD -MP -c $< -o $@
bin/refircd-afl: $(call dir_objs,afl,$(SERVER_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD-AFL  $@'
	@AFL_QUIET=1 $(AFL_CC) -O2 -g -o $@ $^
bin/refircd-afl-asan: $(call dir_objs,afl-asan,$(SERVER_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD-AFLS $@'
	@AFL_QUIET=1 $(AFL_CC) $(SANFLAGS) -o $@ $^

# Planted bugs (fuzz/planted/*.patch): time for black-box, grey-box and
# libFuzzer to find each, and ircspec fuzz's speed: reports/fuzz-planted.md.
FUZZ_PLANTED_SECONDS ?= 600
.PHONY: fuzz-planted
fuzz-planted: bin/ircspec bin/refircd bin/refircd-asan
	@$(PYTHON) scripts/fuzz_planted.py --seconds $(FUZZ_PLANTED_SECONDS)
