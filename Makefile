# patchbench - non-recursive GNU make. `make V=1` shows the commands.
#
#   make            build bench/patchbench
#   make deps       install the Debian packages (scripts/install-deps.sh)
#   make run        a host run of the nested kernelbuild tree, smoke scale, with its report
#   make test       unit tests (TAP, also built with clang sanitizers), a smoke run of the fuzz
#                   harnesses and system tests (real cgroups) under prove
#   make fuzz       every libFuzzer harness (tests/fuzz/) for FUZZ_S seconds; FUZZ=NAME... for some
#   make bench      patchbench's own costs, measured side by side
#   make clean

VERSION := 0.1
CC      ?= gcc
# CFLAGS is the user's (make CFLAGS=-O0 adds to the project's flags, it does not
# replace them); what the build needs is in PB_CFLAGS and comes first.
CFLAGS  ?= -O2 -g
PB_CFLAGS = -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -Wno-unused-parameter \
	   -D_GNU_SOURCE -DPATCHBENCH_VERSION='"$(VERSION)"' \
	   -Ilib -Ibench -Ibench/monitors -Ianalysis -Iworkloads -Itests -MMD -MP
LDLIBS  += -lm
# libtracefs + libtraceevent: the rss_stat monitor (tracing instance, raw buffers, formats).
# PB_CFLAGS and LDLIBS are recursive (=): pkg-config runs when a recipe needs them, after
# the deps target installed the -dev packages, not when a fresh machine parses this file.
TRACE_PKGS := libtracefs libtraceevent
PB_CFLAGS += $(shell pkg-config --cflags $(TRACE_PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(TRACE_PKGS) 2>/dev/null) -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD := build

# the base layer: no patchbench knowledge, used by every other folder (lib/)
BASE_SRCS := lib/xalloc.c lib/strbuf.c lib/util.c lib/options.c lib/sha256.c lib/json.c lib/tsv.c lib/stats.c lib/u64map.c \
	     lib/resultdir.c lib/afile.c lib/spawn.c lib/wrap.c
CORE_SRCS := bench/run.c bench/cgroup.c bench/memstat.c bench/sampler.c bench/run-opts.c bench/target.c \
	     bench/runner.c bench/ksrc.c bench/kgit.c bench/vm.c bench/guest.c \
	     bench/monitors/monitors.c bench/monitors/mon-memstat.c bench/monitors/mon-cpustat.c
ANALYSIS_SRCS := analysis/drift.c analysis/metrics.c \
		 analysis/report.c
WORKLOAD_SRCS := workloads/workloads.c workloads/wl-idle.c workloads/wl-kernelbuild.c \
		 workloads/wl-kmem-churn.c workloads/wl-selftests.c \
		 workloads/wl-readcost.c workloads/wl-stat-probe.c workloads/readcost.c
# memcg workloads that reach charge and reclaim (issue 14)
WORKLOAD_SRCS += workloads/memcg-wl.c workloads/wl-page-fault.c workloads/wl-reclaim.c \
		 workloads/wl-cgroup-churn.c
CMD_SRCS := bench/patchbench.c bench/cmd-bench.c bench/cmd-list.c bench/cmd-report.c bench/cmd-targets.c \
	    bench/cmd-run.c bench/cmd-clean.c
# compare, verdicts, report formats and plots (issue 5)
ANALYSIS_SRCS += analysis/verdict.c analysis/compare.c analysis/report-text.c analysis/report-md.c \
		 analysis/report-json.c analysis/report-html.c analysis/plot.c analysis/dashboard.c \
		 analysis/cmp-format.c
BASE_SRCS += lib/format.c
CMD_SRCS += bench/cmd-compare.c bench/cmd-dashboard.c bench/aa-bench.c
# perf profiles, system-wide counters and rss_stat (issue 4)
ANALYSIS_SRCS += analysis/perfsym.c analysis/perfdiff.c analysis/perfdiff-load.c analysis/rss.c \
		 analysis/report-perf.c
# guest instruction counts from the TCG plugin (issue 11)
ANALYSIS_SRCS += analysis/insn.c analysis/report-insn.c
CORE_SRCS += bench/perf.c bench/monitors/mon-perf.c bench/monitors/mon-rss.c \
	     bench/monitors/mon-cputotal.c bench/rss-bench.c bench/sampler-bench.c
CMD_SRCS += bench/cmd-perfdiff.c
# system-wide counters: libperf from the kernel source (scripts/libperf.sh builds it into the
# cache), raw perf_event_open() when that failed (issue 14)
CORE_SRCS += bench/counters.c bench/counters-raw.c bench/counters-libperf.c
# what else changed: every stat key's change over the window, and compare's listing (issue 14)
CORE_SRCS += bench/statdelta.c bench/monitors/mon-statdelta.c
ANALYSIS_SRCS += analysis/changed.c
# kernel builds: patchbench build and kernels (issue 3)
CORE_SRCS += bench/kbuild.c bench/kparse.c bench/kcache.c bench/kseries.c
# guest instruction counts in vm runs (issue 11)
CORE_SRCS += bench/insn-run.c
CMD_SRCS += bench/insn-bench.c
CMD_SRCS += bench/cmd-build.c bench/cmd-kernels.c bench/cmd-ab.c
CORE_SRCS += bench/ab.c
# the Slurm engine of ab: job array of pairs, final compare job (issue 13)
CORE_SRCS += bench/ab-dir.c bench/slurm.c bench/ab-slurm.c
# the cover letter reproduction's tables, verdicts and reports (issue 10)
ANALYSIS_SRCS += analysis/repro.c analysis/repro-report.c
# the cover letter reproduction (issue 6)
CMD_SRCS += bench/cmd-reproduce.c
CORE_SRCS += bench/repro-run.c
# reproduce and bisect --engine slurm (issue 13)
CORE_SRCS += bench/repro-slurm.c
# bisect: the search, the driver, the command (issue 12)
ANALYSIS_SRCS += analysis/bisect.c analysis/settle.c
CORE_SRCS += bench/bisect-run.c
CMD_SRCS += bench/cmd-bisect.c

# libperf: the script writes $(LIBPERF)/libperf-config.h and, when the build worked, links
# $(LIBPERF)/include and lib to the cache; LDLIBS is recursive, so the wildcard looks when a
# program is linked (after the script ran).
LIBPERF := $(BUILD)/libperf
LIBPERF_SRC := $(or $(PB_LIBPERF_SRC),/usr/src/linux-source-6.1.tar.xz)
LIBPERF_LIBS = $(wildcard $(LIBPERF)/lib/libperf.a $(LIBPERF)/lib/libapi.a)
LDLIBS += $(LIBPERF_LIBS)

# the environment of a run in meta.json "env" (issue 13): envcap.o gets the source commit,
# git describe of this tree ("unknown" when it is not the top of a git work tree), and is
# rebuilt when that changes
CORE_SRCS += bench/envcap.c
ANALYSIS_SRCS += analysis/envdiff.c
PB_COMMIT := $(shell [ "$$(git -C '$(CURDIR)' rev-parse --show-toplevel 2>/dev/null)" = '$(CURDIR)' ] && \
	       git -C '$(CURDIR)' describe --always --dirty 2>/dev/null || echo unknown)

LIB_SRCS := $(BASE_SRCS) $(CORE_SRCS) $(ANALYSIS_SRCS) $(WORKLOAD_SRCS)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libpatchbench.a

UNIT_SRCS := $(wildcard tests/unit/t-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SYSTEM_TESTS := $(sort $(wildcard tests/system/t-*.sh))

PB := bench/patchbench
# the small memory.stat reader that hyperfine times (readcost workload)
STATREAD := bench/pb-statread
# the TCG plugin that counts guest instructions (qemu loads it; nothing links it), and the
# guest init of its system test
PLUGIN := $(BUILD)/pb-insn.so
INSN_GUEST := $(BUILD)/tests/insn-guest
# the counters over a fixed window, against perf stat (tests/system/t-52-counters.sh)
COUNTERS_WINDOW := $(BUILD)/tests/counters-window

# Fuzzing and sanitizers (issue 15). The library is compiled again with clang, once with
# libFuzzer's coverage hooks (fuzz-obj/) and once for the unit tests (san-obj/); a sanitizer
# report aborts the program (-fno-sanitize-recover), so it fails the test or the fuzz run.
# clang-14 and libFuzzer (libclang-rt-14-dev) come from scripts/install-deps.sh.
CLANG    ?= clang-14
SAN      := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
FUZZ_OBJ := $(BUILD)/fuzz-obj
SAN_OBJ  := $(BUILD)/san-obj
FUZZ_LIB := $(FUZZ_OBJ)/libpatchbench.a
SAN_LIB  := $(SAN_OBJ)/libpatchbench.a
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
SAN_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/san/tests/%)
# seconds each harness runs in `make fuzz`, and in the smoke run of `make test`
FUZZ_S   ?= 60
FUZZ_SMOKE_S ?= 3
# whether $(CLANG) links a libFuzzer program; decided after install-deps.sh ran (clang-builds)
FUZZ_PROBE = printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
	     | $(CLANG) -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null

.PHONY: all deps run run-host test unit-test system-test bench clean
all: $(PB) $(STATREAD) $(PLUGIN)

# Runs on every make invocation (phony; one dpkg-query, ~0.06 s when all is installed), so a
# package removed since the last build is installed again; order-only, so it rebuilds nothing.
deps:
	$(Q)sh scripts/install-deps.sh

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(PB_CFLAGS) $(CFLAGS) -c -o $@ $<

# once per source id into the cache (the script says which step failed, and the build goes on
# with the raw counters); again when the tarball or the script changes
$(LIBPERF)/libperf-config.h: scripts/libperf.sh $(wildcard $(LIBPERF_SRC)) | deps
	$(Q)PB_LIBPERF_SRC=$(LIBPERF_SRC) sh scripts/libperf.sh $(LIBPERF)
$(BUILD)/bench/counters-libperf.o $(FUZZ_OBJ)/bench/counters-libperf.o \
$(SAN_OBJ)/bench/counters-libperf.o: $(LIBPERF)/libperf-config.h
$(BUILD)/bench/counters-libperf.o $(FUZZ_OBJ)/bench/counters-libperf.o \
$(SAN_OBJ)/bench/counters-libperf.o: PB_CFLAGS += -I$(LIBPERF) -I$(LIBPERF)/include

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(PB): $(CMD_OBJS) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIB) $(LDLIBS)

