#!/usr/bin/env bash
# CI checks of the docker/ stack that need tools rather than the JVM; .ci/run calls it before
# `mvn -B verify`. (The Java side, in `mvn verify`: DeploymentFilesTest checks tags, mounts and the
# files' contents, MetricsExportTest the exported metrics against the dashboard and a scrape by a
# real Prometheus, ClusterJarIT the cluster jar.)
#
#  - docker-compose validates both compose files (schema, interpolation, the CPU override merged
#    over the base file); no Docker engine is needed for `config`.
#  - promtool validates the Prometheus configuration.
#  - bash parses the submit script.
#
# Debian's docker-compose and prometheus packages (prometheus also brings promtool, and
# MetricsExportTest starts the prometheus binary) are installed when missing, if apt-get can; a
# check whose tool cannot be had is skipped with a message, not failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# have PACKAGE COMMAND: whether COMMAND is there, installing PACKAGE first when it is not.
have() {
    command -v "$2" >/dev/null 2>&1 && return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "ci-check: installing $1"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >/dev/null 2>&1 \
            || { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >/dev/null 2>&1; } \
            || true
    fi
    command -v "$2" >/dev/null 2>&1
}

if have docker-compose docker-compose; then
    docker-compose -f docker-compose.yml config --quiet
    docker-compose -f docker-compose.yml -f docker-compose.cpu.yml config --quiet
    echo "ci-check: docker-compose.yml and docker-compose.cpu.yml are valid"
else
    echo "ci-check: SKIPPED compose validation: docker-compose is not installed and cannot be installed here"
fi

if have prometheus promtool; then
    promtool check config prometheus/prometheus.yml
else
    echo "ci-check: SKIPPED Prometheus config check: promtool is not installed and cannot be installed here"
fi

bash -n submit.sh
echo "ci-check: submit.sh parses"
