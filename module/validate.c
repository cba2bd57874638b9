// SPDX-License-Identifier: GPL-2.0
/*
 * The invariant checker: walks every structure of mmlab's allocators and
 * reports the first broken invariant, for debugfs, KUnit and the stress run.
 *
 * The walk runs under stop_machine(): every other CPU spins with interrupts
 * off outside any mmlab lock, so the lists, the per-page metadata and the
 * counters are seen in one consistent state. On a kernel with full
 * preemption (preempt=full) a task preempted between taking a block off a
 * list and publishing it as allocated would show as a head that is on no
 * list; mmlab's default kernels (PREEMPT_NONE, voluntary) never preempt
 * there.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/xarray.h>

#include "buddy.h"
#include "pool.h"
#include "slab.h"
#include "validate.h"
#include "vmalloc.h"

/* === Reporting === */

/**
 * mmlab_validate_fail() - record a violation; only the first one is kept.
 * @v: the run.
 * @fmt: printf format of the description.
 */
void mmlab_validate_fail(struct mmlab_validate *v, const char *fmt, ...)
{
	va_list args;

	if (v->failed)
		return;
	v->failed = true;
	va_start(args, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, args);
	va_end(args);
}
EXPORT_SYMBOL_NS_GPL(mmlab_validate_fail, MMLAB_INTERNAL);

/* === Buddy: per-page metadata === */

static const char *state_name(unsigned int state)
{
	return state < MMLAB_NR_PAGE_STATES ? mmlab_page_state_names[state] : "invalid";
}

/* What the walk of the sections found in one zone. */
struct zone_tally {
	unsigned long present;			/* pool pages */
	unsigned long buddy_blocks[MMLAB_MAX_ORDER];
	unsigned long buddy_pages;
	unsigned long pcp_pages;
	unsigned long alloc_blocks;
	unsigned long alloc_pages;
};

/*
 * Check one block head at @pfn of section @sec: aligned, inside the
 * section, followed by tails only; a free block has no free buddy of its
 * order (it would have merged). Returns the number of pages it covers.
 */
static unsigned long check_head(struct mmlab_validate *v,
				struct mmlab_section *sec, unsigned long pfn,
				struct mmlab_page *mp, struct zone_tally *t)
{
	unsigned long i, nr, off = pfn - sec->start_pfn;

	if (mp->order >= MMLAB_MAX_ORDER) {
		mmlab_validate_fail(v,
				    "pfn 0x%lx: %s head of order %u",
				    pfn, mmlab_page_state_names[mp->state], mp->order);
		return 1;
	}
	nr = 1UL << mp->order;
	if (pfn & (nr - 1)) {
		mmlab_validate_fail(v,
				    "pfn 0x%lx: %s block of order %u not naturally aligned",
				    pfn, mmlab_page_state_names[mp->state], mp->order);
		return 1;
	}
	for (i = 1; i < nr; i++) {
		if (sec->pages[off + i].state != MMLAB_PAGE_TAIL) {
			mmlab_validate_fail(v,
					    "pfn 0x%lx: page %lu of the order-%u %s block at 0x%lx is %s, not a tail",
					    pfn + i, i, mp->order,
					    mmlab_page_state_names[mp->state], pfn,
					    state_name(sec->pages[off + i].state));
			return 1;
		}
	}

