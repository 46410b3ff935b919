package dev.correlator.ui;

import java.util.Properties;
import java.util.function.BiConsumer;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * The timeline, ready to mount: a {@link TimelineFeed} reading the deployment's topics into a
 * {@link TimelineModel}, and the {@link TimelineUi} handlers over it. Mount it on the app's HTTP server
 * ({@code timeline.mount(httpApi::register)}) or let {@link UiServer} give it a server of its own.
 */
public final class Timeline implements AutoCloseable {

    private final TimelineFeed feed;
    private final TimelineUi ui;

    private Timeline(TimelineFeed feed, TimelineUi ui) {
        this.feed = feed;
        this.ui = ui;
    }

    /** Starts reading; serves nothing until mounted. */
    public static Timeline start(Properties props) {
        TimelineModel model = new TimelineModel();
        TimelineFeed feed = new TimelineFeed(props, model).start();
        return new Timeline(feed, new TimelineUi(model));
    }

    /** Registers the handlers by path prefix ({@code /ui}, {@code /ui/api/snapshot}, {@code /ui/api/events}). */
    public Timeline mount(BiConsumer<String, HttpHandler> register) {
        ui.mount(register);
        return this;
    }

    public Timeline mount(HttpServer server) {
        ui.mount(server);
        return this;
    }

    public TimelineModel model() {
        return feed.model();
    }

    /** Ends the open event streams and stops reading. */
    @Override
    public void close() {
        ui.close();
        feed.close();
    }
}
