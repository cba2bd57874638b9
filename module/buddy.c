// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's buddy allocator: zones, free lists, split and merge, migrate-type
 * fallback and watermarks, after mm/page_alloc.c of Linux 6.1.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "buddy.h"
#include "buddy_trace.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"

/* === Data === */

const char *const mmlab_zone_names[] = {
	[MMLAB_ZONE_DMA]	= "DMA",
	[MMLAB_ZONE_DMA32]	= "DMA32",
	[MMLAB_ZONE_NORMAL]	= "Normal",
};
EXPORT_SYMBOL_NS_GPL(mmlab_zone_names, MMLAB_INTERNAL);

static_assert(ARRAY_SIZE(mmlab_zone_names) == MMLAB_NR_ZONES);

/* As the kernel's migratetype_names[] (mm/page_alloc.c). */
const char *const mmlab_migratetype_names[] = {
	[MMLAB_MIGRATE_UNMOVABLE]	= "Unmovable",
	[MMLAB_MIGRATE_MOVABLE]		= "Movable",
	[MMLAB_MIGRATE_RECLAIMABLE]	= "Reclaimable",
};
EXPORT_SYMBOL_NS_GPL(mmlab_migratetype_names, MMLAB_INTERNAL);

static_assert(ARRAY_SIZE(mmlab_migratetype_names) == MMLAB_MIGRATE_TYPES);

const char *const mmlab_zone_stat_names[] = {
	[MMLAB_STAT_ALLOC]		= "alloc",
	[MMLAB_STAT_FREE]		= "free",
	[MMLAB_STAT_SPLIT]		= "split",
	[MMLAB_STAT_MERGE]		= "merge",
	[MMLAB_STAT_ZONE_FALLBACK]	= "zone_fallback",
	[MMLAB_STAT_MT_FALLBACK]	= "mt_fallback",
	[MMLAB_STAT_MT_STEAL]		= "mt_steal",
	[MMLAB_STAT_PCP_HIT]		= "pcp_hit",
	[MMLAB_STAT_PCP_REFILL]		= "pcp_refill",
	[MMLAB_STAT_PCP_DRAIN]		= "pcp_drain",
	[MMLAB_STAT_WMARK_FAIL]		= "wmark_fail",
	[MMLAB_STAT_FAIL]		= "fail",
};
EXPORT_SYMBOL_NS_GPL(mmlab_zone_stat_names, MMLAB_INTERNAL);

static_assert(ARRAY_SIZE(mmlab_zone_stat_names) == MMLAB_NR_ZONE_STATS);

struct mmlab_zone mmlab_zones[MMLAB_NR_ZONES];
EXPORT_SYMBOL_NS_GPL(mmlab_zones, MMLAB_INTERNAL);

/* sysctl_lowmem_reserve_ratio[] of the kernel for DMA and DMA32. */
static const int lowmem_reserve_ratio[MMLAB_NR_ZONES] = {
	[MMLAB_ZONE_DMA]	= 256,
	[MMLAB_ZONE_DMA32]	= 256,
	[MMLAB_ZONE_NORMAL]	= 32,
};

/* The kernel's default vm.wmark_scale_factor. */
static const unsigned int wmark_scale_factor = 10;

/* min_free_kbytes in use (parameter, or the kernel's formula). */
static unsigned long pool_min_free_kbytes;

/* Frees mmlab refused: not one of its allocated blocks. */
static atomic_long_t nr_bad_frees = ATOMIC_LONG_INIT(0);

/*
 * Fallback order of migrate types when a type's lists are empty: the
 * kernel 6.1 fallbacks[] table (MMLAB_MIGRATE_TYPES ends a row).
 */
static const int fallbacks[MMLAB_MIGRATE_TYPES][3] = {
	[MMLAB_MIGRATE_UNMOVABLE] = {
		MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_MOVABLE, MMLAB_MIGRATE_TYPES
	},
	[MMLAB_MIGRATE_MOVABLE] = {
		MMLAB_MIGRATE_RECLAIMABLE, MMLAB_MIGRATE_UNMOVABLE, MMLAB_MIGRATE_TYPES
	},
	[MMLAB_MIGRATE_RECLAIMABLE] = {
		MMLAB_MIGRATE_UNMOVABLE, MMLAB_MIGRATE_MOVABLE, MMLAB_MIGRATE_TYPES
	},
};

/* __free_one_page() flags, as the kernel's fpi_t. */
#define FPI_NONE	0x0
#define FPI_TO_TAIL	0x1	/* add to the tail of the free list */
#define FPI_SILENT	0x2	/* building the free lists: no counters, no trace */

/* === Internals: metadata, pageblocks and free lists === */

static inline struct mmlab_page *sec_mpage(struct mmlab_section *sec,
					   unsigned long pfn)
{
	return &sec->pages[pfn - sec->start_pfn];
}

static inline u8 *pageblock_mt_ptr(struct mmlab_section *sec, unsigned long pfn)
{
	return &sec->pageblock_mt[(pfn - sec->start_pfn) >> MMLAB_PAGEBLOCK_ORDER];
}

static inline int sec_pageblock_mt(struct mmlab_section *sec, unsigned long pfn)
{
	return READ_ONCE(*pageblock_mt_ptr(sec, pfn));
}

/* Caller holds zone->lock. */
static void sec_set_pageblock_mt(struct mmlab_zone *zone,
				 struct mmlab_section *sec,
				 unsigned long pfn, int migratetype)
{
	u8 *mt = pageblock_mt_ptr(sec, pfn);

	if (*mt == migratetype)
		return;
	WRITE_ONCE(*mt, migratetype);
	mmlab_count(zone, MMLAB_STAT_MT_STEAL);
}

/* Caller holds zone->lock. */
static inline void add_to_free_list(struct mmlab_zone *zone,
				    struct mmlab_page *mp, unsigned long pfn,
				    unsigned int order, int migratetype,
				    bool tail)
{
	struct mmlab_free_area *area = &zone->free_area[order];

	mp->state = MMLAB_PAGE_BUDDY;
	mp->order = order;
	mp->migratetype = migratetype;
	mp->owner = MMLAB_OWNER_NONE;
	mp->cpu = 0;
	mp->private = pfn;
	if (tail)
		list_add_tail(&mp->lru, &area->free_list[migratetype]);
	else
		list_add(&mp->lru, &area->free_list[migratetype]);
	area->nr_free++;
}

/* Caller holds zone->lock; as the kernel, moves to the tail. */
static inline void move_to_free_list(struct mmlab_zone *zone,
				     struct mmlab_page *mp, unsigned int order,
				     int migratetype)
{
	struct mmlab_free_area *area = &zone->free_area[order];

	list_move_tail(&mp->lru, &area->free_list[migratetype]);
	mp->migratetype = migratetype;
}

/* Caller holds zone->lock; @mp becomes a tail until its new role is set. */
static inline void del_page_from_free_list(struct mmlab_zone *zone,
					   struct mmlab_page *mp,
					   unsigned int order)
{
	list_del(&mp->lru);
	mp->state = MMLAB_PAGE_TAIL;
	zone->free_area[order].nr_free--;
}

