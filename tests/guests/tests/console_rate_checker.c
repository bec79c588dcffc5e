/* keel-test: group=console_rate cpus=2 privileged=1 timeout=180 */
/*
 * Guest console rate limit, checked from the hypervisor log.
 *
 * This control domain reads the log with console_read as it grows, while
 * console_rate_flooder (domain 1) writes 2 MB as fast as it can and
 * console_rate_victim (domain 2) writes a short line every 10 ms. It
 * checks that:
 *   - its own output, well over the burst, is never limited;
 *   - the flooder got through at most the burst plus the rate times the
 *     time it flooded, and at least the burst: what it says it was
 *     refused is what Keel reports refusing, and the log holds no more
 *     of its text than it says was taken;
 *   - the log never ran ahead of this reader (the ring did not wrap);
 *   - every victim line is there, in order, logged within 1 s of being
 *     written, and nothing of the victim's was refused.
 * The rate and burst are read from Keel's boot line, so the test follows
 * the defaults (guest_console_rate=, guest_console_burst=).
 */
#include <format.h>
#include "console_rate.h"

const char test_name[] = "console_rate_checker";

#define VICTIM_DELAY_MAX_NS 1000000000ULL
#define LINE_COST 24	/* what the limit charges per logged line */

static uint64_t log_pos;
static bool log_wrapped;
static char partial[512];
static size_t partial_len;

struct seen {
	uint64_t rate, burst;			/* from Keel's boot line */
	unsigned int own_lines;			/* "checker burst" lines */
	uint64_t flood_text;			/* bytes of (d1) flood lines */
	unsigned int flood_lines;		/* and how many lines */
	long last_flood_seq;
	unsigned int flood_whole_lines;
	bool flood_in_order;
	bool flood_report;			/* "(d1) flood over: ..." */
	uint64_t flood_took, flood_refused;	/* as the flooder says */
	uint64_t flood_last_ns;			/* stamp of the last flood line */
	uint64_t keel_refused[3];		/* "dN: console: N bytes refused" */
	unsigned int ticks;			/* victim lines, in order */
	uint64_t worst_tick_delay;
	bool exited[3];
};
static struct seen seen = { .last_flood_seq = -1, .flood_in_order = true };

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The decimal number at *s; *s moves past it. */
static uint64_t number(const char **s)
{
	uint64_t v = 0;

	while (**s >= '0' && **s <= '9')
		v = v * 10 + (uint64_t)(*(*s)++ - '0');
	return v;
}

/* The number after @key in @s, or 0. */
static uint64_t number_after(const char *s, const char *key)
{
	size_t m = strlen(key);

	for (; *s; s++)
		if (!strncmp(s, key, m)) {
			s += m;
			return number(&s);
		}
	return 0;
}

static void parse_line(char *line)
{
	/* "[    1.234567] text" */
	const char *p = line;
	uint64_t stamp = 0;

	if (*p != '[')
		return;
	while (*++p == ' ')
		;
	stamp = number(&p) * 1000000000ULL;
	if (*p++ != '.')
		return;
	stamp += number(&p) * 1000;
	if (*p++ != ']' || *p++ != ' ')
		return;

	if (starts(p, "console: guest output limited to ")) {
		seen.rate = number_after(p, "limited to ");
		seen.burst = number_after(p, "bursts of ");
	} else if (starts(p, "(d0) checker burst ")) {
		seen.own_lines++;
	} else if (starts(p, "(d1) flood over: ")) {
		seen.flood_report = true;
		seen.flood_text += strlen(p + 5);
		seen.flood_took = number_after(p, "took ");
		seen.flood_refused = number_after(p, "refused ");
	} else if (starts(p, "(d1) ")) {
		const char *text = p + 5;
		seen.flood_text += strlen(text);
		seen.flood_lines++;
		seen.flood_last_ns = stamp;
		/* Whole lines only: where the limit cut a write short, the
		 * rest of that line is lost and the next taken bytes go on
		 * from there. */
		const char *q = text + 6;
		if (starts(text, "flood ") &&
		    strlen(text) == FLOOD_LINE_BYTES - 1) {
			long seq = (long)number(&q);
			if (*q == ' ' && q == text + 12) {
				if (seq <= seen.last_flood_seq)
					seen.flood_in_order = false;
				seen.last_flood_seq = seq;
				seen.flood_whole_lines++;
			}
		}
	} else if (starts(p, "(d2) tick ")) {
		const char *q = p + 10;
		unsigned int k = (unsigned int)number(&q);
		uint64_t written = number_after(q, " at ");
		CHECK(k == seen.ticks, "victim tick %u where %u was due", k,
		      seen.ticks);
		seen.ticks = k + 1;
		CHECK(stamp + 1000 >= written, "tick %u logged before it was "
		      "written", k);
		uint64_t delay = stamp > written ? stamp - written : 0;
		if (delay > seen.worst_tick_delay)
			seen.worst_tick_delay = delay;
	} else if (p[0] == 'd' && p[1] >= '0' && p[1] <= '2' &&
		   starts(p + 2, ": console: ")) {
		seen.keel_refused[p[1] - '0'] = number_after(p, "console: ");
	} else if (starts(p, "Domain ") && number_after(p, "") < 3) {
		const char *q = p + 7;
		unsigned int d = (unsigned int)number(&q);
		for (; *q; q++)
			if (starts(q, ") exited: ") && d < 3)
				seen.exited[d] = true;
	}
}

