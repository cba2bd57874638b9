// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for mmlab's buddy allocator, checked against the rules of the
 * kernel's own page allocator (mm/page_alloc.c) and its native alloc_pages().
 *
 * Every expectation is derived from the live state of the pool (zone sizes,
 * watermarks, lowmem reserves, per-CPU batch and high), never from the module
 * parameters. Each case frees what it took and drains the per-CPU lists in
 * its exit, so the suites run in any order and leave the pool as they found
 * it (only pageblock types may differ, as in the kernel after stealing).
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "buddy.h"
#include "console_reports.h"
#include "mmlab.h"
#include "pool.h"

/* Seed of the random-order cases: fixed, and printed, so a failure replays. */
#define TEST_SEED	0x6d6d6c6162ULL

/*
 * Skip a case, saying why in its log too: KUnit does not print the reason
 * of a parameterised case's skip. Does not return.
 */
static __printf(2, 3) void skip_case(struct kunit *test, const char *fmt, ...)
{
	char why[128];
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	kunit_info(test, "skipped: %s\n", why);
	kunit_skip(test, "%s", why);
}

/* === Kernel rules, restated for mmlab's zones === */

/*
 * The kernel's watermark adjustment in __zone_watermark_ok() for the flags
 * gfp_to_alloc_flags() derives from @gfp in the slow path: __GFP_HIGH
 * (ALLOC_MIN_RESERVE) may use half of min, and a caller that cannot block
 * (ALLOC_NON_BLOCK, no __GFP_DIRECT_RECLAIM) a further quarter of the rest.
 */
static long kernel_min_mark(gfp_t gfp, long min)
{
	if (gfp & __GFP_HIGH) {
		min -= min / 2;
		if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC))
			min -= min / 4;
	}
	return min;
}

/*
 * The migrate type of @gfp, as gfp_migratetype() (which a module cannot use:
 * it reads page_group_by_mobility_disabled).
 */
static int gfp_mt(gfp_t gfp)
{
	if (gfp & __GFP_RECLAIMABLE)
		return MMLAB_MIGRATE_RECLAIMABLE;
	if (gfp & __GFP_MOVABLE)
		return MMLAB_MIGRATE_MOVABLE;
	return MMLAB_MIGRATE_UNMOVABLE;
}

/* mmlab zone of a host zone index, or -1 for zones mmlab does not model. */
static int host_to_mzone(enum zone_type zt)
{
	switch (zt) {
	case ZONE_DMA:
		return MMLAB_ZONE_DMA;
	case ZONE_DMA32:
		return MMLAB_ZONE_DMA32;
	case ZONE_NORMAL:
		return MMLAB_ZONE_NORMAL;
	default:
		return -1;
	}
}

/*
 * The kernel's zone fallback order for @gfp, read from the host's own
 * zonelist of this node (what for_each_zone_zonelist() walks), as mmlab
 * zones. Returns the number of zones written to @order.
 */
static int kernel_zone_order(gfp_t gfp, int order[MMLAB_NR_ZONES])
{
	struct zonelist *zl = node_zonelist(numa_node_id(), gfp);
	enum zone_type highest = gfp_zone(gfp);
	struct zoneref *z;
	int n = 0;

	for (z = zl->_zonerefs; zonelist_zone(z); z++) {
		int mz;

		if (zonelist_node_idx(z) != numa_node_id() ||
		    zonelist_zone_idx(z) > highest)
			continue;
		mz = host_to_mzone(zonelist_zone_idx(z));
		if (mz >= 0 && n < MMLAB_NR_ZONES)
			order[n++] = mz;
	}
	return n;
}

/*
 * __zone_watermark_ok() for an mmlab zone with @free free pages: the order-0
 * check against @mark plus the lowmem reserve kept from requests whose
 * highest zone is @highest, then for higher orders a free block big enough.
 */
static bool zone_wmark_ok(struct mmlab_zone *zone, unsigned int order,
			  long mark, int highest, long free)
{
	unsigned int o;

	free -= (1L << order) - 1;
	if (free <= mark + (long)zone->lowmem_reserve[highest])
		return false;
	if (!order)
		return true;
	for (o = order; o < MMLAB_MAX_ORDER; o++)
		if (READ_ONCE(zone->free_area[o].nr_free))
			return true;
	return false;
}

/* The kernel's fallbacks[] for the types mmlab has. */
static const int mt_fallbacks[MMLAB_MIGRATE_TYPES][2] = {
	[MMLAB_MIGRATE_UNMOVABLE] = { MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_MOVABLE },
	[MMLAB_MIGRATE_MOVABLE] = { MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_UNMOVABLE },
	[MMLAB_MIGRATE_RECLAIMABLE] = { MMLAB_MIGRATE_UNMOVABLE, MMLAB_MIGRATE_MOVABLE },
};

/* Whether a free list of @zone of type @mt has a block of order @o. */
static bool has_free(struct mmlab_zone *zone, unsigned int o, int mt)
{
	return !list_empty(&zone->free_area[o].free_list[mt]);
}

/*
 * Whether rmqueue() finds a block of @order and @mt in @zone once the
 * watermark passed: this CPU's per-CPU list for low orders, a block of the
 * type itself, or one of another type __rmqueue_fallback() may take (with
 * ALLOC_NOFRAGMENT only whole pageblocks). The caller keeps the CPU.
 */
static bool zone_can_serve(struct mmlab_zone *zone, unsigned int order, int mt,
			   bool nofrag)
{
	struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, raw_smp_processor_id());
	unsigned int o;

	if (order <= MMLAB_PCP_MAX_ORDER &&
	    !list_empty(&pcp->lists[order_to_pindex(mt, order)]))
		return true;
	for (o = order; o < MMLAB_MAX_ORDER; o++) {
		if (has_free(zone, o, mt))
			return true;
		if (nofrag && o < MMLAB_PAGEBLOCK_ORDER)
			continue;
		if (has_free(zone, o, mt_fallbacks[mt][0]) ||
		    has_free(zone, o, mt_fallbacks[mt][1]))
			return true;
	}
	return false;
}

/**
 * struct pick - where the kernel's rule serves a request.
 * @zone:	mmlab zone, or -1 for NULL.
 * @nofrag:	served in the fast path's ALLOC_NOFRAGMENT round.
 */
struct pick {
	int zone;
	bool nofrag;
};

/*
 * The zone the kernel's __alloc_pages() would serve @gfp/@order from, given
 * the pool's current free pages: the fast path tries each zone of the
 * zonelist at its low watermark, first with ALLOC_NOFRAGMENT when the
 * preferred zone is Normal (alloc_flags_nofragment()),
 * then without; the slow path at the min watermark adjusted for the caller's
 * flags; mmlab has no reclaim, so then NULL. The caller keeps the CPU
 * (migrate_disable()) for orders the per-CPU lists keep.
 */
static struct pick kernel_pick(gfp_t gfp, unsigned int order)
{
	int zorder[MMLAB_NR_ZONES], n, i, round, pref = -1;
	int highest = host_to_mzone(gfp_zone(gfp));
	int mt = gfp_mt(gfp);
	struct pick p = { -1, false };
	bool nofrag;

	n = kernel_zone_order(gfp, zorder);
	for (i = 0; i < n && pref < 0; i++)
		if (mmlab_zone_populated(&mmlab_zones[zorder[i]]))
			pref = zorder[i];
	/* On one node the kernel does not even look whether DMA32 is populated. */
	nofrag = pref == MMLAB_ZONE_NORMAL &&
		 (nr_online_nodes == 1 || mmlab_zone_populated(&mmlab_zones[MMLAB_ZONE_DMA32]));
	for (round = nofrag ? 0 : 1; round < 3; round++) {
		for (i = 0; i < n; i++) {
			struct mmlab_zone *zone = &mmlab_zones[zorder[i]];
			long mark;

			if (!mmlab_zone_populated(zone))
				continue;
			if (round < 2)
				mark = zone->watermark[MMLAB_WMARK_LOW];
			else
				mark = kernel_min_mark(gfp, zone->watermark[MMLAB_WMARK_MIN]);
			if (zone_wmark_ok(zone, order, mark, highest,
					  READ_ONCE(zone->nr_free_pages)) &&
			    zone_can_serve(zone, order, mt, round == 0)) {
				p.zone = zorder[i];
				p.nofrag = round == 0;
				return p;
			}
		}
	}
	return p;
}

static int kernel_pick_zone(gfp_t gfp, unsigned int order)
{
	return kernel_pick(gfp, order).zone;
}

/* === Blocks a case holds === */

/**
 * struct held - blocks allocated by a case, freed by its exit at the latest.
 * @page:	first page of each block.
 * @order:	order of each block.
 * @nr:		blocks held.
 * @cap:	room in @page and @order (one per pool page: the worst case).
 */
struct held {
	struct page **page;
	u8 *order;
	unsigned long nr;
	unsigned long cap;
};

static int held_init(struct held *h)
{
	h->cap = mmlab_pool.nr_pages;
	h->nr = 0;
	h->page = kvcalloc(h->cap, sizeof(*h->page), GFP_KERNEL);
	h->order = kvcalloc(h->cap, sizeof(*h->order), GFP_KERNEL);
	if (!h->page || !h->order) {
		kvfree(h->page);
		kvfree(h->order);
		return -ENOMEM;
	}
	return 0;
}

static void held_add(struct held *h, struct page *page, unsigned int order)
{
	if (WARN_ON_ONCE(h->nr >= h->cap))
		return;
	h->page[h->nr] = page;
	h->order[h->nr++] = order;
}

/* Free the most recent blocks until @keep remain (NULL: freed already). */
static void held_free_to(struct held *h, unsigned long keep)
{
	while (h->nr > keep) {
		h->nr--;
		if (h->page[h->nr])
			mmlab_free_pages(h->page[h->nr], h->order[h->nr]);
	}
}

/*
 * Free the upper half of every pair of held buddies of @order: the freed
 * halves cannot merge, so they stay free blocks of @order.
 */
static void held_free_upper_halves(struct held *h, unsigned int order)
{
	unsigned long i, j;

	for (i = 0; i < h->nr; i++) {
		unsigned long pfn;

		if (!h->page[i] || h->order[i] != order)
			continue;
		pfn = page_to_pfn(h->page[i]);
		if (!(pfn & (1UL << order)))
			continue;
		for (j = 0; j < h->nr; j++) {
			if (h->page[j] && h->order[j] == order &&
			    page_to_pfn(h->page[j]) == (pfn ^ (1UL << order))) {
				mmlab_free_pages(h->page[i], order);
				h->page[i] = NULL;
				break;
			}
		}
	}
}

