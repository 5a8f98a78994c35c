#include "evidence/logscan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/strbuf.h"

struct hit {
	size_t pos;
};

static int cmp_hit(const void *a, const void *b)
{
	size_t x = ((const struct hit *)a)->pos, y = ((const struct hit *)b)->pos;
	return x < y ? -1 : x > y;
}

/* Newlines in [p, p+n): a plain loop the compiler vectorises. */
static long count_nl(const char *p, size_t n)
{
	long c = 0;
	for (size_t i = 0; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* Scans complete lines in buf[0..len) (len ends just after a '\n', or is the
 * end of input). base: line number of the first line, minus one. */
static void scan_block(const char *buf, size_t len, const char *const anchors[], logscan_fn fn,
		       void *data, long base, struct hit **hits, size_t *cap)
{
	size_t nh = 0;
	size_t counted = 0;        /* bytes whose newlines are in `line` */
	long line = base;
	size_t last_start = (size_t)-1;

	for (size_t a = 0; anchors[a]; a++) {
		size_t alen = strlen(anchors[a]);
		const char *p = buf, *end = buf + len;
		while ((size_t)(end - p) >= alen) {
			const char *m = memmem(p, (size_t)(end - p), anchors[a], alen);
			if (!m)
				break;
			if (nh == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				*hits = xrealloc(*hits, *cap * sizeof(**hits));
			}
			(*hits)[nh++].pos = (size_t)(m - buf);
			/* One hit per line and anchor is enough: skip to the next line. */
			m = memchr(m, '\n', (size_t)(end - m));
			if (!m)
				break;
			p = m + 1;
		}
	}
	if (nh > 1)
		qsort(*hits, nh, sizeof(**hits), cmp_hit);
	for (size_t i = 0; i < nh; i++) {
		size_t pos = (*hits)[i].pos, start, stop;
		const char *nl;

		start = pos;
		while (start > 0 && buf[start - 1] != '\n')
			start--;
		if (start == last_start)
			continue;
		last_start = start;
		line += count_nl(buf + counted, start - counted);
		counted = start;
		nl = memchr(buf + start, '\n', len - start);
		stop = nl ? (size_t)(nl - buf) : len;
		if (stop > start && buf[stop - 1] == '\r')
			stop--;
		fn(data, buf + start, stop - start, line + 1);
	}
}

static void count_nuls(const char *buf, size_t len, struct logscan_stats *st)
{
	const char *p = buf, *end = buf + len;

	while (p < end && (p = memchr(p, '\0', (size_t)(end - p)))) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		st->nul_lines++;
		if (!nl)
			break;
		p = nl + 1;
	}
}

void logscan_buf(const char *buf, size_t len, const char *const anchors[], logscan_fn fn,
		 void *data, struct logscan_stats *st)
{
	struct hit *hits = NULL;
	size_t cap = 0;

	memset(st, 0, sizeof(*st));
	scan_block(buf, len, anchors, fn, data, 0, &hits, &cap);
	st->lines = count_nl(buf, len) + (len > 0 && buf[len - 1] != '\n');
	count_nuls(buf, len, st);
	free(hits);
}

int logscan_fd(int fd, const char *const anchors[], logscan_fn fn, void *data,
	       struct logscan_stats *st)
{
	char *buf = xmalloc(LOGSCAN_CHUNK);
	size_t have = 0;
	long base = 0;
	int skipping = 0; /* inside a line longer than the limit */
	struct hit *hits = NULL;
	size_t cap = 0;
	int r = 0;

	memset(st, 0, sizeof(*st));
	for (;;) {
		ssize_t n = read(fd, buf + have, LOGSCAN_CHUNK - have);
		size_t upto;
		char *lastnl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		have += (size_t)n;
		if (skipping) {
			char *nl = memchr(buf, '\n', have);
			if (!nl) {
				have = 0;
				if (n == 0)
					break;
				continue;
			}
			skipping = 0;
			base++;
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		if (n == 0) {
			/* End of input: a last line without a newline. */
			if (have) {
				scan_block(buf, have, anchors, fn, data, base, &hits, &cap);
				count_nuls(buf, have, st);
				base++;
			}
			break;
		}
		lastnl = memrchr(buf, '\n', have);
		if (!lastnl) {
			if (have < LOGSCAN_LINE_MAX)
				continue;
			/* A line longer than the limit: skip it, note where. */
			if (!st->long_lines)
				st->first_long_line = base + 1;
			st->long_lines++;
			skipping = 1;
			have = 0;
			continue;
		}
		upto = (size_t)(lastnl - buf) + 1;
		scan_block(buf, upto, anchors, fn, data, base, &hits, &cap);
		count_nuls(buf, upto, st);
		base += count_nl(buf, upto);
		have -= upto;
		memmove(buf, buf + upto, have);
	}
	st->lines = base;
	free(hits);
	free(buf);
	return r;
}
