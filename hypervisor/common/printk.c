/*
 * printk: format, keep in the log ring, show on the consoles.
 *
 * One lock serialises the ring and the consoles, so lines from different
 * CPUs never interleave. A panicking CPU may have been interrupted while
 * holding it; console_force_unlock() lets the panic path through.
 */
#include <cmdline.h>
#include <console_line.h>
#include <format.h>
#include <log_ring.h>
#include <printk.h>
#include <spinlock.h>
#include <system_time.h>

#define LOG_RING_SIZE (64 * 1024)
#define LINE_MAX 512

unsigned int console_loglevel = LOG_DEFAULT_LEVEL;
static char opt_loglvl[16] = "";
OPTION_STRING("loglvl", opt_loglvl);

static char log_buffer[LOG_RING_SIZE];
static struct log_ring log_ring = { log_buffer, LOG_RING_SIZE, 0 };
static spinlock_t printk_lock = SPINLOCK_INIT;
static struct console *consoles;
static bool at_line_start = true;
/* The domain whose line is open on the console (printk_domain_text), or
 * -1; and how many of its characters are on that line. */
static int open_line_domid = -1;
static unsigned int open_line_column;
static unsigned int open_line_len;	/* bytes of it after the prefix */

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/* `loglvl=` takes a number 0-7 or a level name; "all" means 7. */
static void apply_loglvl_option(void)
{
	if (!opt_loglvl[0])
		return;
	if (opt_loglvl[0] >= '0' && opt_loglvl[0] <= '7' && !opt_loglvl[1]) {
		console_loglevel = opt_loglvl[0] - '0';
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(level_names); i++) {
		const char *a = opt_loglvl, *b = level_names[i];
		while (*a && *a == *b) {
			a++;
			b++;
		}
		if (!*a && !*b) {
			console_loglevel = i;
			return;
		}
	}
	if (opt_loglvl[0] == 'a' && opt_loglvl[1] == 'l' &&
	    opt_loglvl[2] == 'l' && !opt_loglvl[3])
		console_loglevel = 7;
}

static void consoles_write(const char *text, size_t len)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(text, len);
}

void console_register(struct console *con)
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	char chunk[256];
	uint64_t pos = 0;
	size_t n;

	apply_loglvl_option();
	/* Replay what was logged before this console existed. The ring keeps
	 * no levels, so all of it is shown: before the first console, only
	 * command-line warnings are logged. */
	while ((n = log_ring_read(&log_ring, &pos, chunk, sizeof(chunk))))
		con->write(chunk, n);
	con->next = consoles;
	consoles = con;
	spin_unlock_irqrestore(&printk_lock, flags);
}

/* Input needs no lock against output: a UART's receive and transmit
 * registers are separate, and only CPU 0's poll timer reads. */
int console_read_byte(void)
{
	for (struct console *c = consoles; c; c = c->next) {
		int b = c->read ? c->read() : -1;

		if (b >= 0)
			return b;
	}
	return -1;
}

void console_force_unlock(void)
{
	spin_lock_init(&printk_lock);
}

static int format_stamp(char *stamp, size_t size)
{
	uint64_t t = now_ns();

	return format_string(stamp, size, "[%5llu.%06llu] ",
			     (unsigned long long)(t / NSEC_PER_SEC),
			     (unsigned long long)(t % NSEC_PER_SEC / 1000));
}

/* Into the ring, and onto the consoles when @show. */
static void log_write(const char *text, size_t len, bool show)
{
	log_ring_write(&log_ring, text, len);
	if (show)
		consoles_write(text, len);
}

/* Domain text is logged at the default level. */
static bool domain_text_shown(void)
{
	return LOG_DEFAULT_LEVEL <= console_loglevel;
}

/* Break a domain's open line, so that what comes next starts a line:
 * where the line was shown, whatever comes next. */
static void close_open_domain_line(void)
{
	if (open_line_domid < 0)
		return;
	log_write("\n", 1, domain_text_shown());
	at_line_start = true;
	open_line_domid = -1;
}

/* Start a stamped "(dN) " line for @domid, ending whatever is open. */
static void open_domain_line(unsigned int domid)
{
	bool show = domain_text_shown();
	char prefix[48];
	int n = format_stamp(prefix, sizeof(prefix));

	close_open_domain_line();
	if (!at_line_start)	/* a partial line of Keel's own */
		log_write("\n", 1, show);
	n += format_string(prefix + n, sizeof(prefix) - n, "(d%u) ", domid);
	log_write(prefix, (size_t)n, show);
	open_line_domid = (int)domid;
	open_line_column = 0;
	open_line_len = 0;
	at_line_start = false;
}

void printk_domain_text(unsigned int domid, const char *text, size_t len,
			bool line_end)
{
	bool show = domain_text_shown();
	char out[CONSOLE_LINE_MAX];
	unsigned long flags = spin_lock_irqsave(&printk_lock);

	if (open_line_domid != (int)domid)
		open_domain_line(domid);
	while (len) {
		/* A console line holds at most CONSOLE_LINE_MAX bytes of a
		 * domain's text, however many parts it came in. */
		if (open_line_len == CONSOLE_LINE_MAX)
			open_domain_line(domid);
		size_t chunk = MIN(len, CONSOLE_LINE_MAX - open_line_len);

		log_write(out, console_line_render(text, chunk,
						   &open_line_column, out),
			  show);
		open_line_len += chunk;
		text += chunk;
		len -= chunk;
	}
	if (line_end)
		close_open_domain_line();
	spin_unlock_irqrestore(&printk_lock, flags);
}

void printk_domain_line_end(unsigned int domid)
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);

	if (open_line_domid == (int)domid)
		close_open_domain_line();
	spin_unlock_irqrestore(&printk_lock, flags);
}

void vprintk(const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	char stamp[32];
	unsigned int level = LOG_DEFAULT_LEVEL;

	if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	int len = format_string_va(line, sizeof(line), fmt, ap);
	if (len >= (int)sizeof(line))
		len = sizeof(line) - 1;

	/* Stamped under the lock, so that the stamps in the log only grow and
	 * say when a line was logged, not when its writer began to wait. */
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	int slen = format_stamp(stamp, sizeof(stamp));
	bool show = level <= console_loglevel;

	/* Keel's own messages start on a line of their own. */
	close_open_domain_line();
	/* Stamp each new line, in the ring and on the consoles. */
	for (int i = 0; i < len;) {
		int j = i;
		while (j < len && line[j] != '\n')
			j++;
		if (j < len)
			j++;	/* include the newline */
		if (at_line_start)
			log_write(stamp, slen, show);
		log_write(line + i, j - i, show);
		at_line_start = line[j - 1] == '\n';
		i = j;
	}
	spin_unlock_irqrestore(&printk_lock, flags);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

size_t log_read(uint64_t *pos, char *out, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&printk_lock);
	size_t n = log_ring_read(&log_ring, pos, out, len);

	spin_unlock_irqrestore(&printk_lock, flags);
	return n;
}

uint64_t log_total_bytes(void)
{
	return log_ring.head;
}