static void held_destroy(struct held *h)
{
	held_free_to(h, 0);
	kvfree(h->page);
	kvfree(h->order);
}

/* === Reading the pool === */

/* The mmlab zone index of a pool page, or -1. */
static int page_mzone(struct page *page)
{
	struct mmlab_section *sec = pfn_to_section(page_to_pfn(page));

	return sec ? (int)sec->zone->idx : -1;
}

/**
 * struct fblock - one free block, as debugfs free_lists shows it.
 * @pfn:	first PFN.
 * @zone:	mmlab zone.
 * @order:	order.
 */
struct fblock {
	unsigned long pfn;
	u8 zone;
	u8 order;
};

/**
 * struct pool_walk - what a walk over every page of the pool found.
 * @nr:		free blocks in @blocks (BUDDY heads, by PFN within a zone).
 * @blocks:	the free blocks, or NULL if not asked for.
 * @buddy:	pages in free-list blocks, per zone.
 * @pcp:	pages in per-CPU list blocks, per zone.
 * @alloc:	pages in allocated blocks, per zone.
 * @present:	pool pages, per zone.
 * @heads:	free-list blocks by zone, order and migrate type.
 * @listed:	entries on each free list.
 * @nr_free:	each free_area's nr_free, read under the zone lock.
 * @nr_free_pages: each zone's nr_free_pages, read under the zone lock.
 * @bad:	pages whose state contradicts their block (misaligned head,
 *		missing tail, orphan tail, list entry not a matching head).
 * @first_bad:	PFN of the first such page.
 */
struct pool_walk {
	unsigned long nr;
	struct fblock *blocks;
	unsigned long buddy[MMLAB_NR_ZONES];
	unsigned long pcp[MMLAB_NR_ZONES];
	unsigned long alloc[MMLAB_NR_ZONES];
	unsigned long present[MMLAB_NR_ZONES];
	unsigned long heads[MMLAB_NR_ZONES][MMLAB_MAX_ORDER][MMLAB_MIGRATE_TYPES];
	unsigned long listed[MMLAB_NR_ZONES][MMLAB_MAX_ORDER][MMLAB_MIGRATE_TYPES];
	unsigned long nr_free[MMLAB_NR_ZONES][MMLAB_MAX_ORDER];
	unsigned long nr_free_pages[MMLAB_NR_ZONES];
	unsigned long bad;
	unsigned long first_bad;
};

static void walk_bad(struct pool_walk *w, unsigned long pfn)
{
	if (!w->bad++)
		w->first_bad = pfn;
}

/* Walk one section's pages; the zone lock is held. */
static void walk_section(struct pool_walk *w, struct mmlab_section *sec,
			 unsigned long cap)
{
	int z = sec->zone->idx;
	unsigned long i = 0;

	while (i < MMLAB_SECTION_PAGES) {
		struct mmlab_page *mp = &sec->pages[i];
		unsigned long pfn = sec->start_pfn + i, n, t;

		if (mp->state == MMLAB_PAGE_ABSENT) {
			i++;
			continue;
		}
		if (mp->state == MMLAB_PAGE_TAIL || mp->order >= MMLAB_MAX_ORDER ||
		    (i & ((1UL << mp->order) - 1))) {
			walk_bad(w, pfn);
			w->present[z]++;
			i++;
			continue;
		}
		n = 1UL << mp->order;
		for (t = 1; t < n; t++)
			if (sec->pages[i + t].state != MMLAB_PAGE_TAIL)
				walk_bad(w, pfn + t);
		w->present[z] += n;
		switch (mp->state) {
		case MMLAB_PAGE_BUDDY:
			w->buddy[z] += n;
			if (mp->migratetype < MMLAB_MIGRATE_TYPES)
				w->heads[z][mp->order][mp->migratetype]++;
			else
				walk_bad(w, pfn);
			if (w->blocks && w->nr < cap) {
				w->blocks[w->nr].pfn = pfn;
				w->blocks[w->nr].zone = z;
				w->blocks[w->nr].order = mp->order;
			}
			w->nr++;
			break;
		case MMLAB_PAGE_PCP:
			w->pcp[z] += n;
			break;
		case MMLAB_PAGE_ALLOC:
			w->alloc[z] += n;
			break;
		default:
			walk_bad(w, pfn);
		}
		i += n;
	}
}

/* Walk the free lists of @zone; its lock is held. */
static void walk_lists(struct pool_walk *w, struct mmlab_zone *zone)
{
	int z = zone->idx;
	unsigned int o, mt;

	for (o = 0; o < MMLAB_MAX_ORDER; o++) {
		struct mmlab_free_area *area = &zone->free_area[o];

		w->nr_free[z][o] = area->nr_free;
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
			struct mmlab_page *mp;

			list_for_each_entry(mp, &area->free_list[mt], lru) {
				w->listed[z][o][mt]++;
				if (mp->state != MMLAB_PAGE_BUDDY || mp->order != o ||
				    mp->migratetype != mt ||
				    pfn_to_mpage(mpage_pfn(mp)) != mp)
					walk_bad(w, mpage_pfn(mp));
			}
		}
	}
	w->nr_free_pages[z] = zone->nr_free_pages;
}

/*
 * walk_pool() - count every page of the pool by state, zone by zone under
 * the zone lock; with @cap, also list the free blocks (PFN order per zone).
 */
static int walk_pool(struct pool_walk *w, unsigned long cap)
{
	struct mmlab_zone *zone;

	memset(w, 0, offsetof(struct pool_walk, buddy));
	memset(w->buddy, 0, sizeof(*w) - offsetof(struct pool_walk, buddy));
	if (cap) {
		w->blocks = kvcalloc(cap, sizeof(*w->blocks), GFP_KERNEL);
		if (!w->blocks)
			return -ENOMEM;
	}
	for_each_mmlab_zone(zone) {
		struct mmlab_section *sec;
		unsigned long idx, flags;

		spin_lock_irqsave(&zone->lock, flags);
		xa_for_each(&mmlab_pool.sections, idx, sec)
			if (sec->zone == zone)
				walk_section(w, sec, cap);
		walk_lists(w, zone);
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	if (cap && w->nr > cap)
		return -E2BIG;
	return 0;
}

static void walk_release(struct pool_walk *w)
{
	kvfree(w->blocks);
	w->blocks = NULL;
}

/* Expect the free lists of @a and @b to hold the same blocks (any type). */
static void expect_same_free_blocks(struct kunit *test, struct pool_walk *a,
				    struct pool_walk *b)
{
	unsigned long i, n = min(a->nr, b->nr);

	KUNIT_EXPECT_EQ(test, a->nr, b->nr);
	for (i = 0; i < n; i++) {
		struct fblock *x = &a->blocks[i], *y = &b->blocks[i];

		if (x->pfn != y->pfn || x->zone != y->zone || x->order != y->order) {
			KUNIT_FAIL(test,
				   "free block %lu: was %s order %u [%#lx, %#lx), now %s order %u [%#lx, %#lx)",
				   i, mmlab_zone_names[x->zone], x->order, x->pfn,
				   x->pfn + (1UL << x->order),
				   mmlab_zone_names[y->zone], y->order, y->pfn,
				   y->pfn + (1UL << y->order));
			return;
		}
	}
}

/*
 * Expect the walk to be self-consistent: nr_free_pages equals the sum over
 * orders of nr_free << order equals the pages found in free blocks; each
 * nr_free equals its lists' lengths and the heads found; every pool page is
 * in exactly one of free lists, per-CPU lists, allocated.
 */
static void expect_walk_consistent(struct kunit *test, struct pool_walk *w)
{
	struct mmlab_zone *zone;

	KUNIT_EXPECT_EQ_MSG(test, w->bad, 0UL, "first bad page %#lx", w->first_bad);
	for_each_mmlab_zone(zone) {
		int z = zone->idx;
		unsigned long sum = 0;
		unsigned int o, mt;

		for (o = 0; o < MMLAB_MAX_ORDER; o++) {
			unsigned long listed = 0, heads = 0;

			for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
				listed += w->listed[z][o][mt];
				heads += w->heads[z][o][mt];
				KUNIT_EXPECT_EQ_MSG(test, w->listed[z][o][mt], w->heads[z][o][mt],
						    "%s order %u %s", zone->name, o,
						    mmlab_migratetype_names[mt]);
			}
			KUNIT_EXPECT_EQ_MSG(test, w->nr_free[z][o], listed,
					    "%s order %u", zone->name, o);
			KUNIT_EXPECT_EQ_MSG(test, w->nr_free[z][o], heads,
					    "%s order %u", zone->name, o);
			sum += w->nr_free[z][o] << o;
		}
		KUNIT_EXPECT_EQ_MSG(test, w->nr_free_pages[z], sum, "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, w->nr_free_pages[z], w->buddy[z], "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, w->present[z], zone->present_pages, "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, w->buddy[z] + w->pcp[z] + w->alloc[z],
				    zone->present_pages, "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, w->pcp[z], mmlab_pcp_count(zone), "%s", zone->name);
	}
}

/* Event counters of every zone. */
struct stats {
	unsigned long v[MMLAB_NR_ZONES][MMLAB_NR_ZONE_STATS];
};

static void read_stats(struct stats *s)
{
	struct mmlab_zone *zone;
	int i;

	for_each_mmlab_zone(zone)
		for (i = 0; i < MMLAB_NR_ZONE_STATS; i++)
			s->v[zone->idx][i] = mmlab_zone_stat(zone, i);
}

static unsigned long stat_delta(struct stats *a, struct stats *b, int z, int item)
{
	return b->v[z][item] - a->v[z][item];
}

static unsigned long stat_delta_all(struct stats *a, struct stats *b, int item)
{
	unsigned long d = 0;
	int z;

	for (z = 0; z < MMLAB_NR_ZONES; z++)
		d += stat_delta(a, b, z, item);
	return d;
}

/* Expect @page to be an allocated, aligned block of @order inside the pool. */
static void expect_block_ok(struct kunit *test, struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), i;
	struct mmlab_page *mp = pfn_to_mpage(pfn);

	KUNIT_EXPECT_EQ_MSG(test, pfn & ((1UL << order) - 1), 0UL,
			    "pfn %#lx order %u misaligned", pfn, order);
	KUNIT_EXPECT_NOT_NULL_MSG(test, mp, "pfn %#lx not in the pool", pfn);
	if (!mp)
		return;
	KUNIT_EXPECT_EQ(test, mp->state, MMLAB_PAGE_ALLOC);
	KUNIT_EXPECT_EQ(test, mp->order, order);
	for (i = 0; i < (1UL << order); i++)
		KUNIT_EXPECT_TRUE(test, mmlab_pfn_in_pool(pfn + i));
	KUNIT_EXPECT_EQ(test, page_mzone(page), page_mzone(pfn_to_page(pfn + (1UL << order) - 1)));
}

