// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: mmlab's allocators timed against the kernel's own, in the
 * same boot, as ratios (`make bench`).
 *
 * Shaped like lib/test_vmalloc.c: a table of named scenarios, module
 * parameters that pick which run and how many times, worker threads bound
 * to CPUs and released together, and one summary line per case. Loading the
 * module runs the benchmarks; it then stays loaded doing nothing.
 *
 * Method, as test_vmalloc.c and the time_bench loops: every case runs
 * mmlab (A) and native (B) interleaved, A B A B ..., @repeats times; each
 * run is a warm-up of loops / 8 operations, then @loops timed operations
 * with get_cycles() and ktime_get_ns() around the whole loop. Preemption
 * and interrupts are left as they are. A case prints the median, minimum
 * and maximum of the per-repetition ratio mmlab / native, with the median
 * per-operation ns and cycles of both sides beside it.
 *
 * The output is machine-readable lines on the console, which
 * tools/bench/run.sh cuts out into CSV files:
 *   mmlab-bench: info KEY=VALUE ...
 *   mmlab-bench: header BENCH COL,COL,...
 *   mmlab-bench: csv BENCH VAL,VAL,...
 *   mmlab-bench: done result=ok|FAIL scenarios=N
 *
 * To add a benchmark: write a body (one side of one case, see
 * struct bench_ctx; a side_*() pair per allocator keeps it free of
 * branches and indirect calls), with a prepare/finish pair if each case
 * needs an object of its own (a kmem_cache of the case's size), and add
 * one line to scenarios[]. The runner, the interleaving, the scaling runs,
 * the CSV lines, and run.sh's table and plots are the same for all.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timex.h>

#include "buddy.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"

/* === Parameters === */

static char *run = "all";
module_param(run, charp, 0444);
MODULE_PARM_DESC(run,
		 "Scenarios to run: \"all\" or names separated by ',' or ':' (see the scenario table)");

static uint loops = 20000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "Timed operations per run of a case (default 20000)");

static uint cold_loops = 200;
module_param(cold_loops, uint, 0444);
MODULE_PARM_DESC(cold_loops,
		 "Timed operations per run of the cold per-CPU path, each after emptying the list (default 200)");

static uint repeats = 11;
module_param(repeats, uint, 0444);
MODULE_PARM_DESC(repeats, "Interleaved mmlab/native repetitions per case (default 11, at most 64)");

static bool scaling = true;
module_param(scaling, bool, 0444);
MODULE_PARM_DESC(scaling,
		 "Also run the timed cases on every online CPU at once, against one thread (default on)");

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the fragmentation workload (default 0: a random one, printed)");

static uint frag_ops = 200000;
module_param(frag_ops, uint, 0444);
MODULE_PARM_DESC(frag_ops, "Operations of the fragmentation workload (default 200000)");

static uint frag_samples = 20;
module_param(frag_samples, uint, 0444);
MODULE_PARM_DESC(frag_samples, "Samples of the fragmentation indices per workload (default 20)");

static uint frag_fill = 90;
module_param(frag_fill, uint, 0444);
MODULE_PARM_DESC(frag_fill,
		 "Highest share of the Normal zone the workload keeps allocated, percent (default 90)");

/* === Data === */

#define BENCH_MAX_REPEATS	64
#define BENCH_BATCH_MAX		1024
#define BENCH_COLD_HOLD		32768	/* pages the native cold path may hold */

/* Both sides of a case use these flags, as the issue asks. */
#define BENCH_GFP		(GFP_KERNEL | __GFP_NOWARN)

/**
 * struct bench_time - what one run of one side measured.
 * @ns:		ktime_get_ns() over the timed operations.
 * @cycles:	get_cycles() over the timed operations.
 * @ops:	operations timed.
 * @failed:	allocations that returned NULL (the run is then invalid).
 */
struct bench_time {
	u64 ns;
	u64 cycles;
	u64 ops;
	u64 failed;
};

/**
 * struct bench_ctx - one side of one case on one CPU.
 * @mmlab:	true for mmlab's allocator, false for the kernel's.
 * @param:	the case's parameter (order, batch size, ...).
 * @loops:	operations to time.
 * @cpu:	the CPU the worker is bound to.
 * @thread:	index of this worker among the run's, 0 .. @nr_threads - 1.
 * @nr_threads:	workers of the run (1, or every online CPU for scaling).
 * @pages:	scratch for bodies that hold pages (BENCH_COLD_HOLD entries).
 * @priv:	what the scenario's @prepare returned for this case and side
 *		(e.g. a kmem_cache of the case's size), shared by the workers.
 */
struct bench_ctx {
	bool mmlab;
	int param;
	unsigned long loops;
	int cpu;
	unsigned int thread;
	unsigned int nr_threads;
	struct page **pages;
	void *priv;
};

