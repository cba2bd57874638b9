// SPDX-License-Identifier: GPL-2.0
/*
 * The borrowed pool: pages mmlab takes from the host kernel at load, their
 * per-page metadata, and their return to the host at unload.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "buddy.h"
#include "fault_inject.h"
#include "pool.h"

/* === Data === */

struct mmlab_pool mmlab_pool = {
	.sections = XARRAY_INIT(mmlab_pool.sections, 0),
};
EXPORT_SYMBOL_NS_GPL(mmlab_pool, MMLAB_INTERNAL);

const char *const mmlab_page_state_names[] = {
	[MMLAB_PAGE_ABSENT]	= "absent",
	[MMLAB_PAGE_BUDDY]	= "buddy",
	[MMLAB_PAGE_PCP]	= "pcp",
	[MMLAB_PAGE_ALLOC]	= "alloc",
	[MMLAB_PAGE_TAIL]	= "tail",
};
EXPORT_SYMBOL_NS_GPL(mmlab_page_state_names, MMLAB_INTERNAL);

static_assert(ARRAY_SIZE(mmlab_page_state_names) == MMLAB_NR_PAGE_STATES);

const char *const mmlab_owner_names[] = {
	[MMLAB_OWNER_NONE]	= "none",
	[MMLAB_OWNER_PAGES]	= "pages",
	[MMLAB_OWNER_SLAB]	= "slab",
	[MMLAB_OWNER_VMALLOC]	= "vmalloc",
	[MMLAB_OWNER_PGTABLE]	= "pgtable",
};
EXPORT_SYMBOL_NS_GPL(mmlab_owner_names, MMLAB_INTERNAL);

static_assert(ARRAY_SIZE(mmlab_owner_names) == MMLAB_NR_OWNERS);

/* Entries allocated in mmlab_pool.blocks (load time only). */
static unsigned int blocks_capacity;

/* === Internals === */

static enum mmlab_zone_type host_to_mmlab_zone(enum zone_type zt)
{
	switch (zt) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		return MMLAB_ZONE_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		return MMLAB_ZONE_DMA32;
#endif
	default:
		return MMLAB_ZONE_NORMAL;
	}
}

/* Append a borrowed block to mmlab_pool.blocks, growing the array. */
static int record_block(struct page *page, unsigned int order)
{
	struct mmlab_borrowed *b;

	if (mmlab_pool.nr_blocks == blocks_capacity) {
		unsigned int cap = blocks_capacity ? 2 * blocks_capacity : 64;
		struct mmlab_borrowed *nb;

		nb = kvmalloc_array(cap, sizeof(*nb), GFP_KERNEL);
		if (!nb)
			return -ENOMEM;
		if (mmlab_pool.blocks)
			memcpy(nb, mmlab_pool.blocks,
			       mmlab_pool.nr_blocks * sizeof(*nb));
		kvfree(mmlab_pool.blocks);
		mmlab_pool.blocks = nb;
		blocks_capacity = cap;
	}

	b = &mmlab_pool.blocks[mmlab_pool.nr_blocks++];
	b->page = page;
	b->pfn = page_to_pfn(page);
	b->order = order;
	b->host_zone = page_zonenum(page);
	b->node = page_to_nid(page);
	mmlab_pool.nr_pages += 1UL << order;
	return 0;
}

/*
 * Borrow @nr_pages from the host with @zone_gfp (0, __GFP_DMA or
 * __GFP_DMA32), in the largest naturally aligned blocks the host gives:
 * start at the top order and step down when an order fails.
 */
static int borrow(unsigned long nr_pages, gfp_t zone_gfp)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | zone_gfp;
	unsigned int order = MMLAB_MAX_ORDER - 1;
	int err;

	while (nr_pages) {
		struct page *page;

		while ((1UL << order) > nr_pages)
			order--;
		if (mmlab_should_fail(&mmlab_fail_borrow, PAGE_SIZE << order))
			page = NULL;
		else
			page = alloc_pages(gfp, order);
		if (!page) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		err = record_block(page, order);
		if (err) {
			__free_pages(page, order);
			return err;
		}
		nr_pages -= 1UL << order;
	}
	return 0;
}