static inline struct mmlab_page *first_free_block(struct mmlab_free_area *area,
						  int migratetype)
{
	return list_first_entry_or_null(&area->free_list[migratetype],
					struct mmlab_page, lru);
}

static inline bool free_list_empty(struct mmlab_free_area *area, int migratetype)
{
	return list_empty(&area->free_list[migratetype]);
}

/*
 * The buddy of the block at @pfn of @order, if it is a free block of the
 * same order. A buddy lies in the block's section (a section is the largest
 * block), so a hole in the pool (ABSENT) or a block of another state never
 * merges; the kernel's find_buddy_page_pfn() and page_is_buddy().
 */
static inline struct mmlab_page *find_buddy(struct mmlab_section *sec,
					    unsigned long pfn,
					    unsigned int order,
					    unsigned long *buddy_pfn)
{
	struct mmlab_page *buddy;

	*buddy_pfn = pfn ^ (1UL << order);
	buddy = sec_mpage(sec, *buddy_pfn);
	if (buddy->state == MMLAB_PAGE_BUDDY && buddy->order == order)
		return buddy;
	return NULL;
}

/*
 * If the block's buddy is not free, see whether the buddy of the block one
 * order up is: then the freed block is likely to merge soon, and goes to the
 * tail of its list.
 */
static inline bool buddy_merge_likely(struct mmlab_section *sec,
				      unsigned long pfn,
				      unsigned long buddy_pfn,
				      unsigned int order)
{
	unsigned long higher_pfn, higher_buddy_pfn;

	if (order >= MMLAB_MAX_ORDER - 2)
		return false;

	higher_pfn = buddy_pfn & pfn;
	return !!find_buddy(sec, higher_pfn, order + 1, &higher_buddy_pfn);
}

/*
 * Put the block at @pfn of @order on @zone's free lists, merging it with its
 * buddy as long as the buddy is free, as the kernel's __free_one_page().
 * Caller holds zone->lock.
 */
static void __free_one_page(struct mmlab_zone *zone, struct mmlab_section *sec,
			    unsigned long pfn, unsigned int order,
			    int migratetype, unsigned int fpi)
{
	unsigned long buddy_pfn = 0, combined_pfn;
	struct mmlab_page *mp = sec_mpage(sec, pfn);
	struct mmlab_page *buddy;
	bool to_tail;

	lockdep_assert_held(&zone->lock);
	zone->nr_free_pages += 1UL << order;

	while (order < MMLAB_MAX_ORDER - 1) {
		buddy = find_buddy(sec, pfn, order, &buddy_pfn);
		if (!buddy)
			break;

		del_page_from_free_list(zone, buddy, order);
		combined_pfn = buddy_pfn & pfn;
		if (combined_pfn != pfn)
			mp->state = MMLAB_PAGE_TAIL;
		if (!(fpi & FPI_SILENT)) {
			mmlab_count(zone, MMLAB_STAT_MERGE);
			trace_mmlab_page_merge(combined_pfn, order + 1, pfn,
					       buddy_pfn, zone->idx);
		}
		pfn = combined_pfn;
		mp = sec_mpage(sec, pfn);
		order++;
	}

	if (fpi & FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(sec, pfn, buddy_pfn, order);

	add_to_free_list(zone, mp, pfn, order, migratetype, to_tail);
}

/**
 * __mmlab_free_one_page() - put a block back on its zone's free lists.
 * @zone: the zone of @pfn.
 * @pfn: the block's first page, a pool page.
 * @order: the block's order.
 * @migratetype: the free list to use (the pageblock's type, or the type the
 *	block had on a per-CPU list).
 *
 * For pcp.c's free_pcppages_bulk(). Caller holds @zone->lock.
 */
void __mmlab_free_one_page(struct mmlab_zone *zone, unsigned long pfn,
			   unsigned int order, int migratetype)
{
	__free_one_page(zone, pfn_to_section(pfn), pfn, order, migratetype,
			FPI_NONE);
}

/*
 * Split a block of order @high at @pfn down to @low: the upper halves go
 * back on the free lists, the lowest-address part is kept. Caller holds
 * zone->lock.
 */
static inline void expand(struct mmlab_zone *zone, struct mmlab_section *sec,
			  unsigned long pfn, unsigned int low,
			  unsigned int high, int migratetype)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(zone, sec_mpage(sec, pfn + size), pfn + size,
				 high, migratetype, false);
		mmlab_count(zone, MMLAB_STAT_SPLIT);
		trace_mmlab_page_split(pfn, high + 1, zone->idx, migratetype);
	}
}

/*
 * Take the smallest free block of at least @order from @migratetype's lists
 * and split it down to @order. The returned head is off every list, state
 * TAIL, with its PFN still in ->private. Caller holds zone->lock.
 */
static struct mmlab_page *__rmqueue_smallest(struct mmlab_zone *zone,
					     unsigned int order,
					     int migratetype)
{
	unsigned int current_order;

	for (current_order = order; current_order < MMLAB_MAX_ORDER; ++current_order) {
		struct mmlab_free_area *area = &zone->free_area[current_order];
		struct mmlab_page *mp = first_free_block(area, migratetype);
		unsigned long pfn;

		if (!mp)
			continue;
		pfn = mpage_pfn(mp);
		del_page_from_free_list(zone, mp, current_order);
		/* The section lookup only for a split. */
		if (current_order > order)
			expand(zone, pfn_to_section(pfn), pfn, order, current_order,
			       migratetype);
		mp->migratetype = migratetype;
		return mp;
	}
	return NULL;
}

/* === Internals: migrate-type fallback === */

/*
 * Move the free blocks in [start_pfn, end_pfn] to @migratetype's lists and
 * count the pages of allocated movable blocks there (the kernel counts LRU
 * and movable pages). Caller holds zone->lock.
 */
static int move_freepages(struct mmlab_zone *zone, struct mmlab_section *sec,
			  unsigned long start_pfn, unsigned long end_pfn,
			  int migratetype, int *num_movable)
{
	unsigned long pfn;
	int pages_moved = 0;

	for (pfn = start_pfn; pfn <= end_pfn;) {
		struct mmlab_page *mp = sec_mpage(sec, pfn);

		if (mp->state == MMLAB_PAGE_BUDDY) {
			move_to_free_list(zone, mp, mp->order, migratetype);
			pfn += 1UL << mp->order;
			pages_moved += 1 << mp->order;
			continue;
		}
		if (mp->state == MMLAB_PAGE_ALLOC) {
			if (num_movable && mp->migratetype == MMLAB_MIGRATE_MOVABLE)
				*num_movable += 1 << mp->order;
			pfn += 1UL << mp->order;
			continue;
		}
		pfn++;
	}
	return pages_moved;
}

static inline bool mmlab_zone_spans_pfn(const struct mmlab_zone *zone,
					unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn &&
	       pfn < zone->zone_start_pfn + zone->spanned_pages;
}

