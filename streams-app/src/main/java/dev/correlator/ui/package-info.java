/**
 * The timeline page: outages, causes and verdicts on one picture, live. {@link dev.correlator.ui.TimelineFeed}
 * reads the output and cause topics into a bounded {@link dev.correlator.ui.TimelineModel};
 * {@link dev.correlator.ui.TimelineUi} serves the page (static files from {@code /ui/} in the jar), a JSON
 * snapshot and a Server-Sent Events stream of deltas on any JDK {@code HttpServer};
 * {@link dev.correlator.ui.UiServer} runs them on a server of its own on 127.0.0.1.
 */
package dev.correlator.ui;
