// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's slab allocator: caches, slabs and per-CPU array caches, after the
 * kernel's SLAB (mm/slab.c of Linux 6.1), on pages of mmlab's buddy allocator.
 *
 * A slab is a block of 2^gfporder pages from mmlab_alloc_pages_owner(...,
 * MMLAB_OWNER_SLAB) holding num objects of one cache; the mmlab_page of its
 * head page points to its descriptor (struct mmlab_slab), so that any object
 * finds its slab and cache. Each slab sits on one of its cache's three lists,
 * slabs_full, slabs_partial or slabs_free, by the number of objects handed
 * out of it. In front of the lists each CPU has an array cache: allocations
 * pop from it, frees push to it, and it is refilled from and flushed to the
 * lists batchcount objects at a time (cache_alloc_refill(), cache_flusharray()).
 *
 * Locks, in the order they nest: mmlab_slab_mutex (create, destroy, shrink,
 * walks of the cache list), an array cache's lock (interrupts off), the
 * cache's list_lock. No lock is held while a slab is allocated or given back
 * (cache_grow(), slabs_destroy()), so that an off-slab freelist can come from
 * and go back to another cache.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/bitmap.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "buddy.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"
#include "slab.h"
#include "slab_trace.h"

/* === Data === */

const char *const mmlab_slab_list_names[MMLAB_NR_SLAB_LISTS] = {
	[MMLAB_SLABS_FULL]	= "full",
	[MMLAB_SLABS_PARTIAL]	= "partial",
	[MMLAB_SLABS_FREE]	= "free",
};

const char *const mmlab_slab_stat_names[MMLAB_NR_SLAB_STATS] = {
	[MMLAB_SLAB_ALLOC]	= "alloc",
	[MMLAB_SLAB_FREE]	= "free",
	[MMLAB_SLAB_ALLOC_HIT]	= "alloc_hit",
	[MMLAB_SLAB_FREE_HIT]	= "free_hit",
	[MMLAB_SLAB_REFILL]	= "refill",
	[MMLAB_SLAB_FLUSH]	= "flush",
	[MMLAB_SLAB_GROW]	= "grow",
	[MMLAB_SLAB_REAP]	= "reap",
	[MMLAB_SLAB_ERRORS]	= "errors",
	[MMLAB_SLAB_FAIL]	= "fail",
};

static_assert(ARRAY_SIZE(mmlab_slab_stat_names) == MMLAB_NR_SLAB_STATS);

LIST_HEAD(mmlab_slab_caches);
/* Serialises create, destroy, shrink, hotplug drains and cache walks. */
DEFINE_MUTEX(mmlab_slab_mutex);
/*
 * Taken (besides the mutex) to add or remove a cache: a list change is never
 * preempted half done, so validate's stop_machine() walk sees a whole list.
 */
static DEFINE_SPINLOCK(slab_caches_lock);

static void caches_add(struct mmlab_kmem_cache *cachep)
{
	spin_lock(&slab_caches_lock);
	list_add_tail(&cachep->list, &mmlab_slab_caches);
	spin_unlock(&slab_caches_lock);
}

static void caches_del(struct mmlab_kmem_cache *cachep)
{
	spin_lock(&slab_caches_lock);
	list_del(&cachep->list);
	spin_unlock(&slab_caches_lock);
}

static enum cpuhp_state slab_cpuhp_state;

/* === Internals: slabs and objects === */

/**
 * mmlab_virt_to_slab() - the slab holding an address, if it is an mmlab slab.
 * @x: any address (untrusted).
 * @large: set when @x is in a large kmalloc block (owner SLAB, no slab),
 *	then NULL is returned; may be NULL.
 *
 * Looks up the PFN in the pool; for a page inside a block, finds the block's
 * head among the naturally aligned PFNs below it.
 *
 * Return: the slab descriptor, or NULL if @x is not in an mmlab slab.
 */
struct mmlab_slab *mmlab_virt_to_slab(const void *x, bool *large)
{
	unsigned long pfn, head;
	struct mmlab_page *mp;
	unsigned int k;

	if (large)
		*large = false;
	if (!virt_addr_valid(x))
		return NULL;
	pfn = PHYS_PFN(__pa(x));
	mp = pfn_to_mpage(pfn);
	if (!mp)
		return NULL;
	head = pfn;
	for (k = 1; READ_ONCE(mp->state) == MMLAB_PAGE_TAIL; k++) {
		if (k >= MMLAB_MAX_ORDER)
			return NULL;
		head = pfn & ~((1UL << k) - 1);
		mp = pfn_to_mpage(head);
		if (!mp)
			return NULL;
	}
	/* Pairs with the buddy's release: order and owner are those of the block. */
	if (smp_load_acquire(&mp->state) != MMLAB_PAGE_ALLOC ||
	    mp->owner != MMLAB_OWNER_SLAB || pfn - head >= (1UL << mp->order))
		return NULL;
	if (!mp->private && large)
		*large = true;
	return (struct mmlab_slab *)mp->private;
}
EXPORT_SYMBOL_NS_GPL(mmlab_virt_to_slab, MMLAB_INTERNAL);

/**
 * mmlab_index_to_obj() - the address of object @idx of @slab.
 * @cachep: the slab's cache.
 * @slab: the slab.
 * @idx: 0 .. cachep->num - 1.
 *
 * Return: the object as its user sees it (after the left red zone).
 */
void *mmlab_index_to_obj(const struct mmlab_kmem_cache *cachep,
			 const struct mmlab_slab *slab, unsigned int idx)
{
	return slab->s_mem + cachep->size * idx + cachep->red_left_pad;
}
EXPORT_SYMBOL_NS_GPL(mmlab_index_to_obj, MMLAB_INTERNAL);

