#include "boot/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/xen_cmdline.h"

#define MARK_BEGIN "### BEGIN dom0cuda "
#define MARK_END "### END dom0cuda "

/* The stock 00_header one-shot (domain-facts §6), for configs that honour
 * no one-shot at all (a fresh XCP-ng install). */
static const char oneshot_block[] =
	"if [ -s $prefix/grubenv ]; then\n"
	"\tload_env\n"
	"fi\n"
	"if [ \"${next_entry}\" ] ; then\n"
	"\tset default=\"${next_entry}\"\n"
	"\tset next_entry=\n"
	"\tsave_env next_entry\n"
	"fi\n";

/* XenServer's setNextBoot() puts these first in the entry it arms, because
 * its config never clears override_entry itself (python-libs bootloader.py). */
static const char override_clear[] = "unset override_entry\n%ssave_env override_entry\n";

const char *oneshot_kind_name(enum oneshot_kind k)
{
	switch (k) {
	case ONESHOT_OVERRIDE: return "override_entry";
	case ONESHOT_NEXT_ENTRY: return "next_entry";
	case ONESHOT_INSERTED: return "next_entry (block added by dom0cuda)";
	}
	return "?";
}

void boot_change_free(struct boot_change *ch)
{
	free(ch->cfg);
	for (size_t i = 0; i < ch->nenv; i++) {
		free(ch->env[i].name);
		free(ch->env[i].old);
		free(ch->env[i].new_);
	}
	free(ch->env);
	strbuf_release(&ch->plan);
	free(ch->entry_title);
	free(ch->xen_args_old);
	free(ch->xen_args_new);
	memset(ch, 0, sizeof(*ch));
}

static void env_change(struct boot_change *ch, const struct grubenv *env, const char *name,
		       const char *value)
{
	const char *old = env ? grubenv_get(env, name) : NULL;
	struct env_change *c;

	ch->env = xrealloc(ch->env, (ch->nenv + 1) * sizeof(*ch->env));
	c = &ch->env[ch->nenv++];
	c->name = xstrdup(name);
	c->old = old ? xstrdup(old) : NULL;
	c->new_ = value ? xstrdup(value) : NULL;
}

void boot_change_apply_env(const struct boot_change *ch, struct grubenv *env)
{
	for (size_t i = 0; i < ch->nenv; i++) {
		if (ch->env[i].new_)
			grubenv_set(env, ch->env[i].name, ch->env[i].new_);
		else
			grubenv_unset(env, ch->env[i].name);
	}
}

static size_t indent_len(const char *s)
{
	return strspn(s, " \t");
}

int boot_find_ours(const struct grubcfg *cfg)
{
	static const char mark[] = MARK_BEGIN "pvh-entry ###\n";

	for (size_t i = 0; i < cfg->n; i++) {
		const struct grub_entry *e = &cfg->e[i];
		size_t ls = e->start;

		/* The marker is the line right above the entry. */
		if (ls == 0)
			continue;
		ls--;
		while (ls > 0 && cfg->buf[ls - 1] != '\n')
			ls--;
		if (strncmp(cfg->buf + ls + indent_len(cfg->buf + ls), mark, sizeof(mark) - 1) == 0)
			return (int)i;
	}
	return -ENOENT;
}

/* The index path of the entry that will sit right after e. */
static char *next_index_path(const struct grub_entry *e)
{
	const char *last = strrchr(e->index_path, '>');
	size_t plen = last ? (size_t)(last - e->index_path) + 1 : 0;

	return xasprintf("%.*s%ld", (int)plen, e->index_path, strtol(e->index_path + plen, NULL, 10) + 1);
}

