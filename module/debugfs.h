/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs interface files of mmlab, one per allocator, under /sys/kernel/debug/mmlab.
 */
#ifndef _MMLAB_DEBUGFS_H
#define _MMLAB_DEBUGFS_H

struct dentry;

extern struct dentry *mmlab_debugfs_root;

void mmlab_buddy_debugfs_init(struct dentry *root);

#endif /* _MMLAB_DEBUGFS_H */
