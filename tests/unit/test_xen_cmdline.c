/* The Xen command-line model: tokens, facts, lint, fix's edits. */
#include <stdlib.h>

#include "boot/xen_cmdline.h"
#include "unit.h"

static char *edit(const char *line, int (*fn)(struct xen_cmdline *), int *changed)
{
	struct xen_cmdline cl;
	char *out;

	xen_cmdline_parse(line, &cl);
	*changed = fn(&cl);
	out = xen_cmdline_format(&cl);
	xen_cmdline_free(&cl);
	return out;
}

static void check_edit(const char *line, int (*fn)(struct xen_cmdline *), const char *want,
		       int want_changed, const char *name)
{
	int changed;
	char *got = edit(line, fn, &changed);
	UNIT_STREQ(got, want, name);
	UNIT_INTEQ(changed, want_changed, name);
	free(got);
}

static int lint_has(const char *line, const char *id, enum xen_lint_severity sev)
{
	struct xen_cmdline cl;
	struct xen_lint l;
	int found = 0;

	xen_cmdline_parse(line, &cl);
	xen_cmdline_lint(&cl, &l);
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.v[i].id, id) == 0 && l.v[i].sev == sev)
			found = 1;
	xen_lint_free(&l);
	xen_cmdline_free(&cl);
	return found;
}

static int lint_count(const char *line)
{
	struct xen_cmdline cl;
	struct xen_lint l;
	size_t n;

	xen_cmdline_parse(line, &cl);
	xen_cmdline_lint(&cl, &l);
	n = l.n;
	xen_lint_free(&l);
	xen_cmdline_free(&cl);
	return (int)n;
}

int main(void)
{
	struct xen_cmdline cl;
	struct xen_cmdline_facts f;

	xen_cmdline_parse("  dom0_mem=8192M,max:8192M\twatchdog  iommu=no ", &cl);
	UNIT_INTEQ(cl.n, 3, "parse_splits_on_blanks");
	UNIT_STREQ(cl.tok[2].text, "iommu=no", "parse_keeps_token_text");
	UNIT_INTEQ(cl.tok[1].offset, 27, "parse_records_offsets");
	xen_cmdline_facts(&cl, &f);
	UNIT_INTEQ(f.iommu, XEN_OFF, "facts_iommu_no_is_off");
	xen_cmdline_free(&cl);

	UNIT_INTEQ(xen_parse_bool("disable", 7), 0, "bool_disable_is_false");
	UNIT_INTEQ(xen_parse_bool("enable", 6), 1, "bool_enable_is_true");
	UNIT_INTEQ(xen_parse_bool("pt", 2), -1, "bool_pt_is_not_boolean");

	/* Every false spelling Xen accepts is removed; other tokens keep order. */
	check_edit("a iommu=no b", xen_cmdline_enable_iommu, "a b", 1, "enable_iommu_removes_no");
	check_edit("iommu=0", xen_cmdline_enable_iommu, "", 1, "enable_iommu_removes_0");
	check_edit("iommu=off x", xen_cmdline_enable_iommu, "x", 1, "enable_iommu_removes_off");
	check_edit("iommu=false", xen_cmdline_enable_iommu, "", 1, "enable_iommu_removes_false");
	check_edit("iommu=disable", xen_cmdline_enable_iommu, "", 1, "enable_iommu_removes_disable");
	check_edit("no-iommu y", xen_cmdline_enable_iommu, "y", 1, "enable_iommu_removes_no_prefix");
	check_edit("iommu=pt", xen_cmdline_enable_iommu, "", 1, "enable_iommu_removes_invalid_pt");
	check_edit("iommu=pt,verbose", xen_cmdline_enable_iommu, "iommu=verbose", 1,
		   "enable_iommu_keeps_valid_suboptions");
	check_edit("iommu=no-igfx,no", xen_cmdline_enable_iommu, "iommu=no-igfx", 1,
		   "enable_iommu_keeps_negated_suboption");
	check_edit("iommu=force dom0=pvh", xen_cmdline_enable_iommu, "iommu=force dom0=pvh", 0,
		   "enable_iommu_leaves_force_alone");

	check_edit("a b", xen_cmdline_set_dom0_pvh, "a b dom0=pvh", 1, "set_pvh_appends");
	check_edit("dom0=pv a", xen_cmdline_set_dom0_pvh, "dom0=pvh a", 1, "set_pvh_replaces_pv");
	check_edit("dom0=verbose,pv,msr-relaxed", xen_cmdline_set_dom0_pvh,
		   "dom0=verbose,pvh,msr-relaxed", 1, "set_pvh_merges_list_in_place");
	check_edit("dom0=cpuid-faulting=0", xen_cmdline_set_dom0_pvh, "dom0=pvh,cpuid-faulting=0", 1,
		   "set_pvh_prepends_to_list_without_mode");
	check_edit("dom0=pvh x", xen_cmdline_set_dom0_pvh, "dom0=pvh x", 0, "set_pvh_idempotent");

	UNIT_OK(lint_has("iommu=pt", "XEN_PARAM_INVALID", XEN_LINT_WARN), "lint_iommu_pt_invalid");
	UNIT_OK(lint_has("iommu=bogus", "XEN_PARAM_INVALID", XEN_LINT_WARN), "lint_unknown_iommu_item");
	UNIT_OK(lint_has("dom0=pvh iommu=no", "XEN_IOMMU_DISABLED", XEN_LINT_FAIL),
		"lint_pvh_with_iommu_off_fails");
	UNIT_OK(lint_has("iommu=no", "XEN_IOMMU_DISABLED", XEN_LINT_WARN), "lint_iommu_off_warns_on_pv");
	UNIT_OK(lint_has("noreboot", "XEN_NOREBOOT", XEN_LINT_FAIL), "lint_noreboot_fails");
	UNIT_OK(!lint_has("noreboot=0", "XEN_NOREBOOT", XEN_LINT_FAIL), "lint_noreboot_false_is_fine");
	UNIT_OK(lint_has("dom0=pvh no-hap", "XEN_NO_HAP", XEN_LINT_FAIL), "lint_pvh_without_hap_fails");
	UNIT_OK(lint_has("dom0=pvhx", "XEN_PARAM_INVALID", XEN_LINT_WARN), "lint_bad_dom0_item");
	UNIT_OK(lint_has("dom0_mem=lots", "XEN_PARAM_INVALID", XEN_LINT_WARN), "lint_bad_dom0_mem");
	UNIT_OK(lint_has("console=", "XEN_PARAM_INVALID", XEN_LINT_WARN), "lint_empty_console");
	UNIT_OK(lint_has("dom0-iommu=what", "XEN_PARAM_INVALID", XEN_LINT_WARN), "lint_bad_dom0_iommu");
	UNIT_INTEQ(lint_count("dom0_mem=8192M,max:8192M watchdog ucode=scan dom0_max_vcpus=1-16 "
			      "crashkernel=256M,below=4G console=vga vga=mode-0x0311 dom0=pvh "
			      "iommu=verbose,no-igfx dom0-iommu=strict=1 hap dom0_mem=-1G,10%"), 0,
		   "lint_quiet_on_xcpng_default_line");
	UNIT_INTEQ(lint_count(""), 0, "lint_empty_line");
	return unit_done();
}
