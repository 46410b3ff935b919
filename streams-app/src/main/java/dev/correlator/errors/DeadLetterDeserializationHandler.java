package dev.correlator.errors;

import java.util.List;
import java.util.Map;

import dev.correlator.serde.InvalidWireFormatException;
import dev.correlator.serde.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deserialization.exception.handler}: a record whose bytes cannot be read goes to the dead-letter
 * topic (raw key and value, headers saying where from and why, see {@link DeadLetters}) and processing goes
 * on; but a record that could not be read because the <b>schema registry</b> did not answer (unreachable, a
 * 5xx, a 404 without a Confluent 404xx code, i.e. a wrong URL, an authorisation failure...) is not bad
 * input: dead-lettering it would lose a good record. Then the handler fails: the stream thread dies without
 * committing, and the uncaught exception handler ({@code StreamThreadFailurePolicy}) decides whether a new
 * thread reads the record again or the instance stops.
 *
 * <p>Each dead-lettered record is counted in {@value DeadLetterMetrics#TOTAL} (tags {@code topic},
 * {@code reason}).
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = DeadLetters.topicFrom(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        InvalidWireFormatException invalid = Causes.find(exception, InvalidWireFormatException.class);
        if (invalid == null) {
            SchemaRegistryException registry = Causes.find(exception, SchemaRegistryException.class);
            if (registry != null) {
                LOG.error("Cannot read {}-{}@{}: the schema registry did not answer as expected ({}). The record is NOT "
                                + "dead-lettered; failing the stream thread so that it is read again",
                        record.topic(), record.partition(), record.offset(), registry.getMessage());
                return Response.fail();
            }
        }
        DeadLetterReason reason = invalid != null ? DeadLetterReason.of(invalid.problem()) : DeadLetterReason.UNREADABLE;
        countIn(context, record.topic(), reason);
        if (deadLetterTopic == null) {
            LOG.warn("Skipping unreadable record {}-{}@{} ({}), no dead-letter topic configured: {}", record.topic(),
                    record.partition(), record.offset(), reason, exception.getMessage());
            return Response.resume();
        }
        LOG.warn("Dead-lettering unreadable record {}-{}@{} to {} ({}): {}", record.topic(), record.partition(),
                record.offset(), deadLetterTopic, reason, exception.getMessage());
        return Response.resume(List.of(DeadLetters.record(deadLetterTopic, context, record.key(), record.value(), reason,
                exception)));
    }

    /**
     * The handler API gives no metrics registry; Kafka Streams' own context implementation carries the
     * task's processor context, whose metrics are the instance's registry. Without it (another runtime),
     * the record is still dead-lettered and logged, only not counted.
     */
    private static void countIn(ErrorHandlerContext context, String topic, DeadLetterReason reason) {
        if (context instanceof DefaultErrorHandlerContext streamsContext) {
            streamsContext.processorContext().ifPresent(pc -> DeadLetterMetrics.record(pc.metrics(), topic, reason));
        }
    }
}
