// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's vmalloc: areas of a kernel virtual window of its own, backed by
 * pages of mmlab's buddy and mapped by mmlab's page-table writer.
 *
 * As mm/vmalloc.c: free space is an augmented rbtree of struct
 * mmlab_vmap_area keyed by address, each node holding the largest free
 * range of its subtree (subtree_max_size), so that the lowest fit of a size
 * and alignment is found in O(log n) (find_vmap_lowest_match()); allocated
 * areas sit in a busy tree for lookup by address; every area ends with a
 * guard page that is never mapped; freed areas are unmapped at once but
 * wait, lazily, in a purge tree until lazy_max_pages of them are pending,
 * then one TLB flush on every CPU covers them all and they go back to the
 * free tree, merged with their free neighbours.
 *
 * The window is reserved from the host with vmap() (see
 * mmlab_vmalloc_init() and Documentation/vmalloc.rst): a module cannot call
 * get_vm_area() or touch init_mm in 6.1.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rbtree_augmented.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

#include <asm/tlbflush.h>

#include "buddy.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"
#include "vmalloc.h"

/*
 * The vmalloc tracepoints are created here, not in trace.c: one compilation
 * unit can create the events of only one header of a TRACE_SYSTEM.
 */
#define CREATE_TRACE_POINTS
#include "vmalloc_trace.h"

/* === Data === */

bool mmlab_vmalloc_high_order;
EXPORT_SYMBOL_NS_GPL(mmlab_vmalloc_high_order, MMLAB_INTERNAL);
module_param_named(vmalloc_high_order, mmlab_vmalloc_high_order, bool, 0644);
MODULE_PARM_DESC(vmalloc_high_order,
		 "Back vmalloc areas with the largest buddy blocks that fit instead of single pages (default off)");

const char *const mmlab_vmalloc_stat_names[MMLAB_NR_VSTATS] = {
	[MMLAB_VSTAT_ALLOC]	= "areas allocated",
	[MMLAB_VSTAT_FREE]	= "areas freed",
	[MMLAB_VSTAT_FAIL]	= "allocations failed",
	[MMLAB_VSTAT_PURGE]	= "lazy purges",
	[MMLAB_VSTAT_PURGED]	= "areas purged",
	[MMLAB_VSTAT_FLUSH]	= "tlb flushes (all cpus)",
	[MMLAB_VSTAT_PTE_FREED]	= "pte tables freed",
};

static_assert(ARRAY_SIZE(mmlab_vmalloc_stat_names) == MMLAB_NR_VSTATS);

struct mmlab_vmalloc_window mmlab_vwin;
EXPORT_SYMBOL_NS_GPL(mmlab_vwin, MMLAB_INTERNAL);

/* Protects the three trees, the window's counters and its page tables. */
DEFINE_MUTEX(mmlab_vmap_lock);
EXPORT_SYMBOL_NS_GPL(mmlab_vmap_lock, MMLAB_INTERNAL);

/* Free ranges of the window, augmented with subtree_max_size. */
struct rb_root mmlab_free_vmap_area_root = RB_ROOT;
/* Allocated areas, by address. */
struct rb_root mmlab_vmap_area_root = RB_ROOT;
/* Freed areas waiting for the lazy purge, by address. */
struct rb_root mmlab_purge_vmap_area_root = RB_ROOT;

/* The host's PMD entries of the window, detached at load, restored at unload. */
static pmd_t saved_pmds[MMLAB_VMALLOC_WINDOW_PMDS];
/* The one page every PTE of the host's reservation maps. */
static struct page *reserve_page;
/* PTE tables a purge detached, freed after its flush (mmlab_vmap_lock). */
static struct page *purge_tables[MMLAB_VMALLOC_WINDOW_PMDS];
/*
 * Areas a purge took out of the window whose pages and structures are
 * still to be freed, linked by ->next_purged (mmlab_vmap_lock). Whoever
 * may have purged takes the chain before unlocking and frees it after:
 * the other CPUs need not wait on the lock for every page given back.
 */
static struct mmlab_vm_struct *purged_vms;

/* === Free tree (augmented), as mm/vmalloc.c === */

static unsigned long va_size(const struct mmlab_vmap_area *va)
{
	return va->va_end - va->va_start;
}

static unsigned long get_subtree_max_size(struct rb_node *node)
{
	return node ? rb_entry(node, struct mmlab_vmap_area, rb_node)->subtree_max_size : 0;
}

RB_DECLARE_CALLBACKS_MAX(static, free_vmap_area_rb_augment_cb,
			 struct mmlab_vmap_area, rb_node, unsigned long,
			 subtree_max_size, va_size);

/**
 * mmlab_va_subtree_max() - the augmented value of a free node, for readers.
 * @va: a node of the free tree.
 */
unsigned long mmlab_va_subtree_max(const struct mmlab_vmap_area *va)
{
	return va->subtree_max_size;
}

