// SPDX-License-Identifier: GPL-2.0
/*
 * t-perfsym.c - unit tests for analysis/perfsym.c and analysis/perfdiff.c:
 * symbol normalisation on a table of real clone names, the perf report
 * parser on two reports captured on this project's host, perfdiff's numbers
 * against "perf diff" of the same two perf.data files (tests/fixtures/perf,
 * capture commands in tests/fixtures/README), the repeat statistics on
 * hand-made profiles, and the perf.data header check on synthetic files.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "insn.h"
#include "perfdiff.h"
#include "perfsym.h"
#include "tap.h"
#include "util.h"

static const char *const norm_cases[][2] = {
	{ "finish_task_switch.isra.0", "finish_task_switch" },
	{ "init_cpu_features.constprop.0", "init_cpu_features" },
	{ "__memcg_slab_post_alloc_hook.part.0", "__memcg_slab_post_alloc_hook" },
	{ "copy_process.cold", "copy_process" },
	{ "do_exit.cold.12", "do_exit" },
	{ "mem_cgroup_css_rstat_flush.isra.0.cold", "mem_cgroup_css_rstat_flush" },
	{ "free_pages.constprop.0.isra.0", "free_pages" },
	{ "memcpy.llvm.4242424", "memcpy" },
	{ "tcp_v4_rcv.localalias", "tcp_v4_rcv" },
	{ "foo(int) [clone .isra.0] [clone .cold]", "foo(int)" },
	{ "__mod_memcg_lruvec_state", "__mod_memcg_lruvec_state" },
	{ "0x0000000000276d5b", "0x0000000000276d5b" },
	{ "vmlinux.part", "vmlinux" },
	{ "ext4.2", "ext4.2" },		/* a bare number is not a clone */
	{ ".isra.0", ".isra.0" },	/* nothing left: keep it */
};

static void test_normalize(void)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(norm_cases); i++) {
		char *n = perfsym_normalize(norm_cases[i][0]);

		if (strcmp(n, norm_cases[i][1])) {
			tap_diag("'%s' -> '%s', expected '%s'", norm_cases[i][0], n,
				 norm_cases[i][1]);
			bad++;
		}
		free(n);
	}
	tap_ok(!bad, "normalisation of %zu clone names (%d wrong)", ARRAY_SIZE(norm_cases), bad);
}

static int load_report(const char *rel, struct perfsym_list *l)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/%s", FIXTURES, rel);
	char err[256];
	int ret = read_file(path, &sb);

	perfsym_list_init(l);
	if (!ret) {
		ret = perfsym_parse_report(sb.buf, sb.len, l, err, sizeof(err));
		if (ret)
			tap_diag("%s: %s", path, err);
	} else {
		tap_diag("cannot read '%s'", path);
	}
	sb_release(&sb);
	free(path);
	return ret;
}

static const struct perfsym *find(const struct perfsym_list *l, const char *sym)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].symbol, sym))
			return &l->v[i];
	return NULL;
}

/* The printed overhead (2 decimals) of every row against the one computed from periods. */
static int printed_vs_period(const char *rel, const struct perfsym_list *l)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/%s", FIXTURES, rel), *line, *save = NULL;
	size_t i = 0;
	int bad = 0;

	read_file(path, &sb);
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (i < l->n && fabs(strtod(line, NULL) - l->v[i].overhead_pct) > 0.0051)
			bad++;
		i++;
	}
	sb_release(&sb);
	free(path);
	return i == l->n ? bad : -1;
}

static void test_parse(struct perfsym_list *a, struct perfsym_list *b)
{
	const struct perfsym *s;
	struct perfsym_list bad;
	char err[256];
	int ret;

	ret = load_report("perf/report-a.txt", a);
	tap_ok(!ret && a->n == 141, "report-a.txt: %zu rows (141 in the file)", a->n);
	ret = load_report("perf/report-b.txt", b);
	tap_ok(!ret && b->n == 188, "report-b.txt: %zu rows (188 in the file)", b->n);
	tap_ok(a->event && !strcmp(a->event, "cpu-clock"), "event from the header: %s",
	       a->event ? a->event : "(none)");
	s = find(a, "finish_task_switch.isra.0");
	tap_ok(s && s->kind == 'k' && !strcmp(s->dso, "[kernel.kallsyms]") &&
	       !strcmp(s->norm, "finish_task_switch") && s->samples == 94 &&
	       s->period == 94094094 && fabs(s->overhead_pct - 1.46) < 0.005,
	       "[k] finish_task_switch.isra.0: dso, norm, 94 samples, 1.46%%");
	s = find(a, "unlink_chunk.constprop.0");
	tap_ok(s && s->kind == 'u' && !strcmp(s->dso, "libc.so.6"),
	       "[.] unlink_chunk.constprop.0 is user space in libc.so.6");
	ret = printed_vs_period("perf/report-a.txt", a);
	tap_ok(ret == 0, "overhead from periods matches perf's 2-decimal print on every row "
	       "(%d off)", ret);

	perfsym_list_init(&bad);
	ret = perfsym_parse_report(" 1.00%\tfoo\t[k] bar\n", 18, &bad, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "header"), "a row before any header: %s", err);
	perfsym_list_release(&bad);
	ret = perfsym_parse_report("# Overhead\tShared Object\tSymbol\n abc\tx\t[k] y\n", 47,
				   &bad, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "line 2"), "a bad overhead names its line: %s", err);
	perfsym_list_release(&bad);
}