/* Move the free blocks of @pfn's pageblock; caller holds zone->lock. */
static int move_freepages_block(struct mmlab_zone *zone,
				struct mmlab_section *sec, unsigned long pfn,
				int migratetype, int *num_movable)
{
	unsigned long start_pfn, end_pfn;

	if (num_movable)
		*num_movable = 0;

	start_pfn = round_down(pfn, MMLAB_PAGEBLOCK_PAGES);
	end_pfn = start_pfn + MMLAB_PAGEBLOCK_PAGES - 1;

	/* Do not cross zone boundaries */
	if (!mmlab_zone_spans_pfn(zone, start_pfn))
		start_pfn = pfn;
	if (!mmlab_zone_spans_pfn(zone, end_pfn))
		return 0;

	return move_freepages(zone, sec, start_pfn, end_pfn, migratetype,
			      num_movable);
}

static void change_pageblock_range(struct mmlab_zone *zone,
				   struct mmlab_section *sec, unsigned long pfn,
				   unsigned int start_order, int migratetype)
{
	int nr_pageblocks = 1 << (start_order - MMLAB_PAGEBLOCK_ORDER);

	while (nr_pageblocks--) {
		sec_set_pageblock_mt(zone, sec, pfn, migratetype);
		pfn += MMLAB_PAGEBLOCK_PAGES;
	}
}

/*
 * Whether a fallback may take the other free pages of the pageblock too:
 * large blocks, and any unmovable or reclaimable request (polluting a
 * movable pageblock with those is worse).
 */
static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= MMLAB_PAGEBLOCK_ORDER)
		return true;

	if (order >= MMLAB_PAGEBLOCK_ORDER / 2 ||
	    start_mt == MMLAB_MIGRATE_RECLAIMABLE ||
	    start_mt == MMLAB_MIGRATE_UNMOVABLE)
		return true;

	return false;
}

/*
 * Move the fallback block @mp to @start_type's list; take its whole
 * pageblock when that is allowed and at least half of it is free or alike.
 * The kernel's steal_suitable_fallback() without watermark boosting (mmlab
 * has no kswapd). Caller holds zone->lock.
 */
static void steal_suitable_fallback(struct mmlab_zone *zone,
				    struct mmlab_page *mp, int start_type,
				    bool whole_block)
{
	unsigned int current_order = mp->order;
	unsigned long pfn = mpage_pfn(mp);
	struct mmlab_section *sec = pfn_to_section(pfn);
	int free_pages, movable_pages, alike_pages;
	int old_block_type;

	old_block_type = sec_pageblock_mt(sec, pfn);

	/* Take ownership for orders >= pageblock order */
	if (current_order >= MMLAB_PAGEBLOCK_ORDER) {
		change_pageblock_range(zone, sec, pfn, current_order, start_type);
		goto single_page;
	}

	/* We are not allowed to try stealing from the whole block */
	if (!whole_block)
		goto single_page;

	free_pages = move_freepages_block(zone, sec, pfn, start_type,
					  &movable_pages);
	/*
	 * How many pages are compatible with our allocation: for a movable
	 * one the movable pages; for the others, every non-movable page of a
	 * movable pageblock, none of an unmovable/reclaimable one (they cannot
	 * be told apart).
	 */
	if (start_type == MMLAB_MIGRATE_MOVABLE) {
		alike_pages = movable_pages;
	} else {
		if (old_block_type == MMLAB_MIGRATE_MOVABLE)
			alike_pages = MMLAB_PAGEBLOCK_PAGES -
				      (free_pages + movable_pages);
		else
			alike_pages = 0;
	}

	/* moving whole block can fail due to zone boundary conditions */
	if (!free_pages)
		goto single_page;

	/* Claim the pageblock when half of it is free or alike. */
	if (free_pages + alike_pages >= (1 << (MMLAB_PAGEBLOCK_ORDER - 1)))
		sec_set_pageblock_mt(zone, sec, pfn, start_type);

	return;

single_page:
	move_to_free_list(zone, mp, current_order, start_type);
}

/*
 * A migrate type to fall back to at @order for @migratetype, or -1; as the
 * kernel's find_suitable_fallback().
 */
static int find_suitable_fallback(struct mmlab_free_area *area,
				  unsigned int order, int migratetype,
				  bool only_stealable, bool *can_steal)
{
	int i, fallback_mt;

	if (area->nr_free == 0)
		return -1;

	*can_steal = false;
	for (i = 0;; i++) {
		fallback_mt = fallbacks[migratetype][i];
		if (fallback_mt == MMLAB_MIGRATE_TYPES)
			break;

		if (free_list_empty(area, fallback_mt))
			continue;

		if (can_steal_fallback(order, migratetype))
			*can_steal = true;

		if (!only_stealable)
			return fallback_mt;

		if (*can_steal)
			return fallback_mt;
	}

	return -1;
}

/*
 * Find a free block on another type's lists and move it (and maybe its
 * pageblock) to @start_migratetype's lists, so that __rmqueue_smallest()
 * finds it. Largest block first; for a movable request that cannot steal,
 * the smallest. Caller holds zone->lock.
 */
static bool __rmqueue_fallback(struct mmlab_zone *zone, int order,
			       int start_migratetype, unsigned int alloc_flags)
{
	struct mmlab_free_area *area;
	int current_order;
	int min_order = order;
	struct mmlab_page *mp;
	int fallback_mt;
	bool can_steal;

	/*
	 * In the fast path, do not steal from other pageblocks (orders below
	 * a pageblock): a lower zone is tried first.
	 */
	if (order < MMLAB_PAGEBLOCK_ORDER && (alloc_flags & MMLAB_ALLOC_NOFRAGMENT))
		min_order = MMLAB_PAGEBLOCK_ORDER;

	for (current_order = MMLAB_MAX_ORDER - 1; current_order >= min_order;
	     --current_order) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_migratetype, false,
						     &can_steal);
		if (fallback_mt == -1)
			continue;

		/*
		 * A movable request that cannot steal the pageblock splits
		 * the smallest block instead of the largest.
		 */
		if (!can_steal && start_migratetype == MMLAB_MIGRATE_MOVABLE &&
		    current_order > order)
			goto find_smallest;

		goto do_steal;
	}

	return false;

find_smallest:
	for (current_order = order; current_order < MMLAB_MAX_ORDER;
	     current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, current_order,
						     start_migratetype, false,
						     &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (WARN_ON_ONCE(current_order == MMLAB_MAX_ORDER))
		return false;

do_steal:
	mp = first_free_block(area, fallback_mt);

	steal_suitable_fallback(zone, mp, start_migratetype, can_steal);
	mmlab_count(zone, MMLAB_STAT_MT_FALLBACK);
	trace_mmlab_page_alloc_extfrag(mpage_pfn(mp), order, current_order,
				       start_migratetype, fallback_mt,
				       mmlab_pageblock_mt(mpage_pfn(mp)));
	return true;
}

