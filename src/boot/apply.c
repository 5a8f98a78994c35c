#include "boot/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/json.h"
#include "util/jsonread.h"
#include "util/log.h"
#include "util/sha256.h"

#define CFG_MAX (4u << 20)
#define STATE_MAX (1u << 20)

void boot_timestamp(char *buf, size_t len, bool compact)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (sde && *sde && strspn(sde, "0123456789") == strlen(sde))
		t = (time_t)strtoll(sde, NULL, 10);
	gmtime_r(&t, &tm);
	strftime(buf, len, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void sha(const struct strbuf *sb, char hex[SHA256_HEX_LEN + 1])
{
	sha256_hex(sb->buf ? sb->buf : "", sb->len, hex);
}

/* The mount whose directory holds path, as "dev fstype". */
char *boot_env_unsafe(const char *mounts, const char *path)
{
	size_t best = 0;
	char *dev = NULL, *fs = NULL, *why = NULL;

	for (const char *l = mounts; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = xstrndup(l, n), *save = NULL;
		char *d = strtok_r(line, " ", &save), *m = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);

		if (d && m && t) {
			size_t ml = strlen(m);

			if (strcmp(m, "/") == 0)
				ml = 0;
			if ((ml == 0 || (strncmp(path, m, ml) == 0 && path[ml] == '/')) && (ml >= best || !dev)) {
				best = ml;
				free(dev);
				free(fs);
				dev = xstrdup(d);
				fs = xstrdup(t);
			}
		}
		free(line);
		l += n + (l[n] == '\n');
	}
	if (fs && (strcmp(fs, "btrfs") == 0 || strcmp(fs, "zfs") == 0))
		why = xasprintf("%s is on %s (%s): GRUB cannot write its environment block there, so a one-shot boot would never be cleared",
				path, fs, dev);
	else if (dev && (strncmp(dev, "/dev/mapper/", 12) == 0 || strncmp(dev, "/dev/md", 7) == 0 ||
			 strncmp(dev, "/dev/dm-", 8) == 0))
		why = xasprintf("%s is on %s (LVM, RAID or encrypted): GRUB cannot write its environment block through it, so a one-shot boot would never be cleared",
				path, dev);
	free(dev);
	free(fs);
	return why;
}

