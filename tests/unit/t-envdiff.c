// SPDX-License-Identifier: GPL-2.0
/*
 * t-envdiff.c - unit tests for the environment of a run: meta.json "env"
 * (lib/resultdir.c: written, read back byte for byte, typed strictly, absent
 * in older runs), its capture's parsers (bench/envcap.c) and its differences
 * (analysis/envdiff.c: between and within sides, the refusing keys, and
 * compare's refusal and --force).
 *
 * Real data: tests/fixtures/env/host-{a,b}/meta.json are two host runs of
 * this machine ("patchbench run -w idle --idle 2 -d 3s"; tests/fixtures/env/
 * README), results/host-1 a run older than the env. The sides that must
 * differ are those metas with fields changed here, in memory or in copies
 * written to a private mkdtemp directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmp-format.h"
#include "compare.h"
#include "envcap.h"
#include "envdiff.h"
#include "report-compare.h"
#include "resultdir.h"
#include "strbuf.h"
#include "tap.h"
#include "util.h"

static char tmpdir[] = "/tmp/t-envdiff.XXXXXX";

/* A fixture that cannot be read: nothing after it means anything. */
static void __attribute__((noreturn, format(printf, 1, 2))) bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void load(struct meta *m, const char *rel)
{
	char err[512], *dir = xasprintf("%s/%s", FIXTURES, rel);

	if (meta_load(m, dir, err, sizeof(err)))
		bail("%s", err);
	free(dir);
}

static char *slurp(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = xasprintf("%s/%s", FIXTURES, rel);

	if (read_file(p, &sb))
		bail("cannot read %s", p);
	free(p);
	return sb_detach(&sb);
}

static void set_str(char **f, const char *v)
{
	free(*f);
	*f = v ? xstrdup(v) : NULL;
}

static const struct env_key_diff *find_key(const struct env_diff *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->keys[i].key, key))
			return &d->keys[i];
	return NULL;
}

/*
 * Method: read the real capture, check its fields against this machine's
 * files where they cannot have changed since (CPU count, NUMA, vm sysctls
 * present), and write it again. Pass: the same bytes; an older meta.json
 * (no env) also reads back as it was.
 */
static void test_roundtrip(void)
{
	static const char *const files[] = { "env/host-a/meta.json", "results/host-1/meta.json" };
	struct meta m;
	size_t i;

	load(&m, "env/host-a");
	tap_ok(m.env && m.env->cpus == 2 && m.env->numa_nodes == 1 && m.env->cpu_model &&
	       !strcmp(m.env->cpu_model, "AMD EPYC") && m.env->nvm > 10 && !m.env->qemu &&
	       !m.env->guest && !strcmp(m.env->governor, "none"),
	       "host-a env: 2 CPUs, 1 node, AMD EPYC, governor none, %zu vm sysctls, no qemu",
	       m.env ? m.env->nvm : 0);
	meta_release(&m);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char *text = slurp(files[i]), err[256];
		struct strbuf sb = STRBUF_INIT;
		int ret = meta_from_json(&m, text, strlen(text), err, sizeof(err));

		if (!ret)
			meta_to_json(&m, &sb);
		tap_ok(!ret && sb.len && !strcmp(sb.buf, text), "%s reads back byte for byte%s",
		       files[i], m.env ? "" : " (no env)");
		meta_release(&m);
		sb_release(&sb);
		free(text);
	}
}

/*
 * Method: meta.json text with one env field of the wrong type. Pass: each
 * is refused with the field's full name.
 */
static void test_strict(void)
{
	static const struct {
		const char *json, *want;
	} bad[] = {
		{ "{\"schema\":1,\"env\":[]}", "field 'env': expected an object" },
		{ "{\"schema\":1,\"env\":{\"cpus\":\"2\"}}", "field 'env.cpus'" },
		{ "{\"schema\":1,\"env\":{\"cpus\":-1}}", "field 'env.cpus': expected a non-negative" },
		{ "{\"schema\":1,\"env\":{\"cpu_model\":7}}", "field 'env.cpu_model'" },
		{ "{\"schema\":1,\"env\":{\"vm_sysctls\":{\"swappiness\":60}}}",
		  "field 'env.vm_sysctls.swappiness': expected a string" },
		{ "{\"schema\":1,\"env\":{\"guest\":{\"guest\":{}}}}", "field 'env.guest.guest'" },
		{ "{\"schema\":1,\"env\":{\"guest\":{\"numa_nodes\":1.5}}}",
		  "field 'env.guest.numa_nodes'" },
	};
	struct meta m;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = meta_from_json(&m, bad[i].json, strlen(bad[i].json), err, sizeof(err));

		tap_ok(ret == -EINVAL && strstr(err, bad[i].want), "refused: %s (%s)", bad[i].json,
		       ret ? err : "accepted");
		meta_release(&m);
	}
}

