// SPDX-License-Identifier: GPL-2.0
/*
 * rss.c - kmem:rss_stat records through libtraceevent (see rss.h), and the
 * rss_stat summary.
 *
 * Nothing here reads tracefs: the parser is fed format files and raw
 * ring-buffer pages, so the unit tests run it on formats captured from real
 * kernels and on pages read from a real trace_pipe_raw.
 */
#include "rss.h"
#include "tsv.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <event-parse.h>
#include <kbuffer.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* include/linux/mm_types_task.h, the same from 5.5 to 6.x */
static const char *const default_names[] = {
	"MM_FILEPAGES", "MM_ANONPAGES", "MM_SWAPENTS", "MM_SHMEMPAGES",
};

struct rss_parser {
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	struct tep_event *rss, *fork, *exec, *rename;
	struct tep_format_field *f_mm_id, *f_curr, *f_member, *f_size, *f_pid;
	struct tep_format_field *f_parent_pid, *f_child_pid, *f_exec_pid, *f_rename_pid;
	bool symbolic;
	char *names[RSS_MAX_TYPES];
};

struct rss_parser *rss_parser_new(void)
{
	struct rss_parser *p = xcalloc(1, sizeof(*p));

	p->tep = tep_alloc();
	p->kbuf = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
	if (!p->tep || !p->kbuf) {
		rss_parser_free(p);
		errno = ENOMEM;
		return NULL;
	}
	tep_set_long_size(p->tep, sizeof(long));
	tep_set_page_size(p->tep, (int)sysconf(_SC_PAGESIZE));
	return p;
}

void rss_parser_free(struct rss_parser *p)
{
	int i;

	if (!p)
		return;
	if (p->kbuf)
		kbuffer_free(p->kbuf);
	if (p->tep)
		tep_free(p->tep);
	for (i = 0; i < RSS_MAX_TYPES; i++)
		free(p->names[i]);
	free(p);
}

int rss_parser_add_format(struct rss_parser *p, const char *sys, const char *buf, size_t len,
			  char *err, size_t errlen)
{
	enum tep_errno e = tep_parse_event(p->tep, buf, len, sys);

	if (e) {
		char msg[128];

		tep_strerror(p->tep, e, msg, sizeof(msg));
		snprintf(err, errlen, "cannot parse a %s event format: %s", sys, msg);
		return -EINVAL;
	}
	return 0;
}

/* Walk the print args of @arg for __print_symbolic(REC->member, ...). */
static struct tep_print_arg *find_symbolic(struct tep_print_arg *arg)
{
	for (; arg; arg = arg->next) {
		if (arg->type == TEP_PRINT_SYMBOL) {
			struct tep_print_arg *f = arg->symbol.field;

			if (f && f->type == TEP_PRINT_FIELD && !strcmp(f->field.name, "member"))
				return arg;
		}
	}
	return NULL;
}

static struct tep_format_field *need_field(struct tep_event *ev, const char *name, int min_size,
					   char *err, size_t errlen)
{
	struct tep_format_field *f = tep_find_field(ev, name);

	if (!f)
		f = tep_find_common_field(ev, name);
	if (!f || f->size < min_size || f->size > 8)
		snprintf(err, errlen, "%s:%s has no usable '%s' field", ev->system, ev->name,
			 name);
	return f && f->size >= min_size && f->size <= 8 ? f : NULL;
}

