/* dom0cuda report: an evidence bundle holding exactly what `check` reads.
 * check runs with a recorder on the sysroot; every path it read (and every
 * live command's output) is copied into DIR, plus meta.json; then DIR.tar.gz.
 * The directory is built as DIR.partial and renamed when complete. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/common.h"
#include "evidence/redact.h"
#include "util/exec.h"
#include "util/fdio.h"
#include "util/json.h"
#include "util/log.h"
#include "version.h"

const char cmd_report_usage[] =
	"usage: dom0cuda report [-o PATH] [--redact] [--no-tar] [--root DIR]\n"
	"\n"
	"Writes an evidence bundle: the directory PATH holding exactly the files\n"
	"and command outputs that `dom0cuda check` reads (sys/, proc/, boot/,\n"
	"commands/dmesg.txt, commands/xl-info.txt, commands/xl-dmesg.txt, ...) and\n"
	"meta.json, and PATH.tar.gz of it. `dom0cuda check --root PATH` replays it.\n"
	"\n"
	"  -o, --output PATH  bundle directory (default ./dom0cuda-report-HOST-YYYYmmdd-HHMMSS);\n"
	"                     must not exist\n"
	"  --redact           replace host names, serial numbers, UUIDs and MAC addresses\n"
	"                     (consistently: the same value gets the same stand-in)\n"
	"  --no-tar           only the directory\n";

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			r = -errno;
		*s = '/';
		if (r)
			break;
	}
	if (!r && mkdir(p, 0755) < 0 && errno != EEXIST)
		r = -errno;
	free(p);
	return r;
}

static int parent_dirs(const char *file)
{
	char *d = xstrdup(file);
	char *slash = strrchr(d, '/');
	int r = 0;

	if (slash) {
		*slash = '\0';
		r = mkdir_p(d);
	}
	free(d);
	return r;
}

/* Copies (and redacts) one recorded entry into the bundle. */
static int copy_entry(struct sysroot *sr, const struct sysroot_rec_entry *e, const char *dir,
		      struct redactor *rd)
{
	char *dst = xasprintf("%s/%s", dir, e->path);
	int r = 0, in = -1, out = -1;

