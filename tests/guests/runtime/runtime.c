/*
 * The guest test runtime: boot from the FDT, traps, events, time, vCPUs,
 * user mode, and the RESULT line.
 */
#include <format.h>
#include <libfdt.h>
#include "keeltest.h"

#define MAX_VCPUS    8
#define STACK_SIZE   16384
#define RT_VECTOR_EVENT    256
#define RT_VECTOR_SYSCALL  257
#define RT_VECTOR_FAILSAFE 258

struct rt_boot rt_boot;
unsigned int test_failures;
struct rt_trap_record rt_last_trap;
bool (*rt_trap_hook)(struct rt_regs *regs);
bool (*rt_syscall_hook)(struct rt_regs *regs);

/* head.S: 32 exception stubs, then event, syscall and failsafe. */
extern const uint64_t trap_stub_table[35];
extern char secondary_entry[];
extern char __user_blob_start[], __user_blob_end[];
extern const struct { uint64_t from, to; } __extable_start[], __extable_end[];
int rt_setjmp(uint64_t *buf);
__attribute__((noreturn)) void rt_longjmp(uint64_t *buf, long value);
__attribute__((noreturn)) void rt_enter_user(struct keel_iret_frame *frame,
					     uint64_t arg);
void runtime_start(const void *fdt);
void runtime_secondary_start(void *start);
void runtime_trap(struct rt_regs *regs);

/* libfdt reads its stack canary at %fs:0x28. */
static uint64_t canary_block[8] = { [5] = 0x6775657374436e79ULL };

struct rt_percpu {
	unsigned int id;
	void (*fn)(void *);
	void *arg;
};
static struct rt_percpu percpu[MAX_VCPUS];
static uint8_t vcpu_stacks[MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static uint8_t user_trap_stack[STACK_SIZE] __attribute__((aligned(16)));

static rt_event_handler handlers[1024];
static void *handler_data[1024];
static uint8_t handler_vcpu[1024];	/* the vCPU a port notifies */

/* ---------------------------------------------------------------- output */

void printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int n = format_string_va(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	rt_console_write_all(buf, (size_t)n);
}

/* Over its console rate limit a domain's write is refused (-EAGAIN) or
 * cut short: wait for the limit to let more through, for up to 60 s, so
 * that a test that printed a lot still gets its RESULT line out. Yields
 * rather than blocks, so it works with events off and in any handler. */
bool rt_console_write_all(const char *buf, size_t len)
{
	uint64_t give_up = 0;

	while (len) {
		long rc = keel_hypercall_console_write((unsigned long)buf, len);

		if (rc > 0) {
			buf += rc;
			len -= (size_t)rc;
			give_up = 0;
			continue;
		}
		if (rc != -KEEL_EAGAIN)
			return false;
		if (!give_up)
			give_up = rt_now_ns() + 60 * 1000000000ULL;
		else if (rt_now_ns() > give_up)
			return false;
		rt_yield();
	}
	return true;
}

size_t rt_log_read_all(char *buf, size_t size)
{
	uint64_t pos = 0;
	size_t len = 0;
	long rc;

	while ((rc = keel_hypercall_console_read((unsigned long)buf + len,
						 size - len,
						 (unsigned long)&pos)) > 0 &&
	       len + (size_t)rc < size)
		len += (size_t)rc;
	return len;
}

static char rt_logbuf[4096];

uint64_t rt_log_end(void)
{
	uint64_t pos = 0;

	while (keel_hypercall_console_read((unsigned long)rt_logbuf,
					   sizeof(rt_logbuf),
					   (unsigned long)&pos) > 0)
		;
	return pos;
}

bool rt_log_wait_for(uint64_t *pos, const char *needle)
{
	uint64_t deadline = rt_now_ns() + 30000000000ULL;
	size_t m = strlen(needle);

	while (rt_now_ns() < deadline) {
		long n;

		while ((n = keel_hypercall_console_read(
				(unsigned long)rt_logbuf, sizeof(rt_logbuf),
				(unsigned long)pos)) > 0)
			for (long i = 0; i + (long)m <= n; i++)
				if (!memcmp(rt_logbuf + i, needle, m))
					return true;
		if (*pos > m)
			*pos -= m;	/* a line split across two reads */
		rt_yield();
	}
	return false;
}

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	format_string_va(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: %s:%d: %s\n", file, line, buf);
	test_failures++;
}

__attribute__((noreturn)) void test_shutdown(uint32_t reason)
{
	struct keel_sched_shutdown sd = { .reason = reason };

	for (;;)
		keel_hypercall_sched_op(KEEL_SCHEDOP_shutdown, (unsigned long)&sd);
}

__attribute__((noreturn)) static void finish(const char *result,
					     const char *why)
{
	printf("RESULT: %s %s%s%s\n", result, test_name, why ? " " : "",
	       why ? why : "");
	test_shutdown(KEEL_SHUTDOWN_poweroff);
}

__attribute__((noreturn)) void test_skip(const char *why)
{
	finish("SKIP", why);
}

/* ------------------------------------------------------------------ boot */

static uint64_t prop_u64(const void *fdt, const char *path, const char *name)
{
	int node = fdt_path_offset(fdt, path);
	int len;
	const fdt64_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, name, &len);

	if (!p || len != 8) {
		printf("boot FDT lacks %s/%s\n", path, name);
		finish("FAIL", "(bad boot FDT)");
	}
	return fdt64_to_cpu(*p);
}

