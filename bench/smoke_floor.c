/* Driver floor for bench/smoke.sh: the least a CUDA program can do before
 * its first real work (dlopen libcuda, cuInit, retain device 0's primary
 * context), so `dom0cuda smoke --quick` can be compared with it. */
#include <dlfcn.h>
#include <stdio.h>

typedef int (*init_fn)(unsigned);
typedef int (*get_fn)(int *, int);
typedef int (*retain_fn)(void **, int);

int main(void)
{
	void *h = dlopen("libcuda.so.1", RTLD_NOW);
	init_fn init;
	get_fn get;
	retain_fn retain;
	void *ctx;
	int dev;

	if (!h)
		return 2;
	*(void **)&init = dlsym(h, "cuInit");
	*(void **)&get = dlsym(h, "cuDeviceGet");
	*(void **)&retain = dlsym(h, "cuDevicePrimaryCtxRetain");
	if (!init || !get || !retain || init(0) || get(&dev, 0) || retain(&ctx, dev)) {
		fputs("floor: CUDA failed\n", stderr);
		return 2;
	}
	return 0;
}
