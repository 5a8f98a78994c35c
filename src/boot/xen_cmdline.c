#include "boot/xen_cmdline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

void xen_cmdline_parse(const char *line, struct xen_cmdline *cl)
{
	size_t cap = 0;
	const char *p = line;

	cl->tok = NULL;
	cl->n = 0;
	for (;;) {
		size_t len;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t\n\r");
		if (cl->n == cap) {
			cap = cap ? cap * 2 : 16;
			cl->tok = xrealloc(cl->tok, cap * sizeof(*cl->tok));
		}
		cl->tok[cl->n].text = xstrndup(p, len);
		cl->tok[cl->n].offset = (size_t)(p - line);
		cl->n++;
		p += len;
	}
}

void xen_cmdline_free(struct xen_cmdline *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		free(cl->tok[i].text);
	free(cl->tok);
	cl->tok = NULL;
	cl->n = 0;
}

char *xen_cmdline_format(const struct xen_cmdline *cl)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < cl->n; i++) {
		if (i)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, cl->tok[i].text);
	}
	return strbuf_detach(&sb);
}

static bool word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncmp(s, w, len) == 0;
}

int xen_parse_bool(const char *s, size_t len)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
	static const char *const no[] = { "0", "no", "off", "false", "disable" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (word_is(s, len, yes[i]))
			return 1;
		if (word_is(s, len, no[i]))
			return 0;
	}
	return -1;
}

/* Splits "key=value": key length, value (NULL when there is no '='). */
static size_t token_key(const char *tok, const char **val)
{
	const char *eq = strchr(tok, '=');

	*val = eq ? eq + 1 : NULL;
	return eq ? (size_t)(eq - tok) : strlen(tok);
}

static bool key_is(const char *tok, const char *key)
{
	const char *val;
	return word_is(tok, token_key(tok, &val), key);
}

/* A list item "name", "no-name", "name=<bool>": 1/0, -1 if the value is not
 * a boolean, -2 if the name does not match. */
static int sub_bool(const char *item, size_t len, const char *name)
{
	size_t nl = strlen(name);
	int neg = 0;

	if (len > 3 && strncmp(item, "no-", 3) == 0) {
		item += 3;
		len -= 3;
		neg = 1;
	}
	if (len < nl || strncmp(item, name, nl) != 0)
		return -2;
	if (len == nl)
		return !neg;
	if (item[nl] != '=' || neg)
		return -2;
	return xen_parse_bool(item + nl + 1, len - nl - 1);
}

static const char *const iommu_subopts[] = {
	"force", "required", "quarantine", "sharept", "superpages", "intremap", "intpost",
	"crash-disable", "snoop", "qinval", "igfx", "amd-iommu-perdev-intremap", "verbose",
	"debug", "dom0-passthrough", "dom0-strict", NULL,
};

enum iommu_item { IOMMU_ITEM_ON, IOMMU_ITEM_OFF, IOMMU_ITEM_FORCE, IOMMU_ITEM_PT,
		  IOMMU_ITEM_SUBOPT, IOMMU_ITEM_INVALID };

static enum iommu_item classify_iommu_item(const char *s, size_t len)
{
	int b = xen_parse_bool(s, len);

	if (b == 1)
		return IOMMU_ITEM_ON;
	if (b == 0)
		return IOMMU_ITEM_OFF;
	if (word_is(s, len, "pt") || word_is(s, len, "passthrough"))
		return IOMMU_ITEM_PT;
	if (sub_bool(s, len, "force") == 1 || sub_bool(s, len, "required") == 1)
		return IOMMU_ITEM_FORCE;
	if (len > 11 && strncmp(s, "quarantine=", 11) == 0 && word_is(s + 11, len - 11, "scratch-page"))
		return IOMMU_ITEM_SUBOPT;
	for (size_t i = 0; iommu_subopts[i]; i++)
		if (sub_bool(s, len, iommu_subopts[i]) >= 0)
			return IOMMU_ITEM_SUBOPT;
	return IOMMU_ITEM_INVALID;
}

/* Iterates the comma-separated items of a list value (NULL: none). */
struct item_iter {
	const char *next;
	const char *it;
	size_t len;
};

static bool item_next(struct item_iter *ii)
{
	if (!ii->next)
		return false;
	ii->it = ii->next;
	ii->len = strcspn(ii->next, ",");
	ii->next = ii->next[ii->len] ? ii->next + ii->len + 1 : NULL;
	return true;
}

