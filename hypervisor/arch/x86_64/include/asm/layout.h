/*
 * The hypervisor's virtual address layout. Usable from C, assembly and the
 * linker script.
 *
 * Keel takes L4 slots 256-271 (0xffff800000000000-0xffff87ffffffffff), the
 * same range Xen reserves, so a guest keeps the rest of the upper half:
 * Linux can keep its usual kernel map at 0xffffffff80000000 and its direct
 * map at 0xffff888000000000.
 *
 *   0xffff800000000000  slot 256      M2P window, read-only to guests
 *   0xffff82c000000000  slot 261      ioremap area (1 GiB, uncached MMIO)
 *   0xffff82d080000000  slot 261      hypervisor image: virt = phys + this
 *   0xffff830000000000  slots 262-271 direct map of all RAM (5 TiB)
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#ifdef __ASSEMBLER__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

#define HYPERVISOR_VIRT_START _AC(0xffff800000000000, UL)
#define HYPERVISOR_VIRT_END   _AC(0xffff880000000000, UL)
#define M2P_WINDOW_START      _AC(0xffff800000000000, UL)
#define IOREMAP_START         _AC(0xffff82c000000000, UL)
#define IOREMAP_SIZE          _AC(0x40000000, UL)
#define KEEL_VIRT_START       _AC(0xffff82d080000000, UL)
#define KEEL_LOAD_PHYS        _AC(0x200000, UL)
#define DIRECTMAP_START       _AC(0xffff830000000000, UL)
#define DIRECTMAP_END         HYPERVISOR_VIRT_END

/* Boot page tables map the first 4 GiB, in the direct map and 1:1. */
#define BOOT_DIRECTMAP_LIMIT  _AC(0x100000000, UL)

/* Per-CPU stack block: 8 pages, aligned to its size.
 *   page 0      guard (left unused)
 *   page 1      IST stack for NMI
 *   page 2      IST stack for #DF
 *   page 3      IST stack for #MC
 *   pages 4-7   primary stack, struct cpu_info at the very top */
#define STACK_ORDER           3
#define STACK_SIZE            (_AC(4096, UL) << STACK_ORDER)
#define IST_NMI               1
#define IST_DF                2
#define IST_MC                3

/* Low-memory page for the AP start-up trampoline. */
#define TRAMPOLINE_PHYS       0x8000

/* GDT selectors. The layout suits syscall/sysret, which derive the ring-3
 * selectors from one base (STAR[63:48]): +8 data, +16 64-bit code. */
#define GDT_HYP_CS            0x08
#define GDT_HYP_DS            0x10
#define GDT_USER_CS32         0x18
#define GDT_USER_DS           0x20
#define GDT_USER_CS64         0x28
#define GDT_TSS               0x30
/* The slot of Linux's CPU-number segment (GDT_ENTRY_CPUNODE): a DPL-3
 * data segment whose limit is the running vCPU's id, which a guest reads
 * with `lsl` (Linux's vDSO getcpu does; ABI 1.2). */
#define GDT_VCPU_ID           0x78
#define GDT_ENTRIES           16

/* CPU exception vectors Keel handles by name. NMI, #DF and #MC run on
 * IST stacks (idt_init() in traps.c). */
#define VECTOR_NMI            2
#define VECTOR_UD             6
#define VECTOR_NM             7
#define VECTOR_DF             8
#define VECTOR_GP             13
#define VECTOR_PF             14
#define VECTOR_MC             18

/* Bits of the #PF error code. */
#define X86_PF_WRITE          (1u << 1)
#define X86_PF_USER           (1u << 2)

/* Device interrupts: GSI n arrives on vector VECTOR_GSI_BASE + n, for
 * n below GSI_MAX (gsi_route.h), and the MSI of slot n (msi.h) on
 * VECTOR_MSI_BASE + n, for n below MSI_MAX, so up to VECTOR_TIMER. */
#define VECTOR_GSI_BASE       0x30
#define VECTOR_MSI_BASE       0xb0
/* Interrupt vectors used by the hypervisor itself. */
#define VECTOR_TIMER          0xf0
#define VECTOR_CALL_FUNCTION  0xf1
#define VECTOR_EVENT_CHECK    0xf2
#define VECTOR_APIC_ERROR     0xfe
#define VECTOR_SPURIOUS       0xff

#endif
