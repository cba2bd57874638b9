/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of mmlab's slab allocator and kmalloc (system "mmlab"), after
 * the kernel's kmem events: cache alloc and free, kmalloc and kfree, slab
 * grow and shrink, per-CPU array refill and flush.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmlab

#if !defined(_MMLAB_SLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMLAB_SLAB_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>
#include <trace/events/mmflags.h>

TRACE_EVENT(mmlab_kmem_cache_alloc,
	    TP_PROTO(const char *name, unsigned long call_site, const void *ptr,
		     size_t bytes_req, size_t bytes_alloc, gfp_t gfp_flags),
	    TP_ARGS(name, call_site, ptr, bytes_req, bytes_alloc, gfp_flags),
	    TP_STRUCT__entry(__string(name, name)
			     __field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(size_t, bytes_alloc)
			     __field(unsigned long, gfp_flags)),
	    TP_fast_assign(__assign_str(name, name);
			   __entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = bytes_req;
			   __entry->bytes_alloc = bytes_alloc;
			   __entry->gfp_flags = (__force unsigned long)gfp_flags;),
	    TP_printk("cache=%s call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s",
		      __get_str(name), (void *)__entry->call_site, __entry->ptr,
		      __entry->bytes_req, __entry->bytes_alloc,
		      show_gfp_flags(__entry->gfp_flags))
);

TRACE_EVENT(mmlab_kmem_cache_free,
	    TP_PROTO(const char *name, unsigned long call_site, const void *ptr),
	    TP_ARGS(name, call_site, ptr),
	    TP_STRUCT__entry(__string(name, name)
			     __field(unsigned long, call_site)
			     __field(const void *, ptr)),
	    TP_fast_assign(__assign_str(name, name);
			   __entry->call_site = call_site;
			   __entry->ptr = ptr;),
	    TP_printk("cache=%s call_site=%pS ptr=%p", __get_str(name),
		      (void *)__entry->call_site, __entry->ptr)
);

TRACE_EVENT(mmlab_kmalloc_large,
	    TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		     unsigned int order),
	    TP_ARGS(call_site, ptr, bytes_req, order),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(unsigned int, order)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = bytes_req;
			   __entry->order = order;),
	    TP_printk("call_site=%pS ptr=%p bytes_req=%zu order=%u",
		      (void *)__entry->call_site, __entry->ptr,
		      __entry->bytes_req, __entry->order)
);

DECLARE_EVENT_CLASS(mmlab_slab_page,
		    TP_PROTO(const char *name, unsigned long pfn, unsigned int order,
			     unsigned int colour_off),
		    TP_ARGS(name, pfn, order, colour_off),
		    TP_STRUCT__entry(__string(name, name)
				     __field(unsigned long, pfn)
				     __field(unsigned int, order)
				     __field(unsigned int, colour_off)),
		    TP_fast_assign(__assign_str(name, name);
				   __entry->pfn = pfn;
				   __entry->order = order;
				   __entry->colour_off = colour_off;),
		    TP_printk("cache=%s pfn=0x%lx order=%u colour_off=%u",
			      __get_str(name), __entry->pfn, __entry->order,
			      __entry->colour_off)
);

/* A slab taken from the buddy allocator and populated. */
DEFINE_EVENT(mmlab_slab_page, mmlab_slab_grow,
	     TP_PROTO(const char *name, unsigned long pfn, unsigned int order,
		      unsigned int colour_off),
	     TP_ARGS(name, pfn, order, colour_off));

/* A free slab given back to the buddy allocator. */
DEFINE_EVENT(mmlab_slab_page, mmlab_slab_shrink,
	     TP_PROTO(const char *name, unsigned long pfn, unsigned int order,
		      unsigned int colour_off),
	     TP_ARGS(name, pfn, order, colour_off));

DECLARE_EVENT_CLASS(mmlab_array_cache,
		    TP_PROTO(const char *name, int cpu, unsigned int nr, unsigned int avail),
		    TP_ARGS(name, cpu, nr, avail),
		    TP_STRUCT__entry(__string(name, name)
				     __field(int, cpu)
				     __field(unsigned int, nr)
				     __field(unsigned int, avail)),
		    TP_fast_assign(__assign_str(name, name);
				   __entry->cpu = cpu;
				   __entry->nr = nr;
				   __entry->avail = avail;),
		    TP_printk("cache=%s cpu=%d nr=%u avail=%u", __get_str(name),
			      __entry->cpu, __entry->nr, __entry->avail)
);

/* Objects moved from the slab lists into a CPU's array cache. */
DEFINE_EVENT(mmlab_array_cache, mmlab_slab_refill,
	     TP_PROTO(const char *name, int cpu, unsigned int nr, unsigned int avail),
	     TP_ARGS(name, cpu, nr, avail));

/* Objects moved from a CPU's array cache back to the slab lists. */
DEFINE_EVENT(mmlab_array_cache, mmlab_slab_flush,
	     TP_PROTO(const char *name, int cpu, unsigned int nr, unsigned int avail),
	     TP_ARGS(name, cpu, nr, avail));

#endif /* _MMLAB_SLAB_TRACE_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE slab_trace
#include <trace/define_trace.h>
