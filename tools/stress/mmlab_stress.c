// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_stress: a seeded random workload over mmlab's allocators on every
 * CPU at once, with the invariant checker between phases.
 *
 * Shaped like lib/test_vmalloc.c: module parameters choose the run, worker
 * threads (one per online CPU) are released together at each phase, and a
 * one-line summary is printed at the end. Loading the module runs the test;
 * insmod fails with -EUCLEAN if an invariant broke or memory was corrupted.
 *
 * Each worker draws its operations from its own PRNG seeded with
 * seed + worker index, so the sequence of operations of a run is
 * reproducible from the printed seed (the interleaving across CPUs is not).
 * Allocations go into a table of slots shared by the workers, so a block
 * allocated on one CPU is often freed on the other. A slot holds a block of
 * pages, a kmalloc object, an object of the run's own cache or a vmalloc
 * area, each with a pattern at both ends that is checked when it is freed.
 */

#define pr_fmt(fmt) "mmlab_stress: " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "buddy.h"
#include "fault_inject.h"
#include "mmlab.h"
#include "pool.h"
#include "validate.h"

/* === Parameters === */

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "PRNG seed (default 0: a random one, printed)");

static uint seconds = 10;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "Length of the run in seconds (default 10)");

static uint phase_ms = 500;
module_param(phase_ms, uint, 0444);
MODULE_PARM_DESC(phase_ms, "Length of a phase; the checker runs between phases (default 500)");

static uint nr_slots = 1024;
module_param(nr_slots, uint, 0444);
MODULE_PARM_DESC(nr_slots, "Live allocations shared by the workers (default 1024)");

static uint max_order = 5;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order, "Largest block order the workers ask for (default 5, at most 10)");

static uint fault_percent = 5;
module_param(fault_percent, uint, 0444);
MODULE_PARM_DESC(fault_percent,
		 "fail_page_alloc probability during every third phase, in percent (default 5, 0 disables)");

static uint exhaust_every = 4;
module_param(exhaust_every, uint, 0444);
MODULE_PARM_DESC(exhaust_every,
		 "Exhaust the pool after every Nth phase (default 4, 0 disables)");

static uint host_pressure_mb = 64;
module_param(host_pressure_mb, uint, 0444);
MODULE_PARM_DESC(host_pressure_mb,
		 "Host memory held during the run to put the host under pressure, MiB (default 64)");

static uint leak_pages;
module_param(leak_pages, uint, 0444);
MODULE_PARM_DESC(leak_pages,
		 "Order-0 pages left allocated on purpose after the run, to test that unloading mmlab reclaims them (default 0)");

/* === Data === */

enum slot_kind {
	SLOT_EMPTY,		/* nothing held */
	SLOT_PAGES,		/* a block from mmlab_alloc_pages() */
	SLOT_KMALLOC,		/* an object from mmlab_kmalloc() */
	SLOT_CACHE,		/* an object of stress_cache */
	SLOT_VMALLOC,		/* an area from mmlab_vmalloc() */
	NR_SLOT_KINDS
};

static const char *const slot_kind_names[NR_SLOT_KINDS] = {
	[SLOT_EMPTY]	= "empty",
	[SLOT_PAGES]	= "pages",
	[SLOT_KMALLOC]	= "kmalloc",
	[SLOT_CACHE]	= "cache",
	[SLOT_VMALLOC]	= "vmalloc",
};

/*
 * One live allocation; any worker may free what another allocated. A mutex,
 * not a spinlock: mmlab_vfree() may sleep.
 */
struct stress_slot {
	struct mutex lock;	/* the fields below */
	enum slot_kind kind;
	struct page *page;	/* SLOT_PAGES */
	unsigned int order;	/* SLOT_PAGES */
	u8 *ptr;		/* the other kinds */
	size_t size;		/* bytes at @ptr */
	u32 pattern;		/* written at both ends of the allocation */
	int cpu;		/* CPU that allocated it */
};

struct stress_worker {
	struct task_struct *task;
	struct rnd_state rnd;
	int id;
	unsigned int gen;	/* last phase this worker ran */
	unsigned long ops, allocs, frees, failed, cross_cpu, drains;
	unsigned long kind_allocs[NR_SLOT_KINDS];
};

