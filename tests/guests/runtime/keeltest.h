/*
 * The guest test runtime: what a test kernel gets.
 *
 * A test is one C file that defines
 *     const char test_name[] = "...";
 *     void test_main(void);
 * and uses the helpers below. test_main() returns normally; the runtime
 * then prints "RESULT: PASS|FAIL|SKIP <name>" and shuts the domain down
 * (poweroff). Any check that fails makes the result FAIL.
 */
#ifndef KEELTEST_H
#define KEELTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <keel/callbacks.h>
#include <keel/console.h>
#include <keel/domctl.h>
#include <keel/event_channel.h>
#include <keel/grant_table.h>
#include <keel/hypercall.h>
#include <keel/keel.h>
#include <keel/memory.h>
#include <keel/sched.h>
#include <keel/shared_info.h>
#include <keel/vcpu.h>

extern const char test_name[];
void test_main(void);

/* --- results --- */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* End the test now with SKIP (the reason is printed). */
__attribute__((noreturn)) void test_skip(const char *why);
__attribute__((noreturn)) void test_shutdown(uint32_t reason);
extern unsigned int test_failures;
/* console_write all of @buf, waiting while the console rate limit refuses
 * it (up to 60 s); false if it could not. printf() writes through this. */
bool rt_console_write_all(const char *buf, size_t len);
/* Copy the hypervisor log from its oldest byte into @buf (at most
 * @size - 1 bytes; control domains only). Returns the bytes copied. */
size_t rt_log_read_all(char *buf, size_t size);
/* The position of the end of Keel's log now (console_read's). */
uint64_t rt_log_end(void);
/* Whether Keel's log from *@pos on comes to hold @needle within 30 s;
 * advances *@pos. Control domains only (console_read). */
bool rt_log_wait_for(uint64_t *pos, const char *needle);

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond))                                              \
			test_fail_at(__FILE__, __LINE__, __VA_ARGS__);    \
	} while (0)
#define CHECK_EQ(got, want)                                               \
	do {                                                              \
		long long __g = (long long)(got), __w = (long long)(want); \
		if (__g != __w)                                           \
			test_fail_at(__FILE__, __LINE__,                  \
				     "%s == %lld, expected %lld", #got,   \
				     __g, __w);                           \
	} while (0)

/* --- what the boot FDT said --- */
struct rt_boot {
	uint32_t domid;
	char name[32];
	bool privileged;
	uint32_t nr_vcpus;
	const char *cmdline;
	uint64_t nr_pages;
	uint64_t pfn_base;	/* pseudo-physical frame of page 0 (ABI 1.6) */
	uint64_t mapped_pages;	/* from virt_base; fewer with MAP_BOOTSTRAP */
	uint64_t virt_base;
	uint64_t p2m_vaddr;
	uint64_t free_vaddr, free_end;
	uint64_t user_window_vaddr, user_window_kernel_vaddr, user_window_size;
	struct keel_shared_info *shared_info;
	/* ABI 1.1 memory: the limit, the M2P window, the initial tables. */
	uint64_t max_pages;
	const uint64_t *m2p;
	uint64_t m2p_entries;
	uint64_t kernel_root_mfn, user_root_mfn;
	uint64_t page_tables_vaddr, page_tables_pages;
	/* ABI 1.2: the shared-info frame, and the initrd (0, 0: none) as
	 * pseudo-physical addresses (offsets from virt_base). */
	uint64_t shared_info_mfn;
	uint64_t initrd_start, initrd_end;
	/* ABI 1.5: the PV console (console_vaddr 0: none). */
	uint64_t console_vaddr;
	uint32_t console_backend, console_port, console_grant_ref;
	const void *fdt;
};
extern struct rt_boot rt_boot;

/* --- the Keel note --- */
/* A test kernel's own Keel ELF note, with note flags @note_flags, in
 * place of the runtime's: guest.ld puts .note.keel.override after the
 * runtime's note, and the builder takes the last one. */
struct rt_keel_note {
	uint32_t namesz, descsz, type;
	char name[8];			/* "Keel\0", padded to 4 bytes */
	struct keel_elfnote_boot desc;	/* right after, at offset 20 */
} __attribute__((packed));
extern char _start[];
#define RT_KEEL_NOTE(note_flags)                                          \
	__attribute__((section(".note.keel.override"), used, aligned(4))) \
	static const struct rt_keel_note rt_keel_note = {                 \
		.namesz = 5, .descsz = sizeof(struct keel_elfnote_boot),  \
		.type = KEEL_ELFNOTE_BOOT, .name = "Keel",                \
		.desc = { .abi_version = KEEL_ABI_VERSION,                \
			  .flags = (note_flags),                          \
			  .entry = (uint64_t)_start,                      \
			  .virt_base = 0xffffffff80000000ULL },           \
	}

/* --- memory (direct paging) --- */
/* The MFN behind a kernel address inside guest memory (from the P2M), or
 * 0 for an address outside it. */
uint64_t rt_va_to_mfn(const void *va);
/* Where guest memory frame @mfn is mapped (from the M2P), or NULL. */
void *rt_mfn_to_va(uint64_t mfn);
/* The machine address of the level-@level entry (1 = PTE) that maps @va
 * in the tables under root @root_mfn, or 0 if a level above is missing. */
uint64_t rt_pte_maddr(uint64_t root_mfn, uint64_t va, unsigned int level);
/* Its current value (0 if missing). */
uint64_t rt_pte_read(uint64_t root_mfn, uint64_t va, unsigned int level);
/* One mmu_update request, one mmuext op: the call's result. */
long rt_mmu_update1(uint64_t ptr, uint64_t val);
long rt_mmuext1(uint32_t cmd, uint64_t arg1, uint64_t arg2);
/* A word of the guest command line ("key=value"): its value, or NULL. */
const char *rt_cmdline_value(const char *key);