int rss_parser_ready(struct rss_parser *p, char *err, size_t errlen)
{
	struct tep_print_arg *sym;
	int i;

	p->rss = tep_find_event_by_name(p->tep, "kmem", "rss_stat");
	if (!p->rss) {
		snprintf(err, errlen, "no kmem:rss_stat format was given");
		return -EINVAL;
	}
	if (!(p->f_mm_id = need_field(p->rss, "mm_id", 1, err, errlen)) ||
	    !(p->f_curr = need_field(p->rss, "curr", 1, err, errlen)) ||
	    !(p->f_member = need_field(p->rss, "member", 1, err, errlen)) ||
	    !(p->f_size = need_field(p->rss, "size", 4, err, errlen)) ||
	    !(p->f_pid = need_field(p->rss, "common_pid", 4, err, errlen)))
		return -EINVAL;
	sym = find_symbolic(p->rss->print_fmt.args);
	p->symbolic = sym != NULL;
	if (sym) {
		struct tep_print_flag_sym *s;

		for (s = sym->symbol.symbols; s; s = s->next) {
			char *end;
			long v = strtol(s->value, &end, 0);

			/* an enum the kernel did not turn into a number stays unnamed */
			if (*end || v < 0 || v >= RSS_MAX_TYPES || p->names[v])
				continue;
			p->names[v] = xstrdup(s->str);
		}
	}
	for (i = 0; i < (int)ARRAY_SIZE(default_names); i++)
		if (!p->names[i])
			p->names[i] = xstrdup(default_names[i]);

	/* optional: process tree and names */
	p->fork = tep_find_event_by_name(p->tep, "sched", "sched_process_fork");
	if (p->fork && (!(p->f_parent_pid = tep_find_field(p->fork, "parent_pid")) ||
			!(p->f_child_pid = tep_find_field(p->fork, "child_pid"))))
		p->fork = NULL;
	p->exec = tep_find_event_by_name(p->tep, "sched", "sched_process_exec");
	if (p->exec && !(p->f_exec_pid = tep_find_field(p->exec, "pid")))
		p->exec = NULL;
	p->rename = tep_find_event_by_name(p->tep, "task", "task_rename");
	if (p->rename && !(p->f_rename_pid = tep_find_field(p->rename, "pid")))
		p->rename = NULL;
	return 0;
}

bool rss_parser_symbolic(const struct rss_parser *p)
{
	return p->symbolic;
}

bool rss_parser_has(const struct rss_parser *p, enum rss_kind kind)
{
	switch (kind) {
	case RSS_EV_RSS:
		return p->rss != NULL;
	case RSS_EV_FORK:
		return p->fork != NULL;
	case RSS_EV_EXEC:
		return p->exec != NULL;
	case RSS_EV_RENAME:
		return p->rename != NULL;
	}
	return false;
}

const char *rss_member_name(const struct rss_parser *p, int member)
{
	static char buf[RSS_MAX_TYPES + 1][24];

	if (member >= 0 && member < RSS_MAX_TYPES && p->names[member])
		return p->names[member];
	if (member >= 0 && member < RSS_MAX_TYPES) {
		snprintf(buf[member], sizeof(buf[member]), "member-%d", member);
		return buf[member];
	}
	snprintf(buf[RSS_MAX_TYPES], sizeof(buf[0]), "member-%d", member);
	return buf[RSS_MAX_TYPES];
}

static bool in_record(const struct tep_format_field *f, size_t size)
{
	return (size_t)f->offset + (size_t)f->size <= size;
}

static long long num(const struct tep_format_field *f, const void *data)
{
	unsigned long long v = 0;

	tep_read_number_field((struct tep_format_field *)f, data, &v);
	if (f->flags & TEP_FIELD_IS_SIGNED) {
		switch (f->size) {
		case 1:
			return (int8_t)v;
		case 2:
			return (int16_t)v;
		case 4:
			return (int32_t)v;
		default:
			return (long long)v;
		}
	}
	return (long long)v;
}

/* Copy a char[] or __data_loc char[] field @name as a comm (basename if @base). */
static void get_comm(struct tep_event *ev, const char *name, const void *data, size_t size,
		     bool base, char *out)
{
	struct tep_record rec;
	int len = 0;
	const char *s, *slash;

	memset(&rec, 0, sizeof(rec));
	rec.data = (void *)data;
	rec.size = (int)size;
	out[0] = '\0';
	s = tep_get_field_raw(NULL, ev, name, &rec, &len, 0);
	if (!s || len <= 0 || (const char *)s + len > (const char *)data + size)
		return;
	len = (int)strnlen(s, (size_t)len);
	if (base && (slash = memrchr(s, '/', (size_t)len))) {
		len -= (int)(slash + 1 - s);
		s = slash + 1;
	}
	if (len > RSS_COMM_LEN - 1)
		len = RSS_COMM_LEN - 1;
	memcpy(out, s, (size_t)len);
	out[len] = '\0';
}

int rss_parse_record(const struct rss_parser *p, const void *data, size_t size,
		     struct rss_rec *out)
{
	struct tep_record rec;
	int type;

