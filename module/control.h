/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The `control` and `handles` debugfs files: commands that allocate and free
 * through mmlab's allocators, and the table of what they hold.
 */
#ifndef _MMLAB_CONTROL_H
#define _MMLAB_CONTROL_H

struct dentry;

void mmlab_control_init(struct dentry *root);
void mmlab_control_exit(void);

#endif /* _MMLAB_CONTROL_H */
