/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab's vmalloc: a kernel virtual window of its own, its areas (free and
 * busy trees of struct mmlab_vmap_area), lazy purge, and the page-table
 * writer (pgtable.c) that maps them.
 *
 * Names follow mm/vmalloc.c: vmap_area, va_start, va_end, subtree_max_size,
 * free_vmap_area_root, vmap_area_root, purge_vmap_area_root, lazy_max_pages,
 * __purge_vmap_area_lazy, so that a reader of the kernel finds each part.
 */
#ifndef _MMLAB_VMALLOC_H
#define _MMLAB_VMALLOC_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include <asm/pgtable_types.h>

struct dentry;
struct mmlab_ctl_table;

/* The window: 256 MiB of kernel virtual space, 2 MiB (PMD) aligned. */
#define MMLAB_VMALLOC_WINDOW_PAGES	65536UL
#define MMLAB_VMALLOC_WINDOW_SIZE	(MMLAB_VMALLOC_WINDOW_PAGES << PAGE_SHIFT)
#define MMLAB_VMALLOC_WINDOW_PMDS	(MMLAB_VMALLOC_WINDOW_SIZE / PMD_SIZE)

/* vm flags of an area (as the kernel's VM_ALLOC and VM_MAP). */
#define MMLAB_VM_ALLOC		0x1	/* pages from mmlab's buddy, freed with it */
#define MMLAB_VM_MAP		0x2	/* the caller's pages, mmlab_vmap() */

/**
 * struct mmlab_vm_struct - a mapped area, as the kernel's struct vm_struct.
 * @addr:	first byte.
 * @size:	bytes, the guard page included (as vm_struct's size).
 * @flags:	MMLAB_VM_ALLOC or MMLAB_VM_MAP.
 * @pages:	one pointer per mapped page.
 * @orders:	for MMLAB_VM_ALLOC, the order of the block starting at each
 *		index of @pages (the block's other indices hold 0xff).
 * @nr_pages:	pages mapped (the guard page excluded).
 * @caller:	who asked, for vmallocinfo (%pS).
 * @next_purged: after a purge, the next area whose pages are still to be
 *		freed (see take_purged() in vmalloc.c).
 */
struct mmlab_vm_struct {
	void *addr;
	unsigned long size;
	unsigned long flags;
	struct page **pages;
	u8 *orders;
	unsigned int nr_pages;
	const void *caller;
	struct mmlab_vm_struct *next_purged;
};

/**
 * struct mmlab_vmap_area - a range of the window, free, busy or lazy.
 * @va_start:	first address.
 * @va_end:	one past the last (the guard page included).
 * @rb_node:	in exactly one of the free, busy and lazy trees.
 * @subtree_max_size: in the free tree only: the largest free range, in
 *		bytes, of the subtree rooted here (the augmented value).
 * @vm:		the mapped area, for busy and lazy areas; NULL when free.
 *
 * All fields are protected by mmlab_vmap_lock.
 */
struct mmlab_vmap_area {
	unsigned long va_start;
	unsigned long va_end;
	struct rb_node rb_node;
	unsigned long subtree_max_size;
	struct mmlab_vm_struct *vm;
};

/* Counters of vmap_areas, enum + names as the buddy's. */
enum mmlab_vmalloc_stat {
	MMLAB_VSTAT_ALLOC,		/* areas allocated */
	MMLAB_VSTAT_FREE,		/* areas freed */
	MMLAB_VSTAT_FAIL,		/* allocations failed */
	MMLAB_VSTAT_PURGE,		/* lazy purges */
	MMLAB_VSTAT_PURGED,		/* areas purged */
	MMLAB_VSTAT_FLUSH,		/* TLB flushes, each on every CPU */
	MMLAB_VSTAT_PTE_FREED,		/* PTE tables freed */
	MMLAB_NR_VSTATS
};

extern const char *const mmlab_vmalloc_stat_names[MMLAB_NR_VSTATS];

/**
 * struct mmlab_vmalloc_window - mmlab's kernel virtual window.
 * @start:	first address, PMD aligned.
 * @end:	one past the last.
 * @reserve:	what vmap() returned: the host's area that holds the window.
 * @reserve_pages: its pages (the guard excluded).
 * @lazy_nr:	pages of lazily freed areas not purged yet.
 * @lazy_max:	@lazy_nr that triggers a purge.
 * @pte_tables:	PTE tables mmlab has in the window now.
 * @stats:	enum mmlab_vmalloc_stat.
 *
 * All but @start, @end and @reserve (set at load) under mmlab_vmap_lock.
 */
struct mmlab_vmalloc_window {
	unsigned long start;
	unsigned long end;
	void *reserve;
	unsigned long reserve_pages;
	unsigned long lazy_nr;
	unsigned long lazy_max;
	unsigned long pte_tables;
	unsigned long stats[MMLAB_NR_VSTATS];
};

extern struct mmlab_vmalloc_window mmlab_vwin;
extern bool mmlab_vmalloc_high_order;
extern struct mutex mmlab_vmap_lock;
extern struct rb_root mmlab_free_vmap_area_root;
extern struct rb_root mmlab_vmap_area_root;
extern struct rb_root mmlab_purge_vmap_area_root;

static inline bool mmlab_in_window(unsigned long addr)
{
	return addr >= mmlab_vwin.start && addr < mmlab_vwin.end;
}

/* vmalloc.c */
int mmlab_vmalloc_init(void);
void mmlab_vmalloc_exit(void);
void *__mmlab_vmalloc(unsigned long size, unsigned long align, gfp_t gfp,
		      const void *caller);
void mmlab_vmalloc_purge(void);
struct mmlab_vm_struct *mmlab_find_vm_area(const void *addr);
int mmlab_vmalloc_free_ranges(unsigned long *starts, unsigned long *ends,
			      int max);
void mmlab_vmalloc_stats(unsigned long stats[MMLAB_NR_VSTATS],
			 unsigned long *lazy_nr, unsigned long *lazy_max);
unsigned long mmlab_va_subtree_max(const struct mmlab_vmap_area *va);

/* pgtable.c: the window's page tables, mmlab_vmap_lock held */
pmd_t *mmlab_kernel_pmd(unsigned long addr);
int mmlab_pgtable_map(unsigned long addr, struct page *page, pgprot_t prot);
int mmlab_pgtable_map_pages(unsigned long addr, struct page **pages,
			    unsigned int nr, pgprot_t prot);
void mmlab_pgtable_unmap(unsigned long addr, unsigned long nr);
unsigned int mmlab_pgtable_detach_empty(unsigned long start, unsigned long end,
					struct page **tables, unsigned int max);
void mmlab_pgtable_free_tables(struct page **tables, unsigned int nr);
pte_t *mmlab_pgtable_pte(unsigned long addr);

/* vmalloc_debugfs.c */
void mmlab_vmalloc_debugfs_init(struct dentry *root);
extern const struct mmlab_ctl_table mmlab_vmalloc_ctl_table;

/* validate.c */
struct mmlab_validate;
void mmlab_validate_vmalloc(struct mmlab_validate *v);

#endif /* _MMLAB_VMALLOC_H */