/**
 * struct bench_scenario - one benchmark: a table entry.
 * @name:	name for the `run` parameter and of the CSV file.
 * @desc:	what it measures, one line.
 * @param_name:	name of the parameter column ("order", "n", ...).
 * @params:	the cases, one value each.
 * @nr_params:	entries in @params.
 * @labels:	optional names of the cases (else the value is printed).
 * @body:	a timed benchmark: do @ctx->loops operations of one side and
 *		add to @t (bench_start() and bench_stop() around the timed
 *		part); NULL for a report.
 * @report:	an untimed benchmark that prints its own CSV; NULL if timed.
 * @prepare:	optional: set up one side of one case before its runs
 *		(create a cache, an area ...); its result is @ctx->priv.
 * @finish:	optional: undo @prepare after the case's last run.
 * @no_scaling:	do not run it on every CPU at once.
 * @loops_div:	divide `loops` by this for this scenario (0: 1).
 */
struct bench_scenario {
	const char *name;
	const char *desc;
	const char *param_name;
	const int *params;
	unsigned int nr_params;
	const char *const *labels;
	void (*body)(struct bench_ctx *ctx, struct bench_time *t);
	int (*report)(const struct bench_scenario *s);
	void *(*prepare)(bool mmlab, int param);
	void (*finish)(bool mmlab, int param, void *priv);
	bool no_scaling;
	unsigned int loops_div;
};

/* The start of a timed part; bench_stop() adds what passed since to a bench_time. */
struct bench_stamp {
	u64 ns;
	cycles_t cycles;
};

static __always_inline void bench_start(struct bench_stamp *st)
{
	st->ns = ktime_get_ns();
	st->cycles = get_cycles();
}

static __always_inline void bench_stop(struct bench_time *t,
				       const struct bench_stamp *st)
{
	t->cycles += get_cycles() - st->cycles;
	t->ns += ktime_get_ns() - st->ns;
}

/* === The two sides === */

/*
 * Allocate and free through mmlab or the kernel; @mm is a constant at every
 * call site, so each loop below is compiled twice with no branch and no
 * indirect call inside.
 */
static __always_inline struct page *side_alloc(bool mm, unsigned int order)
{
	return mm ? mmlab_alloc_pages(BENCH_GFP, order) : alloc_pages(BENCH_GFP, order);
}

static __always_inline void side_free(bool mm, struct page *page, unsigned int order)
{
	if (mm)
		mmlab_free_pages(page, order);
	else
		__free_pages(page, order);
}

/* === Buddy bodies === */

static __always_inline void round_trip(struct bench_ctx *c, struct bench_time *t,
				       bool mm)
{
	unsigned int order = c->param;
	unsigned long i, failed = 0;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < c->loops; i++) {
		struct page *page = side_alloc(mm, order);

		if (unlikely(!page)) {
			failed++;
			continue;
		}
		side_free(mm, page, order);
	}
	bench_stop(t, &st);
	t->ops += c->loops;
	t->failed += failed;
}

/* alloc + free of one block of order @param, again and again. */
static void body_round_trip(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		round_trip(c, t, true);
	else
		round_trip(c, t, false);
}

static __always_inline void batch(struct bench_ctx *c, struct bench_time *t,
				  bool mm)
{
	unsigned long n = c->param, rounds = max(c->loops / n, 1UL);
	unsigned long i, j, failed = 0;
	struct page **pages = c->pages;
	struct bench_stamp st;

	bench_start(&st);
	for (i = 0; i < rounds; i++) {
		for (j = 0; j < n; j++) {
			pages[j] = side_alloc(mm, 0);
			failed += !pages[j];
		}
		for (j = 0; j < n; j++) {
			if (likely(pages[j]))
				side_free(mm, pages[j], 0);
		}
	}
	bench_stop(t, &st);
	t->ops += rounds * n;
	t->failed += failed;
}

/* Allocate @param order-0 pages, then free them all; cost per page. */
static void body_batch(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		batch(c, t, true);
	else
		batch(c, t, false);
}

/*
 * Empty this CPU's order-0 list of the kernel's zone that serves
 * BENCH_GFP: allocate until the list is empty (the kernel exports no
 * drain_all_pages()). The pages are held in @c->pages; returns how many.
 */
static unsigned long native_empty_pcp(struct bench_ctx *c, unsigned long *failed)
{
	struct per_cpu_pages *pcp = NULL;
	unsigned long n = 0;

	while (n < BENCH_COLD_HOLD) {
		struct page *page = alloc_pages(BENCH_GFP, 0);

		if (!page) {
			(*failed)++;
			break;
		}
		c->pages[n++] = page;
		if (!pcp)
			pcp = per_cpu_ptr(page_zone(page)->per_cpu_pageset, c->cpu);
		/* Order 0, MIGRATE_UNMOVABLE: the first list (order_to_pindex()). */
		if (list_empty(&pcp->lists[MIGRATE_UNMOVABLE]))
			break;
	}
	return n;
}

