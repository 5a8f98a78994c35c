/* grub.cfg model: every real-world fixture parses, comes back byte for byte,
 * and the entries, defaults and Xen lines are what GRUB would see. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/grubcfg.h"
#include "unit.h"
#include "util/strbuf.h"

static int parse_str(const char *text, struct grubcfg *cfg, struct strbuf *err)
{
	strbuf_reset(err);
	return grubcfg_parse("t.cfg", text, strlen(text), cfg, err);
}

static void test_fixture(const char *name, size_t nentries, const char *deftitle, bool xen)
{
	char path[256], label[256];
	struct strbuf err = STRBUF_INIT;
	struct grubcfg cfg;
	struct grub_edit ed = { 0 };
	size_t len, outlen;
	char *buf, *out;
	int r, d;

	snprintf(path, sizeof(path), "tests/fixtures/grub/%s", name);
	buf = unit_read_file(path, &len);
	snprintf(label, sizeof(label), "fixture_readable_%s", name);
	UNIT_OK(buf != NULL, label);
	if (!buf)
		return;
	r = grubcfg_parse(name, buf, len, &cfg, &err);
	snprintf(label, sizeof(label), "real_config_parses_%s", name);
	UNIT_INTEQ(r, 0, label);
	if (r < 0) {
		printf("#   %s\n", strbuf_str(&err));
		free(buf);
		strbuf_release(&err);
		return;
	}
	snprintf(label, sizeof(label), "entries_counted_%s", name);
	UNIT_INTEQ(cfg.n, nentries, label);
	out = grub_edit_apply(&ed, cfg.buf, cfg.len, &outlen);
	snprintf(label, sizeof(label), "round_trip_byte_identical_%s", name);
	UNIT_OK(outlen == len && memcmp(out, buf, len) == 0, label);
	d = grubcfg_default_entry(&cfg, NULL);
	snprintf(label, sizeof(label), "default_entry_resolved_%s", name);
	UNIT_STREQ(d >= 0 ? cfg.e[d].title : "(none)", deftitle, label);
	snprintf(label, sizeof(label), "default_entry_boots_xen_%s", name);
	UNIT_OK(d >= 0 && (cfg.e[d].xen_kind == GRUB_XEN_MULTIBOOT2) == xen, label);
	/* Entry ranges cover whole menuentry blocks. */
	for (size_t i = 0; i < cfg.n; i++) {
		const struct grub_entry *e = &cfg.e[i];
		const char *s = cfg.buf + e->start + strspn(cfg.buf + e->start, " \t");

		if (strncmp(s, e->submenu ? "submenu" : "menuentry", e->submenu ? 7 : 9) != 0 ||
		    cfg.buf[e->end - 1] != '\n' || cfg.buf[e->end - 2] != '}') {
			snprintf(label, sizeof(label), "entry_range_is_whole_block_%s_%zu", name, i);
			UNIT_OK(0, label);
		}
	}
	free(out);
	grubcfg_free(&cfg);
	free(buf);
	strbuf_release(&err);
}

static void test_xcpng_details(void)
{
	struct strbuf err = STRBUF_INIT;
	struct grubcfg cfg;
	size_t len;
	char *buf = unit_read_file("tests/fixtures/grub/xcpng83-bios.cfg", &len);
	int idx[4];

	UNIT_INTEQ(grubcfg_parse("x", buf, len, &cfg, &err), 0, "xcpng_parses");
	UNIT_STREQ(cfg.e[0].xen_image, "/boot/xen.gz", "xcpng_xen_image");
	UNIT_STREQ(cfg.e[0].kernel, "/boot/vmlinuz-4.19-xen", "xcpng_dom0_kernel");
	UNIT_STREQ(cfg.e[0].xen_args,
		   "dom0_mem=8192M,max:8192M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G console=vga vga=mode-0x0311",
		   "xcpng_xen_args_exact");
	UNIT_OK(!cfg.next_entry && !cfg.override_entry && !cfg.load_env, "fresh_xcpng_has_no_oneshot");
	UNIT_INTEQ(grubcfg_match_xen_cmdline(&cfg,
		   "dom0_mem=8192M,max:8192M watchdog ucode=scan dom0_max_vcpus=1-16 crashkernel=256M,below=4G console=vga vga=mode-0x0311",
		   idx, 4), 1, "booted_entry_found_by_xen_commandline");
	UNIT_INTEQ(idx[0], 0, "booted_entry_is_default");
	UNIT_INTEQ(grubcfg_match_xen_cmdline(&cfg, "dom0_mem=8192M watchdog", idx, 4), 0,
		   "booted_entry_not_found_for_other_args");
	UNIT_INTEQ(grubcfg_find(&cfg, "XCP-ng in Safe Mode"), 2, "find_by_title");
	UNIT_INTEQ(grubcfg_find(&cfg, "4"), 4, "find_by_index");
	UNIT_INTEQ(grubcfg_find(&cfg, "9"), -ENOENT, "find_missing_index");
	grubcfg_free(&cfg);
	free(buf);
	strbuf_release(&err);
}