/* An optional property: 0 when absent. */
static uint64_t prop_u64_or_0(const void *fdt, const char *path,
			      const char *name)
{
	int node = fdt_path_offset(fdt, path);
	int len;
	const fdt64_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, name, &len);

	return p && len == 8 ? fdt64_to_cpu(*p) : 0;
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
	int node = fdt_path_offset(fdt, path);
	int len;
	const fdt32_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, name, &len);

	if (!p || len != 4) {
		printf("boot FDT lacks %s/%s\n", path, name);
		finish("FAIL", "(bad boot FDT)");
	}
	return fdt32_to_cpu(*p);
}

static void read_boot_fdt(const void *fdt)
{
	int len;

	if (fdt_check_header(fdt))
		finish("FAIL", "(boot FDT header invalid)");
	rt_boot.domid = prop_u32(fdt, "/keel", "domain-id");
	rt_boot.nr_vcpus = prop_u32(fdt, "/keel", "nr-vcpus");
	rt_boot.privileged = fdt_getprop(fdt, fdt_path_offset(fdt, "/keel"),
					 "privileged", &len) != NULL;
	const char *name = fdt_getprop(fdt, fdt_path_offset(fdt, "/keel"),
				       "domain-name", &len);
	for (int i = 0; name && i < len && i < 31; i++)
		rt_boot.name[i] = name[i];
	rt_boot.cmdline = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				      "bootargs", &len);
	rt_boot.shared_info = (void *)prop_u64(fdt, "/keel", "shared-info-vaddr");
	rt_boot.nr_pages = prop_u64(fdt, "/keel/memory", "nr-pages");
	rt_boot.pfn_base = prop_u64(fdt, "/keel/memory", "pfn-base");
	rt_boot.mapped_pages = prop_u64(fdt, "/keel/memory", "mapped-pages");
	rt_boot.virt_base = prop_u64(fdt, "/keel/memory", "virt-base");
	rt_boot.p2m_vaddr = prop_u64(fdt, "/keel/memory", "p2m-vaddr");
	rt_boot.free_vaddr = prop_u64(fdt, "/keel/layout", "free-vaddr");
	rt_boot.free_end = prop_u64(fdt, "/keel/layout", "free-end");
	rt_boot.user_window_vaddr = prop_u64(fdt, "/keel/user-window", "vaddr");
	rt_boot.user_window_kernel_vaddr =
		prop_u64(fdt, "/keel/user-window", "kernel-vaddr");
	rt_boot.user_window_size = prop_u64(fdt, "/keel/user-window", "size");
	rt_boot.max_pages = prop_u64(fdt, "/keel/memory", "max-pages");
	rt_boot.m2p = (const uint64_t *)prop_u64(fdt, "/keel/memory",
						 "m2p-vaddr");
	rt_boot.m2p_entries = prop_u64(fdt, "/keel/memory", "m2p-entries");
	rt_boot.kernel_root_mfn = prop_u64(fdt, "/keel/page-tables",
					   "kernel-root");
	rt_boot.user_root_mfn = prop_u64(fdt, "/keel/page-tables", "user-root");
	rt_boot.page_tables_vaddr = prop_u64(fdt, "/keel/page-tables", "vaddr");
	rt_boot.page_tables_pages = prop_u64(fdt, "/keel/page-tables", "pages");
	rt_boot.shared_info_mfn = prop_u64(fdt, "/keel", "shared-info-mfn");
	rt_boot.console_vaddr = prop_u64_or_0(fdt, "/keel/console",
					      "ring-vaddr");
	if (rt_boot.console_vaddr) {
		rt_boot.console_backend = prop_u32(fdt, "/keel/console",
						   "backend-domid");
		rt_boot.console_port = prop_u32(fdt, "/keel/console",
						"event-channel");
		rt_boot.console_grant_ref = prop_u32(fdt, "/keel/console",
						     "grant-ref");
	}
	rt_boot.initrd_start = prop_u64_or_0(fdt, "/chosen", "linux,initrd-start");
	rt_boot.initrd_end = prop_u64_or_0(fdt, "/chosen", "linux,initrd-end");
	rt_boot.fdt = fdt;
}

