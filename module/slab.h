/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab's slab allocator: caches of objects of one size, their slabs, the
 * per-CPU array caches and the debug options, shared by slab.c, kmalloc.c,
 * slab_debug.c, slab_debugfs.c and validate.c.
 *
 * The design is the kernel's SLAB (mm/slab.c of Linux 6.1), on pages of
 * mmlab's own buddy allocator: a cache keeps three lists of slabs
 * (slabs_full, slabs_partial, slabs_free), each slab has a freelist of object
 * indices, successive slabs are coloured, and each CPU has an array cache of
 * objects in front of the lists. Names follow mm/slab.c.
 */
#ifndef _MMLAB_SLAB_H
#define _MMLAB_SLAB_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "pool.h"

struct dentry;
struct mmlab_ctl_table;
struct mmlab_kmem_cache;
struct mmlab_slab;

/* A freelist entry: the index of a free object in its slab (freelist_idx_t). */
typedef u16 mmlab_freelist_idx_t;

/* Most objects in one slab, as SLAB_OBJ_MAX_NUM. */
#define MMLAB_SLAB_OBJ_MAX_NUM	((1 << (8 * sizeof(mmlab_freelist_idx_t))) - 1)
/* Largest slab order tried by calculate_slab_order() (slab_max_order). */
#define MMLAB_SLAB_MAX_ORDER	1
/* Largest order any cache may use (KMALLOC_MAX_ORDER). */
#define MMLAB_SLAB_MAX_ORDER_HARD	5
/* Caches of objects at least this big put their freelist off the slab. */
#define MMLAB_OFF_SLAB_MIN_SIZE	256
/* Colour step: one cache line, as cache_line_size(). */
#define MMLAB_SLAB_COLOUR_OFF	L1_CACHE_BYTES
/* Longest cache name. */
#define MMLAB_CACHE_NAME_MAX	31

/* Debug flags mmlab honours (the kernel's SLAB_* values). */
#define MMLAB_SLAB_DEBUG_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
/* Every flag mmlab_kmem_cache_create() accepts; the rest are ignored. */
#define MMLAB_SLAB_FLAGS	(MMLAB_SLAB_DEBUG_FLAGS | SLAB_HWCACHE_ALIGN)
/* Management data is off the slab (the kernel's CFLGS_OFF_SLAB). */
#define MMLAB_CFLGS_OFF_SLAB	((__force slab_flags_t)0x80000000U)
/* A kmalloc cache (kmalloc-8 .. kmalloc-8k): cannot be destroyed. */
#define MMLAB_CFLGS_KMALLOC	((__force slab_flags_t)0x40000000U)
/* A cache made by `cache_create`: the only kind `cache_destroy` destroys. */
#define MMLAB_CFLGS_CONTROL	((__force slab_flags_t)0x20000000U)

/* Which list a slab is on: exactly one, by its inuse count. */
enum mmlab_slab_list {
	MMLAB_SLABS_FULL,	/* every object handed out (to a user or an array) */
	MMLAB_SLABS_PARTIAL,	/* some objects handed out */
	MMLAB_SLABS_FREE,	/* no object handed out */
	MMLAB_NR_SLAB_LISTS
};

extern const char *const mmlab_slab_list_names[MMLAB_NR_SLAB_LISTS];

/* Event counters of a cache (the kernel's STATS_* of mm/slab.c). */
enum mmlab_slab_stat {
	MMLAB_SLAB_ALLOC,	/* objects handed to callers */
	MMLAB_SLAB_FREE,	/* objects given back by callers */
	MMLAB_SLAB_ALLOC_HIT,	/* allocations served by the array cache */
	MMLAB_SLAB_FREE_HIT,	/* frees that went into the array cache */
	MMLAB_SLAB_REFILL,	/* array cache refilled from the lists */
	MMLAB_SLAB_FLUSH,	/* batches flushed from an array cache */
	MMLAB_SLAB_GROW,	/* slabs allocated from the buddy allocator */
	MMLAB_SLAB_REAP,	/* free slabs given back to the buddy allocator */
	MMLAB_SLAB_ERRORS,	/* corruption and bad frees reported */
	MMLAB_SLAB_FAIL,	/* allocations that returned NULL */
	MMLAB_NR_SLAB_STATS
};

