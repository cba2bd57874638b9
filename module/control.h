/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The `control` and `handles` debugfs files: commands that allocate and free
 * through mmlab's allocators, and the table of what they hold.
 *
 * control.c owns the grammar, the handle table and the lock; each allocator
 * brings its commands (a struct mmlab_ctl_table) and its kinds of handle (a
 * struct mmlab_ctl_kind) from its own interface file. Adding an allocator's
 * commands is one line in ctl_tables[] in control.c; the parser never changes.
 *
 * Grammar of a write to `control` (anything else fails with -EINVAL and
 * changes nothing):
 *
 *	command   := blanks? verb (blanks word)? (blanks key=value)* blanks? "\n"?
 *	blanks    := (' ' | '\t')+
 *	value     := number | choice | name
 *	number    := [0-9]+ | "0x" [0-9a-fA-F]+	(no sign; "010" is ten)
 *	choice    := one of the key's choices, case as written
 *	name      := [A-Za-z0-9_.-]{1,MMLAB_CTL_NAME_MAX}
 *
 * One command per write(), at file offset 0, at most MMLAB_CTL_MAX_WRITE
 * bytes, no NUL byte and no second line; each key at most once, every
 * required key present, numbers inside the key's range. The whole command is
 * parsed and checked before its run function is called.
 *
 * Format of `handles`: a header line "id pfn order zone type detail", then one
 * row per live handle in increasing id order (a new handle is the last row),
 * whitespace-separated:
 *
 *	<id> <pfn> <order> <zone> <type> [<kind> <key>=<value>...]
 *
 * The five first columns say where in the pool the handle lives: the PFN
 * (0x hex) of the block holding it, the block's order, its zone (DMA, DMA32,
 * Normal) and the migrate type of its pageblock when it was allocated
 * (unmovable, movable, reclaimable); "-" in a column that has no meaning for
 * the handle; mmlab_seq_block() (debugfs.h) prints the four for a block.
 * Page blocks (kind "pages") print exactly these five columns.
 * Every other kind adds the "detail" words: its kind name, then key=value
 * words of its own, for example
 *
 *	3 0x10403 0 Normal unmovable kmalloc size=100 ksize=128
 *	4 0x10480 0 Normal unmovable vmalloc addr=0xffffc90000801000 size=12288
 *
 * `free id=N` and `free all` (control.c) work on handles of every kind.
 *
 * Adding an allocator's commands, e.g. in slab_debugfs.c:
 *
 *	enum { KMALLOC_SIZE };
 *	static const struct mmlab_ctl_key kmalloc_keys[] = {
 *		[KMALLOC_SIZE] = MMLAB_CTL_KEY_NUM("size", true, 0, SZ_4M),
 *	};
 *	static const struct mmlab_ctl_cmd slab_cmds[] = {
 *		{ .verb = "kmalloc", .help = "kmalloc N bytes",
 *		  .keys = kmalloc_keys, .nr_keys = ARRAY_SIZE(kmalloc_keys),
 *		  .run = kmalloc_run },
 *	};
 *	const struct mmlab_ctl_table mmlab_slab_ctl_table = {
 *		.cmds = slab_cmds, .nr_cmds = ARRAY_SIZE(slab_cmds),
 *	};
 *
 * declare mmlab_slab_ctl_table in the allocator's header and add it to
 * ctl_tables[] in control.c. kmalloc_run() reads args->num[KMALLOC_SIZE],
 * allocates, embeds a struct mmlab_ctl_handle in a structure of its own and
 * calls mmlab_ctl_handle_add() (giving the object back if that fails); the
 * kind's free command finds it with mmlab_ctl_handle_find(id, &kind), which
 * is NULL for an unknown id or a handle of another kind (then -EINVAL), and
 * ends it with mmlab_ctl_handle_destroy().
 */
#ifndef _MMLAB_CONTROL_H
#define _MMLAB_CONTROL_H

#include <linux/bits.h>
#include <linux/types.h>

struct dentry;
struct seq_file;

/* Longest write accepted by `control`, newline included. */
#define MMLAB_CTL_MAX_WRITE	256
/* Most key=value words a command may declare. */
#define MMLAB_CTL_MAX_KEYS	8
/* Longest name value (a cache name, ...). */
#define MMLAB_CTL_NAME_MAX	31

/* === Commands === */

/* How the value of a key=value word is parsed. */
enum mmlab_ctl_key_type {
	MMLAB_CTL_NUM,		/* number in [min, max]: args->num[] */
	MMLAB_CTL_CHOICE,	/* one of choices[]: its index in args->num[] */
	MMLAB_CTL_NAME,		/* name: the string in args->str[] */
};

/**
 * struct mmlab_ctl_key - one key=value word a command accepts.
 * @name:	the key, e.g. "order".
 * @type:	enum mmlab_ctl_key_type.
 * @required:	the command fails with -EINVAL without it.
 * @min:	smallest value of an MMLAB_CTL_NUM key.
 * @max:	largest value of an MMLAB_CTL_NUM key.
 * @choices:	the values of an MMLAB_CTL_CHOICE key, matched case-sensitively,
 *		ending with NULL.
 *
 * Build them with MMLAB_CTL_KEY_NUM(), MMLAB_CTL_KEY_CHOICE() and
 * MMLAB_CTL_KEY_NAME().
 */
struct mmlab_ctl_key {
	const char *name;
	enum mmlab_ctl_key_type type;
	unsigned int required;
	unsigned long min;
	unsigned long max;
	const char *const *choices;
};

#define MMLAB_CTL_KEY_NUM(_name, _required, _min, _max)			\
	{ .name = (_name), .type = MMLAB_CTL_NUM, .required = (_required),	\
	  .min = (_min), .max = (_max) }

