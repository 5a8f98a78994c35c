/* The boot files on disk: find the grub.cfg GRUB reads, load it and its
 * grubenv, and change them safely (lock, backups, state journal, atomic
 * writes) or undo that from the journal. Used by the fix, persist and
 * rollback verbs; every path is under --root. */
#ifndef DOM0CUDA_BOOT_APPLY_H
#define DOM0CUDA_BOOT_APPLY_H

#include <stdbool.h>

#include "boot/grubcfg.h"
#include "boot/grubenv.h"
#include "boot/plan.h"
#include "evidence/sysroot.h"
#include "util/safefile.h"
#include "util/strbuf.h"

#define STATE_DIR "/var/lib/dom0cuda"
#define STATE_PATH STATE_DIR "/state.json"
#define LOCK_PATH STATE_DIR "/lock"
#define BACKUP_DIR STATE_DIR "/backups"
/* Exists while a trial boot is armed and not yet judged by verify: the
 * condition of dom0cuda-verify.service (packaging/README.md). */
#define TRIAL_MARKER STATE_DIR "/trial-pending"

struct boot_files {
	struct safe_root root;
	char *cfg_path;          /* "/boot/grub/grub.cfg" */
	char *env_path;          /* grubenv beside it ($prefix/grubenv) */
	char *stale;             /* a grub.cfg for the other boot mode, or NULL */
	struct strbuf cfg_bytes;
	struct grubcfg cfg;
	bool env_exists;
	struct strbuf env_bytes;
	struct grubenv env;
	char *env_unsafe;        /* why GRUB cannot save_env there (LVM, RAID, btrfs), or NULL */
};

/* Where errors come from, for exit codes. */
enum boot_err {
	BOOT_ERR_NONE,
	BOOT_ERR_NOINPUT,    /* no grub.cfg for this boot mode */
	BOOT_ERR_DATA,       /* grub.cfg or grubenv cannot be parsed */
	BOOT_ERR_IO,         /* could not read: permissions, symlink escape */
};

/* Finds and parses grub.cfg (DESIGN §5: UEFI -> EFI/xenserver; BIOS ->
 * /boot/grub then /boot/grub2) and its grubenv. efi: /sys/firmware/efi. */
int boot_files_load(struct sysroot *sr, bool efi, struct boot_files *bf, struct strbuf *why,
		    enum boot_err *kind);
void boot_files_free(struct boot_files *bf);

/* Why GRUB's save_env cannot write a file at path, given the mount table
 * (/proc/self/mounts format), or NULL when it can or the table does not
 * say. GRUB refuses to write through LVM/RAID (diskfilter) and into
 * btrfs/zfs, so a one-shot there would never be cleared. Caller frees. */
char *boot_env_unsafe(const char *mounts, const char *path);

/* Writes a planned change: backups of the originals (first change only),
 * the journal (intent first), then grub.cfg, then grubenv. verb names the
 * step in the journal's history. */
int boot_commit(struct boot_files *bf, const struct boot_change *ch, const char *verb,
		struct strbuf *why);

/* Undoes every change in the journal. Files unchanged since dom0cuda last
 * wrote them get their original bytes back; files edited since lose only
 * dom0cuda's marked pieces and variables (*kept_edits). *nothing: no
 * journal. Progress lines go to report. */
int boot_rollback(const struct safe_root *root, struct strbuf *report, bool *nothing,
		  bool *kept_edits, bool dry_run, struct strbuf *why);

/* Time for journal entries and backup names; SOURCE_DATE_EPOCH when set,
 * so golden tests are reproducible. compact: 20261125T145000Z. */
void boot_timestamp(char *buf, size_t len, bool compact);

/* Creates (pending) or removes the trial marker. 0 or -errno. */
int boot_trial_mark(const struct safe_root *root, bool pending);

#endif