/* Method: the parsers on real files of this host. Pass: the values in them. */
static void test_parsers(void)
{
	char *cpuinfo = slurp("env/cpuinfo"), *defrag = slurp("env/thp-defrag");
	char *config = slurp("env/kernel-config-head");
	char *model = envcap_cpu_model(cpuinfo, strlen(cpuinfo));
	char *choice = envcap_choice(defrag, strlen(defrag));
	char *cc = envcap_config_cc(config, strlen(config));
	char *none1 = envcap_choice("always madvise", 14), *none2 = envcap_cpu_model("x: y\n", 5);

	tap_ok(model && !strcmp(model, "AMD EPYC"), "cpuinfo: model name '%s'", model);
	tap_ok(choice && !strcmp(choice, "madvise"), "thp defrag: [%s]", choice);
	tap_ok(cc && !strcmp(cc, "gcc (Debian 12.2.0-14+deb12u1) 12.2.0"), "kernel cc '%s'", cc);
	tap_ok(!none1 && !none2, "no brackets, no model name: nothing");
	free(cpuinfo);
	free(defrag);
	free(config);
	free(model);
	free(choice);
	free(cc);
	free(none1);
	free(none2);
}

/*
 * Method: the env difference of metas made from the two real captures.
 * Pass: identical machines list nothing; a sysctl, a host name within a
 * side, and each refusing key are listed with the right flags; a run
 * older than the env lists nothing and refuses nothing.
 */
static void test_diff(void)
{
	static const char *const refusing[] = { "cpu_model", "qemu", "cpufreq_governor" };
	struct meta a[2], b[2], old;
	struct env_diff d = { 0 };
	const struct env_key_diff *k;
	char *line;
	size_t i;

	load(&a[0], "env/host-a");
	load(&a[1], "env/host-b");
	load(&b[0], "env/host-b");
	load(&b[1], "env/host-a");
	load(&old, "results/host-1");
	envdiff_compute(&d, a, 2, b, 2);
	tap_ok(d.n == 0 && !envdiff_refused(&d), "two runs of this host a side: nothing (%zu)",
	       d.n);

	set_str(&b[1].env->vm[0].value, "1");	/* the first sysctl, admin_reserve_kbytes */
	envdiff_compute(&d, a, 2, b, 2);
	k = d.n == 1 ? &d.keys[0] : NULL;
	line = k ? envdiff_line(k) : NULL;
	tap_ok(k && !strcmp(k->key, "vm.admin_reserve_kbytes") && k->between && !k->refuses &&
	       k->na == 1 && k->nb == 2 && !envdiff_refused(&d),
	       "a sysctl of one B run: listed between the sides, not refused (%s)", line);
	free(line);
	set_str(&b[1].env->vm[0].value, a[0].env->vm[0].value);

	set_str(&a[1].env->host, "node2");
	set_str(&b[1].env->host, "node2");
	envdiff_compute(&d, a, 2, b, 2);
	k = find_key(&d, "host");
	line = k ? envdiff_line(k) : NULL;
	tap_ok(d.n == 1 && k && !k->between && !k->refuses && k->na == 2 && k->nb == 2 && line &&
	       strstr(line, "within a side"), "hosts vm, node2 on both sides: within (%s)", line);
	free(line);
	set_str(&b[1].env->host, "vm");
	envdiff_compute(&d, a, 2, b, 2);
	k = find_key(&d, "host");
	tap_ok(k && k->between && k->na == 2 && k->nb == 1 && !envdiff_refused(&d),
	       "hosts vm, node2 vs vm: between, not refused");
	set_str(&a[1].env->host, "vm");

	for (i = 0; i < ARRAY_SIZE(refusing); i++) {
		char **f = !strcmp(refusing[i], "cpu_model") ? &b[0].env->cpu_model :
			   !strcmp(refusing[i], "qemu") ? &b[0].env->qemu : &b[0].env->governor;
		char *keep = *f ? xstrdup(*f) : NULL, *why;

		set_str(f, "other");
		if (!strcmp(refusing[i], "qemu")) {	/* recorded on both sides */
			for (size_t r = 0; r < 2; r++) {
				set_str(&a[r].env->qemu, "QEMU emulator version 7.2.15");
				set_str(&b[1 - r].env->qemu, "QEMU emulator version 7.2.15");
			}
			set_str(f, "other");
		}
		envdiff_compute(&d, a, 2, b, 2);
		k = envdiff_refused(&d);
		why = envdiff_refusal(&d);
		tap_ok(k && !strcmp(k->key, refusing[i]) && k->between && why &&
		       strstr(why, refusing[i]) && strstr(why, "'other'") && strstr(why, "(A) vs"),
		       "%s differs: refused (%s)", refusing[i], why);
		free(why);
		set_str(f, keep);
		free(keep);
	}
	/* qemu on one side only: nothing to compare it with, so no refusal */
	for (i = 0; i < 2; i++) {
		set_str(&a[i].env->qemu, NULL);
		set_str(&b[i].env->qemu, i ? NULL : "QEMU emulator version 7.2.15");
	}
	envdiff_compute(&d, a, 2, b, 2);
	k = find_key(&d, "qemu");
	tap_ok(k && !k->refuses && !envdiff_refused(&d), "qemu recorded on side B only: not refused");
	set_str(&b[0].env->qemu, NULL);

	/* a run older than the env: left out */
	set_str(&b[0].env->cpu_model, "other");
	envdiff_compute(&d, &old, 1, b, 1);
	tap_ok(d.n == 0, "an older run (no env) vs one with: nothing listed (%zu)", d.n);
	envdiff_compute(&d, &old, 1, b, 2);
	k = find_key(&d, "cpu_model");
	tap_ok(d.n == 1 && k && !k->between && !k->refuses && k->na == 0 && k->nb == 2,
	       "older run vs two CPU models on B: within B only, no refusal");
	envdiff_release(&d);
	for (i = 0; i < 2; i++) {
		meta_release(&a[i]);
		meta_release(&b[i]);
	}
	meta_release(&old);
}