const char *rt_cmdline_value(const char *key)
{
	size_t n = strlen(key);

	for (const char *p = rt_boot.cmdline; p && *p; p++) {
		if ((p == rt_boot.cmdline || p[-1] == ' ') &&
		    !strncmp(p, key, n) && p[n] == '=')
			return p + n + 1;
	}
	return NULL;
}

static void timer_event(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
}

/* Per-vCPU set-up: identity in GS, a timer VIRQ to wake blocks. */
static void vcpu_setup(unsigned int id)
{
	keel_port_t port;

	percpu[id].id = id;
	keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_KERNEL,
					(unsigned long)&percpu[id]);
	if (rt_bind_virq(KEEL_VIRQ_TIMER, id, &port) == 0)
		rt_event_set_handler(port, timer_event, NULL);
}

/* The trap table: the 32 exceptions, then what rt_trap_alias() adds. */
static struct keel_trap_info traps[64];
static unsigned int nr_traps = 32;

long rt_trap_alias(unsigned int vector, uint8_t flags, unsigned int stub)
{
	if (nr_traps == 64 || vector > 255 || stub > 31)
		return -KEEL_ENOSPC;
	traps[nr_traps++] = (struct keel_trap_info){
		.vector = (uint8_t)vector,
		.flags = flags,
		.address = trap_stub_table[stub],
	};
	return keel_hypercall_set_trap_table((unsigned long)traps, nr_traps);
}

void runtime_start(const void *fdt)
{
	struct keel_callbacks cb = {
		.event = trap_stub_table[32],
		.syscall = trap_stub_table[33],
		.failsafe = trap_stub_table[34],
	};

	keel_hypercall_set_segment_base(KEEL_SEGBASE_FS,
					(unsigned long)canary_block);
	read_boot_fdt(fdt);

	for (unsigned int v = 0; v < 32; v++)
		traps[v] = (struct keel_trap_info){
			.vector = (uint8_t)v,
			.flags = (v == 3 || v == 4) ? KEEL_TRAP_USER_INT : 0,
			.address = trap_stub_table[v],
		};
	if (keel_hypercall_set_trap_table((unsigned long)traps, 32))
		finish("FAIL", "(set_trap_table refused)");
	if (keel_hypercall_set_callbacks((unsigned long)&cb))
		finish("FAIL", "(set_callbacks refused)");
	keel_hypercall_stack_switch((unsigned long)user_trap_stack + STACK_SIZE);
	vcpu_setup(0);

	test_main();
	finish(test_failures ? "FAIL" : "PASS", NULL);
}

/* -------------------------------------------------------------- events */

struct keel_vcpu_info *rt_vcpu_info(void)
{
	return &rt_boot.shared_info->vcpu_info[rt_vcpu_id()];
}