/* How to boot the entry at index path idx (with id, may be NULL) once. */
static void arm_oneshot(const struct grubcfg *cfg, const struct grubenv *env, const char *idx,
			const char *id, struct boot_change *ch)
{
	const char *name, *value;

	if (cfg->override_entry) {
		/* `set default=$override_entry` is unquoted: only a number is safe. */
		ch->oneshot = ONESHOT_OVERRIDE;
		name = "override_entry";
		value = idx;
	} else {
		ch->oneshot = cfg->next_entry ? ONESHOT_NEXT_ENTRY : ONESHOT_INSERTED;
		name = "next_entry";
		value = id ? id : idx;
	}
	const char *armed = env ? grubenv_get(env, name) : NULL;

	if (armed && strcmp(armed, value) == 0)
		return;
	env_change(ch, env, name, value);
	strbuf_addf(&ch->plan, "arm a one-shot boot of it: grubenv %s=%s (%s)\n", name, value,
		    ch->oneshot == ONESHOT_OVERRIDE ? "XenServer's override_entry, honoured by this grub.cfg" :
		    ch->oneshot == ONESHOT_NEXT_ENTRY ? "GRUB's next_entry, honoured by this grub.cfg" :
		    "GRUB's stock next_entry block, added to grub.cfg because it honours no one-shot");
	/* Someone else's pending one-shot (grub-reboot, a pool tool) is
	 * replaced, not merged: say so; rollback puts it back. */
	if (armed && *armed)
		strbuf_addf(&ch->plan, "  this replaces the one-shot already armed (grubenv %s=%s): that boot will not happen (`dom0cuda rollback` before the reboot re-arms it)\n",
			    name, armed);
}

static char *edit_xen_args(const char *args)
{
	struct xen_cmdline cl;
	char *out;

	xen_cmdline_parse(args, &cl);
	xen_cmdline_enable_iommu(&cl);
	xen_cmdline_set_dom0_pvh(&cl);
	out = xen_cmdline_format(&cl);
	xen_cmdline_free(&cl);
	return out;
}

/* The copy of entry e, retitled, with the new Xen arguments, between markers. */
static char *pvh_entry_text(const struct grubcfg *cfg, const struct grub_entry *e,
			    const char *title, const char *args, bool override)
{
	struct grub_edit ed = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *src = cfg->buf + e->start;
	size_t len = e->end - e->start, ind = indent_len(src), outlen;
	char *q, *copy;

	q = grub_quote(title);
	grub_edit_add(&ed, e->title_start - e->start, e->title_end - e->start, q);
	free(q);
	if (e->id) {
		char *id = xasprintf("%s-pvh", e->id);

		q = grub_quote(id);
		grub_edit_add(&ed, e->id_start - e->start, e->id_end - e->start, q);
		free(q);
		free(id);
	}
	if (e->xen_args_start == e->xen_args_end) {
		char *t = xasprintf(" %s", args);

		grub_edit_add(&ed, e->xen_args_start - e->start, e->xen_args_end - e->start, t);
		free(t);
	} else {
		grub_edit_add(&ed, e->xen_args_start - e->start, e->xen_args_end - e->start, args);
	}
	if (override && e->body_start > e->start && e->body_start <= e->end) {
		char *in = xasprintf("%.*s\t", (int)ind, src);
		char *clear = xasprintf(override_clear, in);
		char *t = xasprintf("%s%s", in, clear);

		grub_edit_add(&ed, e->body_start - e->start, e->body_start - e->start, t);
		free(t);
		free(clear);
		free(in);
	}
	copy = grub_edit_apply(&ed, src, len, &outlen);
	grub_edit_free(&ed);
	strbuf_addf(&sb, "%.*s" MARK_BEGIN "pvh-entry ###\n", (int)ind, src);
	strbuf_add(&sb, copy, outlen);
	if (outlen == 0 || copy[outlen - 1] != '\n')
		strbuf_addch(&sb, '\n');
	strbuf_addf(&sb, "%.*s" MARK_END "pvh-entry ###\n", (int)ind, src);
	free(copy);
	return strbuf_detach(&sb);
}

