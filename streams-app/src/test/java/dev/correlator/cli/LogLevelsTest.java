package dev.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code --log-level} sets the correlator's loggers when the command line is parsed, before or after the command name. */
class LogLevelsTest {

    private final Logger ours = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(LogLevels.OUR_LOGGERS);
    private final Level before = ours.getLevel();

    @AfterEach
    void restore() {
        ours.setLevel(before);
    }

    @Test
    void beforeOrAfterTheCommand() {
        Level kafka = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.kafka").getEffectiveLevel();
        assertThat(apply("--log-level", "debug", "run", "--bootstrap-servers", "x:9092")).isTrue();
        assertThat(ours.getLevel()).isEqualTo(Level.DEBUG);
        apply("run", "--log-level", "WARN");
        assertThat(ours.getLevel()).isEqualTo(Level.WARN);
        apply("scenario", "x.jsonl", "--log-level", "error");
        assertThat(ours.getLevel()).isEqualTo(Level.ERROR);
        assertThat(apply("run")).isFalse();
        assertThat(ours.getLevel()).isEqualTo(Level.ERROR);
        // Kafka's loggers are left as configured
        assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.kafka").getEffectiveLevel()).isEqualTo(kafka);
    }

    private static boolean apply(String... args) {
        return CorrelatorCli.applyLogLevel(CorrelatorCli.commandLine().parseArgs(args));
    }

    @Test
    void aWrongLevelIsAClearError() {
        // through the real entry point: usage error (exit 2) with the message
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = CorrelatorCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        assertThat(cli.execute("--log-level", "loud", "help")).isEqualTo(2);
        assertThat(err.toString()).contains("'loud' is not a log level");
        assertThatThrownBy(() -> apply("--log-level", "loud", "run"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'loud' is not a log level; use one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }
}
