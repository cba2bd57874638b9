// SPDX-License-Identifier: GPL-2.0
/*
 * `mmlab top`: a live view in the manner of slabtop: each zone's free pages by
 * order as bars, per-CPU list fill, watermarks, the busiest slab caches,
 * vmalloc use, and rates per second from mmlab's counters. Keys: s sort,
 * p pause, q quit. Not on a terminal it prints plain text every -d seconds.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmlab.h"

/* Counters summed over the zones whose rates are shown. */
static const char *const rate_names[] = {
	"alloc", "free", "split", "merge", "zone_fallback", "mt_fallback", "pcp_refill",
	"pcp_drain",
};

#define NR_RATES	ARRAY_SIZE(rate_names)

enum slab_sort { SORT_PAGES, SORT_OBJS, SORT_NAME, NR_SORTS };
static const char *const sort_names[] = { "pages", "active objects", "name" };

struct sample {
	struct mm_zoneinfo zi;
	struct mm_zone_rows bi;
	struct mm_slabinfo slab;
	struct mm_vmap_areas va;
	bool have_slab, have_va;
	double when;
	unsigned long sum[NR_RATES];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sample(struct sample *s)
{
	char *t;
	int z;
	size_t k;

	memset(s, 0, sizeof(*s));
	s->when = now();
	t = mm_need("zoneinfo");
	if (!t)
		return 1;
	if (mm_parse_zoneinfo(t, &s->zi)) {
		free(t);
		return mm_bad("zoneinfo");
	}
	free(t);
	t = mm_need("buddyinfo");
	if (!t)
		return 1;
	if (mm_parse_zone_rows(t, &s->bi, false)) {
		free(t);
		return mm_bad("buddyinfo");
	}
	free(t);
	t = mm_read("slabinfo");
	if (t)
		s->have_slab = !mm_parse_slabinfo(t, &s->slab);
	free(t);
	t = mm_read("vmap_areas");
	if (t)
		s->have_va = !mm_parse_vmap_areas(t, &s->va);
	free(t);
	for (z = 0; z < s->zi.nr; z++)
		for (k = 0; k < NR_RATES; k++) {
			long v = mm_zone_stat(&s->zi.z[z], rate_names[k]);

			if (v > 0)
				s->sum[k] += v;
		}
	return 0;
}

static enum slab_sort sort_by;

static int slab_cmp(const void *a, const void *b)
{
	const struct mm_slab *x = a, *y = b;
	unsigned long px = x->num_slabs * x->pagesperslab, py = y->num_slabs * y->pagesperslab;

	switch (sort_by) {
	case SORT_OBJS:
		if (x->active_objs != y->active_objs)
			return x->active_objs < y->active_objs ? 1 : -1;
		break;
	case SORT_PAGES:
		if (px != py)
			return px < py ? 1 : -1;
		break;
	default:
		break;
	}
	return strcmp(x->name, y->name);
}

/* Rates per second of the counters, from the last two samples. */
static double rates[NR_RATES];
static bool have_rates;

static void compute_rates(const struct sample *s, const struct sample *prev)
{
	double dt = s->when - prev->when;
	size_t k;

	if (dt <= 0)
		return;
	for (k = 0; k < NR_RATES; k++)
		rates[k] = (s->sum[k] - prev->sum[k]) / dt;
	have_rates = true;
}

static void show(const struct mm_term *t, const struct sample *s, const struct mm_opts *o,
		 bool paused)
{
	const int zw = 22;	/* a zone's column */
	int z, ord, c, line = 0, max_lines = t->raw ? t->rows - 1 : 1 << 30;
	bool compact = t->raw && t->rows < 40;
	char clock[16];
	time_t tt = time(NULL);
	size_t k;

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&tt));
	if (t->raw)
		fputs("\033[H\033[2J", stdout);
	term_colour(stdout, t, "1");
	printf("mmlab top - %s, every %.1fs%s", clock, o->delay, paused ? "  [PAUSED]" : "");
	term_reset(stdout, t);
	if (t->raw)
		printf("   keys: s sort (%s)  p pause  q quit", sort_names[sort_by]);
	printf("\n");
	line++;

	/* alloc free split merge, zone and migrate-type fallbacks as one */
	printf("rates/s:");
	for (k = 0; k < NR_RATES; k++) {
		const char *name = k == 4 ? "fallback" : k == 6 ? "refill" : k == 7 ?
				   "drain" : rate_names[k];
		double r = k == 4 ? rates[4] + rates[5] : rates[k];

		if (k == 5)
			continue;
		if (have_rates)
			printf(" %s %.1f", name, r);
		else
			printf(" %s -", name);
	}
	printf("\n%s", compact ? "" : "\n");
	line += compact ? 1 : 2;

	/* Zones side by side: a header, watermarks, then one bar row per order. */
	printf("%-6s", "");
	for (z = 0; z < s->bi.nr; z++)
		printf("| %-*s", zw, s->bi.z[z].zone);
	printf("\n%-6s", "free");
	for (z = 0; z < s->bi.nr; z++) {
		const struct mm_zone *zi = mm_zone_find(&s->zi, s->bi.z[z].zone);
		char buf[48];

		snprintf(buf, sizeof(buf), "%lu/%lu", zi ? zi->free : 0, zi ? zi->managed : 0);
		printf("| %-*s", zw, buf);
	}
	printf("\n%-6s", "wmark");
	for (z = 0; z < s->bi.nr; z++) {
		const struct mm_zone *zi = mm_zone_find(&s->zi, s->bi.z[z].zone);
		char buf[48];

		snprintf(buf, sizeof(buf), "%lu/%lu/%lu%s", zi ? zi->min : 0, zi ? zi->low : 0,
			 zi ? zi->high : 0, zi && zi->free < zi->low ? " LOW" : "");
		printf("| %-*s", zw, buf);
	}
	printf("\n");
	line += 3;
	for (ord = 0; ord < s->bi.nr_orders; ord++) {
		printf("o%-5d", ord);
		for (z = 0; z < s->bi.nr; z++) {
			const struct mm_zone *zi = mm_zone_find(&s->zi, s->bi.z[z].zone);
			long n = s->bi.z[z].v[ord];
			double frac = zi && zi->managed ? (double)(n << ord) / zi->managed : 0;

			printf("| ");
			term_bar(stdout, t, frac, zw - 7, ord < 3 ? "33" : ord < 7 ? "32" : "36");
			printf(" %5ld ", n);
		}
		printf("\n");
		line++;
	}
	/* Per-CPU lists: all CPUs' pages against their high marks. */
	printf("%-6s", "pcp");
	for (z = 0; z < s->bi.nr; z++) {
		const struct mm_zone *zi = mm_zone_find(&s->zi, s->bi.z[z].zone);
		long count = 0, high = 0;

		for (c = 0; zi && c < zi->nr_pcp; c++) {
			count += zi->pcp[c].count;
			high += zi->pcp[c].high;
		}
		printf("| ");
		term_bar(stdout, t, high ? (double)count / high : 0, zw - 13, "35");
		printf(" %5ld/%-5ld ", count, high);
	}
	printf("\n");
	line++;
	/* Each CPU's lists when there is room. */
	for (z = 0; z < s->zi.nr && !compact; z++) {
		const struct mm_zone *zi = &s->zi.z[z];

		if (!zi->populated || zi->nr_pcp < 2 || line >= max_lines - 2)
			continue;
		printf("pcp %-7s", zi->name);
		for (c = 0; c < zi->nr_pcp && c < 8; c++) {
			printf(" cpu%d ", zi->pcp[c].cpu);
			term_bar(stdout, t, zi->pcp[c].high ? (double)zi->pcp[c].count /
				 zi->pcp[c].high : 0, 8, "35");
			printf(" %ld/%ld", zi->pcp[c].count, zi->pcp[c].high);
		}
		printf("\n");
		line++;
	}
	if (s->have_va && line < max_lines - 1) {
		printf("%svmalloc: %lu areas, %lu of %lu window pages busy,", compact ? "" : "\n",
		       s->va.nr_busy, s->va.busy_pages, s->va.win_pages);
		printf(" %lu lazy (purge at %lu), %lu pte tables\n", s->va.lazy_pages,
		       s->va.lazy_max_pages, s->va.pte_tables);
		line += compact ? 1 : 2;
	}
	if (s->have_slab && line < max_lines - 1) {
		struct mm_slab *v = xcalloc(s->slab.nr, sizeof(*v));

		memcpy(v, s->slab.v, s->slab.nr * sizeof(*v));
		qsort(v, s->slab.nr, sizeof(*v), slab_cmp);
		printf("%s%-20s %8s %8s %6s %6s %6s  (by %s)\n", compact ? "" : "\n",
		       "slab cache", "active", "objs", "size", "slabs", "pages",
		       sort_names[sort_by]);
		line += compact ? 1 : 2;
		for (k = 0; k < s->slab.nr && line < max_lines; k++, line++)
			printf("%-20s %8lu %8lu %6lu %6lu %6lu\n", v[k].name, v[k].active_objs,
			       v[k].num_objs, v[k].objsize, v[k].num_slabs,
			       v[k].num_slabs * v[k].pagesperslab);
		free(v);
	}
	if (!t->raw)
		printf("\n");
	fflush(stdout);
}

