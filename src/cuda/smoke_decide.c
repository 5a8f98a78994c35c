/* From recorded smoke steps to findings: which step failed first, what its
 * CUDA error means on a Xen dom0, and what to do next. Pure except for the
 * sysfs reads (through sysroot, so --root replays them). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_api.h"
#include "cuda/smoke_internal.h"
#include "evidence/sysroot.h"
#include "util/strbuf.h"

void smoke_bus_id_norm(const char *in, char *out, size_t len)
{
	unsigned dom = 0, bus, dev, fn;

	if (sscanf(in, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4 ||
	    (dom = 0, sscanf(in, "%x:%x.%x", &bus, &dev, &fn) == 3))
		snprintf(out, len, "%04x:%02x:%02x.%x", dom & 0xffff, bus & 0xff, dev & 0x1f,
			 fn & 0x7);
	else
		snprintf(out, len, "%s", in);
}

double smoke_pcie_gbs(int gen, int width)
{
	/* GT/s per lane times line-code efficiency, in GB/s per lane: 8b/10b
	 * for Gen1-2, 128b/130b for Gen3-5, FLIT (242/256) for Gen6. */
	static const double lane[] = { 0, 0.25, 0.5, 8 * 128.0 / 130 / 8, 16 * 128.0 / 130 / 8,
				       32 * 128.0 / 130 / 8, 64 * 242.0 / 256 / 8 };

	if (gen < 1 || gen > 6 || width < 1)
		return 0;
	return lane[gen] * width;
}

int smoke_pcie_gen_of_speed(const char *speed)
{
	static const struct { double gts; int gen; } map[] = {
		{ 2.5, 1 }, { 5, 2 }, { 8, 3 }, { 16, 4 }, { 32, 5 }, { 64, 6 },
	};
	char *end;
	double v = strtod(speed, &end);

	if (end == speed)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (v > map[i].gts - 0.1 && v < map[i].gts + 0.1)
			return map[i].gen;
	return 0;
}

static int read_int(struct sysroot *sr, const char *path)
{
	char *line = NULL;
	int v = 0;

	if (sysroot_read_line(sr, path, &line) == 0) {
		if (strstr(path, "speed"))
			v = smoke_pcie_gen_of_speed(line);
		else
			v = atoi(line);
	}
	free(line);
	return v;
}

/* sysfs first (works with --root), NVML where sysfs says nothing. */
static void pcie_facts(struct sysroot *sr, const struct smoke_nvml_info *nvml, struct smoke_gpu *g)
{
	struct smoke_pcie *p = &g->pcie;

	if (sr && g->bus_id[0]) {
		char *dir = xasprintf("/sys/bus/pci/devices/%s/", g->bus_id);
		char *path;

#define SYS(field, file) do { path = xasprintf("%s%s", dir, file); \
		p->field = read_int(sr, path); free(path); } while (0)
		SYS(gen, "current_link_speed");
		SYS(width, "current_link_width");
		SYS(max_gen, "max_link_speed");
		SYS(max_width, "max_link_width");
#undef SYS
		free(dir);
		if (p->gen && p->width)
			p->source = "sysfs";
	}
	for (int i = 0; !p->source && i < nvml->count && i < SMOKE_NVML_MAX; i++) {
		const struct smoke_nvml_dev *d = &nvml->dev[i];

		if (strcmp(d->bus_id, g->bus_id) != 0 || !d->gen || !d->width)
			continue;
		p->gen = (int)d->gen;
		p->width = (int)d->width;
		p->max_gen = (int)d->max_gen;
		p->max_width = (int)d->max_width;
		p->source = "nvml";
	}
	p->gbs = smoke_pcie_gbs(p->gen, p->width);
}

static void __attribute__((format(printf, 5, 6)))
add(struct smoke_result *res, const char *id, enum smoke_severity sev, int gpu, const char *fmt, ...)
{
	struct smoke_finding *f;
	va_list ap;

	if (res->nfindings >= SMOKE_MAX_FINDINGS)
		return;
	f = &res->findings[res->nfindings++];
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->severity = sev;
	f->gpu = gpu;
	va_start(ap, fmt);
	vsnprintf(f->summary, sizeof(f->summary), fmt, ap);
	va_end(ap);
}

