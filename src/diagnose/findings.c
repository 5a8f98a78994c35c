#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose.h"
#include "diagnose/rules.h"
#include "util/strbuf.h"

const char *const finding_ids[] = {
	"NOT_XEN", "NOT_DOM0", "DOM0_PV", "DOM0_PVH", "NVIDIA_GPU_ABSENT", "NVIDIA_GPU_PRESENT",
	"NVIDIA_DRIVER_ABSENT", "NVIDIA_DRIVER_LOADED", "NVRM_PAT_UNSUPPORTED", "NVRM_ERROR",
	"PAT_LAYOUT_XEN_PV", "PAT_LAYOUT_NATIVE", "PAT_DISABLED", "XEN_IOMMU_DISABLED",
	"XEN_PARAM_INVALID", "XEN_NO_HVM", "XEN_NO_HAP", "IOMMU_HW_ABSENT", "XEN_PVH_EXPERIMENTAL",
	"KERNEL_NO_PVH", "XEN_NOREBOOT", "PCI_PASSTHROUGH_IN_USE", "ONESHOT_PENDING",
	"BOOT_CONFIG_UNSUPPORTED", "GPU_HIDDEN_FROM_DOM0", "EVIDENCE_MISSING", "EVIDENCE_PARTIAL",
	NULL,
};

bool finding_id_known(const char *id)
{
	for (size_t i = 0; finding_ids[i]; i++)
		if (strcmp(finding_ids[i], id) == 0)
			return true;
	return false;
}

struct finding *finding_add(struct findings *f, const char *id, enum severity sev, unsigned flags,
			    const char *fmt, ...)
{
	struct finding *fd;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	fd = &f->v[f->n++];
	memset(fd, 0, sizeof(*fd));
	fd->id = id;
	fd->sev = sev;
	fd->flags = flags;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	fd->summary = strbuf_detach(&sb);
	return fd;
}

void finding_hint(struct finding *fd, const char *hint)
{
	free(fd->hint);
	fd->hint = xstrdup(hint);
}

void finding_proof(struct finding *fd, const struct ev_item *it)
{
	if (!it || !it->found || fd->nproof >= FINDING_MAX_PROOF)
		return;
	for (size_t i = 0; i < fd->nproof; i++)
		if (fd->proof[i].source == it->source && fd->proof[i].line == it->line &&
		    strcmp(fd->proof[i].text, it->text) == 0)
			return;
	fd->proof[fd->nproof].source = it->source;
	fd->proof[fd->nproof].line = it->line;
	fd->proof[fd->nproof].text = it->text;
	fd->nproof++;
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].summary);
		free(f->v[i].hint);
	}
	free(f->v);
	free(f->reason);
	memset(f, 0, sizeof(*f));
}

const struct finding *findings_get(const struct findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].id, id) == 0)
			return &f->v[i];
	return NULL;
}

const char *severity_name(enum severity s)
{
	static const char *const names[] = { "pass", "info", "warn", "fail" };
	return names[s];
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "ready", "fixable", "blocked", "unknown" };
	return names[v];
}
