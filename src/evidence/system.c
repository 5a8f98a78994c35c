/* Collectors for small files: /sys/hypervisor, /proc, xl info, kernel
 * config, ACPI tables, OS release, boot mode. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "evidence/collect.h"
#include "util/strbuf.h"

/* Reads a one-line file into an item whose proof is the whole file. */
static int read_item(struct sysroot *sr, const char *path, struct ev_item *it)
{
	char *v = NULL;
	int r = sysroot_read_line(sr, path, &v);

	if (r < 0)
		return r;
	ev_item_set(it, v, path, 1, v, strlen(v));
	free(v);
	return 0;
}

/* Finds "key<sep>value" lines in text; value trimmed of blanks and quotes. */
static bool find_kv(const char *text, const char *key, char sep, char **value, long *lineno,
		    const char **line, size_t *linelen)
{
	size_t klen = strlen(key);
	long no = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		no++;
		if (len > klen && strncmp(p, key, klen) == 0) {
			const char *q = p + klen, *end = p + len;
			while (q < end && *q == ' ')
				q++;
			if (q < end && *q == sep) {
				q++;
				while (q < end && (*q == ' ' || *q == '"' || *q == '\''))
					q++;
				while (end > q && (end[-1] == ' ' || end[-1] == '"' || end[-1] == '\'' ||
						   end[-1] == '\r'))
					end--;
				*value = xstrndup(q, (size_t)(end - q));
				*lineno = no;
				*line = p;
				*linelen = len;
				return true;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static void kv_item(const char *text, const char *key, char sep, const char *source,
		    struct ev_item *it)
{
	char *v;
	long no;
	const char *line;
	size_t len;

	if (find_kv(text, key, sep, &v, &no, &line, &len)) {
		ev_item_set(it, v, source, no, line, len);
		free(v);
	}
}

static void has_word(const char *list, const char *w, bool *out)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			*out = true;
}

static void collect_hypervisor(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_HYPERVISOR], *c = &ev->src[SRC_XEN_CAPS];
	char *major = NULL, *minor = NULL, *extra = NULL;
	struct strbuf caps = STRBUF_INIT;

	s->name = s->path = "/sys/hypervisor";
	s->err = read_item(sr, "/sys/hypervisor/type", &ev->hv_type);
	s->present = s->err == 0;
	read_item(sr, "/sys/hypervisor/guest_type", &ev->guest_type);
	ev->xen_major = ev->xen_minor = -1;
	if (sysroot_read_line(sr, "/sys/hypervisor/version/major", &major) == 0 &&
	    sysroot_read_line(sr, "/sys/hypervisor/version/minor", &minor) == 0) {
		char *v;
		sysroot_read_line(sr, "/sys/hypervisor/version/extra", &extra);
		v = xasprintf("%s.%s%s", major, minor, extra ? extra : "");
		ev_item_set(&ev->xen_version, v, "/sys/hypervisor/version", 0, v, strlen(v));
		ev->xen_major = atoi(major);
		ev->xen_minor = atoi(minor);
		free(v);
	}
	free(major);
	free(minor);
	free(extra);

	c->name = c->path = "/proc/xen/capabilities";
	c->err = sysroot_read(sr, c->path, 4096, &caps);
	if (c->err == 0) {
		c->present = true;
		ev->xen_caps_read = true;
		if (strstr(caps.buf ? caps.buf : "", "control_d"))
			ev_item_set(&ev->control_d, "control_d", c->path, 1, caps.buf,
				    strcspn(caps.buf, "\n"));
	}
	strbuf_release(&caps);
}

static void collect_xl_info(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_XL_INFO];
	struct strbuf out = STRBUF_INIT;

	s->name = "xl info";
	if (sr->live) {
		s->path = "xl info";
		s->err = run_xl("info", &out);
		if (s->err == 0)
			sysroot_record(sr, "commands/xl-info.txt", REC_DATA, out.buf, out.len);
	} else {
		s->path = "commands/xl-info.txt";
		s->err = sysroot_read(sr, s->path, SYSROOT_READ_MAX, &out);
	}
	if (s->err < 0 && s->err != -EFBIG) {
		strbuf_release(&out);
		return;
	}
	s->present = true;
	kv_item(strbuf_str(&out), "xen_commandline", ':', "xl info", &ev->xen_commandline);
	kv_item(strbuf_str(&out), "virt_caps", ':', "xl info", &ev->virt_caps);
	kv_item(strbuf_str(&out), "release", ':', "xl info", &ev->xl_release);
	kv_item(strbuf_str(&out), "host", ':', "xl info", &ev->hostname);
	if (ev->virt_caps.found) {
		has_word(ev->virt_caps.value, "hvm", &ev->cap_hvm);
		has_word(ev->virt_caps.value, "hap", &ev->cap_hap);
		has_word(ev->virt_caps.value, "hvm_directio", &ev->cap_directio);
	}
	if (!ev->xen_version.found) {
		struct ev_item v = { 0 };
		kv_item(strbuf_str(&out), "xen_version", ':', "xl info", &v);
		if (v.found) {
			ev->xen_version = v;
			sscanf(v.value, "%d.%d", &ev->xen_major, &ev->xen_minor);
		}
	}
	strbuf_release(&out);
}

