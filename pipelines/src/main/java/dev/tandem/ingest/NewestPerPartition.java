package dev.tandem.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.OperatorStateStore;

/**
 * The newest event time seen in each input partition, kept across restarts in union operator
 * state: after a restore or a rescale every subtask reads every entry and uses those of the
 * partitions it reads now. State written by the earlier job (one time for the whole input, when
 * input order was global) seeds partitions that have no entry of their own.
 */
public final class NewestPerPartition {
    private final Map<String, Long> newest = new HashMap<>();
    private ListState<PartitionTime> state;
    private long earlierGlobal = Long.MIN_VALUE;

    /** The union list state {@code name}: every subtask reads every partition's entry on restore. */
    public static ListStateDescriptor<PartitionTime> descriptor(String name) {
        return new ListStateDescriptor<>(name, TypeInformation.of(PartitionTime.class));
    }

    void initialize(OperatorStateStore store, String name, String earlierName) throws Exception {
        state = store.getUnionListState(descriptor(name));
        for (PartitionTime entry : state.get()) {
            newest.merge(entry.partition, entry.time, Math::max);
        }
        ListState<Long> earlier = store.getUnionListState(new ListStateDescriptor<>(earlierName, Types.LONG));
        for (Long time : earlier.get()) {
            earlierGlobal = Math.max(earlierGlobal, time);
        }
        earlier.clear();
    }

    /** The newest time in the partition, {@link Long#MIN_VALUE} before its first event. */
    long of(String partition) {
        Long time = newest.get(partition);
        return time != null ? time : earlierGlobal;
    }

    void advance(String partition, long time) {
        newest.merge(partition, time, Math::max);
    }

    void snapshot() throws Exception {
        List<PartitionTime> entries = new ArrayList<>();
        newest.forEach((partition, time) -> entries.add(new PartitionTime(partition, time)));
        state.update(entries);
    }
}
