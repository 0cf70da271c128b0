#!/bin/bash
# thread-sched.sh <server pid> <client pid> <seconds>: every 250 ms, one line: io pressure (some/full ms, /proc/pressure/io), nats-server CPU (ms) and threads in D state, then tid:cpu_ms/run_queue_wait_ms (/proc/<tid>/schedstat) for each thread of the server (and the client main thread) that ran or waited > 2 ms. A thread whose cpu + wait is well under 250 slept (idle or blocked); a high wait with little CPU is CPU contention.
sp=$1; cp=$2; n=$(( $3 * 4 )); np=$(pgrep -x nats-server | head -1)
declare -A pr pw
pio_s=0; pio_f=0
for ((i=0;i<n;i++)); do
  line="$(date +%s.%N | cut -c1-14)"
  while read -r kind a b c d; do v=${d#total=}; if [ $kind = some ]; then ds=$(( (v-pio_s)/1000 )); pio_s=$v; else df=$(( (v-pio_f)/1000 )); pio_f=$v; fi; done < /proc/pressure/io
  line="$line io=$ds/$df"
  nd=0; nc=0
  for t in /proc/$np/task/*; do s=$(<$t/stat); s=${s##*) }; set -- $s; [ "$1" = D ] && nd=$((nd+1)); tid=${t##*/}; tot=$(( ${12} + ${13} )); p=${pr[n$tid]:-$tot}; nc=$((nc+tot-p)); pr[n$tid]=$tot; done
  line="$line nats=${nc}0ms/D$nd"
  for t in /proc/$sp/task/* /proc/$cp/task/$cp; do
    tid=${t##*/}
    read -r run wait sl < $t/schedstat 2>/dev/null || continue
    r0=${pr[$tid]:-$run}; w0=${pw[$tid]:-$wait}; pr[$tid]=$run; pw[$tid]=$wait
    dr=$(( (run-r0)/1000000 )); dw=$(( (wait-w0)/1000000 ))
    (( dr > 2 || dw > 2 )) && line="$line $tid:$dr/$dw"
  done
  echo "$line"; sleep 0.25
done
