// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs interface of the page-table walker: `walk` (one address, kernel or
 * of a pid) and `mm` (a task's address space as the kernel holds it).
 *
 * Both are root-only (0600): they show physical addresses and another
 * task's layout. A write names what to show; each read walks the live
 * tables again.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vmalloc.h"
#include "walk.h"

/* Longest write accepted by `walk` and `mm`. */
#define WALK_MAX_WRITE	64

/* What `walk` and `mm` show; protected by walk_lock. */
static DEFINE_MUTEX(walk_lock);
static int walk_pid;			/* 0: a kernel walk */
static unsigned long walk_addr;		/* once written: the address */
static bool walk_addr_set;		/* until written, the window's start */
static int mm_pid = 1;

/* === Input === */

/*
 * Copies a write of at most WALK_MAX_WRITE bytes into @buf, NUL-terminated,
 * without a trailing newline; a NUL byte or a control character in it is an
 * error. Return: 0, -EINVAL or -EFAULT.
 */
static int str_from_user(char *buf, const char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	size_t len, i;

	if (*ppos || !count || count >= WALK_MAX_WRITE)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if (memchr(buf, '\0', count))
		return -EINVAL;		/* "0x1000\0junk" is not 0x1000 */
	buf[count] = '\0';
	if (count && buf[count - 1] == '\n')
		buf[count - 1] = '\0';
	len = strlen(buf);
	if (!len || buf[0] == ' ' || buf[len - 1] == ' ')
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isgraph(buf[i]) && buf[i] != ' ')
			return -EINVAL;
	return 0;
}

/* Parses "pid=N" into @pid: a live task with an mm. */
static int str_to_pid(const char *s, int *pid)
{
	struct task_struct *task;
	struct pid *p;
	bool has_mm;

	if (strncmp(s, "pid=", 4) || kstrtoint(s + 4, 10, pid) || *pid <= 0)
		return -EINVAL;
	p = find_get_pid(*pid);
	task = p ? get_pid_task(p, PIDTYPE_PID) : NULL;
	put_pid(p);
	if (!task)
		return -EINVAL;
	has_mm = !(READ_ONCE(task->flags) & PF_KTHREAD);
	put_task_struct(task);
	return has_mm ? 0 : -EINVAL;
}

/* === walk === */

static int walk_show(struct seq_file *m, void *v)
{
	struct mmlab_walk *w;
	unsigned long addr;
	int pid;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	mutex_lock(&walk_lock);
	pid = walk_pid;
	addr = walk_addr_set ? walk_addr : mmlab_vwin.start;
	mutex_unlock(&walk_lock);
	if (pid) {
		if (mmlab_walk_user(pid, addr, w) == -EINTR) {
			kfree(w);
			return -EINTR;
		}
	} else {
		mmlab_walk_kernel(addr, w);
	}
	mmlab_walk_show(m, w);
	kfree(w);
	return 0;
}

static int walk_open(struct inode *inode, struct file *file)
{
	return single_open(file, walk_show, inode->i_private);
}

/* "0xADDR" (a kernel walk from CR3) or "pid=N 0xADDR" (a user walk). */
static ssize_t walk_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	char buf[WALK_MAX_WRITE], *s = buf, *a;
	unsigned long addr;
	int pid = 0, err;

	err = str_from_user(buf, ubuf, count, ppos);
	if (err)
		goto bad;
	a = strsep(&s, " ");
	if (s) {
		err = str_to_pid(a, &pid);
		if (err) {
			pr_info_ratelimited("walk: '%s': expected pid=N of a user task\n", a);
			return err;
		}
		a = s;
	}
	err = kstrtoul(a, 0, &addr);
	if (err) {
		err = -EINVAL;
		goto bad;
	}
	mutex_lock(&walk_lock);
	walk_pid = pid;
	walk_addr = addr;
	walk_addr_set = true;
	mutex_unlock(&walk_lock);
	return count;