/* Write the host-b meta, with the CPU model @model, as <tmpdir>/@name. */
static char *mk_run(const char *name, const char *src, const char *model)
{
	char *dir = xasprintf("%s/%s", tmpdir, name);
	struct meta m;

	load(&m, src);
	if (model)
		set_str(&m.env->cpu_model, model);
	if (mkdir_p(dir, 0755) || meta_write(&m, dir))
		bail("cannot write %s", dir);
	meta_release(&m);
	return dir;
}

/*
 * Method: compare_dirs() of the real captures, and of one with the CPU
 * model changed, without and with --force; the reports of the forced one.
 * Pass: the same machine compares with no env section; the other CPU model
 * is refused with one error naming the key and both values; --force
 * compares, and the text, md and json say so and list the key; the JSON
 * reads back to the same bytes.
 */
static void test_compare(void)
{
	char *a = mk_run("a", "env/host-a", NULL), *b = mk_run("b", "env/host-b", NULL);
	char *x = mk_run("x", "env/host-b", "Intel(R) Xeon(R) Gold 6140 CPU @ 2.30GHz");
	struct compare_opts o = { 0 };
	struct comparison c, r;
	struct strbuf js = STRBUF_INIT, js2 = STRBUF_INIT;
	char err[1024] = "", *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	ret = compare_dirs(&c, a, b, &o, err, sizeof(err));
	tap_ok(ret == 0 && c.env.n == 0, "same machine: compared, no env differences (%s)", err);
	comparison_release(&c);

	ret = compare_dirs(&c, a, x, &o, err, sizeof(err));
	tap_ok(ret == -EINVAL && c.ndiffs == 0 && !strchr(err, '\n') &&
	       !strcmp(err, "the sides ran on different machines: cpu_model 'AMD EPYC' (A) vs "
		       "'Intel(R) Xeon(R) Gold 6140 CPU @ 2.30GHz' (B) (--force compares anyway)"),
	       "other CPU model: refused in one line (%s)", err);
	comparison_release(&c);

	o.force = true;
	err[0] = '\0';
	ret = compare_dirs(&c, a, x, &o, err, sizeof(err));
	tap_ok(ret == 0 && c.env.n == 1 && c.env.keys[0].refuses, "--force: compared (%s)", err);
	f = open_memstream(&text, &len);
	compare_print_text(&c, f);
	fclose(f);
	tap_ok(text && strstr(text, "\nWarning (--force): the sides ran on different machines: "
			      "cpu_model") && strstr(text, "\nEnvironment differs:\n  - cpu_model: "),
	       "text: the warning line and the list");
	free(text);
	f = open_memstream(&text, &len);
	compare_print_md(&c, f);
	fclose(f);
	tap_ok(text && strstr(text, "**Warning (--force):**") &&
	       strstr(text, "**Environment differs:**"), "md: the warning and the list");
	free(text);
	compare_to_json(&c, &js);
	ret = compare_from_json(&r, js.buf, js.len, err, sizeof(err));
	if (!ret)
		compare_to_json(&r, &js2);
	tap_ok(strstr(js.buf, "\"env\": {\n    \"cpu_model\": {\n      \"A\": [\n        \"AMD EPYC\"") &&
	       !ret && js2.len == js.len && !strcmp(js.buf, js2.buf) && r.env.n == 1,
	       "json: env object with the key and both sides' values, reads back the same");
	comparison_release(&r);
	comparison_release(&c);
	sb_release(&js);
	sb_release(&js2);
	free(a);
	free(b);
	free(x);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		bail("mkdtemp: %s", strerror(errno));
	tap_plan(30);
	test_roundtrip();
	test_strict();
	test_parsers();
	test_diff();
	test_compare();
	remove_tree(tmpdir);
	return tap_done();
}