static void sample_free(struct sample *s)
{
	mm_slabinfo_free(&s->slab);
}

int cmd_top(const struct mm_opts *o)
{
	struct sample cur, prev;
	bool have_prev = false, paused = false;
	struct mm_term t;
	int i = 0, key;

	if (mm_check_access())
		return 1;
	term_init(&t);
	if (o->json) {
		struct mm_json j;

		/* One sample per iteration, rates from the previous one. */
		for (;;) {
			size_t k;

			if (sample(&cur))
				return 1;
			json_init(&j, stdout);
			json_obj(&j, NULL);
			json_real(&j, "time", cur.when);
			json_obj(&j, "rates");
			for (k = 0; k < NR_RATES; k++) {
				if (have_prev && cur.when > prev.when)
					json_real(&j, rate_names[k], (cur.sum[k] - prev.sum[k]) /
						  (cur.when - prev.when));
				else
					json_null(&j, rate_names[k]);
			}
			json_obj_end(&j);
			json_zone_rows(&j, "buddyinfo", &cur.bi, false);
			json_zoneinfo(&j, "zoneinfo", &cur.zi);
			if (cur.have_slab)
				json_slabinfo(&j, "slabinfo", &cur.slab);
			if (cur.have_va)
				json_vmap_areas(&j, "vmap_areas", &cur.va);
			json_obj_end(&j);
			json_end(&j);
			if (have_prev)
				sample_free(&prev);
			prev = cur;
			have_prev = true;
			if (o->iterations && ++i >= o->iterations)
				break;
			nanosleep(&(struct timespec){ (time_t)o->delay,
				  (long)((o->delay - (time_t)o->delay) * 1e9) }, NULL);
		}
		sample_free(&prev);
		return 0;
	}
	if (t.tty)
		term_raw(&t);
	for (;;) {
		double until;

		if (!paused) {
			if (sample(&cur))
				return 1;
			term_size(&t);
			if (have_prev) {
				compute_rates(&cur, &prev);
				sample_free(&prev);
			}
			show(&t, &cur, o, paused);
			prev = cur;
			have_prev = true;
			if (o->iterations && ++i >= o->iterations)
				break;
		}
		until = now() + o->delay;
		if (!t.raw) {
			nanosleep(&(struct timespec){ (time_t)o->delay,
				  (long)((o->delay - (time_t)o->delay) * 1e9) }, NULL);
			continue;
		}
		while ((key = term_key((int)((until - now()) * 1000))) >= 0) {
			if (key == 'q' || key == 'Q' || key == 3)
				goto out;
			if (key == 's' || key == 'S') {
				sort_by = (sort_by + 1) % NR_SORTS;
				show(&t, &prev, o, paused);
			} else if (key == 'p' || key == 'P' || key == ' ') {
				paused = !paused;
				show(&t, &prev, o, paused);
			}
			if (now() >= until)
				break;
		}
	}
out:
	if (have_prev)
		sample_free(&prev);
	if (t.raw)
		term_restore();
	return 0;
}