	switch (mp->state) {
	case MMLAB_PAGE_BUDDY:
		if (mp->private != pfn || mp->migratetype >= MMLAB_MIGRATE_TYPES) {
			mmlab_validate_fail(v,
					    "pfn 0x%lx: free block records pfn 0x%lx type %u",
					    pfn, mp->private, mp->migratetype);
			break;
		}
		if (mp->order < MMLAB_MAX_ORDER - 1) {
			unsigned long buddy_pfn = pfn ^ nr;
			struct mmlab_page *b = &sec->pages[buddy_pfn - sec->start_pfn];

			if (b->state == MMLAB_PAGE_BUDDY && b->order == mp->order)
				mmlab_validate_fail(v,
						    "pfn 0x%lx and its buddy 0x%lx: both free at order %u, not merged",
						    pfn, buddy_pfn, mp->order);
		}
		t->buddy_blocks[mp->order]++;
		t->buddy_pages += nr;
		break;
	case MMLAB_PAGE_PCP:
		if (mp->private != pfn || mp->order > MMLAB_PCP_MAX_ORDER ||
		    mp->cpu >= nr_cpu_ids || !cpu_possible(mp->cpu))
			mmlab_validate_fail(v,
					    "pfn 0x%lx: per-CPU block of order %u records pfn 0x%lx cpu %u",
					    pfn, mp->order, mp->private, mp->cpu);
		t->pcp_pages += nr;
		break;
	case MMLAB_PAGE_ALLOC:
		if (mp->owner == MMLAB_OWNER_NONE || mp->owner >= MMLAB_NR_OWNERS)
			mmlab_validate_fail(v,
					    "pfn 0x%lx: allocated block without a valid owner (%u)",
					    pfn, mp->owner);
		t->alloc_blocks++;
		t->alloc_pages += nr;
		break;
	}
	return nr;
}

/* Every page of every section in exactly one state, blocks well formed. */
static void check_sections(struct mmlab_validate *v,
			   struct zone_tally tally[MMLAB_NR_ZONES])
{
	struct mmlab_section *sec;
	unsigned long idx, nr_pages = 0, nr_sections = 0;

	xa_for_each(&mmlab_pool.sections, idx, sec) {
		struct zone_tally *t;
		unsigned long off = 0, present = 0;

		nr_sections++;
		if (sec->start_pfn != idx << MMLAB_SECTION_SHIFT ||
		    sec->zone < mmlab_zones || sec->zone >= mmlab_zones + MMLAB_NR_ZONES) {
			mmlab_validate_fail(v,
					    "section %lu: start pfn 0x%lx or zone wrong",
					    idx, sec->start_pfn);
			return;
		}
		t = &tally[sec->zone->idx];
		while (off < MMLAB_SECTION_PAGES && !v->failed) {
			struct mmlab_page *mp = &sec->pages[off];
			unsigned long pfn = sec->start_pfn + off, nr;

			v->checked++;
			switch (mp->state) {
			case MMLAB_PAGE_ABSENT:
				off++;
				continue;
			case MMLAB_PAGE_BUDDY:
			case MMLAB_PAGE_PCP:
			case MMLAB_PAGE_ALLOC:
				nr = check_head(v, sec, pfn, mp, t);
				break;
			case MMLAB_PAGE_TAIL:
				mmlab_validate_fail(v,
						    "pfn 0x%lx: tail page outside any block",
						    pfn);
				return;
			default:
				mmlab_validate_fail(v,
						    "pfn 0x%lx: unknown state %u",
						    pfn, mp->state);
				return;
			}
			off += nr;
			present += nr;
		}
		if (v->failed)
			return;
		if (present != sec->nr_present) {
			mmlab_validate_fail(v,
					    "section at pfn 0x%lx: %lu pages in blocks, %lu present",
					    sec->start_pfn, present, sec->nr_present);
			return;
		}
		t->present += present;
		nr_pages += present;
	}
	if (!v->failed && (nr_pages != mmlab_pool.nr_pages ||
			   nr_sections != mmlab_pool.nr_sections))
		mmlab_validate_fail(v,
				    "pool: %lu pages in %lu sections, expected %lu in %lu",
				    nr_pages, nr_sections, mmlab_pool.nr_pages,
				    mmlab_pool.nr_sections);
}

/* === Buddy: zones, free lists, per-CPU lists, counters === */

/*
 * Walk one list expecting heads of @state, @order and @mt (and @cpu for a
 * per-CPU list), at most @limit entries so that a corrupted list cannot
 * loop. Returns the entries, or -1 after a violation.
 */