static void test_debian_details(void)
{
	struct strbuf err = STRBUF_INIT;
	struct grubcfg cfg;
	size_t len;
	char *buf = unit_read_file("tests/fixtures/grub/debian12-xen-default-nvme.cfg", &len);
	int d, idx[8];

	UNIT_INTEQ(grubcfg_parse("d", buf, len, &cfg, &err), 0, "debian_parses");
	UNIT_OK(cfg.next_entry && cfg.load_env && !cfg.override_entry, "debian_honours_next_entry");
	d = grubcfg_find(&cfg, "Advanced options for Debian GNU/Linux (with Xen hypervisor)>xen-hypervisor-4.17-amd64-9c7d3e2a-5b1f-4e8d-a6c4-2f0e81b7d395>1");
	UNIT_OK(d >= 0, "find_by_title_id_and_index_path");
	if (d >= 0) {
		UNIT_STREQ(cfg.e[d].title, "Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-31-amd64 (recovery mode)",
			   "nested_submenu_title");
		UNIT_STREQ(cfg.e[d].index_path, "3>0>1", "nested_index_path");
		UNIT_STREQ(cfg.e[d].path, "Advanced options for Debian GNU/Linux (with Xen hypervisor)>Xen hypervisor, version 4.17-amd64>Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-31-amd64 (recovery mode)",
			   "nested_title_path");
	}
	d = grubcfg_default_entry(&cfg, NULL);
	UNIT_STREQ(d >= 0 ? cfg.e[d].id : NULL, "xen-gnulinux-simple-9c7d3e2a-5b1f-4e8d-a6c4-2f0e81b7d395",
		   "menuentry_id_option_read");
	UNIT_INTEQ(grubcfg_match_xen_cmdline(&cfg,
		   "placeholder dom0_mem=4096M,max:4096M dom0_max_vcpus=1-4 dom0_vcpus_pin no-real-mode edd=off",
		   idx, 8), 5, "xen_rm_opts_expansion_still_matches");
	UNIT_INTEQ(idx[0], d, "booted_default_entry_matched_first");
	grubcfg_free(&cfg);
	free(buf);
	strbuf_release(&err);
}

