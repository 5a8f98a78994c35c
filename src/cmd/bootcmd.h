/* What fix, persist and rollback share: the lock, the confirmation, the
 * exit code for a boot-file error, and showing a plan with its diff. */
#ifndef DOM0CUDA_CMD_BOOTCMD_H
#define DOM0CUDA_CMD_BOOTCMD_H

#include <stdbool.h>

#include "boot/apply.h"
#include "cmd/cmd.h"
#include "util/json.h"
#include "util/lock.h"

struct bootcmd_opts {
	bool yes, dry_run, force;
};

/* Takes the lock under --root; exit code 75 (held) or 73, else 0. */
int bootcmd_lock(struct sysroot *sr, const char *verb, struct lock *lk);
/* 0 to go on; EXIT_USAGE without a TTY and without --yes; 1 when the
 * person said no. */
int bootcmd_confirm(const struct ctx *ctx, const struct bootcmd_opts *o, const char *question);
/* Exit code for boot_files_load's error kind. */
int bootcmd_load_exit(enum boot_err kind, int r);
/* Exit code for a failed write. */
int bootcmd_write_exit(int r);
/* The plan, the grub.cfg diff and the grubenv changes, for people... */
void bootcmd_plan_text(struct strbuf *out, const struct boot_files *bf, const struct boot_change *ch);
/* ...and as JSON members "plan", "diff", "grubenv". */
void bootcmd_plan_json(struct json_writer *jw, const struct boot_files *bf, const struct boot_change *ch);
/* One change to the boot files, as fix and persist make it: load, check
 * and plan (the verb's own part), show, ask, commit. */
struct bootcmd_step {
	const char *verb;       /* the lock holder and journal history name */
	const char *question;   /* asked on a terminal */
	/* Plans the change into ch; -errno with a sentence in why. */
	int (*plan)(const struct boot_files *bf, struct boot_change *ch, struct strbuf *why, void *arg);
	void *arg;
};

struct bootcmd_run {
	struct boot_files bf;
	struct boot_change ch;
	bool loaded, planned;
	const char *result;     /* applied, dry-run, nothing-to-do, declined, refused, error */
	struct lock lk;
};

/* Runs step on the grub.cfg of this boot mode; text for people goes to out
 * (already printed when it asks). Returns the exit code. */
int bootcmd_apply(const struct ctx *ctx, const struct bootcmd_opts *o, struct sysroot *sr, bool efi,
		  const struct bootcmd_step *st, struct bootcmd_run *run, struct strbuf *out,
		  struct strbuf *why);
void bootcmd_run_free(struct bootcmd_run *run);

/* Parses --yes/-y, --dry-run/-n, --force (when allowed) and, for fix,
 * --accept ID into al (may be NULL). Returns 0 or EXIT_USAGE. */
struct accept_list;
int bootcmd_parse(int argc, char **argv, const char *usage, bool allow_force,
		  struct accept_list *al, struct bootcmd_opts *o);

#endif