static struct stress_slot *slots;
static struct stress_worker *workers;
static unsigned int nr_workers;

static DECLARE_WAIT_QUEUE_HEAD(phase_wq);	/* workers wait for a phase */
static DECLARE_WAIT_QUEUE_HEAD(done_wq);	/* the runner waits for workers */
static unsigned int phase_gen;			/* current phase, 1.. */
static unsigned long phase_end;			/* jiffies the phase ends */
static atomic_t workers_done;
static bool stopping;
static atomic_long_t corruptions;
/* Objects of 200 bytes: a size of no kmalloc class, 20 to an order-0 slab. */
static struct mmlab_kmem_cache *stress_cache;

static const gfp_t gfp_table[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_ZERO,
	GFP_DMA32,
	GFP_DMA,
	GFP_ATOMIC,
	GFP_NOWAIT | __GFP_MOVABLE,
};

/* === Operations === */

static u32 *block_words(struct page *page, unsigned int order, u32 **last)
{
	u32 *first = page_address(page);

	*last = (u32 *)((char *)first + (PAGE_SIZE << order)) - 1;
	return first;
}

/* Check the pattern at both ends of an object or area of @slot. */
static u8 last_byte(const struct stress_slot *slot)
{
	/* A 1-byte object has one end: the first byte's pattern. */
	return slot->size > 1 ? (u8)~slot->pattern : (u8)slot->pattern;
}

static void check_bytes(const struct stress_slot *slot)
{
	u8 first = slot->ptr[0], last = slot->ptr[slot->size - 1];

	if (first == (u8)slot->pattern && last == last_byte(slot))
		return;
	atomic_long_inc(&corruptions);
	pr_err("%s %p size %zu: pattern 0x%02x/0x%02x, expected 0x%02x/0x%02x\n",
	       slot_kind_names[slot->kind], slot->ptr, slot->size, first, last,
	       (u8)slot->pattern, last_byte(slot));
}

/* Free what @slot holds (caller holds its lock), checking its pattern. */
static void slot_release(struct stress_slot *slot, struct stress_worker *w)
{
	u32 *first, *last;

	switch (slot->kind) {
	case SLOT_EMPTY:
		return;
	case SLOT_PAGES:
		first = block_words(slot->page, slot->order, &last);
		if (*first != slot->pattern || *last != ~slot->pattern) {
			atomic_long_inc(&corruptions);
			pr_err("block pfn 0x%lx order %u: pattern 0x%08x/0x%08x, expected 0x%08x/0x%08x\n",
			       page_to_pfn(slot->page), slot->order, *first,
			       *last, slot->pattern, ~slot->pattern);
		}
		mmlab_free_pages(slot->page, slot->order);
		break;
	case SLOT_KMALLOC:
		check_bytes(slot);
		mmlab_kfree(slot->ptr);
		break;
	case SLOT_CACHE:
		check_bytes(slot);
		mmlab_kmem_cache_free(stress_cache, slot->ptr);
		break;
	case SLOT_VMALLOC:
		check_bytes(slot);
		mmlab_vfree(slot->ptr);
		break;
	default:
		return;
	}
	if (slot->cpu != raw_smp_processor_id())
		w->cross_cpu++;
	slot->kind = SLOT_EMPTY;
	w->frees++;
}

/*
 * Allocate an object or area for @kind: kmalloc sizes up to four pages (the
 * largest go to the buddy allocator), vmalloc areas of 1 to 64 pages.
 */
static u8 *alloc_bytes(enum slot_kind kind, u32 r, gfp_t gfp, size_t *size)
{
	switch (kind) {
	case SLOT_KMALLOC:
		*size = 1 + (r >> 12) % ((r >> 8) % 8 ? 1024 : 4 * PAGE_SIZE);
		return mmlab_kmalloc(*size, gfp);
	case SLOT_CACHE:
		*size = mmlab_kmem_cache_size(stress_cache);
		return mmlab_kmem_cache_alloc(stress_cache, gfp);
	case SLOT_VMALLOC:
		*size = (1 + (r >> 12) % 64) * PAGE_SIZE - (r >> 20) % PAGE_SIZE;
		return gfp & __GFP_ZERO ? mmlab_vzalloc(*size) : mmlab_vmalloc(*size);
	default:
		return NULL;
	}
}