static int load(struct sysroot *sr, bool efi, struct boot_files *bf, struct strbuf *why,
		enum boot_err *kind)
{
	static const char *const uefi[] = { "/boot/efi/EFI/xenserver/grub.cfg", NULL };
	static const char *const bios[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", NULL };
	const char *const *cand = efi ? uefi : bios;
	const char *const *other = efi ? bios : uefi;
	struct strbuf err = STRBUF_INIT;
	char *msg = NULL;
	int r = -ENOENT;

	memset(bf, 0, sizeof(*bf));
	bf->root.fd = sr->dirfd;
	bf->root.live = sr->live;
	*kind = BOOT_ERR_NONE;
	for (size_t i = 0; cand[i]; i++) {
		r = safe_read(&bf->root, cand[i], CFG_MAX, &bf->cfg_bytes, NULL);
		if (r != -ENOENT) {
			bf->cfg_path = xstrdup(cand[i]);
			/* BIOS: a second, different grub.cfg leaves open which one the
			 * installed GRUB reads (its prefix); do not guess. */
			for (size_t k = i + 1; r == 0 && cand[k]; k++) {
				struct strbuf tmp = STRBUF_INIT;
				bool differ = safe_read(&bf->root, cand[k], CFG_MAX, &tmp, NULL) == 0 &&
					      (tmp.len != bf->cfg_bytes.len ||
					       memcmp(strbuf_str(&tmp), strbuf_str(&bf->cfg_bytes), tmp.len) != 0);

				strbuf_release(&tmp);
				if (differ) {
					*kind = BOOT_ERR_DATA;
					strbuf_addf(why, "the boot configuration is ambiguous: %s and %s both exist and differ, and which one GRUB reads depends on how it was installed; remove the stale one (or make it identical), then run dom0cuda again",
						    cand[i], cand[k]);
					return -EINVAL;
				}
			}
			break;
		}
	}
	for (size_t i = 0; other[i] && !bf->stale; i++) {
		struct strbuf tmp = STRBUF_INIT;

		if (safe_read(&bf->root, other[i], CFG_MAX, &tmp, NULL) == 0)
			bf->stale = xstrdup(other[i]);
		strbuf_release(&tmp);
	}
	if (r == -ENOENT) {
		*kind = BOOT_ERR_NOINPUT;
		strbuf_addf(why, "no grub.cfg for this %s boot (looked at %s%s%s)%s%s%s", efi ? "UEFI" : "BIOS",
			    cand[0], cand[1] ? ", " : "", cand[1] ? cand[1] : "",
			    bf->stale ? "; " : "", bf->stale ? bf->stale : "",
			    bf->stale ? " exists but is for the other boot mode, so GRUB does not read it" : "");
		return r;
	}
	if (r < 0) {
		*kind = BOOT_ERR_IO;
		strbuf_addf(why, "cannot read %s: %s", bf->cfg_path, safe_strerror(r));
		return r;
	}
	r = grubcfg_parse(bf->cfg_path, bf->cfg_bytes.buf ? bf->cfg_bytes.buf : "", bf->cfg_bytes.len,
			  &bf->cfg, &err);
	if (r < 0) {
		*kind = BOOT_ERR_DATA;
		strbuf_addf(why, "%s", strbuf_str(&err));
		strbuf_release(&err);
		return r;
	}
	strbuf_release(&err);
	{
		const char *slash = strrchr(bf->cfg_path, '/');

		bf->env_path = xasprintf("%.*s/grubenv", (int)(slash - bf->cfg_path), bf->cfg_path);
	}
	{
		/* A live host's table, or a capture's proc/mounts; none: no verdict. */
		struct strbuf mounts = STRBUF_INIT;

		if (sysroot_read(sr, sr->live ? "/proc/self/mounts" : "/proc/mounts", 1u << 20, &mounts) == 0)
			bf->env_unsafe = boot_env_unsafe(strbuf_str(&mounts), bf->env_path);
		strbuf_release(&mounts);
	}
	grubenv_init(&bf->env);
	r = safe_read(&bf->root, bf->env_path, 65536, &bf->env_bytes, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		*kind = BOOT_ERR_IO;
		strbuf_addf(why, "cannot read %s: %s", bf->env_path, safe_strerror(r));
		return r;
	}
	bf->env_exists = true;
	r = grubenv_parse(bf->env_bytes.buf ? bf->env_bytes.buf : "", bf->env_bytes.len, &bf->env, &msg);
	if (r < 0) {
		*kind = BOOT_ERR_DATA;
		strbuf_addf(why, "%s:%s; GRUB would ignore it, so a one-shot boot cannot be armed. "
			    "Recreate it with `grub-editenv %s create` after checking what it held",
			    bf->env_path, msg, bf->env_path);
		free(msg);
		return r;
	}
	return 0;
}

int boot_files_load(struct sysroot *sr, bool efi, struct boot_files *bf, struct strbuf *why,
		    enum boot_err *kind)
{
	int r = load(sr, efi, bf, why, kind);

	if (r < 0)
		boot_files_free(bf);
	return r;
}

void boot_files_free(struct boot_files *bf)
{
	free(bf->cfg_path);
	free(bf->env_path);
	free(bf->stale);
	free(bf->env_unsafe);
	strbuf_release(&bf->cfg_bytes);
	strbuf_release(&bf->env_bytes);
	grubcfg_free(&bf->cfg);
	grubenv_free(&bf->env);
	memset(bf, 0, sizeof(*bf));
}

/* The journal in memory. */
struct jfile {
	char *path, *backup, *sha_orig, *sha_cur;
	bool existed;
};

struct jenv {
	char *file, *name, *old, *new_;
};

struct jhist {
	char *verb, *time;
};

struct journal {
	char *stage;
	struct jfile *f;
	size_t nf;
	struct jenv *e;
	size_t ne;
	struct jhist *h;
	size_t nh;
};

static char *dupnull(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->nf; i++) {
		free(j->f[i].path);
		free(j->f[i].backup);
		free(j->f[i].sha_orig);
		free(j->f[i].sha_cur);
	}
	for (size_t i = 0; i < j->ne; i++) {
		free(j->e[i].file);
		free(j->e[i].name);
		free(j->e[i].old);
		free(j->e[i].new_);
	}
	for (size_t i = 0; i < j->nh; i++) {
		free(j->h[i].verb);
		free(j->h[i].time);
	}
	free(j->f);
	free(j->e);
	free(j->h);
	free(j->stage);
	memset(j, 0, sizeof(*j));
}

