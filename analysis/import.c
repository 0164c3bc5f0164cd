// SPDX-License-Identifier: GPL-2.0
/*
 * The console-log reader of dmabench import (import.h says what it copes
 * with). One pass, a line at a time; between a begin marker and its end the
 * base64 lines are gathered, and at the end decoded, checked and handed to
 * the caller.
 */
#include "import.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "compare.h"
#include "export.h"

const char *const dmab_import_status_names[DMAB_IMPORT_STATUS_COUNT] = {
	[DMAB_IMPORT_OK] = "ok",
	[DMAB_IMPORT_TRUNCATED] = "truncated",
	[DMAB_IMPORT_BAD_MARKER] = "bad marker",
	[DMAB_IMPORT_TOO_LARGE] = "too large",
	[DMAB_IMPORT_BAD_BASE64] = "bad base64",
	[DMAB_IMPORT_BAD_GZIP] = "bad gzip",
	[DMAB_IMPORT_SIZE_MISMATCH] = "size mismatch",
	[DMAB_IMPORT_INVALID] = "invalid",
};

#define LINE DMAB_CONSOLE_LINE
/* What LAVA's YAML lines hold the console line in. */
#define LAVA_MSG "\"msg\": \""
/* The smallest gzip: a 10-byte header, an empty deflate block, the 8-byte trailer. */
#define GZIP_MIN 18
#define READ_CHUNK (1u << 20)

/* --- base64 (RFC 4648): export.c writes it; nothing in jansson or zlib reads it --- */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int is_b64(unsigned char c)
{
	return b64_value(c) >= 0 || c == '=';
}

/*
 * @n characters (a multiple of 4, '=' only as the padding of the last
 * group) into @out, which holds n / 4 * 3 bytes; -EINVAL when they are not
 * that.
 */
static int b64_decode(const char *s, size_t n, unsigned char *out, size_t *len)
{
	size_t i, o = 0;

	if (n % 4)
		return -EINVAL;
	for (i = 0; i < n; i += 4) {
		int a = b64_value(s[i]), b = b64_value(s[i + 1]), c = b64_value(s[i + 2]);
		int d = b64_value(s[i + 3]), last = i + 4 == n;

		if (a < 0 || b < 0)
			return -EINVAL;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (c < 0) {
			if (!last || s[i + 2] != '=' || s[i + 3] != '=')
				return -EINVAL;
			break;
		}
		out[o++] = (unsigned char)((b << 4 | c >> 2) & 0xff);
		if (d < 0) {
			if (!last || s[i + 3] != '=')
				return -EINVAL;
			break;
		}
		out[o++] = (unsigned char)((c << 6 | d) & 0xff);
	}
	*len = o;
	return 0;
}

/* A final line's padding: '=' only as its last one or two characters. */
static int padding_ok(const char *d, size_t k)
{
	size_t i;

	for (i = 0; i + 2 < k; i++)
		if (d[i] == '=')
			return 0;
	return !(k >= 2 && d[k - 2] == '=' && d[k - 1] != '=');
}

/* --- what captures wrap lines in --- */

static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18 & 0x07));
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int hex_digits(const char *s, size_t n, unsigned long *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -EINVAL;
		*v = *v << 4 | (unsigned long)d;
	}
	return 0;
}

/*
 * A YAML double-quoted scalar from after its opening quote to its closing
 * one (or the end of @s), its escapes undone, into @out (@cap bytes, at
 * least 4). Returns the bytes written.
 */