static void augment_tree_propagate_from(struct mmlab_vmap_area *va)
{
	free_vmap_area_rb_augment_cb_propagate(&va->rb_node, NULL);
}

/* Links @va into @root by address; @augment for the free tree. */
static void insert_vmap_area(struct mmlab_vmap_area *va, struct rb_root *root,
			     bool augment)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		struct mmlab_vmap_area *tmp;

		parent = *link;
		tmp = rb_entry(parent, struct mmlab_vmap_area, rb_node);
		link = va->va_start < tmp->va_start ? &parent->rb_left :
						      &parent->rb_right;
	}
	rb_link_node(&va->rb_node, parent, link);
	if (augment) {
		va->subtree_max_size = 0;
		rb_insert_augmented(&va->rb_node, root,
				    &free_vmap_area_rb_augment_cb);
		augment_tree_propagate_from(va);
	} else {
		rb_insert_color(&va->rb_node, root);
	}
}

static void unlink_va_augment(struct mmlab_vmap_area *va)
{
	rb_erase_augmented(&va->rb_node, &mmlab_free_vmap_area_root,
			   &free_vmap_area_rb_augment_cb);
	RB_CLEAR_NODE(&va->rb_node);
}

/* The area of @root that starts at @addr, or NULL. */
static struct mmlab_vmap_area *find_vmap_area_exact(struct rb_root *root,
						    unsigned long addr)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct mmlab_vmap_area *va = rb_entry(n, struct mmlab_vmap_area, rb_node);

		if (addr < va->va_start)
			n = n->rb_left;
		else if (addr > va->va_start)
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

/* The busy area containing @addr (guard page included), or NULL. */
static struct mmlab_vmap_area *find_busy_containing(unsigned long addr)
{
	struct rb_node *n = mmlab_vmap_area_root.rb_node;