/* Read what the log has gained; parse it line by line. */
static void read_log(void)
{
	static char chunk[4096];

	for (;;) {
		uint64_t before = log_pos;
		long rc = keel_hypercall_console_read((unsigned long)chunk,
						      sizeof(chunk),
						      (unsigned long)&log_pos);
		CHECK(rc >= 0, "console_read = %ld", rc);
		if (rc <= 0)
			return;
		/* A reader that fell behind continues at the oldest byte
		 * still held: the position then moved by more than it got. */
		if (log_pos - before != (uint64_t)rc)
			log_wrapped = true;
		for (long i = 0; i < rc; i++) {
			if (chunk[i] != '\n') {
				if (partial_len < sizeof(partial) - 1)
					partial[partial_len++] = chunk[i];
				continue;
			}
			partial[partial_len] = '\0';
			parse_line(partial);
			partial_len = 0;
		}
	}
}

/* Write 1.5 bursts of lines, reading the log as it goes: a control
 * domain is never limited. */
static void own_burst(void)
{
	unsigned int lines = (unsigned int)(seen.burst * 3 / 2 / 100);

	for (unsigned int i = 0; i < lines; i++) {
		char line[100];
		int n = format_string(line, sizeof(line), "checker burst %05u ",
				      i);
		memset(line + n, 'c', sizeof(line) - 1 - n);
		line[sizeof(line) - 1] = '\n';
		long rc = keel_hypercall_console_write((unsigned long)line,
						       sizeof(line));
		CHECK(rc == (long)sizeof(line), "own line %u: console_write = "
		      "%ld", i, rc);
		if (i % 16 == 15)
			read_log();
	}
	read_log();
	CHECK_EQ(seen.own_lines, lines);
	printf("own burst: %u lines of 100 bytes, all logged\n", lines);
}

