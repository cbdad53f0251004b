/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM imr_host

#if !defined(IMR_HOST_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define IMR_HOST_TRACE_H

#include <linux/tracepoint.h>

/* How a piece of a reported range was handled (imr_host:reclaim kind). */
#define IMR_KIND_SKIP		0	/* backing left alone */
#define IMR_KIND_ANON		1	/* private anonymous: zapped */
#define IMR_KIND_SHMEM		2	/* shmem/memfd: hole punched */
#define IMR_KIND_HUGETLB	3	/* private hugetlb: whole pages zapped */
#define IMR_KIND_HUGETLB_FILE	4	/* shared hugetlbfs: hole punched */

#define imr_show_kind(kind)						\
	__print_symbolic(kind,						\
			 { IMR_KIND_SKIP, "skip" },			\
			 { IMR_KIND_ANON, "anon" },			\
			 { IMR_KIND_SHMEM, "shmem" },			\
			 { IMR_KIND_HUGETLB, "hugetlb" },		\
			 { IMR_KIND_HUGETLB_FILE, "hugetlbfs" })

/* One report call and its result (0 or -IMR_E*); vm is the sysfs <id>. */
TRACE_EVENT(report,
	    TP_PROTO(unsigned int vm, unsigned long count, long result),
	    TP_ARGS(vm, count, result),
	    TP_STRUCT__entry(__field(unsigned int, vm)
			     __field(unsigned long, count)
			     __field(long, result)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->count = count;
			   __entry->result = result;),
	    TP_printk("vm=%u count=%lu result=%ld",
		      __entry->vm, __entry->count, __entry->result)
);

/* One piece of a range: a single backing, dropped or left alone. */
TRACE_EVENT(reclaim,
	    TP_PROTO(unsigned int vm, u64 gpa, u64 len, int kind),
	    TP_ARGS(vm, gpa, len, kind),
	    TP_STRUCT__entry(__field(unsigned int, vm)
			     __field(u64, gpa)
			     __field(u64, len)
			     __field(int, kind)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->gpa = gpa;
			   __entry->len = len;
			   __entry->kind = kind;),
	    TP_printk("vm=%u gpa=0x%llx len=0x%llx kind=%s",
		      __entry->vm, __entry->gpa, __entry->len,
		      imr_show_kind(__entry->kind))
);

#endif /* IMR_HOST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
