#include <stdio.h>
#include <string.h>

#include "render/render.h"

void render_findings_json(struct json_writer *jw, const struct findings *f)
{
	json_array_begin(jw, "findings");
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *fd = &f->v[i];
		json_object_begin(jw, NULL);
		json_string(jw, "id", fd->id);
		json_string(jw, "severity", severity_name(fd->sev));
		json_string(jw, "summary", fd->summary);
		json_array_begin(jw, "proof");
		for (size_t k = 0; k < fd->nproof; k++) {
			json_object_begin(jw, NULL);
			json_string(jw, "source", fd->proof[k].source);
			if (fd->proof[k].line > 0)
				json_int(jw, "line", fd->proof[k].line);
			else
				json_null(jw, "line");
			json_string(jw, "text", fd->proof[k].text);
			json_object_end(jw);
		}
		json_array_end(jw);
		json_string(jw, "hint", fd->hint);
		json_bool(jw, "accepted", fd->flags & FINDING_ACCEPTED);
		json_object_end(jw);
	}
	json_array_end(jw);
}

static void item(struct json_writer *jw, const char *key, const struct ev_item *it)
{
	json_string(jw, key, it->found ? it->value : NULL);
}

void render_host_json(struct json_writer *jw, const struct evidence *ev, const char *root)
{
	json_object_begin(jw, "host");
	json_string(jw, "root", root);
	item(jw, "hypervisor", &ev->hv_type);
	item(jw, "guest_type", &ev->guest_type);
	json_bool(jw, "dom0", ev->control_d.found);
	item(jw, "xen_version", &ev->xen_version);
	item(jw, "xen_commandline", ev->xen_commandline.found ? &ev->xen_commandline
						       : &ev->xen_console_cmdline);
	item(jw, "virt_caps", &ev->virt_caps);
	item(jw, "kernel", &ev->kernel_release);
	item(jw, "kernel_cmdline", &ev->cmdline);
	item(jw, "os", &ev->os_release);
	item(jw, "product", &ev->product);
	item(jw, "pat", &ev->pat);
	json_string(jw, "boot_mode", ev->efi ? "UEFI" : "BIOS");
	item(jw, "grub_cfg", &ev->grubcfg);
	item(jw, "nvidia_driver", &ev->nv_version);
	json_array_begin(jw, "gpus");
	for (size_t i = 0; i < ev->n_gpus; i++) {
		const struct ev_gpu *g = &ev->gpus[i];
		char id[16];
		json_object_begin(jw, NULL);
		json_string(jw, "pci", g->bdf);
		snprintf(id, sizeof(id), "%04x:%04x", g->vendor, g->device);
		json_string(jw, "id", id);
		json_string(jw, "driver", g->driver);
		json_string(jw, "link_speed", g->link_speed);
		json_string(jw, "link_width", g->link_width);
		json_object_end(jw);
	}
	json_array_end(jw);
	json_array_begin(jw, "sources");
	for (size_t i = 0; i < SRC__COUNT; i++) {
		const struct ev_source *s = &ev->src[i];
		if (!s->name)
			continue;
		json_object_begin(jw, NULL);
		json_string(jw, "name", s->name);
		json_string(jw, "path", s->path);
		json_bool(jw, "read", s->present);
		json_string(jw, "error", s->present || !s->err ? NULL : strerror(-s->err));
		json_string(jw, "note", s->note);
		json_object_end(jw);
	}
	json_array_end(jw);
	json_object_end(jw);
}

void render_check_json(struct strbuf *out, const struct evidence *ev, const struct findings *f,
		       const struct render_opts *o)
{
	struct json_writer jw;

	json_init(&jw, out);
	json_object_begin(&jw, NULL);
	json_string(&jw, "schema", "dom0cuda.check/1");
	json_string(&jw, "verdict", verdict_name(f->verdict));
	json_string(&jw, "reason", f->reason);
	render_host_json(&jw, ev, o->root);
	render_findings_json(&jw, f);
	json_string(&jw, "next", f->next);
	json_object_end(&jw);
}
