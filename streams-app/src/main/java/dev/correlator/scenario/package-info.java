/**
 * Scenario files and correlation output, the external contract of {@code correlator scenario}
 * (see {@code SCENARIO-FORMAT.md}): {@link dev.correlator.scenario.ScenarioParser} turns JSON Lines into keyed,
 * timestamped input records for the five input topics, {@link dev.correlator.scenario.ScenarioWriter} does the
 * reverse for importers, and {@link dev.correlator.scenario.OutputFormat} prints verdicts as contract JSON lines
 * or as a table. Pure code: nothing here talks to Kafka.
 */
package dev.correlator.scenario;
