// SPDX-License-Identifier: GPL-2.0
/*
 * The `control` and `handles` debugfs files: the command parser, the handle
 * table and the commands that work on handles of every kind.
 *
 * The grammar and the handles format are described in control.h. A write is
 * copied, split into words and checked against the command's key table
 * before anything happens; only then is the command run, under ctl_lock, the
 * lock that also protects the handle table.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/string_helpers.h>
#include <linux/uaccess.h>

#include "control.h"
#include "debugfs.h"
#include "slab.h"
#include "vmalloc.h"

/* === Data === */

/* Words of a command: verb, fixed word, one per key. */
#define CTL_MAX_WORDS		(2 + MMLAB_CTL_MAX_KEYS)
/* Bytes of a user's word quoted in an error message. */
#define CTL_QUOTE_MAX		32
/* Room for CTL_QUOTE_MAX bytes escaped as \xHH, and a NUL. */
#define CTL_QUOTE_SIZE		(4 * CTL_QUOTE_MAX + 1)

static_assert(MMLAB_CTL_MAX_KEYS <= BITS_PER_LONG);

/* Serialises commands; protects ctl_handles, ctl_next_id and every handle. */
static DEFINE_MUTEX(ctl_lock);
/* Live handles by id. */
static DEFINE_IDR(ctl_handles);
/* Id of the next handle: ids are never reused while mmlab is loaded. */
static unsigned long ctl_next_id = 1;
/*
 * ctl_next_id's slot is reserved (a NULL entry) in ctl_handles while a
 * command runs, so that the first handle the command adds cannot fail.
 */
static bool ctl_id_reserved;

/**
 * struct ctl_input - one write to `control`, split into words and parsed.
 * @buf:	the write, NUL-terminated, blanks replaced by NULs.
 * @words:	start of each word in @buf.
 * @nr_words:	entries in @words.
 * @args:	the values of the command's keys.
 * @q:		a word escaped for an error message (see quote()).
 *
 * Allocated for each write: too large for the stack of a debugfs write.
 */
struct ctl_input {
	char buf[MMLAB_CTL_MAX_WRITE + 1];
	char *words[CTL_MAX_WORDS];
	unsigned int nr_words;
	struct mmlab_ctl_args args;
	char q[CTL_QUOTE_SIZE];
};

/* === Handle table === */

/*
 * Reserves the slot of the next id before a command runs. Control's lock
 * must be held. Return: 0 or -ENOMEM.
 */
static int reserve_next_id(void)
{
	if (ctl_next_id >= INT_MAX)
		return 0;	/* ids exhausted: mmlab_ctl_handle_add() fails */
	if (idr_alloc(&ctl_handles, NULL, ctl_next_id, ctl_next_id + 1,
		      GFP_KERNEL) < 0)
		return -ENOMEM;
	ctl_id_reserved = true;
	return 0;
}

/* Drops the reservation a command did not use. Control's lock held. */
static void unreserve_next_id(void)
{
	if (ctl_id_reserved)
		idr_remove(&ctl_handles, ctl_next_id);
	ctl_id_reserved = false;
}

/**
 * mmlab_ctl_handle_add() - enter a new handle in the table.
 * @h: the handle, embedded in the kind's own structure.
 * @kind: its kind.
 *
 * Gives @h the next id: it becomes the last row of `handles`. Call it from a
 * command's run function (control's lock held) once the object exists. The
 * first handle a command adds takes a slot reserved before the command ran
 * and cannot fail; a further one can: then give the object back, so that
 * the command changes nothing.
 *
 * Return: 0, or -ENOMEM when the table cannot grow.
 */
int mmlab_ctl_handle_add(struct mmlab_ctl_handle *h,
			 const struct mmlab_ctl_kind *kind)
{
	lockdep_assert_held(&ctl_lock);
	if (ctl_id_reserved) {
		idr_replace(&ctl_handles, h, ctl_next_id);
		ctl_id_reserved = false;
	} else {
		if (ctl_next_id >= INT_MAX)
			return -ENOMEM;
		if (idr_alloc(&ctl_handles, h, ctl_next_id, ctl_next_id + 1,
			      GFP_KERNEL) < 0)
			return -ENOMEM;
	}
	h->id = ctl_next_id++;
	h->kind = kind;
	return 0;
}

