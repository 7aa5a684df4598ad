package dev.tandem.spine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.spec.CompiledSpec;
import dev.tandem.spec.SpecCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a spine asks for and what it passes through, read from its files before the job runs. */
class SpineLayoutTest {
    private static final CompiledSpec SPEC = SpecCompiler.load(null);

    @TempDir
    Path dir;

    private SpineLayout layout(String name, String... lines) throws Exception {
        Path file = Files.write(dir.resolve(name), List.of(lines));
        return SpineLayout.inspect(SPEC, List.of(file), "ts");
    }

    @Test
    void keyColumnsNameTheGroupsAskedForAndTypesAreInferredOverEveryRow() throws Exception {
        SpineLayout layout = layout("s.jsonl",
                "{\"card_number\":\"4111111111111111\",\"ts\":\"2025-01-01T00:00:00Z\",\"n\":1,\"x\":1,\"flag\":true,\"note\":\"a\",\"email\":\"a@b.c\"}",
                "{\"card_number\":\"4111111111111111\",\"ts\":\"2025-01-01T00:00:00Z\",\"n\":2,\"x\":2.5,\"flag\":\"yes\",\"empty\":null}",
                "not json");
        assertThat(layout.format()).isEqualTo(SpineLayout.Format.JSON_LINES);
        assertThat(layout.groups()).containsExactly(0);
        assertThat(layout.keyColumns()).containsExactly("card_number");
        assertThat(layout.passthrough()).as("raw PII (email) never passes through").containsExactly(
                new SpineLayout.Column("n", SpineLayout.ColumnType.LONG), new SpineLayout.Column("x", SpineLayout.ColumnType.DOUBLE),
                new SpineLayout.Column("flag", SpineLayout.ColumnType.STRING), new SpineLayout.Column("note", SpineLayout.ColumnType.STRING),
                new SpineLayout.Column("empty", SpineLayout.ColumnType.STRING));
    }

    @Test
    void aCsvSpinesTypesComeFromItsText() throws Exception {
        SpineLayout layout = layout("s.csv", "merchant_id,card_number,ts,label,score,kind", "m1,4111111111111111,2025-01-01T00:00:00Z,1,0.5,a",
                "m2,4111111111111111,2025-01-01T00:00:00Z,0,,TRUE");
        assertThat(layout.groups()).containsExactly(0, 1);
        assertThat(layout.passthrough()).containsExactly(new SpineLayout.Column("label", SpineLayout.ColumnType.LONG),
                new SpineLayout.Column("score", SpineLayout.ColumnType.DOUBLE), new SpineLayout.Column("kind", SpineLayout.ColumnType.STRING));
    }

    @Test
    void aSpineItCannotAnswerIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> layout("a.jsonl", "{\"ts\":1,\"label\":1}")).hasMessageContaining("no entity key column")
                .hasMessageContaining("card_number").hasMessageContaining("merchant_id");
        assertThatThrownBy(() -> layout("b.jsonl", "{\"merchant_id\":\"m\",\"at\":1}")).hasMessageContaining("no time column ts")
                .hasMessageContaining("--spine-time");
        assertThatThrownBy(() -> layout("c.jsonl", "{\"merchant_id\":\"m\",\"ts\":1,\"merchant_txn_count_1h\":3}"))
                .hasMessageContaining("merchant_txn_count_1h").hasMessageContaining("output column");
        assertThatThrownBy(() -> layout("d.txt", "x")).hasMessageContaining(".parquet, .csv or .jsonl");
    }

    @Test
    void aPassedThroughValueMustFitItsColumnsType() {
        SpineLayout.Column label = new SpineLayout.Column("label", SpineLayout.ColumnType.LONG);
        assertThat(SpineCleaner.canonical(label, SpineRecords.csvValue("7"))).isEqualTo("7");
        assertThat(SpineCleaner.canonical(label, SpineRecords.csvValue("7.5"))).isNull();
        assertThat(SpineCleaner.canonical(new SpineLayout.Column("s", SpineLayout.ColumnType.DOUBLE), SpineRecords.typedCsvValue("3"))).isEqualTo("3.0");
        assertThat(SpineCleaner.canonical(new SpineLayout.Column("b", SpineLayout.ColumnType.BOOLEAN), SpineRecords.csvValue("yes"))).isNull();
    }
}