	if (size < 8)
		return -EINVAL;
	memset(&rec, 0, sizeof(rec));
	rec.data = (void *)data;
	rec.size = (int)size;
	type = tep_data_type(p->tep, &rec);
	memset(out, 0, sizeof(*out));
	out->pid = (int)num(p->f_pid, data);
	if (type == p->rss->id) {
		if (!in_record(p->f_size, size) || !in_record(p->f_member, size))
			return -EINVAL;
		out->kind = RSS_EV_RSS;
		out->mm_id = (uint32_t)num(p->f_mm_id, data);
		out->curr = num(p->f_curr, data) != 0;
		out->member = (int)num(p->f_member, data);
		out->size = num(p->f_size, data);
		return 1;
	}
	if (p->fork && type == p->fork->id) {
		if (!in_record(p->f_child_pid, size))
			return -EINVAL;
		out->kind = RSS_EV_FORK;
		out->pid = (int)num(p->f_parent_pid, data);
		out->child_pid = (int)num(p->f_child_pid, data);
		get_comm(p->fork, "child_comm", data, size, false, out->comm);
		return 1;
	}
	if (p->exec && type == p->exec->id) {
		if (!in_record(p->f_exec_pid, size))
			return -EINVAL;
		out->kind = RSS_EV_EXEC;
		out->pid = (int)num(p->f_exec_pid, data);
		get_comm(p->exec, "filename", data, size, true, out->comm);
		return 1;
	}
	if (p->rename && type == p->rename->id) {
		if (!in_record(p->f_rename_pid, size))
			return -EINVAL;
		out->kind = RSS_EV_RENAME;
		out->pid = (int)num(p->f_rename_pid, data);
		get_comm(p->rename, "newcomm", data, size, false, out->comm);
		return 1;
	}
	return 0;
}

int rss_parse_page(struct rss_parser *p, const void *page, size_t len, int cpu, rss_rec_fn fn,
		   void *ctx, uint64_t *missed)
{
	unsigned long long ts;
	struct rss_rec rec;
	void *data;
	int ret = 0, m;

	/* 8-byte timestamp + 8-byte commit (64-bit kernel) */
	if (len < 16)
		return -EINVAL;
	if (kbuffer_load_subbuffer(p->kbuf, (void *)page) < 0)
		return -EINVAL;
	if ((size_t)kbuffer_subbuffer_size(p->kbuf) + (size_t)kbuffer_start_of_data(p->kbuf) >
	    len)
		return -EINVAL;
	m = kbuffer_missed_events(p->kbuf);
	if (missed && m)
		*missed += m > 0 ? (uint64_t)m : 1;
	for (data = kbuffer_read_event(p->kbuf, &ts); data;
	     data = kbuffer_next_event(p->kbuf, &ts)) {
		int size = kbuffer_event_size(p->kbuf);
		int r = rss_parse_record(p, data, (size_t)size, &rec);

		if (r <= 0)
			continue;
		rec.ts = ts;
		rec.cpu = cpu;
		ret = fn(&rec, ctx);
		if (ret)
			break;
	}
	return ret;
}

struct rss_mm {
	int64_t size[RSS_MAX_TYPES];
};

struct rss_proc {
	int pid;
	uint32_t mm_id;
	char comm[RSS_COMM_LEN];
	uint64_t events[RSS_MAX_TYPES];
	int64_t peak[RSS_MAX_TYPES], last[RSS_MAX_TYPES];
	int64_t peak_rss;
};

struct rss_agg {
	struct u64map mm_map, proc_map;
	struct rss_mm *mms;
	size_t nmm;
	struct rss_proc *procs;
	size_t nproc;
	uint64_t events[RSS_MAX_TYPES], other_events, total_events;
	int64_t sum[RSS_MAX_TYPES], peak[RSS_MAX_TYPES];
	int64_t peak_rss;
};

struct rss_agg *rss_agg_new(void)
{
	return xcalloc(1, sizeof(struct rss_agg));
}

void rss_agg_free(struct rss_agg *a)
{
	if (!a)
		return;
	u64map_release(&a->mm_map);
	u64map_release(&a->proc_map);
	free(a->mms);
	free(a->procs);
	free(a);
}

uint64_t rss_agg_events(const struct rss_agg *a)
{
	return a->total_events;
}

