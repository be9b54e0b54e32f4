#!/usr/bin/env bash
# Submits the clustering job to the Flink session cluster of docker-compose.yml, detached, unless a
# job of the same name is already running there (so that `docker compose up` can be repeated).
#
# Environment: KAFKA_BOOTSTRAP (brokers), JOB_NAME, JOB_ARGS (further options of `run`, split on
# spaces; see docs/DEPLOYMENT.md). The JobManager's REST address comes from flink-conf/config.yaml.
set -euo pipefail

jar=/opt/flink/usrlib/streamkmeans-cluster.jar
name=${JOB_NAME:-streamkmeans}

if [[ ! -s $jar ]]; then
    echo "submit: $jar is missing; build it with 'mvn -B package -DskipTests'" >&2
    exit 1
fi
# `flink list -r` prints "<date> : <job id> : <name> (<state>)" for running and restarting jobs.
if flink list -r 2>/dev/null | grep -Eq " : ${name} \((RUNNING|RESTARTING|CREATED|INITIALIZING)\)$"; then
    echo "submit: job '${name}' is already running; not submitting it again"
    exit 0
fi
# shellcheck disable=SC2086 # JOB_ARGS is a list of options
exec flink run --detached "$jar" run --job-name "$name" --bootstrap-servers "${KAFKA_BOOTSTRAP:-kafka:9092}" ${JOB_ARGS:-}
