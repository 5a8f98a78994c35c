/* dom0cuda fix: preflight (check's findings), then a PVH copy of the
 * default Xen entry and a one-shot boot of it (DESIGN §5). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/xen_cmdline.h"
#include "cmd/bootcmd.h"
#include "cmd/common.h"
#include "render/render.h"
#include "util/log.h"

const char cmd_fix_usage[] =
	"usage: dom0cuda fix [--dry-run] [--yes] [--force] [--accept ID]... [--root DIR] [--json]\n"
	"\n"
	"Adds a GRUB entry \"<default title> (PVH dom0)\" right after the default Xen\n"
	"entry (IOMMU re-enabled, dom0=pvh) and arms a one-shot boot of it. The\n"
	"default entry, Serial and Safe Mode entries stay untouched, so if the\n"
	"trial panics, the next boot is the old default. Shows the plan and a diff\n"
	"and asks first; keeps backups and a journal for `dom0cuda rollback`.\n"
	"\n"
	"  -n, --dry-run  only show the plan and the diff\n"
	"  -y, --yes      do not ask (needed without a terminal)\n"
	"  --accept ID    accept finding ID (e.g. NVIDIA_GPU_ABSENT on a host\n"
	"                 without a GPU) so it does not block\n"
	"  --force        go on despite blocking findings and an unconfirmed boot\n"
	"                 entry; never despite a finding that predicts a Xen panic\n"
	"\n"
	"Exit codes: 0 done (or nothing to do), 1 declined, 2 refused by the\n"
	"preflight, 64 usage, 65 boot config not understood, 66 no grub.cfg,\n"
	"73 cannot write, 75 another dom0cuda holds the lock.\n";

/* A finding that stops fix: one predicting a panic always, else a blocking
 * one unless accepted or forced. */
static const struct finding *preflight(const struct findings *f, bool force)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].flags & FINDING_PANIC)
			return &f->v[i];
	for (size_t i = 0; i < f->n && !force; i++)
		if ((f->v[i].flags & FINDING_BLOCKS) && !(f->v[i].flags & FINDING_ACCEPTED))
			return &f->v[i];
	return NULL;
}

/* Is the entry we booted from in this file? (DESIGN §5) Returns how many
 * entries match (idx gets up to 8), or -ENOENT with why. */
static int booted_entry(const struct evidence *ev, const struct boot_files *bf, bool force,
			int idx[8], struct strbuf *why)
{
	size_t n;

	if (!ev->xen_commandline.found) {
		if (force)
			return 0;
		strbuf_addf(why, "cannot tell which entry of %s this host booted from (no xen_commandline from `xl info`); rerun where xl works, or pass --force",
			    bf->cfg_path);
		return -ENOENT;
	}
	n = grubcfg_match_xen_cmdline(&bf->cfg, ev->xen_commandline.value, idx, 8);
	if (n == 0 && !force) {
		strbuf_addf(why, "no entry of %s has the Xen arguments this host booted with (%s): it may not be the grub.cfg GRUB reads; pass --force if you are sure",
			    bf->cfg_path, ev->xen_commandline.value);
		return -ENOENT;
	}
	return n > 8 ? 8 : (int)n;
}

static void emit_json(struct strbuf *out, const char *result, const struct boot_files *bf,
		      const struct boot_change *ch, const struct findings *f, const char *error)
{
	struct json_writer jw;

	json_init(&jw, out);
	json_object_begin(&jw, NULL);
	json_string(&jw, "schema", "dom0cuda.fix/1");
	json_string(&jw, "result", result);
	if (ch && bf) {
		json_string(&jw, "entry", ch->entry_title);
		json_string(&jw, "oneshot", oneshot_kind_name(ch->oneshot));
		json_object_begin(&jw, "xen_args");
		json_string(&jw, "old", ch->xen_args_old);
		json_string(&jw, "new", ch->xen_args_new);
		json_object_end(&jw);
		bootcmd_plan_json(&jw, bf, ch);
	}
	if (f)
		render_findings_json(&jw, f);
	json_string(&jw, "error", error);
	json_string(&jw, "next", strcmp(result, "applied") == 0 || strcmp(result, "nothing-to-do") == 0 ?
			 "reboot, then dom0cuda verify" : NULL);
	json_object_end(&jw);
	strbuf_addch(out, '\n');
}

struct fix_arg {
	const struct evidence *ev;
	bool force;
};

