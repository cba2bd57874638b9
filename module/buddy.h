/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab's buddy allocator: zones, free lists per order and migrate type,
 * watermarks, per-CPU page lists and their counters.
 *
 * Names follow mm/page_alloc.c and include/linux/mmzone.h so that a reader who
 * knows the kernel's allocator finds each part where they expect it.
 */
#ifndef _MMLAB_BUDDY_H
#define _MMLAB_BUDDY_H

#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

#include "pool.h"

/*
 * Orders kept on per-CPU lists: 0 .. PAGE_ALLOC_COSTLY_ORDER, as the kernel
 * (which also keeps pageblock-order THP blocks there; mmlab does not).
 */
#define MMLAB_PCP_MAX_ORDER	3
#define MMLAB_NR_PCP_LISTS	(MMLAB_MIGRATE_TYPES * (MMLAB_PCP_MAX_ORDER + 1))

enum mmlab_wmark {
	MMLAB_WMARK_MIN,	/* below it only __GFP_HIGH / atomic requests */
	MMLAB_WMARK_LOW,	/* the fast path needs free pages above it */
	MMLAB_WMARK_HIGH,	/* kswapd's target in the kernel; shown only */
	MMLAB_NR_WMARK
};

/*
 * Allocation context flags, as the kernel's ALLOC_* (mm/internal.h). The low
 * bits select the watermark, as ALLOC_WMARK_MASK.
 */
#define MMLAB_ALLOC_WMARK_MIN	MMLAB_WMARK_MIN
#define MMLAB_ALLOC_WMARK_LOW	MMLAB_WMARK_LOW
#define MMLAB_ALLOC_WMARK_HIGH	MMLAB_WMARK_HIGH
#define MMLAB_ALLOC_WMARK_MASK	0x03
#define MMLAB_ALLOC_MIN_RESERVE	0x08	/* __GFP_HIGH: half of the min reserve */
#define MMLAB_ALLOC_NON_BLOCK	0x10	/* cannot reclaim: a quarter more */
#define MMLAB_ALLOC_NOFRAGMENT	0x20	/* steal whole pageblocks only */
#define MMLAB_ALLOC_RESERVES	(MMLAB_ALLOC_MIN_RESERVE | MMLAB_ALLOC_NON_BLOCK)

/* Event counters, per zone, summed over CPUs when read. */
enum mmlab_zone_stat {
	MMLAB_STAT_ALLOC,		/* blocks handed out by mmlab_alloc_pages() */
	MMLAB_STAT_FREE,		/* blocks given back to mmlab_free_pages() */
	MMLAB_STAT_SPLIT,		/* a block split in two by expand() */
	MMLAB_STAT_MERGE,		/* two buddies merged on free */
	MMLAB_STAT_ZONE_FALLBACK,	/* served by a lower zone than preferred (counted there) */
	MMLAB_STAT_MT_FALLBACK,		/* served from another migrate type */
	MMLAB_STAT_MT_STEAL,		/* a pageblock changed migrate type */
	MMLAB_STAT_PCP_HIT,		/* allocation served from a per-CPU list */
	MMLAB_STAT_PCP_REFILL,		/* per-CPU list refilled from free lists */
	MMLAB_STAT_PCP_DRAIN,		/* per-CPU pages returned to free lists */
	MMLAB_STAT_WMARK_FAIL,		/* zone skipped: below its watermark */
	MMLAB_STAT_FAIL,		/* allocation that returned NULL */
	MMLAB_NR_ZONE_STATS
};

extern const char *const mmlab_zone_stat_names[MMLAB_NR_ZONE_STATS];
extern const char *const mmlab_zone_names[MMLAB_NR_ZONES];
extern const char *const mmlab_migratetype_names[MMLAB_MIGRATE_TYPES];

/**
 * struct mmlab_free_area - free blocks of one order.
 * @free_list:	heads of free blocks, one list per migrate type.
 * @nr_free:	blocks on all lists of this order.
 */
struct mmlab_free_area {
	struct list_head free_list[MMLAB_MIGRATE_TYPES];
	unsigned long nr_free;
};

/**
 * struct mmlab_per_cpu_pages - one CPU's cache of low-order blocks of a zone.
 * @lock:	protects the rest; taken with interrupts off.
 * @count:	pages (not blocks) on the lists.
 * @high:	when @count reaches it, @batch pages go back to the free lists.
 * @batch:	pages moved between the free lists and the lists at once.
 * @lists:	one list per (order, migrate type), see order_to_pindex().
 */
struct mmlab_per_cpu_pages {
	spinlock_t lock;	/* the lists and counts of this CPU */
	int count;
	int high;
	int batch;
	struct list_head lists[MMLAB_NR_PCP_LISTS];
};

/**
 * struct mmlab_zone - one zone of the pool.
 * @name:	"DMA", "DMA32" or "Normal".
 * @idx:	enum mmlab_zone_type.
 * @node:	NUMA node of the pool pages (the first borrowed block's).
 * @lock:	protects @free_area, @nr_free_pages and the pageblock types.
 * @free_area:	the free lists, by order.
 * @nr_free_pages: pages on the free lists (the kernel's NR_FREE_PAGES).
 * @zone_start_pfn: lowest pool PFN of the zone.
 * @spanned_pages: pages from @zone_start_pfn to the end of the last block.
 * @present_pages: pool pages in the zone.
 * @managed_pages: pages the allocator manages (all present pages).
 * @watermark:	min, low and high, in pages.
 * @lowmem_reserve: pages kept back from requests whose preferred zone is
 *		higher, indexed by that zone (the kernel's lowmem_reserve).
 * @pcp:	per-CPU lists.
 * @stats:	per-CPU event counters, enum mmlab_zone_stat.
 */
