/* The rules: what the evidence means for CUDA in dom0 and for the PVH cure.
 * Facts and sources: ../shared/docs/domain-facts.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/xen_cmdline.h"
#include "diagnose/diagnose.h"
#include "diagnose/rules.h"
#include "util/strbuf.h"

enum mode { MODE_UNKNOWN, MODE_NOT_XEN, MODE_DOMU, MODE_DOM0_PV, MODE_DOM0_PVH };

struct state {
	const struct evidence *ev;
	struct findings *out;
	enum mode mode;
	bool gpu_ok;       /* a GPU bound to nvidia */
	bool denied;       /* a source was unreadable for lack of privilege */
};

static bool starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum mode find_mode(const struct evidence *ev)
{
	bool xen = (ev->hv_type.found && strcmp(ev->hv_type.value, "xen") == 0) ||
		   starts(ev->hyp_detected.value, "Xen") || ev->src[SRC_XL_INFO].present;
	bool pv, pvh;

	if (!xen) {
		/* /sys/hypervisor absent and a kernel log that names no Xen: bare
		 * metal or another hypervisor. Without either source we cannot say. */
		if (!ev->src[SRC_HYPERVISOR].present && !ev->src[SRC_DMESG].present)
			return MODE_UNKNOWN;
		return MODE_NOT_XEN;
	}
	if (ev->xen_caps_read && !ev->control_d.found)
		return MODE_DOMU;
	/* Without /proc/xen and xl (a partial capture), a PV kernel that routed
	 * the machine's GSIs itself ("xen: --> pirq=") is dom0. */
	if (!ev->xen_caps_read && !ev->src[SRC_XL_INFO].present && !ev->dom0_pirq.found)
		return MODE_UNKNOWN;
	pv = (ev->guest_type.found && strcmp(ev->guest_type.value, "PV") == 0) ||
	     (!ev->guest_type.found && ev->hyp_detected.found &&
	      strcmp(ev->hyp_detected.value, "Xen PV") == 0);
	pvh = (ev->guest_type.found && strcmp(ev->guest_type.value, "PVH") == 0) ||
	      (!ev->guest_type.found && ev->banner.found && strcmp(ev->banner.value, "Xen PVH") == 0);
	if (pv)
		return MODE_DOM0_PV;
	if (pvh)
		return MODE_DOM0_PVH;
	return MODE_UNKNOWN;
}

static void rule_mode(struct state *s)
{
	const struct evidence *ev = s->ev;
	struct finding *f;

	switch (s->mode) {
	case MODE_NOT_XEN:
		f = finding_add(s->out, "NOT_XEN", SEV_INFO, 0,
				"Not running under Xen: bare metal or another hypervisor");
		finding_proof(f, &ev->hyp_detected);
		finding_proof(f, &ev->banner);
		finding_hint(f, "dom0cuda's cure is for Xen dom0; here CUDA depends only on the GPU and driver.");
		break;
	case MODE_DOMU:
		f = finding_add(s->out, "NOT_DOM0", SEV_WARN, 0,
				"This is a Xen guest (domU), not dom0: /proc/xen/capabilities has no control_d");
		finding_proof(f, &ev->guest_type);
		finding_hint(f, "Run dom0cuda in dom0. Inside a VM, CUDA needs an HVM or PVH guest "
				"with the GPU passed through.");
		break;
	case MODE_DOM0_PV:
		f = finding_add(s->out, "DOM0_PV", SEV_FAIL, FINDING_CURABLE,
				"dom0 runs as a Xen PV guest: the NVIDIA driver cannot use Xen's PAT layout, "
				"so CUDA allocations fail (801, operation not supported)");
		finding_proof(f, &ev->guest_type);
		finding_proof(f, &ev->hyp_detected);
		finding_proof(f, &ev->banner);
		if (!ev->control_d.found)
			finding_proof(f, &ev->dom0_pirq);
		finding_hint(f, "Boot dom0 as PVH (dom0=pvh on the Xen line): dom0cuda fix arms a "
				"one-shot trial boot of a PVH entry.");
		break;
	case MODE_DOM0_PVH:
		f = finding_add(s->out, "DOM0_PVH", SEV_PASS, 0, "dom0 runs as a Xen PVH guest");
		finding_proof(f, &ev->guest_type);
		finding_proof(f, &ev->banner);
		finding_proof(f, &ev->hyp_detected);
		break;
	case MODE_UNKNOWN:
		break;
	}
}

