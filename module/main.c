// SPDX-License-Identifier: GPL-2.0
/*
 * mmlab module entry: parameters, load and unload of pool, allocators and debugfs.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pgtable.h>

#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include "buddy.h"
#include "control.h"
#include "debugfs.h"
#include "fault_inject.h"
#include "pool.h"
#include "slab.h"
#include "validate.h"
#include "vmalloc.h"
#include "walk.h"

/* === Parameters === */

static unsigned long pool_mb = 128;
module_param(pool_mb, ulong, 0444);
MODULE_PARM_DESC(pool_mb, "Pages to borrow from the host in all, in MiB (default 128)");

static unsigned long dma_mb = 2;
module_param(dma_mb, ulong, 0444);
MODULE_PARM_DESC(dma_mb, "Part of pool_mb taken from the host's ZONE_DMA, in MiB (default 2)");

static unsigned long dma32_mb = 32;
module_param(dma32_mb, ulong, 0444);
MODULE_PARM_DESC(dma32_mb, "Part of pool_mb taken from the host's ZONE_DMA32, in MiB (default 32)");

static unsigned long pool_min_free_kbytes;
module_param_named(min_free_kbytes, pool_min_free_kbytes, ulong, 0444);
MODULE_PARM_DESC(min_free_kbytes,
		 "Pool reserve behind the min watermarks, in KiB (default 0: the kernel's formula, sqrt(16 * pool KiB))");

static int pcp_batch;
module_param(pcp_batch, int, 0444);
MODULE_PARM_DESC(pcp_batch,
		 "Pages moved at once between free lists and per-CPU lists (default 0: the kernel's zone_batchsize())");

static int pcp_high;
module_param(pcp_high, int, 0444);
MODULE_PARM_DESC(pcp_high,
		 "Per-CPU list size that triggers a drain of a batch, in pages (default 0: the kernel's zone_highsize())");

struct dentry *mmlab_debugfs_root;

/* === Load and unload === */

#ifndef CONFIG_X86_64
#error "mmlab reimplements x86_64 memory management: build it for x86_64"
#endif

/*
 * mmlab walks and writes x86_64 page tables: refuse to load unless the CPU
 * runs the 4- or 5-level paging the kernel was built for, with 4 KiB pages.
 */
static int __init check_platform(void)
{
	unsigned long cr4 = native_read_cr4();

	if (PAGE_SIZE != SZ_4K) {
		pr_err("unsupported paging: %lu-byte pages\n", PAGE_SIZE);
		return -ENODEV;
	}
	if (!(cr4 & X86_CR4_PAE)) {
		pr_err("unexpected paging mode: CR4.PAE is clear (cr4=%#lx)\n", cr4);
		return -ENODEV;
	}
	if (!!(cr4 & X86_CR4_LA57) != pgtable_l5_enabled()) {
		pr_err("unexpected paging mode: CR4.LA57=%d but the kernel uses %d levels\n",
		       !!(cr4 & X86_CR4_LA57), pgtable_l5_enabled() ? 5 : 4);
		return -ENODEV;
	}
	return 0;
}

static int __init check_params(void)
{
	if (!pool_mb || pool_mb > (1UL << 20)) {
		pr_err("pool_mb=%lu: must be 1 to 1048576\n", pool_mb);
		return -EINVAL;
	}
	if (dma_mb > pool_mb || dma32_mb > pool_mb || dma_mb + dma32_mb > pool_mb) {
		pr_err("dma_mb=%lu + dma32_mb=%lu exceed pool_mb=%lu\n",
		       dma_mb, dma32_mb, pool_mb);
		return -EINVAL;
	}
	if (pool_min_free_kbytes > pool_mb * 1024 / 2) {
		pr_err("min_free_kbytes=%lu: more than half the pool\n", pool_min_free_kbytes);
		return -EINVAL;
	}
	if (pcp_batch < 0 || pcp_batch > 65536 || pcp_high < 0 || pcp_high > (1 << 24)) {
		pr_err("pcp_batch=%d pcp_high=%d: out of range\n", pcp_batch, pcp_high);
		return -EINVAL;
	}
	return 0;
}

static int __init mmlab_init(void)
{
	const unsigned long pages_per_mb = SZ_1M >> PAGE_SHIFT;
	int err;

	err = check_platform();
	if (!err)
		err = check_params();
	if (!err)
		err = mmlab_fault_inject_init();
	if (err)
		return err;

	err = mmlab_pool_init(pool_mb * pages_per_mb, dma_mb * pages_per_mb,
			      dma32_mb * pages_per_mb);
	if (err)
		return err;
	err = mmlab_buddy_init(pool_min_free_kbytes, pcp_batch, pcp_high);
	if (err)
		goto err_pool;
	err = mmlab_pcp_hotplug_init();
	if (err)
		goto err_buddy;
	err = mmlab_slab_init();
	if (err)
		goto err_pcp;
	err = mmlab_vmalloc_init();
	if (err)
		goto err_slab;

	mmlab_debugfs_root = debugfs_create_dir("mmlab", NULL);
	mmlab_buddy_debugfs_init(mmlab_debugfs_root);
	mmlab_control_init(mmlab_debugfs_root);
	mmlab_validate_debugfs_init(mmlab_debugfs_root);
	mmlab_fault_inject_debugfs_init(mmlab_debugfs_root);
	mmlab_slab_debugfs_init(mmlab_debugfs_root);
	mmlab_vmalloc_debugfs_init(mmlab_debugfs_root);
	mmlab_walk_debugfs_init(mmlab_debugfs_root);

	pr_info("pool of %lu pages (%lu MiB) in %u blocks, metadata %zu bytes\n",
		mmlab_pool.nr_pages, mmlab_pool.nr_pages / pages_per_mb,
		mmlab_pool.nr_blocks, mmlab_pool.meta_bytes);
	return 0;

err_slab:
	mmlab_slab_exit();
err_pcp:
	mmlab_pcp_hotplug_exit();
err_buddy:
	mmlab_buddy_exit();
err_pool:
	mmlab_pool_exit();
	return err;
}

static void __exit mmlab_exit(void)
{
	unsigned long reclaimed;

	mmlab_slab_debugfs_exit();
	debugfs_remove_recursive(mmlab_debugfs_root);
	mmlab_control_exit();
	mmlab_vmalloc_exit();
	mmlab_slab_exit();
	mmlab_pcp_hotplug_exit();
	mmlab_buddy_exit();
	reclaimed = mmlab_pool_exit();
	if (reclaimed)
		pr_warn("unload reclaimed %lu pages still allocated\n", reclaimed);
}

module_init(mmlab_init);
module_exit(mmlab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mmlab: the kernel's buddy, slab and vmalloc allocators, reimplemented and shown");