$(STATREAD): bench/statread.c | deps
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(filter-out -MMD -MP,$(PB_CFLAGS)) $(CFLAGS) -o $@ $<

$(PLUGIN): bench/qemu-plugin/pb-insn.c bench/insn-marker.h | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE $(CFLAGS) -shared -fPIC \
		-fvisibility=hidden -o $@ $< -lpthread

$(INSN_GUEST): tests/helpers/insn-guest.c bench/insn-marker.h | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -std=gnu11 -Wall $(CFLAGS) -static -Ibench -o $@ $<

$(COUNTERS_WINDOW): tests/helpers/counters-window.c $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(PB_CFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(PB_CFLAGS) $(CFLAGS) -DFIXTURES='"$(CURDIR)/tests/fixtures"' -o $@ $< $(LIB) $(LDLIBS)

# make run: the main job. An A/B of the vanilla kernel against memcg-flush-on-read
# (built on the way if missing), booted under qemu, then their comparison.
# compare exits 1 when it finds a regression: that is a result, not an error.
AB_DIR   ?= results/ab-$(shell date +%Y%m%d-%H%M%S)-vanilla-vs-memcg-flush-on-read
RUN_ARGS ?= --repeat 2 -w kernelbuild,idle,kmem-churn,stat-probe --builders 2 --idle 3
run: $(PB) $(STATREAD)
	$(PB) ab --base vanilla --patched memcg-flush-on-read --ab-out $(AB_DIR) $(RUN_ARGS)
	$(PB) compare $(AB_DIR); test $$? -le 1

# The first job: the nested kernelbuild tree on the running kernel, with its report.
HOST_ARGS ?= --target host --workload kernelbuild,idle,kmem-churn --scale smoke
run-host: $(PB) $(STATREAD)
	$(PB) run $(HOST_ARGS)

unit-test: $(UNIT_BINS)
	prove -f --exec '' $(UNIT_BINS)

system-test: $(PB) $(STATREAD)
	PB=$(CURDIR)/$(PB) prove -f --exec 'sh' $(SYSTEM_TESTS)

# One prove run, so the summary counts every test: the unit tests, the same built with clang's
# sanitizers, a smoke run of every fuzz harness (tests/fuzz/run.sh, FUZZ_SMOKE_S s each; SKIPs
# without clang) and the system tests.
test: $(PB) $(STATREAD) $(PLUGIN) $(INSN_GUEST) $(COUNTERS_WINDOW) $(UNIT_BINS) clang-builds
	PB=$(CURDIR)/$(PB) FUZZ_BIN=$(CURDIR)/$(BUILD)/fuzz FUZZ_S=$(FUZZ_SMOKE_S) \
		SAN_DIR=$(CURDIR)/$(BUILD)/san/tests CLANG=$(CLANG) \
		prove -f --timer --exec '' $(UNIT_BINS) $$(ls $(SAN_BINS) 2>/dev/null) tests/fuzz/run.sh \
		$(SYSTEM_TESTS)

bench: $(PB) $(STATREAD) $(PLUGIN)
	$(PB) bench

# The rstat cover letter's tables; REPRODUCE_ARGS e.g. --scale small -o DIR
.PHONY: reproduce
reproduce: $(PB) $(STATREAD)
	$(PB) reproduce $(REPRODUCE_ARGS)

clean:
	rm -rf $(BUILD) $(PB) $(STATREAD)

# where plot scripts are found when PATCHBENCH_PLOTS is not set
$(BUILD)/analysis/plot.o: PB_CFLAGS += -DPB_PLOTS_DIR='"$(CURDIR)/analysis/plots"'
# the instruction-count plugin a vm run loads when PATCHBENCH_PLUGIN is not set
$(BUILD)/bench/insn-run.o: PB_CFLAGS += -DPB_PLUGIN_PATH='"$(CURDIR)/$(PLUGIN)"'
# the source commit in meta.json "env" (bench/envcap.c), rebuilt when it changes
$(BUILD)/commit.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(PB_COMMIT)' | cmp -s - $@ || echo '$(PB_COMMIT)' >$@
.PHONY: FORCE
FORCE:
$(BUILD)/bench/envcap.o $(FUZZ_OBJ)/bench/envcap.o $(SAN_OBJ)/bench/envcap.o: $(BUILD)/commit.txt
$(BUILD)/bench/envcap.o $(FUZZ_OBJ)/bench/envcap.o $(SAN_OBJ)/bench/envcap.o: PB_CFLAGS += \
	-DPB_SOURCE_COMMIT='"$(PB_COMMIT)"'

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d)