void rt_event_set_handler(keel_port_t port, rt_event_handler fn, void *data)
{
	if (port < 1024) {
		handler_data[port] = data;
		handler_vcpu[port] = (uint8_t)rt_vcpu_id();
		handlers[port] = fn;
	}
}

void rt_event_set_vcpu(keel_port_t port, unsigned int vcpu)
{
	if (port < 1024)
		handler_vcpu[port] = (uint8_t)vcpu;
}

/*
 * Handle this vCPU's pending, unmasked ports. The pending bitmap is
 * shared by all vCPUs of the domain; a word may hold ports of several
 * vCPUs, so only ports bound to this one are taken (the others' owners
 * got their own notification).
 */
static void dispatch_events(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	struct keel_shared_info *s = rt_boot.shared_info;
	unsigned int me = rt_vcpu_id();

	while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
		uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
						   __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = __builtin_ctzll(sel);
			sel &= sel - 1;
			uint64_t bits = __atomic_load_n(&s->evtchn_pending[w],
							__ATOMIC_SEQ_CST) &
					~__atomic_load_n(&s->evtchn_mask[w],
							 __ATOMIC_SEQ_CST);
			while (bits) {
				unsigned int b = __builtin_ctzll(bits);
				keel_port_t port = w * 64 + b;
				bits &= bits - 1;
				if (port < 1024 && handler_vcpu[port] != me)
					continue;
				if (!(__atomic_fetch_and(&s->evtchn_pending[w],
							 ~(1ULL << b),
							 __ATOMIC_SEQ_CST) &
				      (1ULL << b)))
					continue;
				if (port < 1024 && handlers[port])
					handlers[port](port, handler_data[port]);
			}
		}
	}
}

void rt_events_disable(void)
{
	__atomic_store_n(&rt_vcpu_info()->evtchn_upcall_mask, 1,
			 __ATOMIC_SEQ_CST);
}

void rt_events_enable(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();

	__atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	/* Something may have arrived while masked: any hypercall lets Keel
	 * deliver it on the way back. */
	if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
		keel_hypercall_version(KEEL_VERSION_ABI, 0);
}

long rt_evtchn_op(unsigned int cmd, void *arg)
{
	return keel_hypercall_event_channel_op(cmd, (unsigned long)arg);
}

long rt_bind_ipi(unsigned int vcpu, keel_port_t *port)
{
	struct keel_evtchn_bind_ipi b = { .vcpu = vcpu };
	long rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_ipi, &b);

	*port = b.port;
	return rc;
}

long rt_bind_virq(unsigned int virq, unsigned int vcpu, keel_port_t *port)
{
	struct keel_evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_virq, &b);

	*port = b.port;
	return rc;
}

long rt_send(keel_port_t port)
{
	struct keel_evtchn_send s = { .port = port };

	return rt_evtchn_op(KEEL_EVTCHNOP_send, &s);
}

long rt_unmask(keel_port_t port)
{
	struct keel_evtchn_unmask u = { .port = port };

	return rt_evtchn_op(KEEL_EVTCHNOP_unmask, &u);
}

void rt_mask(keel_port_t port)
{
	__atomic_fetch_or(&rt_boot.shared_info->evtchn_mask[port / 64],
			  1ULL << (port % 64), __ATOMIC_SEQ_CST);
}

bool rt_wait_port(keel_port_t port, uint64_t deadline)
{
	struct keel_shared_info *s = rt_boot.shared_info;
	uint64_t bit = 1ULL << (port % 64);

	for (;;) {
		if (__atomic_fetch_and(&s->evtchn_pending[port / 64], ~bit,
				       __ATOMIC_SEQ_CST) & bit)
			return true;
		if (rt_now_ns() >= deadline)
			return false;
		struct keel_sched_poll poll = { .ports = (uint64_t)&port,
						.nr_ports = 1,
						.timeout = deadline };
		keel_hypercall_sched_op(KEEL_SCHEDOP_poll, (unsigned long)&poll);
	}
}

