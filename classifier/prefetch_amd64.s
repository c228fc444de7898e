#include "textflag.h"

// func prefetchHomes(slots []wslot, hs []uint64)
//
// For each hash k in hs: PREFETCHT0 the token table's home slot of k,
// hi64(k × len(slots)) (tokenTable.home), and the slot four on (the next
// cache line), clamped to the last slot. A prefetch never faults and never
// waits, unlike a load: the tokenizer goes on while the lines come in.
TEXT ·prefetchHomes(SB), NOSPLIT, $0-48
	MOVQ slots_base+0(FP), SI
	MOVQ slots_len+8(FP), CX
	MOVQ hs_base+24(FP), DI
	MOVQ hs_len+32(FP), BX
	TESTQ CX, CX
	JZ done
	LEAQ -1(CX), R8

loop:
	TESTQ BX, BX
	JZ done
	MOVQ (DI), AX
	MULQ CX
	MOVQ DX, R9
	SHLQ $4, R9
	PREFETCHT0 (SI)(R9*1)
	ADDQ $4, DX
	CMPQ DX, R8
	CMOVQHI R8, DX
	SHLQ $4, DX
	PREFETCHT0 (SI)(DX*1)
	ADDQ $8, DI
	DECQ BX
	JMP loop

done:
	RET
