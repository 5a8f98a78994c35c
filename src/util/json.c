#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json_writer *jw, struct strbuf *out)
{
	memset(jw, 0, sizeof(*jw));
	jw->out = out;
	jw->first[0] = true;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void json_quote(struct strbuf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	strbuf_addch(out, '"');
	while (i < len) {
		unsigned char c = s[i];
		size_t n;

		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); i++; continue;
		case '\\': strbuf_addstr(out, "\\\\"); i++; continue;
		case '\n': strbuf_addstr(out, "\\n"); i++; continue;
		case '\r': strbuf_addstr(out, "\\r"); i++; continue;
		case '\t': strbuf_addstr(out, "\\t"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(out, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_seq(s + i, len - i);
		if (n == 0) {
			strbuf_addstr(out, "\\ufffd");
			i++;
			continue;
		}
		strbuf_add(out, s + i, n);
		i += n;
	}
	strbuf_addch(out, '"');
}

static void indent(struct json_writer *jw)
{
	strbuf_addch(jw->out, '\n');
	for (int i = 0; i < jw->depth; i++)
		strbuf_addstr(jw->out, "  ");
}

static void prefix(struct json_writer *jw, const char *key)
{
	if (jw->depth > 0) {
		if (!jw->first[jw->depth])
			strbuf_addch(jw->out, ',');
		indent(jw);
	}
	jw->first[jw->depth] = false;
	if (key) {
		json_quote(jw->out, key, strlen(key));
		strbuf_addstr(jw->out, ": ");
	}
}

static void open(struct json_writer *jw, const char *key, char c)
{
	prefix(jw, key);
	strbuf_addch(jw->out, c);
	if (jw->depth + 1 < JSON_MAX_DEPTH)
		jw->depth++;
	jw->first[jw->depth] = true;
}

static void close_(struct json_writer *jw, char c)
{
	bool empty = jw->first[jw->depth];
	if (jw->depth > 0)
		jw->depth--;
	if (!empty)
		indent(jw);
	strbuf_addch(jw->out, c);
	if (jw->depth == 0)
		strbuf_addch(jw->out, '\n');
}

void json_object_begin(struct json_writer *jw, const char *key) { open(jw, key, '{'); }
void json_object_end(struct json_writer *jw) { close_(jw, '}'); }
void json_array_begin(struct json_writer *jw, const char *key) { open(jw, key, '['); }
void json_array_end(struct json_writer *jw) { close_(jw, ']'); }

void json_string(struct json_writer *jw, const char *key, const char *val)
{
	if (!val) {
		json_null(jw, key);
		return;
	}
	json_string_n(jw, key, val, strlen(val));
}

void json_string_n(struct json_writer *jw, const char *key, const char *val, size_t len)
{
	prefix(jw, key);
	json_quote(jw->out, val, len);
}

void json_int(struct json_writer *jw, const char *key, long long val)
{
	prefix(jw, key);
	strbuf_addf(jw->out, "%lld", val);
}

void json_double(struct json_writer *jw, const char *key, double val, int decimals)
{
	if (!isfinite(val)) {
		json_null(jw, key);
		return;
	}
	prefix(jw, key);
	strbuf_addf(jw->out, "%.*f", decimals, val);
}

void json_bool(struct json_writer *jw, const char *key, bool val)
{
	prefix(jw, key);
	strbuf_addstr(jw->out, val ? "true" : "false");
}

void json_null(struct json_writer *jw, const char *key)
{
	prefix(jw, key);
	strbuf_addstr(jw->out, "null");
}
