// Reads topics from the beginning, read_committed, and prints one JSON line per record:
// {"topic","partition","offset","key","value"} with the value decoded through the schema registry
// (Confluent wire format, Avro). Stops once it has `expected` records of each topic, or fails after a timeout.
//
//   node read-topics.mjs --brokers 127.0.0.1:9092 --registry http://127.0.0.1:8081 \
//        --topic correlations=12 --topic outage-attributions=5
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

const args = process.argv.slice(2);
const opt = { topics: {} };
for (let i = 0; i < args.length; i += 2) {
  const [name, value] = [args[i], args[i + 1]];
  if (name === '--brokers') opt.brokers = value.split(',');
  else if (name === '--registry') opt.registry = value;
  else if (name === '--group') opt.group = value;
  else if (name === '--timeout-ms') opt.timeoutMs = Number(value);
  else if (name === '--topic') {
    const [topic, expected] = value.split('=');
    opt.topics[topic] = Number(expected);
  } else {
    console.error(`unknown argument ${name}`);
    process.exit(2);
  }
}
const timeoutMs = opt.timeoutMs ?? 60000;

const kafka = new Kafka({ clientId: 'outside-clients', brokers: opt.brokers, logLevel: logLevel.WARN });
const registry = new SchemaRegistry({ host: opt.registry });
const consumer = kafka.consumer({ groupId: opt.group ?? `outside-clients-${process.pid}-${Date.now()}`,
  readUncommitted: false }); // read_committed: only what the engine's transactions committed
const seen = Object.fromEntries(Object.keys(opt.topics).map((t) => [t, 0]));
const lines = [];

let finish;
const done = new Promise((resolve) => { finish = resolve; });
const timer = setTimeout(() => {
  console.error(`timed out after ${timeoutMs} ms; seen ${JSON.stringify(seen)} of ${JSON.stringify(opt.topics)}`);
  process.exit(3);
}, timeoutMs);

await consumer.connect();
await consumer.subscribe({ topics: Object.keys(opt.topics), fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const value = message.value === null ? null : await registry.decode(message.value);
    lines.push(JSON.stringify({
      topic,
      partition,
      offset: Number(message.offset),
      key: message.key === null ? null : message.key.toString('utf8'),
      value,
    }));
    seen[topic] += 1;
    if (Object.entries(opt.topics).every(([t, n]) => seen[t] >= n)) finish();
  },
});
if (Object.values(opt.topics).every((n) => n === 0)) finish();
await done;
clearTimeout(timer);
await consumer.disconnect();
process.stdout.write(lines.map((l) => `${l}\n`).join(''));
