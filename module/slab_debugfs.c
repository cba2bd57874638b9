// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs interface of mmlab's slab allocator: slabinfo, slab/<cache>/ and
 * the slab and kmalloc commands of `control`.
 *
 * slabinfo is /proc/slabinfo's "slabinfo - version: 2.1" format of the
 * kernel's SLAB, one row per mmlab cache. Each cache has a directory
 * slab/<cache>/ with its parameters and counters (params), its slabs by list
 * with their object maps (slabs), the per-CPU array caches (cpu_caches) and,
 * with SLAB_STORE_USER, the owner tracks of its objects (owners). A file
 * prints with the lock of what it shows held (the cache's list_lock, or one
 * array cache's lock), so one list or one array reads as one instant.
 */

#define pr_fmt(fmt) "mmlab: " fmt

#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "buddy.h"
#include "control.h"
#include "debugfs.h"
#include "mmlab.h"
#include "pool.h"
#include "slab.h"

/* === Data === */

/* slab/ under mmlab's debugfs root; NULL until mmlab_slab_debugfs_init(). */
static struct dentry *slab_dir;

/* The flags params prints, in this order. */
static const struct {
	slab_flags_t flag;
	const char *name;
} flag_names[] = {
	{ SLAB_CONSISTENCY_CHECKS, "CONSISTENCY_CHECKS" },
	{ SLAB_RED_ZONE, "RED_ZONE" },
	{ SLAB_POISON, "POISON" },
	{ SLAB_STORE_USER, "STORE_USER" },
	{ SLAB_HWCACHE_ALIGN, "HWCACHE_ALIGN" },
};

/* === slabinfo === */

static int slabinfo_show(struct seq_file *m, void *v)
{
	struct mmlab_kmem_cache *c;
	unsigned long flags, slabs, free_slabs, free_objs;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(c, &mmlab_slab_caches, list) {
		spin_lock_irqsave(&c->list_lock, flags);
		slabs = c->nr_slabs[MMLAB_SLABS_FULL] + c->nr_slabs[MMLAB_SLABS_PARTIAL] +
			c->nr_slabs[MMLAB_SLABS_FREE];
		free_slabs = c->nr_slabs[MMLAB_SLABS_FREE];
		free_objs = c->free_objects;
		spin_unlock_irqrestore(&c->list_lock, flags);
		seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", c->name,
			   slabs * c->num - free_objs, slabs * c->num, c->size,
			   c->num, 1 << c->gfporder);
		seq_printf(m, " : tunables %4u %4u %4u", c->limit, c->batchcount, 0);
		seq_printf(m, " : slabdata %6lu %6lu %6lu\n", slabs - free_slabs,
			   slabs, 0UL);
	}
	mutex_unlock(&mmlab_slab_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabinfo);

/* === slab/<cache>/ === */

static int params_show(struct seq_file *m, void *v)
{
	struct mmlab_kmem_cache *c = m->private;
	unsigned long flags, nr[MMLAB_NR_SLAB_LISTS], free_objs;
	unsigned int i, colour_next;

	spin_lock_irqsave(&c->list_lock, flags);
	memcpy(nr, c->nr_slabs, sizeof(nr));
	free_objs = c->free_objects;
	colour_next = c->colour_next;
	spin_unlock_irqrestore(&c->list_lock, flags);

	seq_printf(m, "%-17s %s\n", "name:", c->name);
	seq_printf(m, "%-17s %u\n", "object_size:", c->object_size);
	seq_printf(m, "%-17s %u\n", "size:", c->size);
	seq_printf(m, "%-17s %u\n", "align:", c->align);
	seq_printf(m, "%-17s %u\n", "red_left_pad:", c->red_left_pad);
	seq_printf(m, "%-17s %u\n", "inuse:", c->inuse);
	seq_printf(m, "%-17s %u\n", "order:", c->gfporder);
	seq_printf(m, "%-17s %u\n", "pages_per_slab:", 1U << c->gfporder);
	seq_printf(m, "%-17s %u\n", "objects_per_slab:", c->num);
	seq_printf(m, "%-17s %s\n", "management:",
		   c->flags & MMLAB_CFLGS_OFF_SLAB ? "off-slab" : "on-slab");
	seq_printf(m, "%-17s %u\n", "freelist_size:", c->freelist_size);
	seq_printf(m, "%-17s %u\n", "colour_off:", c->colour_off);
	seq_printf(m, "%-17s %u\n", "colour:", c->colour);
	seq_printf(m, "%-17s %u\n", "colour_next:", colour_next);
	seq_printf(m, "%-17s", "flags:");
	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (c->flags & flag_names[i].flag)
			seq_printf(m, " %s", flag_names[i].name);
	seq_putc(m, '\n');
	seq_printf(m, "%-17s %ps\n", "ctor:", c->ctor);
	seq_printf(m, "%-17s %s\n", "cpu_cache:", "on");
	seq_printf(m, "%-17s %u\n", "limit:", c->limit);
	seq_printf(m, "%-17s %u\n", "batchcount:", c->batchcount);
	seq_printf(m, "%-17s %lu\n", "free_limit:", c->free_limit);
	for (i = 0; i < MMLAB_NR_SLAB_LISTS; i++)
		seq_printf(m, "slabs_%-11s %lu\n", mmlab_slab_list_names[i], nr[i]);
	seq_printf(m, "%-17s %lu\n", "free_objects:", free_objs);
	for (i = 0; i < MMLAB_NR_SLAB_STATS; i++)
		seq_printf(m, "%-17s %lu\n", mmlab_slab_stat_names[i],
			   mmlab_slab_stat(c, i));
	seq_printf(m, "%-17s %lu\n", "errors_total", mmlab_slab_total_errors());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(params);

/*
 * The object map of a slab: A allocated to a caller, c handed out of the
 * slab but not allocated (in an array cache), . free. Caller holds
 * list_lock.
 */
static void seq_object_map(struct seq_file *m, struct mmlab_kmem_cache *c,
			   struct mmlab_slab *slab)
{
	unsigned int i, k;
	char ch;

	for (i = 0; i < c->num; i++) {
		if (test_bit(i, slab->objmap)) {
			ch = 'A';
		} else {
			ch = 'c';
			for (k = slab->active; k < c->num; k++)
				if (slab->freelist[k] == i) {
					ch = '.';
					break;
				}
		}
		seq_putc(m, ch);
	}
}

static int slabs_show(struct seq_file *m, void *v)
{
	struct mmlab_kmem_cache *c = m->private;
	struct mmlab_slab *slab;
	unsigned long flags;
	unsigned int l;

	seq_puts(m, "list pfn order colour_off inuse objects map\n");
	spin_lock_irqsave(&c->list_lock, flags);
	for (l = 0; l < MMLAB_NR_SLAB_LISTS; l++) {
		list_for_each_entry(slab, &c->slabs[l], slab_list) {
			seq_printf(m, "%s 0x%lx %u %u %u %u ", mmlab_slab_list_names[l],
				   slab->pfn, c->gfporder, slab->colour_off,
				   slab->active, c->num);
			seq_object_map(m, c, slab);
			seq_putc(m, '\n');
		}
	}
	spin_unlock_irqrestore(&c->list_lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabs);

static int cpu_caches_show(struct seq_file *m, void *v)
{
	struct mmlab_kmem_cache *c = m->private;
	unsigned long flags;
	unsigned int i;
	int cpu;

	seq_puts(m, "cpu avail limit batchcount touched objects(pfn/index, newest last)\n");
	for_each_online_cpu(cpu) {
		struct mmlab_array_cache *ac = per_cpu_ptr(c->cpu_cache, cpu);

		spin_lock_irqsave(&ac->lock, flags);
		seq_printf(m, "%d %u %u %u %u", cpu, ac->avail, ac->limit,
			   ac->batchcount, ac->touched);
		for (i = 0; i < ac->avail; i++) {
			struct mmlab_slab *slab = mmlab_virt_to_slab(ac->entry[i], NULL);

			seq_printf(m, " 0x%lx/%u", slab->pfn,
				   mmlab_obj_to_index(c, slab, ac->entry[i]));
		}
		seq_putc(m, '\n');
		spin_unlock_irqrestore(&ac->lock, flags);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cpu_caches);

static void seq_track(struct seq_file *m, const char *what,
		      const struct mmlab_track *t)
{
	if (!t->addr) {
		seq_printf(m, " %s=-", what);
		return;
	}
	seq_printf(m, " %s=%pS pid=%d cpu=%d age=%lu", what, (void *)t->addr,
		   t->pid, t->cpu, jiffies - t->when);
}

/* Objects that were ever allocated, with their last alloc and free. */
static int owners_show(struct seq_file *m, void *v)
{
	struct mmlab_kmem_cache *c = m->private;
	struct mmlab_slab *slab;
	unsigned long flags;
	unsigned int l, i;

	seq_puts(m, "pfn/index state alloc free\n");
	spin_lock_irqsave(&c->list_lock, flags);
	for (l = 0; l < MMLAB_NR_SLAB_LISTS; l++) {
		list_for_each_entry(slab, &c->slabs[l], slab_list) {
			for (i = 0; i < c->num; i++) {
				void *obj = mmlab_index_to_obj(c, slab, i);
				struct mmlab_track *a, *f;

				a = mmlab_slab_track(c, obj, MMLAB_TRACK_ALLOC);
				f = mmlab_slab_track(c, obj, MMLAB_TRACK_FREE);
				if (!a->addr && !f->addr)
					continue;
				seq_printf(m, "0x%lx/%u %s", slab->pfn, i,
					   test_bit(i, slab->objmap) ? "allocated" : "free");
				seq_track(m, "alloc", a);
				seq_track(m, "free", f);
				seq_putc(m, '\n');
			}
		}
	}
	spin_unlock_irqrestore(&c->list_lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(owners);

/**
 * mmlab_slab_debugfs_add() - create slab/<cache>/ for a new cache.
 * @cachep: the cache. mmlab_slab_mutex held.
 */
void mmlab_slab_debugfs_add(struct mmlab_kmem_cache *cachep)
{
	if (!slab_dir || cachep->dir)
		return;
	cachep->dir = debugfs_create_dir(cachep->name, slab_dir);
	debugfs_create_file("params", 0400, cachep->dir, cachep, &params_fops);
	debugfs_create_file("slabs", 0400, cachep->dir, cachep, &slabs_fops);
	debugfs_create_file("cpu_caches", 0400, cachep->dir, cachep,
			    &cpu_caches_fops);
	if (cachep->flags & SLAB_STORE_USER)
		debugfs_create_file("owners", 0400, cachep->dir, cachep,
				    &owners_fops);
}

/**
 * mmlab_slab_debugfs_del() - remove slab/<cache>/ (waits for its readers).
 * @cachep: the cache about to be freed.
 */
void mmlab_slab_debugfs_del(struct mmlab_kmem_cache *cachep)
{
	debugfs_remove_recursive(cachep->dir);
	cachep->dir = NULL;
}

/* === Commands of `control` === */

/**
 * struct obj_handle - an object held through `control`.
 * @h:		the handle.
 * @obj:	the object.
 * @cache:	its cache, or NULL for a large kmalloc block.
 * @size:	bytes asked for (kmalloc).
 * @pfn:	PFN of its slab or block; @order that block's order.
 * @order:	order of its slab or block.
 * @zone:	zone of the block.
 * @mt:		migrate type of its pageblock.
 * @index:	its index in its slab (0 for a large block).
 */
struct obj_handle {
	struct mmlab_ctl_handle h;
	void *obj;
	struct mmlab_kmem_cache *cache;
	size_t size;
	unsigned long pfn;
	unsigned int order;
	unsigned int zone;
	unsigned int mt;
	unsigned int index;
};

static void kmalloc_handle_show(struct seq_file *m,
				const struct mmlab_ctl_handle *h)
{
	const struct obj_handle *oh = container_of(h, struct obj_handle, h);

	mmlab_seq_block(m, oh->pfn, oh->order, oh->zone, oh->mt);
	seq_printf(m, " kmalloc size=%zu ksize=%zu object=%u", oh->size,
		   mmlab_ksize(oh->obj), oh->index);
}

static void kmalloc_handle_free(struct mmlab_ctl_handle *h)
{
	struct obj_handle *oh = container_of(h, struct obj_handle, h);

	mmlab_kfree(oh->obj);
	kfree(oh);
}

static const struct mmlab_ctl_kind kmalloc_kind = {
	.name = "kmalloc",
	.show = kmalloc_handle_show,
	.free = kmalloc_handle_free,
};

static void cache_handle_show(struct seq_file *m,
			      const struct mmlab_ctl_handle *h)
{
	const struct obj_handle *oh = container_of(h, struct obj_handle, h);

	mmlab_seq_block(m, oh->pfn, oh->order, oh->zone, oh->mt);
	seq_printf(m, " cache_alloc cache=%s object=%u", oh->cache->name,
		   oh->index);
}

static void cache_handle_free(struct mmlab_ctl_handle *h)
{
	struct obj_handle *oh = container_of(h, struct obj_handle, h);

	mmlab_kmem_cache_free(oh->cache, oh->obj);
	kfree(oh);
}

static const struct mmlab_ctl_kind cache_kind = {
	.name = "cache_alloc",
	.show = cache_handle_show,
	.free = cache_handle_free,
};

/* Fills where @oh->obj lives: its slab (or large block), zone and type. */
static void locate(struct obj_handle *oh)
{
	struct mmlab_slab *slab = mmlab_virt_to_slab(oh->obj, NULL);
	struct mmlab_page *mp;

	if (slab) {
		oh->pfn = slab->pfn;
		oh->order = slab->cache->gfporder;
		oh->index = mmlab_obj_to_index(slab->cache, slab, oh->obj);
	} else {
		oh->pfn = PHYS_PFN(__pa(oh->obj));
		mp = pfn_to_mpage(oh->pfn);
		oh->order = mp ? mp->order : 0;
		oh->index = 0;
	}
	oh->zone = pfn_to_section(oh->pfn)->zone->idx;
	oh->mt = mmlab_pageblock_mt(oh->pfn);
}

enum { KMALLOC_SIZE };
static const struct mmlab_ctl_key kmalloc_keys[] = {
	[KMALLOC_SIZE] = MMLAB_CTL_KEY_NUM("size", true, 1,
					   PAGE_SIZE << (MMLAB_MAX_ORDER - 1)),
};

/* kmalloc size=N: GFP_KERNEL, as a kernel caller would. */
static int kmalloc_run(const struct mmlab_ctl_args *args)
{
	struct obj_handle *oh;
	int err;

	oh = kzalloc(sizeof(*oh), GFP_KERNEL);
	if (!oh)
		return -ENOMEM;
	oh->size = args->num[KMALLOC_SIZE];
	oh->obj = mmlab_kmalloc(oh->size, GFP_KERNEL | __GFP_NOWARN);
	if (!oh->obj) {
		kfree(oh);
		return -ENOMEM;
	}
	locate(oh);
	err = mmlab_ctl_handle_add(&oh->h, &kmalloc_kind);
	if (err)
		kmalloc_handle_free(&oh->h);
	return err;
}

enum { ID_ID };
static const struct mmlab_ctl_key id_keys[] = {
	[ID_ID] = MMLAB_CTL_KEY_NUM("id", true, 1, INT_MAX),
};

static int free_kind_run(const struct mmlab_ctl_args *args,
			 const struct mmlab_ctl_kind *kind)
{
	struct mmlab_ctl_handle *h = mmlab_ctl_handle_find(args->num[ID_ID], kind);

	if (!h) {
		pr_info_ratelimited("control: no %s handle with id %lu\n",
				    kind->name, args->num[ID_ID]);
		return -EINVAL;
	}
	mmlab_ctl_handle_destroy(h);
	return 0;
}

static int kfree_run(const struct mmlab_ctl_args *args)
{
	return free_kind_run(args, &kmalloc_kind);
}

static int cache_free_run(const struct mmlab_ctl_args *args)
{
	return free_kind_run(args, &cache_kind);
}

enum { CREATE_NAME, CREATE_SIZE, CREATE_ALIGN };
static const struct mmlab_ctl_key create_keys[] = {
	[CREATE_NAME] = MMLAB_CTL_KEY_NAME("name", true),
	[CREATE_SIZE] = MMLAB_CTL_KEY_NUM("size", true, 1, PAGE_SIZE << MMLAB_SLAB_MAX_ORDER_HARD),
	[CREATE_ALIGN] = MMLAB_CTL_KEY_NUM("align", false, 0, PAGE_SIZE),
};

static int cache_create_run(const struct mmlab_ctl_args *args)
{
	unsigned long align = args->num[CREATE_ALIGN];
	struct mmlab_kmem_cache *c;

	if (align && !is_power_of_2(align)) {
		pr_info_ratelimited("control: cache_create: align=%lu is not a power of two\n",
				    align);
		return -EINVAL;
	}
	mutex_lock(&mmlab_slab_mutex);
	c = __mmlab_kmem_cache_create(args->str[CREATE_NAME],
				      args->num[CREATE_SIZE], align,
				      MMLAB_CFLGS_CONTROL, NULL);
	mutex_unlock(&mmlab_slab_mutex);
	if (IS_ERR(c)) {
		pr_info_ratelimited("control: cache_create %s: error %ld\n",
				    args->str[CREATE_NAME], PTR_ERR(c));
		return PTR_ERR(c) == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	return 0;
}

enum { NAME_NAME };
static const struct mmlab_ctl_key name_keys[] = {
	[NAME_NAME] = MMLAB_CTL_KEY_NAME("name", true),
};

/* A control-made or kmalloc cache by name. mmlab_slab_mutex held. */
static struct mmlab_kmem_cache *find_control_cache(const char *name,
						   slab_flags_t kinds)
{
	struct mmlab_kmem_cache *c = mmlab_find_cache(name);

	if (!c || !(c->flags & kinds)) {
		pr_info_ratelimited("control: no cache %s made by control%s\n", name,
				    kinds & MMLAB_CFLGS_KMALLOC ? " or kmalloc" : "");
		return NULL;
	}
	return c;
}

static int cache_alloc_run(const struct mmlab_ctl_args *args)
{
	struct mmlab_kmem_cache *c;
	struct obj_handle *oh;
	int err;

	/* Control's lock keeps the cache: only cache_destroy destroys it. */
	mutex_lock(&mmlab_slab_mutex);
	c = find_control_cache(args->str[NAME_NAME],
			       MMLAB_CFLGS_CONTROL | MMLAB_CFLGS_KMALLOC);
	mutex_unlock(&mmlab_slab_mutex);
	if (!c)
		return -EINVAL;
	oh = kzalloc(sizeof(*oh), GFP_KERNEL);
	if (!oh)
		return -ENOMEM;
	oh->cache = c;
	oh->size = c->object_size;
	oh->obj = mmlab_kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN);
	if (!oh->obj) {
		kfree(oh);
		return -ENOMEM;
	}
	locate(oh);
	err = mmlab_ctl_handle_add(&oh->h, &cache_kind);
	if (err)
		cache_handle_free(&oh->h);
	return err;
}

static int cache_destroy_run(const struct mmlab_ctl_args *args)
{
	struct mmlab_ctl_handle *h;
	struct mmlab_kmem_cache *c;
	unsigned long id;
	int err = -EINVAL;

	mutex_lock(&mmlab_slab_mutex);
	c = find_control_cache(args->str[NAME_NAME], MMLAB_CFLGS_CONTROL);
	if (!c)
		goto out;
	for (id = 0; (h = mmlab_ctl_handle_next(&id, &cache_kind)); id++) {
		if (container_of(h, struct obj_handle, h)->cache == c) {
			pr_info_ratelimited("control: cache_destroy %s: handle %lu holds an object\n",
					    c->name, id);
			goto out;
		}
	}
	err = __mmlab_kmem_cache_destroy(c) ? -EINVAL : 0;
out:
	mutex_unlock(&mmlab_slab_mutex);
	return err;
}

static int shrink_run(const struct mmlab_ctl_args *args)
{
	mmlab_kmem_cache_shrink_all();
	return 0;
}

static const struct mmlab_ctl_cmd slab_cmds[] = {
	{ .verb = "kmalloc", .help = "mmlab_kmalloc N bytes (GFP_KERNEL)",
	  .keys = kmalloc_keys, .nr_keys = ARRAY_SIZE(kmalloc_keys),
	  .run = kmalloc_run },
	{ .verb = "kfree", .help = "mmlab_kfree a kmalloc handle",
	  .keys = id_keys, .nr_keys = ARRAY_SIZE(id_keys), .run = kfree_run },
	{ .verb = "cache_create", .help = "create a cache of N-byte objects",
	  .keys = create_keys, .nr_keys = ARRAY_SIZE(create_keys),
	  .run = cache_create_run },
	{ .verb = "cache_alloc",
	  .help = "allocate an object of a control-made or kmalloc cache",
	  .keys = name_keys, .nr_keys = ARRAY_SIZE(name_keys),
	  .run = cache_alloc_run },
	{ .verb = "cache_free", .help = "free a cache_alloc handle",
	  .keys = id_keys, .nr_keys = ARRAY_SIZE(id_keys),
	  .run = cache_free_run },
	{ .verb = "cache_destroy",
	  .help = "destroy a control-made cache with no object held",
	  .keys = name_keys, .nr_keys = ARRAY_SIZE(name_keys),
	  .run = cache_destroy_run },
	{ .verb = "shrink",
	  .help = "drain every cache's per-CPU arrays and free its free slabs",
	  .run = shrink_run },
};

const struct mmlab_ctl_table mmlab_slab_ctl_table = {
	.cmds = slab_cmds,
	.nr_cmds = ARRAY_SIZE(slab_cmds),
};

/* === Public interface === */

/**
 * mmlab_slab_debugfs_init() - create slabinfo and slab/<cache>/ of every cache.
 * @root: mmlab's debugfs directory.
 */
void mmlab_slab_debugfs_init(struct dentry *root)
{
	struct mmlab_kmem_cache *c;

	debugfs_create_file("slabinfo", 0400, root, NULL, &slabinfo_fops);
	mutex_lock(&mmlab_slab_mutex);
	slab_dir = debugfs_create_dir("slab", root);
	list_for_each_entry(c, &mmlab_slab_caches, list)
		mmlab_slab_debugfs_add(c);
	mutex_unlock(&mmlab_slab_mutex);
}

/**
 * mmlab_slab_debugfs_exit() - remove slabinfo's companions before the root.
 *
 * Removes slab/ and forgets every cache's directory, so that caches
 * destroyed later (at unload) do not touch removed dentries.
 */
void mmlab_slab_debugfs_exit(void)
{
	struct mmlab_kmem_cache *c;

	mutex_lock(&mmlab_slab_mutex);
	list_for_each_entry(c, &mmlab_slab_caches, list)
		c->dir = NULL;
	debugfs_remove_recursive(slab_dir);
	slab_dir = NULL;
	mutex_unlock(&mmlab_slab_mutex);
}