static int default_xen_entry(const struct grubcfg *cfg, const struct grubenv *env, struct strbuf *why)
{
	const char *saved = env ? grubenv_get(env, "saved_entry") : NULL;
	const char *v = grubcfg_default_value(cfg, saved);
	int d = grubcfg_default_entry(cfg, saved);

	if (d == -EOPNOTSUPP) {
		strbuf_addf(why, "%s: the default entry is computed at boot time; dom0cuda cannot tell which entry it is",
			    cfg->name);
		return d;
	}
	if (d < 0) {
		strbuf_addf(why, "%s: the default \"%s\" names no menu entry", cfg->name, v);
		return d;
	}
	if (cfg->e[d].submenu || cfg->e[d].xen_kind == GRUB_XEN_NONE) {
		strbuf_addf(why, "%s:%u: the default entry '%s' does not boot Xen (no multiboot2, multiboot or xen_hypervisor line for xen)",
			    cfg->name, cfg->e[d].line, cfg->e[d].title);
		return -ENOENT;
	}
	if (cfg->e[d].xen_kind == GRUB_XEN_CHAINLOADER) {
		strbuf_addf(why, "%s:%u: the default entry '%s' chainloads xen.efi, whose options live in its own xen.cfg; dom0cuda edits only GRUB-loaded Xen",
			    cfg->name, cfg->e[d].line, cfg->e[d].title);
		return -EOPNOTSUPP;
	}
	return d;
}

/* Where another command follows offset off on the same line (blanks
 * skipped), or NULL when the line or the file ends there. */
static const char *command_after(const struct grubcfg *cfg, size_t off)
{
	if (off > 0 && cfg->buf[off - 1] == '\n')
		return NULL;
	while (off < cfg->len && (cfg->buf[off] == ' ' || cfg->buf[off] == '\t'))
		off++;
	return off < cfg->len && cfg->buf[off] != '\n' ? cfg->buf + off : NULL;
}

int boot_plan_fix(const struct grubcfg *cfg, const struct grubenv *env,
		  struct boot_change *ch, struct strbuf *why)
{
	struct grub_edit ed = { 0 };
	const struct grub_entry *e;
	int ours = boot_find_ours(cfg), d;
	char *idx, *id, *text;

	memset(ch, 0, sizeof(*ch));
	if (ours >= 0) {
		e = &cfg->e[ours];
		ch->entry_title = xstrdup(e->title);
		ch->xen_args_old = xstrdup(e->xen_args ? e->xen_args : "");
		ch->xen_args_new = xstrdup(ch->xen_args_old);
		strbuf_addf(&ch->plan, "keep the PVH entry '%s' added earlier (grub.cfg line %u)\n", e->title, e->line);
		arm_oneshot(cfg, env, e->index_path, e->id, ch);
		ch->already = ch->nenv == 0;
		return 0;
	}
	d = default_xen_entry(cfg, env, why);
	if (d < 0)
		return d;
	e = &cfg->e[d];
	/* The new entry goes on the lines after the default's '}': another
	 * command on that line (`};menuentry ...`, found by fuzzing) would
	 * then start a line with ';', which GRUB cannot parse. */
	{
		const char *next = command_after(cfg, e->end);

		if (next && *next != '#') {
			strbuf_addf(why, "%s:%u: the default entry '%s' ends with '}' and another command on the same line; put the '}' on a line of its own, then run fix again",
				    cfg->name, e->end_line, e->title);
			return -EOPNOTSUPP;
		}
	}
	ch->entry_title = xasprintf("%s" PVH_TITLE_SUFFIX, e->title);
	ch->xen_args_old = xstrdup(e->xen_args);
	ch->xen_args_new = edit_xen_args(e->xen_args);
	text = pvh_entry_text(cfg, e, ch->entry_title, ch->xen_args_new, cfg->override_entry);
	if (e->end > 0 && cfg->buf[e->end - 1] != '\n') {
		char *t = xasprintf("\n%s", text);

		free(text);
		text = t;
	}
	grub_edit_add(&ed, e->end, e->end, text);
	free(text);
	strbuf_addf(&ch->plan, "add entry '%s' after the default '%s' (grub.cfg line %u); the original, Serial and Safe Mode entries stay as they are\n",
		    ch->entry_title, e->title, e->line);
	strbuf_addf(&ch->plan, "Xen line of the new entry: %s\n", ch->xen_args_new);
	if (!cfg->override_entry && !cfg->next_entry) {
		size_t at = cfg->first_entry;

		/* After any top-level `set default`, or it would undo the one-shot. */
		for (size_t i = 0; i < cfg->ndef; i++)
			if (!cfg->def[i].oneshot && cfg->def[i].line_end > at && cfg->def[i].line_start >= at)
				at = cfg->def[i].line_end;
		text = xasprintf(MARK_BEGIN "oneshot ###\n%s" MARK_END "oneshot ###\n", oneshot_block);
		grub_edit_add(&ed, at, at, text);
		free(text);
		strbuf_addstr(&ch->plan, "add GRUB's stock load_env/next_entry block before the first entry, marked as dom0cuda's\n");
	}
	idx = next_index_path(e);
	id = e->id ? xasprintf("%s-pvh", e->id) : NULL;
	arm_oneshot(cfg, env, idx, id, ch);
	free(idx);
	free(id);
	strbuf_addf(&ch->plan, "leave '%s' the default: if the trial does not come up (a Xen panic reboots), the next boot is the untouched default\n",
		    e->title);
	ch->cfg = grub_edit_apply(&ed, cfg->buf, cfg->len, &ch->cfg_len);
	grub_edit_free(&ed);
	return 0;
}

