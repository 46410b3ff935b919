package dev.correlator.errors;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code processing.exception.handler}: an {@link InvalidInputException} (thrown by the input gates, the
 * first operator after each source, for records whose content is unusable) sends the raw source record to
 * the dead-letter topic (see {@link DeadLetters}) and processing goes on. The gate has counted it already
 * ({@link DeadLetterMetrics}).
 *
 * <p>Any other exception is a bug or a broken invariant, not bad input: the handler fails, the transaction
 * is aborted (exactly-once), and the uncaught exception handler stops the instance rather than skip records
 * whose outputs would then be missing without a trace.
 */
public class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetterTopic = DeadLetters.topicFrom(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof InvalidInputException invalid) {
            if (deadLetterTopic == null) {
                LOG.warn("Skipping invalid record {}-{}@{} ({}), no dead-letter topic configured: {}", context.topic(),
                        context.partition(), context.offset(), invalid.reason(), invalid.getMessage());
                return Response.resume();
            }
            LOG.warn("Dead-lettering invalid record {}-{}@{} to {} ({}): {}", context.topic(), context.partition(),
                    context.offset(), deadLetterTopic, invalid.reason(), invalid.getMessage());
            return Response.resume(List.of(DeadLetters.record(deadLetterTopic, context, context.sourceRawKey(),
                    context.sourceRawValue(), invalid.reason(), invalid)));
        }
        LOG.error("Processor {} failed on {}-{}@{} (task {}): not an input problem, failing the stream thread",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(), context.taskId(), exception);
        return Response.fail();
    }
}
