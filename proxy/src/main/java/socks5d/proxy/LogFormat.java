package socks5d.proxy;

import java.net.URL;
import java.util.Locale;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;

/**
 * The log line format (docs/operations.md, Logs): {@code text}, logback.xml as started, or {@code json},
 * one JSON object per line from logback's JsonEncoder (logback-json.xml), loaded here before the actor
 * system starts. Stateless.
 */
final class LogFormat {
    private LogFormat() {
    }

    /** Checks {@code value} ({@code socks5d.proxy.log-format}); throws IllegalArgumentException unless text or json. */
    static String parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("text") && !v.equals("json")) {
            throw new IllegalArgumentException("--log-format must be text or json, was " + value);
        }
        return v;
    }

    /** Stops logging: every appender writes what it still holds (BatchedStdoutAppender its queue). */
    static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /** Switches logging to JSON lines for {@code json}; {@code text} keeps the configuration in force. */
    static void apply(String format) {
        URL json = LogFormat.class.getResource("/logback-json.xml");
        if (!format.equals("json") || json == null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(json);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot load the JSON logging configuration", e);
        }
    }
}