/* Give this CPU's per-CPU pages of every mmlab zone back to the free lists. */
static void mmlab_empty_pcp(int cpu)
{
	struct mmlab_zone *zone;

	for_each_populated_mmlab_zone(zone)
		mmlab_drain_zone_pages(zone, cpu);
}

/*
 * The cold per-CPU path: each operation is an order-0 alloc + free right
 * after this CPU's list was emptied, so the allocation refills the list
 * from the free lists. Only the alloc + free are timed, one at a time (the
 * timer's own cost is in both sides alike).
 */
static void body_cold(struct bench_ctx *c, struct bench_time *t)
{
	unsigned long i, j, held, failed = 0;
	struct bench_stamp st;
	struct page *page;

	for (i = 0; i < c->loops; i++) {
		held = 0;
		if (c->mmlab)
			mmlab_empty_pcp(c->cpu);
		else
			held = native_empty_pcp(c, &failed);

		if (c->mmlab) {
			bench_start(&st);
			page = side_alloc(true, 0);
			if (page)
				side_free(true, page, 0);
			bench_stop(t, &st);
		} else {
			bench_start(&st);
			page = side_alloc(false, 0);
			if (page)
				side_free(false, page, 0);
			bench_stop(t, &st);
		}
		failed += !page;
		for (j = 0; j < held; j++)
			__free_pages(c->pages[j], 0);
		cond_resched();
	}
	t->ops += c->loops;
	t->failed += failed;
}

/* === Reports: memory and fragmentation === */

static int report_memory(const struct bench_scenario *s)
{
	unsigned long pages = mmlab_pool.nr_pages;
	u64 milli;

	if (!pages)
		return -ENODEV;
	milli = div64_u64((u64)mmlab_pool.meta_bytes * 1000, pages);
	pr_info("header %s item,mmlab,native,ratio,unit\n", s->name);
	pr_info("csv %s metadata_per_page,%llu.%03llu,%zu,%llu.%03llu,bytes\n",
		s->name, milli / 1000, milli % 1000, sizeof(struct page),
		div64_u64(milli, sizeof(struct page)) / 1000,
		div64_u64(milli, sizeof(struct page)) % 1000);
	pr_info("csv %s pool_pages,%lu,%lu,,pages\n", s->name, pages, pages);
	pr_info("csv %s metadata_total,%zu,%zu,,bytes\n", s->name,
		mmlab_pool.meta_bytes, pages * sizeof(struct page));
	return 0;
}

/* Orders whose indices the fragmentation report follows. */
static const unsigned int frag_orders[] = { 3, MMLAB_PAGEBLOCK_ORDER };

/* One allocation of the workload. */
struct frag_slot {
	struct page *page;
	u32 expire;		/* operation at which it is freed */
	u8 order;
	bool long_lived;	/* of the long-lived kind (unmovable when grouping) */
};

/* mm/vmstat.c's fill_contig_page_info() over @nr_free. */
static void contig_info(const unsigned long *nr_free, unsigned int order,
			unsigned long *free_pages, unsigned long *total,
			unsigned long *suitable)
{
	unsigned int o;

	*free_pages = 0;
	*total = 0;
	*suitable = 0;
	for (o = 0; o < MMLAB_MAX_ORDER; o++) {
		*total += nr_free[o];
		*free_pages += nr_free[o] << o;
		if (o >= order)
			*suitable += nr_free[o] << (o - order);
	}
}

/* mm/vmstat.c's unusable_free_index(), in thousandths. */
static int unusable_index(const unsigned long *nr_free, unsigned int order)
{
	unsigned long free_pages, total, suitable;

	contig_info(nr_free, order, &free_pages, &total, &suitable);
	if (!free_pages)
		return 1000;
	return div64_u64((u64)(free_pages - (suitable << order)) * 1000, free_pages);
}

/* mm/vmstat.c's __fragmentation_index(), in thousandths. */
static int extfrag_index(const unsigned long *nr_free, unsigned int order)
{
	unsigned long free_pages, total, suitable;

	contig_info(nr_free, order, &free_pages, &total, &suitable);
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - div64_u64(1000 + div64_u64((u64)free_pages * 1000, 1UL << order),
				total);
}

static void print_milli(char *buf, size_t len, int v)
{
	snprintf(buf, len, "%s%d.%03d", v < 0 ? "-" : "", abs(v) / 1000, abs(v) % 1000);
}

/**
 * struct frag_state - one run of the fragmentation workload.
 * @s:		the scenario (for its CSV name).
 * @mode:	"nogroup" or "group".
 * @grouping:	long-lived blocks ask for MIGRATE_UNMOVABLE.
 * @slots:	the live allocations.
 * @nr_slots:	entries in @slots.
 * @used:	pages held, in any zone (a request may fall back to DMA32).
 * @failed:	allocations that returned NULL.
 * @fallback0:	the zone's mt_fallback counter when the run began.
 * @steal0:	the zone's mt_steal counter when the run began.
 * @pb_long:	scratch bitmap, pageblocks holding a long-lived block.
 * @pb_short:	scratch bitmap, pageblocks holding a short-lived block.
 * @nr_pb:	bits in the bitmaps: pageblocks the Normal zone spans.
 */