static bool is_index_path(const char *v)
{
	return *v && strspn(v, "0123456789>") == strlen(v);
}

static bool names_an_id(const struct grubcfg *cfg, const char *v)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (cfg->e[i].id && strcmp(cfg->e[i].id, v) == 0)
			return true;
	return false;
}

int boot_plan_persist(const struct grubcfg *cfg, const struct grubenv *env,
		      struct boot_change *ch, struct strbuf *why)
{
	const char *saved = env ? grubenv_get(env, "saved_entry") : NULL;
	const struct grub_default *d = NULL;
	const struct grub_entry *o;
	int ours = boot_find_ours(cfg), cur;
	const char *oldv;
	char *value;

	memset(ch, 0, sizeof(*ch));
	if (ours < 0) {
		strbuf_addf(why, "%s has no PVH entry from `dom0cuda fix`; run `dom0cuda fix` (and verify the trial boot) first",
			    cfg->name);
		return -ENOENT;
	}
	o = &cfg->e[ours];
	ch->entry_title = xstrdup(o->title);
	cur = grubcfg_default_entry(cfg, saved);
	if (cur == ours) {
		ch->already = true;
		strbuf_addf(&ch->plan, "'%s' is already the default\n", o->title);
		return 0;
	}
	for (size_t i = cfg->ndef; i > 0 && !d; i--)
		if (!cfg->def[i - 1].oneshot)
			d = &cfg->def[i - 1];
	oldv = grubcfg_default_value(cfg, saved);
	if (d && strstr(d->value, "saved_entry")) {
		value = xstrdup(o->id ? o->id : o->path);
		env_change(ch, env, "saved_entry", value);
		strbuf_addf(&ch->plan, "make '%s' the default: grubenv saved_entry=%s (was %s)\n", o->title, value,
			    saved ? saved : "unset");
		free(value);
		return 0;
	}
	if (!oldv) {
		strbuf_addf(why, "%s:%u: the default (set default=%s) is computed at boot time; dom0cuda cannot change it safely",
			    cfg->name, d->line, d->value);
		return -EOPNOTSUPP;
	}
	/* The piece below replaces the line of `set default` between markers,
	 * which must start a line for rollback to find them again. */
	if (d) {
		size_t b = d->line_start;

		while (b > 0 && (cfg->buf[b - 1] == ' ' || cfg->buf[b - 1] == '\t'))
			b--;
		/* Nor may a command follow it on that line (`set default=2; x`,
		 * found by fuzzing): it would be cut off onto a line of its own. */
		if ((b > 0 && cfg->buf[b - 1] != '\n') || command_after(cfg, d->line_end)) {
			strbuf_addf(why, "%s:%u: 'set default=%s' shares its line with another command; put it on a line of its own, then run persist again",
				    cfg->name, d->line, d->value);
			return -EOPNOTSUPP;
		}
	}
	/* Name the new default the way the file names its default. */
	if (!d || is_index_path(d->value))
		value = xstrdup(o->index_path);
	else if (names_an_id(cfg, d->value) && o->id)
		value = xstrdup(o->id);
	else
		value = xstrdup(o->path);
	{
		struct grub_edit ed = { 0 };
		struct strbuf t = STRBUF_INIT;
		char *q = is_index_path(value) ? xstrdup(value) : grub_quote(value);

		if (d) {
			const char *ls = cfg->buf + d->line_start;
			size_t ll = d->line_end - d->line_start, ind = indent_len(ls);

			if (ll && ls[ll - 1] == '\n')
				ll--;
			strbuf_addf(&t, "%.*s" MARK_BEGIN "persist ###\n", (int)ind, ls);
			strbuf_addf(&t, "%.*s#was: %.*s\n", (int)ind, ls, (int)ll, ls);
			strbuf_add(&t, ls, d->word_start - d->line_start);
			strbuf_addf(&t, "default=%s", q);
			strbuf_add(&t, cfg->buf + d->word_end, d->line_start + ll - d->word_end);
			strbuf_addf(&t, "\n%.*s" MARK_END "persist ###\n", (int)ind, ls);
			grub_edit_add(&ed, d->line_start, d->line_end, t.buf);
		} else {
			strbuf_addf(&t, MARK_BEGIN "persist ###\nset default=%s\n" MARK_END "persist ###\n", q);
			grub_edit_add(&ed, 0, 0, t.buf);
		}
		ch->cfg = grub_edit_apply(&ed, cfg->buf, cfg->len, &ch->cfg_len);
		grub_edit_free(&ed);
		strbuf_release(&t);
		free(q);
	}
	strbuf_addf(&ch->plan, "make '%s' the default: set default=%s (was %s); the old default entry stays as a fallback in the menu\n",
		    o->title, value, oldv);
	free(value);
	return 0;
}