/* 0 (j empty when there is no journal) or -errno with why. */
static int journal_read(const struct safe_root *root, struct journal *j, bool *found, struct strbuf *why)
{
	struct strbuf sb = STRBUF_INIT;
	struct jv doc, *a;
	size_t at = 0;
	int r;

	memset(j, 0, sizeof(*j));
	*found = false;
	r = safe_read(root, STATE_PATH, STATE_MAX, &sb, NULL);
	if (r == -ENOENT) {
		strbuf_release(&sb);
		return 0;
	}
	if (r < 0) {
		strbuf_addf(why, "cannot read %s: %s", STATE_PATH, safe_strerror(r));
		strbuf_release(&sb);
		return r;
	}
	r = jv_parse(sb.buf ? sb.buf : "", sb.len, &doc, &at);
	strbuf_release(&sb);
	if (r < 0 || !jv_str(&doc, "schema") || strcmp(jv_str(&doc, "schema"), "dom0cuda.state/1") != 0) {
		if (r == 0)
			jv_free(&doc);
		strbuf_addf(why, "%s is not a dom0cuda.state/1 journal (byte %zu); restore from %s by hand",
			    STATE_PATH, at, BACKUP_DIR);
		return -EINVAL;
	}
	*found = true;
	j->stage = dupnull(jv_str(&doc, "stage"));
	a = (struct jv *)jv_get(&doc, "files");
	for (size_t i = 0; a && a->kind == JV_ARR && i < a->n; i++) {
		const struct jv *o = &a->v[i];
		const struct jv *ex = jv_get(o, "existed");

		if (!jv_str(o, "path"))
			continue;
		j->f = xrealloc(j->f, (j->nf + 1) * sizeof(*j->f));
		j->f[j->nf++] = (struct jfile){ xstrdup(jv_str(o, "path")), dupnull(jv_str(o, "backup")),
						dupnull(jv_str(o, "sha256_original")),
						dupnull(jv_str(o, "sha256_current")),
						ex && ex->kind == JV_BOOL && ex->b };
	}
	a = (struct jv *)jv_get(&doc, "env");
	for (size_t i = 0; a && a->kind == JV_ARR && i < a->n; i++) {
		const struct jv *o = &a->v[i];

		if (!jv_str(o, "file") || !jv_str(o, "name"))
			continue;
		j->e = xrealloc(j->e, (j->ne + 1) * sizeof(*j->e));
		j->e[j->ne++] = (struct jenv){ xstrdup(jv_str(o, "file")), xstrdup(jv_str(o, "name")),
					       dupnull(jv_str(o, "old")), dupnull(jv_str(o, "new")) };
	}
	a = (struct jv *)jv_get(&doc, "history");
	for (size_t i = 0; a && a->kind == JV_ARR && i < a->n; i++) {
		const struct jv *o = &a->v[i];

		j->h = xrealloc(j->h, (j->nh + 1) * sizeof(*j->h));
		j->h[j->nh++] = (struct jhist){ dupnull(jv_str(o, "verb")), dupnull(jv_str(o, "time")) };
	}
	jv_free(&doc);
	return 0;
}