/* Remove a block of @order from the free lists; caller holds zone->lock. */
static struct mmlab_page *__rmqueue(struct mmlab_zone *zone, unsigned int order,
				    int migratetype, unsigned int alloc_flags)
{
	struct mmlab_page *mp;

	lockdep_assert_held(&zone->lock);
retry:
	mp = __rmqueue_smallest(zone, order, migratetype);
	if (unlikely(!mp)) {
		if (__rmqueue_fallback(zone, order, migratetype, alloc_flags))
			goto retry;
	}
	return mp;
}

/**
 * mmlab_rmqueue_bulk() - take @count blocks for a per-CPU list.
 * @zone: the zone.
 * @order: order of each block.
 * @count: blocks wanted.
 * @list: the per-CPU list; blocks are added at its tail, as PCP heads of the
 *	current CPU.
 * @migratetype: the list's type.
 * @alloc_flags: MMLAB_ALLOC_* of the request.
 *
 * Takes @zone->lock; the caller holds the per-CPU list's lock with
 * interrupts off.
 *
 * Return: the number of blocks added.
 */
int mmlab_rmqueue_bulk(struct mmlab_zone *zone, unsigned int order,
		       unsigned long count, struct list_head *list,
		       int migratetype, unsigned int alloc_flags)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&zone->lock, flags);
	for (i = 0; i < count; ++i) {
		struct mmlab_page *mp = __rmqueue(zone, order, migratetype,
						  alloc_flags);

		if (unlikely(!mp))
			break;
		mp->state = MMLAB_PAGE_PCP;
		mp->order = order;
		mp->cpu = smp_processor_id();
		list_add_tail(&mp->lru, list);
	}
	zone->nr_free_pages -= (unsigned long)i << order;
	spin_unlock_irqrestore(&zone->lock, flags);
	return i;
}

/* === Internals: watermarks and zone choice === */

/**
 * mmlab_zone_watermark_ok() - the kernel's __zone_watermark_ok() for @zone.
 * @zone: the zone.
 * @order: order of the request.
 * @mark: watermark in pages (zone->watermark[...]).
 * @highest_zoneidx: the request's zone (index into lowmem_reserve).
 * @alloc_flags: MMLAB_ALLOC_*: MIN_RESERVE halves @mark, with NON_BLOCK
 *	a further quarter goes.
 *
 * Free pages (the free lists only, not the per-CPU lists), minus the pages
 * a block of @order cannot use, must stay above @mark plus the lowmem
 * reserve; a request of order > 0 also needs a free block of that order.
 *
 * Return: true if @zone may serve the request.
 */
bool mmlab_zone_watermark_ok(struct mmlab_zone *zone, unsigned int order,
			     unsigned long mark, enum mmlab_zone_type highest_zoneidx,
			     unsigned int alloc_flags)
{
	long free_pages = READ_ONCE(zone->nr_free_pages);
	long min = mark;
	unsigned int o;
	int mt;

	/* free_pages may go negative - that's OK */
	free_pages -= (1L << order) - 1;

	if (alloc_flags & MMLAB_ALLOC_MIN_RESERVE) {
		min -= min / 2;
		if (alloc_flags & MMLAB_ALLOC_NON_BLOCK)
			min -= min / 4;
	}

	if (free_pages <= min + (long)zone->lowmem_reserve[highest_zoneidx])
		return false;

	if (!order)
		return true;

	for (o = order; o < MMLAB_MAX_ORDER; o++) {
		struct mmlab_free_area *area = &zone->free_area[o];

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
			if (!list_empty_careful(&area->free_list[mt]))
				return true;
		}
	}
	return false;
}
EXPORT_SYMBOL_NS_GPL(mmlab_zone_watermark_ok, MMLAB_INTERNAL);

/**
 * mmlab_gfp_zone() - the zone a request prefers, as the kernel's gfp_zone().
 * @gfp: the request's flags.
 *
 * Return: MMLAB_ZONE_DMA for __GFP_DMA, MMLAB_ZONE_DMA32 for __GFP_DMA32,
 * MMLAB_ZONE_NORMAL otherwise.
 */
enum mmlab_zone_type mmlab_gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return MMLAB_ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return MMLAB_ZONE_DMA32;
	return MMLAB_ZONE_NORMAL;
}
EXPORT_SYMBOL_NS_GPL(mmlab_gfp_zone, MMLAB_INTERNAL);

/*
 * The migrate type a request asks for, as the kernel's gfp_migratetype()
 * (which a module cannot call): both bits set is no valid type.
 */
#define MMLAB_GFP_MOVABLE_MASK	(__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define MMLAB_GFP_MOVABLE_SHIFT	3
static_assert((___GFP_MOVABLE >> MMLAB_GFP_MOVABLE_SHIFT) == MMLAB_MIGRATE_MOVABLE);
static_assert((___GFP_RECLAIMABLE >> MMLAB_GFP_MOVABLE_SHIFT) == MMLAB_MIGRATE_RECLAIMABLE);

static inline int gfp_to_migratetype(gfp_t gfp)
{
	return (__force unsigned long)(gfp & MMLAB_GFP_MOVABLE_MASK) >>
	       MMLAB_GFP_MOVABLE_SHIFT;
}

/*
 * The slow path's flags, as gfp_to_alloc_flags() of 6.1.192: __GFP_HIGH
 * gives ALLOC_MIN_RESERVE (half of min); a request without
 * __GFP_DIRECT_RECLAIM gets ALLOC_NON_BLOCK, which takes a further quarter
 * only together with __GFP_HIGH (GFP_ATOMIC). Older 6.1 releases gave
 * GFP_NOWAIT that quarter as ALLOC_HARDER; the stable series dropped it.
 */
static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = MMLAB_ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= MMLAB_ALLOC_MIN_RESERVE;
	if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= MMLAB_ALLOC_NON_BLOCK;
	return alloc_flags;
}

/* Take a block from @zone: per-CPU lists for low orders, else the buddy. */
static struct mmlab_page *rmqueue(struct mmlab_zone *zone, unsigned int order,
				  unsigned int alloc_flags, int migratetype)
{
	struct mmlab_page *mp;
	unsigned long flags;

	if (likely(order <= MMLAB_PCP_MAX_ORDER)) {
		mp = mmlab_rmqueue_pcplist(zone, order, migratetype, alloc_flags);
		if (likely(mp))
			return mp;
	}

	spin_lock_irqsave(&zone->lock, flags);
	mp = __rmqueue(zone, order, migratetype, alloc_flags);
	if (mp)
		zone->nr_free_pages -= 1UL << order;
	spin_unlock_irqrestore(&zone->lock, flags);
	return mp;
}

/*
 * Try the zones from @highest down, each against its watermark, as the
 * kernel's get_page_from_freelist(). NOFRAGMENT is dropped for a second
 * round when no zone could serve without fragmenting.
 */
