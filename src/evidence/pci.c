/* PCI devices (NVIDIA GPUs, pciback) and the NVIDIA driver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/collect.h"

#define PCI_VENDOR_NVIDIA 0x10de
/* Display controllers: 0x0300 VGA, 0x0302 3D (H100, A100). */
#define PCI_CLASS_DISPLAY 0x03

static int read_hex(struct sysroot *sr, const char *dev, const char *attr, unsigned *out)
{
	char *path = xasprintf("/sys/bus/pci/devices/%s/%s", dev, attr);
	char *v = NULL, *end;
	int r = sysroot_read_line(sr, path, &v);

	free(path);
	if (r < 0)
		return r;
	errno = 0;
	*out = (unsigned)strtoul(v, &end, 16);
	r = (errno || end == v) ? -EINVAL : 0;
	free(v);
	return r;
}

static char *read_attr(struct sysroot *sr, const char *dev, const char *attr)
{
	char *path = xasprintf("/sys/bus/pci/devices/%s/%s", dev, attr);
	char *v = NULL;

	if (sysroot_read_line(sr, path, &v) < 0)
		v = NULL;
	free(path);
	return v;
}

static char *driver_of(struct sysroot *sr, const char *dev)
{
	char *path = xasprintf("/sys/bus/pci/devices/%s/driver", dev);
	char *target = NULL, *base = NULL;

	if (sysroot_readlink(sr, path, &target) == 0) {
		const char *slash = strrchr(target, '/');
		base = xstrdup(slash ? slash + 1 : target);
	}
	free(target);
	free(path);
	return base;
}

void collect_pci(struct sysroot *sr, struct evidence *ev)
{
	struct ev_source *s = &ev->src[SRC_PCI], *nv = &ev->src[SRC_NVIDIA];
	char **devs = NULL;
	size_t n = 0;

	s->name = s->path = "/sys/bus/pci/devices";
	s->err = sysroot_list(sr, s->path, &devs, &n);
	s->present = s->err == 0;
	for (size_t i = 0; i < n; i++) {
		unsigned vendor = 0, device = 0, cls = 0;
		char *drv;

		if (read_hex(sr, devs[i], "vendor", &vendor) < 0)
			continue;
		drv = driver_of(sr, devs[i]);
		if (drv && strcmp(drv, "pciback") == 0 && ev->n_pciback_bound < EV_MAX_LIST) {
			char *p = xasprintf("/sys/bus/pci/devices/%s/driver", devs[i]);
			char *t = xasprintf("%s -> pciback", devs[i]);
			ev_item_set(&ev->pciback_bound[ev->n_pciback_bound++], devs[i], ev_intern(p), 0,
				    t, strlen(t));
			free(p);
			free(t);
		}
		if (vendor == PCI_VENDOR_NVIDIA && read_hex(sr, devs[i], "class", &cls) == 0 &&
		    (cls >> 16) == PCI_CLASS_DISPLAY && ev->n_gpus < EV_MAX_LIST &&
		    read_hex(sr, devs[i], "device", &device) == 0) {
			struct ev_gpu *g = &ev->gpus[ev->n_gpus++];
			char *p = xasprintf("/sys/bus/pci/devices/%s", devs[i]);
			char *t = xasprintf("%s vendor 0x%04x device 0x%04x class 0x%06x driver %s",
					    devs[i], vendor, device, cls, drv ? drv : "(none)");
			snprintf(g->bdf, sizeof(g->bdf), "%s", devs[i]);
			g->vendor = vendor;
			g->device = device;
			g->class_ = cls;
			g->driver = drv ? xstrdup(drv) : NULL;
			g->nvidia_bound = drv && strcmp(drv, "nvidia") == 0;
			if (!drv) {
				/* The driver lists each GPU it drives here too. */
				char *q = xasprintf("/proc/driver/nvidia/gpus/%s", devs[i]);
				g->nvidia_bound = sysroot_exists(sr, q) == 1;
				free(q);
			}
			g->link_speed = read_attr(sr, devs[i], "current_link_speed");
			g->link_width = read_attr(sr, devs[i], "current_link_width");
			g->max_link_speed = read_attr(sr, devs[i], "max_link_speed");
			g->max_link_width = read_attr(sr, devs[i], "max_link_width");
			ev_item_set(&g->proof, devs[i], ev_intern(p), 0, t, strlen(t));
			free(p);
			free(t);
		}
		free(drv);
	}
	sysroot_list_free(devs, n);

	nv->name = nv->path = "/proc/driver/nvidia/version";
	{
		char *v = NULL;
		nv->err = sysroot_read_line(sr, nv->path, &v);
		if (nv->err == 0) {
			nv->present = true;
			ev_item_set(&ev->nv_version, v, nv->path, 1, v, strlen(v));
		}
		free(v);
	}
	if (sysroot_exists(sr, "/sys/module/nvidia") == 1)
		ev_item_set(&ev->nv_module, "loaded", "/sys/module/nvidia", 0, "/sys/module/nvidia", 18);
}