static long check_list(struct mmlab_validate *v, struct mmlab_zone *zone,
		       struct list_head *head, enum mmlab_page_state state,
		       unsigned int order, unsigned int mt, int cpu,
		       unsigned long limit)
{
	struct mmlab_page *mp;
	long n = 0;

	list_for_each_entry(mp, head, lru) {
		unsigned long pfn = mpage_pfn(mp);
		struct mmlab_page *found = pfn_to_mpage(pfn);

		v->checked++;
		if (++n > limit) {
			mmlab_validate_fail(v,
					    "zone %s: %s list order %u type %s longer than the zone",
					    zone->name, mmlab_page_state_names[state],
					    order, mmlab_migratetype_names[mt]);
			return -1;
		}
		if (found != mp || mp->state != state || mp->order != order ||
		    mp->migratetype != mt || (cpu >= 0 && mp->cpu != cpu) ||
		    pfn_to_section(pfn)->zone != zone) {
			mmlab_validate_fail(v,
					    "zone %s: entry pfn 0x%lx on the %s list order %u type %s%s is %s order %u type %u",
					    zone->name, pfn, mmlab_page_state_names[state],
					    order, mmlab_migratetype_names[mt],
					    cpu >= 0 ? " (per-CPU)" : "",
					    found ? state_name(mp->state) : "not a pool page",
					    mp->order, mp->migratetype);
			return -1;
		}
	}
	return n;
}

static void check_zone(struct mmlab_validate *v, struct mmlab_zone *zone,
		       const struct zone_tally *t)
{
	unsigned long free_pages = 0, pcp_pages = 0, blocks;
	unsigned int order, mt;
	int cpu;

	if (t->present != zone->present_pages) {
		mmlab_validate_fail(v,
				    "zone %s: %lu pages in sections, present_pages %lu",
				    zone->name, t->present, zone->present_pages);
		return;
	}

	for (order = 0; order < MMLAB_MAX_ORDER; order++) {
		struct mmlab_free_area *area = &zone->free_area[order];

		blocks = 0;
		for (mt = 0; mt < MMLAB_MIGRATE_TYPES; mt++) {
			long n = check_list(v, zone, &area->free_list[mt],
					    MMLAB_PAGE_BUDDY, order, mt, -1,
					    zone->present_pages);
			if (n < 0)
				return;
			blocks += n;
		}
		if (blocks != area->nr_free || blocks != t->buddy_blocks[order]) {
			mmlab_validate_fail(v,
					    "zone %s order %u: %lu blocks on the lists, nr_free %lu, %lu free heads in the pool",
					    zone->name, order, blocks, area->nr_free,
					    t->buddy_blocks[order]);
			return;
		}
		free_pages += blocks << order;
	}
	if (free_pages != zone->nr_free_pages) {
		mmlab_validate_fail(v,
				    "zone %s: %lu pages on the free lists, nr_free_pages %lu",
				    zone->name, free_pages, zone->nr_free_pages);
		return;
	}

	for_each_possible_cpu(cpu) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);
		unsigned long pages = 0;
		unsigned int pindex;

		for (pindex = 0; pindex < MMLAB_NR_PCP_LISTS; pindex++) {
			order = pindex / MMLAB_MIGRATE_TYPES;
			mt = pindex % MMLAB_MIGRATE_TYPES;
			blocks = check_list(v, zone, &pcp->lists[pindex],
					    MMLAB_PAGE_PCP, order, mt, cpu,
					    zone->present_pages);
			if ((long)blocks < 0)
				return;
			pages += blocks << order;
		}
		if (pages != pcp->count) {
			mmlab_validate_fail(v,
					    "zone %s cpu %d: %lu pages on the per-CPU lists, count %d",
					    zone->name, cpu, pages, pcp->count);
			return;
		}
		pcp_pages += pages;
	}
	if (pcp_pages != t->pcp_pages) {
		mmlab_validate_fail(v,
				    "zone %s: %lu pages on per-CPU lists, %lu per-CPU pages in the pool",
				    zone->name, pcp_pages, t->pcp_pages);
		return;
	}

	if (mmlab_zone_stat(zone, MMLAB_STAT_ALLOC) -
	    mmlab_zone_stat(zone, MMLAB_STAT_FREE) != t->alloc_blocks)
		mmlab_validate_fail(v,
				    "zone %s: counters say %lu allocations and %lu frees, %lu blocks are allocated",
				    zone->name, mmlab_zone_stat(zone, MMLAB_STAT_ALLOC),
				    mmlab_zone_stat(zone, MMLAB_STAT_FREE), t->alloc_blocks);
}

