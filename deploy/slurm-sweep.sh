#!/bin/bash
# A sweep split into a Slurm job array: one array task per shard.
#
#   sbatch deploy/slurm-sweep.sh                       # 8 shards of scenarios/launch.toml
#   sbatch --array=1-32 deploy/slurm-sweep.sh          # any contiguous range works
#   RUNS=5000 SCENARIO=my.toml sbatch deploy/slurm-sweep.sh
#
# Slurm sets SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT in each task;
# `campaign-sim sweep --shard env` reads them (shard = ID - MIN + 1 of COUNT), runs that slice of
# the runs on the task's CPUs and writes its shard folder under SHARDS (a folder every node sees).
# Slurm does the distributing and the retries; campaign-sim schedules nothing.
#
# Merge once every task has succeeded, for example with a dependent job:
#   jobid=$(sbatch --parsable deploy/slurm-sweep.sh)
#   sbatch --dependency=afterok:$jobid --wrap \
#     "campaign-sim merge shards/launch/shard-* --out reports/launch-sweep"
#
#SBATCH --job-name=campaign-sim-sweep
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=campaign-sim-sweep-%A_%a.log
set -euo pipefail

SCENARIO=${SCENARIO:-scenarios/launch.toml}
RUNS=${RUNS:-1000}
SHARDS=${SHARDS:-shards/launch}
CAMPAIGN_SIM=${CAMPAIGN_SIM:-campaign-sim}

mkdir -p "$SHARDS"
exec "$CAMPAIGN_SIM" sweep "$SCENARIO" --runs "$RUNS" --shard env \
  --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --out "$SHARDS/shard-$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1))"