static int plan_fix(const struct boot_files *bf, struct boot_change *ch, struct strbuf *why, void *arg)
{
	const struct fix_arg *fa = arg;
	const char *saved = bf->env_exists ? grubenv_get(&bf->env, "saved_entry") : NULL;
	int idx[8], n = booted_entry(fa->ev, bf, fa->force, idx, why), d, r;
	bool from_default = n <= 0;

	if (n < 0)
		return -ENOENT;
	if (bf->env_unsafe) {
		strbuf_addf(why, "%s; dom0cuda does not arm a one-shot it cannot take back. Move /boot to a plain partition, or add dom0=pvh by hand with a fallback entry (dom0cuda(8))",
			    bf->env_unsafe);
		return -EOPNOTSUPP;
	}
	r = boot_plan_fix(&bf->cfg, bf->env_exists ? &bf->env : NULL, ch, why);
	d = grubcfg_default_entry(&bf->cfg, saved);
	for (int i = 0; i < n; i++)
		from_default |= idx[i] == d;
	/* The trial copies the default; say so when the host runs another entry. */
	if (r == 0 && !ch->already && !from_default)
		strbuf_addf(&ch->plan, "note: this host booted from '%s', not from the default entry; the PVH entry copies the default\n",
			    bf->cfg.e[idx[0]].title);
	return r;
}

int cmd_fix(int argc, char **argv, struct ctx *ctx)
{
	struct accept_list accept = { 0 };
	struct render_opts ro = { .color = ctx->color, .verbosity = ctx->verbosity, .root = ctx->root };
	struct bootcmd_opts o;
	struct bootcmd_run run = { .lk.fd = -1 };
	struct fix_arg fa;
	struct bootcmd_step step = { "fix", "Apply this change?", plan_fix, &fa };
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	const struct finding *stop;
	int r, rc;

	rc = bootcmd_parse(argc, argv, cmd_fix_usage, true, &accept, &o);
	if (rc)
		goto out_accept;
	if ((rc = cmd_open_root(ctx, &sr)))
		goto out_accept;
	cmd_diagnose(&sr, &accept, &ev, &f);
	fa = (struct fix_arg){ &ev, o.force };
	if (ev.guest_type.found && strcmp(ev.guest_type.value, "PVH") == 0) {
		run.result = "nothing-to-do";
		strbuf_addstr(&out, "dom0 already runs as PVH: nothing to fix. Next: dom0cuda verify\n");
		rc = 0;
	} else if (f.verdict == VERDICT_READY) {
		run.result = "nothing-to-do";
		strbuf_addf(&out, "Nothing to fix: %s. Next: %s\n", f.reason, f.next ? f.next : "dom0cuda smoke");
		rc = 0;
	} else if (!o.force && !preflight(&f, true) &&
		   (f.verdict == VERDICT_BLOCKED || f.verdict == VERDICT_UNKNOWN)) {
		/* Blocked without a blocking finding (not Xen, not dom0) or not
		 * enough evidence to know how dom0 runs. */
		run.result = "refused";
		strbuf_addf(&why, "%s; run dom0cuda check (or pass --force)", f.reason ? f.reason : verdict_name(f.verdict));
		rc = f.verdict == VERDICT_BLOCKED ? EXIT_BLOCKED : EXIT_UNKNOWN;
	} else if ((stop = preflight(&f, o.force))) {
		run.result = "refused";
		strbuf_addf(&why, "%s: %s%s", stop->id, stop->summary,
			    (stop->flags & FINDING_PANIC) ? " (this predicts a Xen panic with no way back: --force does not override it)" :
			    "; fix that first, or pass --accept ID (or --force) if it does not apply here");
		if (!ctx->json)
			render_finding_text(&out, stop, &ro);
		rc = EXIT_BLOCKED;
	} else {
		rc = bootcmd_apply(ctx, &o, &sr, ev.efi, &step, &run, &out, &why);
		if (rc == 0 && strcmp(run.result, "applied") == 0 &&
		    (r = boot_trial_mark(&run.bf.root, true)) < 0)
			log_errno(r, "cannot create %s: dom0cuda-verify.service will not run after the "
				  "reboot; run dom0cuda verify by hand", TRIAL_MARKER);
		if (rc == 0 && strcmp(run.result, "applied") == 0)
			strbuf_addf(&out, "Done: '%s' added, one-shot armed (backups and journal in %s).\n"
				    "Next: reboot. If the trial fails, the host comes back on the old default.\n"
				    "After the reboot: dom0cuda verify\n", run.ch.entry_title, STATE_DIR);
		else if (rc == 0 && strcmp(run.result, "nothing-to-do") == 0)
			strbuf_addstr(&out, "Next: reboot, then dom0cuda verify\n");
	}
	if (why.len)
		log_error("%s", why.buf);
	if (ctx->json) {
		strbuf_reset(&out);
		emit_json(&out, run.result, run.loaded ? &run.bf : NULL, run.planned ? &run.ch : NULL, &f,
			  why.len ? why.buf : NULL);
	}
	r = cmd_emit(ctx, &out);
	if (r && !rc)
		rc = r;
	bootcmd_run_free(&run);
	strbuf_release(&out);
	strbuf_release(&why);
	findings_free(&f);
	evidence_free(&ev);
	sysroot_close(&sr);
out_accept:
	cmd_accept_free(&accept);
	return rc;
}
