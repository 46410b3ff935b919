package dev.correlator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
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