struct frag_state {
	const struct bench_scenario *s;
	const char *mode;
	bool grouping;
	struct frag_slot *slots;
	unsigned int nr_slots;
	unsigned long used;
	unsigned long failed;
	unsigned long fallback0;
	unsigned long steal0;
	unsigned long *pb_long;
	unsigned long *pb_short;
	unsigned long nr_pb;
};

/*
 * Pageblocks holding long-lived blocks, and those also holding short-lived
 * ones: what grouping by migrate type tries to keep few, since a pageblock
 * with one unmovable block in it can never be made free again by moving
 * the others (compaction).
 */
static void frag_pageblocks(struct frag_state *f, unsigned long *nr_long,
			    unsigned long *nr_mixed, unsigned long *in_zone)
{
	unsigned long start = mmlab_zones[MMLAB_ZONE_NORMAL].zone_start_pfn;
	unsigned long pb, i;

	*in_zone = 0;

	bitmap_zero(f->pb_long, f->nr_pb);
	bitmap_zero(f->pb_short, f->nr_pb);
	for (i = 0; i < f->nr_slots; i++) {
		const struct frag_slot *slot = &f->slots[i];

		if (!slot->page)
			continue;
		pb = (page_to_pfn(slot->page) - start) >> MMLAB_PAGEBLOCK_ORDER;
		if (page_to_pfn(slot->page) < start || pb >= f->nr_pb)
			continue;	/* served by a lower zone */
		*in_zone += 1UL << slot->order;
		__set_bit(pb, slot->long_lived ? f->pb_long : f->pb_short);
	}
	*nr_long = bitmap_weight(f->pb_long, f->nr_pb);
	bitmap_and(f->pb_short, f->pb_short, f->pb_long, f->nr_pb);
	*nr_mixed = bitmap_weight(f->pb_short, f->nr_pb);
}

/* One sample of the Normal zone: after a drain, from its free lists. */
static void frag_sample(struct frag_state *f, unsigned long op)
{
	struct mmlab_zone *zone = &mmlab_zones[MMLAB_ZONE_NORMAL];
	unsigned long nr_free[MMLAB_MAX_ORDER], flags, free_pages = 0;
	unsigned long nr_long, nr_mixed, in_zone;
	char u[2][16], e[2][16];
	int o, highest = -1;
	unsigned int i;

	mmlab_drain_all_pages();
	spin_lock_irqsave(&zone->lock, flags);
	for (o = 0; o < MMLAB_MAX_ORDER; o++)
		nr_free[o] = zone->free_area[o].nr_free;
	spin_unlock_irqrestore(&zone->lock, flags);
	for (o = 0; o < MMLAB_MAX_ORDER; o++) {
		free_pages += nr_free[o] << o;
		if (nr_free[o])
			highest = o;
	}
	for (i = 0; i < ARRAY_SIZE(frag_orders); i++) {
		print_milli(u[i], sizeof(u[i]), unusable_index(nr_free, frag_orders[i]));
		print_milli(e[i], sizeof(e[i]), extfrag_index(nr_free, frag_orders[i]));
	}
	frag_pageblocks(f, &nr_long, &nr_mixed, &in_zone);
	pr_info("csv %s %s,%lu,%lu,%lu,%lu,%s,%s,%s,%s,%d,%lu,%lu,%lu,%lu\n", f->s->name,
		f->mode, op, in_zone, f->used - in_zone, free_pages,
		u[0], u[1], e[0], e[1], highest,
		nr_long, nr_mixed,
		mmlab_zone_stat(zone, MMLAB_STAT_MT_FALLBACK) - f->fallback0,
		mmlab_zone_stat(zone, MMLAB_STAT_MT_STEAL) - f->steal0);
}

/* The order of a new block: mostly 0 to 3, now and then up to a pageblock. */
static unsigned int frag_order(u32 pick, u32 r)
{
	if (pick < 700)
		return 0;
	if (pick < 850)
		return 1;
	if (pick < 930)
		return 2;
	if (pick < 970)
		return 3;
	if (pick < 990)
		return 4 + r % 3;
	return 7 + r % 3;
}

/*
 * Operations a new block lives: a long-lived one a quarter of the run to
 * more than the whole run, a short-lived one up to two rounds of the slots.
 */
static unsigned long frag_lifetime(bool long_lived, u32 r, unsigned int nr_slots)
{
	if (long_lived)
		return frag_ops / 4 + r % (2 * frag_ops);
	return 1 + r % (2 * nr_slots);
}

/*
 * The seeded workload: mixed orders and lifetimes (most short, a fifth
 * long), kept below frag_fill percent of the Normal zone. With grouping,
 * long-lived blocks are unmovable and short-lived ones movable, as kernel
 * and page cache allocations; without, every block is movable, so the
 * allocator cannot tell them apart. The same seed gives the same sequence
 * of requests in both modes.
 */
