#include "cmd/bootcmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/common.h"
#include "util/log.h"

int bootcmd_lock(struct sysroot *sr, const char *verb, struct lock *lk)
{
	struct safe_root root = { sr->dirfd, sr->live };
	char *holder = NULL;
	int r = lock_acquire(&root, LOCK_PATH, verb, lk, &holder);

	if (r == -EWOULDBLOCK) {
		log_error("another dom0cuda is changing the boot files (%s holds %s); try again when it is done",
			  holder ? holder : "a process", LOCK_PATH);
		free(holder);
		return EXIT_TEMPFAIL;
	}
	if (r < 0) {
		log_error("cannot take the lock %s: %s", LOCK_PATH, safe_strerror(r));
		free(holder);
		return r == -EACCES || r == -EPERM ? EXIT_NOPERM : EXIT_CANTCREAT;
	}
	if (holder && *holder)
		log_info("recovered a stale lock left by %s (that run did not finish; its changes are in %s)",
			 holder, STATE_PATH);
	free(holder);
	return 0;
}

int bootcmd_confirm(const struct ctx *ctx, const struct bootcmd_opts *o, const char *question)
{
	char line[16];

	if (o->yes)
		return 0;
	if (!isatty(STDIN_FILENO) || ctx->json) {
		log_error("not asking without a terminal: pass --yes to apply, or --dry-run to only show the plan");
		return EXIT_USAGE;
	}
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
		log_info("nothing changed");
		return 1;
	}
	return 0;
}

int bootcmd_load_exit(enum boot_err kind, int r)
{
	switch (kind) {
	case BOOT_ERR_NOINPUT:
		return EXIT_NOINPUT;
	case BOOT_ERR_DATA:
		return EXIT_DATAERR;
	default:
		return r == -EACCES || r == -EPERM ? EXIT_NOPERM : EXIT_IOERR;
	}
}

int bootcmd_write_exit(int r)
{
	return r == -EACCES || r == -EPERM ? EXIT_NOPERM : EXIT_CANTCREAT;
}

void bootcmd_plan_text(struct strbuf *out, const struct boot_files *bf, const struct boot_change *ch)
{
	const char *p = strbuf_str(&ch->plan);

	strbuf_addf(out, "Boot configuration: %s\n", bf->cfg_path);
	if (bf->stale)
		strbuf_addf(out, "  (%s also exists, for the other boot mode: GRUB does not read it here; left alone)\n",
			    bf->stale);
	strbuf_addstr(out, "Plan:\n");
	while (*p) {
		size_t n = strcspn(p, "\n");

		strbuf_addf(out, "  - %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (ch->cfg) {
		strbuf_addch(out, '\n');
		boot_unified_diff(bf->cfg_path, bf->cfg.buf, bf->cfg.len, ch->cfg, ch->cfg_len, out);
	}
	for (size_t i = 0; i < ch->nenv; i++)
		strbuf_addf(out, "%s%s: %s: %s -> %s\n", i == 0 ? "\n" : "", bf->env_path, ch->env[i].name,
			    ch->env[i].old ? ch->env[i].old : "(unset)", ch->env[i].new_ ? ch->env[i].new_ : "(unset)");
}

void bootcmd_plan_json(struct json_writer *jw, const struct boot_files *bf, const struct boot_change *ch)
{
	const char *p = strbuf_str(&ch->plan);
	struct strbuf diff = STRBUF_INIT;

	json_string(jw, "config", bf->cfg_path);
	json_string(jw, "grubenv", bf->env_path);
	json_array_begin(jw, "plan");
	while (*p) {
		size_t n = strcspn(p, "\n");

		json_string_n(jw, NULL, p, n);
		p += n + (p[n] == '\n');
	}
	json_array_end(jw);
	if (ch->cfg)
		boot_unified_diff(bf->cfg_path, bf->cfg.buf, bf->cfg.len, ch->cfg, ch->cfg_len, &diff);
	json_string(jw, "diff", strbuf_str(&diff));
	strbuf_release(&diff);
	json_array_begin(jw, "grubenv_changes");
	for (size_t i = 0; i < ch->nenv; i++) {
		json_object_begin(jw, NULL);
		json_string(jw, "name", ch->env[i].name);
		json_string(jw, "old", ch->env[i].old);
		json_string(jw, "new", ch->env[i].new_);
		json_object_end(jw);
	}
	json_array_end(jw);
}

int bootcmd_parse(int argc, char **argv, const char *usage, bool allow_force,
		  struct accept_list *al, struct bootcmd_opts *o)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "accept", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "+yn", opts, NULL)) != -1) {
		if (c == 'y') {
			o->yes = true;
		} else if (c == 'n') {
			o->dry_run = true;
		} else if (c == 'f' && allow_force) {
			o->force = true;
		} else if (c == 'a' && al) {
			if (cmd_accept_add(al, optarg))
				return EXIT_USAGE;
		} else {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

int bootcmd_apply(const struct ctx *ctx, const struct bootcmd_opts *o, struct sysroot *sr, bool efi,
		  const struct bootcmd_step *st, struct bootcmd_run *run, struct strbuf *out,
		  struct strbuf *why)
{
	enum boot_err kind;
	int r, rc;

	run->lk.fd = -1;
	run->result = "error";
	/* The lock covers read, plan and write: no one edits in between. */
	if (!o->dry_run && (rc = bootcmd_lock(sr, st->verb, &run->lk)))
		return rc;
	r = boot_files_load(sr, efi, &run->bf, why, &kind);
	if (r < 0)
		return bootcmd_load_exit(kind, r);
	run->loaded = true;
	r = st->plan(&run->bf, &run->ch, why, st->arg);
	if (r < 0) {
		run->result = "refused";
		return EXIT_DATAERR;
	}
	run->planned = true;
	if (!ctx->json)
		bootcmd_plan_text(out, &run->bf, &run->ch);
	if (run->ch.already || o->dry_run) {
		run->result = run->ch.already ? "nothing-to-do" : "dry-run";
		if (run->ch.already)
			strbuf_addstr(out, "\nNothing to change.\n");
		else
			strbuf_addf(out, "\nDry run: nothing changed. Apply with: dom0cuda %s --yes\n", st->verb);
		return 0;
	}
	if (!ctx->json && (rc = cmd_emit(ctx, out)))
		return rc;
	strbuf_reset(out);
	if ((rc = bootcmd_confirm(ctx, o, st->question))) {
		run->result = rc == EXIT_USAGE ? "refused" : "declined";
		return rc;
	}
	r = boot_commit(&run->bf, &run->ch, st->verb, why);
	if (r < 0)
		return bootcmd_write_exit(r);
	run->result = "applied";
	return 0;
}

void bootcmd_run_free(struct bootcmd_run *run)
{
	lock_release(&run->lk);
	if (run->loaded)
		boot_files_free(&run->bf);
	boot_change_free(&run->ch);
}
