# patchbench - non-recursive GNU make. `make V=1` shows the commands.
#
#   make            build bench/patchbench
#   make deps       install the Debian packages (scripts/install-deps.sh)
#   make run        a host run of the nested kernelbuild tree, smoke scale, with its report
#   make test       unit tests (TAP) and system tests (real cgroups) under prove
#   make bench      patchbench's own costs, measured side by side
#   make clean

VERSION := 0.1
CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -Wno-unused-parameter \
	   -D_GNU_SOURCE -DPATCHBENCH_VERSION='"$(VERSION)"' \
	   -Ibench -Ibench/monitors -Ianalysis -Iworkloads -Itests -MMD -MP
LDLIBS  += -lm
# libtracefs + libtraceevent: the rss_stat monitor (tracing instance, raw buffers, formats)
TRACE_PKGS := libtracefs libtraceevent
CFLAGS  += $(shell pkg-config --cflags $(TRACE_PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(TRACE_PKGS) 2>/dev/null) -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD := build

CORE_SRCS := bench/util.c bench/options.c bench/cgroup.c bench/memstat.c bench/sampler.c \
	     bench/runner.c bench/resultdir.c bench/ksrc.c bench/sha256.c bench/vm.c bench/guest.c \
	     bench/monitors/monitors.c bench/monitors/mon-memstat.c bench/monitors/mon-cpustat.c
ANALYSIS_SRCS := analysis/json.c analysis/tsv.c analysis/stats.c analysis/drift.c analysis/metrics.c \
		 analysis/report.c
WORKLOAD_SRCS := workloads/workloads.c workloads/wl-idle.c workloads/wl-kernelbuild.c \
		 workloads/wl-kmem-churn.c workloads/wl-selftests.c \
		 workloads/wl-readcost.c workloads/wl-stat-probe.c workloads/readcost.c
CMD_SRCS := bench/patchbench.c bench/cmd-bench.c bench/cmd-list.c bench/cmd-report.c \
	    bench/cmd-run.c
# compare, verdicts, report formats and plots (issue 5)
ANALYSIS_SRCS += analysis/verdict.c analysis/compare.c analysis/report-text.c analysis/report-md.c \
		 analysis/report-json.c analysis/report-html.c analysis/plot.c analysis/dashboard.c
CMD_SRCS += bench/cmd-compare.c bench/cmd-dashboard.c bench/aa-bench.c
# perf profiles, system-wide counters and rss_stat (issue 4)
ANALYSIS_SRCS += analysis/perfsym.c analysis/perfdiff.c analysis/rss.c analysis/u64map.c \
		 analysis/report-perf.c
CORE_SRCS += bench/perf.c bench/monitors/mon-perf.c bench/monitors/mon-rss.c \
	     bench/monitors/mon-cputotal.c bench/rss-bench.c
CMD_SRCS += bench/cmd-perfdiff.c
# kernel builds: patchbench build and kernels (issue 3)
CORE_SRCS += bench/kbuild.c
CMD_SRCS += bench/cmd-build.c bench/cmd-kernels.c bench/cmd-ab.c
# the cover letter reproduction (issue 6)
CMD_SRCS += bench/cmd-reproduce.c bench/reproduce-run.c

LIB_SRCS := $(CORE_SRCS) $(ANALYSIS_SRCS) $(WORKLOAD_SRCS)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libpatchbench.a

UNIT_SRCS := $(wildcard tests/unit/t-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SYSTEM_TESTS := $(sort $(wildcard tests/system/t-*.sh))

PB := bench/patchbench
# the small memory.stat reader that hyperfine times (readcost workload)
STATREAD := bench/pb-statread

.PHONY: all deps run run-host test unit-test system-test bench clean
all: $(PB) $(STATREAD)

# Runs on every make invocation (phony; one dpkg-query, ~0.06 s when all is installed), so a
# package removed since the last build is installed again; order-only, so it rebuilds nothing.
deps:
	$(Q)sh scripts/install-deps.sh

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(PB): $(CMD_OBJS) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIB) $(LDLIBS)

$(STATREAD): bench/statread.c | deps
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -DFIXTURES='"$(CURDIR)/tests/fixtures"' -o $@ $< $(LIB) $(LDLIBS)

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

# One prove run, so the summary counts every test.
test: $(PB) $(STATREAD) $(UNIT_BINS)
	PB=$(CURDIR)/$(PB) prove -f --exec '' $(UNIT_BINS) $(SYSTEM_TESTS)

bench: $(PB) $(STATREAD)
	$(PB) bench

# The rstat cover letter's tables; REPRODUCE_ARGS e.g. --scale small -o DIR
.PHONY: reproduce
reproduce: $(PB) $(STATREAD)
	$(PB) reproduce $(REPRODUCE_ARGS)

clean:
	rm -rf $(BUILD) $(PB) $(STATREAD)

# where plot scripts are found when PATCHBENCH_PLOTS is not set
$(BUILD)/analysis/plot.o: CFLAGS += -DPB_PLOTS_DIR='"$(CURDIR)/analysis/plots"'

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d)
