#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the sweep tests (scripts/sweep.ts slurm).
#
# Installs Debian's slurm-wlm and munge when they are missing, writes a slurm.conf for this host
# (one node with `nproc` CPUs, one partition), starts munged, slurmctld and slurmd, and waits until
# the node is idle. Idempotent: a cluster that already answers is reused as it is (its
# configuration is not rewritten, its daemons are not restarted). Needs root. Exits non-zero, saying
# why, when the cluster cannot be brought up.
set -euo pipefail

CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
# Written by this script; a slurm.conf without this first line is someone else's and is kept.
MARKER='# collapse-lab one-node cluster (.ci/slurm.sh)'

say() { echo "slurm.sh: $*" >&2; }

node_state() { sinfo -h -N -o '%T' 2>/dev/null | head -n 1; }

if command -v sinfo >/dev/null && scontrol ping 2>/dev/null | grep -q 'is UP' && [ -n "$(node_state)" ]; then
  say "a Slurm cluster is already running (node $(node_state)); reusing it."
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  say "needs root to install and start Slurm; run it as root."
  exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  say "installing slurm-wlm and munge (Debian packages)..."
  # Another process may hold the dpkg lock (e.g. a concurrent install): wait for it instead of failing.
  apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }
  apt_get install --no-install-recommends slurm-wlm munge >/dev/null 2>&1 || { apt_get update >/dev/null && apt_get install --no-install-recommends slurm-wlm munge >/dev/null; }
fi

HOST=$(hostname -s)
CPUS=$(nproc)
# RealMemory above what the node has would drain it; stay a little under MemTotal.
MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.95 }' /proc/meminfo)

mkdir -p "$CONF_DIR" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
if [ ! -f "$CONF" ] || head -n 1 "$CONF" | grep -qF "$MARKER"; then
  tmp=$(mktemp "$CONF_DIR/.slurm.conf.XXXXXX")
  cat >"$tmp" <<EOF
$MARKER
ClusterName=collapse-lab
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No cgroups in containers: track processes by their parent, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
# Jobs without --mem get a share of the node, so that several tasks fit at once.
DefMemPerCPU=$((MEM_MB / CPUS))
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 644 "$tmp"
  mv "$tmp" "$CONF"
else
  say "keeping $CONF (not written by this script)."
fi

# munge: a key (the package makes one; make it if not), then the daemon as its own user.
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; fi
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
fi
munge -n | unmunge >/dev/null || { say "munged did not start; see /var/log/munge/munged.log."; exit 1; }

# A daemon runs when its pid file names a live process of that name (a stale file may name another).
running() { [ -f "/run/$1.pid" ] && [ "$(cat "/proc/$(cat "/run/$1.pid")/comm" 2>/dev/null)" = "$1" ]; }
running slurmctld || /usr/sbin/slurmctld
running slurmd || /usr/sbin/slurmd

# The node registers within seconds; a node left down or drained by an earlier run is resumed.
for i in $(seq 1 120); do
  state=$(node_state)
  case "$state" in
    idle*|mixed*|allocated*) say "cluster up: node $HOST ($CPUS CPUs, $MEM_MB MB) is $state."; exit 0 ;;
    down*|drain*|fail*) [ "$i" -gt 5 ] && scontrol update nodename="$HOST" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
say "the node did not become idle within 2 minutes (state: ${state:-none}); see /var/log/slurm/slurmctld.log and slurmd.log."
exit 1
