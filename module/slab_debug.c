// SPDX-License-Identifier: GPL-2.0
/*
 * Debug options of mmlab's slab allocator: red zones, poisoning, the owner
 * track, the reports of corruption and bad frees (in the style of slub_debug)
 * and the checkers (a cache's validate, and the slab part of `validate`).
 *
 * The options are the kernel's SLAB_* flags, per cache at create time or for
 * every cache by the slab_debug module parameter (slub_debug's letters). The
 * poison and red zone values are the kernel's (include/linux/poison.h):
 * POISON_FREE and POISON_END in free objects, SLUB_RED_ACTIVE and
 * SLUB_RED_INACTIVE in the red zones. Every report and every fix counts one
 * error in the cache's "errors" counter, as slab_add_kunit_errors() counts
 * them for lib/slub_kunit.c.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "mmlab.h"
#include "pool.h"
#include "slab.h"
#include "validate.h"

/* === Data === */

static char *slab_debug;
module_param(slab_debug, charp, 0444);
MODULE_PARM_DESC(slab_debug,
		 "Debug options of every mmlab cache, slub_debug's letters: F consistency checks, Z red zones, P poisoning, U owner track; empty: none (default)");

/* Flags the slab_debug parameter adds to every cache. */
static slab_flags_t param_flags;

/* Frees of pointers that are no mmlab object, over all caches. */
static atomic_long_t foreign_frees = ATOMIC_LONG_INIT(0);

/* Bytes of an object printed in a report. */
#define REPORT_BYTES	128

/* Reports are counted always, printed at most this often. */
static DEFINE_RATELIMIT_STATE(report_rs, 5 * HZ, 60);

/* === Options === */

/**
 * mmlab_slab_debug_param_init() - read the slab_debug module parameter.
 */
void mmlab_slab_debug_param_init(void)
{
	const char *p;

	param_flags = 0;
	for (p = slab_debug; p && *p; p++) {
		switch (*p) {
		case 'f': case 'F':
			param_flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z': case 'Z':
			param_flags |= SLAB_RED_ZONE;
			break;
		case 'p': case 'P':
			param_flags |= SLAB_POISON;
			break;
		case 'u': case 'U':
			param_flags |= SLAB_STORE_USER;
			break;
		default:
			pr_warn("slab_debug: unknown option '%c' ignored\n", *p);
		}
	}
}

/**
 * mmlab_slab_debug_flags() - a cache's flags with the module parameter's.
 * @flags: the flags asked for at create time.
 */
slab_flags_t mmlab_slab_debug_flags(slab_flags_t flags)
{
	return flags | param_flags;
}

/**
 * mmlab_slab_debug_layout() - object layout of a cache (calculate_sizes()).
 * @cachep: the cache, with object_size, align, flags and ctor set.
 *
 * An object slot is: left red zone (red_left_pad), the object, the right
 * red zone up to inuse (at least one word with SLAB_RED_ZONE), the alloc
 * and free tracks (SLAB_STORE_USER), padding to the alignment. A cache with
 * a constructor is not poisoned (its objects keep what the constructor
 * wrote), as in SLUB.
 */
void mmlab_slab_debug_layout(struct mmlab_kmem_cache *cachep)
{
	unsigned int size = ALIGN(cachep->object_size, sizeof(void *));

	if (cachep->ctor)
		cachep->flags &= ~SLAB_POISON;
	if ((cachep->flags & SLAB_RED_ZONE) && size == cachep->object_size)
		size += sizeof(void *);
	cachep->inuse = size;
	if (cachep->flags & SLAB_STORE_USER)
		size += MMLAB_NR_TRACKS * sizeof(struct mmlab_track);
	cachep->red_left_pad = 0;
	if (cachep->flags & SLAB_RED_ZONE) {
		cachep->red_left_pad = ALIGN(sizeof(void *), cachep->align);
		size += cachep->red_left_pad;
	}
	cachep->size = ALIGN(size, cachep->align);
}

/**
 * mmlab_slab_track() - an object's alloc or free track.
 * @cachep: a cache with SLAB_STORE_USER.
 * @obj: the object.
 * @item: which track.
 */
