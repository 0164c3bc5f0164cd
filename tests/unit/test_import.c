// SPDX-License-Identifier: GPL-2.0
/*
 * The console-log reader of dmabench import: result files exported with
 * export --format console (dmab_export, the real printer), then wrapped the
 * way captures wrap them (CRLF, stray CRs, printk timestamps, LAVA's YAML,
 * other programs' lines, escape sequences) or damaged (cut short, a line
 * lost, a character changed, the wrong size, not gzip, not a result file).
 * Each log is read whole and a byte at a time: the same files must come out,
 * byte for byte when ok, with the status and reason a user is told.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "check.h"

#include "../../analysis/compare.h"
#include "../../analysis/export.h"
#include "../../analysis/import.h"

/* A growing string. */
struct text {
	char *s;
	size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	t->s = realloc(t->s, t->len + (size_t)n + 1);
	assert_non_null(t->s);
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/*
 * A result file the reader accepts, of about @pad bytes more than the
 * smallest: hex that gzip cannot shrink much, so the data takes many lines.
 */
static char *result_text(size_t pad, unsigned int seed, size_t *len)
{
	char *hex = malloc(pad + 1), *s;
	json_t *doc;
	size_t i;

	assert_non_null(hex);
	for (i = 0; i < pad; i++) {
		seed = seed * 1103515245u + 12345u;
		hex[i] = "0123456789abcdef"[seed >> 16 & 15];
	}
	hex[pad] = 0;
	doc = json_pack("{s:i, s:{s:s}, s:[], s:s}", "schema_version", 2, "tool", "name",
			"dmabench", "results", "padding", hex);
	s = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(s);
	*len = strlen(s);
	json_decref(doc);
	free(hex);
	return s;
}

/* What export --format console prints for @data under @name, split into lines. */
static size_t export_lines(const char *name, const char *data, size_t len, char ***lines)
{
	char *out = NULL, *p, *nl;
	size_t out_len = 0, n = 0;
	json_t *root;
	char err[256];
	FILE *f = open_memstream(&out, &out_len);

	assert_non_null(f);
	assert_int_equal(dmab_result_load_buffer(data, len, name, &root, err, sizeof(err)), 0);
	assert_int_equal(dmab_export(root, name, (const unsigned char *)data, len,
				     DMAB_EXPORT_CONSOLE, f), 0);
	fclose(f);
	json_decref(root);
	*lines = calloc(out_len + 1, sizeof(char *));
	assert_non_null(*lines);
	for (p = out; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = 0;
		(*lines)[n++] = strdup(p);
	}
	free(out);
	return n;
}

/* The first file, A (about 60 base64 lines), and the second, B. */
static char *file_a, *file_b;
static size_t len_a, len_b, n_a, n_b;
static char **lines_a, **lines_b;

static int setup(void **state)
{
	(void)state;
	file_a = result_text(6000, 1, &len_a);
	file_b = result_text(900, 2, &len_b);
	n_a = export_lines("a.json", file_a, len_a, &lines_a);
	n_b = export_lines("b.json", file_b, len_b, &lines_b);
	return 0;
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < n_a; i++)
		free(lines_a[i]);
	for (i = 0; i < n_b; i++)
		free(lines_b[i]);
	free(lines_a);
	free(lines_b);
	free(file_a);
	free(file_b);
	return 0;
}

/* --- the logs: A (and B) as a capture holds them --- */

static void plain(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++)
		add(t, "%s\n", lines_a[i]);
}

static void crlf(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++)
		add(t, "%s\r\n", lines_a[i]);
}

/* CRs where a terminal or a logger leaves them: doubled, at a line's start, alone */
static void stray_cr(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++)
		add(t, "%s%s%s", i % 3 == 1 ? "\r" : "", lines_a[i],
		    i % 3 == 0 ? "\r\r\n" : i % 3 == 1 ? "\n" : "\r");
}

static void printk(struct text *t)
{
	size_t i;

	add(t, "[    0.000000] Booting Linux on physical CPU 0x0\n");
	for (i = 0; i < n_a; i++)
		add(t, "[%5zu.%06zu] %s\n", 12 + i / 10, i * 4321 % 1000000, lines_a[i]);
}

