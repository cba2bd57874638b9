/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The borrowed pool: pages mmlab takes from the host and its per-page metadata.
 *
 * Pages are borrowed from the host's alloc_pages() in naturally aligned blocks
 * of up to MMLAB_MAX_ORDER - 1. Their metadata is mmlab's own (never fields of
 * the host's struct page): one struct mmlab_page per page, held in sections of
 * MMLAB_SECTION_PAGES pages, kept in an xarray by PFN and found through a flat
 * table over the span of the pool, the way SPARSEMEM's mem_section finds
 * struct pages.
 */
#ifndef _MMLAB_POOL_H
#define _MMLAB_POOL_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <linux/xarray.h>

/* Orders 0 .. MMLAB_MAX_ORDER - 1, as the host's MAX_ORDER of 11. */
#define MMLAB_MAX_ORDER		11
#define MMLAB_MAX_ORDER_NR_PAGES	BIT(MMLAB_MAX_ORDER - 1)

/* A section covers one naturally aligned max-order block (4 MiB). */
#define MMLAB_SECTION_SHIFT	(MMLAB_MAX_ORDER - 1)
#define MMLAB_SECTION_PAGES	BIT(MMLAB_SECTION_SHIFT)

/* Pageblocks group pages by migrate type, as the kernel's pageblock_order. */
#define MMLAB_PAGEBLOCK_ORDER	9
#define MMLAB_PAGEBLOCK_PAGES	BIT(MMLAB_PAGEBLOCK_ORDER)
#define MMLAB_PAGEBLOCKS_PER_SECTION	(MMLAB_SECTION_PAGES / MMLAB_PAGEBLOCK_PAGES)

/* Zones of the pool; a page belongs to the zone of its host zone. */
enum mmlab_zone_type {
	MMLAB_ZONE_DMA,		/* below 16 MiB, the host's ZONE_DMA */
	MMLAB_ZONE_DMA32,	/* below 4 GiB, the host's ZONE_DMA32 */
	MMLAB_ZONE_NORMAL,	/* the rest, the host's ZONE_NORMAL */
	MMLAB_NR_ZONES
};

/* Migrate types; values equal the kernel's MIGRATE_* so GFP bits map 1:1. */
enum mmlab_migratetype {
	MMLAB_MIGRATE_UNMOVABLE,	/* kernel allocations that never move */
	MMLAB_MIGRATE_MOVABLE,		/* user pages, page cache: could move */
	MMLAB_MIGRATE_RECLAIMABLE,	/* caches that can be reclaimed */
	MMLAB_MIGRATE_TYPES
};

/* What a page of the pool is doing; exactly one state per page. */
enum mmlab_page_state {
	MMLAB_PAGE_ABSENT,	/* not part of the pool (hole in a section) */
	MMLAB_PAGE_BUDDY,	/* head of a block on a zone free list */
	MMLAB_PAGE_PCP,		/* head of a block on a per-CPU list */
	MMLAB_PAGE_ALLOC,	/* head of an allocated block */
	MMLAB_PAGE_TAIL,	/* any other page of a block; see its head */
	MMLAB_NR_PAGE_STATES
};

/* Who owns an allocated block (MMLAB_PAGE_ALLOC heads only). */
enum mmlab_page_owner {
	MMLAB_OWNER_NONE,	/* not allocated */
	MMLAB_OWNER_PAGES,	/* mmlab_alloc_pages() caller */
	MMLAB_OWNER_SLAB,	/* a slab of mmlab's slab allocator */
	MMLAB_OWNER_VMALLOC,	/* backing page of an mmlab vmalloc area */
	MMLAB_OWNER_PGTABLE,	/* a page table written by mmlab */
	MMLAB_NR_OWNERS
};

extern const char *const mmlab_page_state_names[MMLAB_NR_PAGE_STATES];
extern const char *const mmlab_owner_names[MMLAB_NR_OWNERS];

/**
 * struct mmlab_page - mmlab's metadata for one page of the pool (32 bytes).
 * @lru:	link on a free list (zone->lock) or per-CPU list (pcp->lock);
 *		used by block heads only.
 * @private:	for ALLOC heads, the owner's word (e.g. the slab descriptor of
 *		a slab page); for BUDDY and PCP heads, the block's PFN, so a
 *		list walker finds the PFN of an entry (see mpage_pfn()).
 * @state:	enum mmlab_page_state.
 * @order:	order of the block, for heads (BUDDY, PCP, ALLOC).
 * @migratetype: free list a BUDDY/PCP head sits on; type an ALLOC head was
 *		requested with.
 * @owner:	enum mmlab_page_owner, for ALLOC heads.
 * @cpu:	CPU whose list holds a PCP head.
 *
 * Only block heads carry meaning; every other page of a block is a TAIL.
 * With the section headers and the table of borrowed blocks the pool's
 * metadata comes to about 32.1 bytes per 4 KiB page (0.78%).
 */
struct mmlab_page {
	struct list_head lru;
	unsigned long private;
	u8 state;
	u8 order;
	u8 migratetype;
	u8 owner;
	u32 cpu;
};

