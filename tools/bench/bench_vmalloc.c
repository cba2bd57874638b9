// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: the vmalloc benchmarks, mmlab_vmalloc()/mmlab_vfree() against
 * vmalloc()/vfree(): the round trip per size (also with mmlab's
 * vmalloc_high_order), the scenarios of the kernel's
 * lib/test_vmalloc.c, vmalloc_to_page(), a page-table walk per address
 * against lookup_address(), and the page tables and metadata an area costs.
 *
 * Lazy purge, on both sides the same: neither mmlab_vfree() nor vfree()
 * flushes a TLB; both queue the freed range and purge once enough pages
 * are pending. The kernel's threshold is lazy_max_pages() (16384 pages
 * with 2 CPUs) and it purges in a kworker (drain_vmap_work), outside the
 * caller's time; mmlab's is 4096 pages and it purges inside the vfree that
 * crosses it. Left alone, mmlab would pay its purges in the timed loop and
 * the kernel would not. So every timed loop here purges explicitly, on both
 * sides at the same points: before a vfree that would take the pages this
 * loop freed since its last purge (guard pages included) over mmlab's
 * threshold divided by the threads of the run, it calls the side's purge,
 * mmlab_vmalloc_purge() or vm_unmap_aliases() (the kernel's synchronous
 * __purge_vmap_area_lazy() with its TLB flush). Neither side then ever
 * reaches its own threshold: the purges, their TLB flushes and the freeing
 * of the ranges land inside the timed loops of both, equally often. Each
 * loop purges once before it starts (untimed), so that it starts with
 * nothing pending, and once more as its last timed step, so that the work
 * of every area it freed is inside its time: mmlab gives an area's pages
 * back to its buddy only at the purge, the kernel in vfree() itself.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/err.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/thread_info.h>
#include <linux/vmalloc.h>

#include <asm/pgtable_types.h>

#include "bench.h"
#include "mmlab.h"
#include "vmalloc.h"
#include "walk.h"

/* === The two sides === */

/*
 * @mm is a constant at every call site: each loop below is compiled once
 * per side, with no branch and no indirect call inside.
 */
static __always_inline void *side_vmalloc(bool mm, unsigned long size)
{
	return mm ? mmlab_vmalloc(size) : vmalloc(size);
}

/*
 * An aligned, zeroed area. The kernel exports no vmalloc() with an
 * alignment in 6.1 (__vmalloc_node() and __vmalloc_node_range() are not
 * exported): the native side gets the same size and flags, page aligned.
 */
static __always_inline void *side_vmalloc_align(bool mm, unsigned long size,
						unsigned long align, gfp_t gfp)
{
	return mm ? __mmlab_vmalloc(size, align, gfp, __builtin_return_address(0)) :
		    __vmalloc(size, gfp);
}

static __always_inline void side_vfree(bool mm, const void *addr)
{
	if (mm)
		mmlab_vfree(addr);
	else
		vfree(addr);
}

/* Purge every lazily freed area now, with the TLB flush. */
static __always_inline void side_purge(bool mm)
{
	if (mm)
		mmlab_vmalloc_purge();
	else
		vm_unmap_aliases();
}

static __always_inline struct page *side_to_page(bool mm, const void *addr)
{
	return mm ? mmlab_vmalloc_to_page(addr) : vmalloc_to_page(addr);
}

/**
 * struct lazy - the pages one loop freed since its last purge.
 * @pending:	pages freed (each area's guard page included).
 * @limit:	purge before @pending would exceed it.
 */
struct lazy {
	unsigned long pending;
	unsigned long limit;
};

/* mmlab's lazy_max_pages, shared by the threads of the run. */
static void lazy_init(struct lazy *lz, const struct bench_ctx *c)
{
	unsigned long max;

	mutex_lock(&mmlab_vmap_lock);
	max = mmlab_vwin.lazy_max;
	mutex_unlock(&mmlab_vmap_lock);
	lz->pending = 0;
	lz->limit = max(max / max(c->nr_threads, 1U), 1UL);
}