/**
 * mmlab_ctl_handle_find() - the live handle with an id.
 * @id: the id, as the user wrote it (any value).
 * @kind: the kind it must have, or NULL for any kind.
 *
 * Control's lock must be held.
 *
 * Return: the handle, or NULL if no live handle of @kind has @id.
 */
struct mmlab_ctl_handle *mmlab_ctl_handle_find(unsigned long id,
					       const struct mmlab_ctl_kind *kind)
{
	struct mmlab_ctl_handle *h;

	lockdep_assert_held(&ctl_lock);
	if (!id || id > INT_MAX)
		return NULL;
	h = idr_find(&ctl_handles, id);
	if (h && kind && h->kind != kind)
		return NULL;
	return h;
}

/**
 * mmlab_ctl_handle_destroy() - remove a handle and free what it holds.
 * @h: a live handle.
 *
 * Control's lock must be held. @h is freed by its kind's free function.
 */
void mmlab_ctl_handle_destroy(struct mmlab_ctl_handle *h)
{
	lockdep_assert_held(&ctl_lock);
	idr_remove(&ctl_handles, h->id);
	h->kind->free(h);
}

/**
 * mmlab_ctl_handle_next() - the first live handle from an id on.
 * @id: in: the smallest id wanted; out: the id of the handle returned.
 * @kind: only a handle of this kind, or NULL for any handle.
 *
 * Control's lock must be held. Walk the handles in id order with
 *
 *	for (id = 0; (h = mmlab_ctl_handle_next(&id, kind)); id++)
 *
 * The loop may destroy @h: the walk goes on from the next id.
 *
 * Return: the handle, or NULL if there is none from @id on.
 */
struct mmlab_ctl_handle *mmlab_ctl_handle_next(unsigned long *id,
					       const struct mmlab_ctl_kind *kind)
{
	struct mmlab_ctl_handle *h;

	lockdep_assert_held(&ctl_lock);
	for (; (h = idr_get_next_ul(&ctl_handles, id)); (*id)++)
		if (!kind || h->kind == kind)
			return h;
	return NULL;
}

/* Destroys every live handle, in id order. Control's lock must be held. */
static void destroy_all_handles(void)
{
	struct mmlab_ctl_handle *h;
	unsigned long id;

	for (id = 0; (h = mmlab_ctl_handle_next(&id, NULL)); id++)
		mmlab_ctl_handle_destroy(h);
}

/* === Commands on handles of every kind === */

enum { FREE_ID };

static const struct mmlab_ctl_key free_keys[] = {
	[FREE_ID] = MMLAB_CTL_KEY_NUM("id", true, 1, INT_MAX),
};

static int free_run(const struct mmlab_ctl_args *args)
{
	struct mmlab_ctl_handle *h;

	h = mmlab_ctl_handle_find(args->num[FREE_ID], NULL);
	if (!h) {
		pr_info_ratelimited("control: free: no handle %lu\n",
				    args->num[FREE_ID]);
		return -EINVAL;
	}
	mmlab_ctl_handle_destroy(h);
	return 0;
}

static int free_all_run(const struct mmlab_ctl_args *args)
{
	destroy_all_handles();
	return 0;
}

static const struct mmlab_ctl_cmd ctl_handle_cmds[] = {
	{
		.verb = "free",
		.help = "free the handle with this id, whatever its kind",
		.keys = free_keys,
		.nr_keys = ARRAY_SIZE(free_keys),
		.run = free_run,
	},
	{
		.verb = "free",
		.word = "all",
		.help = "free every live handle, of every kind",
		.run = free_all_run,
	},
};

static const struct mmlab_ctl_table ctl_handle_table = {
	.cmds = ctl_handle_cmds,
	.nr_cmds = ARRAY_SIZE(ctl_handle_cmds),
};

