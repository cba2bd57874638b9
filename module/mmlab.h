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

/* === Object allocator (slab) and kmalloc === */

struct mmlab_kmem_cache;

struct mmlab_kmem_cache *mmlab_kmem_cache_create(const char *name,
						 unsigned int size,
						 unsigned int align,
						 slab_flags_t flags,
						 void (*ctor)(void *));
void *mmlab_kmem_cache_alloc(struct mmlab_kmem_cache *cachep, gfp_t gfp);
void mmlab_kmem_cache_free(struct mmlab_kmem_cache *cachep, void *obj);
int mmlab_kmem_cache_shrink(struct mmlab_kmem_cache *cachep);
void mmlab_kmem_cache_drain(struct mmlab_kmem_cache *cachep);
void mmlab_kmem_cache_destroy(struct mmlab_kmem_cache *cachep);
unsigned int mmlab_kmem_cache_size(struct mmlab_kmem_cache *cachep);

#define mmlab_kmem_cache_zalloc(cachep, gfp) \
	mmlab_kmem_cache_alloc(cachep, (gfp) | __GFP_ZERO)

void *mmlab_kmalloc(size_t size, gfp_t gfp);
void *mmlab_kzalloc(size_t size, gfp_t gfp);
void mmlab_kfree(const void *objp);
size_t mmlab_ksize(const void *objp);
void *mmlab_krealloc(const void *p, size_t new_size, gfp_t gfp);
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