	while (n) {
		struct mmlab_vmap_area *va = rb_entry(n, struct mmlab_vmap_area, rb_node);

		if (addr < va->va_start)
			n = n->rb_left;
		else if (addr >= va->va_end)
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

static bool is_within_this_va(struct mmlab_vmap_area *va, unsigned long size,
			      unsigned long align, unsigned long vstart)
{
	unsigned long nva_start_addr;

	if (va->va_start > vstart)
		nva_start_addr = ALIGN(va->va_start, align);
	else
		nva_start_addr = ALIGN(vstart, align);

	/* Can be overflowed due to big size or alignment. */
	if (nva_start_addr + size < nva_start_addr || nva_start_addr < vstart)
		return false;
	return nva_start_addr + size <= va->va_end;
}

/*
 * The lowest free range that holds @size bytes at @align, as the kernel's
 * find_vmap_lowest_match(): descend left while the left subtree has a
 * large enough range, else take this node, else go right; climb back when
 * alignment makes a candidate subtree fail.
 */
static struct mmlab_vmap_area *find_vmap_lowest_match(unsigned long size,
						      unsigned long align,
						      unsigned long vstart,
						      bool adjust_search_size)
{
	struct rb_node *node = mmlab_free_vmap_area_root.rb_node;
	struct mmlab_vmap_area *va;
	unsigned long length;

	/* Adjust the search size for alignment overhead. */
	length = adjust_search_size ? size + align - 1 : size;

	while (node) {
		va = rb_entry(node, struct mmlab_vmap_area, rb_node);

		if (get_subtree_max_size(node->rb_left) >= length &&
		    vstart < va->va_start) {
			node = node->rb_left;
			continue;
		}
		if (is_within_this_va(va, size, align, vstart))
			return va;
		if (get_subtree_max_size(node->rb_right) >= length) {
			node = node->rb_right;
			continue;
		}
		/* Back up to the first right subtree that may fit. */
		while ((node = rb_parent(node))) {
			va = rb_entry(node, struct mmlab_vmap_area, rb_node);
			if (is_within_this_va(va, size, align, vstart))
				return va;
			if (get_subtree_max_size(node->rb_right) >= length &&
			    vstart <= va->va_start) {
				vstart = va->va_start + 1;
				node = node->rb_right;
				break;
			}
		}
	}
	return NULL;
}

/*
 * Cuts [@nva_start_addr, +@size) out of free range @va: the kernel's
 * adjust_va_to_fit_type() with its four cases (full, left edge, right edge,
 * no edge). Return: 0, or -ENOMEM without memory for a split.
 */
static int adjust_va_to_fit_type(struct mmlab_vmap_area *va,
				 unsigned long nva_start_addr, unsigned long size)
{
	struct mmlab_vmap_area *lva;

	if (nva_start_addr < va->va_start || nva_start_addr + size > va->va_end)
		return -EINVAL;

	if (va->va_start == nva_start_addr && va->va_end == nva_start_addr + size) {
		/* FL_FIT_TYPE: the whole range. */
		unlink_va_augment(va);
		kfree(va);
		return 0;
	}
	if (va->va_start == nva_start_addr) {
		/* LE_FIT_TYPE */
		va->va_start += size;
	} else if (va->va_end == nva_start_addr + size) {
		/* RE_FIT_TYPE */
		va->va_end = nva_start_addr;
	} else {
		/* NE_FIT_TYPE: the remainder on the left becomes a new node. */
		lva = kzalloc(sizeof(*lva), GFP_KERNEL);
		if (!lva)
			return -ENOMEM;
		lva->va_start = va->va_start;
		lva->va_end = nva_start_addr;
		va->va_start = nva_start_addr + size;
		augment_tree_propagate_from(va);
		insert_vmap_area(lva, &mmlab_free_vmap_area_root, true);
		return 0;
	}
	augment_tree_propagate_from(va);
	return 0;
}

/*
 * Gives [@va] back to the free tree, merged with a free neighbour that
 * touches it on either side (merge_or_add_vmap_area()). @va is freed if it
 * merged. Return: the free node that now holds the range.
 */
static struct mmlab_vmap_area *merge_or_add_vmap_area(struct mmlab_vmap_area *va)
{
	struct rb_node *n = mmlab_free_vmap_area_root.rb_node;
	struct mmlab_vmap_area *prev = NULL, *next = NULL, *tmp;

	/* The free neighbours: the last one before @va and the first after. */
	while (n) {
		tmp = rb_entry(n, struct mmlab_vmap_area, rb_node);
		if (tmp->va_start < va->va_start) {
			prev = tmp;
			n = n->rb_right;
		} else {
			next = tmp;
			n = n->rb_left;
		}
	}

	if (next && next->va_start == va->va_end) {
		next->va_start = va->va_start;
		kfree(va);
		va = next;
		if (prev && prev->va_end == va->va_start) {
			prev->va_end = va->va_end;
			unlink_va_augment(va);
			kfree(va);
			va = prev;
		}
		augment_tree_propagate_from(va);
		return va;
	}
	if (prev && prev->va_end == va->va_start) {
		prev->va_end = va->va_end;
		kfree(va);
		augment_tree_propagate_from(prev);
		return prev;
	}
	insert_vmap_area(va, &mmlab_free_vmap_area_root, true);
	return va;
}

/* === TLB flush and lazy purge === */

static void do_flush_tlb_all(void *unused)
{
	__flush_tlb_all();
}

/* One flush of every TLB entry, global ones included, on every CPU. */
static void flush_tlb_all_cpus(void)
{
	on_each_cpu(do_flush_tlb_all, NULL, 1);
	mmlab_vwin.stats[MMLAB_VSTAT_FLUSH]++;
}

/*
 * Frees @vm and, for MMLAB_VM_ALLOC, its pages: a block of a higher order
 * on its own, a run of order-0 pages with mmlab_free_pages_bulk_owner()
 * (a few lock round trips for the run, not one per page).
 */
static void free_vm_struct(struct mmlab_vm_struct *vm)
{
	unsigned int i, n;

	if (vm->flags & MMLAB_VM_ALLOC) {
		for (i = 0; i < vm->nr_pages; i += n) {
			if (vm->orders[i]) {
				n = 1U << vm->orders[i];
				mmlab_free_pages_owner(vm->pages[i], vm->orders[i],
						       MMLAB_OWNER_VMALLOC);
				continue;
			}
			for (n = 1; i + n < vm->nr_pages && !vm->orders[i + n]; n++)
				;
			mmlab_free_pages_bulk_owner(vm->pages + i, n,
						    MMLAB_OWNER_VMALLOC);
		}
	}
	kvfree(vm->orders);
	kvfree(vm->pages);
	kfree(vm);
}

/*
 * __purge_vmap_area_lazy(): unhook the PTE tables the lazy areas left
 * empty, flush every CPU's TLB once, then free the backing pages and the
 * tables and give the ranges back to the free tree. mmlab_vmap_lock held.
 */
static void __purge_vmap_area_lazy(void)
{
	struct mmlab_vmap_area *va, *tmp;
	unsigned int nr_tables = 0, nr_areas = 0;
	unsigned long nr_pages = mmlab_vwin.lazy_nr;
	struct rb_node *n;

	lockdep_assert_held(&mmlab_vmap_lock);
	if (RB_EMPTY_ROOT(&mmlab_purge_vmap_area_root))
		return;

	for (n = rb_first(&mmlab_purge_vmap_area_root); n; n = rb_next(n)) {
		va = rb_entry(n, struct mmlab_vmap_area, rb_node);
		nr_tables += mmlab_pgtable_detach_empty(va->va_start, va->va_end,
							purge_tables + nr_tables,
							ARRAY_SIZE(purge_tables) - nr_tables);
	}
	flush_tlb_all_cpus();
	mmlab_pgtable_free_tables(purge_tables, nr_tables);

	rbtree_postorder_for_each_entry_safe(va, tmp, &mmlab_purge_vmap_area_root,
					     rb_node) {
		/* Flushed: nothing maps the pages; they go after the unlock. */
		va->vm->next_purged = purged_vms;
		purged_vms = va->vm;
		va->vm = NULL;
		merge_or_add_vmap_area(va);
		nr_areas++;
	}
	mmlab_purge_vmap_area_root = RB_ROOT;
	mmlab_vwin.lazy_nr = 0;
	mmlab_vwin.stats[MMLAB_VSTAT_PURGE]++;
	mmlab_vwin.stats[MMLAB_VSTAT_PURGED] += nr_areas;
	trace_mmlab_purge_vmap_area_lazy(nr_areas, nr_pages, nr_tables);
}

/* The areas purged since, for the caller to free after unlocking. Lock held. */
static struct mmlab_vm_struct *take_purged(void)
{
	struct mmlab_vm_struct *vm = purged_vms;

	lockdep_assert_held(&mmlab_vmap_lock);
	purged_vms = NULL;
	return vm;
}

/* Free the pages and structures of a chain from take_purged(). May sleep. */
static void free_purged(struct mmlab_vm_struct *vm)
{
	struct mmlab_vm_struct *next;

	for (; vm; vm = next) {
		next = vm->next_purged;
		free_vm_struct(vm);
		cond_resched();
	}
}

/**
 * mmlab_vmalloc_purge() - purge every lazily freed area now.
 *
 * As the kernel's vm_unmap_aliases() for vmalloc: after it no stale TLB
 * entry maps a freed area, and the ranges are free again.
 */
void mmlab_vmalloc_purge(void)
{
	struct mmlab_vm_struct *purged;

	mutex_lock(&mmlab_vmap_lock);
	__purge_vmap_area_lazy();
	purged = take_purged();
	mutex_unlock(&mmlab_vmap_lock);
	free_purged(purged);
}
EXPORT_SYMBOL_NS_GPL(mmlab_vmalloc_purge, MMLAB_INTERNAL);

/* === Areas === */

/*
 * alloc_vmap_area(): the lowest range of @size bytes (guard included) at
 * @align in the window, taken from the free tree; purges the lazy areas
 * and retries once if there is none. mmlab_vmap_lock held.
 */
static struct mmlab_vmap_area *alloc_vmap_area(unsigned long size,
					       unsigned long align)
{
	unsigned long vstart = mmlab_vwin.start, vend = mmlab_vwin.end;
	struct mmlab_vmap_area *va, *fit;
	bool adjust, purged = false;
	unsigned long addr;

	/*
	 * The kernel widens the search to size + align - 1 for alignments
	 * above a page (fewer backtracks, but a smaller range that happens to
	 * be aligned is missed). mmlab keeps the exact lowest fit: the search
	 * backtracks through find_vmap_lowest_match()'s climb instead.
	 */
	adjust = false;
	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return NULL;
retry:
	fit = find_vmap_lowest_match(size, align, vstart, adjust);
	if (!fit) {
		if (!purged && !RB_EMPTY_ROOT(&mmlab_purge_vmap_area_root)) {
			__purge_vmap_area_lazy();
			purged = true;
			goto retry;
		}
		kfree(va);
		return NULL;
	}
	addr = max(ALIGN(fit->va_start, align), ALIGN(vstart, align));
	if (addr + size > vend || adjust_va_to_fit_type(fit, addr, size)) {
		kfree(va);
		return NULL;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	insert_vmap_area(va, &mmlab_vmap_area_root, false);
	return va;
}

/* Maps @vm's pages at @va; unmaps what it mapped on failure. Lock held. */
static int map_vm_area(struct mmlab_vmap_area *va, struct mmlab_vm_struct *vm)
{
	int err;

	err = mmlab_pgtable_map_pages(va->va_start, vm->pages, vm->nr_pages,
				      PAGE_KERNEL);
	if (err)
		return err;
	trace_mmlab_vmap_map(va->va_start, vm->nr_pages);
	return 0;
}

/*
 * Finds a range for @vm, maps it and enters it in the busy tree. On
 * failure nothing is left: the range was never visible to a TLB (nothing
 * touched it), so it goes straight back to the free tree after a flush of
 * any PTE it had, and the PTE tables it left empty back to the buddy.
 */
static void *setup_vm_area(struct mmlab_vm_struct *vm, unsigned long align)
{
	unsigned long size = vm->size;
	struct mmlab_vm_struct *purged;
	struct mmlab_vmap_area *va;
	int err;

	mutex_lock(&mmlab_vmap_lock);
	va = alloc_vmap_area(size, align);
	if (!va) {
		trace_mmlab_alloc_vmap_area(0, size, align, 1);
		goto fail;
	}
	err = map_vm_area(va, vm);
	if (err) {
		unsigned int nr_tables;

		rb_erase(&va->rb_node, &mmlab_vmap_area_root);
		/* The PTE tables the failed mapping allocated go back too. */
		nr_tables = mmlab_pgtable_detach_empty(va->va_start, va->va_end,
						       purge_tables,
						       ARRAY_SIZE(purge_tables));
		flush_tlb_all_cpus();
		mmlab_pgtable_free_tables(purge_tables, nr_tables);
		merge_or_add_vmap_area(va);
		trace_mmlab_alloc_vmap_area(0, size, align, 1);
		goto fail;
	}
	va->vm = vm;
	vm->addr = (void *)va->va_start;
	mmlab_vwin.stats[MMLAB_VSTAT_ALLOC]++;
	trace_mmlab_alloc_vmap_area(va->va_start, size, align, 0);
	/* alloc_vmap_area() purges when the window is full. */
	purged = take_purged();
	mutex_unlock(&mmlab_vmap_lock);
	free_purged(purged);
	return vm->addr;
fail:
	mmlab_vwin.stats[MMLAB_VSTAT_FAIL]++;
	purged = take_purged();
	mutex_unlock(&mmlab_vmap_lock);
	free_purged(purged);
	return NULL;
}

static struct mmlab_vm_struct *new_vm_struct(unsigned int nr_pages,
					     unsigned long flags,
					     const void *caller)
{
	struct mmlab_vm_struct *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	if (!vm)
		return NULL;
	vm->pages = kvcalloc(nr_pages, sizeof(*vm->pages), GFP_KERNEL);
	if (flags & MMLAB_VM_ALLOC)
		vm->orders = kvmalloc(nr_pages, GFP_KERNEL);
	if (!vm->pages || ((flags & MMLAB_VM_ALLOC) && !vm->orders)) {
		kvfree(vm->pages);
		kvfree(vm->orders);
		kfree(vm);
		return NULL;
	}
	vm->flags = flags;
	vm->caller = caller;
	vm->size = ((unsigned long)nr_pages << PAGE_SHIFT) + PAGE_SIZE;
	return vm;
}

/*
 * Fills @vm with @vm->nr_pages backing pages: order 0 in batches from this
 * CPU's list (mmlab_alloc_pages_bulk_owner(), one lock round trip per
 * batch, as the kernel's vm_area_alloc_pages() uses its bulk allocator),
 * one at a time where a batch cannot be had; or, with vmalloc_high_order,
 * in the largest orders that fit what is left (falling back to smaller
 * orders). Return: 0 or -ENOMEM (what was taken is freed).
 */
static int alloc_vm_pages(struct mmlab_vm_struct *vm, unsigned int nr_pages,
			  gfp_t gfp)
{
	unsigned int i = 0, j, order, got;
	struct page *page;

	while (i < nr_pages) {
		order = 0;
		if (READ_ONCE(mmlab_vmalloc_high_order))
			order = min_t(unsigned int, ilog2(nr_pages - i),
				      MMLAB_MAX_ORDER - 1);
		if (!order) {
			got = mmlab_alloc_pages_bulk_owner(gfp | __GFP_NOWARN,
							   nr_pages - i, vm->pages + i,
							   MMLAB_OWNER_VMALLOC);
			if (got) {
				memset(vm->orders + i, 0, got);
				i += got;
				cond_resched();
				continue;
			}
		}
		for (;;) {
			page = mmlab_alloc_pages_owner(gfp | __GFP_NOWARN, order,
						       MMLAB_OWNER_VMALLOC);
			if (page || !order)
				break;
			order--;
		}
		if (!page) {
			vm->nr_pages = i;
			return -ENOMEM;
		}
		for (j = 0; j < (1U << order); j++) {
			vm->pages[i + j] = page + j;
			vm->orders[i + j] = j ? 0xff : order;
		}
		i += 1U << order;
	}
	vm->nr_pages = nr_pages;
	return 0;
}

/**
 * __mmlab_vmalloc() - allocate an area of mmlab's vmalloc.
 * @size: bytes, rounded up to pages as vmalloc() does.
 * @align: alignment of the start, a power of two (at least PAGE_SIZE is
 *	used).
 * @gfp: GFP flags of the backing pages (GFP_KERNEL, with __GFP_ZERO for
 *	vzalloc).
 * @caller: shown in vmallocinfo.
 *
 * May sleep. The area is followed by an unmapped guard page.
 *
 * Return: the address, or NULL.
 */
void *__mmlab_vmalloc(unsigned long size, unsigned long align, gfp_t gfp,
		      const void *caller)
{
	struct mmlab_vm_struct *vm;
	unsigned int nr_pages;
	void *addr;

	might_sleep();
	if (!size || size > MMLAB_VMALLOC_WINDOW_SIZE - PAGE_SIZE ||
	    !is_power_of_2(align ?: 1) || align > MMLAB_VMALLOC_WINDOW_SIZE)
		goto fail_count;
	align = max_t(unsigned long, align, PAGE_SIZE);
	size = PAGE_ALIGN(size);
	nr_pages = size >> PAGE_SHIFT;
	if (mmlab_should_fail(&mmlab_fail_vmalloc, size))
		goto fail_count;

	vm = new_vm_struct(nr_pages, MMLAB_VM_ALLOC, caller);
	if (!vm)
		goto fail_count;
	if (alloc_vm_pages(vm, nr_pages, gfp))
		goto fail_free;
	addr = setup_vm_area(vm, align);
	if (!addr)
		goto fail_free_nocount;
	return addr;

fail_free:
	free_vm_struct(vm);
	goto fail_count;
fail_free_nocount:
	free_vm_struct(vm);
	return NULL;
fail_count:
	mutex_lock(&mmlab_vmap_lock);
	mmlab_vwin.stats[MMLAB_VSTAT_FAIL]++;
	mutex_unlock(&mmlab_vmap_lock);
	return NULL;
}
EXPORT_SYMBOL_GPL(__mmlab_vmalloc);

/**
 * mmlab_vmalloc() - allocate virtually contiguous memory from mmlab.
 * @size: bytes.
 *
 * As vmalloc(): pages of mmlab's buddy (GFP_KERNEL) mapped in mmlab's
 * window. May sleep.
 *
 * Return: the address, or NULL.
 */
void *mmlab_vmalloc(unsigned long size)
{
	return __mmlab_vmalloc(size, PAGE_SIZE, GFP_KERNEL,
			       __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(mmlab_vmalloc);

/**
 * mmlab_vzalloc() - as mmlab_vmalloc(), zeroed.
 * @size: bytes.
 *
 * Return: the address, or NULL.
 */
void *mmlab_vzalloc(unsigned long size)
{
	return __mmlab_vmalloc(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO,
			       __builtin_return_address(0));
}
EXPORT_SYMBOL_GPL(mmlab_vzalloc);

/**
 * mmlab_vmap() - map pages virtually contiguously in mmlab's window.
 * @pages: the pages; they stay the caller's (not freed by mmlab_vunmap()).
 * @count: how many.
 *
 * As vmap(pages, count, VM_MAP, PAGE_KERNEL). May sleep.
 *
 * Return: the address, or NULL.
 */
void *mmlab_vmap(struct page **pages, unsigned int count)
{
	struct mmlab_vm_struct *vm;
	unsigned int i;
	void *addr;

	might_sleep();
	if (!pages || !count || count >= MMLAB_VMALLOC_WINDOW_PAGES)
		return NULL;
	for (i = 0; i < count; i++)
		if (!pages[i])
			return NULL;
	vm = new_vm_struct(count, MMLAB_VM_MAP, __builtin_return_address(0));
	if (!vm)
		return NULL;
	memcpy(vm->pages, pages, count * sizeof(*pages));
	vm->nr_pages = count;
	addr = setup_vm_area(vm, PAGE_SIZE);
	if (!addr)
		free_vm_struct(vm);
	return addr;
}
EXPORT_SYMBOL_GPL(mmlab_vmap);

/*
 * Unmaps the busy area at @addr and queues it for the lazy purge; purges
 * when lazy_max_pages are pending. Anything but the start of a busy area
 * of the window is refused with a message.
 */
static void free_area(const void *addr, const char *what)
{
	struct mmlab_vm_struct *purged;
	struct mmlab_vmap_area *va;
	unsigned long nr;

	might_sleep();
	if (!addr)
		return;
	mutex_lock(&mmlab_vmap_lock);
	va = find_vmap_area_exact(&mmlab_vmap_area_root, (unsigned long)addr);
	if (!va) {
		mutex_unlock(&mmlab_vmap_lock);
		pr_err_ratelimited("%s: %p is not an area of mmlab's vmalloc\n",
				   what, addr);
		return;
	}
	rb_erase(&va->rb_node, &mmlab_vmap_area_root);
	mmlab_pgtable_unmap(va->va_start, va->vm->nr_pages);
	trace_mmlab_vmap_unmap(va->va_start, va->vm->nr_pages);
	insert_vmap_area(va, &mmlab_purge_vmap_area_root, false);
	nr = va_size(va) >> PAGE_SHIFT;
	mmlab_vwin.lazy_nr += nr;
	mmlab_vwin.stats[MMLAB_VSTAT_FREE]++;
	trace_mmlab_free_vmap_area(va->va_start, va_size(va), mmlab_vwin.lazy_nr);
	if (mmlab_vwin.lazy_nr > mmlab_vwin.lazy_max)
		__purge_vmap_area_lazy();
	purged = take_purged();
	mutex_unlock(&mmlab_vmap_lock);
	free_purged(purged);
}

/**
 * mmlab_vfree() - free an area of mmlab_vmalloc()/mmlab_vzalloc().
 * @addr: its address, or NULL.
 *
 * The area is unmapped now; its TLB entries, pages and range go at the next
 * lazy purge. May sleep.
 */
void mmlab_vfree(const void *addr)
{
	free_area(addr, "vfree");
}
EXPORT_SYMBOL_GPL(mmlab_vfree);

/**
 * mmlab_vunmap() - release a mapping of mmlab_vmap().
 * @addr: its address, or NULL.
 */
void mmlab_vunmap(const void *addr)
{
	free_area(addr, "vunmap");
}
EXPORT_SYMBOL_GPL(mmlab_vunmap);

/**
 * mmlab_vmalloc_to_page() - the page mapped at an address of mmlab's window.
 * @addr: any address.
 *
 * As vmalloc_to_page(), through mmlab's own page tables.
 *
 * Return: the page, or NULL if @addr is outside the window or unmapped.
 */
struct page *mmlab_vmalloc_to_page(const void *addr)
{
	unsigned long a = (unsigned long)addr;
	struct page *page = NULL;
	pte_t *pte, entry;

	if (!mmlab_in_window(a))
		return NULL;
	mutex_lock(&mmlab_vmap_lock);
	pte = mmlab_pgtable_pte(a);
	if (pte) {
		entry = READ_ONCE(*pte);
		if (pte_present(entry))
			page = pte_page(entry);
	}
	mutex_unlock(&mmlab_vmap_lock);
	return page;
}
EXPORT_SYMBOL_GPL(mmlab_vmalloc_to_page);

/**
 * mmlab_find_vm_area() - the busy area that starts at @addr, or NULL.
 * @addr: any address.
 *
 * For the tests: the result is only stable while the caller owns the area.
 */
struct mmlab_vm_struct *mmlab_find_vm_area(const void *addr)
{
	struct mmlab_vmap_area *va;

	mutex_lock(&mmlab_vmap_lock);
	va = find_busy_containing((unsigned long)addr);
	mutex_unlock(&mmlab_vmap_lock);
	return va && va->va_start == (unsigned long)addr ? va->vm : NULL;
}
EXPORT_SYMBOL_NS_GPL(mmlab_find_vm_area, MMLAB_INTERNAL);

/**
 * mmlab_vmalloc_free_ranges() - the free tree in address order, for tests.
 * @starts: out: start of each free range.
 * @ends: out: its end.
 * @max: room in both.
 *
 * Return: the number of free ranges (which may exceed @max).
 */
int mmlab_vmalloc_free_ranges(unsigned long *starts, unsigned long *ends,
			      int max)
{
	struct rb_node *n;
	int nr = 0;

	mutex_lock(&mmlab_vmap_lock);
	for (n = rb_first(&mmlab_free_vmap_area_root); n; n = rb_next(n), nr++) {
		struct mmlab_vmap_area *va = rb_entry(n, struct mmlab_vmap_area, rb_node);

		if (nr < max) {
			starts[nr] = va->va_start;
			ends[nr] = va->va_end;
		}
	}
	mutex_unlock(&mmlab_vmap_lock);
	return nr;
}
EXPORT_SYMBOL_NS_GPL(mmlab_vmalloc_free_ranges, MMLAB_INTERNAL);

/**
 * mmlab_vmalloc_stats() - a snapshot of the counters, for tests.
 * @stats: out: enum mmlab_vmalloc_stat.
 * @lazy_nr: out: pages waiting for the purge.
 * @lazy_max: out: the purge threshold.
 */
void mmlab_vmalloc_stats(unsigned long stats[MMLAB_NR_VSTATS],
			 unsigned long *lazy_nr, unsigned long *lazy_max)
{
	mutex_lock(&mmlab_vmap_lock);
	memcpy(stats, mmlab_vwin.stats, sizeof(mmlab_vwin.stats));
	*lazy_nr = mmlab_vwin.lazy_nr;
	*lazy_max = mmlab_vwin.lazy_max;
	mutex_unlock(&mmlab_vmap_lock);
}
EXPORT_SYMBOL_NS_GPL(mmlab_vmalloc_stats, MMLAB_INTERNAL);

/* === The window: reserve and release === */

/* Puts the host's PMD entries of the window back, as they were at load. */
static void restore_host_pmds(unsigned int nr)
{
	unsigned int i;
	pmd_t *pmd;

	for (i = 0; i < nr; i++) {
		pmd = mmlab_kernel_pmd(mmlab_vwin.start + i * PMD_SIZE);
		if (!WARN_ON_ONCE(!pmd))
			set_pmd(pmd, saved_pmds[i]);
	}
}

/*
 * Reserves the window: vmap() of window + PMD_SIZE worth of pointers to one
 * zeroed page, read-only, so that the host's vmalloc never hands that range
 * out; the PMD-aligned 256 MiB inside it is the window. The host's PTE
 * tables of the window (created by that vmap()) are detached from their PMD
 * entries and kept aside, so that the window starts with empty PMD entries
 * in which mmlab installs PTE tables of its own.
 */
static int reserve_window(void)
{
	unsigned long nr = MMLAB_VMALLOC_WINDOW_PAGES + (PMD_SIZE >> PAGE_SHIFT);
	struct page **pages;
	unsigned long i;
	pmd_t *pmd;

	reserve_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!reserve_page)
		return -ENOMEM;
	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto err_page;
	for (i = 0; i < nr; i++)
		pages[i] = reserve_page;
	mmlab_vwin.reserve = vmap(pages, nr, VM_MAP, PAGE_KERNEL_RO);
	kvfree(pages);
	if (!mmlab_vwin.reserve) {
		pr_err("vmalloc: vmap() of %lu pages for the window failed\n", nr);
		goto err_page;
	}
	mmlab_vwin.reserve_pages = nr;
	mmlab_vwin.start = ALIGN((unsigned long)mmlab_vwin.reserve, PMD_SIZE);
	mmlab_vwin.end = mmlab_vwin.start + MMLAB_VMALLOC_WINDOW_SIZE;

	for (i = 0; i < MMLAB_VMALLOC_WINDOW_PMDS; i++) {
		pmd = mmlab_kernel_pmd(mmlab_vwin.start + i * PMD_SIZE);
		if (!pmd || pmd_none(*pmd) || pmd_large(*pmd)) {
			pr_err("vmalloc: unexpected PMD entry for the window at %#lx\n",
			       mmlab_vwin.start + i * PMD_SIZE);
			goto err_vunmap;
		}
		saved_pmds[i] = *pmd;
	}
	for (i = 0; i < MMLAB_VMALLOC_WINDOW_PMDS; i++)
		pmd_clear(mmlab_kernel_pmd(mmlab_vwin.start + i * PMD_SIZE));
	flush_tlb_all_cpus();
	return 0;

err_vunmap:
	vunmap(mmlab_vwin.reserve);
err_page:
	__free_page(reserve_page);
	memset(&mmlab_vwin, 0, sizeof(mmlab_vwin));
	return -ENOMEM;
}

/**
 * mmlab_vmalloc_init() - reserve the window and make it one free range.
 *
 * Return: 0, or -ENOMEM (nothing is left reserved).
 */
int mmlab_vmalloc_init(void)
{
	struct mmlab_vmap_area *va;
	int err;

	va = kzalloc(sizeof(*va), GFP_KERNEL);
	if (!va)
		return -ENOMEM;
	mutex_lock(&mmlab_vmap_lock);
	err = reserve_window();
	if (err) {
		mutex_unlock(&mmlab_vmap_lock);
		kfree(va);
		return err;
	}
	/* The kernel's lazy_max_pages(), bounded by 1/16 of the window. */
	mmlab_vwin.lazy_max = min_t(unsigned long,
				    fls(num_online_cpus()) * (SZ_32M >> PAGE_SHIFT),
				    MMLAB_VMALLOC_WINDOW_PAGES / 16);
	va->va_start = mmlab_vwin.start;
	va->va_end = mmlab_vwin.end;
	insert_vmap_area(va, &mmlab_free_vmap_area_root, true);
	mutex_unlock(&mmlab_vmap_lock);
	pr_info("vmalloc: window of %lu pages reserved by vmap()\n",
		MMLAB_VMALLOC_WINDOW_PAGES);
	return 0;
}

/**
 * mmlab_vmalloc_exit() - free every area, purge, release the window.
 *
 * Areas still allocated (by a caller that did not free them) are reported
 * and freed. Then every PTE table of mmlab's is gone, the host's PMD
 * entries are restored exactly and the reservation is vunmap()ed.
 */
void mmlab_vmalloc_exit(void)
{
	struct mmlab_vmap_area *va, *tmp;
	struct rb_node *n;
	unsigned long leaked = 0;

	if (!mmlab_vwin.reserve)
		return;
	while ((n = rb_first(&mmlab_vmap_area_root))) {
		va = rb_entry(n, struct mmlab_vmap_area, rb_node);
		leaked++;
		free_area((void *)va->va_start, "unload");
	}
	if (leaked)
		pr_warn("vmalloc: unload freed %lu areas still allocated\n", leaked);

	mutex_lock(&mmlab_vmap_lock);
	__purge_vmap_area_lazy();
	free_purged(take_purged());
	WARN_ON(mmlab_vwin.pte_tables);
	restore_host_pmds(MMLAB_VMALLOC_WINDOW_PMDS);
	flush_tlb_all_cpus();
	rbtree_postorder_for_each_entry_safe(va, tmp, &mmlab_free_vmap_area_root,
					     rb_node)
		kfree(va);
	mmlab_free_vmap_area_root = RB_ROOT;
	mutex_unlock(&mmlab_vmap_lock);

	vunmap(mmlab_vwin.reserve);
	__free_page(reserve_page);
	reserve_page = NULL;
	memset(&mmlab_vwin, 0, sizeof(mmlab_vwin));
}
