/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlab's console reports, caught on the console tracepoint as the kfence
 * tests catch theirs, for the KUnit modules that count reports.
 *
 * A test module includes this header once, calls console_reports_start()
 * with the text that marks a report from its suite_init and
 * console_reports_stop() from its suite_exit, and reads the reports with
 * take_reports().
 */
#ifndef _MMLAB_KUNIT_CONSOLE_REPORTS_H
#define _MMLAB_KUNIT_CONSOLE_REPORTS_H

#include <linux/minmax.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include <trace/events/printk.h>

/**
 * struct console_reports - reports seen on the console.
 * @lock:	protects the rest.
 * @match:	the text that marks a report, e.g. "BUG mmlab-".
 * @nr:		reports since the last take_reports().
 * @last:	the last one, from @match on, without the newline.
 */
static struct console_reports {
	spinlock_t lock;	/* protects the rest */
	const char *match;
	int nr;
	char last[256];
} observed = {
	.lock = __SPIN_LOCK_UNLOCKED(observed.lock),
};

static void probe_console(void *ignore, const char *buf, size_t len)
{
	unsigned long flags;
	const char *p;

	p = observed.match ? strnstr(buf, observed.match, len) : NULL;
	if (!p)
		return;
	spin_lock_irqsave(&observed.lock, flags);
	observed.nr++;
	strscpy(observed.last, p, min_t(size_t, buf + len - p + 1,
					sizeof(observed.last)));
	strim(observed.last);
	spin_unlock_irqrestore(&observed.lock, flags);
}

static void register_console_probe(struct tracepoint *tp, void *ignore)
{
	check_trace_callback_type_console(probe_console);
	if (!strcmp(tp->name, "console"))
		WARN_ON(tracepoint_probe_register(tp, probe_console, NULL));
}

static void unregister_console_probe(struct tracepoint *tp, void *ignore)
{
	if (!strcmp(tp->name, "console"))
		tracepoint_probe_unregister(tp, probe_console, NULL);
}

/* Count console lines holding @match from now on. */
static inline void console_reports_start(const char *match)
{
	WRITE_ONCE(observed.match, match);
	for_each_kernel_tracepoint(register_console_probe, NULL);
}

static inline void console_reports_stop(void)
{
	for_each_kernel_tracepoint(unregister_console_probe, NULL);
	tracepoint_synchronize_unregister();
}

/* Reports seen since the last call; the last one in @line. */
static inline int take_reports(char *line, size_t size)
{
	unsigned long flags;
	int nr;

	spin_lock_irqsave(&observed.lock, flags);
	nr = observed.nr;
	observed.nr = 0;
	strscpy(line, observed.last, size);
	observed.last[0] = '\0';
	spin_unlock_irqrestore(&observed.lock, flags);
	return nr;
}

#endif /* _MMLAB_KUNIT_CONSOLE_REPORTS_H */