static size_t yaml_unquote(const char *s, size_t n, char *out, size_t cap)
{
	/* YAML's one-character escapes: what follows the backslash, what it stands for */
	static const char simple[][2] = {
		{ '0', 0 }, { 'a', '\a' }, { 'b', '\b' }, { 't', '\t' }, { '\t', '\t' },
		{ 'n', '\n' }, { 'v', '\v' }, { 'f', '\f' }, { 'r', '\r' }, { 'e', 0x1b },
		{ ' ', ' ' }, { '"', '"' }, { '/', '/' }, { '\\', '\\' },
	};
	size_t i = 0, o = 0, digits, k;
	unsigned long cp;

	while (i < n && s[i] != '"' && o + 4 <= cap) {
		if (s[i] != '\\' || i + 1 == n) {
			out[o++] = s[i++];
			continue;
		}
		for (k = 0; k < sizeof(simple) / sizeof(simple[0]) && simple[k][0] != s[i + 1]; k++)
			;
		if (k < sizeof(simple) / sizeof(simple[0])) {
			out[o++] = simple[k][1];
			i += 2;
			continue;
		}
		digits = s[i + 1] == 'x' ? 2 : s[i + 1] == 'u' ? 4 : s[i + 1] == 'U' ? 8 : 0;
		cp = s[i + 1] == 'N' ? 0x85 : s[i + 1] == '_' ? 0xa0 : s[i + 1] == 'L' ? 0x2028 :
		     s[i + 1] == 'P' ? 0x2029 : 0;
		if (digits && i + 2 + digits <= n && !hex_digits(s + i + 2, digits, &cp) &&
		    cp <= 0x10ffff) {
			o += put_utf8(out + o, cp);
			i += 2 + digits;
		} else if (cp) {
			o += put_utf8(out + o, cp);
			i += 2;
		} else {	/* not an escape YAML knows: kept as it is */
			out[o++] = s[i++];
		}
	}
	return o;
}

/*
 * Drops terminal escape sequences: CSI (ESC [ parameters, a final byte
 * from @ to ~), OSC (ESC ] ... BEL or ESC \), and two-byte ones. In place
 * (@out may be @s).
 */
static size_t strip_escapes(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] != 0x1b) {
			out[o++] = s[i++];
			continue;
		}
		i++;
		if (i < n && s[i] == '[') {
			for (i++; i < n && !(s[i] >= 0x40 && s[i] <= 0x7e); i++)
				;
			i++;
		} else if (i < n && s[i] == ']') {
			for (i++; i < n && s[i] != 0x07 && s[i] != 0x1b; i++)
				;
			i += i + 1 < n && s[i] == 0x1b && s[i + 1] == '\\' ? 2 : 1;
		} else {
			i++;
		}
	}
	return o;
}

/* --- the files --- */