static void check_buddy(struct mmlab_validate *v)
{
	struct zone_tally *tally = v->scratch;
	struct mmlab_zone *zone;

	check_sections(v, tally);
	for_each_mmlab_zone(zone) {
		if (v->failed)
			return;
		check_zone(v, zone, &tally[zone->idx]);
	}
}

/* === vmalloc: the trees and the window's page tables === */

static struct mmlab_vmap_area *va_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct mmlab_vmap_area, rb_node) : NULL;
}

/* The PTE of a window address, or an empty one where there is no table. */
static pte_t window_pte(unsigned long addr)
{
	pte_t *pte = mmlab_pgtable_pte(addr);

	return pte ? READ_ONCE(*pte) : __pte(0);
}

/* In-order, disjoint, inside the window; the free tree's subtree maxima. */
static void check_va_tree(struct mmlab_validate *v, struct rb_root *root,
			  const char *name, bool free_tree)
{
	unsigned long prev_end = mmlab_vwin.start;
	struct rb_node *n;

	for (n = rb_first(root); n && !v->failed; n = rb_next(n)) {
		struct mmlab_vmap_area *va = va_of(n);
		unsigned long max = va->va_end - va->va_start;

		v->checked++;
		if (va->va_start >= va->va_end || va->va_start < prev_end ||
		    va->va_end > mmlab_vwin.end || !PAGE_ALIGNED(va->va_start) ||
		    !PAGE_ALIGNED(va->va_end)) {
			mmlab_validate_fail(v,
					    "vmalloc: %s area 0x%lx-0x%lx out of order, overlapping or outside the window",
					    name, va->va_start, va->va_end);
			return;
		}
		if (free_tree && n != rb_first(root) && va->va_start == prev_end) {
			mmlab_validate_fail(v,
					    "vmalloc: free areas touching at 0x%lx, not merged",
					    prev_end);
			return;
		}
		prev_end = va->va_end;
		if (!free_tree) {
			if (!va->vm)
				mmlab_validate_fail(v,
						    "vmalloc: %s area 0x%lx has no vm_struct",
						    name, va->va_start);
			continue;
		}
		if (va->vm)
			mmlab_validate_fail(v,
					    "vmalloc: free area 0x%lx has a vm_struct",
					    va->va_start);
		if (n->rb_left)
			max = max(max, va_of(n->rb_left)->subtree_max_size);
		if (n->rb_right)
			max = max(max, va_of(n->rb_right)->subtree_max_size);
		if (va->subtree_max_size != max)
			mmlab_validate_fail(v,
					    "vmalloc: free area 0x%lx: subtree_max_size %lu, should be %lu",
					    va->va_start, va->subtree_max_size, max);
	}
}

/* No PTE in [@start, @end). */
static void check_unmapped(struct mmlab_validate *v, unsigned long start,
			   unsigned long end, const char *what)
{
	unsigned long addr;

	for (addr = start; addr < end && !v->failed; addr += PAGE_SIZE) {
		if (!mmlab_pgtable_pte(addr)) {
			addr = ALIGN(addr + 1, PMD_SIZE) - PAGE_SIZE;
			continue;
		}
		if (!pte_none(window_pte(addr)))
			mmlab_validate_fail(v,
					    "vmalloc: %s address 0x%lx has a PTE", what, addr);
	}
}

