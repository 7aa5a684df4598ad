package dev.tandem.job;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * UTF-8 text lines of a file, without the byte-order mark that files exported on Windows or from
 * spreadsheets start with (it would make the first record unreadable JSON). Only the first bytes
 * of a file are a mark; the same bytes anywhere else are data.
 */
public final class TextLines extends SimpleStreamFormat<String> {
    private static final long serialVersionUID = 1L;
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final TextLineInputFormat lines = new TextLineInputFormat();

    @Override
    public Reader<String> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        if (stream.getPos() == 0 && !startsWithBom(stream)) {
            stream.seek(0);
        }
        return lines.createReader(config, stream);
    }

    private static boolean startsWithBom(FSDataInputStream stream) throws IOException {
        for (byte expected : UTF8_BOM) {
            if (stream.read() != (expected & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return lines.getProducedType();
    }
}