/* === Per-case setup === */

/**
 * struct buddy_ctx - what every case gets in test->priv.
 * @held:	blocks the case holds; its exit frees them.
 * @before:	the pool walked after the init's drain.
 * @nr_pages:	mmlab_pool.nr_pages then.
 */
struct buddy_ctx {
	struct held held;
	struct pool_walk before;
	unsigned long nr_pages;
};

static int buddy_test_init(struct kunit *test)
{
	struct buddy_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int err;

	if (!ctx)
		return -ENOMEM;
	err = held_init(&ctx->held);
	if (err)
		return err;
	mmlab_drain_all_pages();
	ctx->nr_pages = mmlab_pool.nr_pages;
	err = walk_pool(&ctx->before, mmlab_pool.nr_pages);
	if (err) {
		held_destroy(&ctx->held);
		walk_release(&ctx->before);
		return err;
	}
	test->priv = ctx;
	return 0;
}

static void buddy_test_exit(struct kunit *test)
{
	struct buddy_ctx *ctx = test->priv;
	struct pool_walk *after;

	held_destroy(&ctx->held);
	mmlab_drain_all_pages();
	KUNIT_EXPECT_EQ(test, mmlab_pool.nr_pages, ctx->nr_pages);
	after = kzalloc(sizeof(*after), GFP_KERNEL);
	if (after && !walk_pool(after, mmlab_pool.nr_pages)) {
		/* Every case leaves the free lists as it found them. */
		expect_same_free_blocks(test, &ctx->before, after);
		expect_walk_consistent(test, after);
	}
	if (after)
		walk_release(after);
	kfree(after);
	walk_release(&ctx->before);
}

static struct held *held_of(struct kunit *test)
{
	return &((struct buddy_ctx *)test->priv)->held;
}

/* A fresh walk of the pool, released by the kunit resource machinery. */
static struct pool_walk *walk_now(struct kunit *test, bool blocks)
{
	struct pool_walk *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	if (walk_pool(w, blocks ? mmlab_pool.nr_pages : 0)) {
		walk_release(w);
		KUNIT_ASSERT_FAILURE(test, "cannot walk the pool");
	}
	return w;
}

/* === Suite mmlab_buddy: blocks, free lists and counters === */

static const unsigned int test_orders[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static void order_desc(const unsigned int *order, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "order %u", *order);
}

KUNIT_ARRAY_PARAM(test_orders, test_orders, order_desc);

/* One block of each order: aligned, in the pool, usable, and given back. */
static void test_alloc_order(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	struct page *page;
	int zone;

	migrate_disable();
	zone = kernel_pick_zone(GFP_KERNEL, order);
	page = mmlab_alloc_pages(GFP_KERNEL, order);
	migrate_enable();
	if (zone < 0) {
		KUNIT_EXPECT_NULL(test, page);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, page);
	held_add(held_of(test), page, order);
	expect_block_ok(test, page, order);
	KUNIT_EXPECT_EQ(test, page_mzone(page), zone);
	/* Every byte is ours: KASAN would catch a block it does not cover. */
	memset(page_address(page), 0x5a, PAGE_SIZE << order);
}

/*
 * Many blocks of random orders and zones, all kept: each aligned to its
 * order, inside the pool, from the zone the kernel would pick, and no two
 * overlapping.
 */
static void test_random_blocks(struct kunit *test)
{
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
		GFP_KERNEL | GFP_DMA32, GFP_ATOMIC,
	};
	struct held *h = held_of(test);
	struct rnd_state rnd;
	unsigned long budget = mmlab_pool.nr_pages / 2, used = 0, i, nr_null = 0;
	unsigned long *bitmap;
	unsigned long base = ULONG_MAX, top = 0, wrong_zone = 0;

	kunit_info(test, "seed %#llx\n", TEST_SEED);
	prandom_seed_state(&rnd, TEST_SEED);
	migrate_disable();
	for (i = 0; i < 2000 && used < budget; i++) {
		u32 r = prandom_u32_state(&rnd);
		/* One in four of any order, the rest of the per-CPU orders. */
		unsigned int order = r % 4 ? r % (MMLAB_PCP_MAX_ORDER + 1) :
				     (r >> 8) % MMLAB_MAX_ORDER;
		gfp_t gfp = gfps[prandom_u32_state(&rnd) % ARRAY_SIZE(gfps)];
		int zone = kernel_pick_zone(gfp, order);
		struct page *page;

		if (used + (1UL << order) > budget)
			continue;
		page = mmlab_alloc_pages(gfp, order);
		if (page_mzone(page) != zone && wrong_zone++ == 0)
			KUNIT_FAIL(test,
				   "alloc %u: order %u gfp %pGg: zone %d, the kernel's rule says %d",
				   (unsigned int)i, order, &gfp,
				   page ? page_mzone(page) : -1, zone);
		if (!page) {
			nr_null++;
			continue;
		}
		held_add(h, page, order);
		used += 1UL << order;
		expect_block_ok(test, page, order);
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, wrong_zone, 0UL);
	/* Enough blocks to mean something: most of the budget used. */
	KUNIT_EXPECT_GE(test, used, budget / 2);
	KUNIT_EXPECT_GE(test, h->nr, 32UL);

	/* No two blocks overlap: mark each block's pages in one bitmap. */
	for (i = 0; i < h->nr; i++) {
		unsigned long pfn = page_to_pfn(h->page[i]);

		base = min(base, pfn);
		top = max(top, pfn + (1UL << h->order[i]));
	}
	bitmap = kunit_kzalloc(test, BITS_TO_LONGS(top - base) * sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bitmap);
	for (i = 0; i < h->nr; i++) {
		unsigned long off = page_to_pfn(h->page[i]) - base;
		unsigned long n = 1UL << h->order[i];

		KUNIT_EXPECT_EQ_MSG(test, find_next_bit(bitmap, off + n, off), off + n,
				    "block %#lx order %u overlaps another",
				    off + base, h->order[i]);
		bitmap_set(bitmap, off, n);
	}
	kunit_info(test, "%lu blocks, %lu pages, %lu NULL as the kernel's rule said\n",
		   h->nr, used, nr_null);
}

/*
 * Interleaved random allocations and frees, then everything freed and the
 * per-CPU lists drained: every zone's free lists hold exactly the blocks
 * they held before (zone, order, start, end; the type may have changed).
 */
static void test_restore_free_lists(struct kunit *test)
{
	struct buddy_ctx *ctx = test->priv;
	struct held *h = &ctx->held;
	struct pool_walk *after;
	struct rnd_state rnd;
	unsigned long i, cap = mmlab_pool.nr_pages / 4, used = 0;

	kunit_info(test, "seed %#llx\n", TEST_SEED + 1);
	prandom_seed_state(&rnd, TEST_SEED + 1);
	for (i = 0; i < 3000; i++) {
		u32 r = prandom_u32_state(&rnd);
		unsigned int order = r % 6 ? r % 4 : r % MMLAB_MAX_ORDER;
		struct page *page;

		if (h->nr && (r >> 16) % 3 == 0) {
			/* Free a random block: swap it with the last. */
			unsigned long k = (r >> 8) % h->nr;

			swap(h->page[k], h->page[h->nr - 1]);
			swap(h->order[k], h->order[h->nr - 1]);
			used -= 1UL << h->order[h->nr - 1];
			held_free_to(h, h->nr - 1);
			continue;
		}
		if (used + (1UL << order) > cap)
			continue;
		page = mmlab_alloc_pages((r & 0x100) ? GFP_KERNEL : GFP_KERNEL | __GFP_MOVABLE,
					 order);
		if (page) {
			held_add(h, page, order);
			used += 1UL << order;
		}
	}
	kunit_info(test, "%lu blocks held before freeing all\n", h->nr);
	held_free_to(h, 0);
	mmlab_drain_all_pages();
	after = walk_now(test, true);
	expect_same_free_blocks(test, &ctx->before, after);
	expect_walk_consistent(test, after);
	walk_release(after);
}

/*
 * nr_free_pages, each nr_free, the list lengths and the pages found by a
 * walk agree, on a drained pool and with blocks allocated and pages on
 * per-CPU lists.
 */
static void test_counters_consistent(struct kunit *test)
{
	struct buddy_ctx *ctx = test->priv;
	struct pool_walk *w;
	unsigned int order;

	expect_walk_consistent(test, &ctx->before);
	for (order = 0; order < MMLAB_MAX_ORDER; order += 1 + order / 2) {
		struct page *page = mmlab_alloc_pages(GFP_KERNEL, order);

		if (page)
			held_add(&ctx->held, page, order);
	}
	/* Free one order-0 page so that a per-CPU list holds something. */
	if (ctx->held.nr && ctx->held.order[ctx->held.nr - 1] == 0)
		held_free_to(&ctx->held, ctx->held.nr - 1);
	w = walk_now(test, false);
	expect_walk_consistent(test, w);
	KUNIT_EXPECT_GT(test, w->alloc[0] + w->alloc[1] + w->alloc[2], 0UL);
}

static const unsigned int split_orders[] = { 4, 5, 6, 7, 8, 9, 10 };

KUNIT_ARRAY_PARAM(split_orders, split_orders, order_desc);

/*
 * A known sequence, on orders the per-CPU lists do not keep: allocating a
 * movable block of order o from a zone whose smallest movable free block of
 * order >= o has order k splits k - o times (__rmqueue_smallest() and
 * expand()); freeing it merges k - o times and restores the lists.
 */