/* Every page of a busy area maps its page; a VM_ALLOC page is mmlab's. */
static void check_busy_area(struct mmlab_validate *v, struct mmlab_vmap_area *va)
{
	struct mmlab_vm_struct *vm = va->vm;
	unsigned int i;

	if (vm->size != va->va_end - va->va_start ||
	    vm->size != ((unsigned long)vm->nr_pages + 1) << PAGE_SHIFT) {
		mmlab_validate_fail(v,
				    "vmalloc: area 0x%lx: size %lu for %u pages and a range of %lu",
				    va->va_start, vm->size, vm->nr_pages,
				    va->va_end - va->va_start);
		return;
	}
	for (i = 0; i < vm->nr_pages && !v->failed; i++) {
		unsigned long addr = va->va_start + i * PAGE_SIZE;
		unsigned long pfn = page_to_pfn(vm->pages[i]);
		pte_t pte = window_pte(addr);
		struct mmlab_page *mp;

		v->checked++;
		if (!pte_present(pte) || pte_pfn(pte) != pfn) {
			mmlab_validate_fail(v,
					    "vmalloc: 0x%lx: PTE 0x%llx, should map pfn 0x%lx",
					    addr, (u64)pte_val(pte), pfn);
			return;
		}
		if (!(vm->flags & MMLAB_VM_ALLOC) || vm->orders[i] == 0xff)
			continue;
		mp = pfn_to_mpage(pfn);
		if (!mp || mp->state != MMLAB_PAGE_ALLOC || mp->owner != MMLAB_OWNER_VMALLOC ||
		    mp->order != vm->orders[i])
			mmlab_validate_fail(v,
					    "vmalloc: 0x%lx: pfn 0x%lx is not an mmlab vmalloc block of order %u",
					    addr, pfn, vm->orders[i]);
	}
	check_unmapped(v, va->va_end - PAGE_SIZE, va->va_end, "guard page");
}

/**
 * mmlab_validate_vmalloc() - check the vmalloc trees and the window.
 * @v: the run.
 *
 * The free, busy and lazy trees are ordered and disjoint and together cover
 * the window exactly; each free node's subtree_max_size is right; every
 * mapped page of a busy area maps the page the area holds (an mmlab
 * VMALLOC block for vmalloc areas), its guard page and every free or
 * lazily freed address has no PTE; each PTE table of the window is mmlab's
 * and counted. Takes mmlab_vmap_lock (may sleep).
 */