static void set_status(struct dmab_import_file *f, enum dmab_import_status status,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_status(struct dmab_import_file *f, enum dmab_import_status status,
		       const char *fmt, ...)
{
	va_list ap;

	f->status = status;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

/* A name from the log, at most DMAB_IMPORT_NAME_MAX bytes, control characters as '?'. */
static void copy_name(char *out, const char *s, size_t n)
{
	size_t i;

	if (n > DMAB_IMPORT_NAME_MAX)
		n = DMAB_IMPORT_NAME_MAX;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[n] = 0;
}

static struct dmab_import_file *new_file(struct dmab_import *imp, size_t line)
{
	struct dmab_import_file *f;

	if (imp->n_files == DMAB_IMPORT_FILES_MAX)
		return NULL;
	if (imp->n_files == imp->cap_files) {
		size_t cap = imp->cap_files ? imp->cap_files * 2 : 8;

		f = realloc(imp->files, cap * sizeof(*f));
		if (!f)
			return NULL;
		imp->files = f;
		imp->cap_files = cap;
	}
	f = &imp->files[imp->n_files++];
	memset(f, 0, sizeof(*f));
	f->begin_line = line;
	return f;
}

/* The file is decided: handed over, its data freed unless kept. */
static int file_done(struct dmab_import *imp, struct dmab_import_file *f)
{
	int ret = 0;

	if (imp->found) {
		ret = imp->found(imp, f, imp->arg);
		free(f->data);
		f->data = NULL;
	}
	return ret;
}

static void block_reset(struct dmab_import *imp)
{
	imp->open = 0;
	imp->cur_skip = 0;
	imp->text_len = 0;
	imp->n_cand = 0;
	imp->damaged_line = 0;
}

/* Most base64 a gzip of @bytes can take (zlib's bound, whatever the level). */
static size_t text_bound(uint64_t bytes)
{
	uint64_t gz = (uint64_t)compressBound((uLong)bytes) + 64;

	return (size_t)((gz + 2) / 3 * 4);
}

/*
 * After the begin marker: " NAME bytes=N gzip+base64". The name is what
 * comes before the last " bytes=", so it may hold spaces (the name check
 * refuses them later, saying so).
 */
static void parse_begin(struct dmab_import *imp, struct dmab_import_file *f, const char *r,
			size_t n)
{
	static const char key[] = " bytes=", enc[] = " gzip+base64";
	size_t k, name_len, i, klen = sizeof(key) - 1;
	unsigned long long bytes = 0;
	const char *p;

	if (n && r[0] == ' ') {
		r++;
		n--;
	}
	for (k = n; k >= klen && memcmp(r + k - klen, key, klen); k--)
		;
	if (k < klen) {
		copy_name(f->name, r, n);
		set_status(f, DMAB_IMPORT_BAD_MARKER, "the begin marker has no bytes=N "
			   "(written by another version of dmabench export?)");
		return;
	}
	name_len = k - klen;
	copy_name(f->name, r, name_len);
	p = r + k;
	for (i = 0; k + i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (bytes > (UINT64_MAX - 9) / 10) {
			set_status(f, DMAB_IMPORT_BAD_MARKER, "bytes= is not a size");
			return;
		}
		bytes = bytes * 10 + (unsigned long long)(p[i] - '0');
	}
	f->bytes = bytes;
	if (!name_len) {
		set_status(f, DMAB_IMPORT_BAD_MARKER, "the begin marker names no file");
	} else if (name_len > DMAB_IMPORT_NAME_MAX) {
		set_status(f, DMAB_IMPORT_BAD_MARKER, "a name of %zu bytes, longer than a file "
			   "name's %d", name_len, DMAB_IMPORT_NAME_MAX);
	} else if (!i) {
		set_status(f, DMAB_IMPORT_BAD_MARKER, "bytes= is not a size");
	} else if (n - k - i != sizeof(enc) - 1 || memcmp(p + i, enc, sizeof(enc) - 1)) {
		size_t rest = n - k - i > 1 ? n - k - i - 1 : 0;

		set_status(f, DMAB_IMPORT_BAD_MARKER, "the encoding is '%.*s', not gzip+base64 "
			   "(written by another version of dmabench export?)",
			   (int)(rest < 40 ? rest : 40), rest ? p + i + 1 : "");
		/* a name of control characters was made printable; so is this */
		for (i = 0; f->reason[i]; i++)
			if ((unsigned char)f->reason[i] < 0x20 || f->reason[i] == 0x7f)
				f->reason[i] = '?';
	} else if (bytes > imp->max_bytes || bytes >= UINT32_MAX) {
		set_status(f, DMAB_IMPORT_TOO_LARGE, "bytes=%llu: over the limit of %llu MiB for a "
			   "result file (%s=MiB raises it)", bytes,
			   (unsigned long long)(imp->max_bytes >> 20), DMAB_RESULT_MAX_MB_ENV);
	} else {
		/* bytes=N may be wrong: the limit bounds a file's lines, decoding says the rest */
		imp->text_max = text_bound(imp->max_bytes);
		return;
	}
}

static int begin_marker(struct dmab_import *imp, const char *r, size_t n, size_t line);

/* Closes the open file as truncated, @why saying how. */
static int truncated(struct dmab_import *imp, const char *why, size_t line)
{
	struct dmab_import_file *f = &imp->files[imp->cur];

	if (!imp->cur_skip)
		set_status(f, DMAB_IMPORT_TRUNCATED, "no end marker: %s line %zu (%zu full base64 "
			   "line%s read)", why, line, imp->text_len / LINE,
			   imp->text_len / LINE == 1 ? "" : "s");
	block_reset(imp);
	return file_done(imp, f);
}

static int begin_marker(struct dmab_import *imp, const char *r, size_t n, size_t line)
{
	struct dmab_import_file *f;
	int ret;

	if (imp->open) {
		ret = truncated(imp, "another begin marker comes first, at", line);
		if (ret)
			return ret;
	}
	f = new_file(imp, line);
	if (!f)
		return imp->n_files == DMAB_IMPORT_FILES_MAX ? -E2BIG : -ENOMEM;
	block_reset(imp);
	imp->open = 1;
	imp->cur = (size_t)(f - imp->files);
	parse_begin(imp, f, r, n);
	imp->cur_skip = f->status != DMAB_IMPORT_OK;
	return 0;
}

/* The last 8 bytes of the gzip that @text followed by @tail (base64) decode to. */
static int gzip_trailer(const char *text, size_t text_len, const char *tail, size_t tail_len,
			unsigned char trailer[8])
{
	char quads[16 + 80];
	unsigned char out[(16 + 80) / 4 * 3];
	size_t from = text_len < 16 ? 0 : text_len - 16, n = text_len - from, len;

	if ((text_len + tail_len) / 4 * 3 < GZIP_MIN)
		return -EINVAL;
	if (n)
		memcpy(quads, text + from, n);
	memcpy(quads + n, tail, tail_len);
	n += tail_len;
	if (b64_decode(quads, n, out, &len) || len < 8)
		return -EINVAL;
	memcpy(trailer, out + len - 8, 8);
	return 0;
}

/*
 * Which short line ends the data: the latest whose gzip trailer gives the
 * marker's size (ISIZE, the size mod 2^32), or none when the full lines
 * alone do. When nothing gives it, the latest (the data is damaged: the
 * decoding says how). Returns the candidate's slot, or -1 for none.
 */
static int pick_tail(struct dmab_import *imp, uint64_t bytes)
{
	size_t kept = imp->n_cand < DMAB_IMPORT_CANDIDATES ? imp->n_cand : DMAB_IMPORT_CANDIDATES;
	unsigned char t[8];
	size_t i;

	for (i = 0; i <= kept; i++) {
		int slot = i < kept ? (int)((imp->n_cand - 1 - i) % DMAB_IMPORT_CANDIDATES) : -1;
		uint32_t isize;

		if (gzip_trailer(imp->text, imp->text_len, slot < 0 ? "" : imp->cand[slot],
				 slot < 0 ? 0 : imp->cand_len[slot], t))
			continue;
		isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
			(uint32_t)t[7] << 24;
		if (isize == (uint32_t)bytes)
			return slot;
	}
	return kept ? (int)((imp->n_cand - 1) % DMAB_IMPORT_CANDIDATES) : -1;
}

/* @*buf holds at least @need bytes (doubling from 4 KiB): 0 or -ENOMEM. */
static int grow(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;
	char *grown;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	grown = realloc(*buf, n);
	if (!grown)
		return -ENOMEM;
	*buf = grown;
	*cap = n;
	return 0;
}

static int text_append(struct dmab_import *imp, const char *s, size_t n)
{
	if (grow(&imp->text, &imp->text_cap, imp->text_len + n))
		return -ENOMEM;
	memcpy(imp->text + imp->text_len, s, n);
	imp->text_len += n;
	return 0;
}

/*
 * More than the marker said came out: the rest inflated into a scratch
 * buffer to tell how much, up to @max (the limit), which bounds the time.
 */
static int inflate_rest(z_stream *z, uint64_t max)
{
	unsigned char sink[65536];
	int ret = Z_OK;

	while (ret == Z_OK && z->total_out <= max) {
		z->next_out = sink;
		z->avail_out = sizeof(sink);
		ret = inflate(z, Z_NO_FLUSH);
		if (ret == Z_BUF_ERROR && z->avail_out)
			break;	/* the input ends */
		if (ret == Z_BUF_ERROR)
			ret = Z_OK;
	}
	return ret;
}

/* The gzip in @gz inflated into f->data, f->bytes of it exactly. */
static int inflate_file(struct dmab_import_file *f, const unsigned char *gz, size_t gz_len,
			uint64_t max)
{
	z_stream z = { 0 };
	int ret;

	if (gz_len < GZIP_MIN || gz[0] != 0x1f || gz[1] != 0x8b) {
		set_status(f, DMAB_IMPORT_BAD_GZIP, "not gzip: the data does not start with "
			   "gzip's 1f 8b");
		return 0;
	}
	/* deflate packs at most 1032 to 1: a larger claim is not what these bytes hold */
	if (f->bytes > (uint64_t)gz_len * 1032 + 1024) {
		set_status(f, DMAB_IMPORT_SIZE_MISMATCH, "%zu bytes of gzip cannot hold its "
			   "marker's bytes=%llu", gz_len, (unsigned long long)f->bytes);
		return 0;
	}
	f->data = malloc(f->bytes + 1);
	if (!f->data)
		return -ENOMEM;
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)gz_len;
	z.next_out = f->data;
	z.avail_out = (uInt)(f->bytes + 1);
	ret = inflate(&z, Z_FINISH);
	if ((ret == Z_BUF_ERROR || ret == Z_OK) && !z.avail_out)
		ret = inflate_rest(&z, max);
	if (ret == Z_STREAM_END && z.total_out != f->bytes)
		set_status(f, DMAB_IMPORT_SIZE_MISMATCH, "decompresses to %lu bytes, its marker "
			   "says bytes=%llu", (unsigned long)z.total_out,
			   (unsigned long long)f->bytes);
	else if (ret == Z_STREAM_END && z.avail_in)
		set_status(f, DMAB_IMPORT_BAD_GZIP, "%u bytes after the end of the gzip data",
			   z.avail_in);
	else if ((ret == Z_BUF_ERROR || ret == Z_OK) && z.total_out > f->bytes)
		set_status(f, DMAB_IMPORT_SIZE_MISMATCH, "decompresses to more than %lu bytes, "
			   "its marker says bytes=%llu", (unsigned long)z.total_out,
			   (unsigned long long)f->bytes);
	else if (ret == Z_BUF_ERROR)
		set_status(f, DMAB_IMPORT_BAD_GZIP, "the gzip data stops short (a base64 line "
			   "lost?)");
	else if (ret == Z_DATA_ERROR && z.msg && !strcmp(z.msg, "incorrect data check"))
		set_status(f, DMAB_IMPORT_BAD_GZIP, "the gzip CRC does not match: the data was "
			   "damaged on the way (a base64 line lost, changed or one too many)");
	else if (ret != Z_STREAM_END)
		set_status(f, DMAB_IMPORT_BAD_GZIP, "%s", ret == Z_MEM_ERROR ? "out of memory" :
			   z.msg ? z.msg : "not a gzip stream");
	inflateEnd(&z);
	if (ret == Z_MEM_ERROR)
		return -ENOMEM;
	if (f->status == DMAB_IMPORT_OK)
		f->len = f->bytes;
	return 0;
}

/* The end marker: the data decoded, checked and read as a result file. */
static int decode_file(struct dmab_import *imp, struct dmab_import_file *f)
{
	unsigned char *gz;
	size_t gz_len;
	int slot, ret;
	json_t *root;

	slot = pick_tail(imp, f->bytes);
	if (slot >= 0 && text_append(imp, imp->cand[slot], imp->cand_len[slot]))
		return -ENOMEM;
	if (!imp->text_len && imp->damaged_line) {
		set_status(f, DMAB_IMPORT_BAD_BASE64, "no whole base64 line between the markers: "
			   "line %zu comes close (a prefix that ends in a base64 character, a "
			   "line break lost, a character changed?)", imp->damaged_line);
		return 0;
	}
	if (!imp->text_len) {
		set_status(f, DMAB_IMPORT_BAD_BASE64, "no base64 line between the markers");
		return 0;
	}
	gz = malloc(imp->text_len / 4 * 3);
	if (!gz)
		return -ENOMEM;
	if (b64_decode(imp->text, imp->text_len, gz, &gz_len)) {
		set_status(f, DMAB_IMPORT_BAD_BASE64, "not base64");
		free(gz);
		return 0;
	}
	ret = inflate_file(f, gz, gz_len, imp->max_bytes);
	free(gz);
	if (ret)
		return ret;
	if (f->status == DMAB_IMPORT_BAD_GZIP && imp->damaged_line) {
		char why[sizeof(f->reason)];

		snprintf(why, sizeof(why), "%s", f->reason);
		set_status(f, DMAB_IMPORT_BAD_BASE64, "line %zu is not a whole base64 line (a "
			   "character changed, lost or added on the way?); then: %s",
			   imp->damaged_line, why);
	}
	if (f->status != DMAB_IMPORT_OK) {
		free(f->data);
		f->data = NULL;
		return 0;
	}
	ret = dmab_result_load_buffer((const char *)f->data, f->len, f->name, &root, f->reason,
				      sizeof(f->reason));
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		f->status = DMAB_IMPORT_INVALID;
		free(f->data);
		f->data = NULL;
		f->len = 0;
		return 0;
	}
	json_decref(root);
	f->reason[0] = 0;
	return 0;
}

