/*
 * The guest console_ring builds with console_backend= (it embeds this
 * image): a PV console frontend in a few lines. It checks what the boot
 * FDT says of the console (the ring page right after the boot stack, a
 * zero ring, an unbound port of its own), then writes a long pattern
 * through the ring, more than the ring holds, so that it must wait for
 * the backend to make room; then a marker line; then it waits for a line
 * of input, reports it in the hypervisor log and through the ring, and
 * powers off. On its own (no console) it only checks that the tree has
 * no console node and that the page tables follow the stack.
 */
#include <format.h>
#include <libfdt.h>
#include <keel/io/console.h>
#include "keeltest.h"

const char test_name[] = "console_ring_child";

#define PATTERN_BYTES 5000

static volatile struct keel_console_ring *ring;

/* Put @len bytes in the output ring, waiting on the port for room. */
static void ring_write(const char *buf, size_t len)
{
	uint64_t deadline = rt_now_ns() + 30000000000ULL;

	while (len) {
		uint32_t prod = ring->out_prod;
		uint32_t cons = __atomic_load_n(&ring->out_cons,
						__ATOMIC_ACQUIRE);
		uint32_t room = KEEL_CONSOLE_OUT_SIZE - (prod - cons);

		if (!room) {
			if (!rt_wait_port(rt_boot.console_port, deadline)) {
				test_fail_at(__FILE__, __LINE__, "the backend "
					     "made no room in 30 s");
				test_shutdown(KEEL_SHUTDOWN_crash);
			}
			continue;
		}
		while (room && len) {
			ring->out[prod++ % KEEL_CONSOLE_OUT_SIZE] = *buf++;
			room--;
			len--;
		}
		__atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
		CHECK_EQ(rt_send(rt_boot.console_port), 0);
	}
}

/* One line of input from the backend, without its newline. */
static void ring_read_line(char *line, size_t size)
{
	uint64_t deadline = rt_now_ns() + 30000000000ULL;
	size_t n = 0;

	for (;;) {
		uint32_t prod = __atomic_load_n(&ring->in_prod,
						__ATOMIC_ACQUIRE);
		uint32_t cons = ring->in_cons;

		CHECK(prod - cons <= KEEL_CONSOLE_IN_SIZE,
		      "in_prod %u is past in_cons %u by more than the ring",
		      prod, cons);
		while (cons != prod) {
			char c = ring->in[cons++ % KEEL_CONSOLE_IN_SIZE];

			if (c == '\n') {
				__atomic_store_n(&ring->in_cons, cons,
						 __ATOMIC_RELEASE);
				line[n] = '\0';
				return;
			}
			CHECK(n + 1 < size, "an input line that does not end");
			line[n++] = c;
		}
		__atomic_store_n(&ring->in_cons, cons, __ATOMIC_RELEASE);
		if (!rt_wait_port(rt_boot.console_port, deadline)) {
			test_fail_at(__FILE__, __LINE__, "no input line in 30 s");
			test_shutdown(KEEL_SHUTDOWN_crash);
		}
	}
}

void test_main(void)
{
	uint64_t stack_top = rt_boot.console_vaddr ? rt_boot.console_vaddr :
				rt_boot.page_tables_vaddr;

	if (!rt_boot.console_vaddr) {
		CHECK(fdt_path_offset(rt_boot.fdt, "/keel/console") < 0,
		      "a console node without a ring");
		printf("no console: page tables at the stack's top, %#llx\n",
		       (unsigned long long)stack_top);
		return;
	}
	/* The layout: ring right after the stack, tables right after. */
	CHECK_EQ(rt_boot.page_tables_vaddr, rt_boot.console_vaddr + 4096);
	CHECK_EQ(rt_boot.console_grant_ref, KEEL_CONSOLE_GRANT_REF);
	CHECK(rt_boot.console_port != 0, "no console port");
	ring = (volatile struct keel_console_ring *)rt_boot.console_vaddr;
	const volatile uint8_t *bytes = (const volatile uint8_t *)ring;
	for (unsigned int i = 0; i < 4096; i++)
		CHECK_EQ(bytes[i], 0);

	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
					 .port = rt_boot.console_port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
	CHECK(st.status == KEEL_EVTCHNSTAT_unbound ||
	      st.status == KEEL_EVTCHNSTAT_interdomain,
	      "console port status %u", st.status);
	printf("console ring at %#llx, port %u, backend d%u\n",
	       (unsigned long long)rt_boot.console_vaddr,
	       rt_boot.console_port, rt_boot.console_backend);

	rt_mask(rt_boot.console_port);
	char chunk[100];
	for (unsigned int done = 0; done < PATTERN_BYTES;) {
		unsigned int n = PATTERN_BYTES - done < sizeof(chunk) ?
				 PATTERN_BYTES - done : sizeof(chunk);

		for (unsigned int i = 0; i < n; i++)
			chunk[i] = (char)('a' + (done + i) % 26);
		ring_write(chunk, n);
		done += n;
	}
	static const char marker[] = "\nconsole_ring_child: pattern done\n";
	ring_write(marker, sizeof(marker) - 1);

	char line[64];
	ring_read_line(line, sizeof(line));
	printf("got input: %s\n", line);
	char reply[96];
	int len = format_string(reply, sizeof(reply), "echo: %s\n", line);
	ring_write(reply, (size_t)len);
	/* Wait until the backend has taken it all, then power off. */
	uint64_t deadline = rt_now_ns() + 30000000000ULL;
	while (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) !=
	       ring->out_prod)
		if (!rt_wait_port(rt_boot.console_port, deadline))
			return test_fail_at(__FILE__, __LINE__, "the backend "
					    "did not take the reply");
}
