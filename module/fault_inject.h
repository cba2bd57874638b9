/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault points of mmlab's allocators, after the kernel's fault_attr.
 */
#ifndef _MMLAB_FAULT_INJECT_H
#define _MMLAB_FAULT_INJECT_H

#include <linux/atomic.h>
#include <linux/types.h>

struct dentry;

/**
 * struct mmlab_fault_attr - one fault point, as the kernel's struct fault_attr.
 * @name:	the debugfs directory and parameter name.
 * @probability: percent of eligible calls that fail (0 disables the point).
 * @interval:	only every @interval-th call is eligible (0 and 1: every call).
 * @times:	failures left to inject; -1 is unlimited.
 * @space:	bytes of requests that pass before failures start.
 * @verbose:	0 silent, 1 one line per failure, 2 with the caller chain.
 * @count:	calls seen, for @interval.
 * @injected:	failures forced so far.
 */
struct mmlab_fault_attr {
	const char *name;
	unsigned long probability;
	unsigned long interval;
	atomic_t times;
	atomic_t space;
	unsigned long verbose;
	atomic_long_t count;
	atomic_long_t injected;
};

extern struct mmlab_fault_attr mmlab_fail_page_alloc;
extern struct mmlab_fault_attr mmlab_failslab;
extern struct mmlab_fault_attr mmlab_fail_vmalloc;
extern struct mmlab_fault_attr mmlab_fail_borrow;

int mmlab_fault_inject_init(void);
bool __mmlab_should_fail(struct mmlab_fault_attr *attr, size_t size);
unsigned long mmlab_faults_injected(void);
void mmlab_fault_inject_debugfs_init(struct dentry *root);

/**
 * mmlab_should_fail() - decide whether this call of a fault point fails.
 * @attr: the fault point.
 * @size: bytes the call asks for.
 *
 * Inline so that a disabled point (probability 0, always so in the timed
 * runs of `make bench`) costs one load and one branch on the allocators'
 * fast paths; see __mmlab_should_fail() for the rest.
 *
 * Return: true if the caller must fail.
 */
static __always_inline bool mmlab_should_fail(struct mmlab_fault_attr *attr,
					      size_t size)
{
	if (likely(!READ_ONCE(attr->probability)))
		return false;
	return __mmlab_should_fail(attr, size);
}

#endif /* _MMLAB_FAULT_INJECT_H */
