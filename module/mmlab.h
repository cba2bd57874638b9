/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab's public API: what other modules and the KUnit suites call.
 *
 * mmlab reimplements the kernel's page, object and virtual-area allocators
 * over a pool of pages it borrows from the host kernel. The calls below mirror
 * the native ones (alloc_pages(), kmalloc(), vmalloc() ...) with an mmlab_
 * prefix, so a test can run the same sequence on both and compare.
 */
#ifndef _MMLAB_H
#define _MMLAB_H

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/types.h>

/* === Page allocator (buddy) === */

struct page *mmlab_alloc_pages(gfp_t gfp, unsigned int order);
void mmlab_free_pages(struct page *page, unsigned int order);
unsigned long mmlab_get_free_pages(gfp_t gfp, unsigned int order);
void mmlab_free_pages_addr(unsigned long addr, unsigned int order);
void mmlab_drain_all_pages(void);
bool mmlab_pfn_in_pool(unsigned long pfn);

#define mmlab_alloc_page(gfp)		mmlab_alloc_pages(gfp, 0)
#define mmlab_free_page(page)		mmlab_free_pages(page, 0)

/* === Virtually contiguous areas (vmalloc) === */

void *mmlab_vmalloc(unsigned long size);
void *mmlab_vzalloc(unsigned long size);
void *__mmlab_vmalloc(unsigned long size, unsigned long align, gfp_t gfp,
		      const void *caller);
void mmlab_vfree(const void *addr);
void *mmlab_vmap(struct page **pages, unsigned int count);
void mmlab_vunmap(const void *addr);
struct page *mmlab_vmalloc_to_page(const void *addr);

#endif /* _MMLAB_H */