static void rule_pat(struct state *s)
{
	const struct evidence *ev = s->ev;
	struct finding *f;

	if (!ev->pat.found)
		return;
	if (ev->pat_wc_index == 1) {
		f = finding_add(s->out, "PAT_LAYOUT_NATIVE", SEV_PASS, 0,
				"PAT layout is native (write-combining at index 1)");
	} else if (ev->pat_wc_index < 0) {
		f = finding_add(s->out, "PAT_DISABLED", SEV_WARN, 0,
				"PAT has no write-combining entry: PAT is disabled in this kernel");
		finding_hint(f, "Remove 'nopat' from the dom0 kernel command line if present.");
	} else {
		f = finding_add(s->out, "PAT_LAYOUT_XEN_PV", SEV_FAIL,
				s->mode == MODE_DOM0_PV ? FINDING_CURABLE : 0,
				"PAT layout is Xen's PV layout (write-combining at index %d, NVIDIA needs 1)",
				ev->pat_wc_index);
		finding_hint(f, s->mode == MODE_DOM0_PV
				? "A PVH dom0 owns its PAT and gets the native layout: dom0cuda fix."
				: "Unexpected outside a PV dom0: please send a `dom0cuda report` bundle.");
	}
	finding_proof(f, &ev->pat);
}

static bool gpu_hidden(const struct evidence *ev, const struct ev_gpu *g)
{
	const char *bdf_short = strchr(g->bdf, ':') ? strchr(g->bdf, ':') + 1 : g->bdf;

	if (g->driver && strcmp(g->driver, "pciback") == 0)
		return true;
	return ev->pciback_hide.found && strstr(ev->pciback_hide.value, bdf_short);
}

/* The driver announced itself in the kernel log or in /proc. */
static bool driver_logged(const struct evidence *ev)
{
	return ev->nvrm_loaded.found || ev->nv_version.found;
}