static void test_split_merge_counts(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	const gfp_t gfp = GFP_KERNEL | __GFP_MOVABLE;
	struct pool_walk *w = &((struct buddy_ctx *)test->priv)->before;
	struct stats *s0, *s1, *s2;
	unsigned long splits;
	struct page *page;
	unsigned int k;
	int zone;

	zone = kernel_pick_zone(gfp, order);
	if (zone < 0)
		skip_case(test, "no zone can serve order %u", order);
	for (k = order; k < MMLAB_MAX_ORDER; k++)
		if (w->heads[zone][k][MMLAB_MIGRATE_MOVABLE])
			break;
	if (k == MMLAB_MAX_ORDER)
		skip_case(test, "no movable block of order >= %u in %s", order,
			  mmlab_zone_names[zone]);

	splits = k - order;
	s0 = kunit_kzalloc(test, 3 * sizeof(*s0), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	s1 = s0 + 1;
	s2 = s0 + 2;
	read_stats(s0);
	page = mmlab_alloc_pages(gfp, order);
	read_stats(s1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, page_mzone(page), zone);
	KUNIT_EXPECT_EQ(test, stat_delta(s0, s1, zone, MMLAB_STAT_SPLIT), splits);
	KUNIT_EXPECT_EQ(test, stat_delta(s0, s1, zone, MMLAB_STAT_ALLOC), 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_MERGE), 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_MT_FALLBACK), 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_PCP_REFILL), 0UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mmlab_zones[zone].nr_free_pages),
			w->nr_free_pages[zone] - (1UL << order));
	mmlab_free_pages(page, order);
	read_stats(s2);
	KUNIT_EXPECT_EQ(test, stat_delta(s1, s2, zone, MMLAB_STAT_MERGE), splits);
	KUNIT_EXPECT_EQ(test, stat_delta(s1, s2, zone, MMLAB_STAT_FREE), 1UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mmlab_zones[zone].nr_free_pages), w->nr_free_pages[zone]);
}

static const unsigned int zero_orders[] = { 0, 1, 3, 4, 9 };

KUNIT_ARRAY_PARAM(zero_orders, zero_orders, order_desc);

/* Dirty @nr blocks, free them, take @nr back with __GFP_ZERO; count reuse. */
static unsigned long zero_round(struct kunit *test, unsigned int order, unsigned long nr,
				bool native)
{
	size_t size = PAGE_SIZE << order;
	struct page **pages;
	unsigned long i, j, reused = 0, nonzero = 0;

	pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < nr; i++) {
		pages[i] = native ? alloc_pages(GFP_KERNEL, order) :
				    mmlab_alloc_pages(GFP_KERNEL, order);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		memset(page_address(pages[i]), 0xa5, size);
	}
	for (i = nr; i-- > 0;) {
		if (native)
			__free_pages(pages[i], order);
		else
			mmlab_free_pages(pages[i], order);
	}
	for (i = 0; i < nr; i++) {
		struct page *page = native ? alloc_pages(GFP_KERNEL | __GFP_ZERO, order) :
					     mmlab_alloc_pages(GFP_KERNEL | __GFP_ZERO, order);

		KUNIT_ASSERT_NOT_NULL(test, page);
		if (memchr_inv(page_address(page), 0, size))
			nonzero++;
		for (j = 0; j < nr; j++)
			if (pages[j] == page)
				reused++;
		if (native)
			__free_pages(page, order);
		else
			mmlab_free_pages(page, order);
	}
	KUNIT_EXPECT_EQ_MSG(test, nonzero, 0UL, "%s blocks not zeroed",
			    native ? "native" : "mmlab");
	return reused;
}

/* __GFP_ZERO gives zeroed blocks, dirty ones included, as native does. */
static void test_gfp_zero(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	unsigned long nr, reused;
	int z = kernel_pick_zone(GFP_KERNEL, order);

	KUNIT_ASSERT_GE_MSG(test, z, 0, "no zone can serve order %u", order);
	nr = min(8UL, READ_ONCE(mmlab_zones[z].nr_free_pages) / (4UL << order));
	KUNIT_ASSERT_GT(test, nr, 0UL);
	zero_round(test, order, nr, true);
	reused = zero_round(test, order, nr, false);
	/* The test means something only if dirty blocks came back. */
	KUNIT_EXPECT_GT_MSG(test, reused, 0UL, "no dirty block was handed out again");
}

static int buddy_suite_init(struct kunit_suite *suite)
{
	console_reports_start("mmlab: bad free of pfn");
	return 0;
}

static void buddy_suite_exit(struct kunit_suite *suite)
{
	console_reports_stop();
}

/**
 * struct bad_free - one free mmlab must refuse.
 * @what:	what is wrong with it.
 * @page_off:	page to free, from the test's order-2 block (-1: a native
 *		page; -2: the first free block of the pool).
 * @order:	order to free it with (-1: that free block's own).
 */
struct bad_free {
	const char *what;
	int page_off;
	int order;
};

static const struct bad_free bad_frees[] = {
	{ "a native page", -1, 0 },
	{ "a free block of the pool", -2, -1 },
	{ "a tail page", 1, 0 },
	{ "a smaller order", 0, 1 },
	{ "a larger order", 0, 3 },
};

static void bad_free_desc(const struct bad_free *b, char *desc)
{
	strscpy(desc, b->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_frees, bad_frees, bad_free_desc);

/*
 * A free mmlab cannot accept is refused with one report naming the PFN,
 * counted, and changes nothing: the free lists, the counters and the block
 * the test holds are as they were.
 */
static void test_bad_free(struct kunit *test)
{
	const struct bad_free *b = test->param_value;
	struct page *native, *page, *victim;
	struct pool_walk *w0, *w1;
	struct stats *s0, *s1;
	unsigned long bad0;
	char line[256], pfn[24];
	int order = b->order;

	native = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, native);
	page = mmlab_alloc_pages(GFP_KERNEL, 2);
	if (!page)
		__free_page(native);
	KUNIT_ASSERT_NOT_NULL(test, page);
	held_add(held_of(test), page, 2);
	mmlab_drain_all_pages();

	s0 = kunit_kzalloc(test, 2 * sizeof(*s0), GFP_KERNEL);
	if (!s0)
		__free_page(native);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	s1 = s0 + 1;
	w0 = walk_now(test, true);
	if (b->page_off == -1) {
		victim = native;
	} else if (b->page_off == -2) {
		victim = pfn_to_page(w0->blocks[0].pfn);
		order = w0->blocks[0].order;
	} else {
		victim = page + b->page_off;
	}
	KUNIT_EXPECT_EQ(test, mmlab_pfn_in_pool(page_to_pfn(native)), false);
	snprintf(pfn, sizeof(pfn), "pfn 0x%lx ", page_to_pfn(victim));

	take_reports(line, sizeof(line));
	read_stats(s0);
	bad0 = mmlab_bad_free_count();
	mmlab_free_pages(victim, order);
	read_stats(s1);
	__free_page(native);

	KUNIT_EXPECT_EQ(test, mmlab_bad_free_count() - bad0, 1UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, pfn), "report \"%s\" lacks \"%s\"",
				  line, pfn);
	w1 = walk_now(test, true);
	expect_same_free_blocks(test, w0, w1);
	expect_walk_consistent(test, w1);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_FREE), 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_MERGE), 0UL);
	KUNIT_EXPECT_EQ(test, pfn_to_mpage(page_to_pfn(page))->state, MMLAB_PAGE_ALLOC);
	KUNIT_EXPECT_EQ(test, pfn_to_mpage(page_to_pfn(page))->order, 2);
	walk_release(w0);
	walk_release(w1);
}

/* The second free of a block is refused; the first went through. */
static void test_double_free(struct kunit *test)
{
	struct page *page = mmlab_alloc_pages(GFP_KERNEL, 4);
	struct pool_walk *w0, *w1;
	unsigned long bad0, free0;
	char line[256];

	KUNIT_ASSERT_NOT_NULL(test, page);
	free0 = mmlab_zone_stat_all(MMLAB_STAT_FREE);
	mmlab_free_pages(page, 4);
	KUNIT_EXPECT_EQ(test, mmlab_zone_stat_all(MMLAB_STAT_FREE) - free0, 1UL);
	w0 = walk_now(test, true);
	take_reports(line, sizeof(line));
	bad0 = mmlab_bad_free_count();
	mmlab_free_pages(page, 4);
	KUNIT_EXPECT_EQ(test, mmlab_bad_free_count() - bad0, 1UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_EQ(test, mmlab_zone_stat_all(MMLAB_STAT_FREE) - free0, 1UL);
	w1 = walk_now(test, true);
	expect_same_free_blocks(test, w0, w1);
	expect_walk_consistent(test, w1);
	walk_release(w0);
	walk_release(w1);
}

/*
 * mmlab_get_free_pages() gives the direct-map address of an aligned block
 * and mmlab_free_pages_addr() takes it back; 0 is ignored as by
 * free_pages(), an address outside the direct map is refused and reported.
 */
static void test_free_pages_addr(struct kunit *test)
{
	unsigned long addr, bad0, free0;
	char line[256];
	void *vaddr;

	addr = mmlab_get_free_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(addr, PAGE_SIZE << 3));
	expect_block_ok(test, virt_to_page((void *)addr), 3);
	free0 = mmlab_zone_stat_all(MMLAB_STAT_FREE);
	mmlab_free_pages_addr(addr, 3);
	KUNIT_EXPECT_EQ(test, mmlab_zone_stat_all(MMLAB_STAT_FREE) - free0, 1UL);
	KUNIT_EXPECT_NE(test, pfn_to_mpage(page_to_pfn(virt_to_page((void *)addr)))->state,
			MMLAB_PAGE_ALLOC);

	vaddr = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vaddr);
	take_reports(line, sizeof(line));
	bad0 = mmlab_bad_free_count();
	mmlab_free_pages_addr(0, 0);
	KUNIT_EXPECT_EQ(test, mmlab_bad_free_count(), bad0);
	mmlab_free_pages_addr((unsigned long)vaddr, 0);
	vfree(vaddr);
	KUNIT_EXPECT_EQ(test, mmlab_bad_free_count() - bad0, 1UL);
	KUNIT_EXPECT_EQ(test, take_reports(line, sizeof(line)), 1);
	KUNIT_EXPECT_EQ(test, mmlab_zone_stat_all(MMLAB_STAT_FREE) - free0, 1UL);
}

static struct kunit_case buddy_cases[] = {
	KUNIT_CASE_PARAM(test_alloc_order, test_orders_gen_params),
	KUNIT_CASE(test_random_blocks),
	KUNIT_CASE(test_restore_free_lists),
	KUNIT_CASE(test_counters_consistent),
	KUNIT_CASE_PARAM(test_split_merge_counts, split_orders_gen_params),
	KUNIT_CASE_PARAM(test_gfp_zero, zero_orders_gen_params),
	KUNIT_CASE_PARAM(test_bad_free, bad_frees_gen_params),
	KUNIT_CASE(test_double_free),
	KUNIT_CASE(test_free_pages_addr),
	{}
};

static struct kunit_suite buddy_suite = {
	.name = "mmlab_buddy",
	.suite_init = buddy_suite_init,
	.suite_exit = buddy_suite_exit,
	.init = buddy_test_init,
	.exit = buddy_test_exit,
	.test_cases = buddy_cases,
};