static int frag_run(struct frag_state *f)
{
	struct mmlab_zone *zone = &mmlab_zones[MMLAB_ZONE_NORMAL];
	unsigned long limit = zone->managed_pages * frag_fill / 100;
	unsigned long op, every;
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, seed);
	every = max(frag_ops / max(frag_samples, 1U), 1U);
	memset(f->slots, 0, f->nr_slots * sizeof(*f->slots));
	f->used = 0;
	f->failed = 0;
	f->fallback0 = mmlab_zone_stat(zone, MMLAB_STAT_MT_FALLBACK);
	f->steal0 = mmlab_zone_stat(zone, MMLAB_STAT_MT_STEAL);
	frag_sample(f, 0);
	for (op = 1; op <= frag_ops; op++) {
		u32 r = prandom_u32_state(&rnd), r2 = prandom_u32_state(&rnd);
		struct frag_slot *slot = &f->slots[r % f->nr_slots];
		unsigned int order = frag_order((r >> 16) % 1000, r2 >> 8);
		bool long_lived = r2 % 5 == 0;
		gfp_t gfp = BENCH_GFP;

		if (slot->page) {
			if (op >= slot->expire) {
				mmlab_free_pages(slot->page, slot->order);
				f->used -= 1UL << slot->order;
				slot->page = NULL;
			}
		} else if (f->used + (1UL << order) <= limit) {
			if (!f->grouping || !long_lived)
				gfp |= __GFP_MOVABLE;
			slot->page = mmlab_alloc_pages(gfp, order);
			if (slot->page) {
				slot->order = order;
				slot->long_lived = long_lived;
				f->used += 1UL << order;
				slot->expire = op + frag_lifetime(long_lived, r2 >> 4,
								  f->nr_slots);
			} else {
				f->failed++;
			}
		}
		if (op % every == 0) {
			frag_sample(f, op);
			cond_resched();
		}
	}
	for (i = 0; i < f->nr_slots; i++) {
		if (f->slots[i].page)
			mmlab_free_pages(f->slots[i].page, f->slots[i].order);
	}
	mmlab_drain_all_pages();
	pr_info("info frag mode=%s seed=%#lx ops=%u fill=%u%% failed_allocs=%lu\n",
		f->mode, seed, frag_ops, frag_fill, f->failed);
	return 0;
}

static int report_frag(const struct bench_scenario *s)
{
	struct mmlab_zone *zone = &mmlab_zones[MMLAB_ZONE_NORMAL];
	struct frag_state f = { .s = s, .nr_slots = 4096 };
	int err = -ENOMEM;

	if (!mmlab_zone_populated(zone))
		return -ENODEV;
	f.nr_pb = DIV_ROUND_UP(zone->spanned_pages, MMLAB_PAGEBLOCK_PAGES);
	f.slots = kvcalloc(f.nr_slots, sizeof(*f.slots), GFP_KERNEL);
	f.pb_long = bitmap_zalloc(f.nr_pb, GFP_KERNEL);
	f.pb_short = bitmap_zalloc(f.nr_pb, GFP_KERNEL);
	if (!f.slots || !f.pb_long || !f.pb_short)
		goto out;
	pr_info("header %s mode,ops,used_pages,lower_zone_pages,free_pages,unusable_%u,unusable_%u,extfrag_%u,extfrag_%u,highest_free_order,pageblocks_long,pageblocks_mixed,mt_fallback,mt_steal\n",
		s->name, frag_orders[0], frag_orders[1], frag_orders[0], frag_orders[1]);
	/*
	 * Without grouping first: all-movable requests leave the pageblocks
	 * movable, as the load made them, so both runs start from the same
	 * pageblock types.
	 */
	f.mode = "nogroup";
	f.grouping = false;
	err = frag_run(&f);
	if (!err) {
		f.mode = "group";
		f.grouping = true;
		err = frag_run(&f);
	}
out:
	bitmap_free(f.pb_short);
	bitmap_free(f.pb_long);
	kvfree(f.slots);
	return err;
}

/* === Scenarios === */