/**
 * struct mmlab_section - metadata of one aligned MMLAB_SECTION_PAGES range.
 * @start_pfn:	first PFN, aligned to MMLAB_SECTION_PAGES.
 * @zone:	the mmlab zone every pool page of the section belongs to.
 * @nr_present:	pages of the section that are in the pool.
 * @pageblock_mt: migrate type of each pageblock (zone->lock).
 * @pages:	one entry per PFN of the section (MMLAB_SECTION_PAGES entries,
 *		a separate allocation of exactly 32 KiB: with the header inline
 *		the section would take the next power of two, 64 KiB).
 *
 * Zone boundaries (16 MiB, 4 GiB) are section aligned, so a section lies in
 * one zone; a buddy is always in the same section as its block because the
 * largest block is one section.
 */
struct mmlab_section {
	unsigned long start_pfn;
	struct mmlab_zone *zone;
	unsigned long nr_present;
	u8 pageblock_mt[MMLAB_PAGEBLOCKS_PER_SECTION];
	struct mmlab_page *pages;
};

/**
 * struct mmlab_borrowed - one block borrowed from the host.
 * @page:	the host's first page of the block.
 * @pfn:	its PFN.
 * @order:	its order.
 * @host_zone:	enum zone_type of the host zone it came from.
 * @node:	NUMA node.
 */
struct mmlab_borrowed {
	struct page *page;
	unsigned long pfn;
	unsigned int order;
	enum zone_type host_zone;
	int node;
};

/**
 * struct mmlab_pool - everything mmlab borrowed.
 * @sections:	struct mmlab_section by PFN >> MMLAB_SECTION_SHIFT; built at
 *		load, read-only until unload; the sections' owner.
 * @section_map: the same sections as a flat table, by (PFN >>
 *		MMLAB_SECTION_SHIFT) - @section_first, NULL for holes: the
 *		lookup of every free and PFN check, one bounds check and one
 *		load instead of an xarray walk.
 * @section_first: section number of @section_map[0].
 * @nr_section_map: entries in @section_map (the pool's span in sections).
 * @blocks:	borrowed blocks, sorted by PFN.
 * @nr_blocks:	entries in @blocks.
 * @nr_pages:	pages borrowed in all.
 * @nr_sections: sections allocated.
 * @meta_bytes:	bytes of metadata allocated for the pool.
 */
struct mmlab_pool {
	struct xarray sections;
	struct mmlab_section **section_map;
	unsigned long section_first;
	unsigned long nr_section_map;
	struct mmlab_borrowed *blocks;
	unsigned int nr_blocks;
	unsigned long nr_pages;
	unsigned long nr_sections;
	size_t meta_bytes;
};

extern struct mmlab_pool mmlab_pool;

int mmlab_pool_init(unsigned long total_pages, unsigned long dma_pages,
		    unsigned long dma32_pages);
unsigned long mmlab_pool_exit(void);

/**
 * pfn_to_section() - the section holding @pfn, or NULL.
 * @pfn: any PFN (untrusted).
 */
static inline struct mmlab_section *pfn_to_section(unsigned long pfn)
{
	unsigned long idx = (pfn >> MMLAB_SECTION_SHIFT) - mmlab_pool.section_first;

	/* Below section_first wraps around to a huge index. */
	if (idx >= mmlab_pool.nr_section_map)
		return NULL;
	return READ_ONCE(mmlab_pool.section_map[idx]);
}

/**
 * pfn_to_mpage() - mmlab's metadata of @pfn, or NULL if it is not a pool page.
 * @pfn: any PFN (untrusted).
 */
static inline struct mmlab_page *pfn_to_mpage(unsigned long pfn)
{
	struct mmlab_section *sec = pfn_to_section(pfn);
	struct mmlab_page *mp;

	if (!sec)
		return NULL;
	mp = &sec->pages[pfn & (MMLAB_SECTION_PAGES - 1)];
	return mp->state == MMLAB_PAGE_ABSENT ? NULL : mp;
}

/**
 * mpage_to_pfn() - the PFN described by @mp.
 * @sec: the section holding @mp.
 * @mp: metadata of a pool page.
 */
static inline unsigned long mpage_to_pfn(struct mmlab_section *sec,
					 struct mmlab_page *mp)
{
	return sec->start_pfn + (mp - sec->pages);
}

/**
 * mpage_pfn() - the PFN of a free block's head found on a list.
 * @mp: a BUDDY or PCP head (its @private holds the PFN).
 *
 * Free list and per-CPU list walkers get struct mmlab_page entries; this
 * gives their PFN without a section. Not valid for ALLOC heads or tails.
 */
static inline unsigned long mpage_pfn(const struct mmlab_page *mp)
{
	return mp->private;
}

/**
 * pfn_to_mpage_any() - metadata of @pfn whatever its state, or NULL.
 * @pfn: any PFN (untrusted).
 *
 * Unlike pfn_to_mpage() this also returns ABSENT entries of a section (holes
 * not borrowed), for walkers that step over a whole section.
 */
static inline struct mmlab_page *pfn_to_mpage_any(unsigned long pfn)
{
	struct mmlab_section *sec = pfn_to_section(pfn);

	return sec ? &sec->pages[pfn & (MMLAB_SECTION_PAGES - 1)] : NULL;
}

#endif /* _MMLAB_POOL_H */
