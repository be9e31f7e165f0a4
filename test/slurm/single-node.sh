#!/usr/bin/env bash
# A throw-away single-node Slurm cluster for the opt-in integration test (SCANLAB_SLURM_TEST=1 npm run test:slurm).
# Usage: single-node.sh start DIR   (installs Debian's slurmctld, slurmd, slurm-client and munge when missing; writes
#                                    DIR/slurm.conf; starts munged if not running, then slurmctld and slurmd)
#        single-node.sh stop DIR    (stops only the daemons this script started, by their pid files in DIR)
# Needs root (as CI and the developer machines run). Clients find the cluster with SLURM_CONF=DIR/slurm.conf.
set -euo pipefail
cmd="${1:?start or stop}"
dir="${2:?state folder}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

stop_pid() {
  local f="$1"
  if [ -f "$f" ]; then
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  fi
}

if [ "$cmd" = stop ]; then
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
  stop_pid "$dir/munged.pid"
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
  ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

if ! pgrep -x munged >/dev/null; then
  mkdir -p /run/munge
  chown munge:munge /run/munge 2>/dev/null || true
  [ -f /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || create-munge-key -f; }
  # munged refuses to run as root unless forced; the pid file lets 'stop' end exactly this daemon.
  munged --force --pid-file="$dir/munged.pid"
fi

host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
mkdir -p "$dir/state" "$dir/spool"
cat >"$dir/slurm.conf" <<CONF
ClusterName=scanlab-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=60
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "single-node Slurm cluster up: SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 1
done
echo "Slurm did not come up in 60 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
exit 1