static int cmp_block_pfn(const void *a, const void *b)
{
	const struct mmlab_borrowed *x = a, *y = b;

	if (x->pfn == y->pfn)
		return 0;
	return x->pfn < y->pfn ? -1 : 1;
}

/* The section holding @pfn, created (for @zone) if it does not exist yet. */
static struct mmlab_section *get_section(unsigned long pfn,
					 struct mmlab_zone *zone)
{
	unsigned long idx = pfn >> MMLAB_SECTION_SHIFT;
	struct mmlab_section *sec;
	int err;

	sec = xa_load(&mmlab_pool.sections, idx);
	if (sec)
		return sec;

	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec)
		return ERR_PTR(-ENOMEM);
	sec->pages = kvcalloc(MMLAB_SECTION_PAGES, sizeof(*sec->pages), GFP_KERNEL);
	if (!sec->pages) {
		kfree(sec);
		return ERR_PTR(-ENOMEM);
	}
	sec->start_pfn = idx << MMLAB_SECTION_SHIFT;
	sec->zone = zone;
	/* Every pageblock starts movable, as the kernel's memmap_init(). */
	memset(sec->pageblock_mt, MMLAB_MIGRATE_MOVABLE,
	       sizeof(sec->pageblock_mt));
	err = xa_err(xa_store(&mmlab_pool.sections, idx, sec, GFP_KERNEL));
	if (err) {
		kvfree(sec->pages);
		kfree(sec);
		return ERR_PTR(err);
	}
	mmlab_pool.nr_sections++;
	mmlab_pool.meta_bytes += kmalloc_size_roundup(sizeof(*sec)) +
				 MMLAB_SECTION_PAGES * sizeof(*sec->pages);
	return sec;
}

/*
 * Describe every borrowed page in its section: present, a tail until the
 * buddy allocator turns block heads into free blocks.
 */
static int create_sections(void)
{
	unsigned int i;

	for (i = 0; i < mmlab_pool.nr_blocks; i++) {
		const struct mmlab_borrowed *b = &mmlab_pool.blocks[i];
		struct mmlab_zone *zone =
			&mmlab_zones[host_to_mmlab_zone(b->host_zone)];
		unsigned long end_pfn = b->pfn + (1UL << b->order);
		unsigned long pfn = b->pfn;

		while (pfn < end_pfn) {
			struct mmlab_section *sec = get_section(pfn, zone);
			unsigned long sec_end;

			if (IS_ERR(sec))
				return PTR_ERR(sec);
			if (sec->zone != zone) {
				pr_err("pfn 0x%lx: section 0x%lx holds pages of zones %s and %s\n",
				       pfn, sec->start_pfn, sec->zone->name,
				       zone->name);
				return -EINVAL;
			}
			sec_end = min(end_pfn, sec->start_pfn + MMLAB_SECTION_PAGES);
			sec->nr_present += sec_end - pfn;
			for (; pfn < sec_end; pfn++)
				sec->pages[pfn - sec->start_pfn].state = MMLAB_PAGE_TAIL;
		}
	}
	return 0;
}

/*
 * The flat table of the sections over the pool's span, for pfn_to_section().
 * The blocks are sorted by PFN, so the span is from the first to the last.
 */
static int map_sections(void)
{
	const struct mmlab_borrowed *last;
	struct mmlab_section *sec;
	unsigned long first, end, idx;

	if (!mmlab_pool.nr_blocks)
		return 0;
	last = &mmlab_pool.blocks[mmlab_pool.nr_blocks - 1];
	first = mmlab_pool.blocks[0].pfn >> MMLAB_SECTION_SHIFT;
	end = (last->pfn + (1UL << last->order) - 1) >> MMLAB_SECTION_SHIFT;
	mmlab_pool.section_map = kvcalloc(end - first + 1, sizeof(*mmlab_pool.section_map),
					  GFP_KERNEL);
	if (!mmlab_pool.section_map)
		return -ENOMEM;
	xa_for_each(&mmlab_pool.sections, idx, sec)
		mmlab_pool.section_map[idx - first] = sec;
	mmlab_pool.meta_bytes += (end - first + 1) * sizeof(*mmlab_pool.section_map);
	/* pfn_to_section() reads these two without a lock: set them last. */
	mmlab_pool.section_first = first;
	WRITE_ONCE(mmlab_pool.nr_section_map, end - first + 1);
	return 0;
}

