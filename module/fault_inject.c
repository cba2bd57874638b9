// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for mmlab's allocators, in the style of the kernel's
 * fail_page_alloc and failslab (Documentation/fault-injection/).
 *
 * The kernel's own framework (CONFIG_FAULT_INJECTION) is not in Debian's
 * kernel, so mmlab carries the same knobs itself: each point has
 * probability (percent), interval, times, space and verbose, set at load by
 * a module parameter in the kernel's boot-parameter format
 * "<interval>,<probability>,<space>,<times>" and afterwards in
 * /sys/kernel/debug/mmlab/<point>/.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/string.h>

#include "fault_inject.h"

/* === Data === */

#define FAULT_ATTR_INIT(attr_name) {			\
	.name = attr_name,				\
	.interval = 1,					\
	.times = ATOMIC_INIT(1),			\
	.verbose = 1,					\
}

struct mmlab_fault_attr mmlab_fail_page_alloc = FAULT_ATTR_INIT("fail_page_alloc");
EXPORT_SYMBOL_NS_GPL(mmlab_fail_page_alloc, MMLAB_INTERNAL);
struct mmlab_fault_attr mmlab_failslab = FAULT_ATTR_INIT("failslab");
EXPORT_SYMBOL_NS_GPL(mmlab_failslab, MMLAB_INTERNAL);
struct mmlab_fault_attr mmlab_fail_vmalloc = FAULT_ATTR_INIT("fail_vmalloc");
EXPORT_SYMBOL_NS_GPL(mmlab_fail_vmalloc, MMLAB_INTERNAL);
struct mmlab_fault_attr mmlab_fail_borrow = FAULT_ATTR_INIT("fail_borrow");
EXPORT_SYMBOL_NS_GPL(mmlab_fail_borrow, MMLAB_INTERNAL);

static struct mmlab_fault_attr *const fault_attrs[] = {
	&mmlab_fail_page_alloc,
	&mmlab_failslab,
	&mmlab_fail_vmalloc,
	&mmlab_fail_borrow,
};

/* === Module parameters: the boot-parameter format === */

static char *fail_page_alloc;
module_param(fail_page_alloc, charp, 0444);
MODULE_PARM_DESC(fail_page_alloc,
		 "Fail mmlab page allocations: <interval>,<probability>,<space>,<times> (as the kernel's fail_page_alloc=)");

static char *failslab;
module_param(failslab, charp, 0444);
MODULE_PARM_DESC(failslab,
		 "Fail mmlab slab object allocations: <interval>,<probability>,<space>,<times>");

static char *fail_vmalloc;
module_param(fail_vmalloc, charp, 0444);
MODULE_PARM_DESC(fail_vmalloc,
		 "Fail mmlab vmalloc allocations: <interval>,<probability>,<space>,<times>");

static char *fail_borrow;
module_param(fail_borrow, charp, 0444);
MODULE_PARM_DESC(fail_borrow,
		 "Fail borrowing pages from the host at load: <interval>,<probability>,<space>,<times>");

/*
 * Parse "<interval>,<probability>,<space>,<times>" into @attr, as the
 * kernel's setup_fault_attr(); @attr is changed only if all four are valid.
 */
static int parse_fault_attr(struct mmlab_fault_attr *attr, const char *str)
{
	unsigned long interval, probability;
	int space, times;
	char extra;

	if (sscanf(str, "%lu,%lu,%d,%d%c", &interval, &probability, &space,
		   &times, &extra) != 4 || !interval || probability > 100 ||
	    space < 0 || times < -1) {
		pr_err("%s=%s: expected <interval>,<probability 0-100>,<space>=0..,<times>=-1..\n",
		       attr->name, str);
		return -EINVAL;
	}
	attr->interval = interval;
	attr->probability = probability;
	atomic_set(&attr->space, space);
	atomic_set(&attr->times, times);
	return 0;
}

/**
 * mmlab_fault_inject_init() - apply the fault-injection module parameters.
 *
 * Called first at load, before anything is borrowed.
 *
 * Return: 0, or -EINVAL for a malformed parameter.
 */