/* === Suite mmlab_buddy_zones: zone choice, fallback, watermarks === */

/**
 * struct gfp_case - a GFP flag set and its name.
 * @gfp:	the flags.
 * @name:	how the kernel spells them.
 */
struct gfp_case {
	gfp_t gfp;
	const char *name;
};

static void gfp_desc(const struct gfp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct gfp_case zone_gfps[] = {
	{ GFP_KERNEL | GFP_DMA, "GFP_KERNEL|GFP_DMA" },
	{ GFP_KERNEL | GFP_DMA32, "GFP_KERNEL|GFP_DMA32" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_KERNEL | __GFP_MOVABLE, "GFP_KERNEL|__GFP_MOVABLE" },
	{ GFP_ATOMIC | GFP_DMA32, "GFP_ATOMIC|GFP_DMA32" },
};

KUNIT_ARRAY_PARAM(zone_gfps, zone_gfps, gfp_desc);

/*
 * mmlab serves a request from the zone native alloc_pages() serves it from
 * (both well above their watermarks), and mmlab_gfp_zone() is gfp_zone().
 */
static void test_zone_matches_native(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;
	enum zone_type native_zone;
	struct page *native, *page;
	int want, pick;

	KUNIT_EXPECT_EQ(test, (int)mmlab_gfp_zone(c->gfp), host_to_mzone(gfp_zone(c->gfp)));
	native = alloc_page(c->gfp);
	KUNIT_ASSERT_NOT_NULL(test, native);
	native_zone = page_zonenum(native);
	__free_page(native);

	want = host_to_mzone(native_zone);
	if (!mmlab_zone_populated(&mmlab_zones[want]))
		skip_case(test, "mmlab has no %s zone", mmlab_zone_names[want]);
	migrate_disable();
	pick = kernel_pick_zone(c->gfp, 0);
	page = mmlab_alloc_pages(c->gfp, 0);
	migrate_enable();
	if (page)
		held_add(held_of(test), page, 0);
	KUNIT_ASSERT_EQ_MSG(test, pick, want, "mmlab's %s zone is below its low watermark",
			    mmlab_zone_names[want]);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ_MSG(test, page_mzone(page), want, "native %s page came from host zone %d",
			    c->name, native_zone);
}

static const struct gfp_case fallback_gfps[] = {
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_KERNEL | GFP_DMA32, "GFP_KERNEL|GFP_DMA32" },
	{ GFP_KERNEL | GFP_DMA, "GFP_KERNEL|GFP_DMA" },
};

KUNIT_ARRAY_PARAM(fallback_gfps, fallback_gfps, gfp_desc);

/**
 * struct exhaust - the record of allocating order-0 pages until NULL.
 * @served:	pages served by each zone.
 * @mismatch:	allocations whose zone (or NULL) differs from the kernel's rule.
 * @first:	index of the first allocation each zone served (ULONG_MAX:
 *		none).
 * @nr:		allocations that succeeded.
 */
struct exhaust {
	unsigned long served[MMLAB_NR_ZONES];
	unsigned long mismatch;
	unsigned long first[MMLAB_NR_ZONES];
	unsigned long nr;
};

/*
 * Allocate order-0 pages with @gfp until mmlab returns NULL, checking each
 * against kernel_pick_zone() on the free pages just before it.
 */
static void exhaust(struct kunit *test, gfp_t gfp, struct exhaust *e)
{
	struct held *h = held_of(test);
	int z;

	memset(e, 0, sizeof(*e));
	for (z = 0; z < MMLAB_NR_ZONES; z++)
		e->first[z] = ULONG_MAX;
	migrate_disable();
	for (;;) {
		int want = kernel_pick_zone(gfp, 0);
		struct page *page = mmlab_alloc_pages(gfp, 0);
		int got = page ? page_mzone(page) : -1;

		if (got != want && e->mismatch++ < 3)
			KUNIT_FAIL(test, "allocation %lu (%pGg): %s, the kernel's rule says %s",
				   e->nr, &gfp, got < 0 ? "NULL" : mmlab_zone_names[got],
				   want < 0 ? "NULL" : mmlab_zone_names[want]);
		if (!page)
			break;
		held_add(h, page, 0);
		if (e->first[got] == ULONG_MAX)
			e->first[got] = e->nr;
		e->served[got]++;
		e->nr++;
		if (e->nr >= h->cap)
			break;
	}
	migrate_enable();
}

/*
 * Exhaust the preferred zone and beyond: allocations fall back in the
 * kernel's zonelist order (Normal, DMA32, DMA; DMA32, DMA; DMA alone), each
 * step where the kernel's watermark rule says, then NULL; the fallback and
 * failure counters count them, and the pool does not grow.
 */
static void test_zone_fallback(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;
	int zorder[MMLAB_NR_ZONES], n, i, prev = -1;
	struct stats *s0, *s1;
	struct exhaust *e;
	unsigned long fallbacks = 0;

	s0 = kunit_kzalloc(test, 2 * sizeof(*s0), GFP_KERNEL);
	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	s1 = s0 + 1;
	n = kernel_zone_order(c->gfp, zorder);
	KUNIT_ASSERT_GT(test, n, 0);

	read_stats(s0);
	exhaust(test, c->gfp, e);
	read_stats(s1);
	KUNIT_EXPECT_EQ(test, e->mismatch, 0UL);

	/* Zones were used in the zonelist's order, each after the last. */
	for (i = 0; i < n; i++) {
		int z = zorder[i];

		kunit_info(test, "%s: %lu pages from %s, first at allocation %ld\n", c->name,
			   e->served[z], mmlab_zone_names[z],
			   e->first[z] == ULONG_MAX ? -1L : (long)e->first[z]);
		if (!e->served[z])
			continue;
		if (prev >= 0)
			KUNIT_EXPECT_GT(test, e->first[z], e->first[prev]);
		/* The preferred zone is the first populated one (not a fallback). */
		if (prev >= 0)
			fallbacks += e->served[z];
		prev = z;
	}
	/* Only zones of the zonelist served it: GFP_DMA never falls back. */
	for (i = 0; i < MMLAB_NR_ZONES; i++) {
		bool listed = false;
		int j;

		for (j = 0; j < n; j++)
			listed |= zorder[j] == i;
		if (!listed)
			KUNIT_EXPECT_EQ_MSG(test, e->served[i], 0UL, "%s served %s",
					    mmlab_zone_names[i], c->name);
	}
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_ZONE_FALLBACK), fallbacks);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_FAIL), 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_ALLOC), e->nr);
	KUNIT_EXPECT_EQ(test, mmlab_pool.nr_pages, ((struct buddy_ctx *)test->priv)->nr_pages);

	/* A zone outside the zonelist still has pages: the NULL was the rule. */
	if (n < MMLAB_NR_ZONES && mmlab_zone_populated(&mmlab_zones[MMLAB_ZONE_NORMAL]))
		KUNIT_EXPECT_GT(test, READ_ONCE(mmlab_zones[MMLAB_ZONE_NORMAL].nr_free_pages),
				mmlab_zones[MMLAB_ZONE_NORMAL].watermark[MMLAB_WMARK_LOW]);
}

/*
 * GFP_KERNEL until NULL leaves each zone exactly at its min watermark plus
 * the lowmem reserve the kernel keeps for a Normal request: at most that
 * many free pages, and fewer only by what the last per-CPU refill took.
 */
static void test_watermark_min(struct kunit *test)
{
	struct exhaust *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	int highest = host_to_mzone(gfp_zone(GFP_KERNEL));
	struct mmlab_zone *zone;

	KUNIT_ASSERT_NOT_NULL(test, e);
	exhaust(test, GFP_KERNEL, e);
	KUNIT_EXPECT_EQ(test, e->mismatch, 0UL);
	for_each_populated_mmlab_zone(zone) {
		long thr = zone->watermark[MMLAB_WMARK_MIN] + zone->lowmem_reserve[highest];
		long free = READ_ONCE(zone->nr_free_pages);
		int batch = per_cpu_ptr(zone->pcp, raw_smp_processor_id())->batch;

		kunit_info(test, "%s: free %ld, min %lu + lowmem_reserve %lu, batch %d\n",
			   zone->name, free, zone->watermark[MMLAB_WMARK_MIN],
			   zone->lowmem_reserve[highest], batch);
		KUNIT_EXPECT_LE_MSG(test, free, thr, "%s", zone->name);
		if (e->served[zone->idx])
			KUNIT_EXPECT_GT_MSG(test, free, thr - max(batch, 1), "%s", zone->name);
	}
}

static const struct gfp_case reserve_gfps[] = {
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ GFP_KERNEL | __GFP_HIGH, "GFP_KERNEL|__GFP_HIGH" },
};

KUNIT_ARRAY_PARAM(reserve_gfps, reserve_gfps, gfp_desc);

/*
 * After GFP_KERNEL is refused, a request that may use the reserves gets
 * pages below min exactly as far as the kernel's ALLOC_MIN_RESERVE and
 * ALLOC_NON_BLOCK rules allow (GFP_ATOMIC: min - min/2 - (min - min/2)/4;
 * __GFP_HIGH: min/2; GFP_NOWAIT: none).
 */
static void test_watermark_reserves(struct kunit *test)
{
	const struct gfp_case *c = test->param_value;
	struct exhaust *e = kunit_kzalloc(test, 2 * sizeof(*e), GFP_KERNEL);
	int highest = host_to_mzone(gfp_zone(c->gfp));
	unsigned long before = 0;
	struct stats *s0, *s1;
	struct mmlab_zone *zone;

	s0 = kunit_kzalloc(test, 2 * sizeof(*s0), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	s1 = s0 + 1;
	exhaust(test, GFP_KERNEL, e);
	for_each_populated_mmlab_zone(zone)
		before += READ_ONCE(zone->nr_free_pages);
	read_stats(s0);
	exhaust(test, c->gfp, e + 1);
	read_stats(s1);
	KUNIT_EXPECT_EQ(test, e[1].mismatch, 0UL);
	if (c->gfp & __GFP_HIGH)
		KUNIT_EXPECT_GT(test, e[1].nr, 0UL);
	else
		KUNIT_EXPECT_EQ(test, e[1].nr, 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s1, MMLAB_STAT_FAIL), 1UL);
	for_each_populated_mmlab_zone(zone) {
		long min = kernel_min_mark(c->gfp, zone->watermark[MMLAB_WMARK_MIN]);

		KUNIT_EXPECT_LE_MSG(test, (long)READ_ONCE(zone->nr_free_pages),
				    min + (long)zone->lowmem_reserve[highest], "%s", zone->name);
	}
	kunit_info(test, "%s took %lu pages below GFP_KERNEL's limit (%lu free then)\n",
		   c->name, e[1].nr, before);
	KUNIT_EXPECT_EQ(test, mmlab_pool.nr_pages, ((struct buddy_ctx *)test->priv)->nr_pages);
}