/**
 * mmlab_obj_to_index() - the index of an object in its slab.
 * @cachep: the slab's cache.
 * @slab: the slab.
 * @obj: an address inside the slab (as its user sees objects).
 *
 * Return: the index, or cachep->num if @obj is not the start of an object.
 */
unsigned int mmlab_obj_to_index(const struct mmlab_kmem_cache *cachep,
				const struct mmlab_slab *slab, const void *obj)
{
	const void *first = slab->s_mem + cachep->red_left_pad;
	unsigned long off;

	if (obj < first)
		return cachep->num;
	off = obj - first;
	if (off % cachep->size || off / cachep->size >= cachep->num)
		return cachep->num;
	return off / cachep->size;
}
EXPORT_SYMBOL_NS_GPL(mmlab_obj_to_index, MMLAB_INTERNAL);

/**
 * mmlab_slab_is_kmalloc() - whether a cache is one of the kmalloc caches.
 * @cachep: the cache.
 */
bool mmlab_slab_is_kmalloc(const struct mmlab_kmem_cache *cachep)
{
	return cachep->flags & MMLAB_CFLGS_KMALLOC;
}

/* Bytes of a slab descriptor with its object map of @num bits. */
static size_t slab_desc_size(unsigned int num)
{
	struct mmlab_slab *slab;

	return struct_size(slab, objmap, BITS_TO_LONGS(num));
}

/* Which list a slab with @active of @num objects handed out belongs on. */
static enum mmlab_slab_list slab_state(unsigned int active, unsigned int num)
{
	if (!active)
		return MMLAB_SLABS_FREE;
	return active == num ? MMLAB_SLABS_FULL : MMLAB_SLABS_PARTIAL;
}

/* Puts @slab on the list its active count says. Caller holds list_lock. */
static void slab_relist(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab)
{
	enum mmlab_slab_list l = slab_state(slab->active, cachep->num);

	if (l == slab->list)
		return;
	cachep->nr_slabs[slab->list]--;
	cachep->nr_slabs[l]++;
	slab->list = l;
	list_move(&slab->slab_list, &cachep->slabs[l]);
}

/* Takes the next free object of @slab. Caller holds list_lock. */
static void *slab_get_obj(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab)
{
	void *obj = mmlab_index_to_obj(cachep, slab, slab->freelist[slab->active]);

	slab->active++;
	cachep->free_objects--;
	return obj;
}

/* Gives object @idx back to @slab's freelist. Caller holds list_lock. */
static void slab_put_obj(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab,
			 unsigned int idx)
{
	slab->active--;
	slab->freelist[slab->active] = idx;
	cachep->free_objects++;
}

/*
 * Allocates and populates a slab (cache_grow_begin()): pages, freelist,
 * colour, objects initialised (debug state, constructor). No lock held; the
 * caller adds the slab to the lists with cache_grow_end().
 */
static struct mmlab_slab *cache_grow(struct mmlab_kmem_cache *cachep, gfp_t gfp)
{
	struct mmlab_slab *slab;
	unsigned long flags;
	unsigned int offset, i;
	struct page *page;
	void *addr;

	gfp &= ~(__GFP_ZERO | __GFP_COMP);
	slab = kzalloc(slab_desc_size(cachep->num),
		       (gfp & __GFP_DIRECT_RECLAIM ? GFP_KERNEL : GFP_ATOMIC) |
		       __GFP_NOWARN);
	if (!slab)
		return NULL;
	page = mmlab_alloc_pages_owner(gfp, cachep->gfporder, MMLAB_OWNER_SLAB);
	if (!page)
		goto err_desc;
	addr = page_address(page);

	spin_lock_irqsave(&cachep->list_lock, flags);
	offset = cachep->colour_next;
	if (++cachep->colour_next >= cachep->colour)
		cachep->colour_next = 0;
	spin_unlock_irqrestore(&cachep->list_lock, flags);
	offset *= cachep->colour_off;

	if (cachep->flags & MMLAB_CFLGS_OFF_SLAB) {
		slab->freelist = mmlab_kmalloc(cachep->freelist_size, gfp);
		if (!slab->freelist)
			goto err_pages;
	} else {
		/* The last bytes of the slab, as alloc_slabmgmt(). */
		slab->freelist = addr + (PAGE_SIZE << cachep->gfporder) -
				 cachep->freelist_size;
	}
	INIT_LIST_HEAD(&slab->slab_list);
	slab->cache = cachep;
	slab->page = page;
	slab->pfn = page_to_pfn(page);
	slab->s_mem = addr + offset;
	slab->colour_off = offset;
	slab->active = 0;
	slab->list = MMLAB_SLABS_FREE;

	/* cache_init_objs(): debug state first, then the constructor. */
	for (i = 0; i < cachep->num; i++) {
		void *obj = mmlab_index_to_obj(cachep, slab, i);

		mmlab_slab_debug_init_object(cachep, obj, false);
		if (cachep->ctor)
			cachep->ctor(obj);
		slab->freelist[i] = i;
	}

	/* Publish: from now on kfree() finds the slab through the page. */
	pfn_to_mpage(slab->pfn)->private = (unsigned long)slab;
	mmlab_slab_count(cachep, MMLAB_SLAB_GROW);
	trace_mmlab_slab_grow(cachep->name, slab->pfn, cachep->gfporder, offset);
	return slab;

err_pages:
	mmlab_free_pages_owner(page, cachep->gfporder, MMLAB_OWNER_SLAB);
err_desc:
	kfree(slab);
	return NULL;
}