static void test_tsv_roundtrip(const struct perfsym_list *a)
{
	char dir[] = "/tmp/t-perfsym.XXXXXX";
	struct perfsym_list back;
	char err[256], *p;
	size_t i;
	int bad = 0;

	perfsym_list_init(&back);
	if (!mkdtemp(dir)) {
		tap_ok(0, "mkdtemp");
		return;
	}
	p = xasprintf("%s/perf-symbols.tsv", dir);
	if (perfsym_write_tsv(a, p) || perfsym_load_tsv(&back, p, err, sizeof(err)))
		bad = -1;
	for (i = 0; !bad && i < a->n; i++)
		if (back.v[i].kind != a->v[i].kind || strcmp(back.v[i].symbol, a->v[i].symbol) ||
		    strcmp(back.v[i].dso, a->v[i].dso) ||
		    fabs(back.v[i].overhead_pct - a->v[i].overhead_pct) > 1e-6)
			bad++;
	tap_ok(!bad && back.n == a->n, "perf-symbols.tsv round trip (%zu rows)", back.n);
	perfsym_list_release(&back);
	unlink(p);
	free(p);
	rmdir(dir);
}

static const struct perfdiff_row *row_of(const struct perfdiff *d, char kind, const char *dso,
					 const char *sym)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->rows[i].kind == kind && !strcmp(d->rows[i].dso, dso) &&
		    !strcmp(d->rows[i].symbol, sym))
			return &d->rows[i];
	return NULL;
}

/*
 * perf diff of the same perf.data pair: for every symbol present in both
 * reports (the reports were cut at 0.1%, so a symbol below that on one side
 * is 0 for us and not for perf diff), our baseline and delta must equal
 * perf diff's within its rounding (0.01).
 */
static void test_vs_perf_diff(const struct perfsym_list *a, const struct perfsym_list *b)
{
	struct perfdiff d;
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/perf/diff-a-b.txt", FIXTURES), *line, *save = NULL;
	int compared = 0, bad = 0;

	perfdiff_compute(a, 1, b, 1, false, &d);
	read_file(path, &sb);
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *p = line, kind;
		const struct perfdiff_row *r;
		int n = 0;

		if (line[0] == '#')
			continue;
		while (n < 4 && p) {
			char *tab = strchr(p, '\t'), *e;

			f[n++] = p;
			if (tab)
				*tab = '\0';
			for (e = f[n - 1] + strlen(f[n - 1]); e > f[n - 1] && e[-1] == ' '; e--)
				e[-1] = '\0';
			p = tab ? tab + 1 : NULL;
		}
		if (n < 4 || !*f[0] || !*f[1] || strlen(f[3]) < 5)
			continue;
		kind = f[3][1] == 'k' ? 'k' : 'u';
		r = row_of(&d, kind, f[2], f[3] + 4);
		if (!r || r->in_a != 1 || r->in_b != 1)
			continue;
		compared++;
		if (fabs(r->base - strtod(f[0], NULL)) > 0.0051 ||
		    fabs(r->delta - strtod(f[1], NULL)) > 0.0101) {
			tap_diag("%s: ours %.4f %+.4f, perf diff %s %s", f[3], r->base, r->delta,
				 f[0], f[1]);
			bad++;
		}
	}
	tap_ok(compared >= 50 && !bad, "baseline and delta equal perf diff's on %d symbols "
	       "(%d differ)", compared, bad);
	tap_ok(d.n && fabs(d.rows[0].delta) >= fabs(d.rows[d.n - 1].delta),
	       "rows sorted by |delta|, largest first (%.2f%% .. %.2f%%)", d.rows[0].delta,
	       d.n ? d.rows[d.n - 1].delta : 0);
	perfdiff_release(&d);
	perfdiff_compute(a, 1, b, 1, true, &d);
	{
		size_t i;
		int user = 0;

		for (i = 0; i < d.n; i++)
			user += d.rows[i].kind != 'k';
		tap_ok(d.n > 0 && !user, "--kernel-only keeps %zu kernel symbols only", d.n);
	}
	perfdiff_release(&d);
	sb_release(&sb);
	free(path);
}