static void rule_nvidia(struct state *s)
{
	const struct evidence *ev = s->ev;
	struct finding *f;
	size_t hidden = 0, bound = 0;

	for (size_t i = 0; i < ev->n_gpus; i++) {
		if (gpu_hidden(ev, &ev->gpus[i]))
			hidden++;
		else if (ev->gpus[i].nvidia_bound)
			bound++;
	}
	if (ev->n_gpus == 0 && !ev->src[SRC_PCI].present && driver_logged(ev)) {
		/* No PCI listing (a partial capture), but the driver's own lines
		 * show a GPU it drives: judge by those. */
		f = finding_add(s->out, "NVIDIA_GPU_PRESENT", SEV_PASS, 0,
				"An NVIDIA GPU is driven by the nvidia driver (its log and /proc entries; "
				"the PCI device list was not readable)");
		finding_proof(f, &ev->nvrm_loaded);
		finding_proof(f, &ev->nv_version);
		f = finding_add(s->out, "NVIDIA_DRIVER_LOADED", SEV_PASS, 0, "The nvidia driver is loaded");
		finding_proof(f, &ev->nv_version);
		finding_proof(f, &ev->nvrm_loaded);
		s->gpu_ok = true;
		return;
	}
	if (ev->n_gpus == 0 && !ev->src[SRC_PCI].present) {
		f = finding_add(s->out, "NVIDIA_GPU_ABSENT", SEV_WARN, FINDING_MISSING,
				"No NVIDIA GPU seen: the PCI device list could not be read and the kernel "
				"log has no nvidia driver line");
		finding_hint(f, "Run as root on the host, or capture with dom0cuda report.");
		return;
	}
	if (ev->n_gpus == 0) {
		f = finding_add(s->out, "NVIDIA_GPU_ABSENT", SEV_FAIL, FINDING_BLOCKS,
				"No NVIDIA GPU among the PCI devices this system sees");
		finding_hint(f, "Check that the GPU is seated and not hidden from dom0 (lspci -d 10de:). "
				"On a test machine without a GPU, --accept NVIDIA_GPU_ABSENT lets the "
				"boot-mode part run.");
		return;
	}
	if (hidden) {
		f = finding_add(s->out, "GPU_HIDDEN_FROM_DOM0", SEV_FAIL, FINDING_BLOCKS,
				"%zu NVIDIA GPU(s) hidden from dom0 for passthrough (pciback)", hidden);
		for (size_t i = 0; i < ev->n_gpus; i++)
			if (gpu_hidden(ev, &ev->gpus[i]))
				finding_proof(f, &ev->gpus[i].proof);
		finding_proof(f, &ev->pciback_hide);
		finding_hint(f, "Give the GPU back to dom0: on XCP-ng `xe pci-enable-dom0-access uuid=...` "
				"and reboot (or drop xen-pciback.hide= from the dom0 command line).");
	}
	if (hidden == ev->n_gpus)
		return;
	f = finding_add(s->out, "NVIDIA_GPU_PRESENT", SEV_PASS, 0, "%zu NVIDIA GPU(s) visible to dom0",
			ev->n_gpus - hidden);
	for (size_t i = 0; i < ev->n_gpus; i++)
		if (!gpu_hidden(ev, &ev->gpus[i]))
			finding_proof(f, &ev->gpus[i].proof);
	if (bound == 0 && !ev->nv_module.found) {
		f = finding_add(s->out, "NVIDIA_DRIVER_ABSENT", SEV_FAIL, FINDING_BLOCKS,
				"The nvidia kernel module is not loaded and no GPU is bound to it");
		finding_hint(f, "Install the NVIDIA driver for the dom0 kernel and load it (modprobe nvidia), "
				"then run dom0cuda check again.");
		return;
	}
	if (bound == 0) {
		f = finding_add(s->out, "NVIDIA_DRIVER_ABSENT", SEV_FAIL, FINDING_BLOCKS,
				"The nvidia module is loaded but no GPU is bound to it");
		finding_proof(f, &ev->nv_module);
		finding_hint(f, "See the NVRM lines in dmesg for why the driver did not bind.");
		return;
	}
	s->gpu_ok = true;
	f = finding_add(s->out, "NVIDIA_DRIVER_LOADED", SEV_PASS, 0, "The nvidia driver is bound to %zu GPU(s)",
			bound);
	finding_proof(f, &ev->nv_version);
	finding_proof(f, &ev->nvrm_loaded);
}

static void rule_nvrm(struct state *s)
{
	const struct evidence *ev = s->ev;
	struct finding *f;

	if (ev->nvrm_pat.found) {
		f = finding_add(s->out, "NVRM_PAT_UNSUPPORTED", SEV_FAIL,
				s->mode == MODE_DOM0_PV ? FINDING_CURABLE : FINDING_BLOCKS,
				"The NVIDIA driver rejected the PAT layout: CUDA work fails with "
				"\"operation not supported\" (801)");
		finding_proof(f, &ev->nvrm_pat);
		finding_proof(f, &ev->pat);
		finding_hint(f, s->mode == MODE_DOM0_PV
				? "Cured by booting dom0 as PVH: dom0cuda fix."
				: "Unexpected outside a PV dom0: please send a `dom0cuda report` bundle.");
	}
	if (ev->n_nvrm_errors) {
		f = finding_add(s->out, "NVRM_ERROR", SEV_WARN, 0, "The NVIDIA driver logged %zu error line(s)",
				ev->n_nvrm_errors);
		for (size_t i = 0; i < ev->n_nvrm_errors; i++)
			finding_proof(f, &ev->nvrm_errors[i]);
		finding_hint(f, "Read the quoted NVRM lines; they are not cured by the PVH switch alone.");
	}
}