/* Adds a grown slab to slabs_free (cache_grow_end()). */
static void cache_grow_end(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab)
{
	unsigned long flags;

	spin_lock_irqsave(&cachep->list_lock, flags);
	list_add_tail(&slab->slab_list, &cachep->slabs[MMLAB_SLABS_FREE]);
	cachep->nr_slabs[MMLAB_SLABS_FREE]++;
	cachep->free_objects += cachep->num;
	spin_unlock_irqrestore(&cachep->list_lock, flags);
}

/* Gives a slab off every list back to the buddy allocator. No lock held. */
static void slab_destroy(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab)
{
	struct mmlab_page *mp = pfn_to_mpage(slab->pfn);

	trace_mmlab_slab_shrink(cachep->name, slab->pfn, cachep->gfporder,
				slab->colour_off);
	mp->private = 0;
	if (cachep->flags & MMLAB_CFLGS_OFF_SLAB)
		mmlab_kfree(slab->freelist);
	mmlab_free_pages_owner(slab->page, cachep->gfporder, MMLAB_OWNER_SLAB);
	mmlab_slab_count(cachep, MMLAB_SLAB_REAP);
	kfree(slab);
}

static void slabs_destroy(struct mmlab_kmem_cache *cachep, struct list_head *list)
{
	struct mmlab_slab *slab, *n;

	list_for_each_entry_safe(slab, n, list, slab_list) {
		list_del(&slab->slab_list);
		slab_destroy(cachep, slab);
	}
}

/*
 * Takes slabs of slabs_free off the lists while more than @keep objects are
 * free, onto @list for slabs_destroy(). Caller holds list_lock.
 */
static void take_free_slabs(struct mmlab_kmem_cache *cachep, unsigned long keep,
			    struct list_head *list)
{
	struct mmlab_slab *slab;

	while (cachep->free_objects > keep &&
	       !list_empty(&cachep->slabs[MMLAB_SLABS_FREE])) {
		slab = list_last_entry(&cachep->slabs[MMLAB_SLABS_FREE],
				       struct mmlab_slab, slab_list);
		list_move(&slab->slab_list, list);
		cachep->nr_slabs[MMLAB_SLABS_FREE]--;
		cachep->free_objects -= cachep->num;
	}
}

/*
 * Returns @nr objects, of the slabs @slabpp, to those slabs (free_block());
 * free slabs beyond the cache's free_limit go to @list. Caller holds
 * list_lock.
 */
static void free_block(struct mmlab_kmem_cache *cachep, void **objpp,
		       struct mmlab_slab **slabpp, unsigned int nr,
		       struct list_head *list)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct mmlab_slab *slab = slabpp[i];

		slab_put_obj(cachep, slab, mmlab_obj_to_index(cachep, slab, objpp[i]));
		slab_relist(cachep, slab);
	}
	take_free_slabs(cachep, cachep->free_limit, list);
}

/* === Internals: array caches === */

/*
 * The slab of each object of @ac, after its @limit entries: an object in an
 * array cache was handed out of its slab by mmlab itself, which cannot be
 * given back while the object is out, so the allocation that pops it needs
 * no lookup of its slab.
 */
static struct mmlab_slab **ac_slabs(struct mmlab_array_cache *ac)
{
	return (struct mmlab_slab **)&ac->entry[ac->limit];
}

/*
 * Fills @ac with up to batchcount objects from slabs_partial, then
 * slabs_free (cache_alloc_refill() without the grow). Caller holds ac->lock.
 * Return: objects moved.
 */
static unsigned int transfer_objects(struct mmlab_kmem_cache *cachep,
				     struct mmlab_array_cache *ac)
{
	unsigned int batch = min(ac->batchcount, ac->limit - ac->avail);
	unsigned int moved = 0;
	struct mmlab_slab *slab;

	spin_lock(&cachep->list_lock);
	while (moved < batch) {
		slab = list_first_entry_or_null(&cachep->slabs[MMLAB_SLABS_PARTIAL],
						struct mmlab_slab, slab_list);
		if (!slab)
			slab = list_first_entry_or_null(&cachep->slabs[MMLAB_SLABS_FREE],
							struct mmlab_slab, slab_list);
		if (!slab)
			break;
		while (slab->active < cachep->num && moved < batch) {
			ac_slabs(ac)[ac->avail] = slab;
			ac->entry[ac->avail++] = slab_get_obj(cachep, slab);
			moved++;
		}
		slab_relist(cachep, slab);
	}
	spin_unlock(&cachep->list_lock);
	return moved;
}

/*
 * Moves the batchcount oldest objects of @ac back to their slabs
 * (cache_flusharray()). Caller holds ac->lock; free slabs to give back are
 * put on @list for slabs_destroy() once every lock is dropped.
 */
static void cache_flusharray(struct mmlab_kmem_cache *cachep,
			     struct mmlab_array_cache *ac, int cpu,
			     struct list_head *list)
{
	unsigned int batch = min(ac->batchcount, ac->avail);

	spin_lock(&cachep->list_lock);
	free_block(cachep, ac->entry, ac_slabs(ac), batch, list);
	spin_unlock(&cachep->list_lock);
	ac->avail -= batch;
	memmove(ac->entry, &ac->entry[batch], sizeof(void *) * ac->avail);
	memmove(ac_slabs(ac), &ac_slabs(ac)[batch], sizeof(void *) * ac->avail);
	mmlab_slab_count(cachep, MMLAB_SLAB_FLUSH);
	trace_mmlab_slab_flush(cachep->name, cpu, batch, ac->avail);
}