bad:
	if (err == -EINVAL)
		pr_info_ratelimited("walk: write 0xADDR or pid=N 0xADDR\n");
	return err;
}

static const struct file_operations walk_fops = {
	.owner = THIS_MODULE,
	.open = walk_open,
	.read = seq_read,
	.write = walk_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* === mm === */

/* VmFlags mnemonics of /proc/<pid>/smaps (show_smap_vma_flags()). */
static const struct {
	unsigned long flag;
	const char *name;
} vma_flag_names[] = {
	{ VM_READ, "rd" }, { VM_WRITE, "wr" }, { VM_EXEC, "ex" },
	{ VM_SHARED, "sh" }, { VM_MAYREAD, "mr" }, { VM_MAYWRITE, "mw" },
	{ VM_MAYEXEC, "me" }, { VM_MAYSHARE, "ms" }, { VM_GROWSDOWN, "gd" },
	{ VM_PFNMAP, "pf" }, { VM_LOCKED, "lo" }, { VM_IO, "io" },
	{ VM_SEQ_READ, "sr" }, { VM_RAND_READ, "rr" }, { VM_DONTCOPY, "dc" },
	{ VM_DONTEXPAND, "de" }, { VM_ACCOUNT, "ac" }, { VM_NORESERVE, "nr" },
	{ VM_HUGETLB, "ht" }, { VM_SYNC, "sf" }, { VM_ARCH_1, "ar" },
	{ VM_WIPEONFORK, "wf" }, { VM_DONTDUMP, "dd" }, { VM_SOFTDIRTY, "sd" },
	{ VM_MIXEDMAP, "mm" }, { VM_HUGEPAGE, "hg" }, { VM_NOHUGEPAGE, "nh" },
	{ VM_MERGEABLE, "mg" }, { VM_UFFD_MISSING, "um" }, { VM_UFFD_WP, "uw" },
};

/* The name column of /proc/<pid>/maps (show_map_vma()), or NULL. */
static const char *vma_name(struct vm_area_struct *vma, struct mm_struct *mm)
{
	const char *name;

	if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
		if (name)
			return name;
	}
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

/* One VMA as a line of /proc/<pid>/maps, then its flags and present pages. */
static void show_vma(struct seq_file *m, struct vm_area_struct *vma,
		     struct mm_struct *mm)
{
	unsigned long flags = vma->vm_flags, ino = 0;
	struct file *file = vma->vm_file;
	unsigned long long pgoff = 0;
	const char *name = NULL;
	dev_t dev = 0;
	unsigned int i;

	if (file) {
		struct inode *inode = file_inode(file);

		dev = inode->i_sb->s_dev;
		ino = inode->i_ino;
		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
	}
	seq_setwidth(m, 25 + sizeof(void *) * 6 - 1);
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
		   vma->vm_start, vma->vm_end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   pgoff, MAJOR(dev), MINOR(dev), ino);
	if (file) {
		seq_pad(m, ' ');
		seq_file_path(m, file, "\n");
	} else {
		name = vma_name(vma, mm);
#ifdef CONFIG_ANON_VMA_NAME
		if (!name && vma->anon_name) {
			seq_pad(m, ' ');
			seq_printf(m, "[anon:%s]", vma->anon_name->name);
		}
#endif
		if (name) {
			seq_pad(m, ' ');
			seq_puts(m, name);
		}
	}
	seq_puts(m, "\n\tflags ");
	for (i = 0; i < ARRAY_SIZE(vma_flag_names); i++)
		if (vma_flag_names[i].flag && (flags & vma_flag_names[i].flag))
			seq_printf(m, "%s ", vma_flag_names[i].name);
	seq_printf(m, " present %lu of %lu pages\n",
		   mmlab_walk_count_present(mm, vma->vm_start, vma->vm_end),
		   vma_pages(vma));
}