extern const char *const mmlab_slab_stat_names[MMLAB_NR_SLAB_STATS];

/**
 * struct mmlab_track - who allocated or freed an object last (owner track).
 * @addr:	the caller, printed with %pS.
 * @pid:	the task's pid.
 * @cpu:	the CPU.
 * @when:	jiffies at the time.
 */
struct mmlab_track {
	unsigned long addr;
	int pid;
	int cpu;
	unsigned long when;
};

/* The two tracks kept after an object with SLAB_STORE_USER. */
enum mmlab_track_item {
	MMLAB_TRACK_ALLOC,	/* the last allocation */
	MMLAB_TRACK_FREE,	/* the last free */
	MMLAB_NR_TRACKS
};

/**
 * struct mmlab_array_cache - one CPU's stack of objects of a cache.
 * @lock:	protects the rest; taken with interrupts off, before the
 *		cache's list_lock. (The kernel relies on interrupts off alone;
 *		the lock lets debugfs, validate and a drain read another CPU's
 *		array.)
 * @avail:	objects in @entry, the newest last.
 * @limit:	most objects kept; a free beyond it flushes @batchcount.
 * @batchcount:	objects moved to or from the slab lists at once.
 * @touched:	set on a hit, cleared by the periodic drain (here: by shrink).
 * @stats:	this CPU's share of the cache's enum mmlab_slab_stat counters,
 *		outside @lock (this_cpu_inc(), any context): the fast paths of
 *		two CPUs do not bounce one cache line of shared counters.
 * @entry:	the objects, then (from entry[@limit]) the slab of each, which
 *		slab.c reads as ac_slabs().
 */
struct mmlab_array_cache {
	spinlock_t lock;	/* avail, touched, entry */
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	unsigned long stats[MMLAB_NR_SLAB_STATS];
	void *entry[];
};

/**
 * struct mmlab_slab - the descriptor of one slab (the kernel's struct slab).
 * @slab_list:	link on one of the cache's lists (list_lock).
 * @cache:	the cache it belongs to.
 * @page:	its first page; @pfn its PFN.
 * @pfn:	PFN of @page.
 * @s_mem:	address of the first object (the slab's address + @colour_off).
 * @freelist:	the indices of the free objects; entries @active .. num - 1
 *		are free (list_lock). On the slab (after the objects) or off
 *		it (from mmlab_kmalloc()) as the cache says.
 * @active:	objects handed out of the slab, to callers or array caches
 *		(list_lock).
 * @colour_off:	bytes between the slab's start and @s_mem.
 * @list:	enum mmlab_slab_list: the list it is on (list_lock).
 * @vcount:	the slab's objects found in array caches, a tally of
 *		mmlab_validate_slab() (inside stop_machine() only).
 * @objmap:	bit i set while object i is allocated to a caller (atomic bit
 *		operations): a free of an object whose bit is clear is a
 *		double free. Objects in array caches have their bit clear.
 *
 * The descriptor is metadata, as the kernel's struct slab (which overlays
 * struct page): it is found from any object through the mmlab_page of the
 * slab's head page, whose ->private points here.
 */
struct mmlab_slab {
	struct list_head slab_list;
	struct mmlab_kmem_cache *cache;
	struct page *page;
	unsigned long pfn;
	void *s_mem;
	mmlab_freelist_idx_t *freelist;
	unsigned int active;
	unsigned int colour_off;
	u8 list;
	unsigned int vcount;
	unsigned long objmap[];
};

