/* Test double of libnvidia-ml.so.1 (see fake_cuda.c): a test instrument.
 * D0C_FAKE_NVML_GPUS=N GPUs (default: D0C_FAKE_GPUS, default 1; NVML ignores
 * CUDA_VISIBLE_DEVICES, as the real one does); D0C_FAKE_NVML=fail makes
 * nvmlInit return NVML_ERROR_DRIVER_NOT_LOADED. Links are PCIe Gen4 x16. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

struct pci_info {
	char busIdLegacy[16];
	unsigned domain, bus, device, pciDeviceId, pciSubSystemId;
	char busId[32];
};

static unsigned count(void)
{
	const char *n = getenv("D0C_FAKE_NVML_GPUS");

	if (!n)
		n = getenv("D0C_FAKE_GPUS");
	return n ? (unsigned)atoi(n) : 1;
}

EXPORT int nvmlInit_v2(void)
{
	const char *m = getenv("D0C_FAKE_NVML");

	return m && strcmp(m, "fail") == 0 ? 9 : 0;
}

EXPORT int nvmlShutdown(void) { return 0; }

EXPORT const char *nvmlErrorString(int e)
{
	return e == 9 ? "Driver Not Loaded" : e ? "Unknown Error" : "Success";
}

EXPORT int nvmlSystemGetDriverVersion(char *s, unsigned len)
{
	snprintf(s, len, "0.0.0-test-double");
	return 0;
}

EXPORT int nvmlDeviceGetCount_v2(unsigned *n)
{
	*n = count();
	return 0;
}

EXPORT int nvmlDeviceGetHandleByIndex_v2(unsigned i, void **h)
{
	if (i >= count())
		return 2; /* NVML_ERROR_INVALID_ARGUMENT */
	*h = (void *)(unsigned long)(i + 1);
	return 0;
}

static unsigned index_of(void *h)
{
	return (unsigned)((unsigned long)h - 1);
}

EXPORT int nvmlDeviceGetName(void *h, char *s, unsigned len)
{
	snprintf(s, len, "Fake GPU %u (test double)", index_of(h));
	return 0;
}

EXPORT int nvmlDeviceGetPciInfo_v3(void *h, struct pci_info *p)
{
	memset(p, 0, sizeof(*p));
	p->bus = 0x3b + index_of(h);
	snprintf(p->busId, sizeof(p->busId), "00000000:%02X:00.0", p->bus);
	return 0;
}

static int link(unsigned *v, unsigned val)
{
	*v = val;
	return 0;
}

EXPORT int nvmlDeviceGetCurrPcieLinkGeneration(void *h, unsigned *v) { (void)h; return link(v, 4); }
EXPORT int nvmlDeviceGetCurrPcieLinkWidth(void *h, unsigned *v) { (void)h; return link(v, 16); }
EXPORT int nvmlDeviceGetMaxPcieLinkGeneration(void *h, unsigned *v) { (void)h; return link(v, 4); }
EXPORT int nvmlDeviceGetMaxPcieLinkWidth(void *h, unsigned *v) { (void)h; return link(v, 16); }
