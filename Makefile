# ircspec - top-level build.  `make` builds every program into bin/;
# `make test` runs every test; `make run` starts refircd (see README.md).

CC      ?= cc
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
PYTHON  := /usr/bin/python3

COMMON_SRC := $(wildcard common/*.c)
SERVER_SRC := $(wildcard reference-server/*.c)
SERVER_LIB := $(filter-out reference-server/main.c reference-server/netloop.c,$(SERVER_SRC))
HARNESS_SRC := $(wildcard harness/*.c)
HARNESS_LIBS := -ljansson -lpcre2-8 -lexpat -pthread

OBJ := build/obj
# Run before anything compiles (see check-tools below); a test replaces it.
ENSURE_TOOLS ?= ./scripts/ensure-tools.sh
dir_objs = $(patsubst %.c,$(OBJ)/$(1)/%.o,$(2))

.PHONY: all test run serve bench matrix mutants requirements clean check-tools
PROGRAMS := bin/refircd bin/refircd-asan bin/refircd-poll bin/ircspec bin/ircspec-asan \
            bin/parsetest bin/seamtest bin/harness_unit bin/spawn_unit bin/vgxml_unit bin/pin_unit \
            bin/evtest-epoll bin/evtest-poll bin/clockstep.so bin/looptest
PROGRAMS += bin/hashtest bin/loadgen bin/sessfloor
all: $(PROGRAMS)

# ---- object rules: one tree per flavour (plain, asan, poll) ----
# rfctext.c builds the RFC texts in with .incbin, which -MMD does not see.
$(OBJ)/plain/harness/rfctext.o $(OBJ)/asan/harness/rfctext.o: spec/rfc1459.txt spec/rfc2812.txt
$(OBJ)/plain/%.o: %.c | check-tools
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@
$(OBJ)/asan/%.o: %.c | check-tools
	@mkdir -p $(dir $@)
	@echo '  CC-SAN  $<'
	@$(CC) $(CSTD) $(WARN) $(SANFLAGS) -MMD -MP -c $< -o $@
$(OBJ)/poll/%.o: %.c | check-tools
	@mkdir -p $(dir $@)
	@echo '  CC-POLL $<'
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) -DREFIRCD_USE_POLL -MMD -MP -c $< -o $@

bin/refircd: $(call dir_objs,plain,$(SERVER_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) -o $@ $^
bin/refircd-asan: $(call dir_objs,asan,$(SERVER_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^
bin/refircd-poll: $(call dir_objs,poll,$(SERVER_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) -o $@ $^

bin/ircspec: $(call dir_objs,plain,$(HARNESS_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) -o $@ $^ $(HARNESS_LIBS)
bin/ircspec-asan: $(call dir_objs,asan,$(HARNESS_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^ $(HARNESS_LIBS)

# Test drivers, built with sanitizers: parser vectors, the in-process seam,
# the maps' keyed hash.
bin/parsetest: $(call dir_objs,asan,tests/tools/parsetest.c $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^
bin/seamtest: $(call dir_objs,asan,tests/tools/seamtest.c $(SERVER_LIB) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^
bin/hashtest: $(call dir_objs,asan,tests/tools/hashtest.c $(SERVER_LIB) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^

# ev.h's fairness over each backend (tests/test_ev_fairness.py).
bin/evtest-epoll: $(call dir_objs,asan,tests/tools/evtest.c reference-server/ev_epoll.c)
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^
bin/evtest-poll: $(call dir_objs,poll,tests/tools/evtest.c reference-server/ev_poll.c)
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) -o $@ $^

# Channel fan-out load for `make bench` (scripts/bench.sh); optimised, as
# it must outrun the servers it measures.
bin/loadgen: $(call dir_objs,plain,tests/tools/loadgen.c)
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) -o $@ $^

# The wire traffic of a fuzz session and nothing else: the floor under
# ircspec fuzz's sessions/s in `make bench` (scripts/bench.sh).
bin/sessfloor: $(call dir_objs,plain,tests/tools/sessfloor.c)
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) -o $@ $^

# netloop.c turn by turn over loopback sockets (tests/test_loop_turns.py).
bin/looptest: $(call dir_objs,asan,tests/tools/looptest.c $(filter-out reference-server/main.c,$(SERVER_SRC)) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^

# LD_PRELOAD library stepping a program's wall clock (test_robust_clock_step.py).
bin/clockstep.so: tests/tools/clockstep.c | check-tools
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(CSTD) $(WARN) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

# Unit driver for the harness's report side (tests/test_harness_units.py).
HARNESS_UNIT_SRC := tests/tools/harness_unit.c $(filter-out harness/main.c,$(HARNESS_SRC))
bin/harness_unit: $(call dir_objs,asan,$(HARNESS_UNIT_SRC) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^ $(HARNESS_LIBS)

# Pinning Valgrind's findings on cases, with a scripted source (tests/test_pin_units.py).
bin/pin_unit: $(call dir_objs,asan,tests/tools/pin_unit.c $(filter-out harness/main.c,$(HARNESS_SRC)) $(COMMON_SRC))
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^ $(HARNESS_LIBS)

# spawn.c, valgrind.c and vgxml.c tests (spawn_unit is also its own test server).
bin/spawn_unit: $(call dir_objs,asan,tests/tools/spawn_unit.c harness/spawn.c harness/valgrind.c \
                  harness/vgxml.c)
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^ -lexpat -pthread

# vgxml.c on one file (tests/test_vgxml.py).
bin/vgxml_unit: $(call dir_objs,asan,tests/tools/vgxml_unit.c harness/vgxml.c)
	@mkdir -p bin
	@echo '  LD      $@'
	@$(CC) $(SANFLAGS) -o $@ $^ -lexpat

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- tools: install what is missing (Debian; root can apt-get) ----
# Every object rule (here and in fuzz/fuzz.mk) and every program has
# check-tools as an order-only prerequisite: whatever the entry point
# (make, make run, make bench, make fuzz, ...) and even under -j, the tools
# are checked once per make run before the first compiler starts, and
# nothing is rebuilt because of it.  When all is there it costs a few probes.
check-tools:
	@$(ENSURE_TOOLS)

$(PROGRAMS): | check-tools  # links need the libraries even when no object is rebuilt

test: all
	$(PYTHON) -m pytest -q tests

# The main job: the whole suite against refircd (spawned on a free port), or
# against any server with TARGET=host:port [PASSWORD=pw] [OPER=name:pass].
# refircd runs with flood control lifted, as every target in targets/ does:
# the robustness cases send bursts of 500 and 1,000 lines.
TARGET   ?=
PASSWORD ?=
OPER     ?=
JOBS     ?= 8
REPORTS  := --json reports/latest.json --junit reports/latest.xml
run: bin/refircd bin/ircspec
	@mkdir -p reports
ifeq ($(TARGET),)
	./bin/ircspec -j $(JOBS) --spawn './bin/refircd -p {port} -P runpass --motd targets/motd.txt --oper ircspec:operpass --flood-interval 0' \
		--password runpass --oper ircspec:operpass $(REPORTS) cases
else
	./bin/ircspec -j $(JOBS) --host $(firstword $(subst :, ,$(TARGET))) \
		--port $(lastword $(subst :, ,$(TARGET))) $(if $(PASSWORD),--password '$(PASSWORD)') \
		$(if $(OPER),--oper '$(OPER)') $(REPORTS) cases
endif

# Speed figures: the suite against refircd and ngircd, refircd at 10k clients,
# the fuzz targets' exec/s and cost per input.
bench: bin/refircd bin/refircd-asan bin/ircspec bin/loadgen bin/sessfloor fuzz-build
	@./scripts/bench.sh

# The suite against refircd and each real server (targets/): reports/matrix.md
# and the HTML matrix reports/matrix/ (ircspec matrix).
matrix: bin/refircd bin/ircspec
	@./scripts/matrix.sh

# Mutation analysis of refircd by the suite: reports/mutants.{md,json}
# (scripts/mutants/README.md; MUTANTS_MAX, MUTANTS_SEED pick a sample).
# Everything: the TESTED_BY pytest files also start bin/refircd-asan and
# the C drivers.
mutants: all
	@$(PYTHON) scripts/mutants/run.py

# cases/REQUIREMENTS.md: every RFC 2812 requirement and the cases testing it,
# from the case files, cases/requirements.txt and the RFC text
# (scripts/requirements/; run it after adding or renaming a case).
requirements:
	@$(PYTHON) scripts/requirements/requirements.py

# refircd alone, in the foreground, for trying it with a client.
PORT ?= 6667
serve: bin/refircd
	@echo "refircd on 127.0.0.1:$(PORT) - connect with: irssi -c 127.0.0.1 -p $(PORT)"
	@echo "  (operator: /oper ircspec operpass; Ctrl-C stops it)"
	./bin/refircd -p $(PORT) --oper ircspec:operpass

clean:
	rm -rf build bin

# Fuzz targets, replay drivers, make fuzz (see fuzz/README.md).
include fuzz/fuzz.mk