static int end_marker(struct dmab_import *imp, const char *r, size_t n, size_t line)
{
	char name[DMAB_IMPORT_NAME_MAX + 1];
	struct dmab_import_file *f;
	int ret;

	if (n && r[0] == ' ') {
		r++;
		n--;
	}
	copy_name(name, r, n);
	if (imp->open && strcmp(name, imp->files[imp->cur].name)) {
		ret = truncated(imp, "an end marker of another file comes first, at", line);
		if (ret)
			return ret;
	}
	if (!imp->open) {
		f = new_file(imp, 0);
		if (!f)
			return imp->n_files == DMAB_IMPORT_FILES_MAX ? -E2BIG : -ENOMEM;
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->end_line = line;
		set_status(f, DMAB_IMPORT_TRUNCATED, "an end marker without its begin marker "
			   "(the log starts after it, or its line was damaged)");
		return file_done(imp, f);
	}
	f = &imp->files[imp->cur];
	f->end_line = line;
	ret = imp->cur_skip ? 0 : decode_file(imp, f);
	block_reset(imp);
	return ret ? ret : file_done(imp, f);
}

/*
 * A line between the markers whose end is not data: worth naming when
 * decoding fails if it looks like a base64 line damaged on the way (one to
 * three characters outside the alphabet in its last 76, no space among
 * them), or like more than a line (a line break lost).
 */