int mmlab_fault_inject_init(void)
{
	const struct {
		struct mmlab_fault_attr *attr;
		const char *param;
	} params[] = {
		{ &mmlab_fail_page_alloc, fail_page_alloc },
		{ &mmlab_failslab, failslab },
		{ &mmlab_fail_vmalloc, fail_vmalloc },
		{ &mmlab_fail_borrow, fail_borrow },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		if (!params[i].param)
			continue;
		err = parse_fault_attr(params[i].attr, params[i].param);
		if (err)
			return err;
	}
	return 0;
}

/* === Decision === */

/**
 * __mmlab_should_fail() - decide whether this call of an enabled fault point fails.
 * @attr: the fault point.
 * @size: bytes the call asks for (consumed from @attr->space first).
 *
 * The kernel's should_fail() without the task filter and stack filter:
 * never if probability is 0 or times is exhausted; the first @space bytes
 * never fail; only every @interval-th call may fail, then with
 * @probability percent. A forced failure is counted in @attr->injected and,
 * with verbose, logged (verbose > 1 adds the caller chain).
 *
 * Return: true if the caller must fail.
 */
bool __mmlab_should_fail(struct mmlab_fault_attr *attr, size_t size)
{
	if (likely(!READ_ONCE(attr->probability)))
		return false;
	if (atomic_read(&attr->times) == 0)
		return false;
	if (atomic_read(&attr->space) > (int)min_t(size_t, size, INT_MAX)) {
		atomic_sub(size, &attr->space);
		return false;
	}
	if (attr->interval > 1 &&
	    atomic_long_inc_return(&attr->count) % attr->interval)
		return false;
	if (attr->probability <= get_random_u32_below(100))
		return false;

	if (atomic_read(&attr->times) != -1)
		atomic_dec_if_positive(&attr->times);
	atomic_long_inc(&attr->injected);
	if (attr->verbose)
		pr_info_ratelimited("%s: forcing a failure of %zu bytes in %pS\n",
				    attr->name, size, __builtin_return_address(0));
	if (attr->verbose > 1)
		pr_info_ratelimited("%s: called from %pS\n", attr->name,
				    __builtin_return_address(1));
	return true;
}
EXPORT_SYMBOL_NS_GPL(__mmlab_should_fail, MMLAB_INTERNAL);

/**
 * mmlab_faults_injected() - failures forced so far at every point.
 *
 * Return: the sum of every point's injected count.
 */
unsigned long mmlab_faults_injected(void)
{
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++)
		sum += atomic_long_read(&fault_attrs[i]->injected);
	return sum;
}
EXPORT_SYMBOL_NS_GPL(mmlab_faults_injected, MMLAB_INTERNAL);

/* === DebugFS Interface === */

/*
 * The knobs' writes: the kernel's debugfs attribute parser, with every
 * refusal an -EINVAL (an overflowing number is -ERANGE there) and a message
 * naming the file. A refused write changes nothing.
 */
static ssize_t knob_refused(struct file *file, ssize_t ret)
{
	if (ret == -ERANGE || ret == -EINVAL) {
		pr_info_ratelimited("%pd2: refused: not a number in the knob's range\n",
				    file->f_path.dentry);
		return -EINVAL;
	}
	return ret;
}

static ssize_t knob_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	return knob_refused(file, debugfs_attr_write(file, buf, len, ppos));
}

static ssize_t knob_write_signed(struct file *file, const char __user *buf,
				 size_t len, loff_t *ppos)
{
	return knob_refused(file, debugfs_attr_write_signed(file, buf, len, ppos));
}

/*
 * DEFINE_FAULT_KNOB_ATTRIBUTE(name, fmt, write) - name##_fops for
 * name##_get() and name##_set(), as DEFINE_DEBUGFS_ATTRIBUTE() but with
 * @write (knob_write or knob_write_signed) for its writes.
 */
