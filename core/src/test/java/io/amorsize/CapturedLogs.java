package io.amorsize;

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

/** Captures log events of one logger name (and below) at INFO and above, for assertions. */
final class CapturedLogs implements AutoCloseable {

    /** One captured event. */
    record Line(Level level, String message) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final LoggerContext context;
    private final AbstractAppender appender;
    private final String loggerName;

    CapturedLogs(String loggerName) {
        this.loggerName = loggerName;
        this.context = (LoggerContext) LogManager.getContext(false);
        this.appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (lines) {
                    lines.add(new Line(event.getLevel(), event.getMessage().getFormattedMessage()));
                }
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig lc = new LoggerConfig(loggerName, Level.INFO, false);
        lc.addAppender(appender, Level.INFO, null);
        config.addLogger(loggerName, lc);
        context.updateLoggers();
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
        context.getConfiguration().removeLogger(loggerName);
        context.updateLoggers();
        appender.stop();
    }
}