static int looks_damaged(const char *s, size_t n, size_t k)
{
	size_t i, bad = 0;

	if (k >= LINE)
		return 1;
	if (n < LINE)
		return 0;
	for (i = n - LINE; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			return 0;
		bad += !is_b64((unsigned char)s[i]);
	}
	return bad <= 3;
}

static int data_line(struct dmab_import *imp, const char *s, size_t n, size_t line)
{
	struct dmab_import_file *f = &imp->files[imp->cur];
	size_t k = 0, slot;
	const char *d;

	while (k < n && k <= LINE && is_b64((unsigned char)s[n - 1 - k]))
		k++;
	d = s + n - k;
	if (k == LINE && !memchr(d, '=', k)) {
		if (imp->text_len + LINE > imp->text_max) {
			set_status(f, DMAB_IMPORT_TOO_LARGE, "more base64 lines than a gzip of %llu "
				   "MiB takes, the limit for a result file (line %zu; %s=MiB raises "
				   "it)", (unsigned long long)(imp->max_bytes >> 20), line,
				   DMAB_RESULT_MAX_MB_ENV);
			imp->cur_skip = 1;
			return 0;
		}
		imp->n_cand = 0;
		return text_append(imp, d, k);
	}
	if (k >= 4 && k <= LINE && k % 4 == 0 && padding_ok(d, k)) {
		slot = imp->n_cand++ % DMAB_IMPORT_CANDIDATES;
		memcpy(imp->cand[slot], d, k);
		imp->cand_len[slot] = (unsigned char)k;
		return 0;
	}
	if (!imp->damaged_line && looks_damaged(s, n, k))
		imp->damaged_line = line;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* One line of the log (no line break), @line its number. */
static int process_line(struct dmab_import *imp, const char *s, size_t n, size_t line)
{
	static const size_t blen = sizeof(DMAB_CONSOLE_BEGIN) - 1, elen =
		sizeof(DMAB_CONSOLE_END) - 1;
	const char *p, *m;
	size_t i = 0;

	if (n > DMAB_IMPORT_LINE_MAX)
		return 0;
	while (i < n && is_space(s[i]))
		i++;
	if (n - i >= 3 && !memcmp(s + i, "- {", 3)) {
		/* LAVA: a line of the console is this entry's "msg" */
		m = memmem(s + i, n - i, LAVA_MSG, sizeof(LAVA_MSG) - 1);
		if (!m)
			return 0;
		m += sizeof(LAVA_MSG) - 1;
		/* an escape of 2 characters stands for up to 3 bytes (\\L: U+2028) */
		if (grow(&imp->scratch, &imp->scratch_cap, (size_t)(s + n - m) / 2 * 3 + 8))
			return -ENOMEM;
		n = yaml_unquote(m, (size_t)(s + n - m), imp->scratch, imp->scratch_cap);
		s = imp->scratch;
	}
	if (memchr(s, 0x1b, n)) {
		/* in place when it is there already (then it is large enough) */
		if (s != imp->scratch && grow(&imp->scratch, &imp->scratch_cap, n))
			return -ENOMEM;
		n = strip_escapes(s, n, imp->scratch);
		s = imp->scratch;
	}
	while (n && is_space(s[n - 1]))
		n--;
	if (!n)
		return 0;
	p = memmem(s, n, DMAB_CONSOLE_BEGIN, blen);
	if (p && (p + blen == s + n || p[blen] == ' '))
		return begin_marker(imp, p + blen, (size_t)(s + n - p - blen), line);
	p = memmem(s, n, DMAB_CONSOLE_END, elen);
	if (p && (p + elen == s + n || p[elen] == ' '))
		return end_marker(imp, p + elen, (size_t)(s + n - p - elen), line);
	if (!imp->open || imp->cur_skip)
		return 0;
	return data_line(imp, s, n, line);
}

/* --- reading --- */

int dmab_import_init(struct dmab_import *imp, char *err, size_t errlen)
{
	return dmab_result_limit(&imp->max_bytes, err, errlen);
}

/* A line not yet ended: kept for the next feed (a line too long: noise, forgotten). */
static int keep_partial(struct dmab_import *imp, const char *s, size_t n)
{
	if (imp->overlong || !n)
		return 0;
	if (imp->partial_len + n > DMAB_IMPORT_LINE_MAX) {
		imp->overlong = 1;
		imp->partial_len = 0;
		return 0;
	}
	if (grow(&imp->partial, &imp->partial_cap, imp->partial_len + n))
		return -ENOMEM;
	memcpy(imp->partial + imp->partial_len, s, n);
	imp->partial_len += n;
	return 0;
}

static int line_ends(struct dmab_import *imp, const char *s, size_t n)
{
	int ret;

	if (!imp->partial_len && !imp->overlong)
		return process_line(imp, s, n, imp->lines + 1);
	ret = keep_partial(imp, s, n);
	if (!ret && !imp->overlong)
		ret = process_line(imp, imp->partial, imp->partial_len, imp->lines + 1);
	imp->partial_len = 0;
	imp->overlong = 0;
	return ret;
}

int dmab_import_feed(struct dmab_import *imp, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *lf = NULL, *cr, *t;
	int ret;

	imp->bytes_read += len;
	while (p < end) {
		/* the next LF is looked for once, not once per CR before it */
		if (!lf || lf < p) {
			lf = memchr(p, '\n', (size_t)(end - p));
			if (!lf)
				lf = end;
		}
		cr = memchr(p, '\r', (size_t)(lf - p));
		t = cr ? cr : lf;
		if (t == end)
			return keep_partial(imp, p, (size_t)(end - p));
		ret = line_ends(imp, p, (size_t)(t - p));
		if (ret)
			return ret;
		if (*t == '\n')
			imp->lines++;
		p = t + 1;
	}
	return 0;
}

int dmab_import_finish(struct dmab_import *imp)
{
	int ret = 0;

	if (imp->partial_len || imp->overlong) {
		ret = line_ends(imp, "", 0);
		imp->lines++;
	}
	if (!ret && imp->open)
		ret = truncated(imp, "the log ends at", imp->lines);
	return ret;
}

int dmab_import_buffer(struct dmab_import *imp, const char *data, size_t len, char *err,
		       size_t errlen)
{
	int ret = dmab_import_init(imp, err, errlen);

	if (!ret)
		ret = dmab_import_feed(imp, data, len);
	if (!ret)
		ret = dmab_import_finish(imp);
	return ret;
}

int dmab_import_fd(struct dmab_import *imp, int fd)
{
	char *buf = malloc(READ_CHUNK);
	ssize_t got;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		got = read(fd, buf, READ_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			break;
		}
		if (!got)
			break;
		ret = dmab_import_feed(imp, buf, (size_t)got);
		if (ret)
			break;
	}
	free(buf);
	return ret ? ret : dmab_import_finish(imp);
}

void dmab_import_free(struct dmab_import *imp)
{
	size_t i;

	for (i = 0; i < imp->n_files; i++)
		free(imp->files[i].data);
	free(imp->files);
	free(imp->text);
	free(imp->partial);
	free(imp->scratch);
	imp->files = NULL;
	imp->text = imp->partial = imp->scratch = NULL;
	imp->n_files = imp->cap_files = imp->text_cap = imp->partial_cap = imp->scratch_cap = 0;
}

int dmab_import_name_check(const char *name, const char **why)
{
	size_t i, n = strlen(name);

	*why = NULL;
	if (!n)
		*why = "is empty";
	else if (n > DMAB_IMPORT_NAME_MAX)
		*why = "is longer than a file name may be";
	else if (strchr(name, '/'))
		*why = "holds a '/' (a path, not a file name)";
	else if (strstr(name, ".."))
		*why = "holds '..'";
	else if (name[0] == '.')
		*why = "starts with '.' (a hidden file)";
	else if (name[0] == '-')
		*why = "starts with '-' (it would read as an option)";
	for (i = 0; !*why && i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._-+,=@", c)))
			*why = "holds a character other than letters, digits and . _ - + , = @";
	}
	return *why ? -EINVAL : 0;
}