static struct mmlab_page *get_page_from_freelist(unsigned int order,
						 unsigned int alloc_flags,
						 enum mmlab_zone_type highest,
						 int migratetype,
						 struct mmlab_zone **zonep)
{
	bool no_fallback;
	int z;

retry:
	no_fallback = alloc_flags & MMLAB_ALLOC_NOFRAGMENT;
	for (z = highest; z >= 0; z--) {
		struct mmlab_zone *zone = &mmlab_zones[z];
		struct mmlab_page *mp;
		unsigned long mark;

		if (!mmlab_zone_populated(zone))
			continue;
		mark = zone->watermark[alloc_flags & MMLAB_ALLOC_WMARK_MASK];
		if (!mmlab_zone_watermark_ok(zone, order, mark, highest,
					     alloc_flags)) {
			mmlab_count(zone, MMLAB_STAT_WMARK_FAIL);
			continue;
		}
		mp = rmqueue(zone, order, alloc_flags, migratetype);
		if (mp) {
			*zonep = zone;
			return mp;
		}
	}

	if (no_fallback) {
		alloc_flags &= ~MMLAB_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* The first populated zone at or below @highest (the kernel's preferred zone). */
static struct mmlab_zone *preferred_zone(enum mmlab_zone_type highest)
{
	int z;

	for (z = highest; z >= 0; z--) {
		if (mmlab_zone_populated(&mmlab_zones[z]))
			return &mmlab_zones[z];
	}
	return NULL;
}

static void bad_free(unsigned long pfn, unsigned int order,
		     enum mmlab_page_owner owner, const struct mmlab_page *mp,
		     const char *why, unsigned long caller)
{
	atomic_long_inc(&nr_bad_frees);
	if (mp && mp->state < MMLAB_NR_PAGE_STATES && mp->owner < MMLAB_NR_OWNERS)
		pr_err("bad free of pfn 0x%lx order %u (%s) by %pS: %s (state %s, order %u, owner %s)\n",
		       pfn, order, mmlab_owner_names[owner], (void *)caller, why,
		       mmlab_page_state_names[mp->state], mp->order,
		       mmlab_owner_names[mp->owner]);
	else
		pr_err("bad free of pfn 0x%lx order %u (%s) by %pS: %s\n",
		       pfn, order, mmlab_owner_names[owner], (void *)caller, why);
}

/* === Allocation and free === */

static struct page *prep_new_block(struct mmlab_zone *zone, struct mmlab_page *mp,
				   unsigned int order, int migratetype,
				   enum mmlab_page_owner owner, gfp_t gfp);

static struct page *__mmlab_alloc_pages(gfp_t gfp, unsigned int order,
					enum mmlab_page_owner owner,
					unsigned long caller)
{
	enum mmlab_zone_type highest = mmlab_gfp_zone(gfp);
	int migratetype = gfp_to_migratetype(gfp);
	struct mmlab_zone *pref = preferred_zone(highest);
	struct mmlab_zone *zone = NULL;
	unsigned int alloc_flags;
	struct mmlab_page *mp;

	if (order >= MMLAB_MAX_ORDER || migratetype >= MMLAB_MIGRATE_TYPES ||
	    owner == MMLAB_OWNER_NONE || owner >= MMLAB_NR_OWNERS) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn_ratelimited("invalid allocation: order %u gfp %#x owner %d by %pS\n",
					    order, (__force unsigned int)gfp, owner,
					    (void *)caller);
		return NULL;
	}
	if (!pref) {
		/* No pool pages at or below the requested zone. */
		mmlab_count(&mmlab_zones[highest], MMLAB_STAT_FAIL);
		return NULL;
	}
	if (mmlab_should_fail(&mmlab_fail_page_alloc, PAGE_SIZE << order)) {
		mmlab_count(pref, MMLAB_STAT_FAIL);
		return NULL;
	}

	/* Fast path: low watermark; from Normal, avoid fragmenting first. */
	alloc_flags = MMLAB_ALLOC_WMARK_LOW;
	if (pref->idx == MMLAB_ZONE_NORMAL)
		alloc_flags |= MMLAB_ALLOC_NOFRAGMENT;
	mp = get_page_from_freelist(order, alloc_flags, highest, migratetype, &zone);

	/* Slow path, without reclaim: min watermark and the gfp's reserves. */
	if (!mp)
		mp = get_page_from_freelist(order, gfp_to_alloc_flags(gfp),
					    highest, migratetype, &zone);
	if (!mp) {
		mmlab_count(pref, MMLAB_STAT_FAIL);
		return NULL;
	}

	if (zone != pref) {
		mmlab_count(zone, MMLAB_STAT_ZONE_FALLBACK);
		trace_mmlab_zone_fallback(mpage_pfn(mp), order, pref->idx, zone->idx);
	}
	return prep_new_block(zone, mp, order, migratetype, owner, gfp);
}

/*
 * Let the unlinked, off-list head @mp from @zone go out as an allocated
 * block of @owner: set its fields, publish it, count it, zero it for
 * __GFP_ZERO. Return: its first page.
 */
static struct page *prep_new_block(struct mmlab_zone *zone, struct mmlab_page *mp,
				   unsigned int order, int migratetype,
				   enum mmlab_page_owner owner, gfp_t gfp)
{
	unsigned long pfn = mpage_pfn(mp);
	struct page *page;
	unsigned int i;

	mp->order = order;
	mp->migratetype = migratetype;
	mp->owner = owner;
	mp->cpu = 0;
	mp->private = 0;
	/* Publishes the block: its fields are set before it reads as ALLOC. */
	smp_store_release(&mp->state, MMLAB_PAGE_ALLOC);

	mmlab_count(zone, MMLAB_STAT_ALLOC);
	trace_mmlab_page_alloc(pfn, order, gfp, zone->idx, migratetype);

	page = pfn_to_page(pfn);
	if (gfp & __GFP_ZERO) {
		for (i = 0; i < (1U << order); i++)
			clear_page(page_address(page + i));
	}
	return page;
}

/*
 * Check that @page of @order is an allocated block of @owner, and claim it
 * for freeing; report anything else.
 */
static struct mmlab_section *claim_block(struct page *page, unsigned int order,
					 enum mmlab_page_owner owner,
					 unsigned long caller)
{
	struct mmlab_section *sec;
	struct mmlab_page *mp;
	unsigned long pfn;

	if (!page) {
		bad_free(0, order, owner, NULL, "NULL page", caller);
		return NULL;
	}
	pfn = page_to_pfn(page);
	/* pfn_to_mpage(), keeping the section for the caller. */
	sec = pfn_to_section(pfn);
	mp = sec ? sec_mpage(sec, pfn) : NULL;
	if (!mp || mp->state == MMLAB_PAGE_ABSENT) {
		bad_free(pfn, order, owner, NULL, "not a page of mmlab's pool", caller);
		return NULL;
	}
	/* Pairs with the release in __mmlab_alloc_pages(): order, owner. */
	if (smp_load_acquire(&mp->state) != MMLAB_PAGE_ALLOC) {
		bad_free(pfn, order, owner, mp, "not the head of an allocated block",
			 caller);
		return NULL;
	}
	if (mp->order != order) {
		bad_free(pfn, order, owner, mp, "order does not match the allocation",
			 caller);
		return NULL;
	}
	if (mp->owner != owner) {
		bad_free(pfn, order, owner, mp, "owner does not match the allocation",
			 caller);
		return NULL;
	}
	/* Two racing frees of one block: only one wins. */
	if (cmpxchg(&mp->state, MMLAB_PAGE_ALLOC, MMLAB_PAGE_PCP) != MMLAB_PAGE_ALLOC) {
		bad_free(pfn, order, owner, mp, "freed twice concurrently", caller);
		return NULL;
	}
	return sec;
}

static void __mmlab_free_pages(struct page *page, unsigned int order,
			       enum mmlab_page_owner owner, unsigned long caller)
{
	struct mmlab_section *sec;
	struct mmlab_zone *zone;
	unsigned long pfn, flags;
	struct mmlab_page *mp;
	int migratetype;

	sec = claim_block(page, order, owner, caller);
	if (!sec)
		return;

	pfn = page_to_pfn(page);
	mp = sec_mpage(sec, pfn);
	zone = sec->zone;
	mp->owner = MMLAB_OWNER_NONE;
	mmlab_count(zone, MMLAB_STAT_FREE);
	trace_mmlab_page_free(pfn, order, zone->idx);

	migratetype = sec_pageblock_mt(sec, pfn);
	if (order <= MMLAB_PCP_MAX_ORDER) {
		mmlab_free_unref_page(zone, mp, pfn, order, migratetype);
		return;
	}

	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(zone, sec, pfn, order, migratetype, FPI_NONE);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* === Setup === */

/* The kernel's __setup_zone_wmarks() over mmlab's zones. */
static void setup_zone_wmarks(unsigned long min_free_kbytes)
{
	unsigned long pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct mmlab_zone *zone;
	unsigned long flags;

	for_each_mmlab_zone(zone)
		lowmem_pages += zone->managed_pages;

	for_each_mmlab_zone(zone) {
		u64 tmp;

		spin_lock_irqsave(&zone->lock, flags);
		tmp = (u64)pages_min * zone->managed_pages;
		do_div(tmp, lowmem_pages);
		zone->watermark[MMLAB_WMARK_MIN] = tmp;

		tmp = max_t(u64, tmp >> 2,
			    mult_frac(zone->managed_pages,
				      wmark_scale_factor, 10000));

		zone->watermark[MMLAB_WMARK_LOW] = zone->watermark[MMLAB_WMARK_MIN] + tmp;
		zone->watermark[MMLAB_WMARK_HIGH] = zone->watermark[MMLAB_WMARK_LOW] + tmp;
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/* The kernel's setup_zone_lowmem_reserve() over mmlab's zones. */
static void setup_zone_lowmem_reserve(void)
{
	int i, j;

	for (i = 0; i < MMLAB_NR_ZONES - 1; i++) {
		struct mmlab_zone *zone = &mmlab_zones[i];
		int ratio = lowmem_reserve_ratio[i];
		bool clear = !ratio || !zone->managed_pages;
		unsigned long managed_pages = 0;

		for (j = i + 1; j < MMLAB_NR_ZONES; j++) {
			managed_pages += mmlab_zones[j].managed_pages;
			zone->lowmem_reserve[j] = clear ? 0 : managed_pages / ratio;
		}
	}
}

/**
 * mmlab_zone_add_block() - add a block of the pool to @zone's free lists.
 * @zone: the zone of the block.
 * @pfn: first page, naturally aligned to @order, a pool page not yet in
 *	any list.
 * @order: the block's order.
 *
 * Used while building the free lists: the block merges with free buddies
 * as on any free, but it is neither counted nor traced, and goes to the
 * tail (as the kernel's memblock_free_pages() path).
 */
void mmlab_zone_add_block(struct mmlab_zone *zone, unsigned long pfn,
			  unsigned int order)
{
	struct mmlab_section *sec = pfn_to_section(pfn);
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(zone, sec, pfn, order, sec_pageblock_mt(sec, pfn),
			FPI_TO_TAIL | FPI_SILENT);
	spin_unlock_irqrestore(&zone->lock, flags);
}

static void zones_destroy(void)
{
	struct mmlab_zone *zone;

	for_each_mmlab_zone(zone) {
		if (zone->pcp)
			mmlab_pcp_exit(zone);
		free_percpu(zone->stats);
		zone->stats = NULL;
	}
}

/**
 * mmlab_buddy_init() - build the zones and their free lists over the pool.
 * @min_free_kbytes: reserve behind the min watermarks in KiB; 0 for the
 *	kernel's formula, sqrt(16 * pool KiB) clamped to [128, 262144].
 * @pcp_batch: per-CPU list batch, 0 for the kernel's zone_batchsize().
 * @pcp_high: per-CPU list high mark, 0 for the kernel's zone_highsize().
 *
 * Return: 0 or -ENOMEM.
 */
int mmlab_buddy_init(unsigned long min_free_kbytes, int pcp_batch, int pcp_high)
{
	struct mmlab_zone *zone;
	unsigned int i;
	int err, mt, o;

	for_each_mmlab_zone(zone) {
		zone->idx = zone - mmlab_zones;
		zone->name = mmlab_zone_names[zone->idx];
		zone->node = NUMA_NO_NODE;
		spin_lock_init(&zone->lock);
		for (o = 0; o < MMLAB_MAX_ORDER; o++) {
			for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
				INIT_LIST_HEAD(&zone->free_area[o].free_list[mt]);
			zone->free_area[o].nr_free = 0;
		}
		zone->nr_free_pages = 0;
		zone->zone_start_pfn = 0;
		zone->spanned_pages = 0;
		zone->present_pages = 0;
		zone->managed_pages = 0;
		memset(zone->watermark, 0, sizeof(zone->watermark));
		memset(zone->lowmem_reserve, 0, sizeof(zone->lowmem_reserve));
		zone->pcp = NULL;
		zone->stats = __alloc_percpu(sizeof(unsigned long) * MMLAB_NR_ZONE_STATS,
					     __alignof__(unsigned long));
		if (!zone->stats) {
			err = -ENOMEM;
			goto fail;
		}
	}

	/* Spans: blocks are sorted by PFN. */
	for (i = 0; i < mmlab_pool.nr_blocks; i++) {
		const struct mmlab_borrowed *b = &mmlab_pool.blocks[i];
		unsigned long end = b->pfn + (1UL << b->order);

		zone = pfn_to_section(b->pfn)->zone;
		if (!zone->present_pages) {
			zone->zone_start_pfn = b->pfn;
			zone->node = b->node;
		}
		zone->spanned_pages = end - zone->zone_start_pfn;
		zone->present_pages += 1UL << b->order;
		zone->managed_pages += 1UL << b->order;
	}

	for (i = 0; i < mmlab_pool.nr_blocks; i++) {
		const struct mmlab_borrowed *b = &mmlab_pool.blocks[i];

		mmlab_zone_add_block(pfn_to_section(b->pfn)->zone, b->pfn, b->order);
	}

	if (!min_free_kbytes)
		min_free_kbytes = clamp_t(unsigned long,
					  int_sqrt(mmlab_pool.nr_pages * (PAGE_SIZE / SZ_1K) * 16),
					  128, 262144);
	pool_min_free_kbytes = min_free_kbytes;
	setup_zone_wmarks(min_free_kbytes);
	setup_zone_lowmem_reserve();

	for_each_mmlab_zone(zone) {
		err = mmlab_pcp_init(zone, pcp_batch, pcp_high);
		if (err)
			goto fail;
	}
	return 0;

fail:
	zones_destroy();
	return err;
}

/**
 * mmlab_buddy_exit() - empty the per-CPU lists and free the zones' memory.
 *
 * The pool itself is given back by mmlab_pool_exit(), after this.
 */
void mmlab_buddy_exit(void)
{
	zones_destroy();
}

/* === Counters === */

/**
 * mmlab_zone_stat() - an event counter of @zone, summed over all CPUs.
 * @zone: the zone.
 * @item: the counter.
 *
 * Return: the sum (a snapshot; CPUs keep counting).
 */
unsigned long mmlab_zone_stat(struct mmlab_zone *zone, enum mmlab_zone_stat item)
{
	unsigned long sum = 0;
	int cpu;

	if (!zone->stats || item >= MMLAB_NR_ZONE_STATS)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(zone->stats, cpu)[item]);
	return sum;
}
EXPORT_SYMBOL_NS_GPL(mmlab_zone_stat, MMLAB_INTERNAL);

/**
 * mmlab_zone_stat_all() - an event counter summed over all zones and CPUs.
 * @item: the counter.
 *
 * Return: the sum.
 */
unsigned long mmlab_zone_stat_all(enum mmlab_zone_stat item)
{
	struct mmlab_zone *zone;
	unsigned long sum = 0;

	for_each_mmlab_zone(zone)
		sum += mmlab_zone_stat(zone, item);
	return sum;
}
EXPORT_SYMBOL_NS_GPL(mmlab_zone_stat_all, MMLAB_INTERNAL);

/**
 * mmlab_bad_free_count() - frees mmlab refused since load.
 *
 * Return: how many times a free named a block mmlab had not handed out
 * (or not with that order or owner).
 */
unsigned long mmlab_bad_free_count(void)
{
	return atomic_long_read(&nr_bad_frees);
}
EXPORT_SYMBOL_NS_GPL(mmlab_bad_free_count, MMLAB_INTERNAL);

/**
 * mmlab_min_free_kbytes() - the min_free_kbytes behind the watermarks.
 *
 * Return: the module parameter, or the kernel's formula's result.
 */
unsigned long mmlab_min_free_kbytes(void)
{
	return pool_min_free_kbytes;
}
EXPORT_SYMBOL_NS_GPL(mmlab_min_free_kbytes, MMLAB_INTERNAL);

/**
 * mmlab_pageblock_mt() - migrate type of @pfn's pageblock.
 * @pfn: any PFN.
 *
 * Return: enum mmlab_migratetype, or MMLAB_MIGRATE_TYPES if @pfn is not a
 * pool page. Read without zone->lock: a snapshot.
 */
unsigned int mmlab_pageblock_mt(unsigned long pfn)
{
	struct mmlab_section *sec = pfn_to_section(pfn);

	if (!sec || !pfn_to_mpage(pfn))
		return MMLAB_MIGRATE_TYPES;
	return sec_pageblock_mt(sec, pfn);
}
EXPORT_SYMBOL_NS_GPL(mmlab_pageblock_mt, MMLAB_INTERNAL);

/* === Public interface === */

/**
 * mmlab_alloc_pages_owner() - allocate a block for one of mmlab's allocators.
 * @gfp: GFP flags: zone (__GFP_DMA, __GFP_DMA32), migrate type
 *	(__GFP_MOVABLE, __GFP_RECLAIMABLE), reserves (__GFP_HIGH, no
 *	__GFP_DIRECT_RECLAIM), __GFP_ZERO.
 * @order: order of the block, 0 to MMLAB_MAX_ORDER - 1.
 * @owner: who will own it (MMLAB_OWNER_SLAB, _VMALLOC, _PGTABLE, _PAGES),
 *	recorded in its head; the free must name the same owner.
 *
 * As mmlab_alloc_pages() otherwise.
 *
 * Return: the first page of the block, or NULL.
 */
struct page *mmlab_alloc_pages_owner(gfp_t gfp, unsigned int order,
				     enum mmlab_page_owner owner)
{
	return __mmlab_alloc_pages(gfp, order, owner, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(mmlab_alloc_pages_owner, MMLAB_INTERNAL);

/**
 * mmlab_alloc_pages_bulk_owner() - allocate order-0 pages in one lock round trip.
 * @gfp: as for mmlab_alloc_pages_owner().
 * @nr: pages wanted; at most 100 are taken per call, as the kernel's
 *	vm_area_alloc_pages() asks its bulk allocator (interrupts are off
 *	meanwhile).
 * @pages: out: the pages, from index 0.
 * @owner: who will own them; each is freed on its own, order 0.
 *
 * As the kernel's __alloc_pages_bulk(): from this CPU's list of the
 * preferred zone, refilled from its free lists as it runs empty, if the
 * zone stays above its low watermark with @nr pages fewer. Anything else
 * (a lower zone, the slow path's reserves, fault injection) is left to
 * mmlab_alloc_pages_owner(), page by page, which the caller falls back to.
 *
 * Return: the number of pages stored in @pages, 0 to min(@nr, 100).
 */
unsigned int mmlab_alloc_pages_bulk_owner(gfp_t gfp, unsigned int nr,
					  struct page **pages,
					  enum mmlab_page_owner owner)
{
	enum mmlab_zone_type highest = mmlab_gfp_zone(gfp);
	int migratetype = gfp_to_migratetype(gfp);
	struct mmlab_zone *zone = preferred_zone(highest);
	unsigned int alloc_flags = MMLAB_ALLOC_WMARK_LOW;
	struct mmlab_page *mp, *tmp;
	unsigned int got, i = 0;
	LIST_HEAD(list);

	nr = min(nr, 100U);
	if (!nr || !zone || migratetype >= MMLAB_MIGRATE_TYPES ||
	    owner == MMLAB_OWNER_NONE || owner >= MMLAB_NR_OWNERS)
		return 0;
	if (READ_ONCE(mmlab_fail_page_alloc.probability))
		return 0;
	if (zone->idx == MMLAB_ZONE_NORMAL)
		alloc_flags |= MMLAB_ALLOC_NOFRAGMENT;
	if (!mmlab_zone_watermark_ok(zone, 0, zone->watermark[MMLAB_WMARK_LOW] + nr,
				     highest, alloc_flags))
		return 0;

	got = mmlab_rmqueue_pcplist_bulk(zone, migratetype, alloc_flags, nr, &list);
	list_for_each_entry_safe(mp, tmp, &list, lru) {
		list_del(&mp->lru);
		pages[i++] = prep_new_block(zone, mp, 0, migratetype, owner, gfp);
	}
	return got;
}
EXPORT_SYMBOL_NS_GPL(mmlab_alloc_pages_bulk_owner, MMLAB_INTERNAL);

/**
 * mmlab_free_pages_owner() - free a block allocated with mmlab_alloc_pages_owner().
 * @page: first page of the block.
 * @order: its order.
 * @owner: the owner it was allocated for.
 *
 * A block that is not an allocated block of that order and owner is
 * reported with pr_err() and left untouched.
 */
void mmlab_free_pages_owner(struct page *page, unsigned int order,
			    enum mmlab_page_owner owner)
{
	__mmlab_free_pages(page, order, owner, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(mmlab_free_pages_owner, MMLAB_INTERNAL);

/* Blocks mmlab_free_pages_bulk_owner() gives a per-CPU list at a time. */
#define MMLAB_FREE_BULK		64

/* Give the claimed blocks of each zone's list to this CPU's list of the zone. */
static void free_bulk_lists(struct list_head *lists)
{
	unsigned int z;

	for (z = 0; z < MMLAB_NR_ZONES; z++) {
		if (!list_empty(&lists[z]))
			mmlab_free_unref_page_list(&mmlab_zones[z], &lists[z]);
	}
}

/**
 * mmlab_free_pages_bulk_owner() - free order-0 blocks with few lock round trips.
 * @pages: the first page of each block, order 0, allocated for @owner.
 * @nr: how many.
 * @owner: the owner they were allocated for.
 *
 * mmlab_free_pages_owner(@pages[i], 0, @owner) for each, but each block
 * claimed and checked first, then given to this CPU's list of its zone up
 * to MMLAB_FREE_BULK at a time under one round trip of the list's lock
 * (mmlab_free_unref_page_list()), as the kernel's release_pages() and
 * free_unref_page_list(). A page that is not such a block is reported and
 * left untouched, as by mmlab_free_pages_owner().
 */
void mmlab_free_pages_bulk_owner(struct page **pages, unsigned int nr,
				 enum mmlab_page_owner owner)
{
	struct list_head lists[MMLAB_NR_ZONES];
	struct mmlab_section *sec;
	unsigned int i, z, held = 0;
	struct mmlab_zone *zone;
	struct mmlab_page *mp;
	unsigned long pfn;

	for (z = 0; z < MMLAB_NR_ZONES; z++)
		INIT_LIST_HEAD(&lists[z]);
	for (i = 0; i < nr; i++) {
		sec = claim_block(pages[i], 0, owner, _RET_IP_);
		if (!sec)
			continue;
		pfn = page_to_pfn(pages[i]);
		mp = sec_mpage(sec, pfn);
		zone = sec->zone;
		mp->owner = MMLAB_OWNER_NONE;
		mp->private = pfn;
		mp->migratetype = sec_pageblock_mt(sec, pfn);
		mmlab_count(zone, MMLAB_STAT_FREE);
		trace_mmlab_page_free(pfn, 0, zone->idx);
		list_add_tail(&mp->lru, &lists[zone->idx]);
		if (++held == MMLAB_FREE_BULK) {
			free_bulk_lists(lists);
			held = 0;
		}
	}
	free_bulk_lists(lists);
}
EXPORT_SYMBOL_NS_GPL(mmlab_free_pages_bulk_owner, MMLAB_INTERNAL);

/**
 * mmlab_alloc_pages() - allocate 2^@order contiguous pages from mmlab's pool.
 * @gfp: GFP flags, as for alloc_pages(): the zone (__GFP_DMA, __GFP_DMA32,
 *	else Normal, falling back to lower zones), the migrate type
 *	(__GFP_MOVABLE, __GFP_RECLAIMABLE), access to reserves (__GFP_HIGH;
 *	a request that cannot reclaim, such as GFP_ATOMIC, goes deeper) and
 *	__GFP_ZERO. mmlab never reclaims and never borrows more.
 * @order: order of the block, 0 to MMLAB_MAX_ORDER - 1.
 *
 * Context: any context; takes spinlocks with interrupts off.
 * Return: the first page of a naturally aligned block, or NULL.
 */
struct page *mmlab_alloc_pages(gfp_t gfp, unsigned int order)
{
	return __mmlab_alloc_pages(gfp, order, MMLAB_OWNER_PAGES, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_alloc_pages);

/**
 * mmlab_free_pages() - free a block from mmlab_alloc_pages().
 * @page: first page of the block.
 * @order: the order it was allocated with.
 *
 * mmlab checks the block before touching anything: a page outside the
 * pool, a block not allocated, or allocated with another order or through
 * another allocator is reported with pr_err() (with the caller) and left
 * as it is.
 *
 * Context: any context.
 */
void mmlab_free_pages(struct page *page, unsigned int order)
{
	__mmlab_free_pages(page, order, MMLAB_OWNER_PAGES, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_free_pages);

/**
 * mmlab_get_free_pages() - allocate pages and return their kernel address.
 * @gfp: as for mmlab_alloc_pages().
 * @order: as for mmlab_alloc_pages().
 *
 * Return: the block's address in the direct map, or 0.
 */
unsigned long mmlab_get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = __mmlab_alloc_pages(gfp, order, MMLAB_OWNER_PAGES, _RET_IP_);

	return page ? (unsigned long)page_address(page) : 0;
}
EXPORT_SYMBOL_GPL(mmlab_get_free_pages);

/**
 * mmlab_free_pages_addr() - free pages from mmlab_get_free_pages().
 * @addr: the address it returned; 0 is ignored, as by free_pages().
 * @order: the order.
 *
 * An address outside the direct map is reported and ignored.
 */
void mmlab_free_pages_addr(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (!virt_addr_valid((void *)addr)) {
		bad_free(0, order, MMLAB_OWNER_PAGES, NULL,
			 "address not in the direct map", _RET_IP_);
		return;
	}
	__mmlab_free_pages(virt_to_page((void *)addr), order,
			   MMLAB_OWNER_PAGES, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_free_pages_addr);

/**
 * mmlab_drain_all_pages() - give every per-CPU list back to the free lists.
 *
 * The kernel's drain_all_pages(NULL), done from here for every possible
 * CPU under each list's lock.
 */
void mmlab_drain_all_pages(void)
{
	struct mmlab_zone *zone;
	int cpu;

	for_each_possible_cpu(cpu) {
		for_each_populated_mmlab_zone(zone)
			mmlab_drain_zone_pages(zone, cpu);
	}
}
EXPORT_SYMBOL_GPL(mmlab_drain_all_pages);

/**
 * mmlab_pfn_in_pool() - whether @pfn is a page mmlab borrowed.
 * @pfn: any PFN.
 *
 * Return: true for a page of the pool, whatever its state.
 */
bool mmlab_pfn_in_pool(unsigned long pfn)
{
	return !!pfn_to_mpage(pfn);
}
EXPORT_SYMBOL_GPL(mmlab_pfn_in_pool);
