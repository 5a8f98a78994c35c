/* Text and JSON views of a smoke result. The text is for a person at a
 * console (one table per GPU, the findings, one verdict line); the JSON
 * (dom0cuda.smoke/1) is the interface for scripts and `verify`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/smoke.h"
#include "util/json.h"

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_OFF "\033[0m"

const char *smoke_status_name(enum smoke_status s)
{
	switch (s) {
	case SMOKE_PASS: return "pass";
	case SMOKE_FAIL: return "fail";
	case SMOKE_TIMEOUT: return "timeout";
	}
	return "?";
}

static const char *severity_name(enum smoke_severity s)
{
	switch (s) {
	case SMOKE_SEV_INFO: return "info";
	case SMOKE_SEV_WARN: return "warn";
	case SMOKE_SEV_FAIL: return "fail";
	}
	return "?";
}

static bool is_bandwidth(const struct smoke_step *st)
{
	return strncmp(st->name, "bandwidth ", 10) == 0 && st->status == SMOKE_PASS &&
	       strcmp(st->name, "bandwidth setup") != 0;
}

static void text_step(const struct smoke_step *st, const struct smoke_pcie *pcie, FILE *out,
		      bool color)
{
	const char *label = st->status == SMOKE_PASS ? "PASS" : st->status == SMOKE_FAIL ? "FAIL"
											: "TIMEOUT";
	const char *on = !color ? "" : st->status == SMOKE_PASS ? C_GREEN : C_RED;

	fprintf(out, "  %-26s %s%-7s%s %9.1f ms  ", st->name, on, label, color ? C_OFF : "", st->ms);
	if (is_bandwidth(st)) {
		fprintf(out, "H2D %5.1f GB/s  D2H %5.1f GB/s", st->h2d_gbs, st->d2h_gbs);
		if (pcie && pcie->gbs > 0)
			fprintf(out, "  (link %.1f GB/s: %.0f%% / %.0f%%)", pcie->gbs,
				100 * st->h2d_gbs / pcie->gbs, 100 * st->d2h_gbs / pcie->gbs);
		fputc('\n', out);
		return;
	}
	if (st->status != SMOKE_PASS && st->error[0] && st->cu_error > 0)
		fprintf(out, "%s (%d): ", st->error, st->cu_error);
	else if (st->status != SMOKE_PASS && st->error[0])
		fprintf(out, "%s: ", st->error);
	fprintf(out, "%s\n", st->detail);
}

static void text_pcie(const struct smoke_pcie *p, FILE *out)
{
	if (!p->source) {
		fputs("  PCIe link unknown", out);
		return;
	}
	fprintf(out, "  PCIe Gen%d x%d (%.1f GB/s", p->gen, p->width, p->gbs);
	if (p->max_gen && (p->max_gen != p->gen || p->max_width != p->width))
		fprintf(out, "; capable of Gen%d x%d", p->max_gen, p->max_width);
	fprintf(out, ", %s)", p->source);
}

void smoke_render_text(const struct smoke_result *res, FILE *out, bool color)
{
	size_t works = 0;

	fputs("CUDA smoke test", out);
	if (res->cuda_version)
		fprintf(out, ": driver API %d.%d", res->cuda_version / 1000,
			res->cuda_version % 1000 / 10);
	if (res->driver[0])
		fprintf(out, ", driver %s", res->driver);
	if (res->cuda_count >= 0)
		fprintf(out, ", CUDA sees %d GPU%s", res->cuda_count, res->cuda_count == 1 ? "" : "s");
	if (res->nvml_count >= 0)
		fprintf(out, " (NVML %d)", res->nvml_count);
	fputc('\n', out);
	for (size_t i = 0; i < res->init.n; i++)
		text_step(&res->init.v[i], NULL, out, color);
	for (size_t i = 0; i < res->nvml.n; i++)
		text_step(&res->nvml.v[i], NULL, out, color);

	for (size_t g = 0; g < res->ngpus; g++) {
		const struct smoke_gpu *gpu = &res->gpus[g];

		fprintf(out, "\nGPU %d: %s", gpu->index, gpu->name[0] ? gpu->name : "?");
		if (gpu->bus_id[0])
			fprintf(out, "  %s  %zu MiB  compute %d.%d", gpu->bus_id, gpu->mem_bytes >> 20,
				gpu->cc_major, gpu->cc_minor);
		text_pcie(&gpu->pcie, out);
		fputc('\n', out);
		fprintf(out, "  %-26s %-7s %12s  %s\n", "STEP", "RESULT", "TIME", "DETAIL");
		for (size_t i = 0; i < gpu->steps.n; i++)
			text_step(&gpu->steps.v[i], &gpu->pcie, out, color);
		works += gpu->ok;
	}

	if (res->nfindings)
		fputc('\n', out);
	for (size_t i = 0; i < res->nfindings; i++) {
		const struct smoke_finding *f = &res->findings[i];
		const char *on = !color ? "" : f->severity == SMOKE_SEV_FAIL ? C_RED
					   : f->severity == SMOKE_SEV_WARN ? C_YELLOW : "";

		fprintf(out, "%s%-4s%s %s: %s\n", on, f->severity == SMOKE_SEV_FAIL ? "FAIL"
						    : f->severity == SMOKE_SEV_WARN ? "WARN" : "INFO",
			color ? C_OFF : "", f->id, f->summary);
		if (f->hint[0])
			fprintf(out, "     next: %s\n", f->hint);
	}
	fputc('\n', out);
	if (res->ok)
		fprintf(out, "verdict: CUDA works on %zu of %zu GPU%s (%.2f s%s)\n", works,
			res->ngpus, res->ngpus == 1 ? "" : "s", res->total_ms / 1e3,
			res->quick ? ", quick" : "");
	else
		fprintf(out, "verdict: CUDA does not work%s%s (%.2f s)\n",
			res->nfindings ? ": " : "", res->nfindings ? res->findings[0].id : "",
			res->total_ms / 1e3);
}

static void json_steps(struct json_writer *jw, const char *key, const struct smoke_steps *ss)
{
	json_array_begin(jw, key);
	for (size_t i = 0; i < ss->n; i++) {
		const struct smoke_step *st = &ss->v[i];

		json_object_begin(jw, NULL);
		json_string(jw, "name", st->name);
		json_string(jw, "status", smoke_status_name(st->status));
		json_double(jw, "ms", st->ms, 3);
		if (st->status != SMOKE_PASS) {
			json_string(jw, "error", st->error);
			json_int(jw, "code", st->cu_error);
		}
		json_string(jw, "detail", st->detail);
		if (is_bandwidth(st)) {
			json_double(jw, "h2d_gbs", st->h2d_gbs, 2);
			json_double(jw, "d2h_gbs", st->d2h_gbs, 2);
		}
		json_object_end(jw);
	}
	json_array_end(jw);
}

static void json_gpu(struct json_writer *jw, const struct smoke_gpu *g)
{
	const struct smoke_pcie *p = &g->pcie;

	json_object_begin(jw, NULL);
	json_int(jw, "index", g->index);
	json_string(jw, "name", g->name);
	json_string(jw, "pci_bus_id", g->bus_id);
	json_int(jw, "memory_bytes", (long long)g->mem_bytes);
	json_int(jw, "cc_major", g->cc_major);
	json_int(jw, "cc_minor", g->cc_minor);
	json_bool(jw, "ok", g->ok);
	json_object_begin(jw, "pcie");
	json_string(jw, "source", p->source);
	json_int(jw, "gen", p->gen);
	json_int(jw, "width", p->width);
	json_int(jw, "max_gen", p->max_gen);
	json_int(jw, "max_width", p->max_width);
	json_double(jw, "link_gbs", p->gbs, 2);
	json_object_end(jw);
	json_steps(jw, "steps", &g->steps);
	json_object_end(jw);
}

void smoke_render_json(const struct smoke_result *res, struct strbuf *out)
{
	struct json_writer jw;
	const char *cvd = getenv("CUDA_VISIBLE_DEVICES");

	json_init(&jw, out);
	json_object_begin(&jw, NULL);
	json_string(&jw, "schema", SMOKE_SCHEMA);
	json_bool(&jw, "ok", res->ok);
	json_string(&jw, "verdict", res->ok ? "works" : "fails");
	json_bool(&jw, "quick", res->quick);
	json_int(&jw, "cuda_version", res->cuda_version);
	json_string(&jw, "driver", res->driver[0] ? res->driver : NULL);
	json_int(&jw, "cuda_device_count", res->cuda_count);
	json_int(&jw, "nvml_device_count", res->nvml_count);
	json_string(&jw, "cuda_visible_devices", cvd);
	json_double(&jw, "total_ms", res->total_ms, 3);
	json_steps(&jw, "init", &res->init);
	json_steps(&jw, "nvml", &res->nvml);
	json_array_begin(&jw, "gpus");
	for (size_t i = 0; i < res->ngpus; i++)
		json_gpu(&jw, &res->gpus[i]);
	json_array_end(&jw);
	json_array_begin(&jw, "findings");
	for (size_t i = 0; i < res->nfindings; i++) {
		const struct smoke_finding *f = &res->findings[i];

		json_object_begin(&jw, NULL);
		json_string(&jw, "id", f->id);
		json_string(&jw, "severity", severity_name(f->severity));
		if (f->gpu >= 0)
			json_int(&jw, "gpu", f->gpu);
		else
			json_null(&jw, "gpu");
		json_string(&jw, "summary", f->summary);
		json_string(&jw, "hint", f->hint[0] ? f->hint : NULL);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_object_end(&jw);
	strbuf_addch(out, '\n');
}