static void hint(struct smoke_result *res, const char *text)
{
	if (res->nfindings)
		snprintf(res->findings[res->nfindings - 1].hint,
			 sizeof(res->findings[0].hint), "%s", text);
}

static const struct smoke_step *first_bad(const struct smoke_steps *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->v[i].status != SMOKE_PASS)
			return &ss->v[i];
	return NULL;
}

static void timeout_finding(struct smoke_result *res, const struct smoke_opts *opts, int gpu,
			    const struct smoke_step *st)
{
	if (gpu < 0)
		add(res, "CUDA_STEP_TIMEOUT", SMOKE_SEV_FAIL, -1,
		    "%s did not return within %.0f s", st->name, opts->step_timeout_s);
	else
		add(res, "CUDA_STEP_TIMEOUT", SMOKE_SEV_FAIL, gpu,
		    "GPU %d: step '%s' did not return within %.0f s", gpu, st->name,
		    opts->step_timeout_s);
	hint(res, "the driver is stuck in that call: dmesg shows NVRM/Xid errors; "
		  "`dom0cuda check` looks for known causes");
}

static void decide_init(const struct smoke_opts *opts, const struct smoke_init_info *init,
			struct smoke_result *res)
{
	const struct smoke_step *st = first_bad(&init->steps);

	if (!st)
		return;
	if (st->status == SMOKE_TIMEOUT) {
		timeout_finding(res, opts, -1, st);
	} else if (strcmp(st->name, "load libcuda") == 0 && st->cu_error == -ENOENT) {
		add(res, "NVIDIA_DRIVER_ABSENT", SMOKE_SEV_FAIL, -1,
		    "no NVIDIA driver: libcuda.so.1 cannot be loaded (%s)", st->detail);
		hint(res, "install the NVIDIA driver in dom0 (it provides libcuda.so.1); "
			  "`dom0cuda check` says what else the host needs");
	} else if (strcmp(st->name, "load libcuda") == 0) {
		if (init->cuda_version > 0)
			add(res, "CUDA_DRIVER_TOO_OLD", SMOKE_SEV_FAIL, -1,
			    "the NVIDIA driver is too old: %s (driver API %d.%d)", st->detail,
			    init->cuda_version / 1000, init->cuda_version % 1000 / 10);
		else
			add(res, "CUDA_DRIVER_TOO_OLD", SMOKE_SEV_FAIL, -1,
			    "the NVIDIA driver is too old or not NVIDIA's: %s", st->detail);
		hint(res, "smoke needs driver R450 (CUDA 11.0) or newer");
	} else if (st->cu_error == CUDA_ERROR_NO_DEVICE || strcmp(st->name, "devices") == 0) {
		add(res, "CUDA_NO_DEVICE", SMOKE_SEV_FAIL, -1,
		    "CUDA sees no GPU (%s%s%s)", st->detail, st->error[0] ? ": " : "", st->error);
		hint(res, "check `nvidia-smi`, CUDA_VISIBLE_DEVICES and dmesg (NVRM); "
			  "`dom0cuda check` says whether the GPU is hidden from dom0");
	} else {
		add(res, "CUDA_INIT_FAILED", SMOKE_SEV_FAIL, -1, "%s failed: %s (%d)", st->name,
		    st->error, st->cu_error);
		hint(res, "dmesg shows why the driver refused (NVRM lines); "
			  "`dom0cuda check` ties them to the hypervisor setup");
	}
}

/* What 801 on the first allocation means here: the Xen PV PAT layout. */
static void decide_801(struct sysroot *sr, struct smoke_result *res, int gpu)
{
	char *type = NULL, *guest = NULL;
	bool pv = false;

	if (sr && sysroot_read_line(sr, "/sys/hypervisor/type", &type) == 0 &&
	    sysroot_read_line(sr, "/sys/hypervisor/guest_type", &guest) == 0)
		pv = strcmp(type, "xen") == 0 && strcmp(guest, "PV") == 0;
	add(res, "NVRM_PAT_UNSUPPORTED", SMOKE_SEV_FAIL, gpu,
	    "GPU %d: CUDA_ERROR_NOT_SUPPORTED (801) on the first allocation: %s", gpu,
	    pv ? "dom0 is Xen PV, whose PAT layout the NVIDIA driver rejects"
	       : "what a Xen PV dom0 gives (the NVIDIA driver rejects its PAT layout)");
	hint(res, "dom0 is Xen PV; run `dom0cuda check`");
	free(type);
	free(guest);
}

