package dev.correlator.errors;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds the records of the dead-letter topic ({@code errors.dead.letter.queue.topic.name}): the source
 * record's key and value exactly as they were read (raw bytes), its headers, and headers saying where it came
 * from and why it was refused.
 *
 * <p>Headers, all UTF-8 strings: Kafka Streams' standard ones (KIP-1034) {@value #TOPIC_HEADER},
 * {@value #PARTITION_HEADER}, {@value #OFFSET_HEADER}, {@value #EXCEPTION_HEADER} (class name),
 * {@value #MESSAGE_HEADER} (what is wrong, in words) and {@value #STACKTRACE_HEADER}; and ours:
 * {@value #REASON_HEADER} (a {@link DeadLetterReason} code), {@value #PROCESSOR_HEADER} (the source or
 * processor node that refused it) and {@value #SOURCE_TIMESTAMP_HEADER} (the source record's timestamp, ms).
 *
 * <p>The dead-letter record's own timestamp is left to the producer (the time it was dead-lettered), not the
 * source's: a source time far in the past would let retention delete it at once, and one far in the future
 * would be refused by the broker ({@code message.timestamp.after.max.ms}).
 */
public final class DeadLetters {

    public static final String EXCEPTION_HEADER = "__streams.errors.exception";
    public static final String MESSAGE_HEADER = "__streams.errors.message";
    public static final String STACKTRACE_HEADER = "__streams.errors.stacktrace";
    public static final String TOPIC_HEADER = "__streams.errors.topic";
    public static final String PARTITION_HEADER = "__streams.errors.partition";
    public static final String OFFSET_HEADER = "__streams.errors.offset";
    public static final String REASON_HEADER = "correlator.errors.reason";
    public static final String PROCESSOR_HEADER = "correlator.errors.processor";
    public static final String SOURCE_TIMESTAMP_HEADER = "correlator.errors.source.timestamp";

    private DeadLetters() {
    }

    /** The configured dead-letter topic, or null when none is configured. */
    public static String topicFrom(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return topic == null || topic.toString().isBlank() ? null : topic.toString().strip();
    }

    public static ProducerRecord<byte[], byte[]> record(String deadLetterTopic, ErrorHandlerContext context, byte[] key,
                                                        byte[] value, DeadLetterReason reason, Throwable exception) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(deadLetterTopic, null, null, key, value);
        Headers headers = record.headers();
        if (context.headers() != null) {
            for (Header header : context.headers()) {
                // a record dead-lettered before (re-published by hand, say) gets fresh error headers
                if (!header.key().startsWith("__streams.errors.") && !header.key().startsWith("correlator.errors.")) {
                    headers.add(header);
                }
            }
        }
        add(headers, EXCEPTION_HEADER, exception.getClass().getName());
        add(headers, MESSAGE_HEADER, String.valueOf(exception.getMessage()));
        add(headers, STACKTRACE_HEADER, stackTrace(exception));
        add(headers, TOPIC_HEADER, String.valueOf(context.topic()));
        add(headers, PARTITION_HEADER, String.valueOf(context.partition()));
        add(headers, OFFSET_HEADER, String.valueOf(context.offset()));
        add(headers, REASON_HEADER, reason.code());
        add(headers, PROCESSOR_HEADER, String.valueOf(context.processorNodeId()));
        add(headers, SOURCE_TIMESTAMP_HEADER, String.valueOf(context.timestamp()));
        return record;
    }

    /** A header's value as a string, or null when absent. */
    public static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable exception) {
        StringWriter out = new StringWriter();
        exception.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
