/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf.h - glue to the perf tool: find the binary,
 * pick the sampling event this machine supports, run a command and capture
 * its output, turn a perf.data into a per-symbol profile.
 */
#ifndef PB_PERF_H
#define PB_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "perfsym.h"
#include "util.h"

/*
 * perf_find - the absolute path of "perf" in $PATH (looked up rather than
 * hard-coded, so a run can be made without it). Returns a string the caller
 * must free(), or NULL with errno ENOENT.
 */
char *perf_find(void);

/*
 * perf_event_try - open the counter @type/@config system-wide (pid -1, as
 * "perf record -a" does; counters_try()) and close it again. Returns 0 if it
 * works, else -errno: -ENOENT/-EOPNOTSUPP when the machine has no such
 * counter (no hardware PMU), -EACCES/-EPERM when not permitted.
 */
int perf_event_try(uint32_t type, uint64_t config);

/*
 * perf_pick_event - "cycles" if the machine counts CPU cycles, else
 * "cpu-clock" (a software timer, always there). Returns 0 with the name in
 * *@event, or -errno with @err saying why neither can be opened.
 */
int perf_pick_event(const char **event, char *err, size_t errlen);

/*
 * perf_capture - run @argv (argv[0] an absolute path), wait for it, and
 * return 0 with its exit status in *@status (as waitpid() reports it) and
 * its stdout and stderr appended to @out and @errout (either may be NULL to
 * discard). -errno if it could not be started.
 */
int perf_capture(char *const argv[], struct strbuf *out, struct strbuf *errout, int *status);

/* Does @perf print "zstd: [ on" in "perf version --build-options"? */
bool perf_has_zstd(const char *perf);

/*
 * perf_report_symbols - "perf report" of @data (PERFSYM_REPORT_ARGS) parsed
 * into @l, sorted by overhead. Checks @data with perfsym_check_data() first.
 * 0, or -errno / -EINVAL with @err naming the file.
 */
int perf_report_symbols(const char *perf, const char *data, struct perfsym_list *l, char *err,
			size_t errlen);

#endif
