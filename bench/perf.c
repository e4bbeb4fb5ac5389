// SPDX-License-Identifier: GPL-2.0
/*
 * perf.c - the perf tool, as the perf monitor and "patchbench perfdiff"
 * need it. In-process counters are counters.h's (libperf, or raw
 * perf_event_open() when libperf was not built).
 */
#include "perf.h"
#include "counters.h"
#include "spawn.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *perf_find(void)
{
	const char *path = getenv("PATH");
	char **dirs;
	char *found = NULL;
	size_t i;

	if (!path || !*path) {
		errno = ENOENT;
		return NULL;
	}
	dirs = strv_split(path, ':');
	for (i = 0; dirs[i] && !found; i++) {
		char *p = xasprintf("%s/perf", *dirs[i] ? dirs[i] : ".");

		if (!access(p, X_OK) && !is_dir(p))
			found = p;
		else
			free(p);
	}
	strv_free(dirs);
	if (!found)
		errno = ENOENT;
	return found;
}

int perf_event_try(uint32_t type, uint64_t config)
{
	return counters_try(type, config);
}

int perf_pick_event(const char **event, char *err, size_t errlen)
{
	int ret = perf_event_try(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);

	if (!ret) {
		*event = "cycles";
		return 0;
	}
	ret = perf_event_try(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
	if (!ret) {
		*event = "cpu-clock";
		return 0;
	}
	if (ret == -EACCES || ret == -EPERM) {
		struct strbuf sb = STRBUF_INIT;

		read_file("/proc/sys/kernel/perf_event_paranoid", &sb);
		snprintf(err, errlen, "system-wide perf events are not permitted (%s; "
			 "perf_event_paranoid %s; needs root or CAP_PERFMON)", strerror(-ret),
			 sb.len ? strtok(sb.buf, "\n") : "unknown");
		sb_release(&sb);
	} else {
		snprintf(err, errlen, "cannot open a cpu-clock perf event: %s", strerror(-ret));
	}
	return ret;
}

int perf_capture(char *const argv[], struct strbuf *out, struct strbuf *errout, int *status)
{
	struct child c = CHILD_INIT;
	int ret;

	c.argv = argv;
	c.exe = argv[0];
	c.in = CHILD_NULL;
	c.out = c.err = CHILD_CAPTURE;
	c.out_sb = out;
	c.err_sb = errout;
	c.pdeathsig = SIGTERM;
	c.exec_err = "";
	ret = child_run(&c);
	*status = c.status;
	return ret < 0 ? ret : 0;
}

bool perf_has_zstd(const char *perf)
{
	char *argv[] = { (char *)perf, "version", "--build-options", NULL };
	struct strbuf out = STRBUF_INIT;
	bool yes = false;
	int status;

	if (!perf_capture(argv, &out, NULL, &status) && WIFEXITED(status) &&
	    !WEXITSTATUS(status) && out.buf) {
		const char *z = strstr(out.buf, "zstd:");

		yes = z && !strncmp(z + strcspn(z, "["), "[ on", 4);
	}
	sb_release(&out);
	return yes;
}

int perf_report_symbols(const char *perf, const char *data, struct perfsym_list *l, char *err,
			size_t errlen)
{
	char *argv[] = { (char *)perf, PERFSYM_REPORT_ARGS, "-t", "\t", "-i", (char *)data, NULL };
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT;
	char perr[256];
	int status = 0, ret;

	ret = perfsym_check_data(data, err, errlen);
	if (ret)
		return ret;
	ret = perf_capture(argv, &out, &errout, &status);
	if (ret) {
		snprintf(err, errlen, "cannot run '%s report': %s", perf, strerror(-ret));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "'%s report -i %s' failed (%s %d): %.200s", perf, data,
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			 errout.buf ? strtok(errout.buf, "\n") : "");
		ret = -EIO;
		goto out;
	}
	ret = perfsym_parse_report(out.buf ? out.buf : "", out.len, l, perr, sizeof(perr));
	if (ret) {
		snprintf(err, errlen, "'%s report -i %s': %s", perf, data, perr);
		goto out;
	}
	perfsym_sort(l);
out:
	sb_release(&out);
	sb_release(&errout);
	return ret;
}
