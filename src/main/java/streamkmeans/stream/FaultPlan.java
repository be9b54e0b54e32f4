package streamkmeans.stream;

import java.io.Serializable;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * One planned task failure, for the fault-tolerance tests: the task that runs operator
 * {@link #at()} throws once, on a record that reaches the operator after that subtask has passed
 * {@code afterRecords} records to it and a checkpoint taken after them has completed. The job
 * then restores from its last completed checkpoint, which holds at least those records' effects.
 *
 * <p>{@link ClusteringJob#build(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment,
 * JobSettings, FaultPlan)} puts a pass-through {@link FailOnce} in front of the operator, in the
 * same task (chained, or keyed in the same way for the clusterer); the job built without a plan
 * has no such operator. "Once" holds per {@link #name()} in this JVM (a MiniCluster re-creates the
 * operator on restore, so the flag lives in a static registry): use a name unique to the test run.
 *
 * @param name         registry key of the run, unique per test run
 * @param at           the operator whose task fails
 * @param afterRecords records a subtask must pass to the operator before it arms, at least 1
 */
record FaultPlan(String name, Operator at, long afterRecords) implements Serializable {

    /** The job's operators that hold state or write output, by their uid. */
    enum Operator {
        /** The parse step: points on, unparsable records to the dead-letter side output. */
        PARSE("split-dead-letters"),
        /** The keyed window clusterer (the failure comes before it, in its task). */
        CLUSTERER("clusterer"),
        /** The labels Kafka sink. */
        LABELS_SINK("labels-sink"),
        /** The window-summaries Kafka sink. */
        SUMMARIES_SINK("summaries-sink"),
        /** The dead-letter Kafka sink. */
        DEAD_LETTER_SINK("dead-letter-sink");

        private final String uid;

        Operator(String uid) {
            this.uid = uid;
        }

        /** The operator's uid in the job graph. */
        String uid() {
            return uid;
        }
    }

    private static final Set<String> ARMED = ConcurrentHashMap.newKeySet();
    private static final Set<String> FIRED = ConcurrentHashMap.newKeySet();

    FaultPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        if (afterRecords < 1) {
            throw new IllegalArgumentException("afterRecords must be at least 1, got " + afterRecords);
        }
    }

    /** Whether a subtask has met the plan's condition: the next record it sees fails its task. */
    static boolean armed(String name) {
        return ARMED.contains(name);
    }

    /** Whether the plan's failure has been thrown (it is never thrown again under this name). */
    static boolean fired(String name) {
        return FIRED.contains(name);
    }

    /**
     * The pass-through that fails its task once, as planned. Counts records per subtask; the
     * first checkpoint whose barrier arrives after {@code afterRecords} records arms it when that
     * checkpoint completes; the next record then throws {@link InjectedFailure}, in one subtask only.
     */
    static final class FailOnce<T> extends RichMapFunction<T, T> implements CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private final FaultPlan plan;
        private transient long records;
        /** The first checkpoint taken after {@code afterRecords} records, or -1 before it. */
        private transient long armingCheckpoint;
        private transient boolean armed;

        FailOnce(FaultPlan plan) {
            this.plan = plan;
        }

        @Override
        public T map(T value) {
            records++;
            if (armed && FIRED.add(plan.name())) {
                throw new InjectedFailure("planned failure at " + plan.at().uid() + " of run " + plan.name()
                        + " in subtask " + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()
                        + " after " + records + " records");
            }
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            if (armingCheckpoint < 0 && records >= plan.afterRecords()) {
                armingCheckpoint = context.getCheckpointId();
            }
        }

        /** Starts counting afresh (transient fields skip their initialisers on deserialisation). */
        @Override
        public void initializeState(FunctionInitializationContext context) {
            // Nothing to restore: the registry says whether the failure has happened.
            records = 0;
            armingCheckpoint = -1;
            armed = false;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (armingCheckpoint >= 0 && checkpointId >= armingCheckpoint && !armed) {
                armed = true;
                ARMED.add(plan.name());
            }
        }
    }

    /** The exception a {@link FailOnce} throws, told apart from real failures in logs. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
