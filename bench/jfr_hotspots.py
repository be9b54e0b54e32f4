#!/usr/bin/env python3
"""Where the time goes in a stream-bench run, from a JFR recording.

Usage: jfr_hotspots.py RECORDING.jfr [TOP]

Reads the jdk.ExecutionSample events (`jfr print --json`), keeps the samples taken while the
Flink job ran (from the first to the last sample of a Flink task thread), and prints
  1. samples per thread group (Flink tasks, Kafka broker, Kafka clients, harness, ...),
  2. samples per activity: each sample goes to the first activity matched walking its stack from
     the leaf towards the root (so JSON writing called from the sink counts as JSON writing, and
     the Kafka producer's own code as Kafka),
  3. the hottest leaf methods.
Samples only cover threads running Java code; JIT compiler and GC threads are not sampled.
"""
import collections
import json
import re
import subprocess
import sys

# (activity, regular expression over "package/Class.method"); first match from the leaf wins.
ACTIVITIES = [
    ("parse points (JSON in)", r"streamkmeans/stream/(PointParser|PointDeserializer|Utf8)"),
    ("write labels/summaries (JSON out)", r"streamkmeans/stream/(LabelRecord|WindowSummary|DeadLetter|Json|JsonRecordSchema)\."),
    ("window fit and metrics (engine)", r"streamkmeans/(engine/|stream/WindowFitter)"),
    ("copies between chained operators (object reuse off)", r"org/apache/flink/api/java/typeutils/runtime/(PojoSerializer\.copy|JavaRecordBuilderFactory)|CopyingChainingOutput"),
    ("keyed state (heap backend)", r"org/apache/flink/runtime/state/|org/apache/flink/api/common/state/"),
    ("serialization between operators", r"streamkmeans/stream/PointSerializer|org/apache/flink/api/common/typeutils/|org/apache/flink/runtime/io/network/api/(serialization|writer)|org/apache/flink/streaming/runtime/streamrecord/StreamElementSerializer|org/apache/flink/runtime/io/network/(buffer|partition)|com/esotericsoftware/kryo|org/apache/flink/api/java/typeutils/runtime"),
    ("checkpointing", r"org/apache/flink/runtime/(checkpoint|state/.*Snapshot)|org/apache/flink/streaming/runtime/tasks/SubtaskCheckpoint"),
    ("Kafka producer (sinks)", r"org/apache/kafka/clients/producer/|org/apache/flink/connector/kafka/sink/"),
    ("Kafka consumer (source)", r"org/apache/kafka/clients/consumer/|org/apache/flink/connector/kafka/source/|org/apache/flink/connector/base/source/"),
    ("clusterer function (buffering, labels)", r"streamkmeans/stream/ClusteringFunction"),
    ("Kafka broker", r"^kafka/|org/apache/kafka/(storage|server|raft|metadata|controller|coordinator|image)/"),
    ("Kafka network/common", r"org/apache/kafka/common/"),
    ("Flink runtime (mailbox, network, other)", r"org/apache/flink/"),
    ("JDK (unattributed)", r"^(java|jdk|sun)/"),
]
THREAD_GROUPS = [
    ("Flink task: source + parse", r"^Source: "),
    ("Flink task: clusterer + label/summary sinks", r"^window clusterer"),
    ("Flink task: dead-letter sink", r"^dead letters"),
    ("Flink source fetcher (Kafka consumer)", r"^Source Data Fetcher"),
    ("Kafka producer I/O threads (sinks)", r"^kafka-producer-network-thread \| producer-"),
    ("Kafka broker", r"^(data-plane-kafka|kafka-\d|quorum|raft|broker-|controller-|group-coordinator|ReplicaFetcher|LogDirFailure|transaction|ExpirationReaper|kafka-log|kafka-scheduler|share-)"),
    ("bench harness (main, generator)", r"^(main|kafka-producer-network-thread \| streamkmeans-(generator|stream-bench)|stream-bench)"),
    ("engine warm-up", r"simd-warmup"),
    ("Flink runtime (RPC, checkpoints, I/O)", r"."),
]


def frame_name(frame):
    m = frame["method"]
    return m["type"]["name"] + "." + m["name"]


def classify(pairs, name):
    for label, pattern in pairs:
        if re.search(pattern, name):
            return label
    return "other"


def main():
    recording = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", recording],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    samples = []
    for e in events:
        v = e["values"]
        thread = v["sampledThread"]["javaName"] or v["sampledThread"]["osName"] or "?"
        frames = [frame_name(f) for f in (v["stackTrace"] or {}).get("frames", [])]
        samples.append((v["startTime"], thread, frames))
    task = [s[0] for s in samples if re.search(r"\(\d+/\d+\)#\d+$", s[1])]
    if task:
        first, last = min(task), max(task)
        samples = [s for s in samples if first <= s[0] <= last]
        print(f"job window: {first} .. {last}")
    total = len(samples)
    print(f"{total} samples\n")

    def table(title, counter):
        print(f"{title}:")
        for name, n in counter.most_common(top):
            print(f"  {100.0 * n / total:5.1f}%  {n:6d}  {name}")
        print()

    table("by thread group", collections.Counter(classify(THREAD_GROUPS, t) for _, t, _ in samples))
    activity = collections.Counter()
    per_group_activity = collections.defaultdict(collections.Counter)
    for _, thread, frames in samples:
        label = next((classify(ACTIVITIES, f) for f in frames if classify(ACTIVITIES, f) not in
                      ("JDK (unattributed)", "other")), "JDK (unattributed)" if frames else "other")
        activity[label] += 1
        per_group_activity[classify(THREAD_GROUPS, thread)][label] += 1
    table("by activity (first match from the leaf)", activity)
    for group in ("Flink task: source + parse", "Flink task: clusterer + label/summary sinks"):
        if group in per_group_activity:
            table(f"{group}, by activity", per_group_activity[group])
    table("hottest leaf methods", collections.Counter(f[0] for _, _, f in samples if f))


if __name__ == "__main__":
    main()