/* The lint of the running Xen line plus what Xen itself said about it. */
static void rule_xen_cmdline(struct state *s, struct xen_cmdline_facts *facts)
{
	const struct evidence *ev = s->ev;
	struct xen_cmdline cl;
	struct xen_lint lint;
	struct finding *f;
	struct finding *invalid = NULL;

	xen_cmdline_parse(ev->xen_commandline.found ? ev->xen_commandline.value
			  : ev->xen_console_cmdline.found ? ev->xen_console_cmdline.value : "", &cl);
	xen_cmdline_facts(&cl, facts);
	xen_cmdline_lint(&cl, &lint);
	for (size_t i = 0; i < lint.n; i++) {
		const struct xen_lint_issue *li = &lint.v[i];
		const struct ev_item *line = ev->xen_commandline.found ? &ev->xen_commandline
					     : &ev->xen_console_cmdline;

		if (strcmp(li->id, "XEN_PARAM_INVALID") == 0) {
			if (!invalid) {
				invalid = finding_add(s->out, "XEN_PARAM_INVALID", SEV_WARN, 0, "%s",
						      li->message);
				finding_hint(invalid, "Drop the invalid token from the Xen line; fix does "
						      "this for iommu=pt.");
			}
			finding_proof(invalid, line);
		} else if (strcmp(li->id, "XEN_IOMMU_DISABLED") == 0) {
			f = finding_add(s->out, li->id, SEV_WARN, FINDING_FIX_EDITS,
					"The Xen line turns the IOMMU off ('%s'): a PVH dom0 would panic "
					"(\"iommu must be enabled for PVH hardware domain\")", li->token);
			finding_proof(f, line);
			if (ev->iommu_state.found && strcmp(ev->iommu_state.value, "disabled") == 0)
				finding_proof(f, &ev->iommu_state);
			finding_hint(f, "dom0cuda fix removes it from the PVH entry (the original entry is kept).");
		} else if (strcmp(li->id, "XEN_NOREBOOT") == 0) {
			f = finding_add(s->out, li->id, SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
					"'%s' on the Xen line: a panicking trial boot would hang instead "
					"of falling back to the old entry", li->token);
			finding_proof(f, line);
			finding_hint(f, "Remove noreboot from the default Xen entry first "
					"(/opt/xensource/libexec/xen-cmdline --delete-xen noreboot), reboot, "
					"then run dom0cuda check.");
		} else if (strcmp(li->id, "XEN_NO_HAP") == 0 && s->mode == MODE_DOM0_PV) {
			f = finding_add(s->out, li->id, SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
					"'%s' on the Xen line: a PVH dom0 needs HAP", li->token);
			finding_proof(f, line);
			finding_hint(f, "Remove no-hap from the Xen line, reboot, then run dom0cuda check.");
		}
	}
	/* Xen's own complaints, from its console. */
	for (size_t i = 0; i < ev->n_xen_params; i++) {
		const struct ev_xen_param *xp = &ev->xen_params[i];
		if (!invalid) {
			invalid = finding_add(s->out, "XEN_PARAM_INVALID", SEV_WARN, 0,
					      xp->unknown ? "Xen does not know the parameter \"%s\""
							  : "Xen rejected parameter \"%s\" (value \"%s\")",
					      xp->name, xp->value ? xp->value : "");
			finding_hint(invalid, strcmp(xp->name, "iommu") == 0 && xp->value &&
						      strcmp(xp->value, "pt") == 0
					 ? "iommu=pt is Linux syntax; Xen keeps its default (IOMMU on). "
					   "Remove it from the Xen line."
					 : "Drop or correct the parameter on the Xen line.");
		}
		finding_proof(invalid, &xp->proof);
	}
	xen_lint_free(&lint);
	xen_cmdline_free(&cl);
}