static bool dom0_item_valid(const char *s, size_t len)
{
	static const char *const bools[] = { "shadow", "verbose", "cpuid-faulting", "msr-relaxed",
					     "pf-fixup", NULL };

	if (word_is(s, len, "pv") || word_is(s, len, "pvh"))
		return true;
	for (size_t i = 0; bools[i]; i++)
		if (sub_bool(s, len, bools[i]) >= 0)
			return true;
	return false;
}

void xen_cmdline_facts(const struct xen_cmdline *cl, struct xen_cmdline_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->iommu = XEN_UNSET;
	f->hap = XEN_UNSET;

	for (size_t i = 0; i < cl->n; i++) {
		const char *t = cl->tok[i].text;
		const char *val;
		size_t klen = token_key(t, &val);

		if (word_is(t, klen, "iommu")) {
			if (!val) {
				f->iommu = XEN_ON;
				continue;
			}
			for (struct item_iter ii = { .next = val }; item_next(&ii);) {
				const char *it = ii.it;
				size_t itlen = ii.len;
				switch (classify_iommu_item(it, itlen)) {
				case IOMMU_ITEM_ON: f->iommu = XEN_ON; break;
				case IOMMU_ITEM_OFF: f->iommu = XEN_OFF; f->iommu_off_token = t; break;
				case IOMMU_ITEM_FORCE: f->iommu = XEN_ON; f->iommu_forced = true; break;
				case IOMMU_ITEM_PT: f->iommu_pt = true; f->iommu_pt_token = t; break;
				default: break;
				}
			}
		} else if (word_is(t, klen, "no-iommu") && !val) {
			f->iommu = XEN_OFF;
			f->iommu_off_token = t;
		} else if (word_is(t, klen, "dom0") && val) {
			f->dom0_token = t;
			for (struct item_iter ii = { .next = val }; item_next(&ii);) {
				const char *it = ii.it;
				size_t itlen = ii.len;
				if (word_is(it, itlen, "pvh")) {
					f->dom0_pvh = true;
					f->dom0_pv_explicit = false;
				} else if (word_is(it, itlen, "pv")) {
					f->dom0_pvh = false;
					f->dom0_pv_explicit = true;
				}
			}
		} else if (word_is(t, klen, "dom0-iommu") && val) {
			for (struct item_iter ii = { .next = val }; item_next(&ii);) {
				const char *it = ii.it;
				size_t itlen = ii.len;
				if (word_is(it, itlen, "none"))
					f->dom0_iommu_none = true;
			}
		} else if (word_is(t, klen, "hap") || word_is(t, klen, "no-hap")) {
			int b = sub_bool(t, strlen(t), "hap");
			if (b >= 0) {
				f->hap = b ? XEN_ON : XEN_OFF;
				f->nohap_token = b ? NULL : t;
			}
		} else if (word_is(t, klen, "noreboot") || word_is(t, klen, "no-noreboot")) {
			int b = sub_bool(t, strlen(t), "noreboot");
			if (b >= 0) {
				f->noreboot = b == 1;
				f->noreboot_token = b ? t : NULL;
			}
		}
	}
}

static void lint_add(struct xen_lint *l, const char *id, enum xen_lint_severity sev,
		     const char *token, char *message)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].id = id;
	l->v[l->n].sev = sev;
	l->v[l->n].token = xstrdup(token);
	l->v[l->n].message = message;
	l->n++;
}

/* <size>: digits with an optional unit suffix, or [<size>+]<frac>%. */
static bool dom0_mem_size_valid(const char *s, size_t len)
{
	size_t i = 0;

	if (i < len && s[i] == '-')
		i++;
	if (len > i && s[len - 1] == '%') {
		const char *plus = memchr(s + i, '+', len - i);
		size_t start = plus ? (size_t)(plus - s) + 1 : i;
		if (plus && !dom0_mem_size_valid(s + i, (size_t)(plus - s) - i))
			return false;
		if (start >= len - 1)
			return false;
		for (size_t j = start; j < len - 1; j++)
			if (!isdigit((unsigned char)s[j]))
				return false;
		return true;
	}
	if (i >= len || !isdigit((unsigned char)s[i]))
		return false;
	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	if (i < len && strchr("kKmMgGtTbB", s[i]))
		i++;
	return i == len;
}

static void lint_token(const struct xen_token *tok, const struct xen_cmdline_facts *f,
		       struct xen_lint *l)
{
	const char *t = tok->text;
	const char *val;
	size_t klen = token_key(t, &val);