static void test_syntax(void)
{
	struct strbuf err = STRBUF_INIT;
	struct grubcfg cfg;

	UNIT_INTEQ(parse_str("menuentry 'a {b}' --id \"x}y\" {\n\techo '}'\n}\n", &cfg, &err), 0,
		   "braces_inside_strings");
	UNIT_STREQ(cfg.n ? cfg.e[0].title : NULL, "a {b}", "quoted_title_with_braces");
	UNIT_STREQ(cfg.n ? cfg.e[0].id : NULL, "x}y", "double_quoted_id");
	grubcfg_free(&cfg);

	UNIT_INTEQ(parse_str("menuentry \"it's\" --class xen {\n xen_hypervisor /boot/xen.efi dom0=pv iommu=no\n"
			     " xen_module /boot/vmlinuz root=/dev/sda1\n}\n", &cfg, &err), 0, "xen_boot_form");
	UNIT_OK(cfg.n == 1 && cfg.e[0].xen_kind == GRUB_XEN_HYPERVISOR, "xen_hypervisor_is_xen_line");
	UNIT_STREQ(cfg.n ? cfg.e[0].xen_args : NULL, "dom0=pv iommu=no", "xen_hypervisor_args");
	UNIT_STREQ(cfg.n ? cfg.e[0].kernel : NULL, "/boot/vmlinuz", "xen_module_is_kernel");
	grubcfg_free(&cfg);

	UNIT_INTEQ(parse_str("menuentry X {\n chainloader /EFI/xenserver/xen.efi\n}\n", &cfg, &err), 0, "chainloader_parses");
	UNIT_OK(cfg.n == 1 && cfg.e[0].xen_kind == GRUB_XEN_CHAINLOADER && cfg.e[0].xen_args[0] == '\0',
		"chainloader_xen_efi_without_args");
	grubcfg_free(&cfg);

	UNIT_INTEQ(parse_str("set default=saved\nif [ -s $prefix/grubenv ]; then\n\tload_env\nfi\n"
			     "if [ -n \"$override_entry\" ]; then\n\tset default=$override_entry\nfi\n"
			     "menuentry A {\n\tmultiboot /boot/xen.gz\n}\nmenuentry B {\n\tmultiboot /boot/xen.gz x\n}\n",
			     &cfg, &err), 0, "override_block_parses");
	UNIT_OK(cfg.override_entry && cfg.load_env && !cfg.next_entry, "override_entry_detected");
	UNIT_STREQ(grubcfg_default_value(&cfg, NULL), "saved", "literal_default_not_oneshot");
	UNIT_OK(cfg.e[0].xen_kind == GRUB_XEN_MULTIBOOT, "multiboot_v1_is_xen_line");
	grubcfg_free(&cfg);

	UNIT_INTEQ(parse_str("set default=\"${saved_entry}\"\nmenuentry A {\n}\nmenuentry B {\n}\n", &cfg, &err), 0,
		   "saved_entry_default_parses");
	UNIT_INTEQ(grubcfg_default_entry(&cfg, "B"), 1, "saved_entry_resolved_from_env");
	UNIT_INTEQ(grubcfg_default_entry(&cfg, NULL), 0, "unset_saved_entry_means_first");
	grubcfg_free(&cfg);

	UNIT_INTEQ(parse_str("menuentry A {\n  echo hi\n", &cfg, &err), -EINVAL, "unclosed_entry_fails");
	UNIT_STREQ(strbuf_str(&err), "t.cfg:3: expected '}' to close the block opened at line 1, found end of file",
		   "unclosed_entry_error_has_file_line");
	UNIT_INTEQ(parse_str("if true; then\n echo\n}\n", &cfg, &err), -EINVAL, "stray_brace_fails");
	UNIT_STREQ(strbuf_str(&err), "t.cfg:3: expected 'fi' to close the 'if' at line 1, found '}'",
		   "stray_brace_error_names_if");
	UNIT_INTEQ(parse_str("menuentry 'A {\n}\n", &cfg, &err), -EINVAL, "unterminated_quote_fails");
	UNIT_STREQ(strbuf_str(&err), "t.cfg:1: expected a closing ' for the string that starts here",
		   "unterminated_quote_error");
	UNIT_INTEQ(parse_str("menuentry A\n{\n}\n", &cfg, &err), -EINVAL, "brace_on_next_line_fails");
	UNIT_INTEQ(parse_str("fi\n", &cfg, &err), -EINVAL, "stray_fi_fails");
	strbuf_release(&err);
}

int main(void)
{
	test_fixture("xcpng83-bios.cfg", 5, "XCP-ng", true);
	test_fixture("xcpng83-uefi.cfg", 5, "XCP-ng", true);
	test_fixture("xcpng-bios-serial.cfg", 5, "XCP-ng", true);
	test_fixture("debian12-xen.cfg", 12, "GNU/Linux", false);
	test_fixture("debian12-xen-default-nvme.cfg", 13, "Debian GNU/Linux, with Xen hypervisor", true);
	test_xcpng_details();
	test_debian_details();
	test_syntax();
	return unit_done();
}