/* vfree of an area of @pages pages, purging first at the common points. */
static __always_inline void side_vfree_lazy(bool mm, const void *addr,
					    unsigned long pages, struct lazy *lz)
{
	if (lz->pending + pages + 1 > lz->limit) {
		side_purge(mm);
		lz->pending = 0;
	}
	side_vfree(mm, addr);
	lz->pending += pages + 1;
}

/*
 * Operations of one run of a case whose operation maps @pages pages:
 * `loops` is a budget of pages, so that a 1024-page case does not take a
 * thousand times as long as a one-page case. At least 8 operations.
 */
static unsigned long ops_for(const struct bench_ctx *c, unsigned long pages)
{
	return max(c->loops / max(pages, 1UL), 8UL);
}

/* === vmalloc_size: the round trip === */

static __always_inline void size_loop(struct bench_ctx *c, struct bench_time *t,
				      bool mm)
{
	unsigned long pages = c->param, size = pages << PAGE_SHIFT;
	unsigned long i, n = ops_for(c, pages), failed = 0;
	struct bench_stamp st;
	struct lazy lz;
	void *p;

	lazy_init(&lz, c);
	side_purge(mm);
	bench_start(&st);
	for (i = 0; i < n; i++) {
		p = side_vmalloc(mm, size);
		if (unlikely(!p)) {
			failed++;
			continue;
		}
		side_vfree_lazy(mm, p, pages, &lz);
	}
	side_purge(mm);
	bench_stop(t, &st);
	t->ops += n;
	t->failed += failed;
}

/* vmalloc + vfree of @param pages, again and again. */
static void body_size(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		size_loop(c, t, true);
	else
		size_loop(c, t, false);
}

/*
 * vmalloc_size_high_order: the same with mmlab's vmalloc_high_order on for
 * the case (its areas backed by the largest buddy blocks that fit, where
 * the kernel maps order-0 pages from its bulk allocator); the parameter's
 * value is restored after the case.
 */
static bool saved_high_order;

/* Returns non-NULL on mmlab's side, so that the runner calls the finish. */
static void *prepare_high_order(bool mm, int param)
{
	if (!mm)
		return NULL;
	saved_high_order = READ_ONCE(mmlab_vmalloc_high_order);
	WRITE_ONCE(mmlab_vmalloc_high_order, true);
	return &saved_high_order;
}

static void finish_high_order(bool mm, int param, void *priv)
{
	if (mm)
		WRITE_ONCE(mmlab_vmalloc_high_order, saved_high_order);
}

/* === vmalloc_scenario: lib/test_vmalloc.c's === */

enum {
	TV_FIX_SIZE,		/* fix_size_alloc_test */
	TV_FULL_FIT,		/* full_fit_alloc_test */
	TV_LONG_BUSY,		/* long_busy_list_alloc_test */
	TV_RANDOM_SIZE,		/* random_size_alloc_test */
	TV_FIX_ALIGN,		/* fix_align_alloc_test */
	NR_TV
};

/*
 * Sizes of test_vmalloc's prepared areas. full_fit_alloc_test's
 * fls(num_online_cpus()) * 8192 pairs of one-page areas would take the
 * whole of mmlab's 256 MiB window (and 128 MiB of pages): 2048 pairs here,
 * on both sides. long_busy_list_alloc_test's 15000 areas fit as they are.
 */
#define TV_FULL_FIT_PAIRS	2048
#define TV_LONG_BUSY_AREAS	15000

/* Pages mapped by one operation of each scenario (ops_for()). */
static const unsigned int tv_pages[NR_TV] = {
	[TV_FIX_SIZE]		= 1,
	[TV_FULL_FIT]		= 1,
	[TV_LONG_BUSY]		= 101,
	[TV_RANDOM_SIZE]	= 50,
	[TV_FIX_ALIGN]		= 5,
};

/**
 * struct tv_busy - the areas a scenario holds while it is timed.
 * @mmlab:	whose areas.
 * @nr:		entries of @areas.
 * @areas:	the areas.
 */
struct tv_busy {
	bool mmlab;
	unsigned int nr;
	void *areas[];
};

static void tv_busy_free(struct tv_busy *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		side_vfree(b->mmlab, b->areas[i]);
	side_purge(b->mmlab);
	kvfree(b);
}

