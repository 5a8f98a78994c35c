#include "evidence/evidence.h"

#include <stdlib.h>
#include <string.h>

#include "evidence/collect.h"

int evidence_collect(struct sysroot *sr, struct evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	collect_system(sr, ev);
	collect_dmesg(sr, ev);
	collect_xen_console(sr, ev);
	collect_pci(sr, ev);
	return 0;
}

void evidence_free(struct evidence *ev)
{
	struct ev_item *items[] = {
		&ev->hv_type, &ev->guest_type, &ev->xen_version, &ev->control_d, &ev->hyp_detected,
		&ev->banner, &ev->pat, &ev->pat_disabled, &ev->dom0_pirq, &ev->nvrm_pat, &ev->nvrm_loaded,
&ev->iommu_state, &ev->hap_state, &ev->xen_panic,
		&ev->xen_console_cmdline, &ev->xen_commandline, &ev->virt_caps, &ev->xl_release, &ev->hostname,
		&ev->cmdline, &ev->pciback_hide, &ev->kernel_release, &ev->kconfig_pvh,
		&ev->nv_version, &ev->nv_module, &ev->acpi_iommu, &ev->os_release, &ev->product,
		&ev->grubcfg, &ev->grubenv_oneshot,
	};

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		ev_item_free(items[i]);
	for (size_t i = 0; i < ev->n_nvrm_errors; i++)
		ev_item_free(&ev->nvrm_errors[i]);
	for (size_t i = 0; i < ev->n_xen_params; i++) {
		free(ev->xen_params[i].name);
		free(ev->xen_params[i].value);
		ev_item_free(&ev->xen_params[i].proof);
	}
	for (size_t i = 0; i < ev->n_gpus; i++) {
		struct ev_gpu *g = &ev->gpus[i];
		free(g->driver);
		free(g->link_speed);
		free(g->link_width);
		free(g->max_link_speed);
		free(g->max_link_width);
		ev_item_free(&g->proof);
	}
	for (size_t i = 0; i < ev->n_pciback_bound; i++)
		ev_item_free(&ev->pciback_bound[i]);
	for (size_t i = 0; i < SRC__COUNT; i++)
		free(ev->src[i].note);
	memset(ev, 0, sizeof(*ev));
}
