/* grubcfg_parse on any bytes; the model of a file that parses points only
 * inside the file, and every lookup on it terminates. */
#include <string.h>

#include "boot/grubcfg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct grubcfg cfg;
	struct strbuf err = STRBUF_INIT;
	int idx[8];

	if (grubcfg_parse("grub.cfg", (const char *)data, size, &cfg, &err) < 0) {
		FUZZ_ASSERT(err.len > 0, "rejected without a reason");
		strbuf_release(&err);
		return 0;
	}
	strbuf_release(&err);
	for (size_t i = 0; i < cfg.n; i++) {
		const struct grub_entry *e = &cfg.e[i];

		FUZZ_ASSERT(e->start <= e->title_start && e->title_start <= e->title_end &&
			    e->end <= cfg.len && e->start < e->end, "entry %zu range", i);
		FUZZ_ASSERT(e->parent < (int)i, "entry %zu parent %d", i, e->parent);
		if (e->xen_kind != GRUB_XEN_NONE)
			FUZZ_ASSERT(e->xen_args_start <= e->xen_args_end && e->xen_args_end <= e->end,
				    "entry %zu xen args", i);
		FUZZ_ASSERT(grubcfg_find(&cfg, e->index_path) >= 0, "index path %s not found", e->index_path);
		(void)grubcfg_find(&cfg, e->title);
		(void)grubcfg_find(&cfg, e->path);
		if (e->xen_args)
			(void)grubcfg_match_xen_cmdline(&cfg, e->xen_args, idx, 8);
	}
	for (size_t i = 0; i < cfg.ndef; i++)
		FUZZ_ASSERT(cfg.def[i].line_start <= cfg.def[i].word_start &&
			    cfg.def[i].word_end <= cfg.def[i].line_end && cfg.def[i].line_end <= cfg.len,
			    "default %zu range", i);
	(void)grubcfg_default_entry(&cfg, NULL);
	(void)grubcfg_default_entry(&cfg, "1>0");
	(void)grubcfg_default_value(&cfg, "XCP-ng");
	(void)grubcfg_match_xen_cmdline(&cfg, "dom0_mem=8192M iommu=no ${xen_rm_opts}", idx, 8);
	grubcfg_free(&cfg);
	return 0;
}