/*
 * full_fit_alloc_test: pairs of one-page areas, the second of each pair
 * freed and purged: the window is left with holes of exactly one page and
 * its guard, which the timed one-page allocations fit (FL_FIT_TYPE).
 * long_busy_list_alloc_test: many one-page areas held, a long busy tree.
 */
static void *prepare_scenario(bool mm, int param)
{
	bool fit = param == TV_FULL_FIT;
	unsigned int i, nr = fit ? TV_FULL_FIT_PAIRS : TV_LONG_BUSY_AREAS;
	struct tv_busy *b;

	if (param != TV_FULL_FIT && param != TV_LONG_BUSY)
		return NULL;
	/* full_fit: the areas kept, then the junk areas, as ptr[] and junk_ptr[]. */
	b = kvzalloc(struct_size(b, areas, fit ? 2 * nr : nr), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->mmlab = mm;
	for (i = 0; i < nr; i++) {
		b->areas[i] = side_vmalloc(mm, PAGE_SIZE);
		if (fit)
			b->areas[nr + i] = side_vmalloc(mm, PAGE_SIZE);
		if (!b->areas[i] || (fit && !b->areas[nr + i]))
			goto fail;
		cond_resched();
	}
	if (fit) {
		for (i = 0; i < nr; i++)
			side_vfree(mm, b->areas[nr + i]);
	}
	b->nr = nr;
	side_purge(mm);
	return b;
fail:
	pr_warn("vmalloc_scenario: %s: %u areas of %u\n", mm ? "mmlab" : "native",
		i, nr);
	b->nr = fit ? 2 * nr : nr;
	tv_busy_free(b);
	return ERR_PTR(-ENOMEM);
}

static void finish_scenario(bool mm, int param, void *priv)
{
	if (priv)
		tv_busy_free(priv);
}

/* Touch the first byte, as test_vmalloc does. */
static __always_inline void tv_touch(void *p, u8 v)
{
	WRITE_ONCE(*(u8 *)p, v);
}

static __always_inline void scenario_loop(struct bench_ctx *c, struct bench_time *t,
					  bool mm)
{
	unsigned long i, n = ops_for(c, tv_pages[c->param]), failed = 0;
	unsigned long pages = 1;
	struct rnd_state rnd;
	struct bench_stamp st;
	struct lazy lz;
	void *p, *q;

	/* The same sizes on both sides: the seed, per thread. */
	prandom_seed_state(&rnd, bench_seed + c->thread);
	lazy_init(&lz, c);
	side_purge(mm);
	bench_start(&st);
	for (i = 0; i < n; i++) {
		switch (c->param) {
		case TV_FIX_SIZE:
		case TV_FULL_FIT:
			p = side_vmalloc(mm, PAGE_SIZE);
			break;
		case TV_LONG_BUSY:
			pages = 100;
			p = side_vmalloc(mm, 100 * PAGE_SIZE);
			break;
		case TV_RANDOM_SIZE:
			pages = prandom_u32_state(&rnd) % 100 + 1;
			p = side_vmalloc(mm, pages << PAGE_SHIFT);
			break;
		default:
			/* fix_align_alloc_test: a vmapped stack's alignment, twice. */
			pages = 5;
			p = side_vmalloc_align(mm, 5 * PAGE_SIZE, THREAD_ALIGN << 1,
					       GFP_KERNEL | __GFP_ZERO);
			break;
		}
		if (unlikely(!p)) {
			failed++;
			continue;
		}
		tv_touch(p, 1);
		if (c->param == TV_LONG_BUSY) {
			q = side_vmalloc(mm, PAGE_SIZE);
			if (unlikely(!q)) {
				failed++;
			} else {
				tv_touch(q, 0);
				side_vfree_lazy(mm, q, 1, &lz);
			}
		}
		side_vfree_lazy(mm, p, pages, &lz);
	}
	side_purge(mm);
	bench_stop(t, &st);
	t->ops += n;
	t->failed += failed;
}

/* One iteration of a test_vmalloc scenario per operation. */
static void body_scenario(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		scenario_loop(c, t, true);
	else
		scenario_loop(c, t, false);
}

/* === vmalloc_to_page and vmalloc_walk === */

#define LOOKUP_PAGES	1024

/* One area of LOOKUP_PAGES pages per side, prepared once per case. */
static void *prepare_lookup(bool mm, int param)
{
	void *p = side_vmalloc(mm, LOOKUP_PAGES * PAGE_SIZE);

	return p ?: ERR_PTR(-ENOMEM);
}

static void finish_lookup(bool mm, int param, void *priv)
{
	side_vfree(mm, priv);
	side_purge(mm);
}

static __always_inline void to_page_loop(struct bench_ctx *c, struct bench_time *t,
					 bool mm)
{
	unsigned long i, failed = 0;
	struct bench_stamp st;
	char *area = c->priv;

	bench_start(&st);
	for (i = 0; i < c->loops; i++)
		failed += !side_to_page(mm, area + ((i % LOOKUP_PAGES) << PAGE_SHIFT));
	bench_stop(t, &st);
	t->ops += c->loops;
	t->failed += failed;
}

/* The page of every page of the area in turn, mmlab's area on mmlab's side. */
static void body_to_page(struct bench_ctx *c, struct bench_time *t)
{
	if (c->mmlab)
		to_page_loop(c, t, true);
	else
		to_page_loop(c, t, false);
}

/*
 * The page-table walk. Both sides walk the same kind of address, a page of
 * a native vmalloc area of LOOKUP_PAGES pages (each side its own area), so
 * that the tables are alike and only the walkers differ. Both walk every
 * level from the top, read the PTE and make the physical address of the
 * byte: mmlab_walk_kernel() (what the `walk` debugfs file calls) from CR3,
 * checking each table with pfn_valid() and recording every level in a
 * struct mmlab_walk; lookup_address() from init_mm's pgd (the kernel's
 * own walker, as /sys/kernel/debug/page_tables uses), then
 * pte_pfn() of the entry it returns.
 */
static void *prepare_walk(bool mm, int param)
{
	struct mmlab_walk w;
	unsigned long a, i;
	unsigned int level;
	char *p = vmalloc(LOOKUP_PAGES * PAGE_SIZE);
	pte_t *pte;

	if (!p)
		return ERR_PTR(-ENOMEM);
	/* Both walkers must find what vmalloc mapped, or the figure means nothing. */
	for (i = 0; i < LOOKUP_PAGES; i++) {
		a = (unsigned long)p + (i << PAGE_SHIFT);
		mmlab_walk_kernel(a, &w);
		pte = lookup_address(a, &level);
		if (w.result != MMLAB_WALK_MAPPED || !pte || level != PG_LEVEL_4K ||
		    PHYS_PFN(w.phys) != pte_pfn(*pte) ||
		    pte_pfn(*pte) != vmalloc_to_pfn((void *)a)) {
			pr_warn("vmalloc_walk: the walkers disagree at %#lx\n", a);
			vfree(p);
			return ERR_PTR(-EIO);
		}
	}
	return p;
}

static void finish_walk(bool mm, int param, void *priv)
{
	vfree(priv);
}

static void body_walk(struct bench_ctx *c, struct bench_time *t)
{
	unsigned long i, a, failed = 0;
	unsigned long area = (unsigned long)c->priv;
	struct bench_stamp st;
	struct mmlab_walk w;
	unsigned int level;
	u64 sum = 0;
	pte_t *pte;

	if (c->mmlab) {
		bench_start(&st);
		for (i = 0; i < c->loops; i++) {
			a = area + ((i % LOOKUP_PAGES) << PAGE_SHIFT);
			mmlab_walk_kernel(a, &w);
			failed += w.result != MMLAB_WALK_MAPPED;
			sum += w.phys;
		}
		bench_stop(t, &st);
	} else {
		bench_start(&st);
		for (i = 0; i < c->loops; i++) {
			a = area + ((i % LOOKUP_PAGES) << PAGE_SHIFT);
			pte = lookup_address(a, &level);
			if (unlikely(!pte || !pte_present(*pte))) {
				failed++;
				continue;
			}
			sum += PFN_PHYS(pte_pfn(*pte)) + offset_in_page(a);
		}
		bench_stop(t, &st);
	}
	/* The sum keeps the loops from being reduced to nothing. */
	t->failed += failed + !sum;
	t->ops += c->loops;
}

/* === vmalloc_memory: page tables and metadata per area === */

/*
 * Distinct PTE tables that map the @pages pages from @addr, found the same
 * way on both sides: lookup_address() of each page, the page of the
 * pte_t it returns. The pages are in address order, so a table is a run.
 */
static unsigned long count_pte_tables(unsigned long addr, unsigned long pages)
{
	unsigned long i, table, last = 0, nr = 0;
	unsigned int level;
	pte_t *pte;

	for (i = 0; i < pages; i++, addr += PAGE_SIZE) {
		pte = lookup_address(addr, &level);
		if (!pte || level != PG_LEVEL_4K)
			continue;
		table = (unsigned long)pte & PAGE_MASK;
		if (table != last)
			nr++;
		last = table;
	}
	return nr;
}

/* Bytes a kvmalloc() of @size at @p holds (vmalloc'd: whole pages). */
static size_t kv_reserved(const void *p, size_t size)
{
	if (!p)
		return 0;
	return is_vmalloc_addr(p) ? PAGE_ALIGN(size) : ksize(p);
}

/*
 * What the kernel's vmalloc() of @pages pages allocates beside the pages,
 * as 6.1's __vmalloc_node_range() does: a struct vm_struct (kzalloc), a
 * struct vmap_area (its own cache of 64-byte objects), and the array of
 * page pointers: kmalloc'd up to a page, else itself vmalloc'd, with its
 * own vm_struct, vmap_area and array (__vmalloc_area_node()). The kernel
 * exports no find_vm_area(): this is its layout, not a measurement.
 */
static size_t native_meta(unsigned long pages)
{
	size_t array = pages * sizeof(struct page *);
	size_t bytes = kmalloc_size_roundup(sizeof(struct vm_struct)) +
		       sizeof(struct vmap_area);

	if (array <= PAGE_SIZE)
		return bytes + kmalloc_size_roundup(array);
	return bytes + PAGE_ALIGN(array) + native_meta(PAGE_ALIGN(array) >> PAGE_SHIFT);
}

/* What mmlab's area at @p holds beside its pages: measured with ksize(). */
static size_t mmlab_meta(const void *p)
{
	struct mmlab_vm_struct *vm = mmlab_find_vm_area(p);

	if (!vm)
		return 0;
	return ksize(vm) + kmalloc_size_roundup(sizeof(struct mmlab_vmap_area)) +
	       kv_reserved(vm->pages, vm->nr_pages * sizeof(*vm->pages)) +
	       kv_reserved(vm->orders, vm->nr_pages);
}

static unsigned long mmlab_pte_tables(void)
{
	unsigned long nr;

	mutex_lock(&mmlab_vmap_lock);
	nr = mmlab_vwin.pte_tables;
	mutex_unlock(&mmlab_vmap_lock);
	return nr;
}

/**
 * struct area_mem - what one area of one side costs.
 * @tables:	distinct PTE tables mapping it (count_pte_tables()).
 * @meta:	metadata bytes.
 * @kept:	PTE tables of the range still installed after vfree and purge.
 * @own:	mmlab only: its own counter of PTE tables, the area's share.
 */
struct area_mem {
	unsigned long tables;
	size_t meta;
	unsigned long kept;
	unsigned long own;
};

static int measure_area(bool mm, unsigned long pages, struct area_mem *m)
{
	unsigned long before, a;
	void *p;

	side_purge(mm);
	before = mm ? mmlab_pte_tables() : 0;
	p = side_vmalloc(mm, pages << PAGE_SHIFT);
	if (!p)
		return -ENOMEM;
	a = (unsigned long)p;
	m->tables = count_pte_tables(a, pages);
	m->meta = mm ? mmlab_meta(p) : native_meta(pages);
	m->own = mm ? mmlab_pte_tables() - before : 0;
	side_vfree(mm, p);
	side_purge(mm);
	/* The range may be handed out again meanwhile: a snapshot. */
	m->kept = count_pte_tables(a, pages);
	return 0;
}

/* 1000 * @a / @b, as "X.YYY". */
static const char *milli_ratio(unsigned int slot, u64 a, u64 b)
{
	return bench_milli(slot, div64_u64(a * 1000, max(b, 1ULL)));
}

static const unsigned int memory_mib[] = { 1, 4, 16, 64 };

static int report_vmalloc_memory(const struct bench_scenario *s)
{
	struct area_mem mm, nat;
	unsigned int i, mib;
	unsigned long pages;
	int err = 0;

	pr_info("header %s item,mmlab,native,ratio,unit\n", s->name);
	for (i = 0; i < ARRAY_SIZE(memory_mib); i++) {
		mib = memory_mib[i];
		pages = (unsigned long)mib << (20 - PAGE_SHIFT);
		if (measure_area(true, pages, &mm) || measure_area(false, pages, &nat)) {
			pr_info("info %s: no area of %u MiB on one side\n", s->name, mib);
			err = -ENOMEM;
			continue;
		}
		pr_info("csv %s pte_tables_%uM,%lu,%lu,%s,tables\n", s->name, mib,
			mm.tables, nat.tables, milli_ratio(0, mm.tables, nat.tables));
		pr_info("csv %s pte_tables_per_mib_%uM,%s,%s,%s,tables/MiB\n", s->name,
			mib, milli_ratio(0, mm.tables, mib), milli_ratio(1, nat.tables, mib),
			milli_ratio(2, mm.tables, nat.tables));
		pr_info("csv %s pte_tables_counted_by_mmlab_%uM,%lu,,,tables\n", s->name,
			mib, mm.own);
		pr_info("csv %s pte_tables_kept_after_free_%uM,%lu,%lu,,tables\n",
			s->name, mib, mm.kept, nat.kept);
		pr_info("csv %s metadata_%uM,%zu,%zu,%s,bytes\n", s->name, mib,
			mm.meta, nat.meta, milli_ratio(0, mm.meta, nat.meta));
		pr_info("csv %s metadata_per_page_%uM,%s,%s,%s,bytes\n", s->name, mib,
			milli_ratio(0, mm.meta, pages), milli_ratio(1, nat.meta, pages),
			milli_ratio(2, mm.meta, nat.meta));
		cond_resched();
	}
	return err;
}

/* === Scenarios === */

static const int sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
static const int tv_params[] = { TV_FIX_SIZE, TV_FULL_FIT, TV_LONG_BUSY,
				 TV_RANDOM_SIZE, TV_FIX_ALIGN };
static const char *const tv_labels[] = {
	"fix_size_alloc_test", "full_fit_alloc_test", "long_busy_list_alloc_test",
	"random_size_alloc_test", "fix_align_alloc_test",
};

static const int one[] = { LOOKUP_PAGES };

static_assert(ARRAY_SIZE(tv_params) == NR_TV && ARRAY_SIZE(tv_labels) == NR_TV);

const struct bench_scenario bench_vmalloc_scenarios[] = {
	{ "vmalloc_size", "vmalloc+vfree round trip per size in pages", "pages",
	  sizes, ARRAY_SIZE(sizes), NULL, body_size, .loops_div = 4 },
	{ "vmalloc_size_high_order", "the same, mmlab with vmalloc_high_order=1", "pages",
	  sizes, ARRAY_SIZE(sizes), NULL, body_size, .prepare = prepare_high_order,
	  .finish = finish_high_order, .loops_div = 4 },
	{ "vmalloc_scenario", "lib/test_vmalloc.c's scenarios, per iteration", "test",
	  tv_params, ARRAY_SIZE(tv_params), tv_labels, body_scenario,
	  .prepare = prepare_scenario, .finish = finish_scenario, .loops_div = 8 },
	{ "vmalloc_to_page", "vmalloc_to_page() of each page of an area in turn", "pages",
	  one, 1, NULL, body_to_page, .prepare = prepare_lookup,
	  .finish = finish_lookup },
	{ "vmalloc_walk", "page-table walk per address: mmlab's walker, lookup_address()",
	  "pages", one, 1, NULL, body_walk, .prepare = prepare_walk,
	  .finish = finish_walk },
	{ "vmalloc_memory", "PTE tables per vmalloc MiB, metadata per area", NULL,
	  NULL, 0, NULL, NULL, report_vmalloc_memory },
};

const unsigned int bench_vmalloc_nr_scenarios = ARRAY_SIZE(bench_vmalloc_scenarios);