static const int orders[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const int batch_sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
static const int one[] = { 0 };

static const char *const hot_label[] = { "hot" };
static const char *const cold_label[] = { "cold" };

/*
 * The benchmarks, in the order they run. The slab (kmem_cache_alloc,
 * kmalloc per class, batch, cross-CPU) and vmalloc (sizes, test_vmalloc
 * scenarios, vmalloc_to_page) benchmarks are one entry each here, with a
 * body over their side_*() calls, once those allocators are in mmlab.
 */
static const struct bench_scenario scenarios[] = {
	/* Untimed first: the workload starts from the pageblocks of the load. */
	{ "memory", "metadata bytes per managed page", NULL,
	  NULL, 0, NULL, NULL, report_memory },
	{ "frag", "seeded mixed workload with and without migrate-type grouping", NULL,
	  NULL, 0, NULL, NULL, report_frag },
	{ "buddy_order", "alloc+free round trip per order", "order",
	  orders, ARRAY_SIZE(orders), NULL, body_round_trip },
	{ "buddy_pcp_hot", "order-0 alloc+free, per-CPU list warm", "path",
	  one, 1, hot_label, body_round_trip },
	{ "buddy_pcp_cold", "order-0 alloc+free after emptying the per-CPU list", "path",
	  one, 1, cold_label, body_cold },
	{ "buddy_batch", "allocate N order-0 pages, then free N; per page", "n",
	  batch_sizes, ARRAY_SIZE(batch_sizes), NULL, body_batch },
};

/* === The runner === */

/**
 * struct bench_worker - one thread of a run.
 * @task:	the kthread, bound to @ctx.cpu.
 * @s:		the scenario.
 * @ctx:	the side and case.
 * @t:		what its timed part measured.
 * @done:	completed when the timed part is over.
 */
struct bench_worker {
	struct task_struct *task;
	const struct bench_scenario *s;
	struct bench_ctx ctx;
	struct bench_time t;
	struct completion done;
};

/* Timed operations of one run of @s. */
static unsigned long side_loops(const struct bench_scenario *s)
{
	if (s->body == body_cold)
		return cold_loops;
	return max(loops / (s->loops_div ? s->loops_div : 1), 1U);
}

static atomic_t nr_warm;	/* workers past their warm-up */
static unsigned int nr_threads;	/* workers of the current run */

static int bench_worker_fn(void *data)
{
	struct bench_worker *w = data;
	struct bench_ctx warm = w->ctx;
	struct bench_time unused = {};

	warm.loops = max(w->ctx.loops / 8, 1UL);
	w->s->body(&warm, &unused);
	/* Released together: the timed parts of all workers overlap. */
	atomic_inc(&nr_warm);
	while (atomic_read(&nr_warm) < READ_ONCE(nr_threads))
		cond_resched();
	w->s->body(&w->ctx, &w->t);
	complete(&w->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static struct bench_worker workers[NR_CPUS > 64 ? 64 : NR_CPUS];

/*
 * Run one side of one case on @threads CPUs at once (the first online
 * CPUs); the per-operation cost in 1/1000 ns and cycles, averaged over the
 * threads, goes to *@ps and *@pc. Return: 0, or -ENOMEM if an allocation
 * failed (the figure would be meaningless).
 */
static int run_side(const struct bench_scenario *s, int param, bool mm,
		    void *priv, unsigned int threads, u64 *ps, u64 *pc)
{
	unsigned long nloops = side_loops(s);
	u64 ns = 0, cyc = 0, failed = 0;
	unsigned int i = 0;
	int cpu, err = 0;

	nr_threads = threads;
	atomic_set(&nr_warm, 0);
	for_each_online_cpu(cpu) {
		struct bench_worker *w = &workers[i];

		if (i == threads)
			break;
		memset(&w->t, 0, sizeof(w->t));
		w->s = s;
		w->ctx.mmlab = mm;
		w->ctx.param = param;
		w->ctx.loops = max(nloops, 1UL);
		w->ctx.cpu = cpu;
		w->ctx.thread = i;
		w->ctx.nr_threads = threads;
		w->ctx.priv = priv;
		init_completion(&w->done);
		w->task = kthread_create_on_cpu(bench_worker_fn, w, cpu, "mmlab_bench/%u");
		if (IS_ERR(w->task)) {
			err = PTR_ERR(w->task);
			w->task = NULL;
			/* Let the others through the start line. */
			nr_threads = i;
			break;
		}
		i++;
	}
	threads = i;
	for (i = 0; i < threads; i++)
		wake_up_process(workers[i].task);
	for (i = 0; i < threads; i++) {
		wait_for_completion(&workers[i].done);
		kthread_stop(workers[i].task);
		ns += div64_u64(workers[i].t.ns * 1000, max(workers[i].t.ops, 1ULL));
		cyc += div64_u64(workers[i].t.cycles * 1000, max(workers[i].t.ops, 1ULL));
		failed += workers[i].t.failed;
	}
	if (err)
		return err;
	if (failed) {
		pr_warn("%s %d %s: %llu allocations failed\n", s->name, param,
			mm ? "mmlab" : "native", failed);
		return -ENOMEM;
	}
	*ps = div64_u64(ns, max(threads, 1U));
	*pc = div64_u64(cyc, max(threads, 1U));
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max of @n values (sorted in place). */
static void stats(u64 *v, unsigned int n, u64 *med, u64 *min, u64 *max)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	*min = v[0];
	*max = v[n - 1];
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A figure in thousandths as "X.YYY" (a static buffer per slot). */
static const char *milli(unsigned int slot, u64 v)
{
	static char buf[16][24];

	slot %= ARRAY_SIZE(buf);
	snprintf(buf[slot], sizeof(buf[slot]), "%llu.%03llu", v / 1000, v % 1000);
	return buf[slot];
}

/**
 * struct side_runs - the repetitions of one side at one thread count.
 * @ns:		per-op cost of each repetition, 1/1000 ns.
 * @cyc:	per-op cost of each repetition, 1/1000 cycles.
 */
struct side_runs {
	u64 ns[BENCH_MAX_REPEATS];
	u64 cyc[BENCH_MAX_REPEATS];
};

/* 1000 * @a / @b for each repetition into @out. */
static void ratios(const u64 *a, const u64 *b, u64 *out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = div64_u64(a[i] * 1000, max(b[i], 1ULL));
}

/* The runs of a case: mmlab and native, one thread and every CPU. */
enum { MM_1T, NAT_1T, MM_NT, NAT_NT, NR_RUNS };

static void case_label(const struct bench_scenario *s, unsigned int p,
		       char *buf, size_t len)
{
	if (s->labels)
		strscpy(buf, s->labels[p], len);
	else
		snprintf(buf, len, "%d", s->params[p]);
}

/* Median of @n values, without disturbing them. */
static u64 median(const u64 *v, unsigned int n)
{
	u64 tmp[BENCH_MAX_REPEATS], med, lo, hi;

	memcpy(tmp, v, n * sizeof(*v));
	stats(tmp, n, &med, &lo, &hi);
	return med;
}

/* The row of the scaling CSV: every CPU at once against one thread. */
static void print_scaling_row(const struct bench_scenario *s, const char *label,
			      unsigned int threads, struct side_runs *r)
{
	u64 tmp[BENCH_MAX_REPEATS], m[3], lo[3], hi[3];

	ratios(r[MM_NT].ns, r[MM_1T].ns, tmp, repeats);
	stats(tmp, repeats, &m[0], &lo[0], &hi[0]);
	ratios(r[NAT_NT].ns, r[NAT_1T].ns, tmp, repeats);
	stats(tmp, repeats, &m[1], &lo[1], &hi[1]);
	ratios(r[MM_NT].ns, r[NAT_NT].ns, tmp, repeats);
	stats(tmp, repeats, &m[2], &lo[2], &hi[2]);
	pr_info("csv %s_scaling %s,%u,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
		s->name, label, threads,
		milli(0, median(r[MM_1T].ns, repeats)),
		milli(1, median(r[MM_NT].ns, repeats)),
		milli(2, median(r[NAT_1T].ns, repeats)),
		milli(3, median(r[NAT_NT].ns, repeats)),
		milli(4, m[0]), milli(5, lo[0]), milli(6, hi[0]),
		milli(7, m[1]), milli(8, lo[1]), milli(9, hi[1]),
		milli(10, m[2]), milli(11, lo[2]), milli(12, hi[2]));
}

/*
 * Run case @p of @s: per repetition mmlab then native on one thread, and,
 * with @threads > 1, mmlab then native on @threads CPUs at once; then
 * print its rows.
 */
static int run_case(const struct bench_scenario *s, unsigned int p,
		    struct side_runs *r, unsigned int threads)
{
	u64 tmp[BENCH_MAX_REPEATS], med, lo, hi;
	unsigned int rep, k;
	char label[16];
	int err = 0;
	void *priv[2] = { NULL, NULL };	/* native, mmlab */

	if (s->prepare) {
		for (k = 0; k < 2; k++) {
			priv[k] = s->prepare(k, s->params[p]);
			if (IS_ERR(priv[k])) {
				err = PTR_ERR(priv[k]);
				priv[k] = NULL;
				goto out;
			}
		}
	}
	for (rep = 0; rep < repeats; rep++) {
		for (k = 0; k < NR_RUNS; k++) {
			bool mm = k == MM_1T || k == MM_NT;

			if (k >= MM_NT && threads < 2)
				break;
			err = run_side(s, s->params[p], mm, priv[mm],
				       k >= MM_NT ? threads : 1,
				       &r[k].ns[rep], &r[k].cyc[rep]);
			if (err)
				goto out;
			cond_resched();
		}
	}

	case_label(s, p, label, sizeof(label));
	ratios(r[MM_1T].ns, r[NAT_1T].ns, tmp, repeats);
	stats(tmp, repeats, &med, &lo, &hi);
	pr_info("csv %s %s,%lu,%u,%s,%s,%s,%s,%s,%s,%s\n", s->name, label,
		side_loops(s), repeats,
		milli(0, median(r[MM_1T].ns, repeats)),
		milli(1, median(r[NAT_1T].ns, repeats)),
		milli(2, median(r[MM_1T].cyc, repeats)),
		milli(3, median(r[NAT_1T].cyc, repeats)),
		milli(4, med), milli(5, lo), milli(6, hi));
	if (threads > 1)
		print_scaling_row(s, label, threads, r);
out:
	for (k = 0; k < 2; k++) {
		if (s->finish && priv[k])
			s->finish(k, s->params[p], priv[k]);
	}
	return err;
}

static int run_timed(const struct bench_scenario *s)
{
	unsigned int threads = min_t(unsigned int, num_online_cpus(),
				     ARRAY_SIZE(workers));
	struct side_runs *r;
	unsigned int p;
	int err = 0;

	if (!scaling || s->no_scaling)
		threads = 1;
	r = kcalloc(NR_RUNS, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for (p = 0; p < threads; p++) {
		workers[p].ctx.pages = kvmalloc_array(BENCH_COLD_HOLD, sizeof(struct page *),
						      GFP_KERNEL);
		if (!workers[p].ctx.pages) {
			err = -ENOMEM;
			goto out;
		}
	}

	pr_info("header %s %s,loops,repeats,mmlab_ns,native_ns,mmlab_cycles,native_cycles,ratio,ratio_min,ratio_max\n",
		s->name, s->param_name);
	if (threads > 1)
		pr_info("header %s_scaling %s,threads,mmlab_1t_ns,mmlab_nt_ns,native_1t_ns,native_nt_ns,mmlab_scale,mmlab_scale_min,mmlab_scale_max,native_scale,native_scale_min,native_scale_max,ratio_nt,ratio_nt_min,ratio_nt_max\n",
			s->name, s->param_name);
	for (p = 0; p < s->nr_params && !err; p++) {
		memset(r, 0, NR_RUNS * sizeof(*r));
		err = run_case(s, p, r, threads);
	}
out:
	for (p = 0; p < ARRAY_SIZE(workers); p++) {
		kvfree(workers[p].ctx.pages);
		workers[p].ctx.pages = NULL;
	}
	kfree(r);
	return err;
}

/* Whether the `run` parameter selects @name (names split by ',' or ':'). */
static bool selected(const char *name)
{
	size_t len = strlen(name);
	const char *p = run;

	if (!strcmp(run, "all"))
		return true;
	while (*p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == ':' || !p[len]))
			return true;
		p += strcspn(p, ",:");
		if (*p)
			p++;
	}
	return false;
}

/* === Options in effect === */

/*
 * What could make the timed runs slower than the allocators themselves:
 * printed once, so that the report says which options were on. mmlab's
 * tracepoints are checked by the guest script (tracefs); new debug options
 * (red zones, poisoning, owner tracking) add one line here.
 */
static void print_options(void)
{
	struct mmlab_zone *zone;

	pr_info("info options mmlab_fail_page_alloc=%lu mmlab_failslab=%lu mmlab_fail_vmalloc=%lu native_init_on_alloc=%d native_init_on_free=%d\n",
		READ_ONCE(mmlab_fail_page_alloc.probability),
		READ_ONCE(mmlab_failslab.probability),
		READ_ONCE(mmlab_fail_vmalloc.probability),
		want_init_on_alloc(GFP_KERNEL), want_init_on_free());
	for_each_populated_mmlab_zone(zone) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, 0);

		pr_info("info pcp zone=%s mmlab_batch=%d mmlab_high=%d\n",
			zone->name, READ_ONCE(pcp->batch), READ_ONCE(pcp->high));
	}
}

static int __init mmlab_bench_init(void)
{
	unsigned int i, nr = 0;
	int err = 0, ret;

	if (!loops || !repeats || repeats > BENCH_MAX_REPEATS || !cold_loops ||
	    frag_fill > 95 || !frag_ops) {
		pr_err("loops, cold_loops, frag_ops > 0, repeats 1..%d, frag_fill <= 95\n",
		       BENCH_MAX_REPEATS);
		return -EINVAL;
	}
	if (!seed)
		seed = get_random_u64();
	pr_info("info run=%s loops=%u cold_loops=%u repeats=%u scaling=%d cpus=%u seed=%#lx frag_ops=%u frag_fill=%u pool_pages=%lu\n",
		run, loops, cold_loops, repeats, scaling, num_online_cpus(), seed,
		frag_ops, frag_fill, mmlab_pool.nr_pages);
	print_options();

	for (i = 0; i < ARRAY_SIZE(scenarios); i++) {
		const struct bench_scenario *s = &scenarios[i];
		u64 t0 = ktime_get_ns();

		if (!selected(s->name))
			continue;
		pr_info("info begin %s: %s\n", s->name, s->desc);
		ret = s->body ? run_timed(s) : s->report(s);
		pr_info("info end %s ret=%d ms=%llu\n", s->name, ret,
			div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
		if (ret && !err)
			err = ret;
		nr++;
		mmlab_drain_all_pages();
	}
	pr_info("done result=%s scenarios=%u\n", err ? "FAIL" : "ok", nr);
	return err;
}

static void __exit mmlab_bench_exit(void)
{
}

module_init(mmlab_bench_init);
module_exit(mmlab_bench_exit);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmlab: its allocators timed against the kernel's, as ratios");