/* Empties @cpu's array cache into the slabs; slabs to give back go to @list. */
static void drain_array(struct mmlab_kmem_cache *cachep, int cpu,
			struct list_head *list)
{
	struct mmlab_array_cache *ac = per_cpu_ptr(cachep->cpu_cache, cpu);
	unsigned long flags;

	spin_lock_irqsave(&ac->lock, flags);
	if (ac->avail) {
		spin_lock(&cachep->list_lock);
		free_block(cachep, ac->entry, ac_slabs(ac), ac->avail, list);
		spin_unlock(&cachep->list_lock);
		trace_mmlab_slab_flush(cachep->name, cpu, ac->avail, 0);
		mmlab_slab_count(cachep, MMLAB_SLAB_FLUSH);
		ac->avail = 0;
	}
	ac->touched = 0;
	spin_unlock_irqrestore(&ac->lock, flags);
}

/* === Internals: allocation and free === */

/*
 * Marks @obj, the object @ac just gave up, allocated to a caller in its
 * slab's object map. Called with the array cache's lock held, so that
 * validate (in stop_machine()) always finds an object handed out of a slab
 * either in an array or in the map. Return: the slab, for the debug hooks.
 */
static struct mmlab_slab *mark_allocated(struct mmlab_kmem_cache *cachep,
					 struct mmlab_array_cache *ac, void *obj)
{
	struct mmlab_slab *slab = ac_slabs(ac)[ac->avail];

	set_bit(mmlab_obj_to_index(cachep, slab, obj), slab->objmap);
	return slab;
}

/*
 * Pops an object from this CPU's array cache, refilling it from the lists
 * and growing the cache when they are empty (____cache_alloc() and
 * cache_alloc_refill()). Return: the object (not yet handed to debug), its
 * slab in *@slabp; or NULL.
 */
static void *cache_alloc(struct mmlab_kmem_cache *cachep, gfp_t gfp,
			 struct mmlab_slab **slabp)
{
	struct mmlab_array_cache *ac;
	struct mmlab_slab *slab;
	unsigned long flags;
	unsigned int moved;
	void *obj;

	for (;;) {
		local_irq_save(flags);
		ac = this_cpu_ptr(cachep->cpu_cache);
		spin_lock(&ac->lock);
		if (ac->avail) {
			ac->touched = 1;
			obj = ac->entry[--ac->avail];
			*slabp = mark_allocated(cachep, ac, obj);
			spin_unlock(&ac->lock);
			local_irq_restore(flags);
			mmlab_slab_count(cachep, MMLAB_SLAB_ALLOC_HIT);
			return obj;
		}
		moved = transfer_objects(cachep, ac);
		if (moved) {
			trace_mmlab_slab_refill(cachep->name, smp_processor_id(),
						moved, ac->avail);
			ac->touched = 1;
			obj = ac->entry[--ac->avail];
			*slabp = mark_allocated(cachep, ac, obj);
			spin_unlock(&ac->lock);
			local_irq_restore(flags);
			mmlab_slab_count(cachep, MMLAB_SLAB_REFILL);
			return obj;
		}
		spin_unlock(&ac->lock);
		local_irq_restore(flags);

		slab = cache_grow(cachep, gfp);
		if (!slab)
			return NULL;
		cache_grow_end(cachep, slab);
	}
}

/*
 * Takes @obj (object @idx of @slab) back from its caller and pushes it on
 * this CPU's array cache, flushing a batch when the array is full. The
 * object map is cleared, and the debug checks run, under the array's lock:
 * of two concurrent frees of one object exactly one finds its bit set.
 */
static void cache_free(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab,
		       unsigned int idx, void *obj, unsigned long caller)
{
	struct mmlab_array_cache *ac;
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	ac = this_cpu_ptr(cachep->cpu_cache);
	spin_lock(&ac->lock);
	if (!test_and_clear_bit(idx, slab->objmap)) {
		spin_unlock(&ac->lock);
		local_irq_restore(flags);
		mmlab_slab_err(cachep, obj, "Object already free (double free by %pS)",
			       (void *)caller);
		return;
	}
	mmlab_slab_debug_free(cachep, slab, obj, caller);
	if (ac->avail < ac->limit)
		mmlab_slab_count(cachep, MMLAB_SLAB_FREE_HIT);
	else
		cache_flusharray(cachep, ac, smp_processor_id(), &list);
	ac_slabs(ac)[ac->avail] = slab;
	ac->entry[ac->avail++] = obj;
	spin_unlock(&ac->lock);
	local_irq_restore(flags);
	mmlab_slab_count(cachep, MMLAB_SLAB_FREE);
	trace_mmlab_kmem_cache_free(cachep->name, caller, obj);
	slabs_destroy(cachep, &list);
}

/**
 * __mmlab_kmem_cache_alloc() - allocate an object, with the caller to record.
 * @cachep: the cache.
 * @gfp: GFP flags (__GFP_ZERO zeroes the object).
 * @caller: the caller for the owner track and the tracepoint.
 *
 * Return: the object, or NULL.
 */
void *__mmlab_kmem_cache_alloc(struct mmlab_kmem_cache *cachep, gfp_t gfp,
			       unsigned long caller)
{
	struct mmlab_slab *slab;
	void *obj;

	/* should_failslab() of slab_pre_alloc_hook(): before any work. */
	obj = mmlab_should_fail(&mmlab_failslab, cachep->object_size) ?
	      NULL : cache_alloc(cachep, gfp, &slab);
	if (!obj) {
		mmlab_slab_count(cachep, MMLAB_SLAB_FAIL);
		return NULL;
	}
	mmlab_slab_debug_alloc(cachep, slab, obj, caller);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, cachep->object_size);
	mmlab_slab_count(cachep, MMLAB_SLAB_ALLOC);
	trace_mmlab_kmem_cache_alloc(cachep->name, caller, obj,
				     cachep->object_size, cachep->size, gfp);
	return obj;
}
EXPORT_SYMBOL_NS_GPL(__mmlab_kmem_cache_alloc, MMLAB_INTERNAL);

