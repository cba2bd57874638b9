// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab's per-CPU page lists: the hot path for blocks of order 0 to
 * MMLAB_PCP_MAX_ORDER, refilled and drained in batches, after the per_cpu_pages
 * of mm/page_alloc.c in Linux 6.1.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/topology.h>

#include "buddy.h"
#include "buddy_trace.h"
#include "pool.h"

/*
 * Locking: a CPU works on its own lists with interrupts off and pcp->lock
 * held; draining another CPU's lists takes that CPU's pcp->lock. zone->lock
 * nests inside pcp->lock, never the other way round.
 */

/* === Internals === */

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	return pindex / MMLAB_MIGRATE_TYPES;
}

/*
 * The kernel's zone_batchsize(): about 0.1% of the zone or 1 MiB, whichever
 * is smaller, divided by 4 and rounded to 2^n - 1.
 */
static int zone_batchsize(struct mmlab_zone *zone)
{
	int batch;

	batch = min(zone->managed_pages >> 10, SZ_1M / PAGE_SIZE);
	batch /= 4;		/* We effectively *= 4 below */
	if (batch < 1)
		batch = 1;

	/* Clamp the batch to a 2^n - 1 value. */
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;

	return batch;
}

/*
 * The kernel's zone_highsize(): the zone's low watermark split over the
 * CPUs of its node, at least four batches.
 */
static int zone_highsize(struct mmlab_zone *zone, int batch)
{
	unsigned long total_pages = zone->watermark[MMLAB_WMARK_LOW];
	int nr_split_cpus = 0;
	int high;

	if (zone->node != NUMA_NO_NODE)
		nr_split_cpus = cpumask_weight(cpumask_of_node(zone->node));
	if (!nr_split_cpus)
		nr_split_cpus = num_online_cpus();
	high = total_pages / nr_split_cpus;

	/* Ensure high is at least batch*4. */
	return max(high, batch << 2);
}

/*
 * Pages to give back when a list reaches its high mark: a batch, leaving at
 * least a batch on the list (the kernel's nr_pcp_free() without the
 * free_factor scaling: mmlab gives back exactly one batch each time).
 */
static int nr_pcp_free(struct mmlab_per_cpu_pages *pcp)
{
	int high = pcp->high, batch = pcp->batch;

	if (unlikely(high < batch))
		return 1;
	return max(min(batch, high - batch), 1);
}

/*
 * Give @count pages of @pcp back to @zone's free lists, round-robin over
 * the lists starting with @pindex, oldest blocks first. Caller holds
 * pcp->lock with interrupts off.
 */
static void free_pcppages_bulk(struct mmlab_zone *zone, int count,
			       struct mmlab_per_cpu_pages *pcp, int pindex,
			       int cpu)
{
	int min_pindex = 0;
	int max_pindex = MMLAB_NR_PCP_LISTS - 1;
	unsigned long flags;
	int drained = 0;

	lockdep_assert_held(&pcp->lock);

	/* Ensure proper count is passed, else the loop below never ends. */
	count = min(pcp->count, count);

	/* Ensure requested pindex is drained first. */
	pindex = pindex - 1;

	spin_lock_irqsave(&zone->lock, flags);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;
		int nr_pages;

		/* Remove pages from lists in a round-robin fashion. */
		do {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!list_empty(list))
				break;

			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		} while (1);

		order = pindex_to_order(pindex);
		nr_pages = 1 << order;
		do {
			struct mmlab_page *mp;
			unsigned long pfn;
			int mt;

			mp = list_last_entry(list, struct mmlab_page, lru);
			pfn = mpage_pfn(mp);
			mt = mp->migratetype;

			list_del(&mp->lru);
			count -= nr_pages;
			pcp->count -= nr_pages;
			drained += nr_pages;

			__mmlab_free_one_page(zone, pfn, order, mt);
			trace_mmlab_pcp_drain(pfn, order, mt, zone->idx, cpu);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock_irqrestore(&zone->lock, flags);

	if (drained)
		mmlab_count_add(zone, MMLAB_STAT_PCP_DRAIN, drained);
}

/* === Allocation and free (buddy.c) === */

/**
 * mmlab_rmqueue_pcplist() - take a block from this CPU's list of @zone.
 * @zone: the zone.
 * @order: 0 to MMLAB_PCP_MAX_ORDER.
 * @migratetype: the list's type.
 * @alloc_flags: MMLAB_ALLOC_* of the request, for a refill.
 *
 * An empty list is first refilled with a batch from the free lists (scaled
 * down for higher orders, at least two blocks), as the kernel's
 * __rmqueue_pcplist().
 *
 * Return: the block's head, off every list and state PCP with its PFN in
 * ->private, or NULL if the zone had nothing to refill with.
 */
