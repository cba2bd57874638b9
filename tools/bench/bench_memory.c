// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab_bench: what mmlab's allocators spend on themselves, against the
 * kernel: metadata bytes per managed page against struct page.
 */

#define pr_fmt(fmt) "mmlab-bench: " fmt

#include <linux/math64.h>
#include <linux/mm_types.h>
#include <linux/printk.h>

#include "bench.h"
#include "pool.h"

static int report_memory(const struct bench_scenario *s)
{
	unsigned long pages = mmlab_pool.nr_pages;
	u64 milli;

	if (!pages)
		return -ENODEV;
	milli = div64_u64((u64)mmlab_pool.meta_bytes * 1000, pages);
	pr_info("header %s item,mmlab,native,ratio,unit\n", s->name);
	pr_info("csv %s metadata_per_page,%llu.%03llu,%zu,%llu.%03llu,bytes\n",
		s->name, milli / 1000, milli % 1000, sizeof(struct page),
		div64_u64(milli, sizeof(struct page)) / 1000,
		div64_u64(milli, sizeof(struct page)) % 1000);
	pr_info("csv %s pool_pages,%lu,%lu,,pages\n", s->name, pages, pages);
	pr_info("csv %s metadata_total,%zu,%zu,,bytes\n", s->name,
		mmlab_pool.meta_bytes, pages * sizeof(struct page));
	return 0;
}

const struct bench_scenario bench_memory_scenarios[] = {
	{ "memory", "metadata bytes per managed page", NULL,
	  NULL, 0, NULL, NULL, report_memory },
};

const unsigned int bench_memory_nr_scenarios = ARRAY_SIZE(bench_memory_scenarios);