/**
 * __mmlab_kmem_cache_free() - free an object, checking it first.
 * @cachep: the cache it must belong to, or NULL for the cache of its slab
 *	(kfree).
 * @obj: the object (untrusted).
 * @caller: the caller, for reports and the owner track.
 *
 * A pointer that is not an object of an mmlab slab, an object of another
 * cache, a pointer into the middle of an object and an object that is not
 * allocated (a double free) are reported, counted and left alone.
 */
void __mmlab_kmem_cache_free(struct mmlab_kmem_cache *cachep, const void *obj,
			     unsigned long caller)
{
	struct mmlab_slab *slab;

	slab = mmlab_virt_to_slab(obj, NULL);
	if (!slab) {
		mmlab_slab_bad_free(obj, "not an object of an mmlab slab", caller);
		return;
	}
	__mmlab_slab_free(cachep, slab, obj, caller);
}
EXPORT_SYMBOL_NS_GPL(__mmlab_kmem_cache_free, MMLAB_INTERNAL);

/**
 * __mmlab_slab_free() - free an object whose slab was looked up already.
 * @cachep: as for __mmlab_kmem_cache_free().
 * @slab: mmlab_virt_to_slab() of @obj, not NULL.
 * @obj: the object (untrusted beyond being in @slab).
 * @caller: the caller.
 *
 * The checks of __mmlab_kmem_cache_free() after the lookup, for kfree(),
 * which looked up the slab to tell a slab object from a large block.
 */
void __mmlab_slab_free(struct mmlab_kmem_cache *cachep, struct mmlab_slab *slab,
		       const void *obj, unsigned long caller)
{
	struct mmlab_kmem_cache *s = slab->cache;
	void *x = (void *)obj;
	unsigned int idx;

	if (cachep && s != cachep) {
		mmlab_slab_err(cachep, NULL,
			       "Wrong slab cache. %s but object is from %s (%pS)",
			       cachep->name, s->name, (void *)caller);
		return;
	}
	idx = mmlab_obj_to_index(s, slab, obj);
	if (idx >= s->num) {
		mmlab_slab_err(s, NULL, "Invalid object pointer 0x%p freed by %pS",
			       obj, (void *)caller);
		return;
	}
	cache_free(s, slab, idx, x, caller);
}

/* === Internals: sizing === */

/* Objects of @size in a slab of @order, and the bytes left (cache_estimate()). */
static unsigned int cache_estimate(unsigned int order, unsigned int size,
				   bool off_slab, unsigned int *left_over)
{
	size_t slab_size = PAGE_SIZE << order;
	unsigned int per = size + (off_slab ? 0 : sizeof(mmlab_freelist_idx_t));
	unsigned int num = slab_size / per;

	*left_over = slab_size - num * per;
	return num;
}

/*
 * Picks the slab order (calculate_slab_order()): the smallest order whose
 * leftover is at most 1/8 of the slab, up to MMLAB_SLAB_MAX_ORDER (or the
 * first order that holds one object). An off-slab freelist must come from a
 * kmalloc cache that is itself on-slab and at most half the object size.
 * Sets num and gfporder; returns the leftover bytes.
 */
static unsigned int calculate_slab_order(struct mmlab_kmem_cache *cachep,
					 unsigned int size, bool off_slab)
{
	unsigned int left_over = 0, order;

	cachep->num = 0;
	for (order = 0; order <= MMLAB_SLAB_MAX_ORDER_HARD; order++) {
		unsigned int num, remainder;

		num = cache_estimate(order, size, off_slab, &remainder);
		if (!num)
			continue;
		if (num > MMLAB_SLAB_OBJ_MAX_NUM)
			break;
		if (off_slab) {
			size_t fl = num * sizeof(mmlab_freelist_idx_t);
			struct mmlab_kmem_cache *flc = mmlab_kmalloc_slab(fl);

			if (!flc || (flc->flags & MMLAB_CFLGS_OFF_SLAB) ||
			    flc->size > size / 2)
				continue;
		}
		cachep->num = num;
		cachep->gfporder = order;
		left_over = remainder;
		if (order >= MMLAB_SLAB_MAX_ORDER)
			break;
		if (left_over * 8 <= (PAGE_SIZE << order))
			break;
	}
	return left_over;
}

/*
 * Chooses on- or off-slab management, then order and colours
 * (set_off_slab_cache() and set_on_slab_cache()). Return: false if no slab
 * order fits an object.
 */
static bool cache_sizing(struct mmlab_kmem_cache *cachep)
{
	unsigned int left;

	if (cachep->size >= MMLAB_OFF_SLAB_MIN_SIZE) {
		left = calculate_slab_order(cachep, cachep->size, true);
		/* Enough room on the slab for the freelist: keep it there. */
		if (cachep->num &&
		    left < cachep->num * sizeof(mmlab_freelist_idx_t)) {
			cachep->flags |= MMLAB_CFLGS_OFF_SLAB;
			goto done;
		}
	}
	left = calculate_slab_order(cachep, cachep->size, false);
	if (!cachep->num)
		return false;
done:
	cachep->freelist_size = cachep->num * sizeof(mmlab_freelist_idx_t);
	cachep->colour_off = max_t(unsigned int, MMLAB_SLAB_COLOUR_OFF, cachep->align);
	cachep->colour = left / cachep->colour_off;
	return true;
}