static int mm_show(struct seq_file *m, void *v)
{
	struct vm_area_struct *vma;
	struct task_struct *task;
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;
	struct pid *p;
	int pid;

	mutex_lock(&walk_lock);
	pid = mm_pid;
	mutex_unlock(&walk_lock);

	p = find_get_pid(pid);
	task = p ? get_pid_task(p, PIDTYPE_PID) : NULL;
	put_pid(p);
	if (!task) {
		seq_printf(m, "pid %d: no such task\n", pid);
		return 0;
	}
	get_task_comm(comm, task);
	mm = get_task_mm(task);
	if (!mm) {
		seq_printf(m, "pid %d (%s): no mm (a kernel thread)\n", pid, comm);
		put_task_struct(task);
		return 0;
	}
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		put_task_struct(task);
		return -EINTR;
	}
	seq_printf(m, "pid %d (%s)\n", pid, comm);
	seq_printf(m, "%-18s0x%016lx\n", "pgd", (unsigned long)__pa(mm->pgd));
	seq_printf(m, "%-18s0x%016lx\n", "start_code", mm->start_code);
	seq_printf(m, "%-18s0x%016lx\n", "end_code", mm->end_code);
	seq_printf(m, "%-18s0x%016lx\n", "start_data", mm->start_data);
	seq_printf(m, "%-18s0x%016lx\n", "end_data", mm->end_data);
	seq_printf(m, "%-18s0x%016lx\n", "start_brk", mm->start_brk);
	seq_printf(m, "%-18s0x%016lx\n", "brk", mm->brk);
	seq_printf(m, "%-18s0x%016lx\n", "start_stack", mm->start_stack);
	seq_printf(m, "%-18s0x%016lx\n", "mmap_base", mm->mmap_base);
	seq_printf(m, "%-18s%lu pages\n", "total_vm", mm->total_vm);
	seq_printf(m, "%-18s%lu pages\n", "rss file", get_mm_counter(mm, MM_FILEPAGES));
	seq_printf(m, "%-18s%lu pages\n", "rss anon", get_mm_counter(mm, MM_ANONPAGES));
	seq_printf(m, "%-18s%lu pages\n", "rss shmem", get_mm_counter(mm, MM_SHMEMPAGES));
	seq_printf(m, "%-18s%lu\n", "swap entries", get_mm_counter(mm, MM_SWAPENTS));
	seq_printf(m, "%-18s%d\n", "map_count", mm->map_count);
	seq_printf(m, "%-18s%lu\n\n", "page-table pages",
		   (unsigned long)mm_pgtables_bytes(mm) >> PAGE_SHIFT);
	for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end))
		show_vma(m, vma, mm);
	mmap_read_unlock(mm);
	mmput(mm);
	put_task_struct(task);
	return 0;
}

static int mm_open(struct inode *inode, struct file *file)
{
	return single_open(file, mm_show, inode->i_private);
}

/* "pid=N" of a task with an mm. */
static ssize_t mm_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	char buf[WALK_MAX_WRITE];
	int pid, err;

	err = str_from_user(buf, ubuf, count, ppos);
	if (!err)
		err = str_to_pid(buf, &pid);
	if (err) {
		if (err == -EINVAL)
			pr_info_ratelimited("mm: write pid=N of a user task\n");
		return err;
	}
	mutex_lock(&walk_lock);
	mm_pid = pid;
	mutex_unlock(&walk_lock);
	return count;
}

static const struct file_operations mm_fops = {
	.owner = THIS_MODULE,
	.open = mm_open,
	.read = seq_read,
	.write = mm_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* === Public interface === */

/**
 * mmlab_walk_debugfs_init() - create `walk` and `mm` (0600, root only).
 * @root: mmlab's debugfs directory.
 */
void mmlab_walk_debugfs_init(struct dentry *root)
{
	debugfs_create_file("walk", 0600, root, NULL, &walk_fops);
	debugfs_create_file("mm", 0600, root, NULL, &mm_fops);
}