static int journal_write(const struct safe_root *root, const struct journal *j)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer jw;
	int r;

	json_init(&jw, &sb);
	json_object_begin(&jw, NULL);
	json_string(&jw, "schema", "dom0cuda.state/1");
	json_string(&jw, "stage", j->stage);
	json_array_begin(&jw, "files");
	for (size_t i = 0; i < j->nf; i++) {
		json_object_begin(&jw, NULL);
		json_string(&jw, "path", j->f[i].path);
		json_bool(&jw, "existed", j->f[i].existed);
		json_string(&jw, "backup", j->f[i].backup);
		json_string(&jw, "sha256_original", j->f[i].sha_orig);
		json_string(&jw, "sha256_current", j->f[i].sha_cur);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_array_begin(&jw, "env");
	for (size_t i = 0; i < j->ne; i++) {
		json_object_begin(&jw, NULL);
		json_string(&jw, "file", j->e[i].file);
		json_string(&jw, "name", j->e[i].name);
		json_string(&jw, "old", j->e[i].old);
		json_string(&jw, "new", j->e[i].new_);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_array_begin(&jw, "history");
	for (size_t i = 0; i < j->nh; i++) {
		json_object_begin(&jw, NULL);
		json_string(&jw, "verb", j->h[i].verb);
		json_string(&jw, "time", j->h[i].time);
		json_object_end(&jw);
	}
	json_array_end(&jw);
	json_object_end(&jw);
	strbuf_addch(&sb, '\n');
	r = safe_write(root, STATE_PATH, sb.buf, sb.len, 0600, SAFE_MKDIR);
	strbuf_release(&sb);
	return r;
}

/* Records that path changes from old (NULL: absent) to new bytes, taking a
 * backup the first time dom0cuda touches it. */
static int journal_track(const struct safe_root *root, struct journal *j, const char *path,
			 const struct strbuf *old, bool existed, const char *newhex, struct strbuf *why)
{
	struct jfile *f = NULL;
	char hex[SHA256_HEX_LEN + 1], stamp[32];
	int r;

	for (size_t i = 0; i < j->nf && !f; i++)
		if (strcmp(j->f[i].path, path) == 0)
			f = &j->f[i];
	if (!f) {
		j->f = xrealloc(j->f, (j->nf + 1) * sizeof(*j->f));
		f = &j->f[j->nf++];
		memset(f, 0, sizeof(*f));
		f->path = xstrdup(path);
		f->existed = existed;
		if (existed) {
			char *flat = xstrdup(path + strspn(path, "/"));

			for (char *c = flat; *c; c++)
				if (*c == '/')
					*c = '_';
			boot_timestamp(stamp, sizeof(stamp), true);
			f->backup = xasprintf(BACKUP_DIR "/%s-%s", stamp, flat);
			free(flat);
			sha(old, hex);
			f->sha_orig = xstrdup(hex);
			r = safe_write(root, f->backup, old->buf ? old->buf : "", old->len, 0600, SAFE_MKDIR);
			if (r < 0) {
				strbuf_addf(why, "cannot write the backup %s: %s", f->backup, safe_strerror(r));
				return r;
			}
		}
	}
	free(f->sha_cur);
	f->sha_cur = xstrdup(newhex);
	return 0;
}

int boot_commit(struct boot_files *bf, const struct boot_change *ch, const char *verb,
		struct strbuf *why)
{
	struct journal j;
	struct strbuf envout = STRBUF_INIT;
	struct strbuf newcfg = STRBUF_INIT;
	char hex[SHA256_HEX_LEN + 1], stamp[32];
	bool found;
	int r;

	r = journal_read(&bf->root, &j, &found, why);
	if (r < 0)
		return r;
	if (ch->cfg) {
		strbuf_add(&newcfg, ch->cfg, ch->cfg_len);
		sha(&newcfg, hex);
		r = journal_track(&bf->root, &j, bf->cfg_path, &bf->cfg_bytes, true, hex, why);
		if (r < 0)
			goto out;
	}
	if (ch->nenv) {
		struct grubenv env;
		char *msg = NULL;

		/* A fresh copy of the block, so bf->env keeps the old state. */
		if (bf->env_exists)
			grubenv_parse(bf->env_bytes.buf, bf->env_bytes.len, &env, &msg);
		else
			grubenv_init(&env);
		free(msg);
		boot_change_apply_env(ch, &env);
		r = grubenv_format(&env, &envout);
		grubenv_free(&env);
		if (r < 0) {
			strbuf_addf(why, "%s: the new variables do not fit in the 1024-byte block", bf->env_path);
			goto out;
		}
		sha(&envout, hex);
		r = journal_track(&bf->root, &j, bf->env_path, &bf->env_bytes, bf->env_exists, hex, why);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < ch->nenv; i++) {
			j.e = xrealloc(j.e, (j.ne + 1) * sizeof(*j.e));
			j.e[j.ne++] = (struct jenv){ xstrdup(bf->env_path), xstrdup(ch->env[i].name),
						     dupnull(ch->env[i].old), dupnull(ch->env[i].new_) };
		}
	}
	boot_timestamp(stamp, sizeof(stamp), false);
	j.h = xrealloc(j.h, (j.nh + 1) * sizeof(*j.h));
	j.h[j.nh++] = (struct jhist){ xstrdup(verb), xstrdup(stamp) };
	free(j.stage);
	j.stage = xstrdup(verb);
	/* Intent first: a crash after this leaves files the journal can undo. */
	r = journal_write(&bf->root, &j);
	if (r < 0) {
		strbuf_addf(why, "cannot write the state journal %s: %s", STATE_PATH, safe_strerror(r));
		goto out;
	}
	if (ch->cfg) {
		r = safe_write(&bf->root, bf->cfg_path, ch->cfg, ch->cfg_len, 0644, 0);
		if (r < 0) {
			strbuf_addf(why, "cannot write %s: %s (it is unchanged, unless only the final sync of its directory failed; `dom0cuda rollback` puts back the original either way)",
				    bf->cfg_path, safe_strerror(r));
			goto out;
		}
	}
	if (ch->nenv) {
		r = safe_write(&bf->root, bf->env_path, envout.buf, envout.len, 0644, 0);
		if (r < 0)
			strbuf_addf(why, "cannot write %s: %s (it is unchanged, unless only the final sync of its directory failed; `dom0cuda rollback` undoes the rest)",
				    bf->env_path, safe_strerror(r));
	}
out:
	strbuf_release(&envout);
	strbuf_release(&newcfg);
	journal_free(&j);
	return r;
}