/* Array cache limit and batch (enable_cpucache()). */
static void cache_tunables(struct mmlab_kmem_cache *cachep)
{
	unsigned int limit;

	if (cachep->size > 131072)
		limit = 1;
	else if (cachep->size > PAGE_SIZE)
		limit = 8;
	else if (cachep->size > 1024)
		limit = 24;
	else if (cachep->size > 256)
		limit = 54;
	else
		limit = 120;
	/* Debug checks run with interrupts off: shorter batches. */
	if ((cachep->flags & MMLAB_SLAB_DEBUG_FLAGS) && limit > 32)
		limit = 32;
	cachep->limit = limit;
	cachep->batchcount = (limit + 1) / 2;
	cachep->free_limit = (1 + num_possible_cpus()) * cachep->batchcount +
			     cachep->num;
}

static int alloc_cpu_caches(struct mmlab_kmem_cache *cachep)
{
	/* The objects, then their slabs (ac_slabs()). */
	size_t size = struct_size_t(struct mmlab_array_cache, entry, 2 * cachep->limit);
	int cpu;

	/* failslab covers the cache's own metadata too, as the kernel's. */
	if (mmlab_should_fail(&mmlab_failslab, size))
		return -ENOMEM;
	cachep->cpu_cache = __alloc_percpu(size, __alignof__(struct mmlab_array_cache));
	if (!cachep->cpu_cache)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct mmlab_array_cache *ac = per_cpu_ptr(cachep->cpu_cache, cpu);

		spin_lock_init(&ac->lock);
		ac->avail = 0;
		ac->limit = cachep->limit;
		ac->batchcount = cachep->batchcount;
		ac->touched = 0;
	}
	return 0;
}

/* === Public interface === */

/**
 * mmlab_find_cache() - the cache with a name.
 * @name: its name.
 *
 * Caller holds mmlab_slab_mutex. Return: the cache, or NULL.
 */
struct mmlab_kmem_cache *mmlab_find_cache(const char *name)
{
	struct mmlab_kmem_cache *c;

