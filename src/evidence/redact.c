#include "evidence/redact.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fdio.h"

enum kind { K_HOST, K_UUID, K_MAC, K_SERIAL };

struct mapping {
	enum kind kind;
	char *from;
	char *to;
};

struct redactor {
	char *hosts[4];
	size_t nhosts;
	struct mapping *map;
	size_t nmap;
	unsigned counter[4];
};

struct redactor *redactor_new(const char *hostname)
{
	struct redactor *rd = xcalloc(1, sizeof(*rd));
	if (hostname && *hostname)
		rd->hosts[rd->nhosts++] = xstrdup(hostname);
	return rd;
}

void redactor_free(struct redactor *rd)
{
	if (!rd)
		return;
	for (size_t i = 0; i < rd->nhosts; i++)
		free(rd->hosts[i]);
	for (size_t i = 0; i < rd->nmap; i++) {
		free(rd->map[i].from);
		free(rd->map[i].to);
	}
	free(rd->map);
	free(rd);
}

void redactor_learn_evidence(struct redactor *rd, const struct evidence *ev)
{
	if (!ev->hostname.found || !ev->hostname.value[0] || rd->nhosts >= 4)
		return;
	if (strcmp(ev->hostname.value, "(none)") == 0 || strcmp(ev->hostname.value, "localhost") == 0)
		return;
	for (size_t i = 0; i < rd->nhosts; i++)
		if (strcmp(rd->hosts[i], ev->hostname.value) == 0)
			return;
	rd->hosts[rd->nhosts++] = xstrdup(ev->hostname.value);
}

static const char *standin(struct redactor *rd, enum kind k, const char *from, size_t len)
{
	struct mapping *m;
	unsigned n;

	for (size_t i = 0; i < rd->nmap; i++)
		if (rd->map[i].kind == k && strlen(rd->map[i].from) == len &&
		    strncasecmp(rd->map[i].from, from, len) == 0)
			return rd->map[i].to;
	rd->map = xrealloc(rd->map, (rd->nmap + 1) * sizeof(*rd->map));
	m = &rd->map[rd->nmap++];
	m->kind = k;
	m->from = xstrndup(from, len);
	n = ++rd->counter[k];
	switch (k) {
	case K_HOST: m->to = xasprintf("redacted-host-%u", n); break;
	case K_UUID: m->to = xasprintf("00000000-0000-4000-8000-%012x", n); break;
	case K_MAC: m->to = xasprintf("02:00:00:00:%02x:%02x", (n >> 8) & 0xff, n & 0xff); break;
	case K_SERIAL: m->to = xasprintf("REDACTED-SERIAL-%u", n); break;
	}
	return m->to;
}

static bool hex_run(const char *s, size_t avail, size_t n)
{
	if (avail < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static size_t match_uuid(const char *s, size_t avail)
{
	static const size_t groups[] = { 8, 4, 4, 4, 12 };
	size_t off = 0;

	for (size_t g = 0; g < 5; g++) {
		if (!hex_run(s + off, avail - off, groups[g]))
			return 0;
		off += groups[g];
		if (g < 4) {
			if (off >= avail || s[off] != '-')
				return 0;
			off++;
		}
	}
	if (off < avail && isxdigit((unsigned char)s[off]))
		return 0;
	return off;
}

static size_t match_mac(const char *s, size_t avail)
{
	size_t off = 0;

	for (int g = 0; g < 6; g++) {
		if (!hex_run(s + off, avail - off, 2))
			return 0;
		off += 2;
		if (g < 5) {
			if (off >= avail || (s[off] != ':' && s[off] != '-'))
				return 0;
			off++;
		}
	}
	if (off < avail && (isxdigit((unsigned char)s[off]) || s[off] == ':'))
		return 0;
	return off;
}

/* "serial" (any case) followed by optional words like "number", then a
 * separator and a value: the value's extent, from *start. */
static size_t match_serial(const char *s, size_t avail, size_t *start)
{
	size_t i = 6;

	if (avail < 8 || strncasecmp(s, "serial", 6) != 0)
		return 0;
	while (i < avail && (isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == ' '))
		i++;
	if (i >= avail || (s[i] != ':' && s[i] != '=' && s[i] != ' '))
		return 0;
	i++;
	while (i < avail && (s[i] == ' ' || s[i] == '"' || s[i] == '\''))
		i++;
	*start = i;
	while (i < avail && !isspace((unsigned char)s[i]) && s[i] != '"' && s[i] != '\'' && s[i] != ',')
		i++;
	return i > *start ? i - *start : 0;
}

void redact_line(struct redactor *rd, const char *s, size_t len, struct strbuf *out)
{
	size_t i = 0;

	while (i < len) {
		bool boundary = i == 0 || !isalnum((unsigned char)s[i - 1]);
		size_t n, vstart;

		if (boundary && (n = match_uuid(s + i, len - i))) {
			strbuf_addstr(out, standin(rd, K_UUID, s + i, n));
			i += n;
			continue;
		}
		if (boundary && (n = match_mac(s + i, len - i))) {
			strbuf_addstr(out, standin(rd, K_MAC, s + i, n));
			i += n;
			continue;
		}
		if (boundary && (n = match_serial(s + i, len - i, &vstart))) {
			strbuf_add(out, s + i, vstart);
			strbuf_addstr(out, standin(rd, K_SERIAL, s + i + vstart, n));
			i += vstart + n;
			continue;
		}
		if (boundary) {
			size_t h;
			for (h = 0; h < rd->nhosts; h++) {
				size_t hl = strlen(rd->hosts[h]);
				if (len - i >= hl && strncmp(s + i, rd->hosts[h], hl) == 0 &&
				    (i + hl == len || !isalnum((unsigned char)s[i + hl]))) {
					strbuf_addstr(out, standin(rd, K_HOST, s + i, hl));
					i += hl;
					break;
				}
			}
			if (h < rd->nhosts)
				continue;
		}
		strbuf_addch(out, s[i]);
		i++;
	}
}

/* Redacts whole lines of buf[0..len), returns bytes consumed (up to the
 * last newline, or all when final). */
static size_t redact_lines(struct redactor *rd, const char *buf, size_t len, bool final,
			   struct strbuf *out)
{
	size_t done = 0;

	while (done < len) {
		const char *nl = memchr(buf + done, '\n', len - done);
		size_t n;
		if (!nl && !final)
			break;
		n = nl ? (size_t)(nl - (buf + done)) + 1 : len - done;
		redact_line(rd, buf + done, n, out);
		done += n;
	}
	return done;
}

int redact_copy_buf(struct redactor *rd, const char *buf, size_t len, int out)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (!rd)
		return fd_write_all(out, buf, len);
	redact_lines(rd, buf, len, true, &sb);
	r = fd_write_all(out, sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	return r;
}

int redact_copy_fd(struct redactor *rd, int in, int out)
{
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	struct strbuf sb = STRBUF_INIT;
	size_t have = 0;
	int r = 0;

	for (;;) {
		ssize_t n = read(in, buf + have, CHUNK - have);
		size_t used;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		have += (size_t)n;
		if (!rd) {
			r = fd_write_all(out, buf, have);
			have = 0;
		} else {
			/* A line longer than the buffer is redacted in pieces. */
			strbuf_reset(&sb);
			used = redact_lines(rd, buf, have, n == 0 || have == CHUNK, &sb);
			r = fd_write_all(out, sb.buf ? sb.buf : "", sb.len);
			have -= used;
			memmove(buf, buf + used, have);
		}
		if (r < 0 || n == 0)
			break;
	}
	strbuf_release(&sb);
	free(buf);
	return r;
}