static void decide_gpu(const struct smoke_opts *opts, struct sysroot *sr, struct smoke_result *res,
		       const struct smoke_gpu *g)
{
	const struct smoke_step *st = first_bad(&g->steps);

	if (!st && g->ok)
		return;
	if (!st) {
		add(res, "CUDA_STEP_FAILED", SMOKE_SEV_FAIL, g->index,
		    "GPU %d: the run stopped without naming a failed step", g->index);
	} else if (st->status == SMOKE_TIMEOUT) {
		timeout_finding(res, opts, g->index, st);
	} else if (strcmp(st->name, "alloc") == 0 && st->cu_error == CUDA_ERROR_NOT_SUPPORTED) {
		decide_801(sr, res, g->index);
	} else if (st->cu_error == 0) {
		add(res, "CUDA_VERIFY_FAILED", SMOKE_SEV_FAIL, g->index, "GPU %d: %s: %s",
		    g->index, st->name, st->detail);
		hint(res, "the GPU returned wrong data: dmesg shows Xid errors; "
			  "`nvidia-smi -q -d ECC` shows memory errors");
	} else {
		add(res, "CUDA_STEP_FAILED", SMOKE_SEV_FAIL, g->index,
		    "GPU %d: %s failed: %s (%d) in %s", g->index, st->name, st->error,
		    st->cu_error, st->detail);
		hint(res, "dmesg shows NVRM/Xid messages for this failure; "
			  "`dom0cuda check` ties them to the hypervisor setup");
	}
}

static void decide_nvml(const struct smoke_init_info *init, const struct smoke_nvml_info *nvml,
			struct smoke_result *res)
{
	const struct smoke_step *st = first_bad(&nvml->steps);
	const char *cvd = getenv("CUDA_VISIBLE_DEVICES");

	/* Without libcuda the NVML story adds nothing to "no driver". */
	if (init->steps.n && init->steps.v[0].status != SMOKE_PASS)
		return;
	if (st) {
		add(res, "NVML_UNAVAILABLE", SMOKE_SEV_INFO, -1,
		    "NVML %s: %s%s%s; no driver version or link facts from it", st->name,
		    st->detail, st->error[0] ? ": " : "", st->error);
		return;
	}
	if (init->count < 0 || nvml->count < 0 || init->count == nvml->count)
		return;
	if (cvd && *cvd) {
		add(res, "CUDA_VISIBLE_DEVICES", SMOKE_SEV_INFO, -1,
		    "CUDA_VISIBLE_DEVICES=%s: CUDA tests %d of the %d GPUs NVML sees", cvd,
		    init->count, nvml->count);
		return;
	}
	add(res, "CUDA_NVML_COUNT_MISMATCH", SMOKE_SEV_WARN, -1,
	    "CUDA sees %d GPU%s, NVML %d", init->count, init->count == 1 ? "" : "s", nvml->count);
	hint(res, "MIG mode or a GPU the CUDA driver cannot use: see `nvidia-smi -q` and dmesg");
}

void smoke_decide(const struct smoke_opts *opts, const struct smoke_init_info *init,
		  const struct smoke_nvml_info *nvml, struct smoke_result *res)
{
	struct sysroot sr;
	bool have_sr = sysroot_open(&sr, opts->root) == 0;
	bool ok = true;

	decide_init(opts, init, res);
	if (init->count > 0 && opts->device >= init->count) {
		add(res, "CUDA_DEVICE_ABSENT", SMOKE_SEV_FAIL, opts->device,
		    "there is no GPU %d: CUDA sees %d", opts->device, init->count);
		hint(res, "--device takes a CUDA ordinal from 0 (after CUDA_VISIBLE_DEVICES)");
	}
	for (size_t i = 0; i < res->ngpus; i++) {
		pcie_facts(have_sr ? &sr : NULL, nvml, &res->gpus[i]);
		decide_gpu(opts, have_sr ? &sr : NULL, res, &res->gpus[i]);
		ok = ok && res->gpus[i].ok;
	}
	decide_nvml(init, nvml, res);
	for (size_t i = 0; i < res->nfindings; i++)
		ok = ok && res->findings[i].severity != SMOKE_SEV_FAIL;
	res->ok = ok && res->ngpus > 0;
	if (have_sr)
		sysroot_close(&sr);
}
