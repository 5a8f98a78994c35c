/* dom0cuda verify: after the trial reboot, is dom0 a working PVH dom0?
 * One pass/fail line per DESIGN §6 item; points to persist when all pass,
 * and explains a trial that did not come up. */
#include <stdlib.h>
#include <string.h>

#include "boot/xen_cmdline.h"
#include "cmd/bootcmd.h"
#include "cmd/common.h"
#include "cuda/smoke.h"
#include "util/log.h"

const char cmd_verify_usage[] =
	"usage: dom0cuda verify [--no-smoke] [--root DIR] [--json]\n"
	"\n"
	"After the trial boot armed by `dom0cuda fix`: checks that dom0 runs as PVH,\n"
	"Xen booted with dom0=pvh and rejected no parameter, the PAT layout is\n"
	"native (write-combining at index 1), the NVIDIA driver no longer reports\n"
	"\"PAT configuration unsupported\", the one-shot boot was consumed, and CUDA\n"
	"does real work (a quick smoke run). When everything passes: dom0cuda persist.\n"
	"\n"
	"  --no-smoke    skip the CUDA smoke run (reported as not run)\n"
	"\n"
	"Exit codes: 0 every item passed, 1 an item failed, 2 the trial did not\n"
	"come up (dom0 is back on PV), 64 usage.\n";

enum vstatus { V_PASS, V_FAIL, V_SKIP };

struct vitem {
	const char *id;
	enum vstatus st;
	char *detail;
};

struct vlist {
	struct vitem v[8];
	size_t n;
};

static void add(struct vlist *l, const char *id, enum vstatus st, char *detail)
{
	l->v[l->n++] = (struct vitem){ id, st, detail };
}

/* The one-shot variable this grub.cfg reads, when still set: 1 pending,
 * 0 consumed, -1 unknown (boot files unreadable). */
static int oneshot_pending(struct sysroot *sr, const struct evidence *ev, char **detail)
{
	struct boot_files bf;
	struct strbuf why = STRBUF_INIT;
	enum boot_err kind;
	const char *name, *v;
	int r = boot_files_load(sr, ev->efi, &bf, &why, &kind);

	if (r < 0) {
		*detail = xasprintf("cannot tell: %s", why.buf);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	name = bf.cfg.override_entry ? "override_entry" : "next_entry";
	v = bf.env_exists ? grubenv_get(&bf.env, name) : NULL;
	r = v && *v;
	*detail = r ? xasprintf("%s=%s is still set in %s: the trial entry has not booted yet", name, v, bf.env_path)
		    : xasprintf("%s is clear in %s", name, bf.env_path);
	boot_files_free(&bf);
	return r;
}

static void smoke_item(struct vlist *l, const struct ctx *ctx, bool skip)
{
	struct smoke_opts o = SMOKE_OPTS_INIT;
	struct smoke_result res;

	if (skip) {
		add(l, "smoke", V_SKIP, xstrdup("not run (--no-smoke)"));
		return;
	}
	o.quick = true;
	o.root = ctx->root;
	if (smoke_run(&o, &res) < 0) {
		add(l, "smoke", V_FAIL, xstrdup("smoke could not start"));
		return;
	}
	if (res.ok)
		add(l, "smoke", V_PASS, xasprintf("CUDA works on %zu GPU(s)", res.ngpus));
	else
		add(l, "smoke", V_FAIL, xasprintf("%s: %s", res.nfindings ? res.findings[0].id : "CUDA_STEP_FAILED",
						  res.nfindings ? res.findings[0].summary : "CUDA did not work"));
	smoke_result_free(&res);
}

static void explain_fallback(struct strbuf *out, const struct evidence *ev, const struct findings *f)
{
	strbuf_addstr(out, "\nThe trial did not come up: the one-shot boot was consumed, but dom0 is PV again,\n"
			   "so the PVH entry most likely failed and the host fell back to the default entry.\n"
			   "Likely causes:\n");
	if (ev->xen_panic.found)
		strbuf_addf(out, "  - Xen panicked: %s (%s)\n", ev->xen_panic.text, ev->xen_panic.source);
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].flags & (FINDING_PANIC | FINDING_BLOCKS))
			strbuf_addf(out, "  - %s: %s\n", f->v[i].id, f->v[i].summary);
	strbuf_addstr(out, "  - the IOMMU is off (firmware or quirk): Xen panics with \"iommu must be enabled for PVH hardware domain\"\n"
			   "  - the dom0 kernel lacks CONFIG_XEN_PVH, or HAP (EPT/NPT) is off in the firmware\n"
			   "  - someone picked another entry in the GRUB menu during the trial boot\n"
			   "Read the Xen log of the failed boot (/var/log/xen/hypervisor.log), then `dom0cuda rollback`.\n");
}