struct mmlab_page *mmlab_rmqueue_pcplist(struct mmlab_zone *zone,
					 unsigned int order, int migratetype,
					 unsigned int alloc_flags)
{
	struct mmlab_per_cpu_pages *pcp;
	struct mmlab_page *mp = NULL;
	struct list_head *list;
	unsigned long flags;
	bool hit = true;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	spin_lock(&pcp->lock);

	list = &pcp->lists[order_to_pindex(migratetype, order)];
	if (list_empty(list)) {
		int batch = READ_ONCE(pcp->batch);
		int alloced;

		hit = false;
		/* Scale batch relative to order, as the kernel. */
		if (batch > 1)
			batch = max(batch >> order, 2);
		alloced = mmlab_rmqueue_bulk(zone, order, batch, list,
					     migratetype, alloc_flags);
		pcp->count += alloced << order;
		if (alloced) {
			mmlab_count(zone, MMLAB_STAT_PCP_REFILL);
			trace_mmlab_pcp_refill(zone->idx, smp_processor_id(),
					       order, migratetype, alloced);
		}
	}
	if (!list_empty(list)) {
		mp = list_first_entry(list, struct mmlab_page, lru);
		list_del(&mp->lru);
		pcp->count -= 1 << order;
		if (hit)
			mmlab_count(zone, MMLAB_STAT_PCP_HIT);
	}

	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
	return mp;
}

/**
 * mmlab_rmqueue_pcplist_bulk() - take up to @nr order-0 blocks from this CPU's list.
 * @zone: the zone.
 * @migratetype: the list's type.
 * @alloc_flags: MMLAB_ALLOC_* of the request, for the refills.
 * @nr: blocks wanted.
 * @out: where they go (at the tail, through ->lru).
 *
 * mmlab_rmqueue_pcplist() @nr times under one round trip of the list's
 * lock, as the kernel's __alloc_pages_bulk(): the list is refilled with a
 * batch from the free lists whenever it runs empty. The caller bounds @nr
 * (interrupts are off meanwhile).
 *
 * Return: the number of blocks put on @out, each off every other list,
 * state PCP with its PFN in ->private; fewer than @nr when the zone had
 * nothing left to refill with.
 */
unsigned int mmlab_rmqueue_pcplist_bulk(struct mmlab_zone *zone, int migratetype,
					unsigned int alloc_flags, unsigned int nr,
					struct list_head *out)
{
	struct mmlab_per_cpu_pages *pcp;
	unsigned int got = 0, hits = 0;
	struct list_head *list;
	struct mmlab_page *mp;
	unsigned long flags;
	int alloced;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	spin_lock(&pcp->lock);

	list = &pcp->lists[order_to_pindex(migratetype, 0)];
	while (got < nr) {
		if (list_empty(list)) {
			alloced = mmlab_rmqueue_bulk(zone, 0, READ_ONCE(pcp->batch),
						     list, migratetype, alloc_flags);
			if (!alloced)
				break;
			pcp->count += alloced;
			mmlab_count(zone, MMLAB_STAT_PCP_REFILL);
			trace_mmlab_pcp_refill(zone->idx, smp_processor_id(), 0,
					       migratetype, alloced);
		} else {
			hits++;
		}
		mp = list_first_entry(list, struct mmlab_page, lru);
		list_move_tail(&mp->lru, out);
		pcp->count--;
		got++;
	}
	if (hits)
		mmlab_count_add(zone, MMLAB_STAT_PCP_HIT, hits);

	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
	return got;
}

/**
 * mmlab_free_unref_page() - free a low-order block to this CPU's list.
 * @zone: the block's zone.
 * @mp: the block's head, claimed by the caller (no longer ALLOC).
 * @pfn: its PFN.
 * @order: 0 to MMLAB_PCP_MAX_ORDER.
 * @migratetype: its pageblock's type, the list it goes to.
 *
 * When the CPU's pages reach the high mark, a batch goes back to the free
 * lists, as the kernel's free_unref_page_commit().
 */
void mmlab_free_unref_page(struct mmlab_zone *zone, struct mmlab_page *mp,
			   unsigned long pfn, unsigned int order, int migratetype)
{
	struct mmlab_per_cpu_pages *pcp;
	unsigned long flags;
	int pindex;

	pindex = order_to_pindex(migratetype, order);

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	spin_lock(&pcp->lock);

	mp->order = order;
	mp->migratetype = migratetype;
	mp->owner = MMLAB_OWNER_NONE;
	mp->private = pfn;
	mp->cpu = smp_processor_id();
	mp->state = MMLAB_PAGE_PCP;
	list_add(&mp->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;

	if (pcp->count >= READ_ONCE(pcp->high))
		free_pcppages_bulk(zone, nr_pcp_free(pcp), pcp, pindex,
				   smp_processor_id());

	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
}

/**
 * mmlab_free_unref_page_list() - free order-0 blocks to this CPU's lists at once.
 * @zone: their zone.
 * @list: their heads, claimed by the caller (no longer ALLOC), linked
 *	through ->lru, each with its PFN in ->private and its pageblock's
 *	type in ->migratetype. Empty on return.
 *
 * mmlab_free_unref_page() for each, under one round trip of the list's
 * lock, as the kernel's free_unref_page_list(). The caller bounds the
 * list (interrupts are off meanwhile).
 */
void mmlab_free_unref_page_list(struct mmlab_zone *zone, struct list_head *list)
{
	struct mmlab_per_cpu_pages *pcp;
	struct mmlab_page *mp, *tmp;
	unsigned long flags;
	int pindex;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->pcp);
	spin_lock(&pcp->lock);

	list_for_each_entry_safe(mp, tmp, list, lru) {
		pindex = order_to_pindex(mp->migratetype, 0);
		mp->order = 0;
		mp->owner = MMLAB_OWNER_NONE;
		mp->cpu = smp_processor_id();
		mp->state = MMLAB_PAGE_PCP;
		list_move(&mp->lru, &pcp->lists[pindex]);
		pcp->count++;
		if (pcp->count >= READ_ONCE(pcp->high))
			free_pcppages_bulk(zone, nr_pcp_free(pcp), pcp, pindex,
					   smp_processor_id());
	}

	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
}