static bool is_env_file(const char *path)
{
	const char *s = strrchr(path, '/');

	return strcmp(s ? s + 1 : path, "grubenv") == 0;
}

/* A file someone changed after us: take back only what is ours. */
static int undo_edited(const struct journal *j, const struct jfile *f, const struct strbuf *cur,
		       struct strbuf *out, bool *unlink, struct strbuf *report)
{
	if (is_env_file(f->path)) {
		struct grubenv env;
		char *msg = NULL;
		int n = 0, r;

		if (grubenv_parse(cur->buf ? cur->buf : "", cur->len, &env, &msg) < 0) {
			strbuf_addf(report, "leave %s alone: it is no longer a valid environment block (%s)\n",
				    f->path, msg);
			free(msg);
			return 0;
		}
		for (size_t i = j->ne; i-- > 0;) {
			const struct jenv *e = &j->e[i];
			const char *v = grubenv_get(&env, e->name);

			if (strcmp(e->file, f->path) != 0)
				continue;
			/* Real GRUB's save_env of a consumed one-shot leaves the
			 * variable set to "" (seen on Xen under QEMU), not unset. */
			bool consumed = v && v[0] == '\0' && e->new_ && !e->old;

			if ((v && e->new_ && strcmp(v, e->new_) == 0) || (!v && !e->new_) || consumed) {
				if (e->old)
					grubenv_set(&env, e->name, e->old);
				else
					grubenv_unset(&env, e->name);
				n++;
			}
		}
		/* GRUB's save_env rewrites the block as it boots; a block dom0cuda
		 * created that holds no variable any more goes away again. */
		*unlink = !f->existed;
		for (size_t i = 0; i < env.n; i++)
			if (env.v[i].name)
				*unlink = false;
		r = grubenv_format(&env, out);
		grubenv_free(&env);
		if (r < 0)
			return r;
		if (*unlink)
			strbuf_addf(report, "%s: remove it (dom0cuda created it; GRUB has used it since, and it holds no variable now)\n",
				    f->path);
		else
			strbuf_addf(report, "%s was changed since dom0cuda wrote it (GRUB clears one-shot variables as it boots): put back %d variable(s), keep the rest\n",
				    f->path, n);
		return 0;
	}
	{
		int n = boot_strip_ours(cur->buf ? cur->buf : "", cur->len, out);

		strbuf_addf(report, "%s was edited since dom0cuda wrote it: remove only dom0cuda's %d marked piece(s), keep the other edits\n",
			    f->path, n);
	}
	return 0;
}

