/* The streaming log scanner: line numbers, chunk boundaries, long lines. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "evidence/logscan.h"
#include "unit.h"

struct seen {
	long lines[16];
	char text[16][64];
	int n;
};

static void on_line(void *data, const char *line, size_t len, long no)
{
	struct seen *s = data;
	if (s->n < 16) {
		s->lines[s->n] = no;
		snprintf(s->text[s->n], sizeof(s->text[0]), "%.*s", (int)(len < 63 ? len : 63), line);
		s->n++;
	}
}

static const char *const anchors[] = { "NVRM", "x86/PAT:", NULL };

int main(void)
{
	struct seen s = { 0 };
	struct logscan_stats st;
	const char *log = "a\nNVRM: one\nb\r\nx86/PAT: two NVRM\nlast NVRM";
	char path[] = "/tmp/logscan.XXXXXX";
	int fd;

	logscan_buf(log, strlen(log), anchors, on_line, &s, &st);
	UNIT_INTEQ(s.n, 3, "buf_one_callback_per_matching_line");
	UNIT_INTEQ(s.lines[0], 2, "buf_line_numbers_are_1_based");
	UNIT_STREQ(s.text[1], "x86/PAT: two NVRM", "buf_line_without_newline");
	UNIT_INTEQ(s.lines[2], 5, "buf_last_line_without_newline");
	UNIT_INTEQ(st.lines, 5, "buf_counts_lines");

	/* A file with a match on both sides of a chunk boundary and a line
	 * longer than the limit in between. */
	fd = mkstemp(path);
	UNIT_OK(fd >= 0, "mkstemp");
	{
		size_t big = LOGSCAN_CHUNK + 100;
		char *buf = malloc(big);
		memset(buf, 'x', big);
		dprintf(fd, "first NVRM\n");
		UNIT_OK(write(fd, buf, big) == (ssize_t)big, "write long line");
		dprintf(fd, "\nafter x86/PAT: yes\n");
		for (int i = 0; i < 20000; i++)
			dprintf(fd, "filler line %d to cross the chunk boundary\n", i);
		dprintf(fd, "NVRM: at the end\n");
		free(buf);
	}
	lseek(fd, 0, SEEK_SET);
	memset(&s, 0, sizeof(s));
	UNIT_INTEQ(logscan_fd(fd, anchors, on_line, &s, &st), 0, "fd_scan_ok");
	UNIT_INTEQ(s.n, 3, "fd_finds_matches_around_long_line");
	UNIT_INTEQ(s.lines[0], 1, "fd_first_line");
	UNIT_INTEQ(s.lines[1], 3, "fd_line_after_long_line_numbered_right");
	UNIT_INTEQ(s.lines[2], 20004, "fd_line_numbers_across_chunks");
	UNIT_INTEQ(st.long_lines, 1, "fd_counts_long_lines");
	UNIT_INTEQ(st.first_long_line, 2, "fd_long_line_position");
	close(fd);
	unlink(path);
	return unit_done();
}
