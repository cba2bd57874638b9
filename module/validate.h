/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The invariant checker of mmlab's allocators (debugfs `validate`, KUnit, stress).
 */
#ifndef _MMLAB_VALIDATE_H
#define _MMLAB_VALIDATE_H

#include <linux/compiler_attributes.h>
#include <linux/types.h>

struct dentry;

/**
 * struct mmlab_validate - the result of one run of the checker.
 * @checked:	objects looked at (pages, list entries, slabs, areas ...).
 * @failed:	a violation was found.
 * @msg:	the first violation, when @failed.
 * @scratch:	the checker's working memory, during the run only.
 */
struct mmlab_validate {
	unsigned long checked;
	bool failed;
	char msg[256];
	void *scratch;
};

int mmlab_validate(struct mmlab_validate *v);
__printf(2, 3) void mmlab_validate_fail(struct mmlab_validate *v, const char *fmt, ...);
void mmlab_validate_debugfs_init(struct dentry *root);

#endif /* _MMLAB_VALIDATE_H */