/* Put a new object or area in @slot (lock held), with its pattern. */
static void slot_fill_bytes(struct stress_slot *slot, enum slot_kind kind,
			    u8 *ptr, size_t size, u32 pattern)
{
	slot->kind = kind;
	slot->ptr = ptr;
	slot->size = size;
	slot->pattern = pattern;
	slot->cpu = raw_smp_processor_id();
	ptr[size - 1] = last_byte(slot);
	ptr[0] = (u8)pattern;
}

/* Allocate an object or area of @kind into @slot, freeing what it held. */
static void op_alloc_bytes(struct stress_worker *w, struct stress_slot *slot,
			   enum slot_kind kind, u32 r)
{
	/* Process context: sleeping allocations only, zeroed now and then. */
	gfp_t gfp = r % 4 ? GFP_KERNEL : GFP_KERNEL | __GFP_ZERO;
	size_t size;
	u8 *ptr, *bad;

	ptr = alloc_bytes(kind, r, gfp, &size);
	if (!ptr) {
		w->failed++;
		return;
	}
	w->allocs++;
	w->kind_allocs[kind]++;
	bad = gfp & __GFP_ZERO ? memchr_inv(ptr, 0, size) : NULL;
	if (bad) {
		atomic_long_inc(&corruptions);
		pr_err("%s %p size %zu: byte %td not zeroed\n",
		       slot_kind_names[kind], ptr, size, bad - ptr);
	}
	mutex_lock(&slot->lock);
	slot_release(slot, w);
	slot_fill_bytes(slot, kind, ptr, size, r ^ w->id);
	mutex_unlock(&slot->lock);
}

static void op_alloc(struct stress_worker *w, struct stress_slot *slot)
{
	u32 r = prandom_u32_state(&w->rnd);
	gfp_t gfp = gfp_table[r % ARRAY_SIZE(gfp_table)];
	/* Mostly per-CPU orders, now and then a large block. */
	unsigned int order = (r >> 8) % 8 ? (r >> 12) % 4 : (r >> 12) % (max_order + 1);
	u32 *first, *last;
	struct page *page;

	page = mmlab_alloc_pages(gfp, order);
	if (!page) {
		w->failed++;
		return;
	}
	w->allocs++;
	w->kind_allocs[SLOT_PAGES]++;
	first = block_words(page, order, &last);
	if ((gfp & __GFP_ZERO) && (*first || *last)) {
		atomic_long_inc(&corruptions);
		pr_err("__GFP_ZERO block pfn 0x%lx order %u not zeroed\n",
		       page_to_pfn(page), order);
	}

	mutex_lock(&slot->lock);
	slot_release(slot, w);
	slot->kind = SLOT_PAGES;
	slot->page = page;
	slot->order = order;
	slot->pattern = r ^ w->id;
	slot->cpu = raw_smp_processor_id();
	*first = slot->pattern;
	*last = ~slot->pattern;
	mutex_unlock(&slot->lock);
}

static void do_one_op(struct stress_worker *w)
{
	u32 r = prandom_u32_state(&w->rnd);
	struct stress_slot *slot = &slots[r % nr_slots];
	unsigned int op = (r >> 16) % 100;

	w->ops++;
	if (op < 25) {
		op_alloc(w, slot);
	} else if (op < 40) {
		op_alloc_bytes(w, slot, SLOT_KMALLOC, prandom_u32_state(&w->rnd));
	} else if (op < 50) {
		op_alloc_bytes(w, slot, SLOT_CACHE, prandom_u32_state(&w->rnd));
	} else if (op < 55) {
		op_alloc_bytes(w, slot, SLOT_VMALLOC, prandom_u32_state(&w->rnd));
	} else if (op < 99) {
		mutex_lock(&slot->lock);
		slot_release(slot, w);
		mutex_unlock(&slot->lock);
	} else if (r & 1) {
		mmlab_drain_all_pages();
		w->drains++;
	} else {
		/* Free slabs back to the buddy, per-CPU arrays drained. */
		mmlab_kmem_cache_shrink(stress_cache);
		w->drains++;
	}
}