struct mmlab_zone {
	const char *name;
	enum mmlab_zone_type idx;
	int node;
	spinlock_t lock;	/* free lists, nr_free_pages, pageblock types */
	struct mmlab_free_area free_area[MMLAB_MAX_ORDER];
	unsigned long nr_free_pages;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long watermark[MMLAB_NR_WMARK];
	unsigned long lowmem_reserve[MMLAB_NR_ZONES];
	struct mmlab_per_cpu_pages __percpu *pcp;
	unsigned long __percpu *stats;
};

extern struct mmlab_zone mmlab_zones[MMLAB_NR_ZONES];

static inline bool mmlab_zone_populated(const struct mmlab_zone *zone)
{
	return zone->present_pages != 0;
}

/*
 * Iterator step of the for_each_*mmlab_zone() macros: from zone index *@i
 * on, the first zone (populated only if @populated) into *@zone, or false
 * at the end.
 */
static inline bool mmlab_next_zone(unsigned int *i, struct mmlab_zone **zone,
				   bool populated)
{
	for (; *i < MMLAB_NR_ZONES; (*i)++) {
		if (!populated || mmlab_zone_populated(&mmlab_zones[*i])) {
			*zone = &mmlab_zones[*i];
			return true;
		}
	}
	return false;
}

/* Every zone, DMA to Normal; @zone is a struct mmlab_zone pointer. */
#define for_each_mmlab_zone(zone) \
	for (unsigned int __zi = 0; mmlab_next_zone(&__zi, &(zone), false); __zi++)

/* Every zone that has pages of the pool. */
#define for_each_populated_mmlab_zone(zone) \
	for (unsigned int __zi = 0; mmlab_next_zone(&__zi, &(zone), true); __zi++)

static inline unsigned int order_to_pindex(unsigned int mt, unsigned int order)
{
	return order * MMLAB_MIGRATE_TYPES + mt;
}

static inline void mmlab_count(struct mmlab_zone *zone, enum mmlab_zone_stat item)
{
	this_cpu_inc(zone->stats[item]);
}

static inline void mmlab_count_add(struct mmlab_zone *zone,
				   enum mmlab_zone_stat item, unsigned long nr)
{
	this_cpu_add(zone->stats[item], nr);
}

/* buddy.c */
int mmlab_buddy_init(unsigned long min_free_kbytes, int pcp_batch, int pcp_high);
void mmlab_buddy_exit(void);
void mmlab_zone_add_block(struct mmlab_zone *zone, unsigned long pfn,
			  unsigned int order);
unsigned int mmlab_pageblock_mt(unsigned long pfn);
unsigned long mmlab_zone_stat(struct mmlab_zone *zone, enum mmlab_zone_stat item);
unsigned long mmlab_zone_stat_all(enum mmlab_zone_stat item);
enum mmlab_zone_type mmlab_gfp_zone(gfp_t gfp);
bool mmlab_zone_watermark_ok(struct mmlab_zone *zone, unsigned int order,
			     unsigned long mark, enum mmlab_zone_type highest_zoneidx,
			     unsigned int alloc_flags);
unsigned long mmlab_min_free_kbytes(void);
unsigned long mmlab_bad_free_count(void);
struct page *mmlab_alloc_pages_owner(gfp_t gfp, unsigned int order,
				     enum mmlab_page_owner owner);
unsigned int mmlab_alloc_pages_bulk_owner(gfp_t gfp, unsigned int nr,
					  struct page **pages,
					  enum mmlab_page_owner owner);
void mmlab_free_pages_owner(struct page *page, unsigned int order,
			    enum mmlab_page_owner owner);
void mmlab_free_pages_bulk_owner(struct page **pages, unsigned int nr,
				 enum mmlab_page_owner owner);

/* buddy.c, for pcp.c: zone->lock taken inside */
int mmlab_rmqueue_bulk(struct mmlab_zone *zone, unsigned int order,
		       unsigned long count, struct list_head *list,
		       int migratetype, unsigned int alloc_flags);
void __mmlab_free_one_page(struct mmlab_zone *zone, unsigned long pfn,
			   unsigned int order, int migratetype);

/* pcp.c */
int mmlab_pcp_init(struct mmlab_zone *zone, int batch, int high);
void mmlab_pcp_exit(struct mmlab_zone *zone);
void mmlab_drain_zone_pages(struct mmlab_zone *zone, int cpu);
unsigned long mmlab_pcp_count(struct mmlab_zone *zone);
int mmlab_pcp_hotplug_init(void);
void mmlab_pcp_hotplug_exit(void);
struct mmlab_page *mmlab_rmqueue_pcplist(struct mmlab_zone *zone,
					 unsigned int order, int migratetype,
					 unsigned int alloc_flags);
unsigned int mmlab_rmqueue_pcplist_bulk(struct mmlab_zone *zone, int migratetype,
					unsigned int alloc_flags, unsigned int nr,
					struct list_head *out);
void mmlab_free_unref_page_list(struct mmlab_zone *zone, struct list_head *list);
void mmlab_free_unref_page(struct mmlab_zone *zone, struct mmlab_page *mp,
			   unsigned long pfn, unsigned int order, int migratetype);

#endif /* _MMLAB_BUDDY_H */
