/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench import: result files back out of a console log, where
 * `dmabench export --format console` printed them (analysis/export.h: the
 * markers, the 76-character base64 lines of the gzip of the file).
 *
 * A log is read a line at a time, as it comes (a pipe, a file of any size):
 * memory grows with the embedded files, never with the log. What real
 * captures do to lines is undone here:
 *   - line ends: LF, CRLF, CR alone and stray CRs are all line breaks; empty
 *     lines are skipped;
 *   - a prefix before the marker and before each base64 line (a printk
 *     timestamp "[   12.345678] ", a logger's "ttyS0: "): the marker is
 *     found anywhere in a line, and a base64 line is the longest run of
 *     base64 characters at the end of its line, so a prefix must end in a
 *     character base64 does not use (a space, ']', ':', '>'...);
 *   - LAVA's job log (lava_common/log.py): each line a YAML flow mapping
 *     `- {"dt": "...", "lvl": "target", "msg": "..."}`, the console line in
 *     the double-quoted "msg" (its escapes undone);
 *   - terminal escape sequences (ESC [ ... letter) are dropped;
 *   - noise: lines of other programs between the base64 lines are skipped.
 *     A short line made of base64 characters can be either noise or the
 *     last line of the data; the gzip trailer's length field, which must be
 *     bytes=N, tells which;
 *   - truncation: a begin without its end (the log stops, the board
 *     crashed, another begin comes first) is reported, not decoded.
 * Each file is then decoded (base64, gzip with its CRC), its size checked
 * against the marker's bytes=N, and read by dmab_result_load_buffer(), the
 * reader of compare and plot, whose limits apply (DMABENCH_MAX_RESULT_MB).
 */
#ifndef DMAB_IMPORT_H
#define DMAB_IMPORT_H

#include <stddef.h>
#include <stdint.h>

/* The longest name a marker may carry (a file name's limit). */
#define DMAB_IMPORT_NAME_MAX 255
/* A line longer than this is noise (LAVA's own lines stop at 10^5 characters). */
#define DMAB_IMPORT_LINE_MAX (1u << 20)
/* More embedded files than this in one log: -E2BIG (a log to split, or not a console log). */
#define DMAB_IMPORT_FILES_MAX 10000
/* Short base64 lines kept after the last full one: the candidates for the data's last line. */
#define DMAB_IMPORT_CANDIDATES 8

enum dmab_import_status {
	DMAB_IMPORT_OK,
	DMAB_IMPORT_TRUNCATED,		/* a begin without its end, or an end without its begin */
	DMAB_IMPORT_BAD_MARKER,		/* the begin line is not "NAME bytes=N gzip+base64" */
	DMAB_IMPORT_TOO_LARGE,		/* bytes=N over the result reader's limit */
	DMAB_IMPORT_BAD_BASE64,		/* no data, or a data line damaged (not base64) */
	DMAB_IMPORT_BAD_GZIP,		/* not gzip, a CRC mismatch, cut short */
	DMAB_IMPORT_SIZE_MISMATCH,	/* decompresses to other than bytes=N */
	DMAB_IMPORT_INVALID,		/* whole, but not a result file: the reader's reason */
	DMAB_IMPORT_STATUS_COUNT
};

/* "ok", "truncated", "bad marker", ... by status. */
extern const char *const dmab_import_status_names[DMAB_IMPORT_STATUS_COUNT];

struct dmab_import_file {
	/* as the begin marker says; control characters replaced by '?' */
	char name[DMAB_IMPORT_NAME_MAX + 1];
	uint64_t bytes;			/* the marker's bytes=N */
	size_t begin_line, end_line;	/* in the log, from 1 (counted by LF); end 0: none */
	enum dmab_import_status status;
	char reason[512];		/* what is wrong; empty when ok */
	unsigned char *data;		/* ok: the file, @bytes of it (see found below) */
	size_t len;
};

struct dmab_import {
	/* every embedded file, in the order of the log (their data: see found) */
	struct dmab_import_file *files;
	size_t n_files;
	size_t lines;			/* lines read (LF) */
	uint64_t bytes_read;
	/*
	 * Called for each file as its end is read (or its truncation seen);
	 * may take f->data (then sets it NULL); the reader frees what is left
	 * once it returns. NULL: each file's data stays in files[] until
	 * dmab_import_free(). A negative return stops the reading with it.
	 */
	int (*found)(struct dmab_import *imp, struct dmab_import_file *f, void *arg);
	void *arg;

	/* the reader's own state */
	size_t cap_files;
	uint64_t max_bytes;		/* the result reader's limit */
	int open;			/* files[cur] is between its begin and its end */
	size_t cur;
	int cur_skip;			/* its status is decided: wait for its end only */
	char *text;			/* its base64 so far, full lines */
	size_t text_len, text_cap, text_max;
	char cand[DMAB_IMPORT_CANDIDATES][80];	/* short lines after the last full one */
	unsigned char cand_len[DMAB_IMPORT_CANDIDATES];
	size_t n_cand;			/* pushed since the last full line */
	size_t damaged_line;		/* the first line in it that looks like damaged base64 */
	char *partial;			/* a line not yet ended, between two feeds */
	size_t partial_len, partial_cap;
	int overlong;			/* that line is over DMAB_IMPORT_LINE_MAX: noise */
	char *scratch;			/* a line with LAVA's escapes or ESC sequences undone */
	size_t scratch_cap;
};

/*
 * Prepares @imp (zeroed by the caller, @found and @arg set if wanted).
 * Returns 0, -ENOMEM, or -EINVAL when DMABENCH_MAX_RESULT_MB is not a
 * valid limit (@err says why).
 */
int dmab_import_init(struct dmab_import *imp, char *err, size_t errlen);

/* The next @len bytes of the log. 0, -ENOMEM, -E2BIG, or what found returned. */
int dmab_import_feed(struct dmab_import *imp, const char *data, size_t len);

/* The log ended: its last line, and a file still open is truncated. */
int dmab_import_finish(struct dmab_import *imp);

/* init, feed and finish over a buffer; free it after, whatever it returns. */
int dmab_import_buffer(struct dmab_import *imp, const char *data, size_t len, char *err,
		       size_t errlen);

/* Feeds and finishes from @fd (a file, a pipe, stdin) in chunks; -errno of read too. */
int dmab_import_fd(struct dmab_import *imp, int fd);

void dmab_import_free(struct dmab_import *imp);

/*
 * 0 when @name is a plain file name to write in a folder: 1 to 255 bytes
 * of letters, digits and . _ - + , = @, not starting with '.' or '-', no
 * "..". Else -EINVAL with *@why saying what is wrong.
 */
int dmab_import_name_check(const char *name, const char **why);

#endif /* DMAB_IMPORT_H */