static int stress_worker_fn(void *data)
{
	struct stress_worker *w = data;

	for (;;) {
		wait_event(phase_wq,
			   READ_ONCE(phase_gen) != w->gen || READ_ONCE(stopping));
		if (READ_ONCE(stopping))
			break;
		w->gen = READ_ONCE(phase_gen);
		while (time_before(jiffies, READ_ONCE(phase_end))) {
			do_one_op(w);
			cond_resched();
		}
		atomic_inc(&workers_done);
		wake_up(&done_wq);
	}
	/* Stay until kthread_stop(), which the runner always calls. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* === The run === */

/*
 * Allocate order-0 pages until the pool says no, check that the pool did
 * not grow and the checker still holds at the bottom, then give them back.
 */
static int exhaust_pool(unsigned long *exhausted_pages)
{
	unsigned long nr_pages = mmlab_pool.nr_pages, n = 0;
	struct mmlab_validate *v;
	struct page **pages;
	int err = 0;

	pages = kvmalloc_array(nr_pages, sizeof(*pages), GFP_KERNEL);
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!pages || !v) {
		err = -ENOMEM;
		goto out;
	}
	while (n < nr_pages) {
		pages[n] = mmlab_alloc_page(GFP_KERNEL);
		if (!pages[n])
			break;
		n++;
	}
	*exhausted_pages += n;
	if (mmlab_pool.nr_pages != nr_pages) {
		pr_err("the pool grew from %lu to %lu pages when exhausted\n",
		       nr_pages, mmlab_pool.nr_pages);
		err = -EUCLEAN;
	}
	if (!err && mmlab_validate(v)) {
		pr_err("checker at exhaustion: %s\n", v->msg);
		err = -EUCLEAN;
	}
	while (n)
		mmlab_free_page(pages[--n]);
out:
	kfree(v);
	kvfree(pages);
	return err;
}

/* Faults of page, object and vmalloc allocations, for one phase. */
static void set_faults(bool on)
{
	struct mmlab_fault_attr *const attrs[] = {
		&mmlab_fail_page_alloc, &mmlab_failslab, &mmlab_fail_vmalloc,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		WRITE_ONCE(attrs[i]->verbose, 0);
		atomic_set(&attrs[i]->times, on ? -1 : 1);
		WRITE_ONCE(attrs[i]->probability, on ? fault_percent : 0);
	}
}

static int run_phases(unsigned long *passes, unsigned long *exhausted)
{
	unsigned long end = jiffies + (unsigned long)seconds * HZ;
	struct mmlab_validate *v;
	int err = 0;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	while (!err && time_before(jiffies, end)) {
		unsigned int gen = phase_gen + 1;

		set_faults(fault_percent && gen % 3 == 0);
		atomic_set(&workers_done, 0);
		WRITE_ONCE(phase_end, jiffies + msecs_to_jiffies(phase_ms));
		WRITE_ONCE(phase_gen, gen);
		wake_up_all(&phase_wq);
		wait_event(done_wq, atomic_read(&workers_done) == nr_workers);
		set_faults(false);

		err = mmlab_validate(v);
		if (err) {
			pr_err("checker after phase %u: %s\n", gen, v->msg);
			break;
		}
		(*passes)++;
		if (exhaust_every && gen % exhaust_every == 0)
			err = exhaust_pool(exhausted);
		if (atomic_long_read(&corruptions))
			err = -EUCLEAN;
	}
	kfree(v);
	return err;
}

static struct page *hold_host_memory(unsigned int *order)
{
	*order = min_t(unsigned int, MAX_ORDER - 1,
		       order_base_2(((unsigned long)host_pressure_mb << 20) >> PAGE_SHIFT));
	if (!host_pressure_mb)
		return NULL;
	return alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, *order);
}