struct mmlab_track *mmlab_slab_track(const struct mmlab_kmem_cache *cachep,
				     void *obj, enum mmlab_track_item item)
{
	return (struct mmlab_track *)(obj + cachep->inuse) + item;
}
EXPORT_SYMBOL_NS_GPL(mmlab_slab_track, MMLAB_INTERNAL);

/**
 * mmlab_slab_debug_set_track() - record the caller of an alloc or free.
 * @cachep: the cache.
 * @obj: the object.
 * @item: which track.
 * @addr: the caller.
 */
void mmlab_slab_debug_set_track(struct mmlab_kmem_cache *cachep, void *obj,
				enum mmlab_track_item item, unsigned long addr)
{
	struct mmlab_track *t;

	if (!(cachep->flags & SLAB_STORE_USER))
		return;
	t = mmlab_slab_track(cachep, obj, item);
	t->addr = addr;
	t->pid = current->pid;
	t->cpu = raw_smp_processor_id();
	t->when = jiffies;
}

/* Writes an object's red zones (and poison, when free). */
static void set_object(struct mmlab_kmem_cache *cachep, void *obj, bool active)
{
	u8 val = active ? SLUB_RED_ACTIVE : SLUB_RED_INACTIVE;
	u8 *p = obj;

	if (cachep->flags & SLAB_RED_ZONE) {
		memset(p - cachep->red_left_pad, val, cachep->red_left_pad);
		memset(p + cachep->object_size, val,
		       cachep->inuse - cachep->object_size);
	}
	if ((cachep->flags & SLAB_POISON) && !active) {
		memset(p, POISON_FREE, cachep->object_size - 1);
		p[cachep->object_size - 1] = POISON_END;
	}
}

/**
 * mmlab_slab_debug_init_object() - debug state of an object of a new slab.
 * @cachep: the cache.
 * @obj: the object.
 * @active: false (a new object is free).
 *
 * Clears the tracks, writes the red zones and poison.
 */
void mmlab_slab_debug_init_object(struct mmlab_kmem_cache *cachep, void *obj,
				  bool active)
{
	if (cachep->flags & SLAB_STORE_USER)
		memset(mmlab_slab_track(cachep, obj, 0), 0,
		       MMLAB_NR_TRACKS * sizeof(struct mmlab_track));
	set_object(cachep, obj, active);
}

/* === Reports === */

static void count_error(struct mmlab_kmem_cache *cachep)
{
	mmlab_slab_count(cachep, MMLAB_SLAB_ERRORS);
}

/* The header of a report (slab_bug()). */
static void slab_bug(struct mmlab_kmem_cache *cachep, struct va_format *vaf)
{
	pr_err("=============================================================================\n");
	pr_err("BUG mmlab-%s: %pV\n", cachep->name, vaf);
	pr_err("-----------------------------------------------------------------------------\n");
}

static void print_track(const char *what, const struct mmlab_track *t)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%d pid=%d\n", what, (void *)t->addr,
	       jiffies - t->when, t->cpu, t->pid);
}

/* The object's slab, tracks and bytes (print_trailer()). */
static void print_trailer(struct mmlab_kmem_cache *cachep,
			  struct mmlab_slab *slab, u8 *p)
{
	if (cachep->flags & SLAB_STORE_USER) {
		print_track("Allocated", mmlab_slab_track(cachep, p, MMLAB_TRACK_ALLOC));
		print_track("Freed", mmlab_slab_track(cachep, p, MMLAB_TRACK_FREE));
	}
	pr_err("Slab pfn=0x%lx order=%u objects=%u used=%u colour_off=%u\n",
	       slab->pfn, cachep->gfporder, cachep->num, slab->active,
	       slab->colour_off);
	pr_err("Object 0x%p @offset=%tu index=%u\n", p,
	       p - (u8 *)page_address(slab->page),
	       mmlab_obj_to_index(cachep, slab, p));
	if (cachep->flags & SLAB_RED_ZONE)
		print_hex_dump(KERN_ERR, "Redzone  ", DUMP_PREFIX_ADDRESS, 16, 1,
			       p - cachep->red_left_pad, cachep->red_left_pad, 1);
	print_hex_dump(KERN_ERR, "Object   ", DUMP_PREFIX_ADDRESS, 16, 1, p,
		       min_t(unsigned int, cachep->object_size, REPORT_BYTES), 1);
	if (cachep->flags & SLAB_RED_ZONE)
		print_hex_dump(KERN_ERR, "Redzone  ", DUMP_PREFIX_ADDRESS, 16, 1,
			       p + cachep->object_size,
			       cachep->inuse - cachep->object_size, 1);
}