/* A LAVA job log (lava_common/log.py): one YAML flow mapping a line, around dispatcher lines */
static void lava(struct text *t)
{
	size_t i;

	add(t, "- {\"dt\": \"2026-11-29T10:00:00.000001\", \"lvl\": \"info\", \"msg\": "
	    "\"start: 3.1 lava-test-shell (timeout 00:10:00) [common]\"}\n");
	for (i = 0; i < n_a; i++) {
		add(t, "- {\"dt\": \"2026-11-29T10:00:%02zu.123456\", \"lvl\": \"target\", "
		    "\"msg\": \"%s\"}\n", i % 60, lines_a[i]);
		if (i % 7 == 3)
			add(t, "- {\"dt\": \"2026-11-29T10:00:01.5\", \"lvl\": \"target\", \"msg\": "
			    "\"[   13.1] say \\\\\\\"hi\\\\\\\" \\u00e9\\x41\\L\"}\n");
		if (i % 11 == 5)
			add(t, "- {\"dt\": \"2026-11-29T10:00:02\", \"lvl\": \"results\", \"msg\": "
			    "{\"case\": \"x\", \"definition\": \"0_dmabench\", \"result\": \"pass\"}}\n");
	}
	add(t, "- {\"dt\": \"2026-11-29T10:01:00\", \"lvl\": \"info\", \"msg\": \"end: 3.1\"}\n");
}

/*
 * Other programs between the lines; short words made of base64 letters among
 * them, also after the data's last line, where only the gzip trailer tells
 * them from it.
 */
static void noise(struct text *t)
{
	static const char *const words[] = {
		"[   14.2] usb 1-1: new high-speed USB device number 2 using ehci-platform",
		"done", "OKAY", "root@board:~# ", "abcd1234", "Starting kernel ...", "1234",
	};
	size_t i;

	for (i = 0; i < n_a; i++) {
		add(t, "%s\n", lines_a[i]);
		if (i % 2 || i + 1 == n_a - 1)
			add(t, "%s\n", words[i % ARRAY_SIZE(words)]);
		if (i + 2 == n_a)	/* after the last data line */
			add(t, "done\nOKAY\n");
	}
}

/* colours around the lines, a title set, a line erased */
static void escapes(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++)
		add(t, "\x1b[32m%s\x1b[0m\x1b]0;console\x07\x1b[K\n", lines_a[i]);
}

/* a line longer than any the reader keeps, inside the file: noise */
static void overlong(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++) {
		add(t, "%s\n", lines_a[i]);
		if (i == 5) {
			char *big = malloc(DMAB_IMPORT_LINE_MAX + 100);

			assert_non_null(big);
			memset(big, 'A', DMAB_IMPORT_LINE_MAX + 99);
			big[DMAB_IMPORT_LINE_MAX + 99] = 0;
			add(t, "%s\n", big);
			free(big);
		}
	}
}

static void two_files(struct text *t)
{
	size_t i;

	add(t, "boot\n");
	for (i = 0; i < n_a; i++)
		add(t, "%s\n", lines_a[i]);
	add(t, "between\n");
	for (i = 0; i < n_b; i++)
		add(t, "%s\n", lines_b[i]);
}

static void cut_short(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a / 2; i++)
		add(t, "%s\n", lines_a[i]);
	add(t, "[   20.1] Kernel panic - not syncing: Fatal exception");	/* no line end */
}

/* the board crashed mid-file, rebooted and printed it again */
static void crash_and_again(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a / 3; i++)
		add(t, "%s\n", lines_a[i]);
	for (i = 0; i < n_a; i++)
		add(t, "%s\n", lines_a[i]);
}

static void end_only(struct text *t)
{
	size_t i;

	for (i = n_a / 2; i < n_a; i++)
		add(t, "%s\n", lines_a[i]);
}

static void wrong_size(struct text *t)
{
	size_t i;

	add(t, "%s bytes=%zu gzip+base64\n", DMAB_CONSOLE_BEGIN " a.json", len_a + 1);
	for (i = 1; i < n_a; i++)
		add(t, "%s\n", lines_a[i]);
}