/* CPUs zone_highsize() splits a zone's high over: those of its node. */
static unsigned int node_cpus(struct mmlab_zone *zone)
{
	unsigned int n = 0;

	if (zone->node != NUMA_NO_NODE)
		n = cpumask_weight(cpumask_of_node(zone->node));
	return n ? n : num_online_cpus();
}

/*
 * The watermarks and lowmem reserves follow __setup_per_zone_wmarks() and
 * setup_per_zone_lowmem_reserve() over the pool's managed pages, and the
 * per-CPU batch and high follow zone_batchsize() and zone_highsize().
 */
static void test_watermark_formulas(struct kunit *test)
{
	static const int ratio[MMLAB_NR_ZONES] = { 256, 256, 32 };
	unsigned long lowmem = 0, pages_min = 0;
	struct mmlab_zone *zone;
	int i, j;

	for_each_mmlab_zone(zone) {
		lowmem += zone->managed_pages;
		pages_min += zone->watermark[MMLAB_WMARK_MIN];
	}
	for_each_populated_mmlab_zone(zone) {
		unsigned long managed = zone->managed_pages, min = zone->watermark[MMLAB_WMARK_MIN];
		unsigned long tmp = max(min >> 2, mult_frac(managed, 10UL, 10000UL));
		int batch = min_t(unsigned long, managed >> 10, SZ_1M / PAGE_SIZE) / 4;
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, raw_smp_processor_id());

		KUNIT_EXPECT_EQ(test, zone->managed_pages, zone->present_pages);
		/* min is pages_min * managed / lowmem, up to the rounding of each zone */
		KUNIT_EXPECT_LE(test, min * lowmem, pages_min * managed + lowmem);
		KUNIT_EXPECT_EQ(test, zone->watermark[MMLAB_WMARK_LOW], min + tmp);
		KUNIT_EXPECT_EQ(test, zone->watermark[MMLAB_WMARK_HIGH], min + 2 * tmp);
		batch = max(batch, 1);
		/* zone_batchsize(), then max(1, ...) in zone_set_pageset_high_and_batch() */
		batch = max(1, (int)rounddown_pow_of_two(batch + batch / 2) - 1);
		KUNIT_EXPECT_EQ_MSG(test, pcp->batch, batch, "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, pcp->high,
				    max((int)(zone->watermark[MMLAB_WMARK_LOW] / node_cpus(zone)),
					pcp->batch << 2), "%s", zone->name);
	}
	for (i = 0; i < MMLAB_NR_ZONES - 1; i++) {
		unsigned long upper = 0;

		for (j = i + 1; j < MMLAB_NR_ZONES; j++) {
			upper += mmlab_zones[j].managed_pages;
			KUNIT_EXPECT_EQ_MSG(test, mmlab_zones[i].lowmem_reserve[j],
					    mmlab_zones[i].managed_pages ? upper / ratio[i] : 0,
					    "%s for %s", mmlab_zone_names[i], mmlab_zone_names[j]);
		}
	}
}

static struct kunit_case zone_cases[] = {
	KUNIT_CASE_PARAM(test_zone_matches_native, zone_gfps_gen_params),
	KUNIT_CASE_PARAM(test_zone_fallback, fallback_gfps_gen_params),
	KUNIT_CASE(test_watermark_min),
	KUNIT_CASE_PARAM(test_watermark_reserves, reserve_gfps_gen_params),
	KUNIT_CASE(test_watermark_formulas),
	{}
};

static struct kunit_suite zone_suite = {
	.name = "mmlab_buddy_zones",
	.init = buddy_test_init,
	.exit = buddy_test_exit,
	.test_cases = zone_cases,
};

/* === Suite mmlab_pcp: per-CPU lists === */

/**
 * struct pcp_obs - one CPU's list of a zone and the zone, observed together.
 * @count:	pages on the CPU's lists.
 * @free:	the zone's nr_free_pages.
 * @stats:	the counters.
 */
struct pcp_obs {
	int count;
	long free;
	struct stats stats;
};

static void pcp_observe(struct mmlab_zone *zone, int cpu, struct pcp_obs *o)
{
	o->count = READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->count);
	o->free = READ_ONCE(zone->nr_free_pages);
	read_stats(&o->stats);
}

static const unsigned int pcp_orders[] = { 0, 1, 2, 3 };

KUNIT_ARRAY_PARAM(pcp_orders, pcp_orders, order_desc);

/*
 * On one CPU with its lists drained, one block of a per-CPU order makes
 * exactly one refill, of batch pages for order 0 and max(batch >> order, 2)
 * blocks above (rmqueue_pcplist()); the rest stays on the list and is not
 * counted in nr_free_pages; the next allocation is a hit.
 */
static void test_pcp_refill(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	struct pcp_obs *o = kunit_kcalloc(test, 3, sizeof(*o), GFP_KERNEL);
	struct page *page, *page2;
	struct mmlab_zone *zone;
	int z, cpu, batch, blocks;

	KUNIT_ASSERT_NOT_NULL(test, o);
	migrate_disable();
	z = kernel_pick_zone(GFP_KERNEL, order);
	if (z < 0) {
		migrate_enable();
		KUNIT_FAIL(test, "no zone can serve order %u", order);
		return;
	}
	zone = &mmlab_zones[z];
	cpu = smp_processor_id();
	batch = READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->batch);
	blocks = batch > 1 ? max(batch >> order, 2) : batch;
	pcp_observe(zone, cpu, &o[0]);
	page = mmlab_alloc_pages(GFP_KERNEL, order);
	pcp_observe(zone, cpu, &o[1]);
	page2 = mmlab_alloc_pages(GFP_KERNEL, order);
	pcp_observe(zone, cpu, &o[2]);
	migrate_enable();

	KUNIT_ASSERT_NOT_NULL(test, page);
	held_add(held_of(test), page, order);
	KUNIT_ASSERT_NOT_NULL(test, page2);
	held_add(held_of(test), page2, order);
	kunit_info(test, "cpu %d %s batch %d: count %d -> %d -> %d\n", cpu, zone->name,
		   batch, o[0].count, o[1].count, o[2].count);
	KUNIT_EXPECT_EQ(test, o[0].count, 0);
	KUNIT_EXPECT_EQ(test, page_mzone(page), z);
	KUNIT_EXPECT_EQ(test, stat_delta(&o[0].stats, &o[1].stats, z, MMLAB_STAT_PCP_REFILL), 1UL);
	KUNIT_EXPECT_EQ(test, o[1].count, (blocks - 1) << order);
	KUNIT_EXPECT_EQ(test, o[0].free - o[1].free, (long)blocks << order);
	KUNIT_EXPECT_EQ(test, stat_delta(&o[0].stats, &o[1].stats, z, MMLAB_STAT_ALLOC), 1UL);
	if (blocks > 1) {
		/* The second is a hit: nothing moves between the lists. */
		KUNIT_EXPECT_EQ(test, stat_delta(&o[1].stats, &o[2].stats, z, MMLAB_STAT_PCP_HIT),
				1UL);
		KUNIT_EXPECT_EQ(test, stat_delta(&o[1].stats, &o[2].stats, z,
						 MMLAB_STAT_PCP_REFILL), 0UL);
		KUNIT_EXPECT_EQ(test, o[2].count, (blocks - 2) << order);
		KUNIT_EXPECT_EQ(test, o[2].free, o[1].free);
	}
	expect_walk_consistent(test, walk_now(test, false));
}

/*
 * On one CPU: free order-0 pages one by one; while the count stays below
 * high nothing moves, and when it reaches high, batch pages go back to the
 * free lists in one drain (free_unref_page_commit(), nr_pcp_free()).
 */
static void test_pcp_drain_at_high(struct kunit *test)
{
	struct held *h = held_of(test);
	struct pcp_obs *o = kunit_kcalloc(test, 2, sizeof(*o), GFP_KERNEL);
	unsigned long nr, i, drains = 0, bad = 0;
	struct mmlab_zone *zone;
	int z, cpu, high, batch, first = -1;

	KUNIT_ASSERT_NOT_NULL(test, o);
	migrate_disable();
	z = kernel_pick_zone(GFP_KERNEL, 0);
	if (z < 0) {
		migrate_enable();
		KUNIT_FAIL(test, "no zone can serve order 0");
		return;
	}
	zone = &mmlab_zones[z];
	cpu = smp_processor_id();
	high = READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->high);
	batch = READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->batch);
	/* Enough pages to fill the list to high from empty. */
	nr = min_t(unsigned long, high + batch, h->cap);
	for (i = 0; i < nr; i++) {
		struct page *page = mmlab_alloc_pages(GFP_KERNEL, 0);

		if (!page)
			break;
		held_add(h, page, 0);
	}
	mmlab_drain_zone_pages(zone, cpu);
	pcp_observe(zone, cpu, &o[0]);
	while (h->nr) {
		held_free_to(h, h->nr - 1);
		pcp_observe(zone, cpu, &o[1]);
		if (o[0].count + 1 >= high) {
			drains++;
			if (first < 0)
				first = o[0].count + 1 - o[1].count;
			/* MMLAB_STAT_PCP_DRAIN counts pages */
			if (stat_delta(&o[0].stats, &o[1].stats, z, MMLAB_STAT_PCP_DRAIN) !=
			    o[0].count + 1 - o[1].count)
				bad++;
			if (o[1].free - o[0].free != o[0].count + 1 - o[1].count)
				bad++;
		} else if (o[1].count != o[0].count + 1 || o[1].free != o[0].free ||
			   stat_delta(&o[0].stats, &o[1].stats, z, MMLAB_STAT_PCP_DRAIN)) {
			bad++;
		}
		o[0] = o[1];
	}
	migrate_enable();

	kunit_info(test, "cpu %d %s high %d batch %d: %lu pages freed, %lu drains, first of %d\n",
		   cpu, zone->name, high, batch, i, drains, first);
	KUNIT_ASSERT_EQ(test, i, nr);
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_GE(test, drains, 1UL);
	KUNIT_EXPECT_EQ(test, first, batch);
	KUNIT_EXPECT_LT(test, o[1].count, high);
}

