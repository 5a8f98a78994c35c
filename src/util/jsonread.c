#include "util/jsonread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

#define JV_MAX_DEPTH 32

struct jp {
	const char *b;
	size_t len, pos;
};

static void ws(struct jp *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->b[p->pos]) && p->b[p->pos])
		p->pos++;
}

static bool lit(struct jp *p, const char *s)
{
	size_t n = strlen(s);

	if (p->len - p->pos < n || memcmp(p->b + p->pos, s, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static void utf8(struct strbuf *sb, unsigned c)
{
	if (c < 0x80) {
		strbuf_addch(sb, (char)c);
	} else if (c < 0x800) {
		strbuf_addch(sb, (char)(0xc0 | c >> 6));
		strbuf_addch(sb, (char)(0x80 | (c & 0x3f)));
	} else {
		strbuf_addch(sb, (char)(0xe0 | c >> 12));
		strbuf_addch(sb, (char)(0x80 | ((c >> 6) & 0x3f)));
		strbuf_addch(sb, (char)(0x80 | (c & 0x3f)));
	}
}

static int str(struct jp *p, char **out)
{
	struct strbuf sb = STRBUF_INIT;

	p->pos++;
	while (p->pos < p->len && p->b[p->pos] != '"') {
		unsigned char c = (unsigned char)p->b[p->pos++];

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			strbuf_addch(&sb, (char)c);
			continue;
		}
		if (p->pos >= p->len)
			goto bad;
		c = (unsigned char)p->b[p->pos++];
		switch (c) {
		case '"': case '\\': case '/': strbuf_addch(&sb, (char)c); break;
		case 'b': strbuf_addch(&sb, '\b'); break;
		case 'f': strbuf_addch(&sb, '\f'); break;
		case 'n': strbuf_addch(&sb, '\n'); break;
		case 'r': strbuf_addch(&sb, '\r'); break;
		case 't': strbuf_addch(&sb, '\t'); break;
		case 'u': {
			unsigned v = 0;

			if (p->len - p->pos < 4)
				goto bad;
			for (int i = 0; i < 4; i++) {
				char h = p->b[p->pos++];

				v <<= 4;
				if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
				else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
				else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
				else goto bad;
			}
			utf8(&sb, (v >= 0xd800 && v < 0xe000) || v == 0 ? 0xfffd : v);
			break;
		}
		default:
			goto bad;
		}
	}
	if (p->pos >= p->len)
		goto bad;
	p->pos++;
	*out = strbuf_detach(&sb);
	return 0;
bad:
	strbuf_release(&sb);
	return -EINVAL;
}

static int value(struct jp *p, struct jv *v, int depth)
{
	memset(v, 0, sizeof(*v));
	ws(p);
	if (p->pos >= p->len || depth > JV_MAX_DEPTH)
		return -EINVAL;
	switch (p->b[p->pos]) {
	case 'n': v->kind = JV_NULL; return lit(p, "null") ? 0 : -EINVAL;
	case 't': v->kind = JV_BOOL; v->b = true; return lit(p, "true") ? 0 : -EINVAL;
	case 'f': v->kind = JV_BOOL; return lit(p, "false") ? 0 : -EINVAL;
	case '"': v->kind = JV_STR; return str(p, &v->str);
	case '[':
	case '{': {
		bool obj = p->b[p->pos] == '{';

		v->kind = obj ? JV_OBJ : JV_ARR;
		p->pos++;
		ws(p);
		if (p->pos < p->len && p->b[p->pos] == (obj ? '}' : ']')) {
			p->pos++;
			return 0;
		}
		for (;;) {
			char *key = NULL;
			int r;

			ws(p);
			if (obj) {
				if (p->pos >= p->len || p->b[p->pos] != '"' || str(p, &key) < 0)
					return -EINVAL;
				ws(p);
				if (p->pos >= p->len || p->b[p->pos++] != ':') {
					free(key);
					return -EINVAL;
				}
				v->keys = xrealloc(v->keys, (v->n + 1) * sizeof(*v->keys));
				v->keys[v->n] = key;
			}
			v->v = xrealloc(v->v, (v->n + 1) * sizeof(*v->v));
			r = value(p, &v->v[v->n++], depth + 1);
			if (r < 0)
				return r;
			ws(p);
			if (p->pos >= p->len)
				return -EINVAL;
			if (p->b[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->b[p->pos++] != (obj ? '}' : ']'))
				return -EINVAL;
			return 0;
		}
	}
	default: {
		char *end;
		char tmp[64];
		size_t n = strspn(p->b + p->pos, "0123456789+-.eE");

		if (n == 0 || n >= sizeof(tmp) || p->pos + n > p->len)
			return -EINVAL;
		memcpy(tmp, p->b + p->pos, n);
		tmp[n] = '\0';
		v->kind = JV_NUM;
		v->num = strtod(tmp, &end);
		if (*end)
			return -EINVAL;
		p->pos += n;
		return 0;
	}
	}
}

int jv_parse(const char *buf, size_t len, struct jv *out, size_t *at)
{
	struct jp p = { buf, len, 0 };
	int r;

	if (memchr(buf, '\0', len))
		len = (size_t)((const char *)memchr(buf, '\0', len) - buf);
	p.len = len;
	r = value(&p, out, 0);
	if (r == 0) {
		ws(&p);
		if (p.pos != p.len)
			r = -EINVAL;
	}
	if (r < 0) {
		jv_free(out);
		if (at)
			*at = p.pos;
	}
	return r;
}

void jv_free(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv_free(&v->v[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	if (!obj || obj->kind != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->v[i];
	return NULL;
}

const char *jv_str(const struct jv *obj, const char *key)
{
	const struct jv *v = jv_get(obj, key);

	return v && v->kind == JV_STR ? v->str : NULL;
}
