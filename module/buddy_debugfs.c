// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs interface of mmlab's page allocator: the pool, the free and per-CPU
 * lists in the kernel's own formats, and the page commands of `control`.
 *
 * Every file is a thin view: it takes the lock that protects what it shows
 * (zone->lock for a zone's free lists and pageblock types, pcp->lock for a
 * per-CPU list), copies the numbers or the blocks out, drops the lock, and
 * only then prints. What one zone (or one CPU's lists of one zone) shows is
 * therefore one consistent instant. The formats of buddyinfo, pagetypeinfo,
 * zoneinfo, extfrag_index and unusable_index follow mm/vmstat.c.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "buddy.h"
#include "control.h"
#include "debugfs.h"
#include "mmlab.h"
#include "pool.h"

/* === Data === */

/* Zone names as `control` takes them and every row prints them. */
static const char *const zone_words[] = {
	[MMLAB_ZONE_DMA]	= "DMA",
	[MMLAB_ZONE_DMA32]	= "DMA32",
	[MMLAB_ZONE_NORMAL]	= "Normal",
	NULL
};

static_assert(ARRAY_SIZE(zone_words) == MMLAB_NR_ZONES + 1);

/* Migrate types as `control` takes them and the row-per-block files print. */
static const char *const type_words[] = {
	[MMLAB_MIGRATE_UNMOVABLE]	= "unmovable",
	[MMLAB_MIGRATE_MOVABLE]		= "movable",
	[MMLAB_MIGRATE_RECLAIMABLE]	= "reclaimable",
	NULL
};

static_assert(ARRAY_SIZE(type_words) == MMLAB_MIGRATE_TYPES + 1);

/* Migrate types as /proc/pagetypeinfo prints them (migratetype_names). */
static const char *const pagetype_names[] = {
	[MMLAB_MIGRATE_UNMOVABLE]	= "Unmovable",
	[MMLAB_MIGRATE_MOVABLE]		= "Movable",
	[MMLAB_MIGRATE_RECLAIMABLE]	= "Reclaimable",
};

static_assert(ARRAY_SIZE(pagetype_names) == MMLAB_MIGRATE_TYPES);

/**
 * struct block_rec - a block seen on a free list or a per-CPU list.
 * @pfn:	its first PFN.
 * @order:	its order.
 * @mt:		the migrate type of the list it is on.
 */
struct block_rec {
	unsigned long pfn;
	u8 order;
	u8 mt;
};

/**
 * struct block_snap - blocks copied out of lists under their lock.
 * @recs:	the blocks, in list order.
 * @nr:		entries used.
 * @cap:	entries allocated.
 */
struct block_snap {
	struct block_rec *recs;
	unsigned long nr;
	unsigned long cap;
};

/* === Snapshots === */

/* Node a zone prints: its pages' node, 0 for an empty zone (NUMA_NO_NODE). */
static int zone_node(const struct mmlab_zone *zone)
{
	return zone->node == NUMA_NO_NODE ? 0 : zone->node;
}

/* Makes room for @need records; called with no lock held. */
static int snap_reserve(struct block_snap *snap, unsigned long need)
{
	struct block_rec *recs;

	if (need <= snap->cap)
		return 0;
	need += need / 8 + 16;	/* room for what is freed while we allocate */
	recs = kvmalloc_array(need, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	kvfree(snap->recs);
	snap->recs = recs;
	snap->cap = need;
	return 0;
}

/* Appends the blocks of @list; the list's lock must be held. */
static void snap_list(struct block_snap *snap, struct list_head *list,
		      unsigned int order, unsigned int mt)
{
	struct mmlab_page *mp;

	list_for_each_entry(mp, list, lru) {
		if (snap->nr == snap->cap)
			return;
		snap->recs[snap->nr++] = (struct block_rec) {
			.pfn = mpage_pfn(mp), .order = order, .mt = mt,
		};
	}
}

/* Free blocks on all lists of @zone. Return: the count; zone->lock held. */
static unsigned long zone_nr_free_blocks(struct mmlab_zone *zone)
{
	unsigned long nr = 0;
	unsigned int order;

	lockdep_assert_held(&zone->lock);
	for (order = 0; order < MMLAB_MAX_ORDER; order++)
		nr += zone->free_area[order].nr_free;
	return nr;
}

/**
 * snap_free_lists() - copy every block of a zone's free lists.
 * @zone: a populated zone.
 * @snap: where; emptied first, grown as needed.
 *
 * Takes zone->lock. The blocks come by order, then migrate type, each list
 * from its head (the next block its allocator would take).
 *
 * Return: 0 or -ENOMEM.
 */
static int snap_free_lists(struct mmlab_zone *zone, struct block_snap *snap)
{
	unsigned long flags, need;
	unsigned int order, mt;
	int err;

	for (;;) {
		spin_lock_irqsave(&zone->lock, flags);
		need = zone_nr_free_blocks(zone);
		if (need <= snap->cap)
			break;
		spin_unlock_irqrestore(&zone->lock, flags);
		err = snap_reserve(snap, need);
		if (err)
			return err;
	}
	snap->nr = 0;
	for (order = 0; order < MMLAB_MAX_ORDER; order++)
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
			snap_list(snap, &zone->free_area[order].free_list[mt],
				  order, mt);
	spin_unlock_irqrestore(&zone->lock, flags);
	return 0;
}

/**
 * snap_pcp_lists() - copy every block of one CPU's lists of a zone.
 * @zone: a populated zone.
 * @cpu: a possible CPU.
 * @snap: where; emptied first, grown as needed.
 *
 * Takes the CPU's pcp->lock. The blocks come by order, then migrate type.
 *
 * Return: 0 or -ENOMEM.
 */
static int snap_pcp_lists(struct mmlab_zone *zone, int cpu,
			  struct block_snap *snap)
{
	struct mmlab_per_cpu_pages *pcp;
	unsigned int order, mt;
	unsigned long flags;
	int err;

	snap->nr = 0;
	if (!zone->pcp)
		return 0;
	pcp = per_cpu_ptr(zone->pcp, cpu);
	for (;;) {
		spin_lock_irqsave(&pcp->lock, flags);
		/* pcp->count counts pages: never fewer than blocks. */
		if (pcp->count <= snap->cap)
			break;
		spin_unlock_irqrestore(&pcp->lock, flags);
		err = snap_reserve(snap, pcp->count);
		if (err)
			return err;
	}
	snap->nr = 0;
	for (order = 0; order <= MMLAB_PCP_MAX_ORDER; order++)
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
			snap_list(snap, &pcp->lists[order_to_pindex(mt, order)],
				  order, mt);
	spin_unlock_irqrestore(&pcp->lock, flags);
	return 0;
}

/* Copies nr_free of every order of @zone, under zone->lock. */
static void snap_nr_free(struct mmlab_zone *zone,
			 unsigned long nr_free[MMLAB_MAX_ORDER])
{
	unsigned long flags;
	unsigned int order;

	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < MMLAB_MAX_ORDER; order++)
		nr_free[order] = zone->free_area[order].nr_free;
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* === pool === */

static int pool_show(struct seq_file *m, void *v)
{
	const unsigned long nr_pages = mmlab_pool.nr_pages;
	unsigned long per_page_100 = 0;
	unsigned int i;

	/* The pool is built at load and read-only until unload: no lock. */
	seq_puts(m, "start_pfn end_pfn order host_zone node\n");
	for (i = 0; i < mmlab_pool.nr_blocks; i++) {
		const struct mmlab_borrowed *b = &mmlab_pool.blocks[i];

		seq_printf(m, "0x%lx 0x%lx %u %s %d\n", b->pfn,
			   b->pfn + (1UL << b->order), b->order,
			   page_zone(b->page)->name, b->node);
	}
	if (nr_pages)
		per_page_100 = div64_ul(mmlab_pool.meta_bytes * 100ULL, nr_pages);
	seq_printf(m, "total blocks=%u pages=%lu MiB=%lu metadata_bytes=%zu bytes_per_page=%lu.%02lu\n",
		   mmlab_pool.nr_blocks, nr_pages,
		   nr_pages >> (20 - PAGE_SHIFT), mmlab_pool.meta_bytes,
		   per_page_100 / 100, per_page_100 % 100);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pool);

/* === buddyinfo === */

static int buddyinfo_show(struct seq_file *m, void *v)
{
	unsigned long nr_free[MMLAB_MAX_ORDER];
	struct mmlab_zone *zone;
	unsigned int order;

	for_each_populated_mmlab_zone(zone) {
		snap_nr_free(zone, nr_free);
		seq_printf(m, "Node %d, zone %8s ", zone_node(zone), zone->name);
		for (order = 0; order < MMLAB_MAX_ORDER; order++)
			seq_printf(m, "%6lu ", nr_free[order]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

/* === pagetypeinfo === */

/**
 * count_pageblocks() - pageblocks of a zone by migrate type.
 * @zone: a populated zone.
 * @count: out: pageblocks of each type.
 *
 * A pageblock counts when any page of it is in the pool, as the kernel
 * counts a pageblock whose first page is online. The borrowed blocks are
 * sorted by PFN, so a pageblock shared by several small blocks is met by
 * consecutive blocks and counted once. Takes zone->lock, which protects
 * the pageblock types.
 */
static void count_pageblocks(struct mmlab_zone *zone,
			     unsigned long count[MMLAB_MIGRATE_TYPES])
{
	unsigned long last = ULONG_MAX, flags;
	unsigned int i, mt;

	memset(count, 0, MMLAB_MIGRATE_TYPES * sizeof(*count));
	spin_lock_irqsave(&zone->lock, flags);
	for (i = 0; i < mmlab_pool.nr_blocks; i++) {
		const struct mmlab_borrowed *b = &mmlab_pool.blocks[i];
		unsigned long first = b->pfn >> MMLAB_PAGEBLOCK_ORDER;
		unsigned long end = (b->pfn + (1UL << b->order) - 1) >>
				    MMLAB_PAGEBLOCK_ORDER;
		unsigned long pb;

		if (pfn_to_section(b->pfn)->zone != zone)
			continue;
		for (pb = first; pb <= end; pb++) {
			struct mmlab_section *sec;

			if (pb == last)
				continue;
			last = pb;
			sec = pfn_to_section(pb << MMLAB_PAGEBLOCK_ORDER);
			mt = sec->pageblock_mt[pb - (sec->start_pfn >>
						     MMLAB_PAGEBLOCK_ORDER)];
			if (mt < MMLAB_MIGRATE_TYPES)
				count[mt]++;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * Free blocks per migrate type per order, counted on the lists as
 * pagetypeinfo_showfree_print() does. Takes zone->lock.
 */
static void count_free_by_type(struct mmlab_zone *zone,
			       unsigned long count[MMLAB_MIGRATE_TYPES][MMLAB_MAX_ORDER])
{
	unsigned int order, mt;
	struct list_head *pos;
	unsigned long flags;

	memset(count, 0, sizeof(count[0]) * MMLAB_MIGRATE_TYPES);
	spin_lock_irqsave(&zone->lock, flags);
	for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
		for (order = 0; order < MMLAB_MAX_ORDER; order++)
			list_for_each(pos, &zone->free_area[order].free_list[mt])
				count[mt][order]++;
	spin_unlock_irqrestore(&zone->lock, flags);
}

static int pagetypeinfo_show(struct seq_file *m, void *v)
{
	unsigned long free[MMLAB_MIGRATE_TYPES][MMLAB_MAX_ORDER];
	unsigned long blocks[MMLAB_MIGRATE_TYPES];
	struct mmlab_zone *zone;
	unsigned int order, mt;

	seq_printf(m, "Page block order: %d\n", MMLAB_PAGEBLOCK_ORDER);
	seq_printf(m, "Pages per block:  %lu\n", MMLAB_PAGEBLOCK_PAGES);
	seq_putc(m, '\n');

	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < MMLAB_MAX_ORDER; order++)
		seq_printf(m, "%6d ", order);
	seq_putc(m, '\n');
	for_each_populated_mmlab_zone(zone) {
		count_free_by_type(zone, free);
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
			seq_printf(m, "Node %4d, zone %8s, type %12s ",
				   zone_node(zone), zone->name, pagetype_names[mt]);
			for (order = 0; order < MMLAB_MAX_ORDER; order++)
				seq_printf(m, "%6lu ", free[mt][order]);
			seq_putc(m, '\n');
		}
	}

	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", pagetype_names[mt]);
	seq_putc(m, '\n');
	for_each_populated_mmlab_zone(zone) {
		count_pageblocks(zone, blocks);
		seq_printf(m, "Node %d, zone %8s ", zone_node(zone), zone->name);
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++)
			seq_printf(m, "%12lu ", blocks[mt]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetypeinfo);

/* === zoneinfo === */

static void zoneinfo_show_zone(struct seq_file *m, struct mmlab_zone *zone)
{
	unsigned long nr_free, flags;
	int i, cpu;

	spin_lock_irqsave(&zone->lock, flags);
	nr_free = zone->nr_free_pages;
	spin_unlock_irqrestore(&zone->lock, flags);

	seq_printf(m, "Node %d, zone %8s", zone_node(zone), zone->name);
	seq_printf(m, "\n  pages free     %lu", nr_free);
	seq_printf(m, "\n        min      %lu", zone->watermark[MMLAB_WMARK_MIN]);
	seq_printf(m, "\n        low      %lu", zone->watermark[MMLAB_WMARK_LOW]);
	seq_printf(m, "\n        high     %lu", zone->watermark[MMLAB_WMARK_HIGH]);
	seq_printf(m, "\n        spanned  %lu", zone->spanned_pages);
	seq_printf(m, "\n        present  %lu", zone->present_pages);
	seq_printf(m, "\n        managed  %lu", zone->managed_pages);
	seq_printf(m, "\n        protection: (%lu", zone->lowmem_reserve[0]);
	for (i = 1; i < MMLAB_NR_ZONES; i++)
		seq_printf(m, ", %lu", zone->lowmem_reserve[i]);
	seq_putc(m, ')');

	/* As the kernel: if unpopulated, no other information is useful. */
	if (!mmlab_zone_populated(zone) || !zone->pcp) {
		seq_putc(m, '\n');
		return;
	}

	seq_puts(m, "\n  pagesets");
	for_each_possible_cpu(cpu) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);
		int count, high, batch;

		spin_lock_irqsave(&pcp->lock, flags);
		count = pcp->count;
		high = pcp->high;
		batch = pcp->batch;
		spin_unlock_irqrestore(&pcp->lock, flags);
		seq_printf(m, "\n    cpu: %i", cpu);
		seq_printf(m, "\n              count: %i", count);
		seq_printf(m, "\n              high:  %i", high);
		seq_printf(m, "\n              batch: %i", batch);
	}

	seq_puts(m, "\n  counters");
	for (i = 0; i < MMLAB_NR_ZONE_STATS; i++)
		seq_printf(m, "\n      %-14s %lu", mmlab_zone_stat_names[i],
			   mmlab_zone_stat(zone, i));
	seq_printf(m, "\n  start_pfn:           0x%lx\n", zone->zone_start_pfn);
}

static int zoneinfo_show(struct seq_file *m, void *v)
{
	struct mmlab_zone *zone;

	for_each_mmlab_zone(zone)
		zoneinfo_show_zone(m, zone);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

/* === free_lists and pcp_lists === */

static int free_lists_show(struct seq_file *m, void *v)
{
	struct block_snap snap = { };
	struct mmlab_zone *zone;
	unsigned long i;
	int err = 0;

	seq_puts(m, "zone order type start_pfn end_pfn\n");
	for_each_populated_mmlab_zone(zone) {
		err = snap_free_lists(zone, &snap);
		if (err)
			break;
		for (i = 0; i < snap.nr; i++) {
			const struct block_rec *r = &snap.recs[i];

			seq_printf(m, "%s %u %s 0x%lx 0x%lx\n", zone->name,
				   r->order, type_words[r->mt], r->pfn,
				   r->pfn + (1UL << r->order));
		}
	}
	kvfree(snap.recs);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(free_lists);

static int pcp_lists_show(struct seq_file *m, void *v)
{
	struct block_snap snap = { };
	struct mmlab_zone *zone;
	unsigned long i;
	int cpu, err = 0;

	seq_puts(m, "cpu zone order type pfn\n");
	for_each_possible_cpu(cpu) {
		for_each_populated_mmlab_zone(zone) {
			err = snap_pcp_lists(zone, cpu, &snap);
			if (err)
				goto out;
			for (i = 0; i < snap.nr; i++) {
				const struct block_rec *r = &snap.recs[i];

				seq_printf(m, "%d %s %u %s 0x%lx\n", cpu,
					   zone->name, r->order,
					   type_words[r->mt], r->pfn);
			}
		}
	}
out:
	kvfree(snap.recs);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(pcp_lists);

/* === extfrag_index and unusable_index === */

/**
 * struct contig_page_info - free memory of a zone seen from one order.
 * @free_pages:		pages on the free lists.
 * @free_blocks_total:	blocks on the free lists.
 * @free_blocks_suitable: blocks of the order asked for that the free
 *			blocks of that order or more could give.
 *
 * As mm/vmstat.c's struct contig_page_info.
 */
struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* As mm/vmstat.c's fill_contig_page_info(), over a snapshot of nr_free. */
static void fill_contig_page_info(const unsigned long nr_free[MMLAB_MAX_ORDER],
				  unsigned int suitable_order,
				  struct contig_page_info *info)
{
	unsigned int order;

	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (order = 0; order < MMLAB_MAX_ORDER; order++) {
		unsigned long blocks = nr_free[order];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				blocks << (order - suitable_order);
	}
}

/*
 * As mm/vmstat.c's __fragmentation_index(): -1000 when a block of @order is
 * free (the index only makes sense for a request that would fail), else
 * 0 (failure from lack of memory) to 1000 (from fragmentation).
 */
static int fragmentation_index(unsigned int order,
			       const struct contig_page_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(info->free_pages * 1000ULL,
					     requested),
			      info->free_blocks_total);
}

/*
 * As mm/vmstat.c's unusable_free_index(): the part of the free memory, in
 * thousandths, that is in blocks too small for @order.
 */
static int unusable_free_index(unsigned int order,
			       const struct contig_page_info *info)
{
	if (!info->free_pages)
		return 1000;
	return div_u64((info->free_pages -
			(info->free_blocks_suitable << order)) * 1000ULL,
		       info->free_pages);
}

static int extfrag_index_show(struct seq_file *m, void *v)
{
	unsigned long nr_free[MMLAB_MAX_ORDER];
	struct contig_page_info info;
	struct mmlab_zone *zone;
	unsigned int order;
	int index;

	for_each_populated_mmlab_zone(zone) {
		snap_nr_free(zone, nr_free);
		seq_printf(m, "Node %d, zone %8s ", zone_node(zone), zone->name);
		for (order = 0; order < MMLAB_MAX_ORDER; order++) {
			fill_contig_page_info(nr_free, order, &info);
			index = fragmentation_index(order, &info);
			seq_printf(m, "%2d.%03d ", index / 1000, index % 1000);
		}
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

static int unusable_index_show(struct seq_file *m, void *v)
{
	unsigned long nr_free[MMLAB_MAX_ORDER];
	struct contig_page_info info;
	struct mmlab_zone *zone;
	unsigned int order;
	int index;

	for_each_populated_mmlab_zone(zone) {
		snap_nr_free(zone, nr_free);
		seq_printf(m, "Node %d, zone %8s ", zone_node(zone), zone->name);
		for (order = 0; order < MMLAB_MAX_ORDER; order++) {
			fill_contig_page_info(nr_free, order, &info);
			index = unusable_free_index(order, &info);
			seq_printf(m, "%d.%03d ", index / 1000, index % 1000);
		}
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

/* === Page commands of control === */

/**
 * struct page_handle - a block allocated with `alloc`.
 * @h:		its handle (kind page_kind).
 * @page:	the block's first page.
 * @pfn:	its PFN.
 * @order:	its order.
 * @zone:	enum mmlab_zone_type of the zone it came from.
 * @mt:		migrate type of its pageblock when it was allocated: where it
 *		came from after any fallback.
 */
struct page_handle {
	struct mmlab_ctl_handle h;
	struct page *page;
	unsigned long pfn;
	unsigned int order;
	unsigned int zone;
	unsigned int mt;
};

/**
 * mmlab_seq_block() - print the pfn, order, zone and type columns of a row.
 * @m: the seq_file.
 * @pfn: first PFN of the block.
 * @order: its order.
 * @zone: enum mmlab_zone_type.
 * @migratetype: enum mmlab_migratetype.
 *
 * Prints "0x<pfn> <order> <zone> <type>" with the zone and type words of
 * `control`, no leading or trailing blank: the columns of a `handles` row.
 */
void mmlab_seq_block(struct seq_file *m, unsigned long pfn, unsigned int order,
		     unsigned int zone, unsigned int migratetype)
{
	seq_printf(m, "0x%lx %u %s %s", pfn, order,
		   zone < MMLAB_NR_ZONES ? zone_words[zone] : "-",
		   migratetype < MMLAB_MIGRATE_TYPES ? type_words[migratetype] : "-");
}

static void page_handle_show(struct seq_file *m,
			     const struct mmlab_ctl_handle *h)
{
	const struct page_handle *ph = container_of(h, struct page_handle, h);

	mmlab_seq_block(m, ph->pfn, ph->order, ph->zone, ph->mt);
}

static void page_handle_free(struct mmlab_ctl_handle *h)
{
	struct page_handle *ph = container_of(h, struct page_handle, h);

	mmlab_free_pages(ph->page, ph->order);
	kfree(ph);
}

static const struct mmlab_ctl_kind page_kind = {
	.name = "pages",
	.show = page_handle_show,
	.free = page_handle_free,
};

enum { ALLOC_ORDER, ALLOC_ZONE, ALLOC_TYPE };

static const struct mmlab_ctl_key alloc_keys[] = {
	[ALLOC_ORDER] = MMLAB_CTL_KEY_NUM("order", true, 0, MMLAB_MAX_ORDER - 1),
	[ALLOC_ZONE] = MMLAB_CTL_KEY_CHOICE("zone", false, zone_words),
	[ALLOC_TYPE] = MMLAB_CTL_KEY_CHOICE("type", false, type_words),
};

static const gfp_t zone_gfp[] = {
	[MMLAB_ZONE_DMA]	= __GFP_DMA,
	[MMLAB_ZONE_DMA32]	= __GFP_DMA32,
	[MMLAB_ZONE_NORMAL]	= 0,
};

static const gfp_t type_gfp[] = {
	[MMLAB_MIGRATE_UNMOVABLE]	= 0,
	[MMLAB_MIGRATE_MOVABLE]		= __GFP_MOVABLE,
	[MMLAB_MIGRATE_RECLAIMABLE]	= __GFP_RECLAIMABLE,
};

/*
 * alloc order=N [zone=Z] [type=T]: GFP_KERNEL with the zone and mobility
 * bits of Z and T (Normal and unmovable by default), as a kernel caller of
 * alloc_pages() would ask. __GFP_NOWARN: an exhausted pool is an answer
 * (-ENOMEM), not a warning.
 */
static int alloc_run(const struct mmlab_ctl_args *args)
{
	unsigned int order = args->num[ALLOC_ORDER];
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	struct page_handle *ph;
	struct page *page;
	int err;

	if (mmlab_ctl_has(args, ALLOC_ZONE))
		gfp |= zone_gfp[args->num[ALLOC_ZONE]];
	if (mmlab_ctl_has(args, ALLOC_TYPE))
		gfp |= type_gfp[args->num[ALLOC_TYPE]];

	ph = kzalloc(sizeof(*ph), GFP_KERNEL);
	if (!ph)
		return -ENOMEM;
	page = mmlab_alloc_pages(gfp, order);
	if (!page) {
		kfree(ph);
		return -ENOMEM;
	}
	ph->page = page;
	ph->pfn = page_to_pfn(page);
	ph->order = order;
	ph->zone = pfn_to_section(ph->pfn)->zone->idx;
	ph->mt = mmlab_pageblock_mt(ph->pfn);

	err = mmlab_ctl_handle_add(&ph->h, &page_kind);
	if (err) {
		page_handle_free(&ph->h);
		return err;
	}
	return 0;
}

static int drain_run(const struct mmlab_ctl_args *args)
{
	mmlab_drain_all_pages();
	return 0;
}

static const struct mmlab_ctl_cmd buddy_cmds[] = {
	{
		.verb = "alloc",
		.help = "allocate 2^N pages (GFP_KERNEL; default zone Normal, type unmovable)",
		.keys = alloc_keys,
		.nr_keys = ARRAY_SIZE(alloc_keys),
		.run = alloc_run,
	},
	{
		.verb = "drain",
		.help = "give every CPU's per-CPU lists back to the free lists",
		.run = drain_run,
	},
};

const struct mmlab_ctl_table mmlab_buddy_ctl_table = {
	.cmds = buddy_cmds,
	.nr_cmds = ARRAY_SIZE(buddy_cmds),
};

/* === Public interface === */

/**
 * mmlab_buddy_debugfs_init() - create the page allocator's debugfs files.
 * @root: mmlab's debugfs directory.
 *
 * Every file is read-only and for root (0400); debugfs errors are not
 * fatal to the module, as everywhere in the kernel.
 */
void mmlab_buddy_debugfs_init(struct dentry *root)
{
	debugfs_create_file("pool", 0400, root, NULL, &pool_fops);
	debugfs_create_file("buddyinfo", 0400, root, NULL, &buddyinfo_fops);
	debugfs_create_file("pagetypeinfo", 0400, root, NULL,
			    &pagetypeinfo_fops);
	debugfs_create_file("zoneinfo", 0400, root, NULL, &zoneinfo_fops);
	debugfs_create_file("free_lists", 0400, root, NULL, &free_lists_fops);
	debugfs_create_file("pcp_lists", 0400, root, NULL, &pcp_lists_fops);
	debugfs_create_file("extfrag_index", 0400, root, NULL,
			    &extfrag_index_fops);
	debugfs_create_file("unusable_index", 0400, root, NULL,
			    &unusable_index_fops);
}
