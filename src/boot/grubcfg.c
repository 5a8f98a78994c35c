#include "boot/grubcfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than this is not a real grub.cfg; the bound keeps a fuzzed
 * input from exhausting the stack. */
#define MAX_DEPTH 64

enum tok_kind { T_WORD, T_NL, T_SEMI, T_LBR, T_RBR, T_EOF };

struct tok {
	enum tok_kind k;
	size_t start, end;
	unsigned line;
	char *text;   /* words: the value after quote removal */
	bool quoted;  /* any quoting or escape in the word (so not a keyword) */
};

struct parser {
	struct grubcfg *cfg;
	struct strbuf *err;
	const char *b;
	size_t len, pos;
	unsigned line;
	struct tok back;  /* one token of pushback */
	bool have_back;
	int failed;
};

const char *grub_xen_kind_name(enum grub_xen_kind k)
{
	switch (k) {
	case GRUB_XEN_MULTIBOOT2: return "multiboot2";
	case GRUB_XEN_MULTIBOOT: return "multiboot";
	case GRUB_XEN_HYPERVISOR: return "xen_hypervisor";
	case GRUB_XEN_CHAINLOADER: return "chainloader";
	case GRUB_XEN_NONE: break;
	}
	return "none";
}

static int perr(struct parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (p->failed)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strbuf_addf(p->err, "%s:%u: %s", p->cfg->name, line, buf);
	p->failed = 1;
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_varname(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '?' || c == '#' || c == '@' || c == '*';
}

/* $name or ${name}: copied as written (we never expand variables). */
static int lex_var(struct parser *p, struct strbuf *w)
{
	unsigned line = p->line;

	strbuf_addch(w, '$');
	p->pos++;
	if (p->pos < p->len && p->b[p->pos] == '{') {
		while (p->pos < p->len && p->b[p->pos] != '}') {
			if (p->b[p->pos] == '\n')
				return perr(p, line, "expected '}' to close '${'");
			strbuf_addch(w, p->b[p->pos++]);
		}
		if (p->pos >= p->len)
			return perr(p, line, "expected '}' to close '${'");
		strbuf_addch(w, p->b[p->pos++]);
		return 0;
	}
	while (p->pos < p->len && is_varname(p->b[p->pos]))
		strbuf_addch(w, p->b[p->pos++]);
	return 0;
}

static int lex_word(struct parser *p, struct tok *t)
{
	struct strbuf w = STRBUF_INIT;
	int r = 0;

	t->k = T_WORD;
	t->quoted = false;
	while (p->pos < p->len && r == 0) {
		char c = p->b[p->pos];

		if (is_blank(c) || c == '\n' || c == ';' || c == '{' || c == '}')
			break;
		if (c == '\\') {
			t->quoted = true;
			if (p->pos + 1 >= p->len) {
				p->pos++;
				break;
			}
			if (p->b[p->pos + 1] == '\n')
				p->line++;
			else
				strbuf_addch(&w, p->b[p->pos + 1]);
			p->pos += 2;
		} else if (c == '\'') {
			unsigned line = p->line;
			const char *q = memchr(p->b + p->pos + 1, '\'', p->len - p->pos - 1);

			t->quoted = true;
			if (!q) {
				r = perr(p, line, "expected a closing ' for the string that starts here");
				break;
			}
			for (const char *s = p->b + p->pos + 1; s < q; s++) {
				if (*s == '\n')
					p->line++;
				strbuf_addch(&w, *s);
			}
			p->pos = (size_t)(q - p->b) + 1;
		} else if (c == '"') {
			unsigned line = p->line;

			t->quoted = true;
			p->pos++;
			while (p->pos < p->len && p->b[p->pos] != '"' && r == 0) {
				char d = p->b[p->pos];

				if (d == '\\' && p->pos + 1 < p->len &&
				    strchr("$\"\\\n", p->b[p->pos + 1])) {
					if (p->b[p->pos + 1] == '\n')
						p->line++;
					else
						strbuf_addch(&w, p->b[p->pos + 1]);
					p->pos += 2;
				} else if (d == '$') {
					r = lex_var(p, &w);
				} else {
					if (d == '\n')
						p->line++;
					strbuf_addch(&w, d);
					p->pos++;
				}
			}
			if (r == 0 && p->pos >= p->len)
				r = perr(p, line, "expected a closing \" for the string that starts here");
			p->pos++;
		} else if (c == '$') {
			r = lex_var(p, &w);
		} else {
			strbuf_addch(&w, c);
			p->pos++;
		}
	}
	t->end = p->pos;
	if (r < 0) {
		strbuf_release(&w);
		t->text = NULL;
		return r;
	}
	t->text = strbuf_detach(&w);
	return 0;
}

static void tok_clear(struct tok *t)
{
	free(t->text);
	t->text = NULL;
}

static int next_tok(struct parser *p, struct tok *t)
{
	if (p->have_back) {
		*t = p->back;
		p->have_back = false;
		return 0;
	}
	memset(t, 0, sizeof(*t));
	for (;;) {
		while (p->pos < p->len && is_blank(p->b[p->pos]))
			p->pos++;
		/* Backslash-newline between words continues the command. */
		if (p->pos + 1 < p->len && p->b[p->pos] == '\\' && p->b[p->pos + 1] == '\n') {
			p->pos += 2;
			p->line++;
			continue;
		}
		if (p->pos < p->len && p->b[p->pos] == '#') {
			while (p->pos < p->len && p->b[p->pos] != '\n')
				p->pos++;
			continue;
		}
		break;
	}
	t->start = p->pos;
	t->line = p->line;
	if (p->pos >= p->len) {
		t->k = T_EOF;
		t->end = p->pos;
		return 0;
	}
	t->end = p->pos + 1;
	switch (p->b[p->pos]) {
	case '\n':
		t->k = T_NL;
		p->line++;
		p->pos++;
		return 0;
	case ';':
		t->k = T_SEMI;
		p->pos++;
		return 0;
	case '{':
		t->k = T_LBR;
		p->pos++;
		return 0;
	case '}':
		t->k = T_RBR;
		p->pos++;
		return 0;
	}
	return lex_word(p, t);
}

static void push_back(struct parser *p, struct tok *t)
{
	p->back = *t;
	p->have_back = true;
}

struct cmdwords {
	struct tok *w;
	size_t n;
	struct tok term;  /* what ended the command */
};

static void cmd_clear(struct cmdwords *c)
{
	for (size_t i = 0; i < c->n; i++)
		tok_clear(&c->w[i]);
	free(c->w);
	c->w = NULL;
	c->n = 0;
}

static int read_command(struct parser *p, struct tok *first, struct cmdwords *c)
{
	struct tok t = *first;
	int r;

	c->w = NULL;
	c->n = 0;
	for (;;) {
		c->w = xrealloc(c->w, (c->n + 1) * sizeof(*c->w));
		c->w[c->n++] = t;
		r = next_tok(p, &t);
		if (r < 0)
			return r;
		if (t.k != T_WORD) {
			c->term = t;
			return 0;
		}
	}
}

static bool kw(const struct tok *t, const char *word)
{
	return !t->quoted && strcmp(t->text, word) == 0;
}

/* Start of the line holding pos when only blanks precede pos on it, else pos:
 * an entry copied or removed takes its indentation with it. */
static size_t line_start_of(const char *b, size_t pos)
{
	size_t s = pos;

	while (s > 0 && is_blank(b[s - 1]))
		s--;
	return (s == 0 || b[s - 1] == '\n') ? s : pos;
}

/* After pos, the rest of the line when it is blank, newline included. */
static size_t line_end_after(const char *b, size_t len, size_t pos)
{
	size_t e = pos;

	while (e < len && is_blank(b[e]))
		e++;
	if (e < len && b[e] == '\n')
		return e + 1;
	return e == len ? len : pos;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* First word after the command name that is not an --option. */
static size_t first_operand(const struct cmdwords *c, size_t from)
{
	size_t i = from;

	while (i < c->n && !c->w[i].quoted && strncmp(c->w[i].text, "--", 2) == 0)
		i++;
	return i;
}

static void note_loader(struct parser *p, struct grub_entry *e, const struct cmdwords *c,
			size_t i0)
{
	const char *cmd = c->w[i0].text;
	enum grub_xen_kind kind = GRUB_XEN_NONE;
	size_t img = first_operand(c, i0 + 1);
	const char *base;

	if (c->w[i0].quoted)
		return;
	if (e->xen_kind != GRUB_XEN_NONE) {
		if (!e->kernel && (strcmp(cmd, "module2") == 0 || strcmp(cmd, "module") == 0 ||
				   strcmp(cmd, "xen_module") == 0) && img < c->n)
			e->kernel = xstrdup(c->w[img].text);
		return;
	}
	if (img >= c->n)
		return;
	base = basename_of(c->w[img].text);
	if (strcmp(cmd, "multiboot2") == 0 || strcmp(cmd, "multiboot") == 0) {
		if (strncmp(base, "xen", 3) == 0)
			kind = cmd[9] == '2' ? GRUB_XEN_MULTIBOOT2 : GRUB_XEN_MULTIBOOT;
	} else if (strcmp(cmd, "xen_hypervisor") == 0) {
		kind = GRUB_XEN_HYPERVISOR;
	} else if (strcmp(cmd, "chainloader") == 0) {
		size_t bl = strlen(base);

		if (strncmp(base, "xen", 3) == 0 && bl > 4 && strcmp(base + bl - 4, ".efi") == 0)
			kind = GRUB_XEN_CHAINLOADER;
	}
	if (kind == GRUB_XEN_NONE)
		return;
	e->xen_kind = kind;
	e->xen_line = c->w[i0].line;
	e->xen_image = xstrdup(c->w[img].text);
	e->xen_args_start = img + 1 < c->n ? c->w[img + 1].start : c->w[img].end;
	e->xen_args_end = c->w[c->n - 1].end;
	if (e->xen_args_end < e->xen_args_start)
		e->xen_args_end = e->xen_args_start;
	e->xen_args = xstrndup(p->b + e->xen_args_start, e->xen_args_end - e->xen_args_start);
}

static void note_toplevel(struct parser *p, const struct cmdwords *c, size_t i0)
{
	struct grubcfg *cfg = p->cfg;
	const struct tok *w = &c->w[i0];
	const struct tok *dw = NULL;

	if (kw(w, "load_env")) {
		cfg->load_env = true;
		return;
	}
	if (kw(w, "set") && i0 + 1 < c->n && strncmp(c->w[i0 + 1].text, "default=", 8) == 0)
		dw = &c->w[i0 + 1];
	else if (strncmp(w->text, "default=", 8) == 0)
		dw = w;
	if (!dw)
		return;
	cfg->def = xrealloc(cfg->def, (cfg->ndef + 1) * sizeof(*cfg->def));
	struct grub_default *d = &cfg->def[cfg->ndef++];

	d->value = xstrdup(dw->text + 8);
	d->line = w->line;
	d->word_start = dw->start;
	d->word_end = dw->end;
	d->line_start = line_start_of(p->b, w->start);
	d->line_end = line_end_after(p->b, p->len, c->w[c->n - 1].end);
	if (d->line_end == c->w[c->n - 1].end)
		d->line_start = w->start;
	d->oneshot = strstr(d->value, "next_entry") || strstr(d->value, "override_entry");
	if (strstr(d->value, "next_entry"))
		cfg->next_entry = true;
	if (strstr(d->value, "override_entry"))
		cfg->override_entry = true;
}

static int parse_block(struct parser *p, int entry, int depth, struct tok *close);

static char *join_path(const struct grubcfg *cfg, int parent, const char *leaf, bool index)
{
	if (parent < 0)
		return xstrdup(leaf);
	return xasprintf("%s>%s", index ? cfg->e[parent].index_path : cfg->e[parent].path, leaf);
}

static int parse_entry(struct parser *p, struct cmdwords *c, size_t i0, int parent, int depth,
		       int *nchild)
{
	struct grubcfg *cfg = p->cfg;
	struct grub_entry *e;
	struct tok close, after;
	const char *what = c->w[i0].text;
	int idx, r;

	if (c->term.k != T_LBR)
		return perr(p, c->term.line, "expected '{' after the %s title", what);
	if (depth >= MAX_DEPTH)
		return perr(p, c->w[i0].line, "menus nested deeper than %d levels", MAX_DEPTH);
	cfg->e = xrealloc(cfg->e, (cfg->n + 1) * sizeof(*cfg->e));
	idx = (int)cfg->n++;
	e = &cfg->e[idx];
	memset(e, 0, sizeof(*e));
	e->submenu = strcmp(what, "submenu") == 0;
	e->parent = parent;
	e->depth = depth;
	e->line = c->w[i0].line;
	e->start = line_start_of(p->b, c->w[i0].start);
	for (size_t i = i0 + 1; i < c->n; i++) {
		const struct tok *w = &c->w[i];

		if (!w->quoted && strncmp(w->text, "--", 2) == 0) {
			bool takes = strcmp(w->text, "--class") == 0 || strcmp(w->text, "--users") == 0 ||
				     strcmp(w->text, "--hotkey") == 0 || strcmp(w->text, "--id") == 0 ||
				     strcmp(w->text, "--source") == 0;

			if (strncmp(w->text, "--id=", 5) == 0 && !e->id) {
				e->id = xstrdup(w->text + 5);
				e->id_start = w->start;
				e->id_end = w->end;
			}
			if (takes && i + 1 < c->n) {
				if (strcmp(w->text, "--id") == 0 && !e->id) {
					e->id = xstrdup(c->w[i + 1].text);
					e->id_start = c->w[i + 1].start;
					e->id_end = c->w[i + 1].end;
				}
				i++;
			}
		} else if (strcmp(w->text, "$menuentry_id_option") == 0 && i + 1 < c->n) {
			if (!e->id) {
				e->id = xstrdup(c->w[i + 1].text);
				e->id_start = c->w[i + 1].start;
				e->id_end = c->w[i + 1].end;
			}
			i++;
		} else if (!e->title) {
			e->title = xstrdup(w->text);
			e->title_start = w->start;
			e->title_end = w->end;
		}
	}
	if (!e->title)
		return perr(p, e->line, "expected a title after '%s'", what);
	{
		char num[16];

		snprintf(num, sizeof(num), "%d", (*nchild)++);
		e->path = join_path(cfg, parent, e->title, false);
		e->index_path = join_path(cfg, parent, num, true);
	}
	e->body_start = line_end_after(p->b, p->len, c->term.end);
	r = parse_block(p, idx, depth + 1, &close);
	if (r < 0)
		return r;
	/* GRUB needs a newline or ';' after the closing '}': "}x" and "} echo"
	 * are syntax errors to it (grub-script-check), so refuse them too
	 * rather than edit a file GRUB cannot read. */
	r = next_tok(p, &after);
	if (r < 0)
		return r;
	if (after.k != T_NL && after.k != T_SEMI && after.k != T_EOF) {
		tok_clear(&after);
		return perr(p, close.line, "expected a newline or ';' after the '}' that closes the %s", what);
	}
	push_back(p, &after);
	e = &cfg->e[idx];
	e->end_line = close.line;
	e->end = line_end_after(p->b, p->len, close.end);
	return 0;
}

struct kwframe {
	char close[8];  /* "fi" or "done" */
	char open[8];
	unsigned line;
};

static int parse_block(struct parser *p, int entry, int depth, struct tok *close)
{
	struct kwframe stack[MAX_DEPTH];
	int sp = 0, nchild = 0, r = 0;
	unsigned open_line = entry >= 0 ? p->cfg->e[entry].line : 0;

	for (;;) {
		struct tok t;
		struct cmdwords c;
		size_t i0 = 0;

		r = next_tok(p, &t);
		if (r < 0)
			return r;
		if (t.k == T_NL || t.k == T_SEMI)
			continue;
		if (t.k == T_EOF || t.k == T_RBR) {
			if (sp > 0)
				return perr(p, t.line, "expected '%s' to close the '%s' at line %u, found %s",
					    stack[sp - 1].close, stack[sp - 1].open, stack[sp - 1].line,
					    t.k == T_EOF ? "end of file" : "'}'");
			if (t.k == T_EOF && depth > 0)
				return perr(p, t.line, "expected '}' to close the block opened at line %u, found end of file",
					    open_line);
			if (t.k == T_RBR && depth == 0)
				return perr(p, t.line, "unexpected '}' (no block is open)");
			if (close)
				*close = t;
			return 0;
		}
		if (t.k == T_LBR)
			return perr(p, t.line, "unexpected '{' (expected a command)");
		r = read_command(p, &t, &c);
		if (r < 0) {
			cmd_clear(&c);
			return r;
		}
		/* then/else/do prefix the next command on the same line. */
		while (i0 < c.n && (kw(&c.w[i0], "then") || kw(&c.w[i0], "else") ||
				    kw(&c.w[i0], "do") || kw(&c.w[i0], "elif")))
			i0++;
		if (i0 < c.n) {
			const struct tok *w = &c.w[i0];

			if (kw(w, "if") || kw(w, "while") || kw(w, "until") || kw(w, "for")) {
				if (sp == MAX_DEPTH)
					r = perr(p, w->line, "'%s' nested deeper than %d levels", w->text, MAX_DEPTH);
				else {
					snprintf(stack[sp].close, sizeof(stack[sp].close), "%s",
						 kw(w, "if") ? "fi" : "done");
					snprintf(stack[sp].open, sizeof(stack[sp].open), "%s", w->text);
					stack[sp++].line = w->line;
				}
			} else if (kw(w, "fi") || kw(w, "done")) {
				if (sp == 0 || strcmp(stack[sp - 1].close, w->text) != 0)
					r = sp ? perr(p, w->line, "expected '%s' to close the '%s' at line %u, found '%s'",
						      stack[sp - 1].close, stack[sp - 1].open, stack[sp - 1].line, w->text)
					       : perr(p, w->line, "unexpected '%s' (no '%s' is open)", w->text,
						      kw(w, "fi") ? "if" : "loop");
				else
					sp--;
			} else if (kw(w, "menuentry") || kw(w, "submenu")) {
				r = parse_entry(p, &c, i0, entry, depth, &nchild);
			} else if (kw(w, "function")) {
				if (c.term.k != T_LBR || c.n - i0 != 2)
					r = perr(p, w->line, "expected 'function NAME {'");
				else if (depth >= MAX_DEPTH)
					r = perr(p, w->line, "blocks nested deeper than %d levels", MAX_DEPTH);
				else
					r = parse_block(p, entry, depth + 1, NULL);
			} else if (c.term.k == T_LBR) {
				r = perr(p, c.term.line, "unexpected '{' after '%s'", w->text);
			} else if (entry >= 0) {
				note_loader(p, &p->cfg->e[entry], &c, i0);
			} else {
				note_toplevel(p, &c, i0);
			}
		}
		if (r == 0 && (c.term.k == T_RBR || c.term.k == T_EOF))
			push_back(p, &c.term);
		cmd_clear(&c);
		if (r < 0)
			return r;
	}
}

int grubcfg_parse(const char *name, const char *buf, size_t len, struct grubcfg *cfg,
		  struct strbuf *err)
{
	struct parser p = { .cfg = cfg, .err = err, .len = len, .line = 1 };
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->name = xstrdup(name);
	cfg->buf = xmalloc(len + 1);
	memcpy(cfg->buf, buf, len);
	cfg->buf[len] = '\0';
	cfg->len = len;
	p.b = cfg->buf;
	if (memchr(buf, '\0', len)) {
		const char *z = memchr(buf, '\0', len);
		unsigned line = 1;

		for (const char *s = buf; s < z; s++)
			line += *s == '\n';
		r = perr(&p, line, "expected text, found a NUL byte (is this a grub.cfg?)");
	} else {
		r = parse_block(&p, -1, 0, NULL);
	}
	if (r < 0) {
		grubcfg_free(cfg);
		return r;
	}
	cfg->first_entry = len;
	for (size_t i = 0; i < cfg->n; i++)
		if (cfg->e[i].parent < 0) {
			cfg->first_entry = cfg->e[i].start;
			break;
		}
	for (size_t i = 0; i < cfg->ndef; i++)
		if (!cfg->def[i].oneshot && strstr(cfg->def[i].value, "saved_entry"))
			cfg->saved_entry = true;
	return 0;
}

void grubcfg_free(struct grubcfg *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		struct grub_entry *e = &cfg->e[i];

		free(e->title);
		free(e->id);
		free(e->path);
		free(e->index_path);
		free(e->xen_image);
		free(e->xen_args);
		free(e->kernel);
	}
	for (size_t i = 0; i < cfg->ndef; i++)
		free(cfg->def[i].value);
	free(cfg->e);
	free(cfg->def);
	free(cfg->name);
	free(cfg->buf);
	memset(cfg, 0, sizeof(*cfg));
}

int grubcfg_find(const struct grubcfg *cfg, const char *value)
{
	int parent = -1, found = -1;
	const char *s = value;

	/* GRUB walks the menu one '>'-separated level at a time, matching each
	 * part against an index, a title or an id (grub-core/normal/menu.c). */
	for (;;) {
		size_t n = strcspn(s, ">");
		bool digits = n > 0 && strspn(s, "0123456789") == n;
		int k = 0;

		found = -1;
		for (size_t i = 0; i < cfg->n; i++) {
			const struct grub_entry *e = &cfg->e[i];

			if (e->parent != parent)
				continue;
			if ((digits && strtol(s, NULL, 10) == k) ||
			    (strlen(e->title) == n && strncmp(e->title, s, n) == 0) ||
			    (e->id && strlen(e->id) == n && strncmp(e->id, s, n) == 0)) {
				found = (int)i;
				break;
			}
			k++;
		}
		if (found < 0)
			return -ENOENT;
		if (s[n] == '\0')
			return found;
		parent = found;
		s += n + 1;
	}
}

static const struct grub_default *last_default(const struct grubcfg *cfg)
{
	for (size_t i = cfg->ndef; i > 0; i--)
		if (!cfg->def[i - 1].oneshot)
			return &cfg->def[i - 1];
	return NULL;
}

const char *grubcfg_default_value(const struct grubcfg *cfg, const char *saved_entry)
{
	const struct grub_default *d = last_default(cfg);

	if (!d)
		return "0";
	if (strcmp(d->value, "${saved_entry}") == 0 || strcmp(d->value, "$saved_entry") == 0)
		return saved_entry && *saved_entry ? saved_entry : "0";
	if (strchr(d->value, '$'))
		return NULL;
	return d->value;
}

int grubcfg_default_entry(const struct grubcfg *cfg, const char *saved_entry)
{
	const char *v = grubcfg_default_value(cfg, saved_entry);

	if (!v)
		return -EOPNOTSUPP;
	return grubcfg_find(cfg, v);
}

/* A token Xen sees as written: not built from a GRUB variable, and not
 * Debian's "placeholder" (which 20_linux_xen puts first because Xen skips
 * the first word of a multiboot2 command line). */
static bool literal_token(const char *t)
{
	return !strchr(t, '$') && strcmp(t, "placeholder") != 0;
}

static size_t split_words(const char *s, char ***out)
{
	size_t n = 0;

	*out = NULL;
	for (;;) {
		size_t len;

		s += strspn(s, " \t\r\n");
		if (!*s)
			return n;
		len = strcspn(s, " \t\r\n");
		*out = xrealloc(*out, (n + 1) * sizeof(char *));
		(*out)[n++] = xstrndup(s, len);
		s += len;
	}
}

static void free_words(char **w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

/* Every literal token of args appears in booted, in order, and (when args
 * has no variables) nothing else does. */
static bool args_match(const char *args, const char *booted)
{
	char **a, **b;
	size_t na = split_words(args, &a), nb = split_words(booted, &b);
	size_t i = 0, j = 0;
	bool vars = false, ok = true;

	for (; i < na && ok; i++) {
		if (!literal_token(a[i])) {
			vars |= strchr(a[i], '$') != NULL;
			continue;
		}
		while (j < nb && (!literal_token(b[j]) || strcmp(a[i], b[j]) != 0)) {
			if (!vars && literal_token(b[j]))
				ok = false;
			j++;
		}
		if (j == nb)
			ok = false;
		else
			j++;
	}
	for (; ok && !vars && j < nb; j++)
		if (literal_token(b[j]))
			ok = false;
	free_words(a, na);
	free_words(b, nb);
	return ok;
}

size_t grubcfg_match_xen_cmdline(const struct grubcfg *cfg, const char *xen_commandline,
				 int *idx, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->n; i++) {
		const struct grub_entry *e = &cfg->e[i];

		if (e->xen_kind == GRUB_XEN_NONE || !args_match(e->xen_args, xen_commandline))
			continue;
		if (n < cap)
			idx[n] = (int)i;
		n++;
	}
	return n;
}

void grub_edit_add(struct grub_edit *ed, size_t start, size_t end, const char *text)
{
	ed->v = xrealloc(ed->v, (ed->n + 1) * sizeof(*ed->v));
	ed->v[ed->n].start = start;
	ed->v[ed->n].end = end;
	ed->v[ed->n].text = xstrdup(text);
	ed->n++;
}

static int cmp_splice(const void *a, const void *b)
{
	const struct grub_splice *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

char *grub_edit_apply(const struct grub_edit *ed, const char *buf, size_t len, size_t *outlen)
{
	struct strbuf out = STRBUF_INIT;
	struct grub_splice *v = xmalloc((ed->n + 1) * sizeof(*v));
	size_t pos = 0;

	if (ed->n)
		memcpy(v, ed->v, ed->n * sizeof(*v));
	qsort(v, ed->n, sizeof(*v), cmp_splice);
	for (size_t i = 0; i < ed->n; i++) {
		size_t s = v[i].start < pos ? pos : v[i].start;

		strbuf_add(&out, buf + pos, s - pos);
		strbuf_addstr(&out, v[i].text);
		if (v[i].end > pos)
			pos = v[i].end;
	}
	strbuf_add(&out, buf + pos, len - pos);
	free(v);
	*outlen = out.len;
	return strbuf_detach(&out);
}

void grub_edit_free(struct grub_edit *ed)
{
	for (size_t i = 0; i < ed->n; i++)
		free(ed->v[i].text);
	free(ed->v);
	ed->v = NULL;
	ed->n = 0;
}

char *grub_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(&sb, "'\\''");
		else
			strbuf_addch(&sb, *s);
	}
	strbuf_addch(&sb, '\'');
	return strbuf_detach(&sb);
}
