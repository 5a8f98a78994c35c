/* smoke: prove that CUDA does real work on this host's GPUs, name the first
 * step that fails with its CUDA error, and measure PCIe bandwidth.
 *
 * Library use (verify does this):
 *
 *	struct smoke_opts o = SMOKE_OPTS_INIT;
 *	struct smoke_result r;
 *	o.quick = true;
 *	smoke_run(&o, &r);            // never fails as a call: failures are in r
 *	if (!r.ok) ... r.findings[0].id, .summary, .hint ...
 *	smoke_render_text(&r, &o, stdout, color) or smoke_render_json(&r, &o, &sb);
 *	smoke_result_free(&r);
 *
 * Steps: "load libcuda", "cuInit", "devices" (once), "load libnvidia-ml",
 * "nvml" (once, in parallel with cuInit; optional), then per GPU, one thread
 * each: "properties", "context", "alloc", "copy", "kernel", and without
 * quick "bandwidth pinned", "bandwidth write-combined", "bandwidth pageable",
 * "teardown". Quick leaves the context to process exit: that is what makes
 * the verdict cost little more than cuInit + a context.
 *
 * A step that runs past opts.step_timeout_s is abandoned and named (status
 * SMOKE_TIMEOUT): its thread is left blocked in the driver and the memory it
 * owns is deliberately not freed, so the caller must return to main and exit
 * soon after. Results from the test double in tests/cudadouble are
 * recognisable by their GPU names ("... (test double)"). */
#ifndef DOM0CUDA_SMOKE_H
#define DOM0CUDA_SMOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/strbuf.h"

#define SMOKE_SCHEMA "dom0cuda.smoke/1"
#define SMOKE_MAX_STEPS 12
#define SMOKE_MAX_FINDINGS 24
#define SMOKE_ALLOC_BYTES (64u << 20)

struct smoke_opts {
	bool quick;            /* stop after the kernel check */
	int device;            /* CUDA ordinal, or -1 for every GPU in parallel */
	size_t size;           /* bandwidth transfer size in bytes */
	int reps;              /* bandwidth: best of this many timed runs */
	double step_timeout_s; /* a step running longer is abandoned and named */
	const char *root;      /* sysfs for PCIe link facts and the hypervisor type */
	bool progress;         /* progress lines on stderr (a TTY) during bandwidth */
};

#define SMOKE_OPTS_INIT { .quick = false, .device = -1, .size = 64u << 20, .reps = 5, \
			  .step_timeout_s = 30.0, .root = "/", .progress = false }

enum smoke_status { SMOKE_PASS, SMOKE_FAIL, SMOKE_TIMEOUT };

struct smoke_step {
	const char *name;     /* static string, stable: JSON users match on it */
	enum smoke_status status;
	double ms;
	int cu_error;         /* CUresult or nvmlReturn_t of the failing call; 0 */
	char error[48];       /* "CUDA_ERROR_NOT_SUPPORTED" or "" */
	char detail[160];     /* what was done or what went wrong */
	double h2d_gbs, d2h_gbs; /* bandwidth steps only */
};

struct smoke_steps {
	struct smoke_step v[SMOKE_MAX_STEPS];
	size_t n;
};

struct smoke_pcie {
	int gen, width, max_gen, max_width; /* 0: unknown */
	double gbs;           /* theoretical one-direction rate of gen x width */
	const char *source;   /* "sysfs", "nvml" or NULL */
};

struct smoke_gpu {
	int index;            /* CUDA ordinal (after CUDA_VISIBLE_DEVICES) */
	char name[96];
	char bus_id[32];      /* "0000:3b:00.0", lower case as in sysfs */
	size_t mem_bytes;
	int cc_major, cc_minor;
	struct smoke_pcie pcie;
	struct smoke_steps steps;
	bool ok;
};

enum smoke_severity { SMOKE_SEV_INFO, SMOKE_SEV_WARN, SMOKE_SEV_FAIL };

struct smoke_finding {
	char id[32];          /* NVIDIA_DRIVER_ABSENT, NVRM_PAT_UNSUPPORTED, CUDA_STEP_FAILED... */
	enum smoke_severity severity;
	int gpu;              /* CUDA ordinal, -1 for the host */
	char summary[256];
	char hint[192];
};

struct smoke_result {
	bool ok;              /* CUDA works on every GPU tested (and there is one) */
	bool quick;
	int cuda_version;     /* cuDriverGetVersion, 0 unknown */
	char driver[32];      /* NVML's driver version, "" unknown */
	int cuda_count;       /* -1 unknown */
	int nvml_count;       /* -1 unknown */
	struct smoke_steps init;  /* load libcuda, cuInit, devices */
	struct smoke_steps nvml;  /* load libnvidia-ml, nvml */
	struct smoke_gpu *gpus;   /* the GPUs tested */
	size_t ngpus;
	struct smoke_finding findings[SMOKE_MAX_FINDINGS];
	size_t nfindings;
	double total_ms;
};

/* Runs the steps; fills res (free it with smoke_result_free). Returns 0, or
 * -EINVAL for opts out of range. Every CUDA failure is a finding in res. */
int smoke_run(const struct smoke_opts *opts, struct smoke_result *res);
void smoke_result_free(struct smoke_result *res);

/* One table per GPU: step, result, time; findings with hints; a verdict line. */
void smoke_render_text(const struct smoke_result *res, FILE *out, bool color);
/* The dom0cuda.smoke/1 document, newline-terminated. */
void smoke_render_json(const struct smoke_result *res, struct strbuf *out);

const char *smoke_status_name(enum smoke_status s);

#endif
