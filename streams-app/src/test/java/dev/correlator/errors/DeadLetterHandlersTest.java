package dev.correlator.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import com.sun.net.httpserver.HttpServer;
import dev.correlator.app.StreamThreadFailurePolicy;
import dev.correlator.avro.ServicePing;
import dev.correlator.config.ConfigLoader;
import dev.correlator.engine.EngineSettings;
import dev.correlator.serde.AvroDeserializer;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.serde.HttpSchemaRegistryClient;
import dev.correlator.topics.CorrelatorSerdes;
import dev.correlator.topics.Topics;
import dev.correlator.topology.CorrelatorTopology;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead-letter handlers on their own: what they dead-letter and what they refuse to. The key case: a
 * good record that cannot be read because the registry is down, or its URL is wrong, must fail the thread
 * (to be read again) and never reach the dead-letter topic.
 */
class DeadLetterHandlersTest {

    private static final String DLQ = "test-dead-letter";
    /** a ServicePing in the wire format naming schema id 1 (the body does not matter: the id is fetched first) */
    private static final byte[] GOOD_LOOKING = {0, 0, 0, 0, 1, 2, 'a', 2, 'b', 0, 0};

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    record Context(String topic, int partition, long offset, Headers headers, String processorNodeId, TaskId taskId,
                   long timestamp, byte[] sourceRawKey, byte[] sourceRawValue) implements ErrorHandlerContext {
    }

    private static Context context(byte[] key, byte[] value) {
        return new Context("service-pings", 2, 41L, new RecordHeaders().add("trace", "t-1".getBytes(StandardCharsets.UTF_8)),
                "service-pings-source", new TaskId(0, 2), 1_000L, key, value);
    }

