#!/usr/bin/env bash
# Builds the Flink ML peer benchmark and runs it; arguments go to the benchmark
# (e.g. --points 200000). Needs Java 11+ and Maven; the first build downloads Flink 1.15.4.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q package
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# Flink 1.15 reflects into java.lang (and Kryo into java.util) on Java 17.
exec java --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    -Xmx4g ${JAVA_OPTS:-} -cp "target/classes:$(cat target/classpath.txt)" \
    streamkmeans.bench.flinkml.OnlineKMeansBench "$@"
