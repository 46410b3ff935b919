/**
 * Real provider status history from Atlassian Statuspage v2 pages (GitHub, DigitalOcean, ...): successive
 * polled {@code summary.json} snapshots (or {@code incidents.json} documents) become {@code provider-status}
 * records, one per component status change and one per incident step, each once however often a snapshot is
 * imported. {@link dev.correlator.statuspage.SnapshotReader} reads files, {@link dev.correlator.statuspage.StatuspagePoller}
 * polls a live page, {@link dev.correlator.statuspage.StatuspageDeriver} diffs, {@link dev.correlator.statuspage.ComponentMapping}
 * maps page components to (component, region), and a {@link dev.correlator.statuspage.StatusSink} writes to Kafka
 * or to scenario lines. The rules are in {@code docs/STATUSPAGE.md}.
 */
package dev.correlator.statuspage;
