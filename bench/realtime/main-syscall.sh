#!/bin/bash
# main-syscall.sh <pid> <seconds>: the main thread sampled every ~10 ms from /proc/<pid>/syscall, one line per 25 samples: run (user space: running or runnable), epoll (232/281: idle in the event loop), futex (202: blocked on a lock or condition), other.
pid=$1; end=$(( $(date +%s) + $2 ))
while (( $(date +%s) < end )); do
  r=0; e=0; f=0; o=0; t0=$(date +%s.%N | cut -c1-14)
  for ((i=0;i<25;i++)); do
    read -r sc rest < /proc/$pid/task/$pid/syscall 2>/dev/null || break
    case $sc in running) r=$((r+1));; 232|281) e=$((e+1));; 202) f=$((f+1));; *) o=$((o+1));; esac
    sleep 0.01
  done
  echo "$t0 run=$r epoll=$e futex=$f other=$o"
done