static bool version_below(const struct evidence *ev, int major, int minor)
{
	return ev->xen_major >= 0 &&
	       (ev->xen_major < major || (ev->xen_major == major && ev->xen_minor < minor));
}

/* Would a PVH dom0 boot here? Only asked while dom0 is PV. */
static void rule_pvh_preflight(struct state *s, const struct xen_cmdline_facts *facts)
{
	const struct evidence *ev = s->ev;
	struct finding *f;
	bool iommu_seen = ev->acpi_iommu.found || ev->cap_directio ||
			  (ev->iommu_state.found && strcmp(ev->iommu_state.value, "enabled") == 0);

	if (ev->virt_caps.found && !ev->cap_hvm) {
		f = finding_add(s->out, "XEN_NO_HVM", SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
				"Xen has no HVM support here (virt_caps: %s): it cannot build a PVH dom0",
				ev->virt_caps.value);
		finding_proof(f, &ev->virt_caps);
		finding_hint(f, "Enable VT-x / AMD-V (SVM) in the firmware setup, then run dom0cuda check.");
	}
	if ((ev->virt_caps.found && ev->cap_hvm && !ev->cap_hap) ||
	    (ev->hap_state.found && strcmp(ev->hap_state.value, "not detected") == 0)) {
		f = finding_add(s->out, "XEN_NO_HAP", SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
				"No Hardware Assisted Paging (EPT/NPT): XCP-ng 8.3's Xen has no shadow "
				"paging, so a PVH dom0 cannot be built");
		finding_proof(f, &ev->virt_caps);
		finding_proof(f, &ev->hap_state);
		finding_hint(f, "Enable EPT / NPT (RVI) in the firmware setup, then run dom0cuda check.");
	}
	if (!iommu_seen && ev->acpi_tables_read) {
		f = finding_add(s->out, "IOMMU_HW_ABSENT", SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
				"No IOMMU: no DMAR or IVRS ACPI table and Xen reports no I/O "
				"virtualisation; a PVH dom0 requires an IOMMU");
		finding_proof(f, &ev->iommu_state);
		finding_hint(f, "Enable VT-d / AMD-Vi (IOMMU) in the firmware setup, then run dom0cuda check.");
	} else if (ev->iommu_state.found && strcmp(ev->iommu_state.value, "disabled") == 0 &&
		   facts->iommu != XEN_OFF) {
		f = finding_add(s->out, "XEN_IOMMU_DISABLED", SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
				"Xen disabled the IOMMU by itself (not the command line): a PVH dom0 "
				"would panic");
		finding_proof(f, &ev->iommu_state);
		finding_hint(f, "Read the Xen console (xl dmesg) around the IOMMU lines: firmware "
				"or an erratum quirk turned it off. Fix that first.");
	}
	if (ev->kconfig_pvh.found && strcmp(ev->kconfig_pvh.value, "y") != 0) {
		f = finding_add(s->out, "KERNEL_NO_PVH", SEV_FAIL, FINDING_BLOCKS | FINDING_PANIC,
				"The dom0 kernel %s is built without CONFIG_XEN_PVH: it cannot start as "
				"a PVH dom0", ev->kernel_release.found ? ev->kernel_release.value : "");
		finding_proof(f, &ev->kconfig_pvh);
		finding_hint(f, "Install a dom0 kernel with CONFIG_XEN_PVH=y, reboot into it, then run "
				"dom0cuda check.");
	}
	if (ev->n_pciback_bound || ev->pciback_hide.found) {
		f = finding_add(s->out, "PCI_PASSTHROUGH_IN_USE", SEV_WARN, 0,
				"PCI devices are reserved for passthrough: Xen does not support PCI "
				"passthrough to guests from a PVH dom0");
		for (size_t i = 0; i < s->ev->n_pciback_bound; i++)
			finding_proof(f, &ev->pciback_bound[i]);
		finding_proof(f, &ev->pciback_hide);
		finding_hint(f, "VMs that use passthrough devices will not get them while dom0 is PVH; "
				"plan for that before dom0cuda persist.");
	}
	if (!ev->grubcfg.found && !ev->live && !ev->boot_dir) {
		/* A capture without /boot: nothing to say about the boot config. */
		f = finding_add(s->out, "EVIDENCE_MISSING", SEV_INFO, FINDING_MISSING,
				"This capture has no /boot: the boot configuration was not checked");
		finding_hint(f, "dom0cuda report includes it; fix checks it on the host itself.");
	} else if (!ev->grubcfg.found) {
		f = finding_add(s->out, "BOOT_CONFIG_UNSUPPORTED", SEV_FAIL, FINDING_BLOCKS,
				"No GRUB configuration for this %s boot at %s: fix cannot add a PVH entry",
				ev->efi ? "UEFI" : "BIOS", ev->src[SRC_BOOT].path);
		finding_hint(f, "Add dom0=pvh to the Xen line by hand (and remove iommu=no), with a "
				"fallback entry; see dom0cuda(8).");
	}
}

