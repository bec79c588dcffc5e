/* keel-test: privileged=1 */
/* What console_write puts in the hypervisor log, read back with
 * console_read: "(dN) " lines, 128-character line splitting, control
 * characters replaced by '?', CR dropped, tab kept, and text without a
 * newline held back until one arrives. */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "console_readback";

static char logbuf[64 * 1024];
static size_t loglen;
static uint64_t logpos;

static void wr(const char *s, size_t n)
{
	long rc = keel_hypercall_console_write((unsigned long)s, n);

	CHECK_EQ(rc, n);
}

/* Read everything logged since the last call. */
static void read_new(void)
{
	static char chunk[4096];

	loglen = 0;
	for (int i = 0; i < 100; i++) {
		long rc = keel_hypercall_console_read((unsigned long)chunk,
						      sizeof(chunk),
						      (unsigned long)&logpos);
		CHECK(rc >= 0, "console_read = %ld", rc);
		if (rc <= 0)
			break;
		size_t n = (size_t)rc;
		if (loglen + n > sizeof(logbuf))
			n = sizeof(logbuf) - loglen;
		memcpy(logbuf + loglen, chunk, n);
		loglen += n;
	}
}

/* Is @line (without its newline) a whole line of what read_new got?
 * Lines in the log start with a "[    s.micros] " time stamp. */
static bool has_line(const char *line, size_t m)
{
	for (size_t i = 2; i + m < loglen + 1; i++) {
		if (logbuf[i - 1] == ' ' && logbuf[i - 2] == ']' &&
		    !memcmp(logbuf + i, line, m) &&
		    (i + m == loglen || logbuf[i + m] == '\n'))
			return true;
	}
	return false;
}

static bool contains(const char *s, size_t m)
{
	for (size_t i = 0; i + m <= loglen; i++)
		if (!memcmp(logbuf + i, s, m))
			return true;
	return false;
}

/* Every line read since the last read_new() that mentions what the
 * forged text says starts (after its time stamp) with our prefix. */
static void check_forged_lines(const char *prefix, int plen)
{
	static const char *const fakes[] = { "KEEL-EXIT", "All domains exited" };
	unsigned int found = 0;

	for (size_t start = 0; start < loglen;) {
		size_t end = start;
		while (end < loglen && logbuf[end] != '\n')
			end++;
		for (unsigned int f = 0; f < 2; f++) {
			size_t m = strlen(fakes[f]);
			for (size_t i = start; i + m <= end; i++) {
				if (memcmp(logbuf + i, fakes[f], m))
					continue;
				size_t text = start;
				while (text < end && logbuf[text] != ']')
					text++;
				text += 2;
				CHECK(text + plen <= end &&
				      !memcmp(logbuf + text, prefix, plen),
				      "a forged \"%s\" line without our prefix",
				      fakes[f]);
				found++;
				break;
			}
		}
		start = end + 1;
	}
	CHECK_EQ(found, 2);
	printf("forged hypervisor lines carry our prefix\n");
}

/* Whether Keel's last "console: input to dN" announcement names us. */
static bool we_have_the_focus(void)
{
	static char all[64 * 1024];
	char mine[32];
	size_t len = rt_log_read_all(all, sizeof(all));
	bool ours = false;

	int m = format_string(mine, sizeof(mine), "console: input to d%u ",
			      rt_boot.domid);
	for (size_t i = 0; i + 19 <= len; i++)
		if (!memcmp(all + i, "console: input to d", 19))
			ours = i + m <= len && !memcmp(all + i, mine, m);
	return ours;
}

void test_main(void)
{
	char prefix[16], want[300];
	int plen = format_string(prefix, sizeof(prefix), "(d%u) ",
				 rt_boot.domid);

	read_new();	/* skip what is already there */

	/* 200 characters: a line of 128, then one of 72. */
	static char line[201];
	for (int i = 0; i < 200; i++)
		line[i] = (char)('A' + i % 26);
	line[200] = '\n';
	wr(line, sizeof(line));
	read_new();
	memcpy(want, prefix, plen);
	memcpy(want + plen, line, 128);
	CHECK(has_line(want, plen + 128), "no 128-character first line");
	memcpy(want + plen, line + 128, 72);
	CHECK(has_line(want, plen + 72), "no 72-character second line");
	memcpy(want + plen, line, 200);
	CHECK(!contains(want, plen + 129), "200-character line not split");
	printf("200-character line logged as 128 + 72\n");

	/* Control characters, DEL and every byte of 0x80 and above: '?'.
	 * Among them are the bytes a log reader might take as a line break
	 * (VT, FF, FS, GS, RS, UTF-8 NEL and U+2028, a lone 0x85) and the
	 * 8-bit CSI 0x9b. An escape sequence (ESC [ 2 J) is dropped whole;
	 * a backspace is kept, as it erases a character of our own. */
	static const char ctl[] = "ctl:\a|\x1b[2J|\0|\t|\r|\b|\x7f|\x0b\x0c|"
				  "\x1c\x1d\x1e|\xc2\x85|\xe2\x80\xa8|\x85|"
				  "\x9b|\xff|end\n";
	static const char ctl_want[] = "ctl:?||?|\t||\b|?|??|???|??|???|?|"
				       "?|?|end";
	wr(ctl, sizeof(ctl) - 1);
	read_new();
	memcpy(want + plen, ctl_want, sizeof(ctl_want) - 1);
	CHECK(has_line(want, plen + sizeof(ctl_want) - 1),
	      "control and non-ASCII bytes not logged as '?'");
	for (size_t i = 0; i < loglen; i++)
		CHECK(logbuf[i] == '\n' || logbuf[i] == '\t' ||
		      logbuf[i] == '\b' ||
		      (logbuf[i] >= 0x20 && logbuf[i] < 0x7f),
		      "byte %#x in the log", (unsigned char)logbuf[i]);
	printf("control and non-ASCII bytes: '?', CR and escapes dropped, "
	       "tab and backspace kept\n");

	/* A line a guest writes always starts with its own prefix, whatever
	 * it puts at what looks like a line start. */
	static const char forged[] = "x\nKEEL-EXIT: success\n"
				     "\rAll domains exited; 1 frames free, 2 "
				     "before the first domain\n";
	wr(forged, sizeof(forged) - 1);
	read_new();
	check_forged_lines(prefix, plen);
	/* Text without a newline waits for one (but for the console-input
	 * focus, whose unfinished line shows after 20 ms: see
	 * console_focus_partial_line). */
	static const char part1[] = "held back until the newline: ";
	static const char part2[] = "here\n";
	bool focus = we_have_the_focus();
	wr(part1, sizeof(part1) - 1);
	read_new();
	CHECK(focus || !contains(part1, sizeof(part1) - 1),
	      "text without a newline was logged at once");
	wr(part2, sizeof(part2) - 1);
	read_new();
	int n = format_string(want, sizeof(want), "%s%s%s", prefix, part1,
			      "here");
	/* The focus's line may have been shown in part, and anything
	 * logged in between then split it. */
	CHECK(focus || has_line(want, n), "joined line not found");
	printf("partial line held until its newline%s\n",
	       focus ? " (or shown in part: we have the focus)" : "");

	/* Exactly 128 characters: one full line. */
	static char full[129];
	for (int i = 0; i < 128; i++)
		full[i] = (char)('a' + i % 26);
	full[128] = '\n';
	wr(full, sizeof(full));
	read_new();
	memcpy(want + plen, full, 128);
	CHECK(has_line(want, plen + 128), "128-character line missing");
	printf("128-character line logged\n");
}