int boot_strip_ours(const char *buf, size_t len, struct strbuf *out)
{
	size_t pos = 0;
	int removed = 0;

	while (pos < len) {
		const char *l = buf + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) + 1 : len - pos;
		const char *t = l + indent_len(l);
		char endmark[96];
		const char *what, *e;
		bool persist;
		size_t q;

		if ((size_t)(t - l) >= ll || strncmp(t, MARK_BEGIN, strlen(MARK_BEGIN)) != 0) {
			strbuf_add(out, l, ll);
			pos += ll;
			continue;
		}
		what = t + strlen(MARK_BEGIN);
		snprintf(endmark, sizeof(endmark), MARK_END "%.*s", (int)strcspn(what, " \n"), what);
		/* Find the matching END line; without one, the piece is left alone. */
		e = NULL;
		for (q = pos + ll; q < len;) {
			const char *m = buf + q, *mnl = memchr(m, '\n', len - q);
			size_t ml = mnl ? (size_t)(mnl - m) + 1 : len - q;
			const char *mt = m + indent_len(m);

			if (strncmp(mt, endmark, strlen(endmark)) == 0) {
				e = m + ml;
				break;
			}
			q += ml;
		}
		if (!e) {
			strbuf_add(out, l, ll);
			pos += ll;
			continue;
		}
		/* Only persist's pieces hold a replaced line; a "#was: " line in
		 * a copied entry is the admin's own and goes with the copy. */
		persist = strncmp(what, "persist ", 8) == 0;
		for (const char *m = l + ll; m < e;) {
			const char *mnl = memchr(m, '\n', (size_t)(e - m));
			size_t ml = mnl ? (size_t)(mnl - m) + 1 : (size_t)(e - m);
			const char *mt = m + indent_len(m);

			if (persist && strncmp(mt, "#was: ", 6) == 0)
				strbuf_add(out, mt + 6, ml - (size_t)(mt + 6 - m));
			m += ml;
		}
		removed++;
		pos = (size_t)(e - buf);
	}
	return removed;
}

/* Lines of a buffer, for the diff. */
struct lines {
	const char **p;
	size_t *len;
	size_t n;
};