/**
 * mmlab_slab_err() - report an error of a cache, counted (slab_err()).
 * @cachep: the cache.
 * @obj: the object concerned (its slab is printed), or NULL.
 * @fmt: what is wrong.
 *
 * Prints "BUG mmlab-<cache>: <what>" between the rules of slub_debug's
 * reports, then the object; never a stack dump, never a crash.
 */
void mmlab_slab_err(struct mmlab_kmem_cache *cachep, const void *obj,
		    const char *fmt, ...)
{
	struct mmlab_slab *slab = obj ? mmlab_virt_to_slab(obj, NULL) : NULL;
	struct va_format vaf;
	va_list args;

	count_error(cachep);
	if (!__ratelimit(&report_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	slab_bug(cachep, &vaf);
	va_end(args);
	if (slab && slab->cache == cachep)
		print_trailer(cachep, slab, (u8 *)obj);
}

/**
 * mmlab_slab_fix() - say how an error was repaired, counted (slab_fix()).
 * @cachep: the cache.
 * @fmt: what was done.
 */
void mmlab_slab_fix(struct mmlab_kmem_cache *cachep, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	count_error(cachep);
	if (!__ratelimit(&report_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("FIX mmlab-%s: %pV\n", cachep->name, &vaf);
	va_end(args);
}

/**
 * mmlab_slab_bad_free() - report a free of a pointer that is no mmlab object.
 * @x: the pointer.
 * @why: what it is not.
 * @caller: who freed it.
 *
 * Counted in mmlab_slab_foreign_frees(); the pointer is never touched.
 */
void mmlab_slab_bad_free(const void *x, const char *why, unsigned long caller)
{
	atomic_long_inc(&foreign_frees);
	if (!__ratelimit(&report_rs))
		return;
	pr_err("=============================================================================\n");
	pr_err("BUG mmlab-kfree: Invalid free of 0x%p by %pS: %s\n", x,
	       (void *)caller, why);
	pr_err("-----------------------------------------------------------------------------\n");
}

/**
 * mmlab_slab_foreign_frees() - frees of pointers that are no mmlab object.
 */
unsigned long mmlab_slab_foreign_frees(void)
{
	return atomic_long_read(&foreign_frees);
}
EXPORT_SYMBOL_NS_GPL(mmlab_slab_foreign_frees, MMLAB_INTERNAL);

/* === Checks === */

/*
 * Checks that @bytes at @start hold @value; reports the first run of other
 * bytes and restores it (check_bytes_and_report()). Two errors per finding.
 */
static bool check_bytes_and_report(struct mmlab_kmem_cache *cachep,
				   struct mmlab_slab *slab, u8 *obj,
				   const char *what, u8 *start, u8 value,
				   unsigned int bytes)
{
	u8 *fault, *end;

	fault = memchr_inv(start, value, bytes);
	if (!fault)
		return true;
	end = start + bytes;
	while (end > fault && end[-1] == value)
		end--;
	count_error(cachep);
	if (__ratelimit(&report_rs)) {
		pr_err("=============================================================================\n");
		pr_err("BUG mmlab-%s: %s overwritten\n", cachep->name, what);
		pr_err("-----------------------------------------------------------------------------\n");
		pr_err("0x%p-0x%p @offset=%tu. First byte 0x%x instead of 0x%x\n",
		       fault, end - 1, fault - (u8 *)page_address(slab->page),
		       fault[0], value);
		print_trailer(cachep, slab, obj);
	}
	mmlab_slab_fix(cachep, "Restoring %s 0x%p-0x%p=0x%x", what, fault,
		       end - 1, value);
	memset(fault, value, end - fault);
	return false;
}

/**
 * mmlab_slab_check_object() - check an object's red zones and poison.
 * @cachep: the cache.
 * @slab: its slab.
 * @obj: the object.
 * @active: whether it is allocated to a caller (active red zones, no
 *	poison check) or free.
 *
 * Every damaged area is reported, counted (report and fix) and restored.
 *
 * Return: true if the object was intact.
 */
bool mmlab_slab_check_object(struct mmlab_kmem_cache *cachep,
			     struct mmlab_slab *slab, void *obj, bool active)
{
	u8 val = active ? SLUB_RED_ACTIVE : SLUB_RED_INACTIVE;
	u8 *p = obj;
	bool ok = true;

	if (cachep->flags & SLAB_RED_ZONE) {
		ok &= check_bytes_and_report(cachep, slab, p, "Left Redzone",
					     p - cachep->red_left_pad, val,
					     cachep->red_left_pad);
		ok &= check_bytes_and_report(cachep, slab, p, "Right Redzone",
					     p + cachep->object_size, val,
					     cachep->inuse - cachep->object_size);
	}
	if ((cachep->flags & SLAB_POISON) && !active) {
		ok &= check_bytes_and_report(cachep, slab, p, "Poison", p,
					     POISON_FREE, cachep->object_size - 1);
		ok &= check_bytes_and_report(cachep, slab, p, "End Poison",
					     p + cachep->object_size - 1,
					     POISON_END, 1);
	}
	return ok;
}

/**
 * mmlab_slab_debug_alloc() - debug work when an object goes to a caller.
 * @cachep: the cache.
 * @slab: its slab.
 * @obj: the object.
 * @caller: the caller, for the alloc track.
 *
 * Return: true if the free object was intact.
 */
bool mmlab_slab_debug_alloc(struct mmlab_kmem_cache *cachep,
			    struct mmlab_slab *slab, void *obj,
			    unsigned long caller)
{
	bool ok = true;

	if (!(cachep->flags & MMLAB_SLAB_DEBUG_FLAGS))
		return true;
	ok = mmlab_slab_check_object(cachep, slab, obj, false);
	set_object(cachep, obj, true);
	mmlab_slab_debug_set_track(cachep, obj, MMLAB_TRACK_ALLOC, caller);
	return ok;
}

/**
 * mmlab_slab_debug_free() - debug work when a caller frees an object.
 * @cachep: the cache.
 * @slab: its slab.
 * @obj: the object.
 * @caller: the caller, for the free track.
 *
 * Return: true if the object's red zones were intact.
 */
bool mmlab_slab_debug_free(struct mmlab_kmem_cache *cachep,
			   struct mmlab_slab *slab, void *obj,
			   unsigned long caller)
{
	bool ok = true;

	if (!(cachep->flags & MMLAB_SLAB_DEBUG_FLAGS))
		return true;
	ok = mmlab_slab_check_object(cachep, slab, obj, true);
	mmlab_slab_debug_set_track(cachep, obj, MMLAB_TRACK_FREE, caller);
	set_object(cachep, obj, false);
	return ok;
}

/*
 * Checks one slab of a validated cache: its freelist against the object
 * map, its count, and every object. Caller holds list_lock, the array
 * caches are drained. @seen: scratch bitmap of num bits.
 * Return: errors found.
 */
static long validate_slab(struct mmlab_kmem_cache *cachep,
			  struct mmlab_slab *slab, unsigned long *seen)
{
	unsigned int i, used = bitmap_weight(slab->objmap, cachep->num);
	bool corrupt = false;
	long errors = 0;

	bitmap_zero(seen, cachep->num);
	for (i = slab->active; i < cachep->num; i++) {
		unsigned int idx = slab->freelist[i];

		if (idx >= cachep->num || test_bit(idx, seen) ||
		    test_bit(idx, slab->objmap)) {
			corrupt = true;
			break;
		}
		__set_bit(idx, seen);
	}
	if (corrupt) {
		mmlab_slab_err(cachep, NULL,
			       "Freechain corrupt: slab pfn=0x%lx entry %u is %u",
			       slab->pfn, i, slab->freelist[i]);
		errors++;
	} else if (slab->active != used) {
		mmlab_slab_err(cachep, NULL, "slab pfn=0x%lx: inuse %u should be %u",
			       slab->pfn, slab->active, used);
		errors++;
	}
	if (errors) {
		/* Every object not allocated to a caller is free. */
		unsigned int n = used;

		for (i = 0; i < cachep->num; i++)
			if (!test_bit(i, slab->objmap))
				slab->freelist[n++] = i;
		cachep->free_objects += slab->active;
		cachep->free_objects -= used;
		slab->active = used;
		mmlab_slab_fix(cachep, "Freelist of slab pfn=0x%lx rebuilt from the object map",
			       slab->pfn);
		errors++;
	}
	for (i = 0; i < cachep->num; i++) {
		void *obj = mmlab_index_to_obj(cachep, slab, i);
		unsigned long before = mmlab_slab_stat(cachep, MMLAB_SLAB_ERRORS);

		if (!(cachep->flags & MMLAB_SLAB_DEBUG_FLAGS))
			break;
		mmlab_slab_check_object(cachep, slab, obj, test_bit(i, slab->objmap));
		errors += mmlab_slab_stat(cachep, MMLAB_SLAB_ERRORS) - before;
	}
	return errors;
}

/**
 * mmlab_kmem_cache_validate() - check every slab and object of a cache.
 * @cachep: the cache.
 *
 * As SLUB's validate_slab_cache(): the per-CPU array caches are drained
 * first, then each slab's freelist is checked against its object map (a
 * corrupt freelist is reported and rebuilt: two errors) and, with debug
 * options, every object's red zones and poison (a damaged area: two errors).
 * Slabs that became free stay on slabs_free. Context: process context.
 *
 * Return: errors counted, or -ENOMEM.
 */
long mmlab_kmem_cache_validate(struct mmlab_kmem_cache *cachep)
{
	unsigned long flags, *seen;
	struct mmlab_slab *slab;
	long errors = 0;
	unsigned int l;
	LIST_HEAD(list);

	seen = bitmap_zalloc(cachep->num, GFP_KERNEL);
	if (!seen)
		return -ENOMEM;
	mutex_lock(&mmlab_slab_mutex);
	mmlab_kmem_cache_drain(cachep);
	spin_lock_irqsave(&cachep->list_lock, flags);
	for (l = 0; l < MMLAB_NR_SLAB_LISTS; l++)
		list_for_each_entry(slab, &cachep->slabs[l], slab_list)
			errors += validate_slab(cachep, slab, seen);
	spin_unlock_irqrestore(&cachep->list_lock, flags);
	mmlab_slab_relist_all(cachep);
	mutex_unlock(&mmlab_slab_mutex);
	bitmap_free(seen);
	return errors;
}
EXPORT_SYMBOL_NS_GPL(mmlab_kmem_cache_validate, MMLAB_INTERNAL);

/* === The slab part of `validate` === */

/* Whether @slab of @c is on the list its in-use count says. */
static bool slab_list_ok(const struct mmlab_kmem_cache *c,
			 const struct mmlab_slab *slab, unsigned int l)
{
	if (slab->cache != c || slab->list != l || slab->active > c->num)
		return false;
	if (!slab->active)
		return l == MMLAB_SLABS_FREE;
	return l == (slab->active == c->num ? MMLAB_SLABS_FULL : MMLAB_SLABS_PARTIAL);
}

/* Whether the page of @slab is a slab page of @c pointing to it. */
static bool slab_page_ok(const struct mmlab_kmem_cache *c,
			 const struct mmlab_slab *slab)
{
	struct mmlab_page *mp = pfn_to_mpage(slab->pfn);

	return mp && mp->state == MMLAB_PAGE_ALLOC &&
	       mp->owner == MMLAB_OWNER_SLAB && mp->order == c->gfporder &&
	       mp->private == (unsigned long)slab;
}

/* The index of the first bad free entry of @slab's freelist, or num. */
static unsigned int bad_free_entry(const struct mmlab_kmem_cache *c,
				   const struct mmlab_slab *slab)
{
	unsigned int i;

	for (i = slab->active; i < c->num; i++)
		if (slab->freelist[i] >= c->num ||
		    test_bit(slab->freelist[i], slab->objmap))
			return i;
	return c->num;
}

/* Whether object @idx is on @slab's free entries. */
static bool on_freelist(const struct mmlab_kmem_cache *c,
			const struct mmlab_slab *slab, unsigned int idx)
{
	unsigned int k;

	for (k = slab->active; k < c->num; k++)
		if (slab->freelist[k] == idx)
			return true;
	return false;
}

/* The slabs of @c: lists, pages, freelists, counters. */
static void validate_lists(struct mmlab_validate *v, struct mmlab_kmem_cache *c)
{
	unsigned long free = 0, nr;
	struct mmlab_slab *slab;
	unsigned int l, i;

	for (l = 0; l < MMLAB_NR_SLAB_LISTS; l++) {
		nr = 0;
		list_for_each_entry(slab, &c->slabs[l], slab_list) {
			v->checked++;
			nr++;
			slab->vcount = 0;
			if (!slab_list_ok(c, slab, l))
				return mmlab_validate_fail(v,
							   "cache %s: slab 0x%lx on %s with %u of %u in use",
							   c->name, slab->pfn,
							   mmlab_slab_list_names[l],
							   slab->active, c->num);
			if (!slab_page_ok(c, slab))
				return mmlab_validate_fail(v,
							   "cache %s: slab 0x%lx: not its slab page",
							   c->name, slab->pfn);
			i = bad_free_entry(c, slab);
			if (i < c->num)
				return mmlab_validate_fail(v,
							   "cache %s: slab 0x%lx: bad free entry %u",
							   c->name, slab->pfn, i);
			free += c->num - slab->active;
		}
		if (nr != c->nr_slabs[l])
			return mmlab_validate_fail(v,
						   "cache %s: %lu slabs on %s, counter %lu",
						   c->name, nr, mmlab_slab_list_names[l],
						   c->nr_slabs[l]);
	}
	if (free != c->free_objects)
		mmlab_validate_fail(v, "cache %s: %lu free objects, counter %lu",
				    c->name, free, c->free_objects);
}

/* The array caches of @c: handed-out objects of the cache, tallied. */
static void validate_arrays(struct mmlab_validate *v, struct mmlab_kmem_cache *c)
{
	struct mmlab_slab *slab;
	unsigned int i, idx;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mmlab_array_cache *ac = per_cpu_ptr(c->cpu_cache, cpu);

		if (ac->avail > ac->limit)
			return mmlab_validate_fail(v,
						   "cache %s: cpu %d array holds %u, limit %u",
						   c->name, cpu, ac->avail, ac->limit);
		for (i = 0; i < ac->avail; i++) {
			v->checked++;
			slab = mmlab_virt_to_slab(ac->entry[i], NULL);
			idx = c->num;
			if (slab && slab->cache == c)
				idx = mmlab_obj_to_index(c, slab, ac->entry[i]);
			if (idx >= c->num || test_bit(idx, slab->objmap) ||
			    on_freelist(c, slab, idx))
				return mmlab_validate_fail(v,
							   "cache %s: cpu %d array entry %u: not a handed-out object",
							   c->name, cpu, i);
			slab->vcount++;
		}
	}
}

/*
 * One cache, inside stop_machine(): lists, counters, object maps, array
 * cache entries. v->checked counts slabs and array entries.
 */
static void validate_cache(struct mmlab_validate *v, struct mmlab_kmem_cache *c)
{
	struct mmlab_slab *slab;
	unsigned int l, used;

	validate_lists(v, c);
	if (!v->failed)
		validate_arrays(v, c);
	for (l = 0; l < MMLAB_NR_SLAB_LISTS && !v->failed; l++) {
		list_for_each_entry(slab, &c->slabs[l], slab_list) {
			used = bitmap_weight(slab->objmap, c->num);
			if (used + slab->vcount != slab->active)
				return mmlab_validate_fail(v,
							   "cache %s: slab 0x%lx: %u in use, %u allocated, %u in arrays",
							   c->name, slab->pfn, slab->active,
							   used, slab->vcount);
		}
	}
}

/**
 * mmlab_validate_slab() - the slab allocator's invariants, for `validate`.
 * @v: the run.
 *
 * Called inside stop_machine() with mmlab_slab_mutex held by the caller of
 * mmlab_validate(): nothing changes during the walk. Checks for every cache
 * that each slab's list matches its in-use count, that its page is a slab
 * page of the cache's order pointing to it, that free freelist entries are
 * valid objects not allocated, that the list and free-object counters match,
 * that array cache entries are handed-out objects of the cache, and that
 * each slab's in-use count is its allocated objects plus its objects in
 * array caches.
 */
void mmlab_validate_slab(struct mmlab_validate *v)
{
	struct mmlab_kmem_cache *c;

	list_for_each_entry(c, &mmlab_slab_caches, list) {
		if (v->failed)
			return;
		validate_cache(v, c);
	}
}
