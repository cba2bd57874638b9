// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's kmalloc: size classes over mmlab's slab caches, as mm/slab_common.c.
 *
 * The classes mirror the native ones of x86_64 with SLUB: powers of two from
 * 8 to 8192 bytes (kmalloc-8 .. kmalloc-8k) and 96 and 192 (kmalloc-96,
 * kmalloc-192), chosen through the same size_index table for requests up to
 * 192 bytes and fls() above. Requests above 8192 bytes (KMALLOC_MAX_CACHE_SIZE)
 * go straight to mmlab's buddy allocator, a block of get_order(size) owned by
 * the slab allocator with no slab descriptor (kmalloc_large()). A request of
 * 0 bytes gets ZERO_SIZE_PTR. Power-of-two classes are naturally aligned;
 * every object is at least 8-byte aligned (ARCH_KMALLOC_MINALIGN).
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "buddy.h"
#include "mmlab.h"
#include "pool.h"
#include "slab.h"
#include "slab_trace.h"

/* === Data === */

/* Largest size served by a cache (KMALLOC_MAX_CACHE_SIZE of SLUB). */
#define MMLAB_KMALLOC_MAX_CACHE_SIZE	(2 * PAGE_SIZE)
#define MMLAB_KMALLOC_SHIFT_LOW		3
#define MMLAB_KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)
#define MMLAB_KMALLOC_NR		(MMLAB_KMALLOC_SHIFT_HIGH + 1)

/* The classes, by index as kmalloc_info[]: 1 and 2 are 96 and 192. */
static const struct {
	const char *name;
	unsigned int size;
} kmalloc_info[MMLAB_KMALLOC_NR] = {
	[1] = { "kmalloc-96", 96 },	[2] = { "kmalloc-192", 192 },
	[3] = { "kmalloc-8", 8 },	[4] = { "kmalloc-16", 16 },
	[5] = { "kmalloc-32", 32 },	[6] = { "kmalloc-64", 64 },
	[7] = { "kmalloc-128", 128 },	[8] = { "kmalloc-256", 256 },
	[9] = { "kmalloc-512", 512 },	[10] = { "kmalloc-1k", 1024 },
	[11] = { "kmalloc-2k", 2048 },	[12] = { "kmalloc-4k", 4096 },
	[13] = { "kmalloc-8k", 8192 },
};

static_assert(MMLAB_KMALLOC_NR == 14);

/*
 * Index of the class of requests of 1 to 192 bytes, by (size - 1) / 8, as
 * the kernel's size_index[] once setup_kmalloc_cache_index_table() ran with
 * KMALLOC_MIN_SIZE 8.
 */
static const u8 class_by_size[24] = {
	3,	/* 8 */
	4,	/* 16 */
	5,	/* 24 */
	5,	/* 32 */
	6,	/* 40 */
	6,	/* 48 */
	6,	/* 56 */
	6,	/* 64 */
	1,	/* 72 */
	1,	/* 80 */
	1,	/* 88 */
	1,	/* 96 */
	7,	/* 104 */
	7,	/* 112 */
	7,	/* 120 */
	7,	/* 128 */
	2,	/* 136 */
	2,	/* 144 */
	2,	/* 152 */
	2,	/* 160 */
	2,	/* 168 */
	2,	/* 176 */
	2,	/* 184 */
	2	/* 192 */
};

/* The kmalloc caches by index; NULL for index 0. */
struct mmlab_kmem_cache *mmlab_kmalloc_caches[MMLAB_KMALLOC_NR];

/* Blocks handed out by large_alloc() and not yet freed. */
atomic_long_t mmlab_kmalloc_large_nr = ATOMIC_LONG_INIT(0);

/* === Internals === */

/* Index of the class of @size bytes, 1 .. 8192 (kmalloc_index()). */
static unsigned int class_index(size_t size)
{
	if (size <= 192)
		return class_by_size[(size - 1) / 8];
	return fls(size - 1);
}

/**
 * mmlab_kmalloc_slab() - the kmalloc cache serving @size bytes.
 * @size: 1 .. 8192.
 *
 * Return: the cache, or NULL for other sizes or a class not created yet.
 */