static void collect_kernel(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_CMDLINE], *k = &ev->src[SRC_KCONFIG];
	struct strbuf buf = STRBUF_INIT;
	char *rel = NULL;

	s->name = s->path = "/proc/cmdline";
	s->err = read_item(sr, s->path, &ev->cmdline);
	s->present = s->err == 0;
	if (ev->cmdline.found) {
		const char *h = strstr(ev->cmdline.value, "pciback.hide=");
		if (h) {
			size_t n = strcspn(h, " ");
			char *v = xstrndup(h, n);
			ev_item_set(&ev->pciback_hide, v, s->path, 1, ev->cmdline.value,
				    strlen(ev->cmdline.value));
			free(v);
		}
	}

	/* The running kernel's release: uname live; in a capture the saved
	 * osrelease, else what `xl info` says dom0 runs. */
	if (sr->live) {
		struct utsname u;
		if (uname(&u) == 0) {
			rel = xstrdup(u.release);
			/* A bundle replays this file: the live answer goes there. */
			sysroot_record(sr, "/proc/sys/kernel/osrelease", REC_DATA, rel, strlen(rel));
		}
	} else if (sysroot_read_line(sr, "/proc/sys/kernel/osrelease", &rel) < 0) {
		rel = NULL;
		if (ev->xl_release.found)
			rel = xstrdup(ev->xl_release.value);
	}
	k->name = "kernel config";
	if (!rel) {
		k->path = "/boot/config-RELEASE";
		k->err = -ENOENT;
		return;
	}
	ev_item_set(&ev->kernel_release, rel, "/proc/sys/kernel/osrelease", 0, rel, strlen(rel));
	{
		char *path = xasprintf("/boot/config-%s", rel);
		long no;
		const char *line;
		size_t len;
		char *v;

		k->path = "/boot/config";
		k->err = sysroot_read(sr, path, 8u << 20, &buf);
		if (k->err == 0 || k->err == -EFBIG) {
			k->present = true;
			k->name = "/boot/config";
			if (find_kv(strbuf_str(&buf), "CONFIG_XEN_PVH", '=', &v, &no, &line, &len)) {
				ev_item_set(&ev->kconfig_pvh, v, "/boot/config", no, line, len);
				free(v);
			} else {
				const char *p = strstr(strbuf_str(&buf), "# CONFIG_XEN_PVH is not set");
				if (p) {
					long n = 1;
					for (const char *q = buf.buf; q < p; q++)
						n += *q == '\n';
					ev_item_set(&ev->kconfig_pvh, "not set", "/boot/config", n, p,
						    strcspn(p, "\n"));
				} else {
					ev_item_set(&ev->kconfig_pvh, "absent", "/boot/config", 0,
						    "no CONFIG_XEN_PVH line", 22);
				}
			}
		}
		free(path);
	}
	free(rel);
	strbuf_release(&buf);
}

