/* What fix, persist and rollback change in grub.cfg and grubenv, computed
 * as pure functions over the parsed files (DESIGN §5). Everything dom0cuda
 * adds to grub.cfg sits between marker comments
 *   ### BEGIN dom0cuda <what> ###  ...  ### END dom0cuda <what> ###
 * so that a rollback after someone else edited the file can still remove
 * exactly our pieces; persist keeps the line it replaced as "#was: <line>". */
#ifndef DOM0CUDA_BOOT_PLAN_H
#define DOM0CUDA_BOOT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/grubcfg.h"
#include "boot/grubenv.h"
#include "util/strbuf.h"

#define PVH_TITLE_SUFFIX " (PVH dom0)"

enum oneshot_kind {
	ONESHOT_OVERRIDE,    /* XenServer python-libs: override_entry */
	ONESHOT_NEXT_ENTRY,  /* GRUB 00_header: next_entry */
	ONESHOT_INSERTED,    /* neither: we add the stock next_entry block */
};

const char *oneshot_kind_name(enum oneshot_kind k);

struct env_change {
	char *name;
	char *old;   /* NULL: was unset */
	char *new_;  /* NULL: unset */
};

struct boot_change {
	char *cfg;                /* new grub.cfg bytes; NULL when unchanged */
	size_t cfg_len;
	struct env_change *env;   /* grubenv edits, in order */
	size_t nenv;
	struct strbuf plan;       /* one step per line, for people */
	char *entry_title;        /* the PVH entry */
	char *xen_args_old, *xen_args_new;
	enum oneshot_kind oneshot;
	bool already;             /* nothing left to do */
};

void boot_change_free(struct boot_change *ch);
/* Applies ch->env to env. */
void boot_change_apply_env(const struct boot_change *ch, struct grubenv *env);

/* fix: add "<default title> (PVH dom0)" after the default Xen entry (Xen
 * line: IOMMU re-enabled, dom0=pvh) and arm a one-shot boot of it. env may
 * be NULL (no grubenv yet). -errno with a sentence in why. */
int boot_plan_fix(const struct grubcfg *cfg, const struct grubenv *env,
		  struct boot_change *ch, struct strbuf *why);
/* persist: make our PVH entry the default, the way this file picks it. */
int boot_plan_persist(const struct grubcfg *cfg, const struct grubenv *env,
		      struct boot_change *ch, struct strbuf *why);
/* The marked PVH entry, or -ENOENT. */
int boot_find_ours(const struct grubcfg *cfg);
/* grub.cfg without our marked pieces (persist's line restored). Returns how
 * many pieces were removed; the text is in *out. */
int boot_strip_ours(const char *buf, size_t len, struct strbuf *out);

/* A unified diff (one hunk per change, 3 lines of context) of a -> b. */
void boot_unified_diff(const char *name, const char *a, size_t alen, const char *b, size_t blen,
		       struct strbuf *out);

#endif