static void split_lines(const char *b, size_t blen, struct lines *l)
{
	l->p = NULL;
	l->len = NULL;
	l->n = 0;
	for (size_t pos = 0; pos < blen;) {
		const char *nl = memchr(b + pos, '\n', blen - pos);
		size_t ll = nl ? (size_t)(nl - b - pos) + 1 : blen - pos;

		l->p = xrealloc(l->p, (l->n + 1) * sizeof(*l->p));
		l->len = xrealloc(l->len, (l->n + 1) * sizeof(*l->len));
		l->p[l->n] = b + pos;
		l->len[l->n++] = ll;
		pos += ll;
	}
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

static void emit(struct strbuf *out, char c, const char *p, size_t len)
{
	strbuf_addch(out, c);
	strbuf_add(out, p, len);
	if (!len || p[len - 1] != '\n')
		strbuf_addstr(out, "\n\\ No newline at end of file\n");
}

void boot_unified_diff(const char *name, const char *a, size_t alen, const char *b, size_t blen,
		       struct strbuf *out)
{
	struct lines la, lb;
	size_t pre = 0, sa, sb, n, m;
	unsigned *lcs;
	char *op;       /* ' ', '-', '+' per output line */
	size_t *oi, nop = 0;

	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	while (pre < la.n && pre < lb.n && same(&la, pre, &lb, pre))
		pre++;
	sa = la.n;
	sb = lb.n;
	while (sa > pre && sb > pre && same(&la, sa - 1, &lb, sb - 1)) {
		sa--;
		sb--;
	}
	n = sa - pre;
	m = sb - pre;
	/* LCS over the differing middle; grub.cfg files are small. */
	lcs = xcalloc((n + 1) * (m + 1), sizeof(*lcs));
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			lcs[i * (m + 1) + j] = same(&la, pre + i, &lb, pre + j) ?
				lcs[(i + 1) * (m + 1) + j + 1] + 1 :
				(lcs[(i + 1) * (m + 1) + j] > lcs[i * (m + 1) + j + 1] ?
				 lcs[(i + 1) * (m + 1) + j] : lcs[i * (m + 1) + j + 1]);
	op = xmalloc(la.n + lb.n + 1);
	oi = xmalloc((la.n + lb.n + 1) * sizeof(*oi) * 2);
	for (size_t i = 0; i < pre; i++) {
		op[nop] = ' ';
		oi[2 * nop] = i;
		oi[2 * nop++ + 1] = i;
	}
	{
		size_t i = 0, j = 0;

		while (i < n || j < m) {
			if (i < n && j < m && same(&la, pre + i, &lb, pre + j)) {
				op[nop] = ' ';
				oi[2 * nop] = pre + i++;
				oi[2 * nop++ + 1] = pre + j++;
			} else if (i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
				op[nop] = '-';
				oi[2 * nop] = pre + i++;
				oi[2 * nop++ + 1] = pre + j;
			} else {
				op[nop] = '+';
				oi[2 * nop] = pre + i;
				oi[2 * nop++ + 1] = pre + j++;
			}
		}
	}
	for (size_t i = sa; i < la.n; i++) {
		op[nop] = ' ';
		oi[2 * nop] = i;
		oi[2 * nop++ + 1] = sb + (i - sa);
	}
	if (pre < la.n || pre < lb.n)
		strbuf_addf(out, "--- a%s\n+++ b%s\n", name, name);
	/* Hunks: runs of changes with 3 lines of context, merged when close. */
	for (size_t k = 0; k < nop;) {
		size_t s, e, ca = 0, cb = 0;

		if (op[k] == ' ') {
			k++;
			continue;
		}
		s = k >= 3 ? k - 3 : 0;
		e = k;
		for (;;) {
			size_t z = e;

			while (z < nop && op[z] != ' ')
				z++;
			e = z;
			while (z < nop && op[z] == ' ' && z - e < 7)
				z++;
			if (z < nop && op[z] != ' ' && z - e < 7) {
				e = z;
				continue;
			}
			e = e + 3 < nop ? e + 3 : nop;
			break;
		}
		for (size_t x = s; x < e; x++) {
			ca += op[x] != '+';
			cb += op[x] != '-';
		}
		strbuf_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", oi[2 * s] + (ca ? 1 : 0), ca,
			    oi[2 * s + 1] + (cb ? 1 : 0), cb);
		for (size_t x = s; x < e; x++) {
			if (op[x] == '+')
				emit(out, '+', lb.p[oi[2 * x + 1]], lb.len[oi[2 * x + 1]]);
			else
				emit(out, op[x], la.p[oi[2 * x]], la.len[oi[2 * x]]);
		}
		k = e;
	}
	free(lcs);
	free(op);
	free(oi);
	free(la.p);
	free(la.len);
	free(lb.p);
	free(lb.len);
}