long rt_bind_peer(unsigned int remote_dom, uint64_t timeout_ns,
		  keel_port_t *local_port)
{
	struct keel_evtchn_bind_interdomain b = {
		.remote_dom = (keel_domid_t)remote_dom,
	};
	uint64_t deadline = rt_now_ns() + timeout_ns;
	long rc = -KEEL_EINVAL;

	while (rt_now_ns() < deadline) {
		for (b.remote_port = 1; b.remote_port < 16; b.remote_port++) {
			rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b);
			if (!rc) {
				*local_port = b.local_port;
				return 0;
			}
		}
		rt_yield();
	}
	return rc;
}

/* ---------------------------------------------------------------- time */

uint64_t rt_now_ns(void)
{
	const struct keel_vcpu_time_info *t = &rt_vcpu_info()->time;
	uint32_t version;
	uint64_t ns;

	do {
		version = __atomic_load_n(&t->version, __ATOMIC_SEQ_CST);
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		uint64_t delta = ((uint64_t)hi << 32 | lo) - t->tsc_timestamp;
		if (t->tsc_shift >= 0)
			delta <<= t->tsc_shift;
		else
			delta >>= -t->tsc_shift;
		ns = t->system_time +
		     (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
	} while ((version & 1) ||
		 version != __atomic_load_n(&t->version, __ATOMIC_SEQ_CST));
	return ns;
}

long rt_block(void)
{
	return keel_hypercall_sched_op(KEEL_SCHEDOP_block, 0);
}

long rt_yield(void)
{
	return keel_hypercall_sched_op(KEEL_SCHEDOP_yield, 0);
}

/*
 * Waiting follows the sti;hlt pattern: look at the condition with events
 * masked, arm the timer, and block, which unmasks and sleeps in one step.
 * An event (or the timer) arriving after the look stays pending, so block
 * returns at once instead of sleeping through it.
 */
void rt_sleep_ns(uint64_t ns)
{
	uint64_t deadline = rt_now_ns() + ns;
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint8_t mask = vi->evtchn_upcall_mask;

	for (;;) {
		rt_events_disable();
		if (rt_now_ns() >= deadline)
			break;
		keel_hypercall_set_timer(deadline);
		rt_block();
	}
	vi->evtchn_upcall_mask = mask;
}

bool rt_wait_for(volatile int *flag, uint64_t timeout_ns)
{
	uint64_t deadline = rt_now_ns() + timeout_ns;
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint8_t mask = vi->evtchn_upcall_mask;
	bool ok;

	for (;;) {
		rt_events_disable();
		if (*flag) {
			ok = true;
			break;
		}
		uint64_t now = rt_now_ns();
		if (now >= deadline) {
			ok = false;
			break;
		}
		keel_hypercall_set_timer(now + 1000000 < deadline ?
					 now + 1000000 : deadline);
		rt_block();	/* unmasks; the upcall runs on the way back */
	}
	if (!mask)
		rt_events_enable();
	return ok;
}

/* -------------------------------------------------------------- vCPUs */

void *rt_percpu_self(void)
{
	return &percpu[rt_vcpu_id() < MAX_VCPUS ? rt_vcpu_id() : 0];
}

unsigned int rt_vcpu_id(void)
{
	unsigned int id;

	__asm__ volatile("movl %%gs:0, %0" : "=r"(id));
	return id;
}

void runtime_secondary_start(void *start)
{
	struct rt_percpu *pc = start;

	vcpu_setup(pc->id);
	pc->fn(pc->arg);
	keel_hypercall_vcpu_op(KEEL_VCPUOP_down, pc->id, 0);
	for (;;)
		rt_block();
}

long rt_vcpu_start(unsigned int id, void (*fn)(void *), void *arg)
{
	if (id == 0 || id >= MAX_VCPUS)
		return -KEEL_EINVAL;
	percpu[id].id = id;
	percpu[id].fn = fn;
	percpu[id].arg = arg;
	struct keel_vcpu_context ctx = {
		.rip = (uint64_t)secondary_entry,
		.rsp = (uint64_t)vcpu_stacks[id] + STACK_SIZE,
		.rdi = (uint64_t)&percpu[id],
	};
	long rc = keel_hypercall_vcpu_op(KEEL_VCPUOP_initialise, id,
					 (unsigned long)&ctx);
	if (rc)
		return rc;
	return keel_hypercall_vcpu_op(KEEL_VCPUOP_up, id, 0);
}

/* ----------------------------------------------------------- user mode */

static uint64_t user_jmp[8];
static long user_exit_code;
static bool user_blob_copied;

static long run_in_user(void (*fn)(void), uint64_t arg, uint64_t rflags)
{
	uint64_t blob_size = __user_blob_end - __user_blob_start;

	if (!user_blob_copied) {
		if (blob_size + 4096 > rt_boot.user_window_size)
			finish("FAIL", "(user code does not fit the user window)");
		memcpy((void *)rt_boot.user_window_kernel_vaddr,
		       __user_blob_start, blob_size);
		user_blob_copied = true;
	}
	uint8_t saved_mask = rt_vcpu_info()->evtchn_upcall_mask;
	if (rt_setjmp(user_jmp) == 0) {
		struct keel_iret_frame frame = {
			.rip = rt_boot.user_window_vaddr +
			       ((uint64_t)fn - (uint64_t)__user_blob_start),
			.cs = KEEL_GUEST_USER_CS,
			.rflags = rflags,
			.rsp = rt_boot.user_window_vaddr +
			       rt_boot.user_window_size - 64,
			.ss = KEEL_GUEST_DS,
		};
		rt_enter_user(&frame, arg);
	}
	rt_vcpu_info()->evtchn_upcall_mask = saved_mask;
	return user_exit_code;
}

long rt_run_in_user(void (*fn)(void), uint64_t arg)
{
	return run_in_user(fn, arg, 0x202);
}

long rt_run_in_user_events_off(void (*fn)(void), uint64_t arg)
{
	return run_in_user(fn, arg, 0x002);
}

static void user_syscall(struct rt_regs *regs)
{
	if (rt_syscall_hook && rt_syscall_hook(regs))
		return;
	switch (regs->rax) {
	case RT_SYS_exit:
		user_exit_code = (long)regs->rdi;
		rt_longjmp(user_jmp, 1);
	case RT_SYS_write:
		regs->rax = keel_hypercall_console_write(regs->rsi, regs->rdx);
		break;
	case RT_SYS_getpid:
		regs->rax = rt_boot.domid;
		break;
	default:
		regs->rax = (uint64_t)-KEEL_ENOSYS;
		break;
	}
}

/* --------------------------------------------------------------- traps */

void rt_trap_reset(void)
{
	memset(&rt_last_trap, 0, sizeof(rt_last_trap));
}

void runtime_trap(struct rt_regs *regs)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();

	if (regs->vector == RT_VECTOR_EVENT) {
		dispatch_events();
		return;
	}
	if (regs->vector == RT_VECTOR_SYSCALL) {
		user_syscall(regs);
		return;
	}
	if (regs->vector == RT_VECTOR_FAILSAFE) {
		rt_last_trap.count++;
		rt_last_trap.vector = RT_VECTOR_FAILSAFE;
		if (rt_trap_hook && rt_trap_hook(regs))
			return;
		finish("FAIL", "(failsafe callback: the iret frame was refused)");
	}
	if (rt_trap_hook && rt_trap_hook(regs))
		return;
	for (const __typeof__(__extable_start[0]) *e = __extable_start;
	     e < __extable_end; e++) {
		if (e->from == regs->rip) {
			rt_last_trap.count++;
			rt_last_trap.vector = (unsigned int)regs->vector;
			rt_last_trap.error_code = regs->error_code;
			rt_last_trap.rip = regs->rip;
			rt_last_trap.cs = regs->cs;
			rt_last_trap.fault_address = vi->fault_address;
			rt_last_trap.vinfo_error_code = vi->fault_error_code;
			rt_last_trap.vinfo_vector = vi->fault_vector;
			regs->rip = e->to;
			return;
		}
	}
	printf("unexpected trap %llu, error %#llx, at rip %#llx (cs %#llx), "
	       "fault address %#llx\n", (unsigned long long)regs->vector,
	       (unsigned long long)regs->error_code,
	       (unsigned long long)regs->rip, (unsigned long long)regs->cs,
	       (unsigned long long)vi->fault_address);
	finish("FAIL", "(unexpected trap)");
}