/**
 * struct mmlab_kmem_cache - a cache of objects of one size.
 * @name:	its name (unique among mmlab's caches).
 * @object_size: bytes the caller asked for.
 * @size:	bytes between two objects: object, red zones, tracks, padding.
 * @align:	alignment of every object.
 * @red_left_pad: red zone before each object (SLAB_RED_ZONE), else 0.
 * @inuse:	offset of the end of the right red zone from the object (the
 *		tracks follow).
 * @flags:	SLAB_* flags it was created with, and MMLAB_CFLGS_*.
 * @ctor:	constructor, run on every object when a slab is populated.
 * @gfporder:	order of its slabs.
 * @num:	objects per slab.
 * @freelist_size: bytes of a slab's freelist (num * sizeof(index)).
 * @colour_off:	colour step, bytes.
 * @colour:	number of colours: leftover bytes / @colour_off.
 * @list_lock:	protects the lists, their counters, @colour_next and every
 *		slab's freelist and active count.
 * @colour_next: colour of the next slab, 0 .. @colour - 1.
 * @slabs:	slabs_full, slabs_partial, slabs_free (enum mmlab_slab_list).
 * @nr_slabs:	slabs on each list.
 * @free_objects: objects on the freelists of all slabs.
 * @free_limit:	free objects kept on the lists beyond which free slabs go
 *		back to the buddy allocator, as the kernel's n->free_limit.
 * @limit:	array cache limit; @batchcount its batch.
 * @batchcount:	array cache batch count.
 * @cpu_cache:	per-CPU array caches, with the per-CPU counters (->stats).
 * @refcount:	users of the cache; destroy waits for none.
 * @list:	link on mmlab's list of caches (cache mutex).
 * @dir:	its debugfs directory slab/<name>/.
 */
struct mmlab_kmem_cache {
	char name[MMLAB_CACHE_NAME_MAX + 1];
	unsigned int object_size;
	unsigned int size;
	unsigned int align;
	unsigned int red_left_pad;
	unsigned int inuse;
	slab_flags_t flags;
	void (*ctor)(void *obj);
	unsigned int gfporder;
	unsigned int num;
	unsigned int freelist_size;
	unsigned int colour_off;
	unsigned int colour;

	spinlock_t list_lock;	/* lists, counters, colour_next, freelists */
	unsigned int colour_next;
	struct list_head slabs[MMLAB_NR_SLAB_LISTS];
	unsigned long nr_slabs[MMLAB_NR_SLAB_LISTS];
	unsigned long free_objects;
	unsigned long free_limit;

	unsigned int limit;
	unsigned int batchcount;
	struct mmlab_array_cache __percpu *cpu_cache;

	struct list_head list;
	struct dentry *dir;
};

/* mmlab's caches, newest last (slab.c). */
extern struct list_head mmlab_slab_caches;
/* Serialises create, destroy, shrink and walks of mmlab_slab_caches. */
extern struct mutex mmlab_slab_mutex;

/* === slab.c === */

int mmlab_slab_init(void);
void mmlab_slab_exit(void);
struct mmlab_kmem_cache *mmlab_find_cache(const char *name);
struct mmlab_slab *mmlab_virt_to_slab(const void *x, bool *large);
unsigned int mmlab_obj_to_index(const struct mmlab_kmem_cache *cachep,
				const struct mmlab_slab *slab, const void *obj);
void *mmlab_index_to_obj(const struct mmlab_kmem_cache *cachep,
			 const struct mmlab_slab *slab, unsigned int idx);
bool mmlab_slab_is_kmalloc(const struct mmlab_kmem_cache *cachep);
unsigned long mmlab_slab_total_errors(void);
void mmlab_slab_exit_caches(void);
struct mmlab_kmem_cache *__mmlab_kmem_cache_create(const char *name,
						   unsigned int size,
						   unsigned int align,
						   slab_flags_t flags,
						   void (*ctor)(void *));