/* RSS as the kernel's get_mm_rss() counts it: file + anon + shmem, not swap. */
static int64_t rss_of(const int64_t *v)
{
	return v[0] + v[1] + v[3];
}

void rss_agg_add(struct rss_agg *a, const struct rss_rec *r, const char *comm)
{
	struct rss_mm *mm;
	bool found;
	uint32_t *slot;
	int t = r->member;

	a->total_events++;
	if (t < 0 || t >= RSS_MAX_TYPES) {
		a->other_events++;
		return;
	}
	a->events[t]++;
	slot = u64map_slot(&a->mm_map, r->mm_id, &found);
	if (!found) {
		a->mms = xrealloc(a->mms, (a->nmm + 1) * sizeof(*a->mms));
		memset(&a->mms[a->nmm], 0, sizeof(*a->mms));
		*slot = (uint32_t)a->nmm++;
	}
	mm = &a->mms[*slot];
	a->sum[t] += r->size - mm->size[t];
	mm->size[t] = r->size;
	if (a->sum[t] > a->peak[t])
		a->peak[t] = a->sum[t];
	if (rss_of(a->sum) > a->peak_rss)
		a->peak_rss = rss_of(a->sum);
	if (r->curr) {
		struct rss_proc *pr;

		slot = u64map_slot(&a->proc_map, (uint64_t)(uint32_t)r->pid << 32 | r->mm_id, &found);
		if (!found) {
			a->procs = xrealloc(a->procs, (a->nproc + 1) * sizeof(*a->procs));
			pr = &a->procs[a->nproc];
			memset(pr, 0, sizeof(*pr));
			pr->pid = r->pid;
			pr->mm_id = r->mm_id;
			*slot = (uint32_t)a->nproc++;
		}
		pr = &a->procs[*slot];
		if (comm)
			snprintf(pr->comm, sizeof(pr->comm), "%s", comm);
		pr->events[t]++;
		pr->last[t] = r->size;
		if (r->size > pr->peak[t])
			pr->peak[t] = r->size;
		if (rss_of(pr->last) > pr->peak_rss)
			pr->peak_rss = rss_of(pr->last);
	}
}

static const char *const summary_cols[] = { "scope", "pid", "comm", "mm_id", "type", "events",
					    "peak_bytes", "final_bytes", NULL };

static void put_row(struct tsv_writer *w, const char *scope, const struct rss_proc *pr,
		    const char *type, uint64_t events, int64_t peak, int64_t final)
{
	tsv_put_str(w, scope);
	if (pr) {
		tsv_put_i64(w, pr->pid);
		tsv_put_str(w, pr->comm);
		tsv_put_u64(w, pr->mm_id);
	} else {
		tsv_put_str(w, "");
		tsv_put_str(w, "");
		tsv_put_str(w, "");
	}
	tsv_put_str(w, type);
	tsv_put_u64(w, events);
	tsv_put_i64(w, peak);
	tsv_put_i64(w, final);
	tsv_end_row(w);
}

int rss_agg_write(const struct rss_agg *a, const struct rss_parser *p, uint64_t lost,
		  const char *path)
{
	struct tsv_writer w;
	size_t i;
	int t, ret = tsv_writer_open(&w, path, summary_cols);

	if (ret)
		return ret;
	for (t = 0; t < RSS_MAX_TYPES; t++)
		if (a->events[t] || t < 4)
			put_row(&w, "type", NULL, rss_member_name(p, t), a->events[t], a->peak[t],
				a->sum[t]);
	put_row(&w, "total", NULL, "rss", a->total_events, a->peak_rss, rss_of(a->sum));
	put_row(&w, "lost", NULL, "", lost, 0, 0);
	for (i = 0; i < a->nproc; i++) {
		const struct rss_proc *pr = &a->procs[i];
		uint64_t ev = 0;

		for (t = 0; t < RSS_MAX_TYPES; t++) {
			ev += pr->events[t];
			if (pr->events[t])
				put_row(&w, "process", pr, rss_member_name(p, t), pr->events[t],
					pr->peak[t], pr->last[t]);
		}
		put_row(&w, "process", pr, "rss", ev, pr->peak_rss, rss_of(pr->last));
	}
	return tsv_writer_commit(&w);
}