/* Per-CPU pages are outside nr_free_pages, and a drain returns them all. */
static void test_pcp_not_free(struct kunit *test)
{
	struct buddy_ctx *ctx = test->priv;
	struct page *page, *spare;
	struct mmlab_zone *zone;
	struct pool_walk *w;
	int z;

	/* A page freed back stays on this CPU's list even with a batch of 1. */
	migrate_disable();
	page = mmlab_alloc_pages(GFP_KERNEL, 0);
	spare = mmlab_alloc_pages(GFP_KERNEL, 0);
	if (spare)
		mmlab_free_pages(spare, 0);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, page);
	held_add(&ctx->held, page, 0);
	KUNIT_ASSERT_NOT_NULL(test, spare);
	z = page_mzone(page);
	zone = &mmlab_zones[z];
	w = walk_now(test, false);
	KUNIT_EXPECT_GT(test, w->pcp[z], 0UL);
	KUNIT_EXPECT_EQ(test, w->pcp[z], mmlab_pcp_count(zone));
	KUNIT_EXPECT_EQ(test, w->nr_free_pages[z], w->buddy[z]);
	KUNIT_EXPECT_EQ(test, w->nr_free_pages[z] + w->pcp[z] + 1, ctx->before.nr_free_pages[z]);
	mmlab_drain_all_pages();
	KUNIT_EXPECT_EQ(test, mmlab_pcp_count(zone), 0UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(zone->nr_free_pages) + 1, ctx->before.nr_free_pages[z]);
}

/**
 * struct worker - one CPU's share of the concurrent case.
 * @task:	the thread, bound to @cpu.
 * @cpu:	its CPU.
 * @seed:	its random seed.
 * @done:	completed when it has freed everything.
 * @allocs:	blocks it got.
 * @nulls:	NULLs it got (the pool is never near its watermarks here).
 * @bad:	blocks that were not aligned, not in the pool or not ALLOC.
 */
struct worker {
	struct task_struct *task;
	int cpu;
	u64 seed;
	struct completion done;
	unsigned long allocs;
	unsigned long nulls;
	unsigned long bad;
};

#define WORKER_BLOCKS	64
#define WORKER_ROUNDS	3000