void test_main(void)
{
	keel_port_t port[3] = { 0 };

	for (unsigned int d = 1; d <= 2; d++) {
		struct keel_evtchn_alloc_unbound a = {
			.dom = KEEL_DOMID_SELF, .remote_dom = (keel_domid_t)d,
		};
		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
		port[d] = a.port;
		rt_mask(a.port);
	}
	read_log();
	CHECK(seen.rate && seen.burst, "no \"console: guest output limited "
	      "to\" line in the log");
	if (test_failures)
		return;
	printf("limits: %llu bytes/s, bursts of %llu\n",
	       (unsigned long long)seen.rate, (unsigned long long)seen.burst);
	own_burst();

	for (unsigned int d = 1; d <= 2; d++)
		CHECK(rt_wait_port(port[d], rt_now_ns() + 30 * 1000000000ULL),
		      "domain %u never bound", d);
	uint64_t go = rt_now_ns();
	for (unsigned int d = 1; d <= 2; d++)
		CHECK_EQ(rt_send(port[d]), 0);

	/* The flooder says when it is done; it then waits while its bucket
	 * refills enough for its report and RESULT lines (1 KiB at the rate)
	 * before it is asked for them. Read the log all along. */
	uint64_t deadline = go + 120 * 1000000000ULL;
	bool flood_done = false;
	while (!flood_done && rt_now_ns() < deadline) {
		read_log();
		flood_done = rt_wait_port(port[1], rt_now_ns() + 2000000ULL);
	}
	CHECK(flood_done, "the flooder did not finish within 120 s");
	uint64_t refilled = rt_now_ns() + 1024 * 1000000000ULL / seen.rate;
	while (rt_now_ns() < refilled) {
		read_log();
		rt_sleep_ns(2000000ULL);
	}
	CHECK_EQ(rt_send(port[1]), 0);
	while (!(seen.exited[1] && seen.exited[2]) && rt_now_ns() < deadline) {
		read_log();
		rt_sleep_ns(2000000ULL);
	}
	read_log();
	CHECK(seen.exited[1] && seen.exited[2], "the flooder or the victim did "
	      "not exit within 120 s");
	CHECK(!log_wrapped, "the log wrapped under this reader: guest output "
	      "went faster than the rate limit allows");

	/* The flooder. */
	uint64_t span = seen.flood_last_ns > go ? seen.flood_last_ns - go : 0;
	uint64_t allowed = seen.burst + seen.rate * span / 1000000000ULL +
			   seen.rate / 100 + 1;
	/* What the flooder paid for: its bytes, and each line it got logged
	 * (LINE_COST, for Keel's stamp and prefix). */
	uint64_t paid = seen.flood_took + (uint64_t)seen.flood_lines * LINE_COST;
	printf("flooder: took %llu, refused %llu (Keel: %llu refused); %llu "
	       "bytes of its text in %u lines logged over %llu ms; limit %llu\n",
	       (unsigned long long)seen.flood_took,
	       (unsigned long long)seen.flood_refused,
	       (unsigned long long)seen.keel_refused[1],
	       (unsigned long long)seen.flood_text, seen.flood_lines,
	       (unsigned long long)(span / 1000000),
	       (unsigned long long)allowed);
	CHECK(seen.flood_report, "no report from the flooder");
	CHECK_EQ(seen.flood_took + seen.flood_refused,
		 (uint64_t)FLOOD_LINES * FLOOD_LINE_BYTES);
	CHECK_EQ(seen.keel_refused[1], seen.flood_refused);
	CHECK(paid <= allowed, "the flooder got %llu bytes and %u lines "
	      "through, %llu in all, over the %llu its rate allows",
	      (unsigned long long)seen.flood_took, seen.flood_lines,
	      (unsigned long long)paid, (unsigned long long)allowed);
	CHECK(paid + 256 >= seen.burst, "the flooder got only %llu bytes "
	      "through, less than one burst", (unsigned long long)paid);
	CHECK(seen.flood_text <= seen.flood_took, "the log holds %llu bytes of "
	      "the flooder's text, more than the %llu it took",
	      (unsigned long long)seen.flood_text,
	      (unsigned long long)seen.flood_took);
	CHECK(seen.flood_in_order, "flood lines out of order");
	CHECK(seen.flood_whole_lines * (FLOOD_LINE_BYTES + LINE_COST) + 512 >=
	      seen.burst, "only %u whole flood lines logged",
	      seen.flood_whole_lines);

	/* The victim, and this domain. */
	printf("victim: %u of %u lines, worst delay %llu us\n", seen.ticks,
	       VICTIM_TICKS, (unsigned long long)(seen.worst_tick_delay / 1000));
	CHECK_EQ(seen.ticks, VICTIM_TICKS);
	CHECK(seen.worst_tick_delay <= VICTIM_DELAY_MAX_NS, "a victim line was "
	      "logged %llu ms after it was written",
	      (unsigned long long)(seen.worst_tick_delay / 1000000));
	CHECK_EQ(seen.keel_refused[2], 0);
	CHECK_EQ(seen.keel_refused[0], 0);
}
