#include "boot/grubenv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void push(struct grubenv *env, char *name, char *value)
{
	env->v = xrealloc(env->v, (env->n + 1) * sizeof(*env->v));
	env->v[env->n].name = name;
	env->v[env->n].value = value;
	env->n++;
}

void grubenv_init(struct grubenv *env)
{
	env->v = NULL;
	env->n = 0;
}

void grubenv_free(struct grubenv *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->v[i].name);
		free(env->v[i].value);
	}
	free(env->v);
	grubenv_init(env);
}

static int fail(struct grubenv *env, char **err, unsigned line, const char *what)
{
	grubenv_free(env);
	if (err)
		*err = xasprintf("line %u: %s", line, what);
	return -EINVAL;
}

int grubenv_parse(const char *buf, size_t len, struct grubenv *env, char **err)
{
	const size_t siglen = strlen(GRUBENV_SIGNATURE);
	size_t pos = siglen;
	unsigned line = 2;

	grubenv_init(env);
	if (err)
		*err = NULL;
	/* grub-editenv keeps whatever size the file has, but every writer we
	 * know (grub-editenv create, GRUB's save_env) uses 1024 bytes; anything
	 * else is more likely a damaged file than a choice. */
	if (len != GRUBENV_SIZE)
		return fail(env, err, 1, "not a GRUB environment block: size is not 1024 bytes");
	if (memcmp(buf, GRUBENV_SIGNATURE, siglen) != 0)
		return fail(env, err, 1, "not a GRUB environment block: missing \"# GRUB Environment Block\" signature");
	if (memchr(buf, '\0', len))
		return fail(env, err, 1, "not a GRUB environment block: contains NUL bytes");
	while (pos < len) {
		const char *p = buf + pos;
		size_t rest = len - pos, n = 0;
		struct strbuf val = STRBUF_INIT;
		const char *eq;

		/* Find the end of the line: a newline not escaped by a backslash. */
		while (n < rest && p[n] != '\n') {
			if (p[n] == '\\' && n + 1 < rest)
				n++;
			n++;
		}
		if (n == rest) {
			/* The tail after the last line is the '#' padding. buf
			 * need not be NUL-terminated: count within rest only. */
			size_t pad = 0;

			while (pad < rest && p[pad] == '#')
				pad++;
			if (pad < rest)
				return fail(env, err, line, "text after the last line is not '#' padding");
			break;
		}
		if (p[0] == '#') {
			push(env, NULL, xstrndup(p, n));
		} else {
			eq = memchr(p, '=', n);
			if (!eq || eq == p)
				return fail(env, err, line, "expected name=value");
			for (const char *q = eq + 1; q < p + n; q++) {
				if (*q == '\\' && q + 1 < p + n)
					q++;
				strbuf_addch(&val, *q);
			}
			push(env, xstrndup(p, (size_t)(eq - p)), strbuf_detach(&val));
		}
		for (size_t i = 0; i < n; i++)
			if (p[i] == '\n')
				line++;
		line++;
		pos += n + 1;
	}
	return 0;
}

static struct grubenv_line *find(const struct grubenv *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (env->v[i].name && strcmp(env->v[i].name, name) == 0)
			return &env->v[i];
	return NULL;
}

const char *grubenv_get(const struct grubenv *env, const char *name)
{
	struct grubenv_line *l = find(env, name);

	return l ? l->value : NULL;
}

int grubenv_set(struct grubenv *env, const char *name, const char *value)
{
	struct grubenv_line *l;

	if (!*name || name[0] == '#' || strpbrk(name, "=\n\\"))
		return -EINVAL;
	l = find(env, name);
	if (l) {
		free(l->value);
		l->value = xstrdup(value);
		return 0;
	}
	push(env, xstrdup(name), xstrdup(value));
	return 0;
}

bool grubenv_unset(struct grubenv *env, const char *name)
{
	struct grubenv_line *l = find(env, name);
	size_t i;

	if (!l)
		return false;
	i = (size_t)(l - env->v);
	free(l->name);
	free(l->value);
	memmove(&env->v[i], &env->v[i + 1], (env->n - i - 1) * sizeof(*env->v));
	env->n--;
	return true;
}

int grubenv_format(const struct grubenv *env, struct strbuf *out)
{
	size_t start = out->len;

	strbuf_addstr(out, GRUBENV_SIGNATURE);
	for (size_t i = 0; i < env->n; i++) {
		const struct grubenv_line *l = &env->v[i];

		if (!l->name) {
			strbuf_addstr(out, l->value);
		} else {
			strbuf_addstr(out, l->name);
			strbuf_addch(out, '=');
			for (const char *q = l->value; *q; q++) {
				if (*q == '\\' || *q == '\n')
					strbuf_addch(out, '\\');
				strbuf_addch(out, *q);
			}
		}
		strbuf_addch(out, '\n');
	}
	if (out->len - start > GRUBENV_SIZE) {
		out->len = start;
		out->buf[start] = '\0';
		return -ENOSPC;
	}
	while (out->len - start < GRUBENV_SIZE)
		strbuf_addch(out, '#');
	return 0;
}
