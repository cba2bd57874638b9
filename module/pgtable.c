// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's page-table writer: PTEs of its vmalloc window, in PTE tables it
 * allocates from its own buddy (MMLAB_OWNER_PGTABLE) and frees when empty.
 *
 * The window lies in the kernel's vmalloc range. On x86_64 the kernel
 * allocates every page table above the PMD level of that range at boot
 * (preallocate_vmalloc_pages() in arch/x86/mm/init_64.c) and every mm's pgd
 * shares them, so a PMD entry written here is seen by every address space at
 * once: no pgd synchronisation (the kernel's arch_sync_kernel_mappings())
 * is needed, and mmlab never has to allocate a level above the PTE table.
 * The PMD table itself is the host's, created by the vmap() that reserved
 * the window (vmalloc.c); mmlab only writes the window's entries of it.
 *
 * Every function here is called with mmlab_vmap_lock held.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include <asm/pgalloc.h>
#include <asm/processor.h>

#include "buddy.h"
#include "pool.h"
#include "vmalloc.h"

/**
 * mmlab_kernel_pmd() - the kernel's PMD entry for a window address.
 * @addr: an address of mmlab's window.
 *
 * Walks from the kernel pgd of the running CPU (CR3; the kernel half of the
 * PTI pair) down to the PMD table, through levels the kernel preallocated.
 *
 * Return: a pointer to the PMD entry, or NULL if a level above is missing
 * (never for the window; see the top of this file).
 */
pmd_t *mmlab_kernel_pmd(unsigned long addr)
{
	pgd_t *pgd = pgd_offset_pgd(__va(read_cr3_pa()), addr);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

/* Whether the PTE table a PMD entry points to is one of mmlab's. */
static bool is_mmlab_pte_table(pmd_t pmd)
{
	struct mmlab_page *mp = pfn_to_mpage(pmd_pfn(pmd));

	return mp && mp->state == MMLAB_PAGE_ALLOC &&
	       mp->owner == MMLAB_OWNER_PGTABLE;
}

/**
 * mmlab_pgtable_pte() - the PTE of a window address, or NULL if no table.
 * @addr: an address of the window.
 */
pte_t *mmlab_pgtable_pte(unsigned long addr)
{
	pmd_t *pmd = mmlab_kernel_pmd(addr);

	if (!pmd || pmd_none(*pmd) || pmd_large(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

/*
 * The PTE table of @addr's PMD entry, allocated (zeroed, from mmlab's
 * buddy) and installed with _PAGE_TABLE, as pmd_populate_kernel(), if the
 * entry is empty. Return: the PTE of @addr, or an ERR_PTR(): -ENOMEM
 * without a page for the table, -EEXIST if the entry is not a table of
 * mmlab's, -EFAULT if @addr has no PMD table.
 */
static pte_t *pte_alloc_window(unsigned long addr)
{
	pmd_t *pmd = mmlab_kernel_pmd(addr);
	struct page *table;

	if (!pmd)
		return ERR_PTR(-EFAULT);
	if (pmd_none(*pmd)) {
		table = mmlab_alloc_pages_owner(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
						0, MMLAB_OWNER_PGTABLE);
		if (!table)
			return ERR_PTR(-ENOMEM);
		set_pmd(pmd, __pmd(PFN_PHYS(page_to_pfn(table)) | _PAGE_TABLE));
		mmlab_vwin.pte_tables++;
	} else if (pmd_large(*pmd) || !is_mmlab_pte_table(*pmd)) {
		return ERR_PTR(-EEXIST);
	}
	return pte_offset_kernel(pmd, addr);
}

/**
 * mmlab_pgtable_map_pages() - map pages at consecutive window addresses.
 * @addr: page-aligned address of the window where the first goes.
 * @pages: the pages.
 * @nr: how many; [@addr, @addr + @nr pages) must be unmapped.
 * @prot: their protection (PAGE_KERNEL for vmalloc).
 *
 * As the kernel's vmap_pages_range_noflush(): one walk down to the PMD
 * entry per 2 MiB (allocating the PTE table if the entry is empty), then
 * that table's PTEs in a row. No TLB flush is needed: the entries were not
 * present. On failure the PTEs it wrote are cleared again (the tables it
 * allocated stay, empty, for mmlab_pgtable_detach_empty()).
 *
 * Return: 0, -ENOMEM without a page for a table, -EEXIST if a page of the
 * range is mapped already, -EFAULT if an address has no PMD table.
 */
int mmlab_pgtable_map_pages(unsigned long addr, struct page **pages,
			    unsigned int nr, pgprot_t prot)
{
	unsigned long start = addr, end = addr + ((unsigned long)nr << PAGE_SHIFT);
	unsigned long next;
	unsigned int done = 0;
	pte_t *pte;
	int err;

	for (; addr < end; addr = next) {
		next = pmd_addr_end(addr, end);
		pte = pte_alloc_window(addr);
		if (IS_ERR(pte)) {
			err = PTR_ERR(pte);
			goto fail;
		}
		for (; addr < next; addr += PAGE_SIZE, pte++) {
			if (WARN_ON_ONCE(!pte_none(*pte))) {
				err = -EEXIST;
				goto fail;
			}
			set_pte(pte, mk_pte(pages[done++], prot));
		}
	}
	return 0;

fail:
	mmlab_pgtable_unmap(start, done);
	return err;
}

/**
 * mmlab_pgtable_map() - map one page at a window address.
 * @addr: page-aligned address of the window, unmapped.
 * @page: the page.
 * @prot: its protection (PAGE_KERNEL for vmalloc).
 *
 * mmlab_pgtable_map_pages() of one page.
 *
 * Return: as mmlab_pgtable_map_pages().
 */
int mmlab_pgtable_map(unsigned long addr, struct page *page, pgprot_t prot)
{
	return mmlab_pgtable_map_pages(addr, &page, 1, prot);
}

/**
 * mmlab_pgtable_unmap() - clear the PTEs of @nr pages from @addr.
 * @addr: page-aligned window address.
 * @nr: pages.
 *
 * One walk down to the PMD entry per 2 MiB, then that table's PTEs in a
 * row, as the kernel's vunmap_range_noflush(). No TLB flush: the caller
 * flushes (lazily, see __purge_vmap_area_lazy()).
 */
void mmlab_pgtable_unmap(unsigned long addr, unsigned long nr)
{
	unsigned long end = addr + (nr << PAGE_SHIFT), next;
	pte_t *pte;

	for (; addr < end; addr = next) {
		next = pmd_addr_end(addr, end);
		pte = mmlab_pgtable_pte(addr);
		if (!pte)
			continue;
		for (; addr < next; addr += PAGE_SIZE, pte++)
			set_pte(pte, __pte(0));
	}
}

static bool pte_table_empty(pmd_t pmd)
{
	pte_t *pte = (pte_t *)pmd_page_vaddr(pmd);
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++)
		if (!pte_none(pte[i]))
			return false;
	return true;
}

/**
 * mmlab_pgtable_detach_empty() - unhook the empty PTE tables of a range.
 * @start: first window address.
 * @end: one past the last.
 * @tables: out: the detached tables.
 * @max: room in @tables.
 *
 * Clears the PMD entry of every PTE table of mmlab's in [@start, @end) that
 * maps nothing. The tables may still be cached by the CPUs' paging-structure
 * caches: free them with mmlab_pgtable_free_tables() only after a TLB flush
 * on every CPU.
 *
 * Return: the number of tables put in @tables.
 */
unsigned int mmlab_pgtable_detach_empty(unsigned long start, unsigned long end,
					struct page **tables, unsigned int max)
{
	unsigned long addr;
	unsigned int nr = 0;
	pmd_t *pmd;

	for (addr = ALIGN_DOWN(start, PMD_SIZE); addr < end && nr < max;
	     addr += PMD_SIZE) {
		pmd = mmlab_kernel_pmd(addr);
		if (!pmd || pmd_none(*pmd) || pmd_large(*pmd) ||
		    !is_mmlab_pte_table(*pmd) || !pte_table_empty(*pmd))
			continue;
		tables[nr++] = pmd_page(*pmd);
		pmd_clear(pmd);
		mmlab_vwin.pte_tables--;
	}
	return nr;
}

/**
 * mmlab_pgtable_free_tables() - give detached PTE tables back to the buddy.
 * @tables: tables from mmlab_pgtable_detach_empty().
 * @nr: how many.
 */
void mmlab_pgtable_free_tables(struct page **tables, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		mmlab_free_pages_owner(tables[i], 0, MMLAB_OWNER_PGTABLE);
	mmlab_vwin.stats[MMLAB_VSTAT_PTE_FREED] += nr;
}