static void collect_acpi(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_ACPI];
	static const char *const tables[] = { "DMAR", "IVRS", NULL };

	s->name = s->path = "/sys/firmware/acpi/tables";
	s->err = sysroot_exists(sr, s->path);
	if (s->err == 0)
		s->err = -ENOENT;
	if (s->err < 0)
		return;
	s->err = 0;
	s->present = true;
	ev->acpi_tables_read = true;
	for (size_t i = 0; tables[i]; i++) {
		char *p = xasprintf("/sys/firmware/acpi/tables/%s", tables[i]);
		if (sysroot_exists(sr, p) == 1) {
			sysroot_record(sr, p, REC_FILE, NULL, 0);
			ev_item_set(&ev->acpi_iommu, tables[i], p, 0, p, strlen(p));
		}
		free(p);
	}
}

static void collect_os(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_OS];
	struct strbuf buf = STRBUF_INIT;

	s->name = s->path = "/etc/os-release";
	s->err = sysroot_read(sr, "/etc/os-release", 65536, &buf);
	if (s->err < 0)
		s->err = sysroot_read(sr, "/usr/lib/os-release", 65536, &buf);
	if (s->err == 0) {
		s->present = true;
		kv_item(buf.buf, "PRETTY_NAME", '=', "/etc/os-release", &ev->os_release);
	}
	if (sysroot_read(sr, "/etc/xensource-inventory", 65536, &buf) == 0) {
		struct ev_item brand = { 0 }, ver = { 0 };
		kv_item(buf.buf, "PRODUCT_BRAND", '=', "/etc/xensource-inventory", &brand);
		kv_item(buf.buf, "PRODUCT_VERSION", '=', "/etc/xensource-inventory", &ver);
		if (brand.found && ver.found) {
			char *v = xasprintf("%s %s", brand.value, ver.value);
			char *t = xasprintf("%s / %s", brand.text, ver.text);
			ev_item_set(&ev->product, v, "/etc/xensource-inventory", ver.line, t, strlen(t));
			free(v);
			free(t);
		}
		ev_item_free(&brand);
		ev_item_free(&ver);
	}
	strbuf_release(&buf);
}

/* Boot mode, the grub.cfg GRUB reads in it (DESIGN §5) and a pending one-shot. */
static void collect_boot(struct sysroot *sr, struct evidence *ev)
{
	static const char *const bios[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", NULL };
	static const char *const uefi[] = { "/boot/efi/EFI/xenserver/grub.cfg", NULL };
	struct ev_source *s = &ev->src[SRC_BOOT];
	const char *const *cand;
	struct strbuf env = STRBUF_INIT;

	s->name = "boot config";
	ev->live = sr->live;
	ev->boot_dir = sysroot_exists(sr, "/boot") == 1;
	ev->efi = sysroot_exists(sr, "/sys/firmware/efi") == 1;
	cand = ev->efi ? uefi : bios;
	s->err = -ENOENT;
	s->path = cand[0];
	for (size_t i = 0; cand[i]; i++) {
		int r = sysroot_exists(sr, cand[i]);
		if (r == 1) {
			char *dir, *envpath;
			s->err = 0;
			s->present = true;
			s->path = cand[i];
			sysroot_record(sr, cand[i], REC_FILE, NULL, 0);
			ev_item_set(&ev->grubcfg, cand[i], cand[i], 0, cand[i], strlen(cand[i]));
			dir = xstrndup(cand[i], (size_t)(strrchr(cand[i], '/') - cand[i]));
			envpath = xasprintf("%s/grubenv", dir);
			if (sysroot_read(sr, envpath, 65536, &env) == 0) {
				static const char *const keys[] = { "next_entry", "override_entry", NULL };
				for (size_t k = 0; keys[k]; k++) {
					struct ev_item it = { 0 };
					kv_item(env.buf, keys[k], '=', envpath, &it);
					if (it.found && it.value[0]) {
						char *v = xasprintf("%s=%s", keys[k], it.value);
						it.source = ev_intern(envpath);
						ev_item_set(&ev->grubenv_oneshot, v, it.source, it.line,
							    it.text, strlen(it.text));
						free(v);
					}
					ev_item_free(&it);
				}
			}
			free(envpath);
			free(dir);
			break;
		}
		if (r < 0)
			s->err = r;
	}
	strbuf_release(&env);
}

void collect_system(struct sysroot *sr, struct evidence *ev)
{
	collect_hypervisor(sr, ev);
	collect_xl_info(sr, ev);
	collect_kernel(sr, ev);
	collect_acpi(sr, ev);
	collect_os(sr, ev);
	collect_boot(sr, ev);
}