void mmlab_validate_vmalloc(struct mmlab_validate *v)
{
	struct rb_node *n[3];
	unsigned long covered = 0, addr, tables = 0;
	struct mmlab_vmap_area *va;
	int i;

	if (!mmlab_vwin.reserve)
		return;
	mutex_lock(&mmlab_vmap_lock);
	check_va_tree(v, &mmlab_free_vmap_area_root, "free", true);
	check_va_tree(v, &mmlab_vmap_area_root, "busy", false);
	check_va_tree(v, &mmlab_purge_vmap_area_root, "lazy", false);

	/* Merge the three trees by address: disjoint, covering the window. */
	n[0] = rb_first(&mmlab_free_vmap_area_root);
	n[1] = rb_first(&mmlab_vmap_area_root);
	n[2] = rb_first(&mmlab_purge_vmap_area_root);
	addr = mmlab_vwin.start;
	while (!v->failed && (n[0] || n[1] || n[2])) {
		int best = -1;

		for (i = 0; i < 3; i++)
			if (n[i] && (best < 0 || va_of(n[i])->va_start < va_of(n[best])->va_start))
				best = i;
		va = va_of(n[best]);
		n[best] = rb_next(n[best]);
		if (va->va_start != addr) {
			mmlab_validate_fail(v,
					    "vmalloc: window not covered exactly at 0x%lx (next area at 0x%lx)",
					    addr, va->va_start);
			break;
		}
		addr = va->va_end;
		covered += va->va_end - va->va_start;
		if (best == 1)
			check_busy_area(v, va);
		else
			check_unmapped(v, va->va_start, va->va_end,
				       best ? "lazily freed" : "free");
	}
	if (!v->failed && covered != MMLAB_VMALLOC_WINDOW_SIZE)
		mmlab_validate_fail(v,
				    "vmalloc: the trees cover %lu bytes of a %lu-byte window",
				    covered, MMLAB_VMALLOC_WINDOW_SIZE);

	for (addr = mmlab_vwin.start; addr < mmlab_vwin.end && !v->failed;
	     addr += PMD_SIZE) {
		pmd_t *pmd = mmlab_kernel_pmd(addr);
		struct mmlab_page *mp;

		if (!pmd || pmd_none(*pmd))
			continue;
		tables++;
		mp = pfn_to_mpage(pmd_pfn(*pmd));
		if (pmd_large(*pmd) || !mp || mp->state != MMLAB_PAGE_ALLOC ||
		    mp->owner != MMLAB_OWNER_PGTABLE)
			mmlab_validate_fail(v,
					    "vmalloc: PMD entry 0x%llx of 0x%lx is not an mmlab PTE table",
					    (u64)pmd_val(*pmd), addr);
	}
	if (!v->failed && tables != mmlab_vwin.pte_tables)
		mmlab_validate_fail(v,
				    "vmalloc: %lu PTE tables in the window, %lu counted",
				    tables, mmlab_vwin.pte_tables);
	mutex_unlock(&mmlab_vmap_lock);
}

/* === The run === */

static int validate_stopped(void *data)
{
	struct mmlab_validate *v = data;

	check_buddy(v);
	if (!v->failed)
		mmlab_validate_slab(v);
	return 0;
}

/**
 * mmlab_validate() - check every invariant of mmlab's allocators.
 * @v: the result: objects checked and the first violation.
 *
 * May sleep: it stops the machine (stop_machine()) for the walk.
 *
 * Return: 0 if every invariant holds, -EUCLEAN on a violation (described in
 * @v->msg), -ENOMEM if the walk could not get its scratch memory.
 */
int mmlab_validate(struct mmlab_validate *v)
{
	int err;

	memset(v, 0, sizeof(*v));
	v->scratch = kcalloc(MMLAB_NR_ZONES, sizeof(struct zone_tally), GFP_KERNEL);
	if (!v->scratch)
		return -ENOMEM;
	mmlab_validate_vmalloc(v);
	err = stop_machine(validate_stopped, v, NULL);
	kfree(v->scratch);
	v->scratch = NULL;
	if (err)
		return err;
	return v->failed ? -EUCLEAN : 0;
}
EXPORT_SYMBOL_NS_GPL(mmlab_validate, MMLAB_INTERNAL);

/* === DebugFS Interface === */

static int validate_show(struct seq_file *m, void *unused)
{
	struct mmlab_validate *v;
	int err;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	err = mmlab_validate(v);
	if (!err)
		seq_printf(m, "ok %lu objects checked\n", v->checked);
	else if (err == -EUCLEAN)
		seq_printf(m, "violation after %lu objects: %s\n", v->checked, v->msg);
	kfree(v);
	return err == -EUCLEAN ? 0 : err;
}
DEFINE_SHOW_ATTRIBUTE(validate);

/**
 * mmlab_validate_debugfs_init() - create the `validate` file.
 * @root: mmlab's debugfs directory.
 */
void mmlab_validate_debugfs_init(struct dentry *root)
{
	debugfs_create_file("validate", 0400, root, NULL, &validate_fops);
}
