package io.amorsize.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Captures log lines of the {@code io.amorsize} loggers (log4j2) while open. */
final class LogCapture implements AutoCloseable {

    /** One captured line. */
    record Line(Level level, String logger, String message) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message;
        }
    }

    private final List<Line> lines = new ArrayList<>();
    private final AbstractAppender appender;
    private final LoggerConfig config;

    private LogCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration conf = ctx.getConfiguration();
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (lines) {
                    lines.add(new Line(event.getLevel(), event.getLoggerName(),
                            event.getMessage().getFormattedMessage()));
                }
            }
        };
        appender.start();
        config = conf.getLoggerConfig("io.amorsize");
        config.addAppender(appender, Level.ALL, null);
        ctx.updateLoggers();
    }

    static LogCapture start() {
        return new LogCapture();
    }

    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    List<Line> at(Level level) {
        return lines().stream().filter(l -> l.level() == level).toList();
    }

    @Override
    public void close() {
        config.removeAppender(appender.getName());
        appender.stop();
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
    }
}
