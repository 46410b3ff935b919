package dev.correlator.errors;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code production.exception.handler}: outputs are the product, so none is ever skipped.
 * <ul>
 *   <li>a retriable error (timeout, leader change, not enough replicas, a topic not yet known) is retried:
 *       Kafka Streams re-processes the task from its last commit (exactly-once: nothing is duplicated);</li>
 *   <li>anything else (record too large, authorisation, an output that cannot be serialized, e.g. because
 *       the registry refuses or cannot register its schema) fails: the transaction is aborted and the
 *       uncaught exception handler decides (a registry outage replaces the thread, anything else stops the
 *       instance). The fix is on the operator's side (topic config, ACLs, registry).</li>
 * </ul>
 * Unlike {@code DefaultProductionExceptionHandler}, no dead-letter record is attached to a failure: under
 * exactly-once it would be aborted with the transaction anyway.
 */
public class CorrelatorProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CorrelatorProductionExceptionHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            LOG.warn("Could not write to {} ({}); retrying the task", record.topic(), exception.toString());
            return Response.retry();
        }
        LOG.error("Could not write to {} while processing {}-{}@{} (node {}); failing: {}", record.topic(), context.topic(),
                context.partition(), context.offset(), context.processorNodeId(), exception.toString());
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        LOG.error("Could not serialize the {} of a record for {} while processing {}-{}@{} (node {}); failing: {}",
                origin.name().toLowerCase(java.util.Locale.ROOT), record.topic(), context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), exception.toString());
        return Response.fail();
    }
}
