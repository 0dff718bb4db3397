package io.amorsize;

/**
 * The static entry point for the common case: configure the shared cache once, then let the engine
 * plugins (or {@link Tuner}) use it. Mirrors the Python original's API.
 */
public final class Amorsize {

    private Amorsize() {
    }
}