/* Give every borrowed block back and free all metadata. */
static unsigned long release_pool(void)
{
	struct mmlab_section *sec;
	unsigned long reclaimed = 0;
	unsigned long idx;
	unsigned int i;

	WRITE_ONCE(mmlab_pool.nr_section_map, 0);
	kvfree(mmlab_pool.section_map);
	mmlab_pool.section_map = NULL;
	mmlab_pool.section_first = 0;
	xa_for_each(&mmlab_pool.sections, idx, sec) {
		unsigned long j;

		for (j = 0; j < MMLAB_SECTION_PAGES; j++) {
			const struct mmlab_page *mp = &sec->pages[j];

			if (mp->state == MMLAB_PAGE_ALLOC)
				reclaimed += 1UL << mp->order;
		}
		kvfree(sec->pages);
		kfree(sec);
	}
	xa_destroy(&mmlab_pool.sections);

	for (i = 0; i < mmlab_pool.nr_blocks; i++)
		__free_pages(mmlab_pool.blocks[i].page, mmlab_pool.blocks[i].order);
	kvfree(mmlab_pool.blocks);

	mmlab_pool.blocks = NULL;
	mmlab_pool.nr_blocks = 0;
	mmlab_pool.nr_pages = 0;
	mmlab_pool.nr_sections = 0;
	mmlab_pool.meta_bytes = 0;
	blocks_capacity = 0;
	return reclaimed;
}

/* === Public interface === */

/**
 * mmlab_pool_init() - borrow the pool from the host and build its metadata.
 * @total_pages: pages to borrow in all.
 * @dma_pages: part of @total_pages asked from the host with __GFP_DMA.
 * @dma32_pages: part of @total_pages asked with __GFP_DMA32.
 *
 * The rest is asked with plain GFP_KERNEL. Each block is filed under the
 * mmlab zone matching the host zone it really came from (page_zonenum()):
 * a host without Normal memory gives DMA32 pages for a GFP_KERNEL request.
 *
 * Return: 0, or -ENOMEM (or the xarray's error) with every page returned and
 * all metadata freed.
 */
int mmlab_pool_init(unsigned long total_pages, unsigned long dma_pages,
		    unsigned long dma32_pages)
{
	int err;

	if (dma_pages + dma32_pages > total_pages)
		return -EINVAL;

	err = borrow(dma_pages, __GFP_DMA);
	if (!err)
		err = borrow(dma32_pages, __GFP_DMA32);
	if (!err)
		err = borrow(total_pages - dma_pages - dma32_pages, 0);
	if (err) {
		pr_err("could not borrow %lu pages from the host (got %lu)\n",
		       total_pages, mmlab_pool.nr_pages);
		goto fail;
	}

	sort(mmlab_pool.blocks, mmlab_pool.nr_blocks, sizeof(*mmlab_pool.blocks),
	     cmp_block_pfn, NULL);
	mmlab_pool.meta_bytes += blocks_capacity * sizeof(*mmlab_pool.blocks);

	err = create_sections();
	if (!err)
		err = map_sections();
	if (err)
		goto fail;
	return 0;

fail:
	release_pool();
	return err;
}

/**
 * mmlab_pool_exit() - give the whole pool back to the host.
 *
 * Every borrowed block goes back with __free_pages() whatever mmlab did with
 * its pages, and the metadata is freed. The caller reports what was still
 * allocated.
 *
 * Return: the number of pages that were still allocated (ALLOC blocks).
 */
unsigned long mmlab_pool_exit(void)
{
	return release_pool();
}