/* ---------------------------------------------------------------- memory */

void *rt_alloc_pages(unsigned int n)
{
	static uint64_t next;

	if (!next)
		next = rt_boot.free_vaddr;
	if (next + n * 4096ULL > rt_boot.free_end)
		finish("FAIL", "(out of guest memory)");
	void *p = (void *)next;
	next += n * 4096ULL;
	memset(p, 0, n * 4096ULL);
	return p;
}

bool rt_write_faults(volatile uint64_t *p, uint64_t val)
{
	rt_trap_reset();
	__asm__ volatile("1: movq %1, (%0)\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : : "r"(p), "r"(val) : "memory");
	return rt_last_trap.count != 0;
}

bool rt_read_faults(const volatile uint64_t *p, uint64_t *val)
{
	uint64_t v = 0;

	rt_trap_reset();
	__asm__ volatile("1: movq (%1), %0\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "+r"(v) : "r"(p) : "memory");
	if (val)
		*val = v;
	return rt_last_trap.count != 0;
}

uint64_t rt_va_to_mfn(const void *va)
{
	uint64_t a = (uint64_t)va;
	const uint64_t *p2m = (const uint64_t *)rt_boot.p2m_vaddr;

	if (a < rt_boot.virt_base ||
	    a >= rt_boot.virt_base + rt_boot.nr_pages * 4096)
		return 0;
	return p2m[(a - rt_boot.virt_base) >> 12];
}

void *rt_mfn_to_va(uint64_t mfn)
{
	if (mfn >= rt_boot.m2p_entries)
		return NULL;
	uint64_t pfn = rt_boot.m2p[mfn] - rt_boot.pfn_base;
	if (pfn >= rt_boot.nr_pages)
		return NULL;
	return (void *)(rt_boot.virt_base + pfn * 4096);
}

uint64_t rt_pte_maddr(uint64_t root_mfn, uint64_t va, unsigned int level)
{
	uint64_t mfn = root_mfn;

	for (unsigned int l = 4;; l--) {
		unsigned int index = (va >> (12 + 9 * (l - 1))) & 511;
		const uint64_t *table = rt_mfn_to_va(mfn);

		if (!table)
			return 0;
		if (l == level)
			return (mfn << 12) + index * 8;
		uint64_t e = table[index];
		if (!(e & 1))
			return 0;
		mfn = (e & 0x000ffffffffff000ULL) >> 12;
	}
}

uint64_t rt_pte_read(uint64_t root_mfn, uint64_t va, unsigned int level)
{
	uint64_t ma = rt_pte_maddr(root_mfn, va, level);
	const uint64_t *table = ma ? rt_mfn_to_va(ma >> 12) : NULL;

	return table ? table[(ma & 4095) / 8] : 0;
}

long rt_mmu_update1(uint64_t ptr, uint64_t val)
{
	struct keel_mmu_update r = { .ptr = ptr, .val = val };

	return keel_hypercall_mmu_update((unsigned long)&r, 1, 0,
					 KEEL_DOMID_SELF);
}

long rt_mmuext1(uint32_t cmd, uint64_t arg1, uint64_t arg2)
{
	struct keel_mmuext_op op = { .cmd = cmd, .arg1 = arg1, .arg2 = arg2 };

	return keel_hypercall_mmuext_op((unsigned long)&op, 1, 0,
					KEEL_DOMID_SELF);
}

uint64_t rt_free_frames(void)
{
	struct keel_domctl_physinfo pi;

	CHECK_EQ(keel_hypercall_domctl(KEEL_DOMCTL_physinfo, (unsigned long)&pi),
		 0);
	return pi.free_frames;
}

/* libfdt's stack protector lands here on a smashed frame. */
__attribute__((noreturn)) void __stack_chk_fail(void);
__attribute__((noreturn)) void __stack_chk_fail(void)
{
	finish("FAIL", "(stack protector tripped in libfdt)");
}
