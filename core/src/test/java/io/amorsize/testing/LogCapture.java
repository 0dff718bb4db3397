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
 * suppressed). For secret-leak checks: {@code assertFalse(capture.text().contains(password))};
 * for "one INFO line per decision": {@code LogCapture.start("io.amorsize")} and {@link #at(Level)}.
 * Existing appenders keep their previous threshold, so the console is not flooded.
 */
public final class LogCapture implements AutoCloseable {

    /** One captured event; {@code message} includes the throwable's full text when there is one. */
    public record Line(Level level, String logger, String message) {
        @Override
        public String toString() {
            return level + " " + logger + " " + message;
        }
    }

    private final List<Line> lines = new ArrayList<>();
    private final String loggerPrefix;
    private final LoggerContext ctx;
    private final Appender appender;
    private final Level previousRootLevel;
    private final Map<String, Appender> previousAppenders;
    private final List<LoggerConfig> nonAdditive = new ArrayList<>();

    private LogCapture(String loggerPrefix) {
        this.loggerPrefix = loggerPrefix;
        ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        LoggerConfig root = cfg.getRootLogger();
        previousRootLevel = root.getLevel();
        previousAppenders = Map.copyOf(root.getAppenders());
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String logger = event.getLoggerName() == null ? "" : event.getLoggerName();
                if (!logger.startsWith(LogCapture.this.loggerPrefix)) {
                    return;
                }
                StringBuilder sb = new StringBuilder(event.getMessage().getFormattedMessage());
                Throwable t = event.getThrown();
                if (t != null) {
                    StringWriter w = new StringWriter();
                    t.printStackTrace(new PrintWriter(w));
                    sb.append('\n').append(w);
                }
                synchronized (lines) {
                    lines.add(new Line(event.getLevel(), logger, sb.toString()));
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
        // Events of a non-additive logger (e.g. a test config's io.amorsize at INFO) never reach
        // the root: listen there too. An event's path ends at its first non-additive logger, so
        // nothing is captured twice.
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            if (lc != root && !lc.isAdditive()) {
                lc.addAppender(appender, Level.ALL, null);
                nonAdditive.add(lc);
            }
        }
        ctx.updateLoggers();
    }

    /** Starts capturing every logger. */
    public static LogCapture start() {
        return new LogCapture("");
    }

    /** Starts capturing the loggers whose names start with {@code loggerPrefix} (e.g. "io.amorsize"). */
    public static LogCapture start(String loggerPrefix) {
        return new LogCapture(loggerPrefix);
    }

    /** Captured events so far. */
    public List<Line> events() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Captured events at exactly {@code level}. */
    public List<Line> at(Level level) {
        return events().stream().filter(l -> l.level() == level).toList();
    }

    /** Captured lines so far (level, logger, message and throwable text). */
    public List<String> lines() {
        return events().stream().map(Line::toString).toList();
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
        for (LoggerConfig lc : nonAdditive) {
            lc.removeAppender(appender.getName());
        }
        ctx.updateLoggers();
        appender.stop();
    }
}
