package io.amorsize.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event of every logger (all levels, including Jedis' and our own DEBUG lines)
 * while open: formatted messages and the full text of attached throwables (stack traces, causes,
 * suppressed). For secret-leak checks: {@code assertFalse(capture.text().contains(password))}.
 * Existing appenders keep their previous threshold, so the console is not flooded.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final LoggerContext ctx;
    private final Appender appender;
    private final Level previousRootLevel;
    private final Map<String, Appender> previousAppenders;

    private LogCapture() {
        ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        LoggerConfig root = cfg.getRootLogger();
        previousRootLevel = root.getLevel();
        previousAppenders = Map.copyOf(root.getAppenders());
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder sb = new StringBuilder();
                sb.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                Throwable t = event.getThrown();
                if (t != null) {
                    StringWriter w = new StringWriter();
                    t.printStackTrace(new PrintWriter(w));
                    sb.append('\n').append(w);
                }
                synchronized (lines) {
                    lines.add(sb.toString());
                }
            }
        };
        appender.start();
        // Keep the old appenders at the old threshold, then open the root to everything.
        for (Appender a : previousAppenders.values()) {
            root.removeAppender(a.getName());
            root.addAppender(a, previousRootLevel, null);
        }
        root.addAppender(appender, Level.ALL, null);
        root.setLevel(Level.ALL);
        ctx.updateLoggers();
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Captured lines so far (level, logger, message and throwable text). */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** All captured text joined by newlines. */
    public String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        for (Appender a : previousAppenders.values()) {
            root.removeAppender(a.getName());
            root.addAppender(a, null, null);
        }
        root.setLevel(previousRootLevel);
        ctx.updateLoggers();
        appender.stop();
    }
}
