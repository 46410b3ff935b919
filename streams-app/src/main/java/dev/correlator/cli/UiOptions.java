package dev.correlator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.correlator.ui.UiServer;
import picocli.CommandLine.Option;

/** {@code --ui}, {@code --ui-port}: the timeline page on 127.0.0.1, for {@code run}, {@code scenario} and {@code demo}. */
final class UiOptions {

    /** The API server's port (issue 7): without it the page takes its place; 8081 is the schema registry's. */
    static final int DEFAULT_PORT = 8080;

    @Option(names = "--ui", description = "Serve the timeline page (outages, causes, verdicts; live) on 127.0.0.1; "
            + "scenario and demo then keep running after printing, until Ctrl-C.")
    boolean enabled;

    @Option(names = "--ui-port", defaultValue = "" + DEFAULT_PORT, paramLabel = "PORT",
            description = "Port of the timeline page (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port = DEFAULT_PORT;

    /** Completed with the page's address once it serves (tests wait on it). */
    final CompletableFuture<String> address = new CompletableFuture<>();
    /** Counted down by Ctrl-C (a shutdown hook), or by a test. */
    final CountDownLatch stop = new CountDownLatch(1);

    /** The page's server, or null without {@code --ui}. */
    UiServer start(Properties props, PrintStream progress) throws IOException {
        if (!enabled) {
            return null;
        }
        UiServer server;
        try {
            server = UiServer.start(props, UiServer.DEFAULT_HOST, port);
        } catch (IOException e) {
            throw new IOException("cannot serve the timeline on " + UiServer.DEFAULT_HOST + ":" + port
                    + " (" + e.getMessage() + "); choose another with --ui-port", e);
        }
        progress.println("timeline page: " + server.url() + " (live)");
        address.complete(server.url());
        return server;
    }

    /** Blocks until Ctrl-C (or {@link #stop}). */
    void awaitStop() throws InterruptedException {
        Thread hook = new Thread(stop::countDown, "timeline-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting through the hook itself: nothing to remove
            }
        }
    }
}
