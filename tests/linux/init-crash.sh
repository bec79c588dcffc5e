#!/bin/sh
# /init of the sysrq crash scenario: the kernel crashes itself through
# /proc/sysrq-trigger. Keel must end this domain alone, with reason
# "crash", while a test-kernel victim runs beside it.
mount -t proc proc /proc
echo "KEEL-CRASH: up on $(nproc) CPUs; crashing through sysrq"
echo c > /proc/sysrq-trigger
echo "KEEL-CRASH: still running after the sysrq crash"
