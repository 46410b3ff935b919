package dev.correlator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lag that `correlator replay`, the scenario runner and the benchmark wait on, asked round after round. */
@ExtendWith(KafkaClusterExtension.class)
class GroupOffsetsWatchIT {

    @Test
    void countsWhatTheGroupHasLeftAndLooksUpTopicsAgainWhenTheGroupCommitsOnANewOne(KafkaCluster kafka) throws Exception {
        String app = kafka.uniqueName("watch");
        String input = app + ".input";
        String first = app + "-first-repartition";
        kafka.createTopics(2, input);
        kafka.createTopics(1, first);
        produce(kafka, input, 0, 5);
        produce(kafka, input, 1, 3);
        produce(kafka, first, 0, 4);
        boolean[] running = {false};
        @SuppressWarnings("resource") // without skippingMarkers it holds no client of its own
        GroupOffsets.Watch watch = new GroupOffsets.Watch(kafka.admin(), app, List.of(input), () -> running[0]);

        assertThat(watch.lag()).as("nothing committed yet").isEqualTo(-1);
        commit(kafka, app, new TopicPartition(input, 0), 2);
        // partitions without a committed offset count from 0; the repartition topic counts though never committed on
        assertThat(watch.lag()).isEqualTo(3 + 3 + 4).isEqualTo(GroupOffsets.lag(kafka.admin(), app, List.of(input)));

        running[0] = true;
        assertThat(watch.lag()).isEqualTo(10);
        // a topic created after the application runs is not looked for on every round trip, but as soon as the
        // group has committed on it
        String second = app + "-second-repartition";
        kafka.createTopics(1, second);
        produce(kafka, second, 0, 2);
        commit(kafka, app, new TopicPartition(second, 0), 1);
        assertThat(watch.lag()).isEqualTo(10 + 1).isEqualTo(GroupOffsets.lag(kafka.admin(), app, List.of(input)));
        assertThat(watch.repartitionLag(GroupOffsets.committed(kafka.admin(), app))).isEqualTo(4 + 1);

        commit(kafka, app, new TopicPartition(input, 1), 3);
        commit(kafka, app, new TopicPartition(first, 0), 4);
        assertThat(watch.lag()).isEqualTo(3 + 1);
    }

    /**
     * After a crash under exactly-once, a task that finds only a transaction marker or an aborted transaction after
     * its committed offset never commits past it: such a gap is read once it has stayed as it is, and no longer
     * counted if it holds no record; an open transaction or a record in the gap keeps it counted.
     */
    @Test
    void aGapOfTransactionMarkersAndAbortedRecordsIsNotLeftToWaitOn(KafkaCluster kafka) throws Exception {
        String app = kafka.uniqueName("markers");
        String input = app + ".input";
        kafka.createTopics(1, input);
        TopicPartition tp = new TopicPartition(input, 0);
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, app + "-writer");
        try (KafkaProducer<String, String> tx = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
             GroupOffsets.Watch watch = new GroupOffsets.Watch(kafka.admin(), app, List.of(input), () -> true)
                     .skippingMarkers(properties(kafka))) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(input, 0, "k", "v0"));
            tx.send(new ProducerRecord<>(input, 0, "k", "v1"));
            tx.commitTransaction(); // records at 0 and 1, commit marker at 2 (written after commitTransaction returns)
            commit(kafka, app, tp, 2); // the reader got both records, and committed before it saw the marker
            await().atMost(Duration.ofSeconds(30)).until(() -> GroupOffsets.lag(kafka.admin(), app, List.of(input)),
                    lag -> lag == 1);
            await().atMost(Duration.ofSeconds(30)).until(watch::lag, lag -> lag == 0);

            tx.beginTransaction();
            tx.send(new ProducerRecord<>(input, 0, "k", "v2"));
            tx.send(new ProducerRecord<>(input, 0, "k", "v3"));
            tx.flush();
            tx.abortTransaction(); // aborted records at 3 and 4, abort marker at 5 (written after abortTransaction returns)
            await().atMost(Duration.ofSeconds(30)).until(() -> GroupOffsets.lag(kafka.admin(), app, List.of(input)),
                    lag -> lag == 4);
            await().atMost(Duration.ofSeconds(30)).until(watch::lag, lag -> lag == 0);

            tx.beginTransaction();
            tx.send(new ProducerRecord<>(input, 0, "k", "open"));
            tx.flush(); // at 6, in a transaction still open: a reader stops before it, and so does the watch
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(30)).until(watch::lag, lag -> lag == 5);
            tx.abortTransaction();
            await().atMost(Duration.ofSeconds(30)).until(watch::lag, lag -> lag == 0);
        }
        produce(kafka, input, 0, 1); // a record a reader gets, at 8
        try (GroupOffsets.Watch watch = new GroupOffsets.Watch(kafka.admin(), app, List.of(input), () -> true)
                .skippingMarkers(properties(kafka))) {
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(30)).until(watch::lag, lag -> lag == 7);
        }
    }

    private static Properties properties(KafkaCluster kafka) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        return p;
    }

    private static void produce(KafkaCluster kafka, String topic, int partition, int records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static void commit(KafkaCluster kafka, String group, TopicPartition tp, long offset) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        offsets.put(tp, new OffsetAndMetadata(offset));
        kafka.admin().alterConsumerGroupOffsets(group, offsets).all().get();
    }
}