struct mmlab_kmem_cache *mmlab_kmalloc_slab(size_t size)
{
	if (!size || size > MMLAB_KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return mmlab_kmalloc_caches[class_index(size)];
}

/* Allocates above the largest class from the buddy allocator (kmalloc_large()). */
static void *large_alloc(size_t size, gfp_t gfp, unsigned long caller)
{
	unsigned int order = get_order(size);
	struct page *page;
	void *ptr;

	if (order >= MMLAB_MAX_ORDER)
		return NULL;
	page = mmlab_alloc_pages_owner(gfp, order, MMLAB_OWNER_SLAB);
	if (!page)
		return NULL;
	ptr = page_address(page);
	atomic_long_inc(&mmlab_kmalloc_large_nr);
	trace_mmlab_kmalloc_large(caller, ptr, size, order);
	return ptr;
}

/* The order of the large kmalloc block starting at @x, or -1. */
static int large_order(const void *x)
{
	struct mmlab_page *mp;

	if (!PAGE_ALIGNED(x) || !virt_addr_valid(x))
		return -1;
	mp = pfn_to_mpage(PHYS_PFN(__pa(x)));
	/* Pairs with the buddy's release: order and owner are the block's. */
	if (!mp || smp_load_acquire(&mp->state) != MMLAB_PAGE_ALLOC ||
	    mp->owner != MMLAB_OWNER_SLAB || mp->private)
		return -1;
	return mp->order;
}

/* === Public interface === */

/**
 * __mmlab_kmalloc() - kmalloc with the caller to record.
 * @size: bytes.
 * @gfp: GFP flags.
 * @caller: the caller, for the owner track and tracepoints.
 *
 * Return: the object, ZERO_SIZE_PTR for 0 bytes, or NULL.
 */
void *__mmlab_kmalloc(size_t size, gfp_t gfp, unsigned long caller)
{
	struct mmlab_kmem_cache *cachep;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	if (size > MMLAB_KMALLOC_MAX_CACHE_SIZE)
		return large_alloc(size, gfp, caller);
	cachep = mmlab_kmalloc_slab(size);
	if (unlikely(!cachep))
		return NULL;
	return __mmlab_kmem_cache_alloc(cachep, gfp, caller);
}
EXPORT_SYMBOL_NS_GPL(__mmlab_kmalloc, MMLAB_INTERNAL);

/**
 * mmlab_kmalloc() - allocate @size bytes from mmlab.
 * @size: bytes; 0 gives ZERO_SIZE_PTR, more than 4 MiB gives NULL.
 * @gfp: GFP flags (__GFP_ZERO zeroes, zone and mobility bits pick the pages
 *	of a large request).
 *
 * Context: any context.
 * Return: at least @size bytes, 8-byte aligned, naturally aligned for a
 * power-of-two size; or NULL.
 */
void *mmlab_kmalloc(size_t size, gfp_t gfp)
{
	return __mmlab_kmalloc(size, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kmalloc);

/**
 * mmlab_kzalloc() - mmlab_kmalloc() of zeroed memory.
 * @size: bytes.
 * @gfp: GFP flags.
 *
 * Return: as mmlab_kmalloc().
 */
void *mmlab_kzalloc(size_t size, gfp_t gfp)
{
	return __mmlab_kmalloc(size, gfp | __GFP_ZERO, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kzalloc);

/**
 * mmlab_ksize() - the usable size of an mmlab_kmalloc() object.
 * @objp: the object, ZERO_SIZE_PTR or NULL.
 *
 * Return: the size of its class (or large block), 0 for ZERO_SIZE_PTR, NULL
 * or a pointer mmlab did not hand out.
 */
size_t mmlab_ksize(const void *objp)
{
	struct mmlab_slab *slab;
	bool large;
	int order;

	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	slab = mmlab_virt_to_slab(objp, &large);
	if (slab)
		return slab->cache->object_size;
	order = large ? large_order(objp) : -1;
	return order < 0 ? 0 : PAGE_SIZE << order;
}
EXPORT_SYMBOL_GPL(mmlab_ksize);

/**
 * __mmlab_kfree() - kfree with the caller to report.
 * @objp: the object.
 * @caller: the caller.
 */
void __mmlab_kfree(const void *objp, unsigned long caller)
{
	struct mmlab_slab *slab;
	bool large;
	int order;

	if (unlikely(ZERO_OR_NULL_PTR(objp)))
		return;
	slab = mmlab_virt_to_slab(objp, &large);
	if (slab) {
		__mmlab_slab_free(NULL, slab, objp, caller);
		return;
	}
	order = large ? large_order(objp) : -1;
	if (order < 0) {
		mmlab_slab_bad_free(objp, "not an object of mmlab's kmalloc", caller);
		return;
	}
	atomic_long_dec(&mmlab_kmalloc_large_nr);
	trace_mmlab_kmem_cache_free("kmalloc_large", caller, objp);
	mmlab_free_pages_owner(virt_to_page(objp), order, MMLAB_OWNER_SLAB);
}
EXPORT_SYMBOL_NS_GPL(__mmlab_kfree, MMLAB_INTERNAL);

/**
 * mmlab_kfree() - free an mmlab_kmalloc() object.
 * @objp: the object, ZERO_SIZE_PTR or NULL (nothing done).
 *
 * A pointer that is not an mmlab object is reported, counted and ignored.
 */
void mmlab_kfree(const void *objp)
{
	__mmlab_kfree(objp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kfree);

/**
 * mmlab_krealloc() - resize an mmlab_kmalloc() object, keeping its contents.
 * @p: the object, or NULL / ZERO_SIZE_PTR (then as mmlab_kmalloc()).
 * @new_size: bytes; 0 frees @p and returns ZERO_SIZE_PTR.
 * @gfp: GFP flags.
 *
 * As the kernel's krealloc(): the same object while it is large enough,
 * else a new one with the old contents, and the old one freed.
 *
 * Return: the object, or NULL (then @p is unchanged).
 */
void *mmlab_krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t ks;
	void *ret;

	if (unlikely(!new_size)) {
		__mmlab_kfree(p, _RET_IP_);
		return ZERO_SIZE_PTR;
	}
	ks = mmlab_ksize(p);
	if (ks >= new_size) {
		if ((gfp & __GFP_ZERO) && ks > new_size)
			memset((void *)p + new_size, 0, ks - new_size);
		return (void *)p;
	}
	ret = __mmlab_kmalloc(new_size, gfp, _RET_IP_);
	if (ret && ks) {
		memcpy(ret, p, ks);
		__mmlab_kfree(p, _RET_IP_);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_krealloc);

/* === Load and unload === */

/**
 * mmlab_kmalloc_init() - create the kmalloc caches, in kmalloc_info order.
 *
 * Return: 0, or an error (the caches created so far are left for
 * mmlab_slab_exit_caches()).
 */
int mmlab_kmalloc_init(void)
{
	struct mmlab_kmem_cache *c;
	unsigned int i, size;
	int ret = 0;

	mutex_lock(&mmlab_slab_mutex);
	for (i = 1; i < MMLAB_KMALLOC_NR; i++) {
		size = kmalloc_info[i].size;
		/* Power-of-two classes are naturally aligned, as the native. */
		c = __mmlab_kmem_cache_create(kmalloc_info[i].name, size,
					      is_power_of_2(size) ? size : 0,
					      MMLAB_CFLGS_KMALLOC, NULL);
		if (IS_ERR(c)) {
			ret = PTR_ERR(c);
			pr_err("cannot create %s: %d\n", kmalloc_info[i].name, ret);
			break;
		}
		mmlab_kmalloc_caches[i] = c;
	}
	mutex_unlock(&mmlab_slab_mutex);
	return ret;
}

/**
 * mmlab_kmalloc_exit() - forget the kmalloc caches (destroyed by the caller).
 */
void mmlab_kmalloc_exit(void)
{
	long large = atomic_long_read(&mmlab_kmalloc_large_nr);

	memset(mmlab_kmalloc_caches, 0, sizeof(mmlab_kmalloc_caches));
	if (large)
		pr_warn("%ld large kmalloc blocks still allocated, reclaimed with the pool\n",
			large);
}
