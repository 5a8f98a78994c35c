/* The edit round trip fix and persist rely on: parse -> plan (add the PVH
 * entry, as fix does) -> the new bytes parse again, keep every original
 * entry byte for byte, and stripping dom0cuda's marked pieces gives back
 * the original exactly (what rollback does to a file edited since). Then
 * the same for persist on fix's output. The input is grub.cfg, optionally
 * followed by "\n#@grubenv@\n" and a 1024-byte grubenv block. */
#include <string.h>

#include "boot/grubcfg.h"
#include "boot/grubenv.h"
#include "boot/plan.h"
#include "fuzz.h"

#define ENV_SEP "\n#@grubenv@\n"

static void parse_ok(const char *buf, size_t len, struct grubcfg *cfg)
{
	struct strbuf err = STRBUF_INIT;

	FUZZ_ASSERT(grubcfg_parse("new", buf, len, cfg, &err) == 0, "edited file does not parse: %s\n%.*s",
		    strbuf_str(&err), (int)len, buf);
	strbuf_release(&err);
}

/* Every non-submenu entry of a appears, byte for byte, among b's. When
 * the closing '}' was followed by a comment on the same line ("}# x"), the
 * edit puts its piece between them, so b's copy may end in an added '\n'. */
static void entries_kept(const struct grubcfg *a, const struct grubcfg *b)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct grub_entry *e = &a->e[i];
		bool seen = false;

		if (e->submenu)
			continue;
		for (size_t j = 0; j < b->n && !seen; j++) {
			size_t alen = e->end - e->start, blen = b->e[j].end - b->e[j].start;

			seen = (blen == alen || (blen == alen + 1 && b->buf[b->e[j].end - 1] == '\n')) &&
			       memcmp(b->buf + b->e[j].start, a->buf + e->start, alen) == 0;
		}
		FUZZ_ASSERT(seen, "entry '%s' changed", e->title);
	}
}

/* out is orig with one '\n' added between a '}' and the comment that
 * followed it on the same line (the known, harmless difference above:
 * docs/reliability.md, finding 14). */
static bool comment_split(const char *out, size_t olen, const char *orig, size_t len)
{
	size_t i = 0;

	if (olen != len + 1)
		return false;
	while (i < len && out[i] == orig[i])
		i++;
	/* The same newline when the entry's '}' ends a file that has no final
	 * newline: fix puts its block on a line of its own after it (found by
	 * CI's fuzzing, `menuentry ''{multiboot xen}`). */
	if (i == len)
		return len > 0 && orig[len - 1] == '}' && out[len] == '\n';
	return i > 0 && out[i] == '\n' && orig[i - 1] == '}' && orig[i] == '#' &&
	       memcmp(out + i + 1, orig + i, len - i) == 0;
}

static void strips_back(const struct grubcfg *orig, const char *buf, size_t len)
{
	struct strbuf out = STRBUF_INIT;

	boot_strip_ours(buf, len, &out);
	FUZZ_ASSERT((out.len == orig->len && memcmp(strbuf_str(&out), orig->buf, out.len) == 0) ||
		    comment_split(strbuf_str(&out), out.len, orig->buf, orig->len),
		    "strip does not give the original back:\n%s", strbuf_str(&out));
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *buf = (const char *)data, *sep;
	size_t cfglen = size;
	struct grubcfg cfg, fixed, persisted;
	struct grubenv env;
	struct boot_change ch = { 0 }, ch2 = { 0 };
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT;
	bool have_env = false;
	char *msg = NULL;

	sep = memmem(buf, size, ENV_SEP, strlen(ENV_SEP));
	if (sep) {
		cfglen = (size_t)(sep - buf);
		have_env = grubenv_parse(sep + strlen(ENV_SEP), size - cfglen - strlen(ENV_SEP), &env, &msg) == 0;
		free(msg);
	}
	if (!have_env)
		grubenv_init(&env);
	/* Files that already hold our markers are rollback's business, not this property's. */
	if (memmem(buf, cfglen, "dom0cuda", 8) || grubcfg_parse("grub.cfg", buf, cfglen, &cfg, &err) < 0) {
		strbuf_release(&err);
		grubenv_free(&env);
		return 0;
	}
	strbuf_release(&err);
	if (boot_plan_fix(&cfg, have_env ? &env : NULL, &ch, &why) == 0 && ch.cfg) {
		parse_ok(ch.cfg, ch.cfg_len, &fixed);
		entries_kept(&cfg, &fixed);
		FUZZ_ASSERT(boot_find_ours(&fixed) >= 0, "fix's entry not found again");
		strips_back(&cfg, ch.cfg, ch.cfg_len);
		boot_change_apply_env(&ch, &env);
		strbuf_reset(&why);
		if (boot_plan_persist(&fixed, &env, &ch2, &why) == 0 && ch2.cfg) {
			parse_ok(ch2.cfg, ch2.cfg_len, &persisted);
			entries_kept(&cfg, &persisted);
			strips_back(&cfg, ch2.cfg, ch2.cfg_len);
			grubcfg_free(&persisted);
		}
		grubcfg_free(&fixed);
	}
	boot_change_free(&ch);
	boot_change_free(&ch2);
	strbuf_release(&why);
	grubcfg_free(&cfg);
	grubenv_free(&env);
	return 0;
}