	if (e->kind == REC_DIR) {
		r = mkdir_p(dst);
		goto done;
	}
	if ((r = parent_dirs(dst)) < 0)
		goto done;
	if (e->kind == REC_LINK) {
		if (symlink(e->data, dst) < 0 && errno != EEXIST)
			r = -errno;
		goto done;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out < 0) {
		/* A directory was recorded at this path first: it is a file after all. */
		r = errno == EEXIST ? 0 : -errno;
		goto done;
	}
	if (e->kind == REC_DATA) {
		r = redact_copy_buf(rd, e->data, e->len, out);
		goto done;
	}
	in = sysroot_openat(sr, e->path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (in < 0) {
		r = in;
		goto done;
	}
	r = redact_copy_fd(rd, in, out);
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		log_errno(r, "bundle: cannot copy %s to %s", e->path, dst);
	free(dst);
	return r;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

/* A bundle is complete or absent: a failed run removes its .partial tree. */
static void remove_tree(const char *dir)
{
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		log_errno(-errno, "cannot remove the incomplete bundle %s", dir);
}

static char *default_output(struct redactor *rd)
{
	char host[256] = "host";
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
		snprintf(host, sizeof(host), "host");
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	return xasprintf("dom0cuda-report-%s-%s", rd ? "redacted" : host, stamp);
}

static int write_meta(const char *dir, const struct ctx *ctx, bool redacted, const char *host,
		      const struct sysroot_rec *rec)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer jw;
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	char *path = xasprintf("%s/meta.json", dir);
	int fd, r;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_init(&jw, &sb);
	json_object_begin(&jw, NULL);
	json_string(&jw, "schema", "dom0cuda.report/1");
	json_string(&jw, "tool", "dom0cuda");
	json_string(&jw, "version", DOM0CUDA_VERSION);
	json_string(&jw, "time", stamp);
	json_array_begin(&jw, "argv");
	for (int i = 0; i < ctx->orig_argc; i++)
		json_string(&jw, NULL, ctx->orig_argv[i]);
	json_array_end(&jw);
	json_string(&jw, "hostname", redacted ? NULL : host);
	json_string(&jw, "root", ctx->root);
	json_bool(&jw, "redacted", redacted);
	json_array_begin(&jw, "files");
	for (size_t i = 0; i < rec->n; i++)
		if (rec->v[i].kind != REC_DIR)
			json_string(&jw, NULL, rec->v[i].path);
	json_array_end(&jw);
	json_object_end(&jw);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	r = fd < 0 ? -errno : fd_write_all(fd, sb.buf, sb.len);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		log_errno(r, "bundle: cannot write %s", path);
	free(path);
	strbuf_release(&sb);
	return r;
}

static int make_tarball(const char *dir)
{
	static const char *const tars[] = { "/usr/bin/tar", "/bin/tar", NULL };
	const char *tar = exec_find(tars);
	char *abs = realpath(dir, NULL);
	char *parent, *base, *tgz;
	struct strbuf out = STRBUF_INIT;
	int status = 0, r;

	if (!tar || !abs) {
		free(abs);
		log_warn("no tar program (looked in /usr/bin, /bin): bundle left as directory %s", dir);
		return 0;
	}
	base = strrchr(abs, '/') + 1;
	parent = xstrndup(abs, (size_t)(base - abs - 1));
	tgz = xasprintf("%s.tar.gz", abs);
	{
		const char *argv[] = { tar, "-czf", tgz, "-C", parent[0] ? parent : "/", base, NULL };
		r = exec_capture(argv, 120000, 1 << 20, &out, &status);
	}
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EIO;
	if (r < 0)
		log_errno(r, "tar of %s failed; the directory bundle is complete", dir);
	else
		log_info("bundle: %s and %s", dir, tgz);
	strbuf_release(&out);
	free(tgz);
	free(parent);
	free(abs);
	return r;
}

int cmd_report(int argc, char **argv, struct ctx *ctx)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "redact", no_argument, NULL, 'r' },
		{ "no-tar", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sysroot_rec rec = { 0 };
	struct redactor *rd = NULL;
	const char *output = NULL;
	char *out_dir = NULL, *partial = NULL;
	bool redact = false, tar = true;
	struct sysroot sr;
	struct evidence ev;
	struct findings f;
	char host[256] = "";
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'r': redact = true; break;
		case 't': tar = false; break;
		default:
			fprintf(stderr, "%s", cmd_report_usage);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("report takes no arguments ('%s'); use -o PATH", argv[optind]);
		return EXIT_USAGE;
	}
	if ((r = cmd_open_root(ctx, &sr)))
		return r;
	sr.rec = &rec;
	if (sr.live)
		gethostname(host, sizeof(host) - 1);
	if (redact)
		rd = redactor_new(host[0] ? host : NULL);
	cmd_diagnose(&sr, NULL, &ev, &f);
	if (rd)
		redactor_learn_evidence(rd, &ev);

	out_dir = output ? xstrdup(output) : default_output(rd);
	partial = xasprintf("%s.partial", out_dir);
	if (access(out_dir, F_OK) == 0) {
		log_error("%s already exists: choose another -o PATH", out_dir);
		r = EXIT_CANTCREAT;
		goto out;
	}
	/* The bundle holds root-only logs (dmesg_restrict): only its owner reads it. */
	if (mkdir(partial, 0700) < 0) {
		log_errno(-errno, "cannot create bundle directory %s", partial);
		r = EXIT_CANTCREAT;
		goto out;
	}
	for (size_t i = 0; i < rec.n; i++)
		if (copy_entry(&sr, &rec.v[i], partial, rd) < 0)
			log_warn("bundle: %s left out", rec.v[i].path);
	if (write_meta(partial, ctx, redact, host, &rec) < 0 || rename(partial, out_dir) < 0) {
		log_errno(-errno, "cannot complete bundle %s", out_dir);
		remove_tree(partial);
		r = EXIT_CANTCREAT;
		goto out;
	}
	r = 0;
	if (tar)
		make_tarball(out_dir);
	else
		log_info("bundle: %s", out_dir);
	if (ctx->json) {
		struct strbuf sb = STRBUF_INIT;
		struct json_writer jw;
		json_init(&jw, &sb);
		json_object_begin(&jw, NULL);
		json_string(&jw, "schema", "dom0cuda.report/1");
		json_string(&jw, "bundle", out_dir);
		json_string(&jw, "verdict", verdict_name(f.verdict));
		json_int(&jw, "files", (long long)rec.n);
		json_object_end(&jw);
		r = cmd_emit(ctx, &sb);
		strbuf_release(&sb);
	}
out:
	free(partial);
	free(out_dir);
	redactor_free(rd);
	findings_free(&f);
	evidence_free(&ev);
	sr.rec = NULL;
	sysroot_close(&sr);
	for (size_t i = 0; i < rec.n; i++) {
		free(rec.v[i].path);
		free(rec.v[i].data);
	}
	free(rec.v);
	return r;
}