static void rule_xen_common(struct state *s)
{
	const struct evidence *ev = s->ev;
	struct finding *f;

	if (version_below(ev, 4, 19)) {
		f = finding_add(s->out, "XEN_PVH_EXPERIMENTAL", SEV_WARN, 0,
				"Xen %s: a PVH dom0 is \"Experimental\" before Xen 4.19 (SUPPORT.md)",
				ev->xen_version.value);
		finding_proof(f, &ev->xen_version);
		finding_proof(f, &ev->product);
		finding_hint(f, s->mode == MODE_DOM0_PV
				? "Try it with the one-shot trial (dom0cuda fix); the PV entry stays as fallback."
				: "Keep the PV entry as a fallback (dom0cuda persist does) and watch Xen updates.");
	}
	if (ev->grubenv_oneshot.found) {
		f = finding_add(s->out, "ONESHOT_PENDING", SEV_INFO, 0,
				"A one-shot boot is armed (%s): the next reboot tries it once",
				ev->grubenv_oneshot.value);
		finding_proof(f, &ev->grubenv_oneshot);
		finding_hint(f, "Reboot, then run dom0cuda verify.");
	}
}

static void rule_evidence(struct state *s)
{
	const struct evidence *ev = s->ev;
	static const enum ev_src important_xen[] = { SRC_XL_INFO, SRC_XL_DMESG };
	struct finding *f;

	for (size_t i = 0; i < SRC__COUNT; i++) {
		const struct ev_source *src = &ev->src[i];
		bool wanted = i == SRC_DMESG || i == SRC_HYPERVISOR;

		for (size_t k = 0; k < sizeof(important_xen) / sizeof(important_xen[0]); k++)
			if (important_xen[k] == i && (s->mode == MODE_DOM0_PV || s->mode == MODE_DOM0_PVH ||
						      s->mode == MODE_UNKNOWN))
				wanted = true;
		if (i == SRC_HV_LOG || i == SRC_HYPERVISOR)
			wanted = i == SRC_HYPERVISOR && s->mode == MODE_UNKNOWN;
		if (src->note) {
			f = finding_add(s->out, "EVIDENCE_PARTIAL", SEV_INFO, 0, "%s (%s): %s", src->name,
					src->path, src->note);
		}
		if (!wanted || src->present || !src->name)
			continue;
		if (strcmp(src->name, src->path) == 0)
			f = finding_add(s->out, "EVIDENCE_MISSING", SEV_INFO, FINDING_MISSING,
					"Could not read %s: %s", src->name, strerror(-src->err));
		else
			f = finding_add(s->out, "EVIDENCE_MISSING", SEV_INFO, FINDING_MISSING,
					"Could not read %s (%s): %s", src->name, src->path, strerror(-src->err));
		if (src->err == -EACCES || src->err == -EPERM)
			s->denied = true;
		finding_hint(f, src->err == -EACCES || src->err == -EPERM
				? "Run as root."
				: "On a live host this source should exist; in a bundle, recapture with "
				  "dom0cuda report.");
	}
}

