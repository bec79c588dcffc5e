/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Memory hypercalls (ABI 1.1): guest page tables, the M2P, reservations
 * and multicall. The model is in docs/memory-model.md; the calls and their
 * errors are in hypercall-abi/docs/hypercalls.md.
 *
 * Direct paging: a PV guest's page tables hold machine frame numbers
 * (MFNs). Its page-table frames are read-only to it; it changes them with
 * mmu_update, mmuext_op or update_va_mapping, and Keel checks every entry.
 */
#ifndef KEEL_PUBLIC_MEMORY_H
#define KEEL_PUBLIC_MEMORY_H

#include "keel.h"

/* The read-only M2P window, mapped in every guest: entry m is the guest
 * page number the owner of machine frame m gave it (mmu_update
 * KEEL_MMU_MACHPHYS_UPDATE), or KEEL_M2P_INVALID. Its size is in the
 * boot FDT (/keel/memory/m2p-entries). */
#define KEEL_M2P_VADDR         0xffff800000000000ULL
#define KEEL_M2P_INVALID       (~0ULL)

/* ---- mmu_update(reqs, count, done, foreign_domid) -------------------- */

/* The command is in the low 2 bits of ptr. */
#define KEEL_MMU_NORMAL_PT_UPDATE  0	/* ptr: machine address of a page-
					 * table entry (8-byte aligned) in a
					 * table of the caller that is in use
					 * (it has a table type: pinned, a
					 * root, or linked from a table in
					 * use); val: the new entry. On a
					 * frame of the caller's that is not
					 * a table in use, a plain store
					 * (ABI 1.2) */
#define KEEL_MMU_MACHPHYS_UPDATE   1	/* ptr: machine address of one of the
					 * caller's frames; val: the guest
					 * page number for the M2P */
#define KEEL_MMU_PT_EXCHANGE       2	/* ABI 1.2. As NORMAL_PT_UPDATE, but
					 * an atomic exchange: Keel writes the
					 * entry it replaced, with the A and D
					 * bits the CPU set, back into val */

/* Written by the guest, read by Keel (and val written back by Keel for
 * KEEL_MMU_PT_EXCHANGE). */
struct keel_mmu_update {
	uint64_t ptr;
	uint64_t val;
};

#define KEEL_MMU_UPDATE_MAX    1024	/* requests per call */
/* mmu_update and mmuext_op return -KEEL_EAGAIN, with the number done,
 * when a call has spent its work budget (page-table entries validated
 * or devalidated); the guest resubmits the rest. */

/* ---- mmuext_op(ops, count, done, foreign_domid) ---------------------- */

#define KEEL_MMUEXT_PIN_L1_TABLE       0	/* arg1: mfn */
#define KEEL_MMUEXT_PIN_L2_TABLE       1
#define KEEL_MMUEXT_PIN_L3_TABLE       2
#define KEEL_MMUEXT_PIN_L4_TABLE       3
#define KEEL_MMUEXT_UNPIN_TABLE        4	/* arg1: mfn */
#define KEEL_MMUEXT_NEW_BASEPTR        5	/* arg1: mfn of an L4: the
						 * calling vCPU's kernel root */
#define KEEL_MMUEXT_NEW_USER_BASEPTR   6	/* arg1: mfn of an L4, or 0 for
						 * none: the user root */
#define KEEL_MMUEXT_TLB_FLUSH_LOCAL    7	/* the calling vCPU */
#define KEEL_MMUEXT_INVLPG_LOCAL       8	/* arg1: virtual address */
#define KEEL_MMUEXT_TLB_FLUSH_MULTI    9	/* arg2: guest pointer to a
						 * uint64_t bitmap of vCPUs;
						 * ABI 1.1 flushes every CPU
						 * holding the domain's tables,
						 * a superset */
#define KEEL_MMUEXT_INVLPG_MULTI       10	/* arg1: address; arg2: bitmap */
#define KEEL_MMUEXT_TLB_FLUSH_ALL      11	/* every vCPU of the domain */
#define KEEL_MMUEXT_INVLPG_ALL         12	/* arg1: address */

/* Written by the guest, read by Keel. */
struct keel_mmuext_op {
	uint32_t cmd;
	uint32_t pad;		/* zero */
	uint64_t arg1;		/* mfn or linear address */
	uint64_t arg2;		/* vCPU bitmap pointer for the _MULTI ops */
};

#define KEEL_MMUEXT_OP_MAX     1024	/* ops per call */

/* ---- update_va_mapping(va, val, flags) ------------------------------- */

/* flags: what to flush after the update (bits 0-1) and where (bit 2). */
#define KEEL_UVMF_NONE         0
#define KEEL_UVMF_TLB_FLUSH    1	/* the whole TLB */
#define KEEL_UVMF_INVLPG       2	/* just va */
#define KEEL_UVMF_FLUSH_MASK   3
#define KEEL_UVMF_LOCAL        0	/* on the calling vCPU */
#define KEEL_UVMF_ALL          4	/* on every vCPU of the domain */

/* ---- memory_op(cmd, arg) --------------------------------------------- */

#define KEEL_MEMOP_increase_reservation  0	/* arg: keel_memory_reservation */
#define KEEL_MEMOP_decrease_reservation  1	/* arg: keel_memory_reservation */
#define KEEL_MEMOP_populate_physmap      2	/* arg: keel_memory_reservation */
#define KEEL_MEMOP_current_reservation   3	/* arg: domain id; returns pages */
#define KEEL_MEMOP_maximum_reservation   4	/* arg: domain id; returns pages */

/* Written by the guest; Keel writes the extent array back where the call
 * says so. */
struct keel_memory_reservation {
	uint64_t extent_start;	/* guest pointer to nr_extents uint64_t:
				 * increase: out, MFNs of the new frames;
				 * decrease: in, MFNs to give back;
				 * populate: in, guest page numbers; out,
				 * the MFNs that now back them */
	uint64_t nr_extents;
	uint32_t extent_order;	/* must be 0: single frames */
	uint16_t domid;		/* KEEL_DOMID_SELF or the caller's own id */
	uint16_t pad;		/* zero */
};

#define KEEL_MEMOP_EXTENTS_MAX 4096	/* extents per call */

/* ---- multicall(calls, count) ----------------------------------------- */

/* Written by the guest (op, args); Keel writes result. */
struct keel_multicall_entry {
	uint64_t op;		/* hypercall number */
	uint64_t result;	/* its return value */
	uint64_t args[5];
};

#define KEEL_MULTICALL_MAX     64	/* entries per call */

#endif
