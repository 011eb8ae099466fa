#!/usr/bin/env bash
# The tests, checks and benchmarks listen on fixed 127.0.0.1 ports between 28000 and 41999, and
# most of that block lies inside the kernel's ephemeral range (32768-60999 by default). An
# outgoing connection (a load client, the balancer's upstream pool) may then take one of those
# ports as its source port and a listener started later fails with "Address already in use".
# Reserving the block keeps the kernel from handing it out; explicit binds still work.
set -euo pipefail
BLOCK="${BANKOPS_RESERVED_PORTS:-28000-41999}"
current="$(cat /proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null || true)"
if [[ ",$current," == *",$BLOCK,"* ]]; then
  echo "reserved ports: $BLOCK already"
  exit 0
fi
wanted="$BLOCK"
[[ -n "$current" ]] && wanted="$current,$BLOCK"
if sysctl -q -w "net.ipv4.ip_local_reserved_ports=$wanted" 2>/dev/null ||
  { echo "$wanted" >/proc/sys/net/ipv4/ip_local_reserved_ports; } 2>/dev/null; then
  echo "reserved ports: $(cat /proc/sys/net/ipv4/ip_local_reserved_ports) (not handed out as source ports)"
else
  # not fatal: without it a fixed-port listener can still lose a rare race to a source port
  echo "reserved ports: could not reserve $BLOCK (not root, or no write access to net.ipv4)" >&2
fi