int cmd_verify(int argc, char **argv, struct ctx *ctx)
{
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	struct vlist l = { .n = 0 };
	struct strbuf out = STRBUF_INIT;
	struct xen_cmdline cl;
	struct xen_cmdline_facts facts;
	bool no_smoke = false, pvh, all = true;
	char *detail = NULL;
	int pending, rc, r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-smoke") == 0) {
			no_smoke = true;
			continue;
		}
		fputs(cmd_verify_usage, stderr);
		return EXIT_USAGE;
	}
	if ((rc = cmd_open_root(ctx, &sr)))
		return rc;
	cmd_diagnose(&sr, NULL, &ev, &f);
	pvh = ev.guest_type.found && strcmp(ev.guest_type.value, "PVH") == 0;
	add(&l, "dom0_pvh", pvh ? V_PASS : V_FAIL,
	    xasprintf("guest_type %s", ev.guest_type.found ? ev.guest_type.value : "unknown"));
	xen_cmdline_parse(ev.xen_commandline.found ? ev.xen_commandline.value : "", &cl);
	xen_cmdline_facts(&cl, &facts);
	add(&l, "xen_dom0_pvh", facts.dom0_pvh ? V_PASS : V_FAIL,
	    ev.xen_commandline.found ? xasprintf("xen_commandline: %s", ev.xen_commandline.value)
				     : xstrdup("no xen_commandline from xl info"));
	xen_cmdline_free(&cl);
	add(&l, "xen_params_valid", ev.n_xen_params ? V_FAIL : V_PASS,
	    ev.n_xen_params ? xasprintf("Xen rejected parameter \"%s\"", ev.xen_params[0].name)
			    : xstrdup("Xen rejected no parameter"));
	add(&l, "pat_native", ev.pat.found && ev.pat_wc_index == 1 ? V_PASS : V_FAIL,
	    ev.pat.found ? xasprintf("PAT: %s", ev.pat.value) : xstrdup("no x86/PAT line in the kernel log"));
	add(&l, "nvrm_pat_quiet", ev.nvrm_pat.found ? V_FAIL : V_PASS,
	    ev.nvrm_pat.found ? xasprintf("%s", ev.nvrm_pat.text) : xstrdup("no \"NVRM: PAT configuration unsupported\""));
	pending = oneshot_pending(&sr, &ev, &detail);
	add(&l, "oneshot_consumed", pending == 0 ? V_PASS : V_FAIL, detail);
	if (pending == 0) {
		/* This boot was the trial: it is judged now, so the unit that runs
		 * verify after boot has nothing left to wait for. */
		struct safe_root root = { .fd = sr.dirfd, .live = sr.live };
		boot_trial_mark(&root, false);
	}
	smoke_item(&l, ctx, no_smoke);

	for (size_t i = 0; i < l.n; i++)
		all &= l.v[i].st != V_FAIL;
	rc = all ? 0 : (!pvh && pending == 0) ? EXIT_BLOCKED : 1;
	if (ctx->json) {
		struct json_writer jw;

		json_init(&jw, &out);
		json_object_begin(&jw, NULL);
		json_string(&jw, "schema", "dom0cuda.verify/1");
		json_string(&jw, "result", all ? "pass" : rc == EXIT_BLOCKED ? "trial-failed" : "fail");
		json_array_begin(&jw, "items");
		for (size_t i = 0; i < l.n; i++) {
			json_object_begin(&jw, NULL);
			json_string(&jw, "id", l.v[i].id);
			json_string(&jw, "status", l.v[i].st == V_PASS ? "pass" : l.v[i].st == V_FAIL ? "fail" : "not-run");
			json_string(&jw, "detail", l.v[i].detail);
			json_object_end(&jw);
		}
		json_array_end(&jw);
		json_string(&jw, "next", all ? "dom0cuda persist" : rc == EXIT_BLOCKED ? "dom0cuda rollback" :
			    pending == 1 ? "reboot" : "dom0cuda check");
		json_object_end(&jw);
	} else {
		for (size_t i = 0; i < l.n; i++)
			strbuf_addf(&out, "  %-7s %-18s %s\n",
				    l.v[i].st == V_PASS ? "PASS" : l.v[i].st == V_FAIL ? "FAIL" : "NOT RUN",
				    l.v[i].id, l.v[i].detail);
		if (all)
			strbuf_addstr(&out, "\nThe PVH trial works. Next: dom0cuda persist\n");
		else if (rc == EXIT_BLOCKED)
			explain_fallback(&out, &ev, &f);
		else if (!pvh && pending == 1)
			strbuf_addstr(&out, "\nThe one-shot boot is armed but the host has not rebooted into it yet. Next: reboot\n");
		else
			strbuf_addstr(&out, "\nSome checks failed; see above. Next: dom0cuda check\n");
	}
	r = cmd_emit(ctx, &out);
	if (r)
		rc = r;
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].detail);
	strbuf_release(&out);
	findings_free(&f);
	evidence_free(&ev);
	sysroot_close(&sr);
	return rc;
}