	if (word_is(t, klen, "iommu") && val) {
		for (struct item_iter ii = { .next = val }; item_next(&ii);) {
			const char *it = ii.it;
			size_t itlen = ii.len;
			enum iommu_item k = classify_iommu_item(it, itlen);
			if (k == IOMMU_ITEM_PT)
				lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t, xasprintf(
					"'%.*s' is not a Xen iommu= value (iommu=pt is Linux syntax): "
					"Xen logs 'invalid value' and keeps its default", (int)itlen, it));
			else if (k == IOMMU_ITEM_INVALID)
				lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t, xasprintf(
					"'%.*s' is not a valid iommu= item: Xen ignores it", (int)itlen, it));
		}
	} else if (word_is(t, klen, "dom0") && val) {
		for (struct item_iter ii = { .next = val }; item_next(&ii);) {
			const char *it = ii.it;
			size_t itlen = ii.len;
			if (!dom0_item_valid(it, itlen))
				lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t, xasprintf(
					"'%.*s' is not a valid dom0= item (pv, pvh, shadow, verbose, "
					"cpuid-faulting, msr-relaxed, pf-fixup)", (int)itlen, it));
		}
	} else if (word_is(t, klen, "dom0") && !val) {
		lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t,
			 xstrdup("dom0 needs a value list, e.g. dom0=pvh"));
	} else if (word_is(t, klen, "dom0-iommu")) {
		bool bad = !val || !*val;
		for (struct item_iter ii = { .next = val }; item_next(&ii);) {
			const char *it = ii.it;
			size_t itlen = ii.len;
			if (!word_is(it, itlen, "none") && sub_bool(it, itlen, "passthrough") < 0 &&
			    sub_bool(it, itlen, "strict") < 0 && sub_bool(it, itlen, "map-inclusive") < 0 &&
			    sub_bool(it, itlen, "map-reserved") < 0)
				bad = true;
		}
		if (bad)
			lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t, xstrdup(
				"dom0-iommu= takes passthrough, strict, map-inclusive, map-reserved, none"));
		else if (f->dom0_pvh && f->dom0_iommu_none)
			lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t, xstrdup(
				"dom0-iommu=none skips the PVH dom0 IOMMU checks: development use only"));
	} else if (word_is(t, klen, "dom0_mem")) {
		bool bad = !val || !*val;
		for (struct item_iter ii = { .next = val }; item_next(&ii);) {
			const char *it = ii.it;
			size_t itlen = ii.len;
			const char *s = it;
			size_t n = itlen;
			if (n > 4 && (strncmp(s, "min:", 4) == 0 || strncmp(s, "max:", 4) == 0)) {
				s += 4;
				n -= 4;
			}
			if (!dom0_mem_size_valid(s, n))
				bad = true;
		}
		if (bad)
			lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t, xstrdup(
				"dom0_mem= takes <size>, min:<size>, max:<size> (e.g. dom0_mem=8192M,max:8192M)"));
	} else if (word_is(t, klen, "hap") || word_is(t, klen, "noreboot")) {
		if (sub_bool(t, strlen(t), word_is(t, klen, "hap") ? "hap" : "noreboot") < 0)
			lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t,
				 xasprintf("'%s': the value must be a boolean", t));
	} else if (word_is(t, klen, "console") && (!val || !*val)) {
		lint_add(l, "XEN_PARAM_INVALID", XEN_LINT_WARN, t,
			 xstrdup("console= needs a list such as com1,vga"));
	}
}

void xen_cmdline_lint(const struct xen_cmdline *cl, struct xen_lint *out)
{
	struct xen_cmdline_facts f;

	out->v = NULL;
	out->n = 0;
	xen_cmdline_facts(cl, &f);
	for (size_t i = 0; i < cl->n; i++)
		lint_token(&cl->tok[i], &f, out);

	if (f.iommu == XEN_OFF && f.dom0_pvh && !f.dom0_iommu_none)
		lint_add(out, "XEN_IOMMU_DISABLED", XEN_LINT_FAIL, f.iommu_off_token, xasprintf(
			"'%s' with dom0=pvh: Xen panics (\"iommu must be enabled for PVH hardware "
			"domain\") and the host reboot-loops", f.iommu_off_token));
	else if (f.iommu == XEN_OFF)
		lint_add(out, "XEN_IOMMU_DISABLED", XEN_LINT_WARN, f.iommu_off_token, xasprintf(
			"'%s' turns the IOMMU off; a PVH dom0 needs it (fix removes it)",
			f.iommu_off_token));
	if (f.hap == XEN_OFF)
		lint_add(out, "XEN_NO_HAP", f.dom0_pvh ? XEN_LINT_FAIL : XEN_LINT_WARN, f.nohap_token,
			 xasprintf("'%s' disables HAP; a PVH dom0 then needs shadow paging, "
				   "which XCP-ng 8.3's Xen does not have", f.nohap_token));
	if (f.noreboot)
		lint_add(out, "XEN_NOREBOOT", XEN_LINT_FAIL, f.noreboot_token, xasprintf(
			"'%s': a Xen panic hangs instead of rebooting, so a failed trial "
			"boot cannot fall back by itself", f.noreboot_token));
}