static void add(struct perfsym_list *l, char kind, const char *sym, double pct)
{
	perfsym_add(l, kind, "[kernel.kallsyms]", sym)->overhead_pct = pct;
}

/*
 * Repeats, worked out by hand:
 *   foo: A runs 1.0, 3.0 -> base 2.0, sd 1.414; B runs 2.0, 2.0 -> delta 0, sd 0
 *   bar: only B run 1, as two clones 0.5 + 0.25 -> B runs 0.75, 0 -> base 0,
 *        delta 0.375, sd_b = sqrt(((0.375)^2 * 2) / 1) = 0.530
 */
static void test_repeats(void)
{
	struct perfsym_list a[2], b[2];
	struct perfdiff d;
	const struct perfdiff_row *foo, *bar;
	int i;

	for (i = 0; i < 2; i++) {
		perfsym_list_init(&a[i]);
		perfsym_list_init(&b[i]);
	}
	add(&a[0], 'k', "foo", 1.0);
	add(&a[1], 'k', "foo.isra.0", 3.0);
	add(&b[0], 'k', "foo", 2.0);
	add(&b[1], 'k', "foo", 2.0);
	add(&b[0], 'k', "bar.isra.0", 0.5);
	add(&b[0], 'k', "bar.constprop.1", 0.25);
	perfdiff_compute(a, 2, b, 2, true, &d);
	foo = row_of(&d, 'k', "[kernel.kallsyms]", "foo");
	bar = row_of(&d, 'k', "[kernel.kallsyms]", "bar");
	tap_ok(d.n == 2 && foo && fabs(foo->base - 2.0) < 1e-9 && fabs(foo->delta) < 1e-9 &&
	       fabs(foo->sd_a - sqrt(2.0)) < 1e-9 && foo->sd_b == 0 && foo->in_a == 2,
	       "repeats: foo base 2.00 ±1.41, delta 0 (clone in one run matched)");
	tap_ok(bar && bar->base == 0 && fabs(bar->delta - 0.375) < 1e-9 &&
	       fabs(bar->sd_b - sqrt(2 * 0.375 * 0.375)) < 1e-9 && bar->in_b == 1 &&
	       bar->in_a == 0, "repeats: one-sided bar: base 0.00, clones summed, delta 0.375");
	tap_ok(d.rows[0].symbol == bar->symbol, "bar (|delta| 0.375) sorts before foo (0)");
	perfdiff_release(&d);
	for (i = 0; i < 2; i++) {
		perfsym_list_release(&a[i]);
		perfsym_list_release(&b[i]);
	}
}

/* A perf.data header: magic, size 104, attr_size, attrs, data, event_types, features. */
static void write_header(const char *path, uint64_t data_off, uint64_t data_size,
			 size_t file_size, int nfeat)
{
	unsigned char *buf = xcalloc(1, file_size < 104 ? 104 : file_size);
	uint64_t v[9] = { 0x32454c4946524550ULL, 104, 136, 104, 0, data_off, data_size, 0, 0 };
	FILE *f = fopen(path, "w");
	int i;

	memcpy(buf, v, sizeof(v));
	for (i = 0; i < nfeat; i++)
		buf[72] |= (unsigned char)(1 << i);
	/* feature sections: each { offset, size } pointing at the file's start */
	for (i = 0; i < nfeat && data_off + data_size + 16 * (size_t)(i + 1) <= file_size; i++) {
		uint64_t sec[2] = { 0, 8 };

		memcpy(buf + data_off + data_size + 16 * (size_t)i, sec, sizeof(sec));
	}
	fwrite(buf, 1, file_size, f);
	fclose(f);
	free(buf);
}