static void line_lost(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++)
		if (i != n_a / 2)
			add(t, "%s\n", lines_a[i]);
}

/* a character changed into another base64 one: only the CRC can tell */
static void char_changed(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++) {
		if (i == n_a / 2)
			add(t, "%.40s%c%s\n", lines_a[i], lines_a[i][40] == 'Q' ? 'R' : 'Q',
			    lines_a[i] + 41);
		else
			add(t, "%s\n", lines_a[i]);
	}
}

/* a logger's prefix that ends in a base64 character, right against the data */
static void glued_prefix(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++)
		add(t, "%s%s\n", i ? "ttyS0:x" : "", lines_a[i]);
}

/* a character changed into one outside the alphabet: the line is named */
static void char_not_base64(struct text *t)
{
	size_t i;

	for (i = 0; i < n_a; i++) {
		if (i == n_a / 2)
			add(t, "%.30s#%s\n", lines_a[i], lines_a[i] + 31);
		else
			add(t, "%s\n", lines_a[i]);
	}
}

/* base64 of the file itself, not of its gzip */
static void not_gzip(struct text *t)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)file_b;
	size_t i, col = 0;

	add(t, "%s b.json bytes=%zu gzip+base64\n", DMAB_CONSOLE_BEGIN, len_b);
	for (i = 0; i + 3 <= len_b; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		add(t, "%c%c%c%c", abc[v >> 18], abc[v >> 12 & 63], abc[v >> 6 & 63], abc[v & 63]);
		col += 4;
		if (col == DMAB_CONSOLE_LINE) {
			add(t, "\n");
			col = 0;
		}
	}
	add(t, "\n%s b.json\n", DMAB_CONSOLE_END);
}

/* whole and well formed, but not a result file (what `list --json` prints) */
static void not_a_result(struct text *t)
{
	static const char list[] = "{\"strategies\": []}\n";
	unsigned char gz[256];
	z_stream z = { 0 };
	size_t i;

	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)list;
	z.avail_in = sizeof(list) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	add(t, "%s list.json bytes=%zu gzip+base64\n", DMAB_CONSOLE_BEGIN, sizeof(list) - 1);
	for (i = 0; i < z.total_out; i += 3) {
		static const char abc[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		uint32_t v = (uint32_t)gz[i] << 16 | (i + 1 < z.total_out ? gz[i + 1] << 8 : 0) |
			     (i + 2 < z.total_out ? gz[i + 2] : 0);

		add(t, "%c%c%c%c", abc[v >> 18], abc[v >> 12 & 63],
		    i + 1 < z.total_out ? abc[v >> 6 & 63] : '=', i + 2 < z.total_out ? abc[v & 63] : '=');
	}
	add(t, "\n%s list.json\n", DMAB_CONSOLE_END);
}

static void other_encoding(struct text *t)
{
	add(t, "%s a.json bytes=%zu zstd+base64\nKLUv/QBYAQA=\n%s a.json\n", DMAB_CONSOLE_BEGIN,
	    len_a, DMAB_CONSOLE_END);
}

static void too_large(struct text *t)
{
	add(t, "%s a.json bytes=%u gzip+base64\nH4sI\n%s a.json\n", DMAB_CONSOLE_BEGIN,
	    3u << 20, DMAB_CONSOLE_END);
}

static void nothing(struct text *t)
{
	add(t, "[    0.000000] Linux version 6.1.0\nlogin: \n");
}

/* What a case must find: a file per entry, in the log's order. */
struct want {
	const char *name;
	enum dmab_import_status status;
	const char *reason;		/* a part of the reason; NULL: ok */
	int which;			/* ok: 'a' or 'b', the bytes it must hold */
};

