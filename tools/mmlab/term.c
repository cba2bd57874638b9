// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal handling without ncurses: is stdout a terminal, its size, raw
 * mode for the keys of `mmlab top`, ANSI colours and bars.
 */

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "mmlab.h"

static struct termios saved;
static bool saved_valid;

void term_size(struct mm_term *t)
{
	struct winsize ws;

	t->rows = 24;
	t->cols = 80;
	if (t->tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		t->rows = ws.ws_row;
		t->cols = ws.ws_col;
	}
}

void term_init(struct mm_term *t)
{
	const char *term = getenv("TERM");
	const char *nocol = getenv("NO_COLOR");

	memset(t, 0, sizeof(*t));
	t->tty = isatty(STDOUT_FILENO);
	t->colour = t->tty && !(nocol && *nocol) && !(term && !strcmp(term, "dumb"));
	term_size(t);
}

void term_restore(void)
{
	if (!saved_valid)
		return;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	saved_valid = false;
	/* show the cursor, leave the alternate screen */
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
}

static void on_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Raw keys, no echo, alternate screen; restored at exit and on signals. */
int term_raw(struct mm_term *t)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved))
		return -1;
	saved_valid = true;
	raw = saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw))
		return -1;
	atexit(term_restore);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fputs("\033[?1049h\033[?25l", stdout);
	t->raw = true;
	return 0;
}

/* Waits up to @timeout_ms for a key. Return: the key, or -1. */
int term_key(int timeout_ms)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char c;

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	if (read(STDIN_FILENO, &c, 1) != 1)
		return -1;
	return c;
}

void term_colour(FILE *f, const struct mm_term *t, const char *sgr)
{
	if (t->colour)
		fprintf(f, "\033[%sm", sgr);
}

void term_reset(FILE *f, const struct mm_term *t)
{
	if (t->colour)
		fputs("\033[0m", f);
}

/* A bar of @width cells filled to @frac: '#' runs, or coloured blocks. */
void term_bar(FILE *f, const struct mm_term *t, double frac, int width, const char *colour)
{
	int i, n;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	n = (int)(frac * width + 0.5);
	if (frac > 0 && !n)
		n = 1;
	term_colour(f, t, colour);
	for (i = 0; i < n; i++)
		fputs(t->colour ? "\u2588" : "#", f);
	term_reset(f, t);
	for (; i < width; i++)
		fputs(t->colour ? "\u00b7" : ".", f);
}