    private static DeadLetterDeserializationHandler deserializationHandler(String deadLetterTopic) {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(deadLetterTopic == null ? Map.of()
                : Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic));
        return handler;
    }

    /** What reading {@link #GOOD_LOOKING} through a registry at {@code url} throws. */
    private static Exception readThrough(String url) {
        AvroDeserializer<ServicePing> deserializer = new AvroDeserializer<>(ServicePing.class,
                new HttpSchemaRegistryClient(url, null, Duration.ofSeconds(5)));
        Throwable thrown = catchThrowable(() -> deserializer.deserialize("service-pings", GOOD_LOOKING));
        assertThat(thrown).isInstanceOf(Exception.class);
        return (Exception) thrown;
    }

    private static DeserializationExceptionHandler.Response handle(Exception exception) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("service-pings", 2, 41L, "svc".getBytes(StandardCharsets.UTF_8),
                GOOD_LOOKING);
        return deserializationHandler(DLQ).handleError(context(record.key(), record.value()), record, exception);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A fake registry that answers every request with this status and body. */
    private String registryAnswering(int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void anUnreachableRegistryFailsTheThreadAndDeadLettersNothing() throws IOException {
        Exception exception = readThrough("http://127.0.0.1:" + closedPort());

        DeserializationExceptionHandler.Response response = handle(exception);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(StreamThreadFailurePolicy.isTransientRegistryOutage(new StreamsException("wrapped", exception))).isTrue();
    }

    @Test
    void aWrongRegistryUrlFailsTheThreadAndDeadLettersNothing() throws IOException {
        // a 404 without a Confluent 404xx error code: the URL does not point at a registry API
        Exception exception = readThrough(registryAnswering(404, "text/html", "<html>Not Found</html>"));

        DeserializationExceptionHandler.Response response = handle(exception);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(StreamThreadFailurePolicy.isTransientRegistryOutage(exception)).isFalse();
    }

    @Test
    void aRegistryErrorFailsTheThreadAndDeadLettersNothing() throws IOException {
        Exception exception = readThrough(registryAnswering(503, "application/json",
                "{\"error_code\":50003,\"message\":\"backend unavailable\"}"));

        DeserializationExceptionHandler.Response response = handle(exception);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
        assertThat(StreamThreadFailurePolicy.isTransientRegistryOutage(exception)).isTrue();
    }

    @Test
    void aSchemaIdTheRegistryDoesNotKnowIsDeadLetteredWithTheRawRecordAndWhereItCameFrom() throws IOException {
        Exception exception = readThrough(registryAnswering(404, "application/json",
                "{\"error_code\":40403,\"message\":\"Schema not found\"}"));

        DeserializationExceptionHandler.Response response = handle(exception);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertThat(letter.topic()).isEqualTo(DLQ);
        assertThat(letter.key()).isEqualTo("svc".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.value()).isEqualTo(GOOD_LOOKING);
        assertThat(letter.timestamp()).as("stamped when dead-lettered, by the producer").isNull();
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.TOPIC_HEADER)).isEqualTo("service-pings");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.PARTITION_HEADER)).isEqualTo("2");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.OFFSET_HEADER)).isEqualTo("41");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON_HEADER)).isEqualTo("unknown-schema-id");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.EXCEPTION_HEADER))
                .isEqualTo("dev.correlator.serde.InvalidWireFormatException");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.MESSAGE_HEADER)).contains("schema id 1");
        assertThat(DeadLetters.header(letter.headers(), DeadLetters.SOURCE_TIMESTAMP_HEADER)).isEqualTo("1000");
        assertThat(DeadLetters.header(letter.headers(), "trace")).as("the source's headers are kept").isEqualTo("t-1");
    }

    @Test
    void withoutADeadLetterTopicUnreadableRecordsAreSkippedAndLogged() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("service-pings", 0, 0L, null, new byte[]{9});
        Exception exception = catchException(record.value());

        DeserializationExceptionHandler.Response response = deserializationHandler(null)
                .handleError(context(null, record.value()), record, exception);

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    private static Exception catchException(byte[] value) {
        AvroDeserializer<ServicePing> deserializer = new AvroDeserializer<>(ServicePing.class,
                new HttpSchemaRegistryClient("http://127.0.0.1:1", null, Duration.ofSeconds(1)));
        return (Exception) catchThrowable(() -> deserializer.deserialize("service-pings", value));
    }

    @Test
    void theProcessingHandlerDeadLettersInvalidInputAndFailsOnAnythingElse() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLQ));
        byte[] raw = {0, 0, 0, 0, 7, 1, 2, 3};
        Record<String, String> record = new Record<>("svc", "value", 0L);

        ProcessingExceptionHandler.Response invalid = handler.handleError(context("svc".getBytes(StandardCharsets.UTF_8), raw),
                record, new InvalidInputException(DeadLetterReason.KEY_MISMATCH, "record key \"svc\" is not its service \"x\""));
        ProcessingExceptionHandler.Response bug = handler.handleError(context(null, raw), record,
                new IllegalStateException("a bug"));

        assertThat(invalid.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(invalid.deadLetterQueueRecords()).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(raw);
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON_HEADER)).isEqualTo("key-mismatch");
            assertThat(DeadLetters.header(letter.headers(), DeadLetters.MESSAGE_HEADER)).contains("is not its service");
        });
        assertThat(bug.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(bug.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void theEngineStopsReadingInsteadOfDeadLetteringWhenTheRegistryIsDown(@TempDir Path stateDir) throws IOException {
        String url = "http://127.0.0.1:" + closedPort();
        Properties props = ConfigLoader.defaults();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-down-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        CorrelatorSerdes serdes = new CorrelatorSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.REQUEST_TIMEOUT_MS, "2000"));
        try (TopologyTestDriver driver = new TopologyTestDriver(CorrelatorTopology.build(EngineSettings.defaults(), serdes, props),
                props)) {
            var pings = driver.createInputTopic(Topics.SERVICE_PINGS.name(), new StringSerializer(), new ByteArraySerializer());

            assertThatThrownBy(() -> pings.pipeInput("svc", GOOD_LOOKING, Instant.parse("2021-04-06T07:00:00Z")))
                    .isInstanceOf(StreamsException.class)
                    .satisfies(e -> assertThat(StreamThreadFailurePolicy.isTransientRegistryOutage(e)).isTrue());
            assertThat(driver.producedTopicNames()).doesNotContain(Topics.DEAD_LETTER);
        }
    }
}