int __mmlab_kmem_cache_destroy(struct mmlab_kmem_cache *cachep);
void *__mmlab_kmem_cache_alloc(struct mmlab_kmem_cache *cachep, gfp_t gfp,
			       unsigned long caller);
void __mmlab_kmem_cache_free(struct mmlab_kmem_cache *cachep, const void *obj,
			     unsigned long caller);
void __mmlab_slab_free(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab,
		       const void *obj, unsigned long caller);
unsigned long mmlab_kmem_cache_shrink_all(void);
long mmlab_kmem_cache_validate(struct mmlab_kmem_cache *cachep);
void mmlab_kmem_cache_drain(struct mmlab_kmem_cache *cachep);
void mmlab_slab_relist_all(struct mmlab_kmem_cache *cachep);

/* Counts one @item event of @cachep on this CPU (any context). */
static inline void mmlab_slab_count(struct mmlab_kmem_cache *cachep,
				    enum mmlab_slab_stat item)
{
	this_cpu_inc(cachep->cpu_cache->stats[item]);
}

/* The @item events of @cachep so far, summed over the CPUs. */
static inline unsigned long mmlab_slab_stat(const struct mmlab_kmem_cache *cachep,
					    enum mmlab_slab_stat item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(cachep->cpu_cache, cpu)->stats[item]);
	return sum;
}

/* === kmalloc.c === */

int mmlab_kmalloc_init(void);
void mmlab_kmalloc_exit(void);
struct mmlab_kmem_cache *mmlab_kmalloc_slab(size_t size);
void *__mmlab_kmalloc(size_t size, gfp_t gfp, unsigned long caller);
void __mmlab_kfree(const void *objp, unsigned long caller);
extern struct mmlab_kmem_cache *mmlab_kmalloc_caches[];
extern atomic_long_t mmlab_kmalloc_large_nr;

/* === slab_debug.c === */

slab_flags_t mmlab_slab_debug_flags(slab_flags_t flags);
void mmlab_slab_debug_layout(struct mmlab_kmem_cache *cachep);
void mmlab_slab_debug_init_object(struct mmlab_kmem_cache *cachep, void *obj,
				  bool active);
bool mmlab_slab_debug_alloc(struct mmlab_kmem_cache *cachep,
			    struct mmlab_slab *slab, void *obj,
			    unsigned long caller);
bool mmlab_slab_debug_free(struct mmlab_kmem_cache *cachep,
			   struct mmlab_slab *slab, void *obj,
			   unsigned long caller);
void mmlab_slab_debug_set_track(struct mmlab_kmem_cache *cachep, void *obj,
				enum mmlab_track_item item, unsigned long addr);
struct mmlab_track *mmlab_slab_track(const struct mmlab_kmem_cache *cachep,
				     void *obj, enum mmlab_track_item item);
__printf(3, 4) void mmlab_slab_err(struct mmlab_kmem_cache *cachep,
				   const void *obj, const char *fmt, ...);
__printf(2, 3) void mmlab_slab_fix(struct mmlab_kmem_cache *cachep,
				   const char *fmt, ...);
bool mmlab_slab_check_object(struct mmlab_kmem_cache *cachep,
			     struct mmlab_slab *slab, void *obj, bool active);
void mmlab_slab_bad_free(const void *x, const char *why, unsigned long caller);
unsigned long mmlab_slab_foreign_frees(void);
void mmlab_slab_debug_param_init(void);

/* === slab_debugfs.c === */

void mmlab_slab_debugfs_init(struct dentry *root);
void mmlab_slab_debugfs_add(struct mmlab_kmem_cache *cachep);
void mmlab_slab_debugfs_del(struct mmlab_kmem_cache *cachep);
void mmlab_slab_debugfs_exit(void);
extern const struct mmlab_ctl_table mmlab_slab_ctl_table;

/* === validate.c === */

struct mmlab_validate;
void mmlab_validate_slab(struct mmlab_validate *v);

#endif /* _MMLAB_SLAB_H */