static void test_check_data(void)
{
	char path[] = "/tmp/t-perfsym-data.XXXXXX";
	char err[512];
	int fd = mkstemp(path), ret;

	if (fd < 0) {
		tap_ok(0, "mkstemp");
		return;
	}
	close(fd);
	write_header(path, 240, 1000, 240 + 1000 + 2 * 16, 2);
	ret = perfsym_check_data(path, err, sizeof(err));
	tap_ok(ret == 0, "a whole perf.data passes (%s)", ret ? err : "ok");
	truncate(path, 800);
	ret = perfsym_check_data(path, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, path) && strstr(err, "truncated"),
	       "a truncated one is refused, naming the file: %s", err);
	write_header(path, 240, 1000, 240 + 1000 + 16, 2);
	ret = perfsym_check_data(path, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "feature"), "a cut feature table: %s", err);
	write_header(path, 240, 0, 4096, 0);
	ret = perfsym_check_data(path, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "unfinished"), "perf record killed: %s", err);
	write_header(path, 240, 1000, 20, 0);
	ret = perfsym_check_data(path, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "header"), "shorter than the header: %s", err);
	unlink(path);
	ret = perfsym_check_data(path, err, sizeof(err));
	tap_ok(ret == -ENOENT && strstr(err, path), "missing: %s", err);
}

/*
 * perfdiff --event insn on fixture runs vm-insn-vanilla-1 and -2 (two vm
 * runs of one kernel with the TCG plugin's counts). Numbers from their
 * insn-symbols.tsv.
 * Pass: the runs have complete counts and a host run has none (its error
 * names it); insn-symbols.tsv loads as kernel symbols with the share as
 * overhead and the count as period; the perfdiff row of clear_page_erms
 * has both sides' counts; the text table says where the numbers come from
 * and, once, that instructions are not cycles, within 72 columns.
 */
static void test_insn(void)
{
	const char *d1 = FIXTURES "/results/vm-insn-vanilla-1";
	const char *d2 = FIXTURES "/results/vm-insn-vanilla-2";
	const char *host = FIXTURES "/results/perf-1";
	struct perfsym_list a, b;
	const struct perfdiff_row *r;
	struct perfdiff d;
	char err[512] = "", *dirs[1] = { NULL }, *buf = NULL, *p;
	struct perfdiff_side sa = { "A", dirs, 1, "guest instructions (TCG plugin)", "6.1.192",
				    true, false };
	size_t len = 0, notes = 0, wide = 0;
	FILE *f;
	int ret;

	tap_ok(!insn_run_check(d1, err, sizeof(err)) && !insn_run_check(d2, err, sizeof(err)) &&
	       insn_run_check(host, err, sizeof(err)) == -EINVAL && strstr(err, host) &&
	       strstr(err, "no instruction counts"), "complete counts on the vm runs; the host "
	       "run has none: %s", err);
	perfsym_list_init(&a);
	perfsym_list_init(&b);
	ret = insn_symbols_load(&a, d1, err, sizeof(err));
	if (!ret)
		ret = insn_symbols_load(&b, d2, err, sizeof(err));
	tap_ok(!ret && a.n == 1520 && a.v[0].kind == 'k' &&
	       !strcmp(a.v[0].symbol, "clear_page_erms") &&
	       a.v[0].period == 74685600 && fabs(a.v[0].overhead_pct - 15.7651) < 1e-9,
	       "insn-symbols.tsv: 1520 kernel symbols, clear_page_erms 74685600 = 15.7651%% (%s)",
	       ret ? err : "ok");
	perfdiff_compute(&a, 1, &b, 1, true, &d);
	r = row_of(&d, 'k', "[kernel.kallsyms]", "clear_page_erms");
	tap_ok(r && r->base_n == 74685600 && r->new_n == 74558500 &&
	       fabs(r->delta - (15.9074 - 15.7651)) < 1e-9,
	       "clear_page_erms: 74685600 -> 74558500 instructions, +0.1423 points");
	f = open_memstream(&buf, &len);
	perfdiff_print(&d, &sa, &sa, 10, true, FMT_TEXT, f);
	fclose(f);
	for (p = buf; p && (p = strstr(p, "instructions are not cycles")); p++)
		notes++;
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
		wide += strlen(p) > 72 + 2;	/* "±σ" is 2 columns, 4 bytes */
	tap_ok(buf && !strncmp(buf, "perfdiff: guest instructions (TCG plugin)", 41) &&
	       notes == 1 && !wide,
	       "text: guest instructions (TCG plugin), the note once (%zu), 72 columns (%zu wider)",
	       notes, wide);
	free(buf);
	perfdiff_release(&d);
	perfsym_list_release(&a);
	perfsym_list_release(&b);
}

int main(void)
{
	struct perfsym_list a, b;

	tap_plan(26);
	test_normalize();
	test_parse(&a, &b);
	test_tsv_roundtrip(&a);
	test_vs_perf_diff(&a, &b);
	test_repeats();
	test_check_data();
	test_insn();
	perfsym_list_release(&a);
	perfsym_list_release(&b);
	return tap_done();
}
