/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs interface files of mmlab, one per allocator, under /sys/kernel/debug/mmlab.
 */
#ifndef _MMLAB_DEBUGFS_H
#define _MMLAB_DEBUGFS_H

struct dentry;
struct seq_file;
struct mmlab_ctl_table;

extern struct dentry *mmlab_debugfs_root;

/* buddy_debugfs.c */
void mmlab_buddy_debugfs_init(struct dentry *root);
void mmlab_seq_block(struct seq_file *m, unsigned long pfn, unsigned int order,
		     unsigned int zone, unsigned int migratetype);
extern const struct mmlab_ctl_table mmlab_buddy_ctl_table;

#endif /* _MMLAB_DEBUGFS_H */