static int __init mmlab_stress_init(void)
{
	unsigned long passes = 0, exhausted = 0, ops = 0, allocs = 0, frees = 0;
	unsigned long failed = 0, cross = 0, drains = 0, faults_before;
	unsigned long kinds[NR_SLOT_KINDS] = { 0 };
	struct mmlab_validate *v;
	unsigned int i, k, host_order;
	struct page *host;
	int err = 0;

	if (!nr_slots || max_order >= MMLAB_MAX_ORDER || !phase_ms) {
		pr_err("nr_slots must be > 0, max_order < %d, phase_ms > 0\n",
		       MMLAB_MAX_ORDER);
		return -EINVAL;
	}
	if (!seed)
		seed = get_random_u64();
	nr_workers = num_online_cpus();
	pr_info("seed=%#lx seconds=%u phase_ms=%u workers=%u slots=%u max_order=%u fault_percent=%u exhaust_every=%u host_pressure_mb=%u\n",
		seed, seconds, phase_ms, nr_workers, nr_slots, max_order,
		fault_percent, exhaust_every, host_pressure_mb);

	slots = kvcalloc(nr_slots, sizeof(*slots), GFP_KERNEL);
	workers = kcalloc(nr_workers, sizeof(*workers), GFP_KERNEL);
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!slots || !workers || !v) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < nr_slots; i++)
		mutex_init(&slots[i].lock);
	stress_cache = mmlab_kmem_cache_create("stress", 200, 0, 0, NULL);
	if (!stress_cache) {
		err = -ENOMEM;
		goto out_free;
	}

	host = hold_host_memory(&host_order);
	faults_before = mmlab_faults_injected();

	for (i = 0; i < nr_workers; i++) {
		struct stress_worker *w = &workers[i];

		w->id = i;
		prandom_seed_state(&w->rnd, seed + i);
		w->task = kthread_run(stress_worker_fn, w, "mmlab_stress/%u", i);
		if (IS_ERR(w->task)) {
			err = PTR_ERR(w->task);
			w->task = NULL;
			break;
		}
	}
	if (!err)
		err = run_phases(&passes, &exhausted);

	WRITE_ONCE(stopping, true);
	wake_up_all(&phase_wq);
	for (i = 0; i < nr_workers; i++) {
		struct stress_worker *w = &workers[i];

		if (!w->task)
			continue;
		kthread_stop(w->task);
		ops += w->ops;
		allocs += w->allocs;
		frees += w->frees;
		failed += w->failed;
		cross += w->cross_cpu;
		drains += w->drains;
		for (k = 0; k < NR_SLOT_KINDS; k++)
			kinds[k] += w->kind_allocs[k];
	}
	for (i = 0; i < nr_slots; i++) {
		mutex_lock(&slots[i].lock);
		slot_release(&slots[i], &workers[0]);
		mutex_unlock(&slots[i].lock);
	}
	mmlab_kmem_cache_destroy(stress_cache);
	stress_cache = NULL;
	mmlab_drain_all_pages();
	if (host)
		__free_pages(host, host_order);

	if (!err && mmlab_validate(v)) {
		pr_err("checker at the end: %s\n", v->msg);
		err = -EUCLEAN;
	}
	if (!err && atomic_long_read(&corruptions))
		err = -EUCLEAN;
	if (!err)
		passes++;
	for (i = 0; !err && i < leak_pages; i++) {
		if (!mmlab_alloc_page(GFP_KERNEL)) {
			pr_err("could not allocate page %u of leak_pages=%u\n", i, leak_pages);
			err = -ENOMEM;
		}
	}

	pr_info("seed=%#lx ops=%lu allocs=%lu frees=%lu alloc_failures=%lu cross_cpu_frees=%lu drains=%lu checker_passes=%lu exhausted_pages=%lu faults_injected=%lu pages=%lu kmalloc=%lu cache=%lu vmalloc=%lu corruptions=%ld result=%s\n",
		seed, ops, allocs, frees, failed, cross, drains, passes,
		exhausted, mmlab_faults_injected() - faults_before,
		kinds[SLOT_PAGES], kinds[SLOT_KMALLOC], kinds[SLOT_CACHE],
		kinds[SLOT_VMALLOC], atomic_long_read(&corruptions),
		err ? "FAIL" : "ok");
out_free:
	kfree(v);
	kfree(workers);
	kvfree(slots);
	return err;
}

static void __exit mmlab_stress_exit(void)
{
}

module_init(mmlab_stress_init);
module_exit(mmlab_stress_exit);

MODULE_IMPORT_NS(MMLAB_INTERNAL);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmlab: seeded concurrent stress of mmlab's allocators with the invariant checker");