/* Random allocations and frees of per-CPU orders, then free everything. */
static int worker_fn(void *arg)
{
	struct worker *wk = arg;
	struct page *page[WORKER_BLOCKS] = {};
	u8 order[WORKER_BLOCKS] = {};
	struct rnd_state rnd;
	int i;

	prandom_seed_state(&rnd, wk->seed);
	for (i = 0; i < WORKER_ROUNDS; i++) {
		u32 r = prandom_u32_state(&rnd);
		int k = r % WORKER_BLOCKS;

		if (page[k]) {
			mmlab_free_pages(page[k], order[k]);
			page[k] = NULL;
			continue;
		}
		order[k] = (r >> 8) % (MMLAB_PCP_MAX_ORDER + 1);
		page[k] = mmlab_alloc_pages((r & 0x10000) ? GFP_KERNEL : GFP_ATOMIC, order[k]);
		if (!page[k]) {
			wk->nulls++;
			continue;
		}
		wk->allocs++;
		if (!IS_ALIGNED(page_to_pfn(page[k]), 1UL << order[k]) ||
		    !pfn_to_mpage(page_to_pfn(page[k])) ||
		    pfn_to_mpage(page_to_pfn(page[k]))->state != MMLAB_PAGE_ALLOC)
			wk->bad++;
		else
			memset(page_address(page[k]), i, PAGE_SIZE << order[k]);
		if (!(i % 256))
			cond_resched();
	}
	for (i = 0; i < WORKER_BLOCKS; i++)
		if (page[i])
			mmlab_free_pages(page[i], order[i]);
	complete(&wk->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * One thread per online CPU (up to 4) allocates and frees per-CPU orders
 * at once, freeing blocks others' lists may hold next: every block is
 * sound, nothing is lost (alloc and free counters agree), and after a
 * drain of every CPU the free lists are exactly as before.
 */
static void test_pcp_concurrent(struct kunit *test)
{
	struct buddy_ctx *ctx = test->priv;
	unsigned long a0 = mmlab_zone_stat_all(MMLAB_STAT_ALLOC);
	unsigned long f0 = mmlab_zone_stat_all(MMLAB_STAT_FREE);
	struct worker *wk;
	struct pool_walk *w;
	int n = 0, cpu, i;

	wk = kunit_kcalloc(test, 4, sizeof(*wk), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wk);
	for_each_online_cpu(cpu) {
		if (n == 4)
			break;
		wk[n].cpu = cpu;
		wk[n].seed = TEST_SEED + 16 + cpu;
		init_completion(&wk[n].done);
		wk[n].task = kthread_create_on_cpu(worker_fn, &wk[n], cpu, "mmlab_test/%u");
		if (IS_ERR(wk[n].task))
			break;
		n++;
	}
	KUNIT_ASSERT_GT(test, n, 0);
	kunit_info(test, "%d threads, seed %#llx + 16 + cpu\n", n, TEST_SEED);
	for (i = 0; i < n; i++)
		wake_up_process(wk[i].task);
	for (i = 0; i < n; i++) {
		wait_for_completion(&wk[i].done);
		kthread_stop(wk[i].task);
		KUNIT_EXPECT_EQ_MSG(test, wk[i].bad, 0UL, "cpu %d", wk[i].cpu);
		KUNIT_EXPECT_EQ_MSG(test, wk[i].nulls, 0UL, "cpu %d", wk[i].cpu);
		KUNIT_EXPECT_GT_MSG(test, wk[i].allocs, 0UL, "cpu %d", wk[i].cpu);
	}
	KUNIT_EXPECT_EQ(test, mmlab_zone_stat_all(MMLAB_STAT_ALLOC) - a0,
			mmlab_zone_stat_all(MMLAB_STAT_FREE) - f0);
	mmlab_drain_all_pages();
	w = walk_now(test, true);
	expect_same_free_blocks(test, &ctx->before, w);
	expect_walk_consistent(test, w);
	walk_release(w);
}

static struct kunit_case pcp_cases[] = {
	KUNIT_CASE_PARAM(test_pcp_refill, pcp_orders_gen_params),
	KUNIT_CASE(test_pcp_drain_at_high),
	KUNIT_CASE(test_pcp_not_free),
	KUNIT_CASE(test_pcp_concurrent),
	{}
};

static struct kunit_suite pcp_suite = {
	.name = "mmlab_pcp",
	.init = buddy_test_init,
	.exit = buddy_test_exit,
	.test_cases = pcp_cases,
};

/* === Suite mmlab_buddy_migrate: migrate-type fallback and stealing === */

/* The kernel's can_steal_fallback() (page_group_by_mobility_disabled off). */
static bool kernel_can_steal(unsigned int order, int start_mt)
{
	return order >= MMLAB_PAGEBLOCK_ORDER / 2 ||
	       start_mt == MMLAB_MIGRATE_RECLAIMABLE || start_mt == MMLAB_MIGRATE_UNMOVABLE;
}

/*
 * Free pages and pages of allocated movable blocks in the pageblock of
 * @pfn, as move_freepages_block() counts them (mmlab takes an allocated
 * movable block for the kernel's LRU/movable pages).
 */
static void pageblock_pages(unsigned long pfn, unsigned long *free, unsigned long *movable)
{
	unsigned long start = ALIGN_DOWN(pfn, MMLAB_PAGEBLOCK_PAGES), p = start;

	*free = 0;
	*movable = 0;
	while (p < start + MMLAB_PAGEBLOCK_PAGES) {
		struct mmlab_page *mp = pfn_to_mpage(p);

		if (mp && mp->state == MMLAB_PAGE_BUDDY) {
			*free += 1UL << mp->order;
			p += 1UL << mp->order;
		} else if (mp && mp->state == MMLAB_PAGE_ALLOC) {
			if (mp->migratetype == MMLAB_MIGRATE_MOVABLE)
				*movable += 1UL << mp->order;
			p += 1UL << mp->order;
		} else {
			p++;
		}
	}
}

/**
 * struct steal_plan - what __rmqueue_fallback() would do now.
 * @order:	order of the block it takes.
 * @mt:		the free list it takes it from.
 * @pfn:	that block (the list's first entry).
 * @new_mt:	the type its pageblock(s) end up with.
 * @nr_blocks:	pageblocks whose type changes.
 */
struct steal_plan {
	unsigned int order;
	int mt;
	unsigned long pfn;
	int new_mt;
	unsigned long nr_blocks;
};

/*
 * The kernel's __rmqueue_fallback() and steal_suitable_fallback() for an
 * unmovable or reclaimable request of @order in @zone, as a plan: the
 * largest block of at least @min_order of the first type in fallbacks[]
 * order, and whether its pageblock changes type. False if there is none.
 */
static bool kernel_steal_plan(struct mmlab_zone *zone, unsigned int order,
			      unsigned int min_order, int start_mt, struct steal_plan *p)
{
	unsigned long flags, i, free, movable, alike;
	int co, f, old_mt;
	bool found = false;

	spin_lock_irqsave(&zone->lock, flags);
	for (co = MMLAB_MAX_ORDER - 1; co >= (int)min_order && !found; co--) {
		for (f = 0; f < 2 && !found; f++) {
			int mt = mt_fallbacks[start_mt][f];
			struct list_head *l = &zone->free_area[co].free_list[mt];

			if (list_empty(l))
				continue;
			found = true;
			p->order = co;
			p->mt = mt_fallbacks[start_mt][f];
			p->pfn = mpage_pfn(list_first_entry(l, struct mmlab_page, lru));
		}
	}
	if (!found)
		goto out;
	old_mt = mmlab_pageblock_mt(p->pfn);
	p->new_mt = old_mt;
	p->nr_blocks = 0;
	if (p->order >= MMLAB_PAGEBLOCK_ORDER) {
		/* Take ownership of every pageblock of the block. */
		p->new_mt = start_mt;
		for (i = 0; i < 1UL << (p->order - MMLAB_PAGEBLOCK_ORDER); i++)
			if (mmlab_pageblock_mt(p->pfn + i * MMLAB_PAGEBLOCK_PAGES) != start_mt)
				p->nr_blocks++;
	} else if (kernel_can_steal(order, start_mt)) {
		pageblock_pages(p->pfn, &free, &movable);
		alike = old_mt == MMLAB_MIGRATE_MOVABLE ?
			MMLAB_PAGEBLOCK_PAGES - (free + movable) : 0;
		if (free + alike >= MMLAB_PAGEBLOCK_PAGES / 2 && old_mt != start_mt) {
			p->new_mt = start_mt;
			p->nr_blocks = 1;
		}
	}
out:
	spin_unlock_irqrestore(&zone->lock, flags);
	return found;
}

/* The GFP bits of each migrate type (gfp_mt() backwards). */
static const gfp_t mt_gfp[MMLAB_MIGRATE_TYPES] = {
	[MMLAB_MIGRATE_UNMOVABLE] = 0,
	[MMLAB_MIGRATE_MOVABLE] = __GFP_MOVABLE,
	[MMLAB_MIGRATE_RECLAIMABLE] = __GFP_RECLAIMABLE,
};

/* Whether @zone's lists of type @mt have a block of order >= @order. */
static bool has_free_from(struct mmlab_zone *zone, unsigned int order, int mt)
{
	unsigned long flags;
	bool any = false;

	spin_lock_irqsave(&zone->lock, flags);
	for (; order < MMLAB_MAX_ORDER && !any; order++)
		any = has_free(zone, order, mt);
	spin_unlock_irqrestore(&zone->lock, flags);
	return any;
}

/*
 * Allocate blocks of @order and type @mt from @zone while its lists of that
 * type hold a block of order >= @above (or, with @above == MMLAB_MAX_ORDER,
 * while the kernel's rule serves them from @zone); each must come from
 * @zone, from its own lists while they have a block. Returns 0, -EAGAIN
 * when the zone reached its watermark first, -EINVAL after a failure.
 */
static int take_blocks(struct kunit *test, struct mmlab_zone *zone, gfp_t gfp,
		       unsigned int order, unsigned int above)
{
	int mt = gfp_mt(gfp), z = zone->idx;
	struct stats *s0 = kunit_kcalloc(test, 2, sizeof(*s0), GFP_KERNEL);
	unsigned long n = 0;

	if (!s0)
		return -ENOMEM;
	while (above == MMLAB_MAX_ORDER || has_free_from(zone, above, mt)) {
		bool own = has_free_from(zone, order, mt);
		struct page *page;

		if (kernel_pick_zone(gfp, order) != z)
			return above == MMLAB_MAX_ORDER ? 0 : -EAGAIN;
		read_stats(s0);
		page = mmlab_alloc_pages(gfp, order);
		read_stats(s0 + 1);
		if (!page) {
			KUNIT_FAIL(test, "%s: NULL for block %lu of order %u", zone->name, n,
				   order);
			return -EINVAL;
		}
		held_add(held_of(test), page, order);
		n++;
		if (page_mzone(page) != z ||
		    (own && stat_delta(s0, s0 + 1, z, MMLAB_STAT_MT_FALLBACK))) {
			KUNIT_FAIL(test, "%s block %lu of order %u came from %s%s", zone->name, n,
				   order, mmlab_zone_names[page_mzone(page)],
				   stat_delta(s0, s0 + 1, z, MMLAB_STAT_MT_FALLBACK) ?
				   " by fallback" : "");
			return -EINVAL;
		}
	}
	return 0;
}

/* @gfp with its migrate type replaced by @mt. */
static gfp_t other_gfp(gfp_t gfp, int mt)
{
	return (gfp & ~(__GFP_MOVABLE | __GFP_RECLAIMABLE)) | mt_gfp[mt];
}

/**
 * struct steal_case - a migrate-type fallback scenario.
 * @gfp:	the request (order 4: beyond the per-CPU lists).
 * @split:	first break every pageblock-sized free block of the other
 *		types in the preferred zone into halves (half allocated), so
 *		the fallback must take a block smaller than a pageblock.
 * @name:	the scenario.
 */
struct steal_case {
	gfp_t gfp;
	bool split;
	const char *name;
};

static void steal_desc(const struct steal_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

static const struct steal_case steal_cases[] = {
	{ GFP_KERNEL, false, "unmovable, whole block" },
	{ GFP_KERNEL | __GFP_RECLAIMABLE, false, "reclaimable, whole block" },
	{ GFP_KERNEL | GFP_DMA32, true, "unmovable DMA32, pageblocks halved" },
	{ GFP_KERNEL, true, "unmovable Normal, pageblocks halved" },
};

KUNIT_ARRAY_PARAM(steal_cases, steal_cases, steal_desc);

/*
 * Empty the request's own free lists of blocks of order >= 4 in its
 * preferred zone, then one more order-4 request must go where the kernel's
 * rule says (ALLOC_NOFRAGMENT first skips zones that could only give a part
 * of a pageblock), fall back to the block __rmqueue_fallback() picks (the
 * largest block of the first type in fallbacks[] order), change the
 * pageblock type when steal_suitable_fallback() would, and count both.
 */
static void test_mt_fallback_steal(struct kunit *test)
{
	const struct steal_case *c = test->param_value;
	const unsigned int order = 4;
	int start_mt = gfp_mt(c->gfp), z, f, err;
	struct stats *s0 = kunit_kcalloc(test, 2, sizeof(*s0), GFP_KERNEL);
	struct steal_plan plan;
	struct mmlab_zone *zone;
	struct pick pick;
	struct page *page;
	unsigned long pfn, i, nr_pb;

	KUNIT_ASSERT_NOT_NULL(test, s0);
	z = kernel_pick_zone(c->gfp, order);
	KUNIT_ASSERT_GE(test, z, 0);
	zone = &mmlab_zones[z];

	/*
	 * Pageblock types outlive the cases: earlier ones may have made the
	 * whole zone the request's type. Give most of it to the first other
	 * type: take all the zone gives in max-order blocks of that type
	 * (stealing whole pageblocks), then free them.
	 */
	err = take_blocks(test, zone, other_gfp(c->gfp, mt_fallbacks[start_mt][1]),
			  MMLAB_MAX_ORDER - 1, MMLAB_MAX_ORDER);
	if (err)
		return;
	held_free_to(held_of(test), 0);
	mmlab_drain_all_pages();
	if (c->split) {
		/*
		 * Leave only halves of pageblocks free: take what the zone
		 * gives of the other types in blocks of half a pageblock
		 * (movable until the watermark; reclaimable while it has
		 * whole pageblocks), then free the upper half of each pair.
		 */
		for (f = 0; f < 2; f++) {
			int mt = mt_fallbacks[start_mt][f];

			err = take_blocks(test, zone, other_gfp(c->gfp, mt),
					  MMLAB_PAGEBLOCK_ORDER - 1,
					  mt == MMLAB_MIGRATE_MOVABLE ? MMLAB_MAX_ORDER :
					  MMLAB_PAGEBLOCK_ORDER);
			if (err == -EAGAIN)
				skip_case(test, "%s reached its watermark first", zone->name);
			if (err)
				return;
		}
		held_free_upper_halves(held_of(test), MMLAB_PAGEBLOCK_ORDER - 1);
	}
	err = take_blocks(test, zone, c->gfp, order, order);
	if (err == -EAGAIN)
		skip_case(test, "%s reached its watermark first", zone->name);
	if (err)
		return;

	pick = kernel_pick(c->gfp, order);
	KUNIT_ASSERT_GE_MSG(test, pick.zone, 0, "the pool went below its watermarks");
	zone = &mmlab_zones[pick.zone];
	if (has_free_from(zone, order, start_mt)) {
		/* NOFRAGMENT led to a zone that has blocks of the type: no fallback. */
		plan.order = 0;
		plan.nr_blocks = 0;
		kunit_info(test, "%s: served from its own %s blocks%s\n", zone->name,
			   mmlab_migratetype_names[start_mt], pick.nofrag ? " (NOFRAGMENT)" : "");
	} else {
		KUNIT_ASSERT_TRUE_MSG(test,
				      kernel_steal_plan(zone, order,
							pick.nofrag ? MMLAB_PAGEBLOCK_ORDER : order,
							start_mt, &plan),
				      "the rule picked %s, which has no block to fall back to",
				      zone->name);
		kunit_info(test, "%s: steal order %u %s block %#lx, pageblock %s -> %s%s\n",
			   zone->name, plan.order, mmlab_migratetype_names[plan.mt], plan.pfn,
			   mmlab_migratetype_names[mmlab_pageblock_mt(plan.pfn)],
			   mmlab_migratetype_names[plan.new_mt],
			   pick.nofrag ? " (NOFRAGMENT)" : "");
	}

	read_stats(s0);
	page = mmlab_alloc_pages(c->gfp, order);
	read_stats(s0 + 1);
	KUNIT_ASSERT_NOT_NULL(test, page);
	held_add(held_of(test), page, order);
	pfn = page_to_pfn(page);
	KUNIT_EXPECT_EQ(test, page_mzone(page), pick.zone);
	KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s0 + 1, MMLAB_STAT_ZONE_FALLBACK),
			(unsigned long)(pick.zone != z));
	KUNIT_EXPECT_EQ(test, pfn_to_mpage(pfn)->migratetype, start_mt);
	if (!plan.order) {
		KUNIT_EXPECT_EQ(test, stat_delta_all(s0, s0 + 1, MMLAB_STAT_MT_FALLBACK), 0UL);
		return;
	}
	KUNIT_EXPECT_TRUE_MSG(test, pfn >= plan.pfn && pfn < plan.pfn + (1UL << plan.order),
			      "got %#lx, outside the block the kernel would take", pfn);
	KUNIT_EXPECT_EQ(test, stat_delta(s0, s0 + 1, pick.zone, MMLAB_STAT_MT_FALLBACK), 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta(s0, s0 + 1, pick.zone, MMLAB_STAT_MT_STEAL),
			plan.nr_blocks);
	nr_pb = plan.order >= MMLAB_PAGEBLOCK_ORDER ?
		1UL << (plan.order - MMLAB_PAGEBLOCK_ORDER) : 1;
	for (i = 0; i < nr_pb; i++)
		KUNIT_EXPECT_EQ(test, (int)mmlab_pageblock_mt(plan.pfn + i * MMLAB_PAGEBLOCK_PAGES),
				plan.new_mt);
}

static struct kunit_case migrate_cases[] = {
	KUNIT_CASE_PARAM(test_mt_fallback_steal, steal_cases_gen_params),
	{}
};

static struct kunit_suite migrate_suite = {
	.name = "mmlab_buddy_migrate",
	.init = buddy_test_init,
	.exit = buddy_test_exit,
	.test_cases = migrate_cases,
};

kunit_test_suites(&buddy_suite, &zone_suite, &pcp_suite, &migrate_suite);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for mmlab's buddy allocator");
