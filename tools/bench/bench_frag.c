// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: fragmentation. A seeded random workload of mixed orders and
 * lifetimes over mmlab's Normal zone, with and without grouping by migrate
 * type, sampled as mm/vmstat.c's unusable_index and extfrag_index, the
 * highest free order and the pageblocks that mix lifetimes.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bench.h"
#include "buddy.h"
#include "mmlab.h"

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
		return bench_frag_ops / 4 + r % (2 * bench_frag_ops);
	return 1 + r % (2 * nr_slots);
}

/*
 * The seeded workload: mixed orders and lifetimes (most short, a fifth
 * long), kept below bench_frag_fill percent of the Normal zone. With grouping,
 * long-lived blocks are unmovable and short-lived ones movable, as kernel
 * and page cache allocations; without, every block is movable, so the
 * allocator cannot tell them apart. The same bench_seed gives the same sequence
 * of requests in both modes.
 */
static int frag_run(struct frag_state *f)
{
	struct mmlab_zone *zone = &mmlab_zones[MMLAB_ZONE_NORMAL];
	unsigned long limit = zone->managed_pages * bench_frag_fill / 100;
	unsigned long op, every;
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, bench_seed);
	every = max(bench_frag_ops / max(bench_frag_samples, 1U), 1U);
	memset(f->slots, 0, f->nr_slots * sizeof(*f->slots));
	f->used = 0;
	f->failed = 0;
	f->fallback0 = mmlab_zone_stat(zone, MMLAB_STAT_MT_FALLBACK);
	f->steal0 = mmlab_zone_stat(zone, MMLAB_STAT_MT_STEAL);
	frag_sample(f, 0);
	for (op = 1; op <= bench_frag_ops; op++) {
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
		f->mode, bench_seed, bench_frag_ops, bench_frag_fill, f->failed);
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

const struct bench_scenario bench_frag_scenarios[] = {
	/* Before the timed ones: the workload starts from the pageblocks of the load. */
	{ "frag", "seeded mixed workload with and without migrate-type grouping", NULL,
	  NULL, 0, NULL, NULL, report_frag },
};

const unsigned int bench_frag_nr_scenarios = ARRAY_SIZE(bench_frag_scenarios);