#define MMLAB_CTL_KEY_CHOICE(_name, _required, _choices)			\
	{ .name = (_name), .type = MMLAB_CTL_CHOICE,				\
	  .required = (_required), .choices = (_choices) }

#define MMLAB_CTL_KEY_NAME(_name, _required)					\
	{ .name = (_name), .type = MMLAB_CTL_NAME, .required = (_required) }

/**
 * struct mmlab_ctl_args - a parsed and checked command, as its run gets it.
 * @present:	bit i set if key i of the command's @keys was given.
 * @num:	value of key i: the number (MMLAB_CTL_NUM) or the index of the
 *		choice (MMLAB_CTL_CHOICE); 0 if absent.
 * @str:	value of key i as written, NUL-terminated (every type); NULL if
 *		absent. Valid only during the run function.
 *
 * Key i is the index of the key in struct mmlab_ctl_cmd's @keys: name the
 * indices with an enum next to the key table.
 */
struct mmlab_ctl_args {
	unsigned long present;
	unsigned long num[MMLAB_CTL_MAX_KEYS];
	const char *str[MMLAB_CTL_MAX_KEYS];
};

/**
 * mmlab_ctl_has() - whether key @i was given.
 * @args: the parsed command.
 * @i: index of the key in the command's key table.
 */
static inline bool mmlab_ctl_has(const struct mmlab_ctl_args *args,
				 unsigned int i)
{
	return args->present & BIT(i);
}

/**
 * struct mmlab_ctl_cmd - one command of `control`.
 * @verb:	first word, e.g. "alloc".
 * @word:	a fixed second word, or NULL. Commands may share a verb: a
 *		command whose @word is the second word of the write wins over
 *		the one without @word ("free all" and "free id=N").
 * @help:	what the command does, a short phrase for the usage text.
 * @keys:	the key=value words it accepts; at most MMLAB_CTL_MAX_KEYS.
 * @nr_keys:	entries in @keys.
 * @run:	does the command with control's lock held, nothing else held.
 *		Gets only arguments that passed every check of the grammar and
 *		of @keys. Returns 0, -EINVAL for a request that is well formed
 *		but refers to nothing (an unknown id or name), or -ENOMEM when
 *		the allocator cannot satisfy it. On error it must leave every
 *		state as it found it.
 *
 * The usage line printed by reading `control` is built from @verb, @word and
 * @keys ("key=N", "key=a|b", "key=NAME"; optional keys in brackets), then
 * "  # " and @help.
 */
struct mmlab_ctl_cmd {
	const char *verb;
	const char *word;
	const char *help;
	const struct mmlab_ctl_key *keys;
	unsigned int nr_keys;
	int (*run)(const struct mmlab_ctl_args *args);
};

/**
 * struct mmlab_ctl_table - the commands one allocator adds to `control`.
 * @cmds:	the commands, in the order the usage text lists them.
 * @nr_cmds:	entries in @cmds.
 *
 * Define it in the allocator's interface file (.nr_cmds = ARRAY_SIZE(...)),
 * declare it in that allocator's header and add it to ctl_tables[] in
 * control.c.
 */
struct mmlab_ctl_table {
	const struct mmlab_ctl_cmd *cmds;
	unsigned int nr_cmds;
};

/* === Handles === */

struct mmlab_ctl_handle;

/**
 * struct mmlab_ctl_kind - a kind of object a command can hold in `handles`.
 * @name:	the kind in the detail column, e.g. "kmalloc"; "pages" for
 *		page blocks (which print no detail).
 * @show:	prints the row after "<id> " and before the newline: the five
 *		columns pfn order zone type (see the top of this file) and, for
 *		every kind but "pages", the kind name and key=value words.
 *		Called with control's lock held; must not sleep for long.
 * @free:	gives the object back to its allocator and frees the structure
 *		that embeds the handle. Called with control's lock held, by the
 *		kind's own free command through mmlab_ctl_handle_destroy(), by
 *		`free id=N`, `free all` and at module unload, before any
 *		allocator is torn down. It cannot fail.
 */
struct mmlab_ctl_kind {
	const char *name;
	void (*show)(struct seq_file *m, const struct mmlab_ctl_handle *h);
	void (*free)(struct mmlab_ctl_handle *h);
};

/**
 * struct mmlab_ctl_handle - one live object held through `control`.
 * @id:		its id, from 1, increasing, never reused while mmlab is loaded.
 * @kind:	what it is and how to show and free it.
 *
 * Embed it in a structure of the kind's own (container_of()) that holds the
 * object: a struct page and its order, a kmalloc pointer, a vmalloc area.
 * The handle table and every handle are protected by control's lock, a
 * mutex taken before any allocator's lock: run, show and free functions may
 * take their allocator's locks (and sleep), but no mmlab_ctl_*() function
 * may be called with an allocator's lock held.
 */
struct mmlab_ctl_handle {
	u32 id;
	const struct mmlab_ctl_kind *kind;
};

int mmlab_ctl_handle_add(struct mmlab_ctl_handle *h,
			 const struct mmlab_ctl_kind *kind);
struct mmlab_ctl_handle *mmlab_ctl_handle_find(unsigned long id,
					       const struct mmlab_ctl_kind *kind);
void mmlab_ctl_handle_destroy(struct mmlab_ctl_handle *h);
struct mmlab_ctl_handle *mmlab_ctl_handle_next(unsigned long *id,
					       const struct mmlab_ctl_kind *kind);

/* === Load and unload === */

void mmlab_control_init(struct dentry *root);
void mmlab_control_exit(void);

#endif /* _MMLAB_CONTROL_H */