	lockdep_assert_held(&mmlab_slab_mutex);
	list_for_each_entry(c, &mmlab_slab_caches, list)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(mmlab_find_cache, MMLAB_INTERNAL);

/**
 * __mmlab_kmem_cache_create() - create a cache, mmlab_slab_mutex held.
 * @name: see mmlab_kmem_cache_create().
 * @size: object size.
 * @align: alignment.
 * @flags: SLAB_* flags (and MMLAB_CFLGS_KMALLOC for the kmalloc caches).
 * @ctor: constructor or NULL.
 *
 * Return: the cache, or an ERR_PTR(): -EINVAL for a bad name, size or
 * alignment, -EEXIST for a name in use, -ENOMEM.
 */
struct mmlab_kmem_cache *__mmlab_kmem_cache_create(const char *name,
						   unsigned int size,
						   unsigned int align,
						   slab_flags_t flags,
						   void (*ctor)(void *))
{
	struct mmlab_kmem_cache *cachep;
	unsigned int i;

	lockdep_assert_held(&mmlab_slab_mutex);
	if (!name || !*name || strlen(name) > MMLAB_CACHE_NAME_MAX ||
	    !size || size > (PAGE_SIZE << MMLAB_SLAB_MAX_ORDER_HARD) ||
	    (align && !is_power_of_2(align)) ||
	    (align > PAGE_SIZE && !(flags & MMLAB_CFLGS_KMALLOC)))
		return ERR_PTR(-EINVAL);
	if (mmlab_find_cache(name))
		return ERR_PTR(-EEXIST);

	if (mmlab_should_fail(&mmlab_failslab, sizeof(*cachep)))
		return ERR_PTR(-ENOMEM);
	cachep = kzalloc(sizeof(*cachep), GFP_KERNEL);
	if (!cachep)
		return ERR_PTR(-ENOMEM);
	strscpy(cachep->name, name, sizeof(cachep->name));
	cachep->object_size = size;
	cachep->ctor = ctor;
	cachep->flags = flags & (MMLAB_SLAB_FLAGS | MMLAB_CFLGS_KMALLOC |
				 MMLAB_CFLGS_CONTROL);
	cachep->flags = mmlab_slab_debug_flags(cachep->flags);
	/* calculate_alignment(): a cache line for HWCACHE_ALIGN, at least a word. */
	if ((flags & SLAB_HWCACHE_ALIGN) && size > L1_CACHE_BYTES / 2)
		align = max_t(unsigned int, align, L1_CACHE_BYTES);
	cachep->align = ALIGN(max_t(unsigned int, align, sizeof(void *)),
			      sizeof(void *));
	mmlab_slab_debug_layout(cachep);
	if (!cache_sizing(cachep)) {
		kfree(cachep);
		return ERR_PTR(-EINVAL);
	}
	cache_tunables(cachep);
	spin_lock_init(&cachep->list_lock);
	for (i = 0; i < MMLAB_NR_SLAB_LISTS; i++)
		INIT_LIST_HEAD(&cachep->slabs[i]);
	if (alloc_cpu_caches(cachep)) {
		kfree(cachep);
		return ERR_PTR(-ENOMEM);
	}
	caches_add(cachep);
	mmlab_slab_debugfs_add(cachep);
	return cachep;
}

/**
 * mmlab_kmem_cache_create() - create a cache of objects of one size.
 * @name: its name, 1 to 31 characters, unique among mmlab's caches.
 * @size: bytes per object, 1 to 128 KiB.
 * @align: alignment (a power of two up to PAGE_SIZE), or 0.
 * @flags: SLAB_HWCACHE_ALIGN and the debug flags SLAB_RED_ZONE,
 *	SLAB_POISON, SLAB_STORE_USER, SLAB_CONSISTENCY_CHECKS (others are
 *	ignored); the slab_debug module parameter adds its flags.
 * @ctor: a constructor run on each object when a slab is populated, or NULL.
 *
 * Context: process context (sleeps).
 * Return: the cache, or NULL.
 */
struct mmlab_kmem_cache *mmlab_kmem_cache_create(const char *name,
						 unsigned int size,
						 unsigned int align,
						 slab_flags_t flags,
						 void (*ctor)(void *))
{
	struct mmlab_kmem_cache *cachep;

	mutex_lock(&mmlab_slab_mutex);
	cachep = __mmlab_kmem_cache_create(name, size, align,
					   flags & MMLAB_SLAB_FLAGS, ctor);
	mutex_unlock(&mmlab_slab_mutex);
	if (IS_ERR(cachep)) {
		pr_info("cache_create %s: error %ld\n", name ? name : "(null)",
			PTR_ERR(cachep));
		return NULL;
	}
	return cachep;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_create);

/**
 * mmlab_kmem_cache_alloc() - allocate an object of a cache.
 * @cachep: the cache.
 * @gfp: GFP flags; __GFP_ZERO zeroes the object.
 *
 * Context: any context (mmlab never sleeps to allocate).
 * Return: the object, or NULL.
 */
void *mmlab_kmem_cache_alloc(struct mmlab_kmem_cache *cachep, gfp_t gfp)
{
	return __mmlab_kmem_cache_alloc(cachep, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_alloc);

/**
 * mmlab_kmem_cache_free() - free an object of a cache.
 * @cachep: the cache it was allocated from.
 * @obj: the object.
 *
 * Bad frees are reported in slub_debug style, counted, and ignored.
 */
void mmlab_kmem_cache_free(struct mmlab_kmem_cache *cachep, void *obj)
{
	if (unlikely(ZERO_OR_NULL_PTR(obj)))
		return;
	__mmlab_kmem_cache_free(cachep, obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_free);

/**
 * mmlab_kmem_cache_drain() - empty every CPU's array cache of a cache.
 * @cachep: the cache.
 *
 * The objects go back to their slabs (drain_cpu_caches()); free slabs
 * beyond the cache's free_limit go back to the buddy allocator.
 * Context: process context.
 */
void mmlab_kmem_cache_drain(struct mmlab_kmem_cache *cachep)
{
	LIST_HEAD(list);
	int cpu;

	for_each_possible_cpu(cpu)
		drain_array(cachep, cpu, &list);
	slabs_destroy(cachep, &list);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_drain);

/**
 * mmlab_slab_relist_all() - move every slab to the list its count says.
 * @cachep: the cache, after its counts were repaired.
 */
void mmlab_slab_relist_all(struct mmlab_kmem_cache *cachep)
{
	struct mmlab_slab *slab, *n;
	unsigned long flags;
	LIST_HEAD(all);
	unsigned int l;

	spin_lock_irqsave(&cachep->list_lock, flags);
	for (l = 0; l < MMLAB_NR_SLAB_LISTS; l++)
		list_for_each_entry_safe(slab, n, &cachep->slabs[l], slab_list)
			list_move_tail(&slab->slab_list, &all);
	list_for_each_entry_safe(slab, n, &all, slab_list) {
		list_move_tail(&slab->slab_list, &cachep->slabs[slab->list]);
		slab_relist(cachep, slab);
	}
	spin_unlock_irqrestore(&cachep->list_lock, flags);
}

/* Drains every CPU's array cache and frees every free slab; mutex held. */
static int __cache_shrink(struct mmlab_kmem_cache *cachep)
{
	unsigned long flags;
	LIST_HEAD(list);
	int cpu, ret;

	lockdep_assert_held(&mmlab_slab_mutex);
	for_each_possible_cpu(cpu)
		drain_array(cachep, cpu, &list);
	spin_lock_irqsave(&cachep->list_lock, flags);
	take_free_slabs(cachep, 0, &list);
	ret = cachep->nr_slabs[MMLAB_SLABS_FULL] ||
	      cachep->nr_slabs[MMLAB_SLABS_PARTIAL];
	spin_unlock_irqrestore(&cachep->list_lock, flags);
	slabs_destroy(cachep, &list);
	return ret;
}

/**
 * mmlab_kmem_cache_shrink() - give a cache's free slabs back to the buddy.
 * @cachep: the cache.
 *
 * Drains the per-CPU array caches first, so that every slab whose objects
 * all came back becomes free.
 *
 * Context: process context. Return: 0 if the cache holds no slab any more,
 * 1 if some objects are still allocated (as the kernel's SLAB).
 */
int mmlab_kmem_cache_shrink(struct mmlab_kmem_cache *cachep)
{
	int ret;

	mutex_lock(&mmlab_slab_mutex);
	ret = __cache_shrink(cachep);
	mutex_unlock(&mmlab_slab_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_shrink);

/**
 * mmlab_kmem_cache_shrink_all() - shrink every cache.
 *
 * Return: slabs given back to the buddy allocator.
 */
unsigned long mmlab_kmem_cache_shrink_all(void)
{
	struct mmlab_kmem_cache *c;
	unsigned long before = 0, after = 0;

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(c, &mmlab_slab_caches, list) {
		before += mmlab_slab_stat(c, MMLAB_SLAB_REAP);
		__cache_shrink(c);
		after += mmlab_slab_stat(c, MMLAB_SLAB_REAP);
	}
	mutex_unlock(&mmlab_slab_mutex);
	return after - before;
}
EXPORT_SYMBOL_NS_GPL(mmlab_kmem_cache_shrink_all, MMLAB_INTERNAL);

/*
 * Gives back every slab of a cache, allocated objects or not (unload), and
 * frees the cache. Mutex held; the cache is off the list.
 */
static void cache_free_all(struct mmlab_kmem_cache *cachep)
{
	unsigned long held = 0;
	LIST_HEAD(list);
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu)
		drain_array(cachep, cpu, &list);
	slabs_destroy(cachep, &list);
	for (i = 0; i < MMLAB_NR_SLAB_LISTS; i++) {
		struct mmlab_slab *slab, *n;

		list_for_each_entry_safe(slab, n, &cachep->slabs[i], slab_list) {
			held += slab->active;
			list_del(&slab->slab_list);
			slab_destroy(cachep, slab);
		}
	}
	if (held)
		pr_warn("cache %s: %lu objects still allocated, reclaimed with their slabs\n",
			cachep->name, held);
	mmlab_slab_debugfs_del(cachep);
	free_percpu(cachep->cpu_cache);
	kfree(cachep);
}

/**
 * __mmlab_kmem_cache_destroy() - destroy a cache, mmlab_slab_mutex held.
 * @cachep: the cache.
 *
 * Return: 0, or -EBUSY (the cache is left as it is) if objects are still
 * allocated.
 */
int __mmlab_kmem_cache_destroy(struct mmlab_kmem_cache *cachep)
{
	lockdep_assert_held(&mmlab_slab_mutex);
	if (__cache_shrink(cachep)) {
		pr_err("cache_destroy %s: slab cache still has objects\n",
		       cachep->name);
		return -EBUSY;
	}
	caches_del(cachep);
	cache_free_all(cachep);
	return 0;
}

/**
 * mmlab_kmem_cache_destroy() - destroy a cache whose objects are all freed.
 * @cachep: the cache, or NULL.
 *
 * A cache that still has objects is reported and left alone, as the kernel
 * does (without its WARN).
 */
void mmlab_kmem_cache_destroy(struct mmlab_kmem_cache *cachep)
{
	if (!cachep)
		return;
	mutex_lock(&mmlab_slab_mutex);
	if (mmlab_slab_is_kmalloc(cachep))
		pr_err("cache_destroy %s: a kmalloc cache\n", cachep->name);
	else
		__mmlab_kmem_cache_destroy(cachep);
	mutex_unlock(&mmlab_slab_mutex);
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_destroy);

/**
 * mmlab_kmem_cache_size() - the object size of a cache.
 * @cachep: the cache.
 */
unsigned int mmlab_kmem_cache_size(struct mmlab_kmem_cache *cachep)
{
	return cachep->object_size;
}
EXPORT_SYMBOL_GPL(mmlab_kmem_cache_size);

/**
 * mmlab_slab_total_errors() - errors reported over every cache and bad frees.
 */
unsigned long mmlab_slab_total_errors(void)
{
	struct mmlab_kmem_cache *c;
	unsigned long n = mmlab_slab_foreign_frees();

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(c, &mmlab_slab_caches, list)
		n += mmlab_slab_stat(c, MMLAB_SLAB_ERRORS);
	mutex_unlock(&mmlab_slab_mutex);
	return n;
}
EXPORT_SYMBOL_NS_GPL(mmlab_slab_total_errors, MMLAB_INTERNAL);

/* === CPU hotplug === */

/* A CPU is dead: give its array caches back to the slabs (cpuup_canceled()). */
static int slab_cpu_dead(unsigned int cpu)
{
	struct mmlab_kmem_cache *c;
	LIST_HEAD(list);

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(c, &mmlab_slab_caches, list) {
		drain_array(c, cpu, &list);
		slabs_destroy(c, &list);
	}
	mutex_unlock(&mmlab_slab_mutex);
	return 0;
}

/* === Load and unload === */

/**
 * mmlab_slab_init() - the kmalloc caches and the CPU hotplug callback.
 *
 * Return: 0 or an error (then nothing is left behind).
 */
int mmlab_slab_init(void)
{
	int ret;

	mmlab_slab_debug_param_init();
	ret = mmlab_kmalloc_init();
	if (ret)
		goto err;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mmlab/slab:dead",
					NULL, slab_cpu_dead);
	if (ret < 0)
		goto err;
	slab_cpuhp_state = ret;
	return 0;
err:
	mmlab_slab_exit_caches();
	return ret;
}

/**
 * mmlab_slab_exit_caches() - destroy every cache, kmalloc caches last.
 *
 * Objects other modules still hold are reclaimed with their slabs (and
 * reported with pr_warn()).
 */
void mmlab_slab_exit_caches(void)
{
	struct mmlab_kmem_cache *c, *n;

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry_safe_reverse(c, n, &mmlab_slab_caches, list) {
		if (mmlab_slab_is_kmalloc(c))
			continue;
		caches_del(c);
		cache_free_all(c);
	}
	/* Off-slab freelists live in small kmalloc caches: larger ones first. */
	list_for_each_entry_safe_reverse(c, n, &mmlab_slab_caches, list) {
		if (c->flags & MMLAB_CFLGS_OFF_SLAB) {
			list_del(&c->list);
			cache_free_all(c);
		}
	}
	list_for_each_entry_safe_reverse(c, n, &mmlab_slab_caches, list) {
		caches_del(c);
		cache_free_all(c);
	}
	mutex_unlock(&mmlab_slab_mutex);
	mmlab_kmalloc_exit();
}

/**
 * mmlab_slab_exit() - unload: stop watching hotplug, destroy every cache.
 */
void mmlab_slab_exit(void)
{
	cpuhp_remove_state_nocalls(slab_cpuhp_state);
	mmlab_slab_exit_caches();
}
