package dev.correlator.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import dev.correlator.avro.CorrelationRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A 64-bit fingerprint of a correlation line's content (its Avro binary encoding), so that a processor can
 * tell "the same line again" without keeping the line: a cause update re-judges every outage of its scope and
 * most judgements come out unchanged. Two different lines of one pair get the same fingerprint with
 * probability about 2^-64. One instance per processor (not thread-safe: it reuses its buffer).
 */
final class LineFingerprint {

    private static final long PRIME = 0x100000001b3L;
    private static final long OFFSET = 0xcbf29ce484222325L;

    private final SpecificDatumWriter<CorrelationRecord> writer = new SpecificDatumWriter<>(CorrelationRecord.class);
    private final Buffer buffer = new Buffer();
    private BinaryEncoder encoder;

    long of(CorrelationRecord line) {
        buffer.reset();
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        try {
            writer.write(line, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hash(buffer.bytes(), buffer.size());
    }

    /** FNV-1a over the bytes, then a SplitMix64 finaliser so that every input bit reaches every output bit. */
    static long hash(byte[] bytes, int length) {
        long h = OFFSET;
        for (int i = 0; i < length; i++) {
            h ^= bytes[i] & 0xff;
            h *= PRIME;
        }
        h ^= length;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static final class Buffer extends ByteArrayOutputStream {
        byte[] bytes() {
            return buf;
        }
    }
}