void xen_lint_free(struct xen_lint *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].token);
		free(l->v[i].message);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void token_remove(struct xen_cmdline *cl, size_t i)
{
	free(cl->tok[i].text);
	memmove(&cl->tok[i], &cl->tok[i + 1], (cl->n - i - 1) * sizeof(*cl->tok));
	cl->n--;
}

static void token_append(struct xen_cmdline *cl, const char *text)
{
	cl->tok = xrealloc(cl->tok, (cl->n + 1) * sizeof(*cl->tok));
	cl->tok[cl->n].text = xstrdup(text);
	cl->tok[cl->n].offset = (size_t)-1;
	cl->n++;
}

int xen_cmdline_enable_iommu(struct xen_cmdline *cl)
{
	int changed = 0;

	for (size_t i = 0; i < cl->n;) {
		const char *t = cl->tok[i].text;
		const char *val;
		size_t klen = token_key(t, &val);
		struct strbuf kept = STRBUF_INIT;
		bool dropped = false;

		if (word_is(t, klen, "no-iommu") && !val) {
			token_remove(cl, i);
			changed++;
			continue;
		}
		if (!word_is(t, klen, "iommu") || !val) {
			i++;
			continue;
		}
		for (struct item_iter ii = { .next = val }; item_next(&ii);) {
			const char *it = ii.it;
			size_t itlen = ii.len;
			enum iommu_item k = classify_iommu_item(it, itlen);
			if (k == IOMMU_ITEM_OFF || k == IOMMU_ITEM_PT) {
				dropped = true;
				continue;
			}
			if (kept.len)
				strbuf_addch(&kept, ',');
			strbuf_add(&kept, it, itlen);
		}
		if (!dropped) {
			strbuf_release(&kept);
			i++;
			continue;
		}
		changed++;
		if (kept.len == 0) {
			strbuf_release(&kept);
			token_remove(cl, i);
			continue;
		}
		free(cl->tok[i].text);
		cl->tok[i].text = xasprintf("iommu=%s", kept.buf);
		strbuf_release(&kept);
		i++;
	}
	return changed;
}

int xen_cmdline_set_dom0_pvh(struct xen_cmdline *cl)
{
	struct xen_cmdline_facts f;
	size_t last = cl->n;

	xen_cmdline_facts(cl, &f);
	if (f.dom0_pvh)
		return 0;
	for (size_t i = 0; i < cl->n; i++)
		if (key_is(cl->tok[i].text, "dom0") && strchr(cl->tok[i].text, '='))
			last = i;
	if (last == cl->n) {
		token_append(cl, "dom0=pvh");
		return 1;
	}
	{
		const char *val = strchr(cl->tok[last].text, '=') + 1;
		struct strbuf sb = STRBUF_INIT;
		bool placed = false;

		strbuf_addstr(&sb, "dom0=");
		for (struct item_iter ii = { .next = val }; item_next(&ii);) {
			const char *it = ii.it;
			size_t itlen = ii.len;
			bool mode = word_is(it, itlen, "pv") || word_is(it, itlen, "pvh");
			if (mode && placed)
				continue;
			if (sb.len > 5)
				strbuf_addch(&sb, ',');
			if (mode) {
				strbuf_addstr(&sb, "pvh");
				placed = true;
			} else {
				strbuf_add(&sb, it, itlen);
			}
		}
		if (!placed) {
			/* No mode in the list: put pvh first, keep the rest. */
			char *rest = xstrdup(sb.buf + 5);
			strbuf_reset(&sb);
			strbuf_addstr(&sb, rest[0] ? "dom0=pvh," : "dom0=pvh");
			strbuf_addstr(&sb, rest);
			free(rest);
		}
		free(cl->tok[last].text);
		cl->tok[last].text = strbuf_detach(&sb);
	}
	return 1;
}