/*
 * Every command of `control`, one table per allocator, in the order the
 * usage text lists them. An allocator adds its table here.
 */
static const struct mmlab_ctl_table *const ctl_tables[] = {
	&mmlab_buddy_ctl_table,
	&mmlab_slab_ctl_table,
	&mmlab_vmalloc_ctl_table,
	&ctl_handle_table,
};

/* === Parser === */

#define ctl_reject(fmt, ...) \
	pr_info_ratelimited("control: " fmt "\n", ##__VA_ARGS__)

/*
 * @s for a message: its first CTL_QUOTE_MAX bytes, everything but printable
 * ASCII escaped (\t, \r, \xd9 ...), so that no write puts raw bytes in the
 * log. Return: @buf.
 */
static const char *quote(const char *s, char *buf)
{
	int n;

	n = string_escape_mem(s, min_t(size_t, strlen(s), CTL_QUOTE_MAX), buf,
			      CTL_QUOTE_SIZE - 1,
			      ESCAPE_NAP | ESCAPE_SPECIAL | ESCAPE_HEX, NULL);
	buf[min(n, CTL_QUOTE_SIZE - 1)] = '\0';
	return buf;
}

/**
 * str_to_ulong() - parse a number of the grammar: decimal or 0x hex.
 * @s: the word, NUL-terminated.
 * @res: the value.
 *
 * No sign, no space, no other base: "010" is ten, "0x" alone, "+1", "-1",
 * "0X1" and "1k" are errors.
 *
 * Return: 0, or -EINVAL for a malformed or overflowing number.
 */
static int str_to_ulong(const char *s, unsigned long *res)
{
	unsigned int base = 10;
	const char *p;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (base == 16 ? !isxdigit(*p) : !isdigit(*p))
			return -EINVAL;
	/* Only digits are left: kstrtoul() just converts and checks overflow. */
	return kstrtoul(s, base, res) ? -EINVAL : 0;
}

/* Whether @s is a name of the grammar: 1..MMLAB_CTL_NAME_MAX of [A-Za-z0-9_.-]. */
static bool str_is_name(const char *s)
{
	size_t len = strlen(s);
	const char *p;

	if (!len || len > MMLAB_CTL_NAME_MAX)
		return false;
	for (p = s; *p; p++)
		if (!isalnum(*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return true;
}

/**
 * split_input() - check the raw write and split it into words.
 * @in: the input; @in->buf holds @len bytes of the write.
 * @len: bytes written.
 *
 * Return: 0, or -EINVAL for a NUL byte, a second line, no word or too many.
 */
static int split_input(struct ctl_input *in, size_t len)
{
	char *p;

	if (memchr(in->buf, '\0', len)) {
		ctl_reject("NUL byte in the command");
		return -EINVAL;
	}
	if (len && in->buf[len - 1] == '\n')
		len--;
	in->buf[len] = '\0';
	if (strchr(in->buf, '\n')) {
		ctl_reject("one command per write, on one line");
		return -EINVAL;
	}

	in->nr_words = 0;
	p = in->buf;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (in->nr_words == CTL_MAX_WORDS) {
			ctl_reject("too many words");
			return -EINVAL;
		}
		in->words[in->nr_words++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (!in->nr_words) {
		ctl_reject("empty command");
		return -EINVAL;
	}
	return 0;
}

/**
 * find_cmd() - the command a write names.
 * @in: the split write.
 * @first_key: out: index in @in->words of the first key=value word.
 *
 * A command with a fixed word that matches the second word wins over the
 * command with the same verb and no fixed word.
 *
 * Return: the command, or NULL (with a message) if there is none.
 */
static const struct mmlab_ctl_cmd *find_cmd(struct ctl_input *in,
					    unsigned int *first_key)
{
	const struct mmlab_ctl_cmd *plain = NULL, *cmd;
	const char *verb = in->words[0];
	bool known = false;
	unsigned int t, c;

	for (t = 0; t < ARRAY_SIZE(ctl_tables); t++) {
		for (c = 0; c < ctl_tables[t]->nr_cmds; c++) {
			cmd = &ctl_tables[t]->cmds[c];
			if (strcmp(cmd->verb, verb))
				continue;
			known = true;
			if (!cmd->word) {
				if (!plain)
					plain = cmd;
			} else if (in->nr_words > 1 &&
				   !strcmp(cmd->word, in->words[1])) {
				*first_key = 2;
				return cmd;
			}
		}
	}
	*first_key = 1;
	if (!known)
		ctl_reject("unknown command '%s' (read control for the usage)",
			   quote(verb, in->q));
	else if (!plain)
		ctl_reject("%s: unknown form", verb);
	return plain;
}

/* Parses @val for @key into slot @i of @in->args. */
static int parse_value(const struct mmlab_ctl_cmd *cmd,
		       const struct mmlab_ctl_key *key, unsigned int i,
		       const char *val, struct ctl_input *in)
{
	struct mmlab_ctl_args *args = &in->args;
	unsigned long num = 0;
	char *q = in->q;
	unsigned int c;

	switch (key->type) {
	case MMLAB_CTL_NUM:
		if (str_to_ulong(val, &num)) {
			ctl_reject("%s: %s=%s: not a decimal or 0x hex number",
				   cmd->verb, key->name, quote(val, q));
			return -EINVAL;
		}
		if (num < key->min || num > key->max) {
			ctl_reject("%s: %s=%lu: out of range %lu..%lu",
				   cmd->verb, key->name, num, key->min, key->max);
			return -EINVAL;
		}
		break;
	case MMLAB_CTL_CHOICE:
		for (c = 0; key->choices[c]; c++)
			if (!strcmp(val, key->choices[c]))
				break;
		if (!key->choices[c]) {
			ctl_reject("%s: %s=%s: not one of the choices",
				   cmd->verb, key->name, quote(val, q));
			return -EINVAL;
		}
		num = c;
		break;
	case MMLAB_CTL_NAME:
		if (!str_is_name(val)) {
			ctl_reject("%s: %s=%s: not a name of 1 to %d [A-Za-z0-9_.-]",
				   cmd->verb, key->name, quote(val, q),
				   MMLAB_CTL_NAME_MAX);
			return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	}
	args->present |= BIT(i);
	args->num[i] = num;
	args->str[i] = val;
	return 0;
}

/**
 * parse_keys() - check the key=value words of a command.
 * @cmd: the command.
 * @in: the split write; the parsed values go to @in->args.
 * @first: index of the first key=value word in @in->words.
 *
 * Return: 0, or -EINVAL for a word that is not key=value, an unknown or
 * repeated key, a bad value or a missing required key.
 */
static int parse_keys(const struct mmlab_ctl_cmd *cmd, struct ctl_input *in,
		      unsigned int first)
{
	struct mmlab_ctl_args *args = &in->args;
	char *q = in->q;
	unsigned int w, k;
	int err;

	memset(args, 0, sizeof(*args));
	for (w = first; w < in->nr_words; w++) {
		char *word = in->words[w];
		char *eq = strchr(word, '=');

		if (!eq || eq == word) {
			ctl_reject("%s: '%s': expected key=value",
				   cmd->verb, quote(word, q));
			return -EINVAL;
		}
		*eq = '\0';
		for (k = 0; k < cmd->nr_keys; k++)
			if (!strcmp(word, cmd->keys[k].name))
				break;
		if (k == cmd->nr_keys) {
			ctl_reject("%s: unknown key '%s'",
				   cmd->verb, quote(word, q));
			return -EINVAL;
		}
		if (mmlab_ctl_has(args, k)) {
			ctl_reject("%s: key %s given twice",
				   cmd->verb, cmd->keys[k].name);
			return -EINVAL;
		}
		err = parse_value(cmd, &cmd->keys[k], k, eq + 1, in);
		if (err)
			return err;
	}
	for (k = 0; k < cmd->nr_keys; k++) {
		if (cmd->keys[k].required && !mmlab_ctl_has(args, k)) {
			ctl_reject("%s: missing %s=", cmd->verb,
				   cmd->keys[k].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* === DebugFS Interface === */

/* Prints one usage line: syntax built from the key table, then the help. */
static void show_usage(struct seq_file *m, const struct mmlab_ctl_cmd *cmd)
{
	const struct mmlab_ctl_key *key;
	unsigned int k, c;

	seq_puts(m, cmd->verb);
	if (cmd->word)
		seq_printf(m, " %s", cmd->word);
	for (k = 0; k < cmd->nr_keys; k++) {
		key = &cmd->keys[k];
		seq_printf(m, " %s%s=", key->required ? "" : "[", key->name);
		switch (key->type) {
		case MMLAB_CTL_NUM:
			seq_putc(m, 'N');
			break;
		case MMLAB_CTL_CHOICE:
			for (c = 0; key->choices[c]; c++)
				seq_printf(m, "%s%s", c ? "|" : "",
					   key->choices[c]);
			break;
		case MMLAB_CTL_NAME:
			seq_puts(m, "NAME");
			break;
		}
		if (!key->required)
			seq_putc(m, ']');
	}
	seq_printf(m, "  # %s\n", cmd->help);
}

static int control_show(struct seq_file *m, void *v)
{
	unsigned int t, c;

	for (t = 0; t < ARRAY_SIZE(ctl_tables); t++)
		for (c = 0; c < ctl_tables[t]->nr_cmds; c++)
			show_usage(m, &ctl_tables[t]->cmds[c]);
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, inode->i_private);
}

/*
 * One command per write, at offset 0: a write that does not start at offset
 * 0 is the continuation of a command split by the writer and is refused.
 */
static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	const struct mmlab_ctl_cmd *cmd;
	struct ctl_input *in;
	unsigned int first;
	int err;

	if (*ppos) {
		ctl_reject("write at offset %lld: one command per open and write",
			   *ppos);
		return -EINVAL;
	}
	if (!count || count > MMLAB_CTL_MAX_WRITE) {
		ctl_reject("a command is 1 to %d bytes, not %zu",
			   MMLAB_CTL_MAX_WRITE, count);
		return -EINVAL;
	}
	in = kmalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	if (copy_from_user(in->buf, ubuf, count)) {
		err = -EFAULT;
		goto out;
	}

	err = split_input(in, count);
	if (err)
		goto out;
	cmd = find_cmd(in, &first);
	if (!cmd) {
		err = -EINVAL;
		goto out;
	}
	err = parse_keys(cmd, in, first);
	if (err)
		goto out;

	mutex_lock(&ctl_lock);
	err = reserve_next_id();
	if (!err)
		err = cmd->run(&in->args);
	unreserve_next_id();
	mutex_unlock(&ctl_lock);
out:
	kfree(in);
	if (err)
		return err;
	*ppos += count;
	return count;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.open = control_open,
	.read = seq_read,
	.write = control_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int handles_show(struct seq_file *m, void *v)
{
	struct mmlab_ctl_handle *h;
	unsigned long id;

	seq_puts(m, "id pfn order zone type detail\n");
	mutex_lock(&ctl_lock);
	for (id = 0; (h = mmlab_ctl_handle_next(&id, NULL)); id++) {
		seq_printf(m, "%u ", h->id);
		h->kind->show(m, h);
		seq_putc(m, '\n');
	}
	mutex_unlock(&ctl_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(handles);

/* === Load and unload === */

/**
 * mmlab_control_init() - create `control` and `handles`.
 * @root: mmlab's debugfs directory.
 */
void mmlab_control_init(struct dentry *root)
{
	debugfs_create_file("control", 0600, root, NULL, &control_fops);
	debugfs_create_file("handles", 0400, root, NULL, &handles_fops);
}

/**
 * mmlab_control_exit() - free every live handle.
 *
 * Called at unload after the debugfs files are gone and before any
 * allocator is torn down: each handle goes back through its kind's free
 * function, so that allocators see every object they handed out come back.
 */
void mmlab_control_exit(void)
{
	mutex_lock(&ctl_lock);
	destroy_all_handles();
	mutex_unlock(&ctl_lock);
	idr_destroy(&ctl_handles);
}
