/**
 * The Alertmanager sink ({@code correlator alert}): every outage attribution becomes alerts on Prometheus
 * Alertmanager's {@code /api/v2/alerts}. {@link dev.correlator.alerting.OutageAlerts} maps an attribution to alerts
 * (pure), {@link dev.correlator.alerting.AlertmanagerClient} posts them with retries, and
 * {@link dev.correlator.alerting.AlertSink} consumes {@code outage-attributions}, posts, re-posts open alerts and
 * commits. The labels and the inhibition rule that silences outages with a linked external cause are in the
 * README ("Alerting with Alertmanager").
 */
package dev.correlator.alerting;