static void apply_accept(struct findings *out, const struct diagnose_opts *opts)
{
	if (!opts || !opts->accept)
		return;
	for (size_t i = 0; i < out->n; i++) {
		struct finding *f = &out->v[i];
		for (size_t k = 0; opts->accept[k]; k++) {
			if (strcmp(opts->accept[k], f->id) != 0 || f->sev < SEV_WARN)
				continue;
			if (f->flags & FINDING_PANIC)
				continue; /* never accepted: the host would not come back */
			char *s = xasprintf("%s [accepted with --accept]", f->summary);
			free(f->summary);
			f->summary = s;
			f->sev = SEV_INFO;
			f->flags |= FINDING_ACCEPTED;
		}
	}
}

static void decide(struct state *s)
{
	struct findings *out = s->out;
	const struct finding *blocker = NULL;
	bool curable = false;

	for (size_t i = 0; i < out->n; i++) {
		const struct finding *f = &out->v[i];
		if (f->flags & FINDING_ACCEPTED)
			continue;
		if ((f->flags & FINDING_BLOCKS) && !blocker)
			blocker = f;
		if (f->flags & FINDING_CURABLE)
			curable = true;
	}
	if (s->mode == MODE_DOMU && !s->gpu_ok)
		blocker = findings_get(out, "NOT_DOM0");
	if (s->mode == MODE_UNKNOWN) {
		out->verdict = VERDICT_UNKNOWN;
		out->reason = xstrdup("Not enough evidence to tell how dom0 runs "
				      "(no /sys/hypervisor, /proc/xen or kernel log)");
		out->next = s->denied ? "sudo dom0cuda check" : "dom0cuda report";
	} else if (blocker) {
		out->verdict = VERDICT_BLOCKED;
		out->reason = xasprintf("%s: %s", blocker->id, blocker->summary);
		out->next = "dom0cuda check";
	} else if (curable) {
		const struct finding *pending = findings_get(out, "ONESHOT_PENDING");
		out->verdict = VERDICT_FIXABLE;
		out->reason = xstrdup("dom0 is Xen PV; booting it as PVH cures the NVIDIA PAT problem");
		out->next = pending ? "reboot, then: dom0cuda verify" : "dom0cuda fix";
	} else if (s->gpu_ok || findings_get(out, "NVIDIA_GPU_ABSENT")) {
		/* GPU absent reaches here only when accepted. */
		out->verdict = VERDICT_READY;
		out->reason = xstrdup(s->mode == MODE_DOM0_PVH ? "dom0 is PVH and the NVIDIA driver is bound"
							    : "the NVIDIA driver is bound and nothing stands in the way");
		out->next = "dom0cuda smoke";
	} else {
		out->verdict = VERDICT_UNKNOWN;
		out->reason = xstrdup("No blocker found, but nothing proves the GPU is usable");
		out->next = "dom0cuda report";
	}
}

void diagnose(const struct evidence *ev, const struct diagnose_opts *opts, struct findings *out)
{
	struct state s = { .ev = ev, .out = out };
	struct xen_cmdline_facts facts;

	memset(out, 0, sizeof(*out));
	s.mode = find_mode(ev);
	rule_mode(&s);
	rule_pat(&s);
	rule_nvidia(&s);
	rule_nvrm(&s);
	if (s.mode == MODE_DOM0_PV || s.mode == MODE_DOM0_PVH) {
		rule_xen_cmdline(&s, &facts);
		if (s.mode == MODE_DOM0_PV)
			rule_pvh_preflight(&s, &facts);
		rule_xen_common(&s);
	}
	rule_evidence(&s);
	apply_accept(out, opts);
	decide(&s);
}