# Fuzzing and sanitizers (issue 15): the rules are below the test target.
$(FUZZ_OBJ)/%.o: %.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $< (fuzz)")
	$(Q)$(CLANG) $(PB_CFLAGS) $(CFLAGS) $(SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(SAN_OBJ)/%.o: %.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $< (sanitizers)")
	$(Q)$(CLANG) $(PB_CFLAGS) $(CFLAGS) $(SAN) -c -o $@ $<

$(FUZZ_LIB): $(LIB_SRCS:%.c=$(FUZZ_OBJ)/%.o)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SAN_LIB): $(LIB_SRCS:%.c=$(SAN_OBJ)/%.o)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)$(CLANG) $(PB_CFLAGS) $(CFLAGS) $(SAN) -fsanitize=fuzzer -DFIXTURES='"$(CURDIR)/tests/fixtures"' \
		-o $@ $< $(FUZZ_LIB) $(LDLIBS)

$(BUILD)/san/tests/%: tests/unit/%.c $(SAN_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CLANG   $< (sanitizers)")
	$(Q)$(CLANG) $(PB_CFLAGS) $(CFLAGS) $(SAN) -DFIXTURES='"$(CURDIR)/tests/fixtures"' -o $@ $< \
		$(SAN_LIB) $(LDLIBS)

.PHONY: fuzz fuzz-build san-test clang-builds
# the sanitizer unit tests and the harnesses, when clang and libFuzzer are installed
clang-builds: deps
	$(Q)if $(FUZZ_PROBE); then $(MAKE) --no-print-directory $(SAN_BINS) $(FUZZ_BINS); else \
		echo "  SKIP    sanitizer and fuzz builds: no $(CLANG) with libFuzzer"; fi

fuzz-build: $(FUZZ_BINS)

# make fuzz FUZZ_S=600: every harness (or those of FUZZ=) in turn for FUZZ_S seconds, corpora
# kept in FUZZ_CORPUS
FUZZ_CORPUS ?= $(CURDIR)/$(BUILD)/fuzz/corpus
fuzz: $(FUZZ_BINS)
	FUZZ_BIN=$(CURDIR)/$(BUILD)/fuzz FUZZ_S=$(FUZZ_S) FUZZ_CORPUS=$(FUZZ_CORPUS) \
		tests/fuzz/run.sh $(FUZZ)

san-test: $(SAN_BINS)
	prove -f --exec '' $(SAN_BINS)

$(FUZZ_OBJ)/analysis/plot.o $(SAN_OBJ)/analysis/plot.o: PB_CFLAGS += \
	-DPB_PLOTS_DIR='"$(CURDIR)/analysis/plots"'

-include $(LIB_SRCS:%.c=$(FUZZ_OBJ)/%.d) $(LIB_SRCS:%.c=$(SAN_OBJ)/%.d) $(FUZZ_BINS:=.d) \
	 $(SAN_BINS:=.d)
