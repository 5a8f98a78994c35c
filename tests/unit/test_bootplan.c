/* fix/persist plans on real configs: the default is changed the way the
 * file names it, and stripping dom0cuda's marked pieces gives the original. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/plan.h"
#include "unit.h"

/* fix then persist on text; returns the persisted file (caller frees). */
static char *fix_persist(const char *text, size_t len, struct grubenv *env, struct boot_change *pch)
{
	struct grubcfg a, b;
	struct boot_change ch;
	struct strbuf why = STRBUF_INIT, err = STRBUF_INIT;
	char *out = NULL;

	if (grubcfg_parse("a", text, len, &a, &err) < 0 || boot_plan_fix(&a, env, &ch, &why) < 0) {
		printf("# %s%s\n", strbuf_str(&err), strbuf_str(&why));
		return NULL;
	}
	if (grubcfg_parse("b", ch.cfg, ch.cfg_len, &b, &err) == 0 &&
	    boot_plan_persist(&b, env, pch, &why) == 0)
		out = pch->cfg ? xstrndup(pch->cfg, pch->cfg_len) : xstrndup(ch.cfg, ch.cfg_len);
	else
		printf("# %s%s\n", strbuf_str(&err), strbuf_str(&why));
	grubcfg_free(&a);
	grubcfg_free(&b);
	boot_change_free(&ch);
	strbuf_release(&why);
	strbuf_release(&err);
	return out;
}

int main(void)
{
	struct boot_change pch;
	struct strbuf sb = STRBUF_INIT;
	struct grubcfg cfg;
	size_t len;
	char *deb = unit_read_file("tests/fixtures/grub/debian12-xen-default-nvme.cfg", &len);
	char *out = fix_persist(deb, len, NULL, &pch);
	int d;

	UNIT_OK(out != NULL, "debian_fix_then_persist_plans");
	UNIT_OK(out && strstr(out, "\n   set default='Debian GNU/Linux, with Xen hypervisor (PVH dom0)'\n"),
		"persist_names_default_by_title_like_the_file");
	UNIT_OK(out && strstr(out, "#was:    set default=\"Debian GNU/Linux, with Xen hypervisor\"\n"),
		"persist_keeps_replaced_line_as_was");
	if (out) {
		UNIT_INTEQ(grubcfg_parse("p", out, strlen(out), &cfg, &sb), 0, "persisted_file_parses");
		d = grubcfg_default_entry(&cfg, NULL);
		UNIT_STREQ(d >= 0 ? cfg.e[d].title : NULL, "Debian GNU/Linux, with Xen hypervisor (PVH dom0)",
			   "persisted_default_is_pvh_entry");
		grubcfg_free(&cfg);
		strbuf_reset(&sb);
		UNIT_INTEQ(boot_strip_ours(out, strlen(out), &sb), 2, "strip_finds_entry_and_persist_pieces");
		UNIT_OK(sb.len == len && memcmp(sb.buf, deb, len) == 0, "strip_gives_back_original_bytes");
	}
	boot_change_free(&pch);
	free(out);

	/* GRUB_DEFAULT=saved: persist writes saved_entry, not grub.cfg. */
	{
		const char *t = "set default=\"${saved_entry}\"\nif [ \"${next_entry}\" ] ; then\n set default=\"${next_entry}\"\nfi\n"
				"menuentry 'Xen' --id xen {\n\tmultiboot2 /boot/xen.gz dom0_mem=1G iommu=0\n}\n";
		struct grubenv env;

		grubenv_init(&env);
		out = fix_persist(t, strlen(t), &env, &pch);
		UNIT_OK(out && !pch.cfg, "saved_entry_persist_leaves_grub_cfg");
		UNIT_OK(pch.nenv == 1 && strcmp(pch.env[0].name, "saved_entry") == 0 &&
			strcmp(pch.env[0].new_, "xen-pvh") == 0, "saved_entry_persist_sets_new_id");
		UNIT_OK(out && strstr(out, "multiboot2 /boot/xen.gz dom0_mem=1G dom0=pvh\n"), "iommu_0_removed_dom0_pvh_added");
		boot_change_free(&pch);
		free(out);
		grubenv_free(&env);
	}

	/* The diff applies: one hunk per change, '-' before '+'. */
	strbuf_reset(&sb);
	boot_unified_diff("/f", "a\nb\nc\n", 6, "a\nB\nc\nd\n", 8, &sb);
	UNIT_STREQ(sb.buf, "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n", "unified_diff_format");
	free(deb);
	strbuf_release(&sb);
	return unit_done();
}