int boot_rollback(const struct safe_root *root, struct strbuf *report, bool *nothing,
		  bool *kept_edits, bool dry_run, struct strbuf *why)
{
	struct journal j;
	bool found;
	int r;

	*nothing = false;
	*kept_edits = false;
	r = journal_read(root, &j, &found, why);
	if (r < 0)
		return r;
	if (!found) {
		*nothing = true;
		return 0;
	}
	for (size_t i = 0; i < j.nf && r == 0; i++) {
		const struct jfile *f = &j.f[i];
		struct strbuf cur = STRBUF_INIT, out = STRBUF_INIT;
		char hex[SHA256_HEX_LEN + 1];
		int rr = safe_read(root, f->path, CFG_MAX, &cur, NULL);
		bool write = false, unlink = false;

		if (rr < 0 && rr != -ENOENT) {
			strbuf_addf(why, "cannot read %s: %s", f->path, safe_strerror(rr));
			r = rr;
		} else {
			sha(&cur, hex);
			if (rr == -ENOENT && !f->existed) {
				strbuf_addf(report, "%s: already absent, as before dom0cuda\n", f->path);
			} else if (rr == 0 && f->sha_orig && strcmp(hex, f->sha_orig) == 0) {
				strbuf_addf(report, "%s: already as before dom0cuda\n", f->path);
			} else if (rr == -ENOENT || (f->sha_cur && strcmp(hex, f->sha_cur) == 0)) {
				if (!f->existed) {
					unlink = true;
					strbuf_addf(report, "%s: remove it (dom0cuda created it)\n", f->path);
				} else {
					rr = safe_read(root, f->backup, CFG_MAX, &out, NULL);
					sha(&out, hex);
					if (rr < 0 || strcmp(hex, f->sha_orig) != 0) {
						strbuf_addf(why, "the backup %s of %s is %s; nothing restored",
							    f->backup, f->path, rr < 0 ? safe_strerror(rr) : "not the original (checksum differs)");
						r = rr < 0 ? rr : -EIO;
					} else {
						write = true;
						strbuf_addf(report, "%s: restore the original from %s\n", f->path, f->backup);
					}
				}
			} else {
				r = undo_edited(&j, f, &cur, &out, &unlink, report);
				write = r == 0 && !unlink;
				*kept_edits |= !unlink;
			}
		}
		if (r == 0 && !dry_run && write) {
			r = safe_write(root, f->path, out.buf ? out.buf : "", out.len, 0644, 0);
			if (r < 0)
				strbuf_addf(why, "cannot write %s: %s", f->path, safe_strerror(r));
		}
		if (r == 0 && !dry_run && unlink) {
			r = safe_unlink(root, f->path);
			if (r < 0)
				strbuf_addf(why, "cannot remove %s: %s", f->path, safe_strerror(r));
		}
		strbuf_release(&cur);
		strbuf_release(&out);
	}
	/* The journal goes last: if anything above failed it still knows. */
	if (r == 0 && !dry_run) {
		r = safe_unlink(root, STATE_PATH);
		if (r < 0)
			strbuf_addf(why, "cannot remove %s: %s", STATE_PATH, safe_strerror(r));
	}
	journal_free(&j);
	return r;
}

int boot_trial_mark(const struct safe_root *root, bool pending)
{
	if (pending)
		return safe_write(root, TRIAL_MARKER, "", 0, 0600, SAFE_MKDIR);
	return safe_unlink(root, TRIAL_MARKER);
}