/* === Interface === */

/**
 * mmlab_drain_zone_pages() - give all of @cpu's pages of @zone back.
 * @zone: the zone.
 * @cpu: any possible CPU (its list lock is taken).
 */
void mmlab_drain_zone_pages(struct mmlab_zone *zone, int cpu)
{
	struct mmlab_per_cpu_pages *pcp;
	unsigned long flags;

	if (!zone->pcp)
		return;
	pcp = per_cpu_ptr(zone->pcp, cpu);
	spin_lock_irqsave(&pcp->lock, flags);
	if (pcp->count)
		free_pcppages_bulk(zone, pcp->count, pcp, 0, cpu);
	spin_unlock_irqrestore(&pcp->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(mmlab_drain_zone_pages, MMLAB_INTERNAL);

/**
 * mmlab_pcp_count() - pages on all CPUs' lists of @zone.
 * @zone: the zone.
 *
 * Return: the sum of the lists' counts (a snapshot).
 */
unsigned long mmlab_pcp_count(struct mmlab_zone *zone)
{
	unsigned long sum = 0;
	int cpu;

	if (!zone->pcp)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(zone->pcp, cpu)->count);
	return sum;
}
EXPORT_SYMBOL_NS_GPL(mmlab_pcp_count, MMLAB_INTERNAL);

/**
 * mmlab_pcp_init() - create @zone's per-CPU lists.
 * @zone: the zone, with its managed pages and watermarks set.
 * @batch: batch for every CPU, or 0 for the kernel's zone_batchsize().
 * @high: high mark for every CPU, or 0 for the kernel's zone_highsize().
 *
 * Return: 0 or -ENOMEM.
 */
int mmlab_pcp_init(struct mmlab_zone *zone, int batch, int high)
{
	int cpu, i;

	zone->pcp = alloc_percpu(struct mmlab_per_cpu_pages);
	if (!zone->pcp)
		return -ENOMEM;

	if (batch <= 0)
		batch = max(1, zone_batchsize(zone));
	if (high <= 0)
		high = zone_highsize(zone, batch);

	for_each_possible_cpu(cpu) {
		struct mmlab_per_cpu_pages *pcp = per_cpu_ptr(zone->pcp, cpu);

		spin_lock_init(&pcp->lock);
		pcp->count = 0;
		pcp->batch = batch;
		pcp->high = high;
		for (i = 0; i < MMLAB_NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
	}
	return 0;
}

/**
 * mmlab_pcp_exit() - drain and free @zone's per-CPU lists.
 * @zone: the zone.
 */
void mmlab_pcp_exit(struct mmlab_zone *zone)
{
	int cpu;

	for_each_possible_cpu(cpu)
		mmlab_drain_zone_pages(zone, cpu);
	free_percpu(zone->pcp);
	zone->pcp = NULL;
}

/* === CPU hotplug === */

static enum cpuhp_state pcp_cpuhp_state;

/*
 * A CPU is dead: give its per-CPU pages back to the free lists, as the
 * kernel's page_alloc_cpu_dead(). Runs on a control CPU after the CPU is
 * gone, so nothing can use its lists any more.
 */
static int pcp_cpu_dead(unsigned int cpu)
{
	struct mmlab_zone *zone;

	for_each_populated_mmlab_zone(zone)
		mmlab_drain_zone_pages(zone, cpu);
	return 0;
}

/**
 * mmlab_pcp_hotplug_init() - drain a CPU's lists when it goes offline.
 *
 * Return: 0, or the error of cpuhp_setup_state_nocalls().
 */
int mmlab_pcp_hotplug_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mmlab/pcp:dead",
					NULL, pcp_cpu_dead);
	if (ret < 0)
		return ret;
	pcp_cpuhp_state = ret;
	return 0;
}

/**
 * mmlab_pcp_hotplug_exit() - stop watching CPU hotplug.
 */
void mmlab_pcp_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(pcp_cpuhp_state);
}
