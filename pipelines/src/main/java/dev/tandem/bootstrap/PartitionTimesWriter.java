package dev.tandem.bootstrap;

import dev.tandem.ingest.NewestPerPartition;
import dev.tandem.ingest.PartitionTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.functions.StateBootstrapFunction;

/**
 * Writes the newest event time per partition as the union operator state {@code stateName} of an
 * ingestion operator (the cleaning outcomes, the ordering gate), so the lateness rule goes on from
 * where the history ends.
 */
public final class PartitionTimesWriter extends StateBootstrapFunction<PartitionTime> {
    private final String stateName;
    private final List<PartitionTime> entries = new ArrayList<>();

    private transient ListState<PartitionTime> state;

    public PartitionTimesWriter(String stateName) {
        this.stateName = stateName;
    }

    @Override
    public void processElement(PartitionTime newest, Context ctx) {
        entries.add(newest);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(NewestPerPartition.descriptor(stateName));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.update(entries);
    }
}
