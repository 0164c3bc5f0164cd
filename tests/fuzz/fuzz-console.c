// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the console-log reader of dmabench import, which reads
 * what boards printed (analysis/import.h). One input is one log. It is read
 * whole (dmab_import_buffer), then again in pieces whose sizes follow from
 * the input, the way a pipe hands a log over (dmab_import_feed, the files
 * handed to a found callback and freed after it, as dmabench import does):
 * both readings must find the same files, in the same order, with the same
 * status, reason, lines, name and bytes. Beyond the sanitizers, each file
 * must hold what its status says (check_file), and a name the name check
 * lets through must be a plain file name.
 *
 * Built and run by make fuzz / make fuzz-short (tests/fuzz/run.sh).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../analysis/import.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/*
	 * The fixtures are 44 KB: a 4 MiB limit keeps a claimed size, and a
	 * gzip that inflates 1000-fold, from spending the run on memset
	 */
	setenv("DMABENCH_MAX_RESULT_MB", "4", 1);
	return 0;
}

static void finding(const char *what, const struct dmab_import_file *f)
{
	fprintf(stderr, "fuzz-console: %s (file '%.80s', status %d, line %zu: %.200s)\n", what,
		f ? f->name : "", f ? (int)f->status : -1, f ? f->begin_line : 0,
		f ? f->reason : "");
	abort();
}

/* What every file the reader reports must hold, whatever the log. */
static void check_file(const struct dmab_import_file *f, int data_kept)
{
	const char *why;

	if ((unsigned int)f->status >= DMAB_IMPORT_STATUS_COUNT)
		finding("a status out of range", f);
	if ((f->status == DMAB_IMPORT_OK) != !f->reason[0])
		finding("a reason with ok, or none with a failure", f);
	if (!memchr(f->reason, 0, sizeof(f->reason)) || !memchr(f->name, 0, sizeof(f->name)))
		finding("a string not terminated", f);
	if (f->status == DMAB_IMPORT_OK && (f->len != f->bytes || (data_kept && !f->data)))
		finding("an ok file that is not its marker's size", f);
	if (f->status != DMAB_IMPORT_OK && (f->data || f->len))
		finding("data kept for a damaged file", f);
	if (!f->begin_line && !f->end_line)
		finding("a file at no line", f);
	if (f->end_line && f->begin_line > f->end_line)
		finding("a file that ends before it begins", f);
	if (!dmab_import_name_check(f->name, &why) &&
	    (!f->name[0] || strchr(f->name, '/') || strstr(f->name, "..") || f->name[0] == '.' ||
	     strpbrk(f->name, " \t\r\n\\*?")))
		finding("the name check lets an unsafe name through", f);
}

struct pieces {
	const struct dmab_import *whole;
	size_t seen;
};

/* Each file of the reading in pieces against the same file of the whole reading. */
static int same_as_whole(struct dmab_import *imp, struct dmab_import_file *f, void *arg)
{
	struct pieces *p = arg;
	const struct dmab_import_file *w;

	if ((size_t)(f - imp->files) != p->seen || p->seen >= p->whole->n_files)
		finding("read in pieces, a file more or out of order", f);
	w = &p->whole->files[p->seen++];
	check_file(f, 1);
	if (f->status != w->status || strcmp(f->reason, w->reason) || strcmp(f->name, w->name) ||
	    f->bytes != w->bytes || f->begin_line != w->begin_line ||
	    f->end_line != w->end_line || f->len != w->len ||
	    (f->len && memcmp(f->data, w->data, f->len)))
		finding("read in pieces, a file differs from the whole reading", f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmab_import whole = { 0 }, part = { 0 };
	struct pieces p = { .whole = &whole };
	const char *log = (const char *)data;
	uint64_t seed = size * 0x9e3779b97f4a7c15ull + 1;
	size_t i, off = 0;
	char err[256];
	int ret, ret_part = 0;

	ret = dmab_import_buffer(&whole, log, size, err, sizeof(err));
	if (ret && ret != -E2BIG)
		finding("the whole reading failed", NULL);
	for (i = 0; i < whole.n_files; i++)
		check_file(&whole.files[i], 1);

	part.found = same_as_whole;
	part.arg = &p;
	if (dmab_import_init(&part, err, sizeof(err)))
		finding("init failed", NULL);
	/* pieces of 1 to 128 bytes, mostly small: line ends fall at every place in them */
	while (off < size && !ret_part) {
		size_t n;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = 1 + (size_t)(seed >> 33) % ((seed >> 20) & 1 ? 128 : 8);
		if (n > size - off)
			n = size - off;
		ret_part = dmab_import_feed(&part, log + off, n);
		off += n;
	}
	if (!ret_part)
		ret_part = dmab_import_finish(&part);
	if (ret_part != ret || part.n_files != whole.n_files || p.seen != whole.n_files ||
	    (!ret && part.lines != whole.lines))
		finding("read in pieces, another outcome than read whole", NULL);
	dmab_import_free(&part);
	dmab_import_free(&whole);
	return 0;
}