/* --- traps --- */
/* Register frame of a trap, as the stubs in head.S lay it out. */
struct rt_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector;
	uint64_t error_code, rip, cs, rflags, rsp, ss;
};

struct rt_trap_record {
	unsigned int count;
	unsigned int vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t fault_address;		/* from vcpu_info */
	uint32_t vinfo_error_code, vinfo_vector;
};
/* The last trap taken through the exception table (see RT_EXPECT_TRAP). */
extern struct rt_trap_record rt_last_trap;
void rt_trap_reset(void);

/* Mark the instruction at label 1 as allowed to fault: on a trap there,
 * the runtime records it and resumes at label 2. */
#define RT_EXTABLE(from, to)                                              \
	".pushsection .rt_extable, \"a\"\n\t.balign 8\n\t"                \
	".quad " #from ", " #to "\n\t.popsection\n\t"

/* Write @val to / read from @p; true if that faulted (the trap is in
 * rt_last_trap, which these reset first). */
bool rt_write_faults(volatile uint64_t *p, uint64_t val);
bool rt_read_faults(const volatile uint64_t *p, uint64_t *val);

/* Add vector @vector (with KEEL_TRAP_* @flags) to the trap table,
 * handled by the runtime's stub for exception @stub (0-31): the frame
 * then says vector @stub, vcpu_info's fault_vector the real one. */
long rt_trap_alias(unsigned int vector, uint8_t flags, unsigned int stub);

/* A trap hook for tests that want to see every trap themselves. Return
 * true if handled (the frame may be changed). */
extern bool (*rt_trap_hook)(struct rt_regs *regs);

/* --- events --- */
typedef void (*rt_event_handler)(keel_port_t port, void *data);
/* Handle @port on the calling vCPU (the one it notifies). */
void rt_event_set_handler(keel_port_t port, rt_event_handler fn, void *data);
/* The port now notifies @vcpu (after EVTCHNOP_bind_vcpu). */
void rt_event_set_vcpu(keel_port_t port, unsigned int vcpu);
/* Virtual interrupt flag of the calling vCPU. */
void rt_events_enable(void);
void rt_events_disable(void);
struct keel_vcpu_info *rt_vcpu_info(void);
/* Wait until *flag becomes nonzero or @timeout_ns passes (blocking). */
bool rt_wait_for(volatile int *flag, uint64_t timeout_ns);
long rt_evtchn_op(unsigned int cmd, void *arg);
long rt_bind_ipi(unsigned int vcpu, keel_port_t *port);
long rt_bind_virq(unsigned int virq, unsigned int vcpu, keel_port_t *port);
long rt_send(keel_port_t port);
long rt_unmask(keel_port_t port);
void rt_mask(keel_port_t port);
/* Sleep in SCHEDOP_poll until the masked @port is pending (then consume
 * it) or system time @deadline passes. Returns whether it was pending. */
bool rt_wait_port(keel_port_t port, uint64_t deadline);
/* Bind to the port @remote_dom offered us with alloc_unbound, whatever its
 * number (low ports are tried until one binds), for up to @timeout_ns. */
long rt_bind_peer(unsigned int remote_dom, uint64_t timeout_ns,
		  keel_port_t *local_port);

/* --- time --- */
uint64_t rt_now_ns(void);		/* pvclock */
/* Keel's free frames (domctl physinfo: control domains only). */
uint64_t rt_free_frames(void);
long rt_block(void);
long rt_yield(void);
void rt_sleep_ns(uint64_t ns);		/* timer + block */

/* --- vCPUs --- */
unsigned int rt_vcpu_id(void);
/* The per-vCPU block GS_KERNEL points at (for code that changed GS). */
void *rt_percpu_self(void);
/* Start vCPU @id running fn(arg) on its own stack. */
long rt_vcpu_start(unsigned int id, void (*fn)(void *), void *arg);

/* --- user mode --- */
/* Run the user-mode function @fn (which must live in the .user_text
 * section, see RT_USER) in guest user mode with @arg in RDI. Returns what
 * it passed to the exit system call (RT_SYS_exit). */
long rt_run_in_user(void (*fn)(void), uint64_t arg);
/* The same with events masked while the program runs (no upcall can
 * interrupt it; interrupts of Keel's own still can). */
long rt_run_in_user_events_off(void (*fn)(void), uint64_t arg);
#define RT_USER __attribute__((section(".user_text"), noinline, used))
/* System calls the runtime serves for user mode. */
#define RT_SYS_exit   60
#define RT_SYS_write  1
#define RT_SYS_getpid 39
/* A test may serve other numbers: return true if handled. */
extern bool (*rt_syscall_hook)(struct rt_regs *regs);
/* The number tests use for a user program's report(index, value) to its
 * kernel side, which the test's hook serves. */
#define RT_SYS_REPORT 0x2000

/* In user mode: report(@index, @value), with no stack or data of its
 * own. */
static inline __attribute__((always_inline)) void
rt_user_report(long index, uint64_t value)
{
	long rax = RT_SYS_REPORT;

	__asm__ volatile("syscall" : "+a"(rax) : "D"(index), "S"(value)
			 : "rcx", "r11", "memory");
}

/* --- memory --- */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Pages from the free memory the boot FDT names; never returned. */
void *rt_alloc_pages(unsigned int n);

static inline void rt_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

#endif