#define DEFINE_FAULT_KNOB_ATTRIBUTE(name, fmt, _write)			\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return simple_attr_open(inode, file, name##_get, name##_set, fmt); \
}									\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = name##_open,						\
	.release = simple_attr_release,					\
	.read = debugfs_attr_read,					\
	.write = _write,						\
	.llseek = no_llseek,						\
}

#define knob_attr(data)	((struct mmlab_fault_attr *)(data))

static int probability_get(void *data, u64 *val)
{
	*val = READ_ONCE(knob_attr(data)->probability);
	return 0;
}

/* A percentage: anything above 100 is refused, the knob unchanged. */
static int probability_set(void *data, u64 val)
{
	if (val > 100)
		return -EINVAL;
	WRITE_ONCE(knob_attr(data)->probability, val);
	return 0;
}
DEFINE_FAULT_KNOB_ATTRIBUTE(probability, "%llu\n", knob_write);

static int interval_get(void *data, u64 *val)
{
	*val = READ_ONCE(knob_attr(data)->interval);
	return 0;
}

/* Every interval-th call is eligible; 0 and 1 both mean every call. */
static int interval_set(void *data, u64 val)
{
	WRITE_ONCE(knob_attr(data)->interval, val);
	return 0;
}
DEFINE_FAULT_KNOB_ATTRIBUTE(interval, "%llu\n", knob_write);

static int times_get(void *data, u64 *val)
{
	*val = (s64)atomic_read(&knob_attr(data)->times);
	return 0;
}

/* -1 (unlimited) or a count up to INT_MAX. */
static int times_set(void *data, u64 val)
{
	s64 times = (s64)val;

	if (times < -1 || times > INT_MAX)
		return -EINVAL;
	atomic_set(&knob_attr(data)->times, times);
	return 0;
}
DEFINE_FAULT_KNOB_ATTRIBUTE(times, "%lld\n", knob_write_signed);

static int space_get(void *data, u64 *val)
{
	*val = atomic_read(&knob_attr(data)->space);
	return 0;
}

/* Bytes that pass before failures start: 0 to INT_MAX. */
static int space_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(&knob_attr(data)->space, val);
	return 0;
}
DEFINE_FAULT_KNOB_ATTRIBUTE(space, "%llu\n", knob_write);

static int verbose_get(void *data, u64 *val)
{
	*val = READ_ONCE(knob_attr(data)->verbose);
	return 0;
}

/* 0 silent, 1 a line per failure, 2 with the caller: as the kernel's. */
static int verbose_set(void *data, u64 val)
{
	if (val > 2)
		return -EINVAL;
	WRITE_ONCE(knob_attr(data)->verbose, val);
	return 0;
}
DEFINE_FAULT_KNOB_ATTRIBUTE(verbose, "%llu\n", knob_write);

static int injected_get(void *data, u64 *val)
{
	*val = atomic_long_read(&knob_attr(data)->injected);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(injected_fops, injected_get, NULL, "%llu\n");

/**
 * mmlab_fault_inject_debugfs_init() - one directory of knobs per fault point.
 * @root: mmlab's debugfs directory.
 *
 * The files of the kernel's fault_create_debugfs_attr(): probability,
 * interval, times, space, verbose; and `injected`, the failures forced.
 * A write that is not a number in the knob's range fails with -EINVAL and
 * leaves the knob as it was.
 */
void mmlab_fault_inject_debugfs_init(struct dentry *root)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		struct mmlab_fault_attr *attr = fault_attrs[i];
		struct dentry *dir = debugfs_create_dir(attr->name, root);

		debugfs_create_file_unsafe("probability", 0600, dir, attr,
					   &probability_fops);
		debugfs_create_file_unsafe("interval", 0600, dir, attr,
					   &interval_fops);
		debugfs_create_file_unsafe("times", 0600, dir, attr, &times_fops);
		debugfs_create_file_unsafe("space", 0600, dir, attr, &space_fops);
		debugfs_create_file_unsafe("verbose", 0600, dir, attr,
					   &verbose_fops);
		debugfs_create_file_unsafe("injected", 0400, dir, attr,
					   &injected_fops);
	}
}
