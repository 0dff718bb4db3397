package io.amorsize.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Captures log lines of io.amorsize.cache (WARN and above by default) while open. */
final class FileStoreLogs implements AutoCloseable {

    private static final String LOGGER = "io.amorsize.cache";
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final LoggerContext ctx;

    FileStoreLogs() {
        ctx = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        Configuration cfg = ctx.getConfiguration();
        LoggerConfig lc = cfg.getLoggers().get(LOGGER);
        if (lc == null) {
            lc = new LoggerConfig(LOGGER, Level.INFO, true);
            cfg.addLogger(LOGGER, lc);
        }
        lc.setLevel(Level.INFO);
        lc.addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    long count(String level, String contains) {
        return lines.stream()
                .filter(l -> l.startsWith(level + " ") && l.contains(contains))
                .count();
    }

    @Override
    public void close() {
        LoggerConfig lc = ctx.getConfiguration().getLoggers().get(LOGGER);
        if (lc != null) {
            lc.removeAppender(appender.getName());
        }
        ctx.updateLoggers();
        appender.stop();
    }
}
