#include "evidence/logscan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/strbuf.h"

/* The scan is one pass over the bytes: a SIMD block compares every
 * position with the first two bytes of each anchor and with '\n' at once;
 * only candidate positions are checked with memcmp, and newline masks are
 * popcounted for line numbers. That keeps a multi-anchor scan with exact
 * line numbers within reach of grep -F on one pattern (bench/check.sh). */
#define MAX_ANCHORS 16

struct scan {
	const char *buf;
	size_t len;
	long base;         /* lines before buf */
	size_t next_line;  /* positions below belong to a line already reported */
	const char *const *anchors;
	size_t n;
	size_t alen[MAX_ANCHORS];
	logscan_fn fn;
	void *data;
};

/* A possible anchor at pos; nl: newlines in buf[0..pos). */
static void candidate(struct scan *s, size_t pos, long nl)
{
	const char *buf = s->buf;
	size_t start, stop;
	const char *eol;
	size_t k;

	if (pos < s->next_line)
		return;
	for (k = 0; k < s->n; k++)
		if (s->len - pos >= s->alen[k] && memcmp(buf + pos, s->anchors[k], s->alen[k]) == 0)
			break;
	if (k == s->n)
		return;
	start = pos;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	eol = memchr(buf + pos, '\n', s->len - pos);
	stop = eol ? (size_t)(eol - buf) : s->len;
	s->next_line = stop + 1;
	if (stop > start && buf[stop - 1] == '\r')
		stop--;
	s->fn(s->data, buf + start, stop - start, s->base + nl + 1);
}

/* Scalar scan of buf[from..len); returns newlines seen. */
static long scan_scalar(struct scan *s, size_t from, long nl)
{
	for (size_t j = from; j < s->len; j++) {
		unsigned char c = (unsigned char)s->buf[j];
		if (c == '\n') {
			nl++;
			continue;
		}
		for (size_t k = 0; k < s->n; k++) {
			if ((unsigned char)s->anchors[k][0] == c) {
				candidate(s, j, nl);
				break;
			}
		}
	}
	return nl;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2,popcnt")))
static long scan_avx2(struct scan *s, size_t *done)
{
	const char *buf = s->buf;
	__m256i b0[MAX_ANCHORS], b1[MAX_ANCHORS];
	const __m256i vnl = _mm256_set1_epi8('\n');
	long nl = 0;
	size_t i = 0;

	for (size_t k = 0; k < s->n; k++) {
		b0[k] = _mm256_set1_epi8(s->anchors[k][0]);
		b1[k] = _mm256_set1_epi8(s->anchors[k][1]);
	}
	for (; i + 33 <= s->len; i += 32) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i));
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i + 1));
		__m256i c = _mm256_setzero_si256();
		unsigned mnl = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, vnl));
		unsigned mc;

		for (size_t k = 0; k < s->n; k++)
			c = _mm256_or_si256(c, _mm256_and_si256(_mm256_cmpeq_epi8(v0, b0[k]),
								_mm256_cmpeq_epi8(v1, b1[k])));
		mc = (unsigned)_mm256_movemask_epi8(c);
		while (mc) {
			unsigned bit = (unsigned)__builtin_ctz(mc);
			candidate(s, i + bit, nl + __builtin_popcount(mnl & ((1u << bit) - 1)));
			mc &= mc - 1;
		}
		nl += __builtin_popcount(mnl);
	}
	*done = i;
	return nl;
}

static long scan_sse2(struct scan *s, size_t *done)
{
	const char *buf = s->buf;
	__m128i b0[MAX_ANCHORS], b1[MAX_ANCHORS];
	const __m128i vnl = _mm_set1_epi8('\n');
	long nl = 0;
	size_t i = 0;

	for (size_t k = 0; k < s->n; k++) {
		b0[k] = _mm_set1_epi8(s->anchors[k][0]);
		b1[k] = _mm_set1_epi8(s->anchors[k][1]);
	}
	for (; i + 17 <= s->len; i += 16) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(buf + i + 1));
		__m128i c = _mm_setzero_si128();
		unsigned mnl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, vnl));
		unsigned mc;

		for (size_t k = 0; k < s->n; k++)
			c = _mm_or_si128(c, _mm_and_si128(_mm_cmpeq_epi8(v0, b0[k]), _mm_cmpeq_epi8(v1, b1[k])));
		mc = (unsigned)_mm_movemask_epi8(c);
		while (mc) {
			unsigned bit = (unsigned)__builtin_ctz(mc);
			candidate(s, i + bit, nl + __builtin_popcount(mnl & ((1u << bit) - 1)));
			mc &= mc - 1;
		}
		nl += __builtin_popcount(mnl);
	}
	*done = i;
	return nl;
}
#endif

/* Scans buf[0..len) and returns the number of newlines in it. base: the
 * number of lines before buf. */
static long scan_block(const char *buf, size_t len, const char *const anchors[], logscan_fn fn,
		       void *data, long base)
{
	struct scan s = { .buf = buf, .len = len, .base = base, .anchors = anchors, .fn = fn,
			  .data = data };
	size_t done = 0;
	long nl = 0;

	while (s.n < MAX_ANCHORS && anchors[s.n]) {
		s.alen[s.n] = strlen(anchors[s.n]);
		s.n++;
	}
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
		nl = scan_avx2(&s, &done);
	else
		nl = scan_sse2(&s, &done);
#endif
	return scan_scalar(&s, done, nl);
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
	long nl;

	memset(st, 0, sizeof(*st));
	nl = scan_block(buf, len, anchors, fn, data, 0);
	st->lines = nl + (len > 0 && buf[len - 1] != '\n');
	count_nuls(buf, len, st);
}

int logscan_fd(int fd, const char *const anchors[], logscan_fn fn, void *data,
	       struct logscan_stats *st)
{
	char *buf = xmalloc(LOGSCAN_CHUNK);
	size_t have = 0;
	long base = 0;
	int skipping = 0; /* inside a line longer than the limit */
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
				scan_block(buf, have, anchors, fn, data, base);
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
		base += scan_block(buf, upto, anchors, fn, data, base);
		count_nuls(buf, upto, st);
		have -= upto;
		memmove(buf, buf + upto, have);
	}
	st->lines = base;
	free(buf);
	return r;
}