static const struct import_case {
	const char *name;
	void (*log)(struct text *t);
	const char *max_mb;		/* DMABENCH_MAX_RESULT_MB for this case, or NULL */
	size_t n;
	struct want want[2];
} cases[] = {
	{ "as printed", plain, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "CRLF", crlf, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "stray CRs", stray_cr, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "printk prefix", printk, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "LAVA YAML lines", lava, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "interleaved noise", noise, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "escape sequences", escapes, NULL, 1, { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "a line too long to keep", overlong, NULL, 1,
	  { { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "two files in one log", two_files, NULL, 2,
	  { { "a.json", DMAB_IMPORT_OK, NULL, 'a' }, { "b.json", DMAB_IMPORT_OK, NULL, 'b' } } },
	{ "cut short", cut_short, NULL, 1,
	  { { "a.json", DMAB_IMPORT_TRUNCATED, "no end marker: the log ends at line", 0 } } },
	{ "a crash, then printed again", crash_and_again, NULL, 2,
	  { { "a.json", DMAB_IMPORT_TRUNCATED, "another begin marker comes first", 0 },
	    { "a.json", DMAB_IMPORT_OK, NULL, 'a' } } },
	{ "an end without its begin", end_only, NULL, 1,
	  { { "a.json", DMAB_IMPORT_TRUNCATED, "an end marker without its begin", 0 } } },
	{ "wrong size", wrong_size, NULL, 1,
	  { { "a.json", DMAB_IMPORT_SIZE_MISMATCH, "its marker says bytes=", 0 } } },
	{ "a line lost", line_lost, NULL, 1, { { "a.json", DMAB_IMPORT_BAD_GZIP, NULL, 0 } } },
	{ "a character changed", char_changed, NULL, 1,
	  { { "a.json", DMAB_IMPORT_BAD_GZIP, "CRC does not match", 0 } } },
	{ "a character not base64", char_not_base64, NULL, 1,
	  { { "a.json", DMAB_IMPORT_BAD_BASE64, "is not a whole base64 line", 0 } } },
	{ "a prefix glued to the data", glued_prefix, NULL, 1,
	  { { "a.json", DMAB_IMPORT_BAD_BASE64, "line 2 comes close", 0 } } },
	{ "not gzip", not_gzip, NULL, 1, { { "b.json", DMAB_IMPORT_BAD_GZIP, "not gzip", 0 } } },
	{ "not a result file", not_a_result, NULL, 1,
	  { { "list.json", DMAB_IMPORT_INVALID, "list.json: ", 0 } } },
	{ "another encoding", other_encoding, NULL, 1,
	  { { "a.json", DMAB_IMPORT_BAD_MARKER, "'zstd+base64', not gzip+base64", 0 } } },
	{ "over the size limit", too_large, "1", 1,
	  { { "a.json", DMAB_IMPORT_TOO_LARGE, "over the limit of 1 MiB", 0 } } },
	{ "no result", nothing, NULL, 0, { { NULL, 0, NULL, 0 } } },
};

static void check_files(const struct import_case *c, const struct dmab_import *imp,
			const char *how)
{
	size_t i;

	CHECK_U64(c->name, "files found", imp->n_files, c->n);
	for (i = 0; i < c->n; i++) {
		const struct dmab_import_file *f = &imp->files[i];
		const struct want *w = &c->want[i];

		if (strcmp(f->name, w->name) || f->status != w->status)
			fail_msg("%s (%s): file %zu is %s, %s (%s); want %s, %s", c->name, how, i,
				 f->name, dmab_import_status_names[f->status], f->reason, w->name,
				 dmab_import_status_names[w->status]);
		if (w->reason && !strstr(f->reason, w->reason))
			fail_msg("%s (%s): '%s' does not say '%s'", c->name, how, f->reason,
				 w->reason);
		if (w->status == DMAB_IMPORT_OK) {
			const char *bytes = w->which == 'a' ? file_a : file_b;
			size_t len = w->which == 'a' ? len_a : len_b;

			if (f->len != len || !f->data || memcmp(f->data, bytes, len))
				fail_msg("%s (%s): %s is not the file exported", c->name, how,
					 f->name);
			if (f->reason[0])
				fail_msg("%s (%s): ok with a reason: %s", c->name, how, f->reason);
		}
	}
}

static void test_logs(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct import_case *c = &cases[i];
		struct dmab_import whole = { 0 }, bytewise = { 0 };
		struct text t = { 0 };
		char err[256];

		if (c->max_mb)
			setenv(DMAB_RESULT_MAX_MB_ENV, c->max_mb, 1);
		c->log(&t);
		assert_int_equal(dmab_import_buffer(&whole, t.s, t.len, err, sizeof(err)), 0);
		check_files(c, &whole, "read whole");
		/* as a slow pipe hands it over: every line end split from its line */
		assert_int_equal(dmab_import_init(&bytewise, err, sizeof(err)), 0);
		for (k = 0; k < t.len; k++)
			assert_int_equal(dmab_import_feed(&bytewise, t.s + k, 1), 0);
		assert_int_equal(dmab_import_finish(&bytewise), 0);
		check_files(c, &bytewise, "a byte at a time");
		CHECK_U64(c->name, "lines", bytewise.lines, whole.lines);
		dmab_import_free(&whole);
		dmab_import_free(&bytewise);
		free(t.s);
		unsetenv(DMAB_RESULT_MAX_MB_ENV);
	}
}

/* The found callback: called once a file, in order; its data freed after unless taken. */
struct seen {
	size_t calls;
	unsigned char *taken;
};

static int take_first(struct dmab_import *imp, struct dmab_import_file *f, void *arg)
{
	struct seen *s = arg;

	(void)imp;
	if (!s->calls++) {
		s->taken = f->data;
		f->data = NULL;
	}
	return 0;
}

static void test_found_callback(void **state)
{
	struct seen s = { 0 };
	struct dmab_import imp = { .found = take_first, .arg = &s };
	struct text t = { 0 };
	char err[256];

	(void)state;
	two_files(&t);
	assert_int_equal(dmab_import_buffer(&imp, t.s, t.len, err, sizeof(err)), 0);
	CHECK_U64("callback", "calls", s.calls, 2);
	assert_non_null(s.taken);
	assert_memory_equal(s.taken, file_a, len_a);
	assert_null(imp.files[0].data);
	assert_null(imp.files[1].data);	/* freed by the reader after the call */
	free(s.taken);
	dmab_import_free(&imp);
	free(t.s);
}

static void test_bad_limit(void **state)
{
	struct dmab_import imp = { 0 };
	char err[256] = "";

	(void)state;
	setenv(DMAB_RESULT_MAX_MB_ENV, "lots", 1);
	assert_int_equal(dmab_import_init(&imp, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, DMAB_RESULT_MAX_MB_ENV));
	unsetenv(DMAB_RESULT_MAX_MB_ENV);
	dmab_import_free(&imp);
}

static void test_names(void **state)
{
	static const struct {
		const char *name;
		const char *why;	/* NULL: a plain file name */
	} names[] = {
		{ "base.json", NULL },
		{ "x86_64-6.1.0-quick-2026.json", NULL },
		{ "a+b,c=d@e.json", NULL },
		{ "", "empty" },
		{ "../base.json", "'/'" },
		{ "dir/base.json", "'/'" },
		{ "/etc/passwd", "'/'" },
		{ "..", "'..'" },
		{ "a..json", "'..'" },
		{ ".hidden.json", "starts with '.'" },
		{ "-rf", "starts with '-'" },
		{ "my result.json", "a character other than" },
		{ "r\xc3\xa9sultat.json", "a character other than" },
		{ "tab\t.json", "a character other than" },
		{ "back\\slash.json", "a character other than" },
	};
	char longest[DMAB_IMPORT_NAME_MAX + 2];
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int ret = dmab_import_name_check(names[i].name, &why);

		if (!names[i].why && ret)
			fail_msg("'%s' refused: %s", names[i].name, why);
		if (names[i].why && (!ret || !strstr(why, names[i].why)))
			fail_msg("'%s': %s, want it refused saying %s", names[i].name,
				 ret ? why : "accepted", names[i].why);
	}
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = 0;
	assert_int_equal(dmab_import_name_check(longest, &why), -EINVAL);
	longest[DMAB_IMPORT_NAME_MAX] = 0;
	assert_int_equal(dmab_import_name_check(longest, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_found_callback),
		cmocka_unit_test(test_bad_limit),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
