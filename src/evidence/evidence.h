/* Everything `check` knows about the host, as plain data. Collectors fill
 * it through the sysroot layer; diagnose/ turns it into findings. Each fact
 * keeps its proof: where it was read, the line number, the exact text. */
#ifndef DOM0CUDA_EVIDENCE_H
#define DOM0CUDA_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "evidence/sysroot.h"

/* A fact and its proof. value is what the fact means ("PV", "4.17.7");
 * text the source line as read (sanitised, at most EV_TEXT_MAX bytes). */
struct ev_item {
	bool found;
	char *value;
	const char *source; /* logical name: "/sys/hypervisor/guest_type", "dmesg", "xl info" */
	long line;          /* 1-based; 0 when the whole file is the proof */
	char *text;
};

#define EV_TEXT_MAX 400
#define EV_MAX_LIST 16

/* Why a source could not be read. err is a negative errno (or 0: read). */
struct ev_source {
	const char *name;   /* logical name, as in proofs */
	const char *path;   /* where it was read: "commands/dmesg.txt", "/dev/kmsg" */
	int err;
	bool present;       /* read at least partly */
	char *note;         /* e.g. "3 lines over 1 MiB skipped (first at line 12)" */
};

enum ev_src {
	SRC_HYPERVISOR, SRC_XEN_CAPS, SRC_DMESG, SRC_XL_INFO, SRC_XL_DMESG, SRC_HV_LOG,
	SRC_CMDLINE, SRC_KCONFIG, SRC_PCI, SRC_NVIDIA, SRC_ACPI, SRC_OS, SRC_BOOT,
	SRC__COUNT
};

struct ev_gpu {
	char bdf[32];
	unsigned vendor, device, class_;
	char *driver;          /* bound driver name or NULL */
	bool nvidia_bound;     /* driver link says nvidia, or /proc/driver/nvidia/gpus/BDF */
	struct ev_item proof;  /* the PCI device path and ids */
	char *link_speed, *link_width, *max_link_speed, *max_link_width;
};

struct ev_xen_param {   /* Xen's own 'parameter "X" has invalid value "Y"' */
	char *name, *value;
	bool unknown;          /* 'parameter "X" unknown!' */
	struct ev_item proof;
};

struct evidence {
	struct ev_source src[SRC__COUNT];

	/* /sys/hypervisor, /proc/xen */
	struct ev_item hv_type;      /* "xen" */
	struct ev_item guest_type;   /* "PV", "PVH", "HVM" */
	struct ev_item xen_version;  /* "4.17.7"; from sysfs or xl info */
	int xen_major, xen_minor;    /* -1 unknown */
	struct ev_item control_d;    /* found: dom0; value "control_d" */
	bool xen_caps_read;

	/* dom0 kernel log */
	struct ev_item hyp_detected; /* value "Xen PV", "Xen HVM", "KVM", ... */
	struct ev_item banner;       /* value "Xen", "Xen PVH", "bare hardware" */
	struct ev_item pat;          /* value: the 8 fields "WB WT UC- UC WC WP UC UC" */
	int pat_wc_index;            /* -1: no WC (or unknown) */
	struct ev_item dom0_pirq;    /* "xen: --> pirq=": a PV kernel routing GSIs is dom0 */
	struct ev_item pat_disabled; /* "x86/PAT: MTRRs disabled, skipping PAT initialization too." */
	struct ev_item nvrm_pat;     /* "NVRM: PAT configuration unsupported" */
	struct ev_item nvrm_loaded;  /* "NVRM: loading NVIDIA UNIX ..." */
	struct ev_item nvrm_errors[EV_MAX_LIST];
	size_t n_nvrm_errors;

	/* Xen console (xl dmesg, then /var/log/xen/hypervisor.log) */
	struct ev_xen_param xen_params[EV_MAX_LIST];
	size_t n_xen_params;
	struct ev_item iommu_state;  /* value "enabled" / "disabled" */
	struct ev_item hap_state;    /* value "detected" / "not detected" */
	struct ev_item xen_panic;    /* the line after "Panic on CPU" */
	struct ev_item xen_console_cmdline;

	/* xl info */
	struct ev_item xen_commandline;
	struct ev_item virt_caps;    /* value: the word list */
	bool cap_hvm, cap_hap, cap_directio;
	struct ev_item xl_release;
	struct ev_item hostname;     /* xl info's host (for report --redact) */

	/* dom0 kernel */
	struct ev_item cmdline;      /* /proc/cmdline */
	struct ev_item pciback_hide; /* xen-pciback.hide= on the dom0 command line */
	struct ev_item kernel_release;
	struct ev_item kconfig_pvh;  /* value "y" or "not set" */

	/* PCI and the NVIDIA driver */
	struct ev_gpu gpus[EV_MAX_LIST];
	size_t n_gpus;
	struct ev_item pciback_bound[EV_MAX_LIST]; /* devices bound to pciback */
	size_t n_pciback_bound;
	struct ev_item nv_version;   /* /proc/driver/nvidia/version line 1 */
	struct ev_item nv_module;    /* /sys/module/nvidia exists */

	/* IOMMU hardware: ACPI DMAR (Intel) / IVRS (AMD) */
	struct ev_item acpi_iommu;   /* value "DMAR" or "IVRS" */
	bool acpi_tables_read;

	/* OS */
	struct ev_item os_release;   /* value PRETTY_NAME */
	struct ev_item product;      /* xensource-inventory PRODUCT_BRAND PRODUCT_VERSION */

	/* Boot */
	bool live;                   /* read from the running system, not a capture */
	bool boot_dir;               /* /boot exists under the root */
	bool efi;
	struct ev_item grubcfg;      /* value: path of the grub.cfg for this boot mode */
	struct ev_item grubenv_oneshot; /* value "next_entry=..." / "override_entry=..." */
};

/* Reads every source; never fails: what cannot be read is recorded in
 * ev->src[] with its errno. Returns 0. */
int evidence_collect(struct sysroot *sr, struct evidence *ev);
void evidence_free(struct evidence *ev);

/* Sets an item: copies value and a sanitised, truncated text. */
void ev_item_set(struct ev_item *it, const char *value, const char *source, long line,
		 const char *text, size_t text_len);
void ev_item_free(struct ev_item *it);
/* A copy of s that lives until exit (for proof sources). */
const char *ev_intern(const char *s);

#endif
